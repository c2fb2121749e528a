/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control through telemetry: commands that change a running tickwire,
 * and the phases they cut the run into.
 *
 *   /tickwire/rate,N           offered rate, messages/s (0: unlimited)
 *   /tickwire/pause            the generator sends nothing (heartbeats go on)
 *   /tickwire/resume           it sends again, paced from now
 *   /tickwire/mark,NAME        a named phase starts here
 *   /tickwire/faults,K=V,...   [faults] of a line, changed live
 *   /tickwire/stop             as SIGTERM: end the session, drain, report
 *   /tickwire/control          the control state and its counters
 *   /tickwire/phases           the phases so far (the last 32)
 *
 * Owns: tw_ctl (the state the generator lcores apply), the phases, the
 * command log. Commands run on DPDK's telemetry threads (one per client)
 * and take one mutex, shared with the main lcore only; the lcores never
 * take it: a generator lcore sees tw_ctl.epoch move (a seqcount: odd
 * while a command writes) and copies the state at a burst boundary.
 * Never touches: the RX lcores (a phase is their counters read at its
 * two ends), ports, or anything while the session is ending.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "tickwire.h"

#define CTL_MAX_PHASES 1024
#define CTL_MAX_EVENTS 1024
#define CTL_TEL_PHASES 32       /* the reply buffer is 16 KB */

struct tw_ctl tw_ctl;

static struct {
	pthread_mutex_t lock;
	struct tw_app *app;
	bool begun;
	bool ended;
	uint64_t start_tsc;
	struct tw_phase_report *phases;
	unsigned int nb_phases;         /* the last one runs while !ended */
	struct tw_hist lat_start;       /* send->cache at its start */
	struct tw_control_event *events;
	unsigned int nb_events;
	uint64_t commands;
	uint64_t refused;
	uint64_t applied[8];            /* by enum ctl_cmd */
	/* collect()'s scratch */
	struct tw_stats st;
	struct tw_hist merged[TW_SPAN_MAX];
	struct tw_hist rtt;
	struct tw_hist diff;
} ctl = { .lock = PTHREAD_MUTEX_INITIALIZER };

enum ctl_cmd {
	CTL_RATE, CTL_PAUSE, CTL_RESUME, CTL_MARK, CTL_FAULTS, CTL_STOP,
};

static const char *const ctl_cmd_name[] = {
	[CTL_RATE] = "rate", [CTL_PAUSE] = "pause", [CTL_RESUME] = "resume",
	[CTL_MARK] = "mark", [CTL_FAULTS] = "faults", [CTL_STOP] = "stop",
};

static double
since_start(uint64_t t)
{
	if (ctl.start_tsc == 0 || t < ctl.start_tsc)
		return 0;
	return (double)(t - ctl.start_tsc) /
		(double)tw_clock_hz(&ctl.app->clock);
}

/*
 * The counters now, and send->cache in ctl.merged. at_apply: the
 * generator's where its lcores applied the last change. Lock held.
 */
static void
counts_now(struct tw_phase_counts *c, bool at_apply)
{
	const struct tw_stats *s = &ctl.st;
	unsigned int i;

	tw_view_collect(ctl.app->view, &ctl.st, ctl.merged, &ctl.rtt);
	c->t_s = since_start(rte_rdtsc());
	c->gen = s->gen;
	if (at_apply) {
		memset(&c->gen, 0, sizeof(c->gen));
		for (i = 0; i < ctl.app->nb_gen; i++)
			tw_stats_add_gen(&c->gen, &ctl.app->gen[i]->ctl_ctr);
	}
	c->rx = s->rx;
	c->drops_total = s->drops_total;
	c->gaps = s->gaps;
	c->gap_msgs = s->gap_msgs;
	c->dup_msgs = s->dup_msgs;
}

/* Close the running phase at c (send->cache in ctl.merged). Lock held. */
static void
phase_close(const struct tw_phase_counts *c)
{
	struct tw_phase_report *p = &ctl.phases[ctl.nb_phases - 1];
	const struct tw_hist *now = &ctl.merged[TW_SPAN_SEND_CACHE];
	bool first = true;
	unsigned int i;

	p->end = *c;
	p->open = false;
	ctl.diff = *now;
	ctl.diff.count = 0;
	ctl.diff.sum -= RTE_MIN(ctl.lat_start.sum, ctl.diff.sum);
	for (i = 0; i < TW_HIST_BUCKETS; i++) {
		uint64_t lo, hi;

		ctl.diff.b[i] -= RTE_MIN(ctl.lat_start.b[i], ctl.diff.b[i]);
		ctl.diff.count += ctl.diff.b[i];
		if (ctl.diff.b[i] == 0)
			continue;
		/* The phase's own extremes, to a bucket's width. */
		tw_hist_bucket_range(i, &lo, &hi);
		if (first) {
			ctl.diff.min = RTE_MAX(now->min, lo);
			first = false;
		}
		ctl.diff.max = RTE_MIN(now->max, hi);
	}
	if (first)
		ctl.diff.min = ctl.diff.max = 0;
	tw_hist_summarize(&ctl.diff, &p->lat);
}

/*
 * Close the running phase and open the next, at the point where the
 * generator lcores applied the change just written (or, when one did
 * not in time, now). Lock held.
 */
static int
phase_switch(const char *name, const char *opened_by, bool applied)
{
	struct tw_phase_counts c;
	struct tw_phase_report *p;

	if (ctl.nb_phases == CTL_MAX_PHASES)
		return -ENOSPC;
	counts_now(&c, applied);
	if (ctl.nb_phases > 0)
		phase_close(&c);
	p = &ctl.phases[ctl.nb_phases];
	memset(p, 0, sizeof(*p));
	p->index = ctl.nb_phases++;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->opened_by = opened_by;
	p->rate = tw_ctl.rate;
	p->paused = tw_ctl.paused != 0;
	p->open = true;
	p->start = c;
	p->end = c;
	ctl.lat_start = ctl.merged[TW_SPAN_SEND_CACHE];
	return 0;
}

static const char *
running_name(void)
{
	return ctl.nb_phases > 0 ? ctl.phases[ctl.nb_phases - 1].name : "";
}

/* Write the generator's state: odd epoch while writing. Lock held. */
static void
ctl_write_begin(void)
{
	__atomic_fetch_add(&tw_ctl.epoch, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static bool
ctl_write_end(void)
{
	uint64_t e = __atomic_add_fetch(&tw_ctl.epoch, 1, __ATOMIC_RELEASE);
	uint64_t until = rte_rdtsc() + tw_clock_hz(&ctl.app->clock) / 10;
	unsigned int i;

	/*
	 * The phase boundary is where the generator applied it: wait (the
	 * command thread, up to 100 ms) until every generator lcore has,
	 * which takes one burst.
	 */
	for (i = 0; i < ctl.app->nb_gen; i++) {
		while (__atomic_load_n(&ctl.app->gen[i]->ctl_epoch,
				__ATOMIC_ACQUIRE) < e && rte_rdtsc() < until &&
		       !tw_force_quit)
			rte_delay_us_sleep(20);
		if (__atomic_load_n(&ctl.app->gen[i]->ctl_epoch,
				__ATOMIC_ACQUIRE) < e)
			return false;
	}
	return true;
}

void
tw_gen_ctl_apply(struct tw_gen_lcore *g, struct tw_pace *pace, uint64_t now)
{
	uint64_t e = __atomic_load_n(&tw_ctl.epoch, __ATOMIC_ACQUIRE);
	uint64_t rate, hz = tw_clock_hz(g->clock);
	struct tw_fault_params fp;
	uint32_t paused, lines;
	unsigned int line;

	if (e & 1)
		return;         /* being written: the next burst */
	rate = __atomic_load_n(&tw_ctl.rate, __ATOMIC_RELAXED);
	paused = __atomic_load_n(&tw_ctl.paused, __ATOMIC_RELAXED);
	lines = __atomic_load_n(&tw_ctl.faults_line, __ATOMIC_RELAXED);
	fp = tw_ctl.faults;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (__atomic_load_n(&tw_ctl.epoch, __ATOMIC_RELAXED) != e)
		return;         /* written meanwhile: the next burst */
	g->ctl_ctr = g->ctr;
	__atomic_store_n(&g->ctl_epoch, e, __ATOMIC_RELEASE);
	g->rate = rate == 0 ? 0 : RTE_MAX((uint64_t)1,
		(uint64_t)((double)rate * g->sched.share + 0.5));
	g->paused = paused != 0;
	/* Paced from now: no burst to catch up a pause or the old rate. */
	tw_pace_init(pace, now, g->rate ? RTE_MAX(hz / g->rate,
		UINT64_C(1)) : 1);
	fp.seed += g->index;
	for (line = 0; line < 2; line++)
		if ((lines & (1u << line)) != 0)
			tw_faults_init(&g->faults[line], &fp,
				&g->ctr.faults[line]);
}

/* The command log; its reason as the reply when refused. Lock held. */
static int
ctl_answer(struct rte_tel_data *d, enum ctl_cmd cmd, const char *params,
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
		e->t_s = since_start(rte_rdtsc());
		snprintf(e->command, sizeof(e->command), "%s",
			ctl_cmd_name[cmd]);
		snprintf(e->params, sizeof(e->params), "%s",
			params != NULL ? params : "");
		snprintf(e->error, sizeof(e->error), "%s", why);
	}
	rte_tel_data_start_dict(d);
	if (fmt != NULL) {
		TW_LOG(app, NOTICE, "control: %s%s%s refused: %s\n",
			ctl_cmd_name[cmd], params != NULL && *params ? "," : "",
			params != NULL ? params : "", why);
		rte_tel_data_add_dict_string(d, "error", why);
		return 0;
	}
	rte_tel_data_add_dict_string(d, "ok", ctl_cmd_name[cmd]);
	rte_tel_data_add_dict_u64(d, "epoch", tw_ctl.epoch);
	rte_tel_data_add_dict_u64(d, "rate", tw_ctl.rate);
	rte_tel_data_add_dict_u64(d, "paused", tw_ctl.paused);
	rte_tel_data_add_dict_u64(d, "phase", ctl.nb_phases > 0 ?
		ctl.nb_phases - 1 : 0);
	rte_tel_data_add_dict_string(d, "phase_name", running_name());
	return 0;
}

/* Why a command cannot run now, or NULL. Lock held. */
static const char *
ctl_refusal(bool needs_gen)
{
	const struct tw_config *cfg = &ctl.app->cfg;

	if (!ctl.begun)
		return "the run has not started";
	if (ctl.ended || tw_stop_requested || tw_force_quit)
		return "the session is ending (draining) or over";
	if (!needs_gen)
		return NULL;
	if (ctl.app->nb_gen == 0)
		return "this tickwire has no generator";
	if (cfg->replay_file[0] != '\0' || cfg->itch_file[0] != '\0')
		return "a replayed capture or day file sets its own pace";
	return NULL;
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * Every changing command: the lock, the refusal of a run not in a state
 * to take it, room for the phase it opens, and the log, around its own
 * body (the lock held).
 */
typedef int (*ctl_body_t)(enum ctl_cmd c, const char *params,
		struct rte_tel_data *d);

static int
ctl_run(struct rte_tel_data *d, enum ctl_cmd c, const char *params,
		bool needs_gen, bool new_phase, ctl_body_t body)
{
	const char *why;
	int rc;

	pthread_mutex_lock(&ctl.lock);
	why = ctl_refusal(needs_gen);
	if (why != NULL)
		rc = ctl_answer(d, c, params, "%s", why);
	else if (new_phase && ctl.nb_phases == CTL_MAX_PHASES)
		rc = ctl_answer(d, c, params, "%u phases: no room for more",
			CTL_MAX_PHASES);
	else
		rc = body(c, params, d);
	pthread_mutex_unlock(&ctl.lock);
	return rc;
}

static int
rate_body(enum ctl_cmd c, const char *params, struct rte_tel_data *d)
{
	char name[TW_PHASE_NAME];
	uint64_t rate, was = tw_ctl.rate;
	bool applied;

	if (parse_u64(params, TW_CTL_RATE_MAX, &rate) != 0)
		return ctl_answer(d, c, params, "give a rate in messages/s, 0 "
			"(unlimited) to %" PRIu64 ": /tickwire/rate,N",
			(uint64_t)TW_CTL_RATE_MAX);
	ctl_write_begin();
	tw_ctl.rate = rate;
	applied = ctl_write_end();
	snprintf(name, sizeof(name), "rate=%" PRIu64, rate);
	phase_switch(name, "rate", applied);
	TW_LOG(app, NOTICE, "control: rate %" PRIu64 " msgs/s (was %" PRIu64
		"%s); phase %u from %.3f s\n", rate, was,
		tw_ctl.paused ? ", paused" : "", ctl.nb_phases - 1,
		ctl.phases[ctl.nb_phases - 1].start.t_s);
	return ctl_answer(d, c, params, NULL);
}

static int
cmd_rate(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return ctl_run(d, CTL_RATE, params, true, true, rate_body);
}

/* pause and resume: the running phase's name goes on. */
static int
pause_resume_body(enum ctl_cmd c, const char *params, struct rte_tel_data *d)
{
	bool pause = c == CTL_PAUSE, applied;
	char name[TW_PHASE_NAME];

	if (params != NULL && *params != '\0')
		return ctl_answer(d, c, params, "no parameters: /tickwire/%s",
			ctl_cmd_name[c]);
	if ((tw_ctl.paused != 0) == pause)
		return ctl_answer(d, c, params, "already %s", pause ?
			"paused" : "running");
	ctl_write_begin();
	tw_ctl.paused = pause;
	applied = ctl_write_end();
	snprintf(name, sizeof(name), "%s", running_name());
	phase_switch(name, ctl_cmd_name[c], applied);
	TW_LOG(app, NOTICE, "control: %s; phase %u (%s) from %.3f s\n",
		pause ? "paused" : "resumed", ctl.nb_phases - 1, name,
		ctl.phases[ctl.nb_phases - 1].start.t_s);
	return ctl_answer(d, c, params, NULL);
}

static int
cmd_pause(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return ctl_run(d, CTL_PAUSE, params, true, true, pause_resume_body);
}

static int
cmd_resume(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return ctl_run(d, CTL_RESUME, params, true, true, pause_resume_body);
}

static bool
good_name(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && strchr("_-.:=+@", *s) ==
				NULL)
			return false;
	return n > 0 && n < TW_PHASE_NAME;
}

static int
mark_body(enum ctl_cmd c, const char *params, struct rte_tel_data *d)
{
	bool applied;

	if (!good_name(params))
		return ctl_answer(d, c, params, "give a name of 1 to %d "
			"letters, digits or _-.:=+@: /tickwire/mark,NAME",
			TW_PHASE_NAME - 1);
	/* Nothing changes; the generator marks where it is. */
	ctl_write_begin();
	applied = ctl_write_end();
	phase_switch(params, "mark", applied);
	TW_LOG(app, NOTICE, "control: mark %s; phase %u from %.3f s\n",
		params, ctl.nb_phases - 1,
		ctl.phases[ctl.nb_phases - 1].start.t_s);
	return ctl_answer(d, c, params, NULL);
}

static int
cmd_mark(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return ctl_run(d, CTL_MARK, params, false, true, mark_body);
}

/*
 * loss=, burst=, dup=, reorder= (shares as in [faults]) and line=a|b|ab
 * over the live values; -EINVAL with why set.
 */
static int
parse_faults(const char *params, struct tw_fault_params *fp,
		uint32_t *lines, char *why, size_t len)
{
	char buf[256], *save = NULL, *kv;

	if (params == NULL || *params == '\0' ||
	    strlen(params) >= sizeof(buf)) {
		snprintf(why, len, "give K=V,...: loss, burst, dup, reorder, "
			"line=a|b|ab");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", params);
	*lines = 1;
	for (kv = strtok_r(buf, ",", &save); kv != NULL;
	     kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '='), *end;
		double x;

		if (v == NULL) {
			snprintf(why, len, "'%s' is not K=V", kv);
			return -EINVAL;
		}
		*v++ = '\0';
		if (strcmp(kv, "line") == 0) {
			*lines = strcmp(v, "a") == 0 ? 1 : strcmp(v, "b") == 0 ?
				2 : strcmp(v, "ab") == 0 ? 3 : 0;
			if (*lines == 0 || (*lines & 2 &&
					    !ctl.app->gen[0]->line_b)) {
				snprintf(why, len, "line: a, or b and ab with "
					"[feed] lines = 2");
				return -EINVAL;
			}
			continue;
		}
		errno = 0;
		x = strtod(v, &end);
		if (errno != 0 || end == v || *end != '\0') {
			snprintf(why, len, "%s: '%s' is not a number", kv, v);
			return -EINVAL;
		}
		if (strcmp(kv, "loss") == 0)
			fp->loss = x;
		else if (strcmp(kv, "burst") == 0)
			fp->burst = x;
		else if (strcmp(kv, "dup") == 0)
			fp->dup = x;
		else if (strcmp(kv, "reorder") == 0)
			fp->reorder = x;
		else {
			snprintf(why, len, "no fault '%s' to change live "
				"(loss, burst, dup, reorder, line)", kv);
			return -EINVAL;
		}
	}
	return 0;
}

static int
faults_body(enum ctl_cmd c, const char *params, struct rte_tel_data *d)
{
	struct tw_fault_params fp = tw_ctl.faults;
	struct tw_fault_counters scratch_ctr;
	struct tw_faults scratch;
	char why[TW_CONTROL_TEXT];
	uint32_t lines;

	if (parse_faults(params, &fp, &lines, why, sizeof(why)) != 0)
		return ctl_answer(d, c, params, "%s", why);
	if (tw_faults_init(&scratch, &fp, &scratch_ctr) != 0)
		return ctl_answer(d, c, params, "shares are in [0, 1), "
			"burst >= 1");
	ctl_write_begin();
	tw_ctl.faults = fp;
	tw_ctl.faults_line = lines;
	ctl_write_end();
	TW_LOG(app, NOTICE, "control: faults on line%s %s: loss %g burst %g "
		"dup %g reorder %g\n", lines == 3 ? "s" : "",
		lines == 1 ? "A" : lines == 2 ? "B" : "A and B",
		fp.loss, fp.burst, fp.dup, fp.reorder);
	return ctl_answer(d, c, params, NULL);
}

static int
cmd_faults(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return ctl_run(d, CTL_FAULTS, params, true, false, faults_body);
}

static int
stop_body(enum ctl_cmd c, const char *params, struct rte_tel_data *d)
{
	struct tw_phase_counts now;
	int rc;

	if (params != NULL && *params != '\0')
		return ctl_answer(d, c, params, "no parameters: "
			"/tickwire/stop");
	TW_LOG(app, NOTICE, "control: stop: ending the session\n");
	ctl.app->control_stopped = true;
	rc = ctl_answer(d, c, params, NULL);
	/* The last phase ends here, not when the main lcore sees it. */
	counts_now(&now, false);
	phase_close(&now);
	ctl.ended = true;
	/* As the first SIGTERM: end of session, drain, reports. */
	tw_stop_requested = true;
	return rc;
}

static int
cmd_stop(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return ctl_run(d, CTL_STOP, params, false, false, stop_body);
}

static int
cmd_control(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	pthread_mutex_lock(&ctl.lock);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "state", !ctl.begun ? "starting" :
		ctl.ended || tw_stop_requested ? "ending" :
		tw_ctl.paused ? "paused" : "running");
	rte_tel_data_add_dict_u64(d, "rate", tw_ctl.rate);
	rte_tel_data_add_dict_u64(d, "paused", tw_ctl.paused);
	rte_tel_data_add_dict_u64(d, "epoch", tw_ctl.epoch);
	rte_tel_data_add_dict_u64(d, "generator", ctl.app->nb_gen > 0);
	rte_tel_data_add_dict_u64(d, "phase", ctl.nb_phases > 0 ?
		ctl.nb_phases - 1 : 0);
	rte_tel_data_add_dict_string(d, "phase_name", running_name());
	rte_tel_data_add_dict_u64(d, "commands", ctl.commands);
	rte_tel_data_add_dict_u64(d, "refused", ctl.refused);
	for (i = 0; i < RTE_DIM(ctl_cmd_name); i++) {
		char key[32];

		snprintf(key, sizeof(key), "applied_%s", ctl_cmd_name[i]);
		rte_tel_data_add_dict_u64(d, key, ctl.applied[i]);
	}
	pthread_mutex_unlock(&ctl.lock);
	return 0;
}

/* A phase in telemetry's terms: integers (ms, messages/s), no doubles. */
static struct rte_tel_data *
phase_dict(const struct tw_phase_report *p)
{
	struct rte_tel_data *t = rte_tel_data_alloc();
	const struct tw_phase_counts *a = &p->start, *b = &p->end;
	double dt = b->t_s - a->t_s;
	uint64_t tx = b->gen.ticks + b->gen.directories - a->gen.ticks -
		a->gen.directories;
	uint64_t rx = b->rx.msgs - a->rx.msgs;

	if (t == NULL)
		return NULL;
	rte_tel_data_start_dict(t);
	rte_tel_data_add_dict_string(t, "name", p->name);
	rte_tel_data_add_dict_string(t, "opened_by", p->opened_by);
	rte_tel_data_add_dict_u64(t, "open", p->open);
	rte_tel_data_add_dict_u64(t, "paused", p->paused);
	rte_tel_data_add_dict_u64(t, "offered_rate", p->rate);
	rte_tel_data_add_dict_u64(t, "start_ms", (uint64_t)(a->t_s * 1e3));
	rte_tel_data_add_dict_u64(t, "end_ms", (uint64_t)(b->t_s * 1e3));
	rte_tel_data_add_dict_u64(t, "tx_msgs", tx);
	rte_tel_data_add_dict_u64(t, "rx_msgs", rx);
	rte_tel_data_add_dict_u64(t, "tx_msgs_per_s", dt > 0 ?
		(uint64_t)(tx / dt + 0.5) : 0);
	rte_tel_data_add_dict_u64(t, "rx_msgs_per_s", dt > 0 ?
		(uint64_t)(rx / dt + 0.5) : 0);
	rte_tel_data_add_dict_u64(t, "drops", b->drops_total - a->drops_total);
	rte_tel_data_add_dict_u64(t, "gap_messages", b->gap_msgs - a->gap_msgs);
	rte_tel_data_add_dict_u64(t, "late_ticks",
		b->gen.late_ticks - a->gen.late_ticks);
	rte_tel_data_add_dict_u64(t, "latency_count", p->lat.count);
	rte_tel_data_add_dict_u64(t, "latency_p50_ns", p->lat.p50);
	rte_tel_data_add_dict_u64(t, "latency_p99_ns", p->lat.p99);
	rte_tel_data_add_dict_u64(t, "latency_max_ns", p->lat.max);
	return t;
}

static int
cmd_phases(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i, from;
	int rc = 0;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	pthread_mutex_lock(&ctl.lock);
	rte_tel_data_start_dict(d);
	if (ctl.nb_phases > 0 && !ctl.ended) {
		/* The running phase up to now. */
		struct tw_phase_counts c;

		counts_now(&c, false);
		phase_close(&c);
		ctl.phases[ctl.nb_phases - 1].open = true;
	}
	rte_tel_data_add_dict_u64(d, "phases", ctl.nb_phases);
	from = ctl.nb_phases > CTL_TEL_PHASES ? ctl.nb_phases -
		CTL_TEL_PHASES : 0;
	for (i = from; i < ctl.nb_phases; i++) {
		struct rte_tel_data *t = phase_dict(&ctl.phases[i]);
		char key[16];

		if (t == NULL) {
			rc = -ENOMEM;
			break;
		}
		snprintf(key, sizeof(key), "%u", i);
		rte_tel_data_add_dict_container(d, key, t, 0);
	}
	pthread_mutex_unlock(&ctl.lock);
	return rc;
}

int
tw_control_register(struct tw_app *app)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/tickwire/rate", cmd_rate, "Offered rate, messages/s "
			"(0: unlimited); a new phase. Parameter: N" },
		{ "/tickwire/pause", cmd_pause, "The generator sends nothing "
			"(heartbeats go on); a new phase. No parameters" },
		{ "/tickwire/resume", cmd_resume, "The generator sends again, "
			"paced from now; a new phase. No parameters" },
		{ "/tickwire/mark", cmd_mark, "A named phase starts here. "
			"Parameter: NAME" },
		{ "/tickwire/faults", cmd_faults, "Change [faults] live. "
			"Parameters: loss=,burst=,dup=,reorder=,line=a|b|ab" },
		{ "/tickwire/stop", cmd_stop, "End the session as SIGTERM "
			"does: drain, report. No parameters" },
		{ "/tickwire/control", cmd_control, "Control state: rate, "
			"paused, phase, commands applied and refused" },
		{ "/tickwire/phases", cmd_phases, "The phases so far (the "
			"last 32): rates, counts, send->cache p50/p99" },
	};
	unsigned int i;
	int rc;

	ctl.app = app;
	ctl.phases = calloc(CTL_MAX_PHASES, sizeof(*ctl.phases));
	ctl.events = calloc(CTL_MAX_EVENTS, sizeof(*ctl.events));
	ctl.st.channels = calloc(app->cfg.channels,
		sizeof(*ctl.st.channels));
	if (ctl.phases == NULL || ctl.events == NULL ||
	    ctl.st.channels == NULL)
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
	if (ctl.phases == NULL)
		return 0;
	pthread_mutex_lock(&ctl.lock);
	ctl.start_tsc = app->view->start_tsc;
	rc = phase_switch("start", "start", false);
	ctl.begun = rc == 0;
	pthread_mutex_unlock(&ctl.lock);
	return rc;
}

void
tw_control_finish(struct tw_app *app)
{
	struct tw_phase_counts c;

	RTE_SET_USED(app);
	pthread_mutex_lock(&ctl.lock);
	if (ctl.begun && !ctl.ended) {
		counts_now(&c, false);
		phase_close(&c);
		ctl.ended = true;
	}
	pthread_mutex_unlock(&ctl.lock);
}

void
tw_control_phase_name(char *buf, size_t len)
{
	pthread_mutex_lock(&ctl.lock);
	snprintf(buf, len, "%s", running_name());
	pthread_mutex_unlock(&ctl.lock);
}

void
tw_control_meta(struct tw_stats_meta *meta)
{
	pthread_mutex_lock(&ctl.lock);
	meta->phases = ctl.phases;
	meta->nb_phases = ctl.nb_phases;
	meta->control = ctl.events;
	meta->nb_control = ctl.nb_events;
	meta->control_commands = ctl.commands;
	meta->control_refused = ctl.refused;
	pthread_mutex_unlock(&ctl.lock);
}
