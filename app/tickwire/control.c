/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control through telemetry: commands that change a running tickwire,
 * and the phases they cut the run into. This unit is the frame every
 * command runs in; the others are in control.h.
 *
 *   /tickwire/rate,N           offered rate, messages/s (0: unlimited)
 *   /tickwire/pause            the generator sends nothing (heartbeats go on)
 *   /tickwire/resume           it sends again, paced from now
 *   /tickwire/mark,NAME        a named phase starts here
 *   /tickwire/faults,K=V,...   [faults] of a line, changed live
 *   /tickwire/stop             as SIGTERM: end the session, drain, report
 *   /tickwire/control          the control state and its counters
 *   /tickwire/phases           the phases so far (the last 24)
 *
 * Owns: the lock, when a command may run (ctl_run), the command log and
 * its counts, each command's answer, /tickwire/control, registering the
 * commands, and tickwire.h's tw_control_* calls. Commands run on DPDK's
 * telemetry threads (one per client) and take one mutex, shared with
 * the main lcore only; the lcores never take it: a generator lcore sees
 * tw_ctl.epoch move (a seqcount: odd while a command writes) and copies
 * the state at a burst boundary (control_apply.c).
 * Never touches: the RX lcores (a phase is their counters read at its
 * two ends), ports, or anything while the session is ending.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>

#include "control.h"

#define CTL_MAX_EVENTS 1024

struct tw_control tw_control = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The command log, under tw_control.lock. */
static struct {
	struct tw_control_event *events;
	unsigned int nb_events;
	uint64_t commands;
	uint64_t refused;
	uint64_t applied[8];            /* by enum ctl_cmd */
} ctl;

const char *const tw_ctl_cmd_name[CTL_NB_CMDS] = {
	[CTL_RATE] = "rate", [CTL_PAUSE] = "pause", [CTL_RESUME] = "resume",
	[CTL_MARK] = "mark", [CTL_FAULTS] = "faults", [CTL_STOP] = "stop",
	[CTL_BURST] = "burst",
};

/* The command log; its reason as the reply when refused. Lock held. */
int
tw_ctl_answer(struct rte_tel_data *d, enum ctl_cmd cmd, const char *params,
		const char *fmt, ...)
{
	struct tw_control_event *e = NULL;
	char why[TW_CONTROL_TEXT] = "";
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	ctl.commands++;
	if (fmt != NULL)
		ctl.refused++;
	else
		ctl.applied[cmd]++;
	if (ctl.nb_events < CTL_MAX_EVENTS)
		e = &ctl.events[ctl.nb_events++];
	if (e != NULL) {
		e->t_s = tw_ctl_since_start(rte_rdtsc());
		snprintf(e->command, sizeof(e->command), "%s",
			tw_ctl_cmd_name[cmd]);
		snprintf(e->params, sizeof(e->params), "%s",
			params != NULL ? params : "");
		snprintf(e->error, sizeof(e->error), "%s", why);
	}
	rte_tel_data_start_dict(d);
	if (fmt != NULL) {
		TW_LOG(app, NOTICE, "control: %s%s%s refused: %s\n",
			tw_ctl_cmd_name[cmd],
			params != NULL && *params ? "," : "",
			params != NULL ? params : "", why);
		rte_tel_data_add_dict_string(d, "error", why);
		return 0;
	}
	rte_tel_data_add_dict_string(d, "ok", tw_ctl_cmd_name[cmd]);
	rte_tel_data_add_dict_u64(d, "epoch", tw_ctl.epoch);
	rte_tel_data_add_dict_u64(d, "rate", tw_ctl.rate);
	rte_tel_data_add_dict_u64(d, "paused", tw_ctl.paused);
	rte_tel_data_add_dict_u64(d, "phase", tw_ctl_phase_index());
	rte_tel_data_add_dict_string(d, "phase_name", tw_ctl_phase_name());
	return 0;
}

/* Why a command cannot run now, or NULL. Lock held. */
static const char *
ctl_refusal(bool needs_gen)
{
	const struct tw_config *cfg = &tw_control.app->cfg;

	if (!tw_control.begun)
		return "the run has not started";
	if (tw_control.ended || tw_stop_requested || tw_force_quit)
		return "the session is ending (draining) or over";
	if (!needs_gen)
		return NULL;
	if (tw_control.app->nb_gen == 0)
		return "this tickwire has no generator";
	if (cfg->replay_file[0] != '\0' || cfg->itch_file[0] != '\0')
		return "a replayed capture or day file sets its own pace";
	return NULL;
}

int
tw_ctl_run(struct rte_tel_data *d, enum ctl_cmd c, const char *params,
		bool needs_gen, bool new_phase, ctl_body_t body)
{
	const char *why;
	int rc;

	pthread_mutex_lock(&tw_control.lock);
	why = ctl_refusal(needs_gen);
	if (why != NULL)
		rc = tw_ctl_answer(d, c, params, "%s", why);
	else if (new_phase && tw_ctl_phase_full())
		rc = tw_ctl_answer(d, c, params, "%u phases: no room for more",
			CTL_MAX_PHASES);
	else
		rc = body(c, params, d);
	pthread_mutex_unlock(&tw_control.lock);
	return rc;
}

static int
cmd_control(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	pthread_mutex_lock(&tw_control.lock);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "state", !tw_control.begun ?
		"starting" : tw_control.ended || tw_stop_requested ? "ending" :
		tw_ctl.paused ? "paused" : "running");
	rte_tel_data_add_dict_u64(d, "rate", tw_ctl.rate);
	rte_tel_data_add_dict_u64(d, "paused", tw_ctl.paused);
	rte_tel_data_add_dict_u64(d, "epoch", tw_ctl.epoch);
	rte_tel_data_add_dict_u64(d, "generator", tw_control.app->nb_gen > 0);
	rte_tel_data_add_dict_u64(d, "phase", tw_ctl_phase_index());
	rte_tel_data_add_dict_string(d, "phase_name", tw_ctl_phase_name());
	rte_tel_data_add_dict_u64(d, "commands", ctl.commands);
	rte_tel_data_add_dict_u64(d, "refused", ctl.refused);
	for (i = 0; i < RTE_DIM(tw_ctl_cmd_name); i++) {
		char key[32];

		snprintf(key, sizeof(key), "applied_%s", tw_ctl_cmd_name[i]);
		rte_tel_data_add_dict_u64(d, key, ctl.applied[i]);
	}
	pthread_mutex_unlock(&tw_control.lock);
	return 0;
}

int
tw_control_register(struct tw_app *app)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/tickwire/rate", tw_ctl_cmd_rate, "Offered rate, messages/s "
			"(0: unlimited); a new phase. Parameter: N" },
		{ "/tickwire/pause", tw_ctl_cmd_pause, "The generator sends "
			"nothing (heartbeats go on); a new phase. No "
			"parameters" },
		{ "/tickwire/resume", tw_ctl_cmd_resume, "The generator sends "
			"again, paced from now; a new phase. No parameters" },
		{ "/tickwire/mark", tw_ctl_cmd_mark, "A named phase starts "
			"here. Parameter: NAME" },
		{ "/tickwire/burst", tw_ctl_cmd_burst, "Paused: send N "
			"messages back to back, then pause again; the phase "
			"goes on. Parameter: N" },
		{ "/tickwire/faults", tw_ctl_cmd_faults, "Change [faults] "
			"live. Parameters: loss=,burst=,dup=,reorder=,"
			"line=a|b|ab" },
		{ "/tickwire/stop", tw_ctl_cmd_stop, "End the session as "
			"SIGTERM does: drain, report. No parameters" },
		{ "/tickwire/control", cmd_control, "Control state: rate, "
			"paused, phase, commands applied and refused" },
		{ "/tickwire/phases", tw_ctl_cmd_phases, "The phases so far "
			"(the last 24): rates, counts, p50/p99, orders" },
	};
	unsigned int i;
	int rc;

	tw_control.app = app;
	rc = tw_ctl_phase_init(app);
	ctl.events = calloc(CTL_MAX_EVENTS, sizeof(*ctl.events));
	if (rc != 0 || ctl.events == NULL)
		return -ENOMEM;
	tw_ctl.rate = app->cfg.rate;
	tw_ctl.faults = app->cfg.faults[0];
	for (i = 0; i < RTE_DIM(cmds); i++) {
		rc = rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn,
			cmds[i].help);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
tw_control_begin(struct tw_app *app)
{
	int rc;

	/* No telemetry (registration failed): no phases, no commands. */
	if (!tw_ctl_phase_ready())
		return 0;
	pthread_mutex_lock(&tw_control.lock);
	rc = tw_ctl_phase_begin(app->view->start_tsc);
	tw_control.begun = rc == 0;
	pthread_mutex_unlock(&tw_control.lock);
	return rc;
}

void
tw_control_finish(struct tw_app *app)
{
	RTE_SET_USED(app);
	pthread_mutex_lock(&tw_control.lock);
	if (tw_control.begun && !tw_control.ended) {
		tw_ctl_phase_close();
		tw_control.ended = true;
	}
	pthread_mutex_unlock(&tw_control.lock);
}

void
tw_control_phase_name(char *buf, size_t len)
{
	pthread_mutex_lock(&tw_control.lock);
	snprintf(buf, len, "%s", tw_ctl_phase_name());
	pthread_mutex_unlock(&tw_control.lock);
}

void
tw_control_meta(struct tw_stats_meta *meta)
{
	pthread_mutex_lock(&tw_control.lock);
	tw_ctl_phase_meta(meta);
	meta->control = ctl.events;
	meta->nb_control = ctl.nb_events;
	meta->control_commands = ctl.commands;
	meta->control_refused = ctl.refused;
	pthread_mutex_unlock(&tw_control.lock);
}
