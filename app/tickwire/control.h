/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control's units, private to app/tickwire. Each owns one role of the
 * commands that change a run and reaches the others only through what
 * is declared here:
 *
 *   control.c        the frame of every command: the lock, when a
 *                    command may run (ctl_run), the command log and each
 *                    answer, /tickwire/control, registration, and
 *                    tickwire.h's tw_control_* calls
 *   control_cmds.c   the commands that change the run: their parameters
 *                    and bodies (rate, pause, resume, mark, faults, stop)
 *   control_phase.c  the phases: the counters at each end, send->cache
 *                    within each, /tickwire/phases
 *   control_apply.c  tw_ctl: a command's write and its wait for the
 *                    generator lcores, and their apply at a burst boundary
 *
 * Commands run on DPDK's telemetry threads (one per client); they and
 * the main lcore take tw_control.lock, the lcores never do. Every call
 * declared here runs with the lock held, but the telemetry callbacks
 * (tw_ctl_run, tw_ctl_cmd_*), which take it.
 */
#ifndef TW_APP_CONTROL_H
#define TW_APP_CONTROL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_telemetry.h>

#include "tickwire.h"

#define CTL_MAX_PHASES 1024

/* control.c: what every unit of control reads, under lock. */
struct tw_control {
	pthread_mutex_t lock;
	struct tw_app *app;
	bool begun;
	bool ended;             /* the last phase is closed: no command */
};

extern struct tw_control tw_control;

enum ctl_cmd {
	CTL_RATE, CTL_PAUSE, CTL_RESUME, CTL_MARK, CTL_FAULTS, CTL_STOP,
	CTL_BURST, CTL_NB_CMDS
};

extern const char *const tw_ctl_cmd_name[CTL_NB_CMDS];

/*
 * The command log; its reason (fmt, ...) as the reply when refused, the
 * control state when fmt is NULL (applied). 0.
 */
int tw_ctl_answer(struct rte_tel_data *d, enum ctl_cmd cmd,
		const char *params, const char *fmt, ...);

/*
 * Every changing command: the lock, the refusal of a run not in a state
 * to take it, room for the phase it opens, and the log, around its own
 * body (the lock held).
 */
typedef int (*ctl_body_t)(enum ctl_cmd c, const char *params,
		struct rte_tel_data *d);

int tw_ctl_run(struct rte_tel_data *d, enum ctl_cmd c, const char *params,
		bool needs_gen, bool new_phase, ctl_body_t body);

/* control_cmds.c: the changing commands' telemetry callbacks. */
int tw_ctl_cmd_rate(const char *cmd, const char *params,
		struct rte_tel_data *d);
int tw_ctl_cmd_pause(const char *cmd, const char *params,
		struct rte_tel_data *d);
int tw_ctl_cmd_burst(const char *cmd, const char *params,
		struct rte_tel_data *d);
int tw_ctl_cmd_resume(const char *cmd, const char *params,
		struct rte_tel_data *d);
int tw_ctl_cmd_mark(const char *cmd, const char *params,
		struct rte_tel_data *d);
int tw_ctl_cmd_faults(const char *cmd, const char *params,
		struct rte_tel_data *d);
int tw_ctl_cmd_stop(const char *cmd, const char *params,
		struct rte_tel_data *d);

/* control_phase.c */
/* Room for the phases and the counters read at their ends; -ENOMEM. */
int tw_ctl_phase_init(const struct tw_app *app);
/* tw_ctl_phase_init() succeeded: there are phases to keep. */
bool tw_ctl_phase_ready(void);
/* Phase 0 ("start") from start_tsc, the run's start; -ENOSPC. */
int tw_ctl_phase_begin(uint64_t start_tsc);
/*
 * Close the running phase and open the next, at the point where the
 * generator lcores applied the change just written (or, when one did
 * not in time, now); -ENOSPC.
 */
int tw_ctl_phase_switch(const char *name, const char *opened_by,
		bool applied);
/* Close the running phase now. */
void tw_ctl_phase_close(void);
/* CTL_MAX_PHASES opened: no room for another. */
bool tw_ctl_phase_full(void);
/* The running phase (NULL before the first), its index and name (0 and
 * "" before the first). */
const struct tw_phase_report *tw_ctl_phase_running(void);
unsigned int tw_ctl_phase_index(void);
const char *tw_ctl_phase_name(void);
/* Seconds from the run's start to the TSC t (0 before it). */
double tw_ctl_since_start(uint64_t t);
/* The phases, for the stats JSON. */
void tw_ctl_phase_meta(struct tw_stats_meta *meta);
/* /tickwire/phases (takes the lock). */
int tw_ctl_cmd_phases(const char *cmd, const char *params,
		struct rte_tel_data *d);

/* control_apply.c: a command thread writes tw_ctl between these two. */
void tw_ctl_write_begin(void);
/* The write done; true once every generator lcore of app applied it
 * (waits up to 100 ms). */
bool tw_ctl_write_end(const struct tw_app *app);

#endif /* TW_APP_CONTROL_H */
