/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control, the commands that change a running tickwire:
 *
 *   /tickwire/rate,N           offered rate, messages/s (0: unlimited)
 *   /tickwire/pause            the generator sends nothing (heartbeats go on)
 *   /tickwire/resume           it sends again, paced from now
 *   /tickwire/mark,NAME        a named phase starts here
 *   /tickwire/burst,N          paused: N messages back to back, paused again
 *   /tickwire/faults,K=V,...   [faults] of a line, changed live
 *   /tickwire/stop             as SIGTERM: end the session, drain, report
 *
 * Each is a telemetry callback around its body through ctl_run
 * (control.c: the lock, the refusal, the log): the body checks its
 * parameters, writes tw_ctl (control_apply.c) and opens the phase it
 * starts (control_phase.c). Owns only the parameters' rules and what
 * each command changes; never touches the lcores, the ports, or the
 * phases' and the log's storage.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

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
 * The change just written to tw_ctl is done: the phase it opens, from
 * where the generator lcores applied it (or now, when one did not).
 */
static const struct tw_phase_report *
phase_from_apply(const char *name, const char *opened_by)
{
	bool applied = tw_ctl_write_end(tw_control.app);

	tw_ctl_phase_switch(name, opened_by, applied);
	return tw_ctl_phase_running();
}

static int
rate_body(enum ctl_cmd c, const char *params, struct rte_tel_data *d)
{
	const struct tw_phase_report *p;
	char name[TW_PHASE_NAME];
	uint64_t rate, was = tw_ctl.rate;

	if (parse_u64(params, TW_CTL_RATE_MAX, &rate) != 0)
		return tw_ctl_answer(d, c, params, "give a rate in messages/s, "
			"0 (unlimited) to %" PRIu64 ": /tickwire/rate,N",
			(uint64_t)TW_CTL_RATE_MAX);
	snprintf(name, sizeof(name), "rate=%" PRIu64, rate);
	tw_ctl_write_begin();
	tw_ctl.rate = rate;
	p = phase_from_apply(name, "rate");
	TW_LOG(app, NOTICE, "control: rate %" PRIu64 " msgs/s (was %" PRIu64
		"%s); phase %u from %.3f s\n", rate, was,
		tw_ctl.paused ? ", paused" : "", p->index, p->start.t_s);
	return tw_ctl_answer(d, c, params, NULL);
}

int
tw_ctl_cmd_rate(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return tw_ctl_run(d, CTL_RATE, params, true, true, rate_body);
}

/* pause and resume: the running phase's name goes on. */
static int
pause_resume_body(enum ctl_cmd c, const char *params, struct rte_tel_data *d)
{
	const struct tw_phase_report *p;
	bool pause = c == CTL_PAUSE;
	char name[TW_PHASE_NAME];

	if (params != NULL && *params != '\0')
		return tw_ctl_answer(d, c, params, "no parameters: "
			"/tickwire/%s", tw_ctl_cmd_name[c]);
	if ((tw_ctl.paused != 0) == pause)
		return tw_ctl_answer(d, c, params, "already %s", pause ?
			"paused" : "running");
	snprintf(name, sizeof(name), "%s", tw_ctl_phase_name());
	tw_ctl_write_begin();
	tw_ctl.paused = pause;
	p = phase_from_apply(name, tw_ctl_cmd_name[c]);
	TW_LOG(app, NOTICE, "control: %s; phase %u (%s) from %.3f s\n",
		pause ? "paused" : "resumed", p->index, name, p->start.t_s);
	return tw_ctl_answer(d, c, params, NULL);
}

int
tw_ctl_cmd_pause(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return tw_ctl_run(d, CTL_PAUSE, params, true, true, pause_resume_body);
}

int
tw_ctl_cmd_resume(const char *cmd, const char *params,
		struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return tw_ctl_run(d, CTL_RESUME, params, true, true,
		pause_resume_body);
}

/*
 * A back-to-back burst (RFC 2544 26.4): from paused, N ticks as fast as
 * the port takes them, then paused again (tw_ctl.paused stays set: a
 * later command does not restart the generator). The running phase's
 * name goes on, so a trial's mark covers its burst.
 */
static int
burst_body(enum ctl_cmd c, const char *params, struct rte_tel_data *d)
{
	const struct tw_phase_report *p;
	char name[TW_PHASE_NAME];
	uint64_t n;

	if (parse_u64(params, TW_CTL_BURST_MAX, &n) != 0 || n == 0)
		return tw_ctl_answer(d, c, params, "give a burst of 1 to %"
			PRIu64 " messages: /tickwire/burst,N",
			(uint64_t)TW_CTL_BURST_MAX);
	if (tw_ctl.paused == 0)
		return tw_ctl_answer(d, c, params, "running: a burst starts "
			"from paused (/tickwire/pause first)");
	snprintf(name, sizeof(name), "%s", tw_ctl_phase_name());
	tw_ctl_write_begin();
	tw_ctl.burst = n;
	tw_ctl.burst_seq++;
	p = phase_from_apply(name, tw_ctl_cmd_name[c]);
	TW_LOG(app, NOTICE, "control: burst of %" PRIu64 " messages; phase "
		"%u (%s) from %.3f s\n", n, p->index, name, p->start.t_s);
	return tw_ctl_answer(d, c, params, NULL);
}

int
tw_ctl_cmd_burst(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return tw_ctl_run(d, CTL_BURST, params, true, true, burst_body);
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
	const struct tw_phase_report *p;

	if (!good_name(params))
		return tw_ctl_answer(d, c, params, "give a name of 1 to %d "
			"letters, digits or _-.:=+@: /tickwire/mark,NAME",
			TW_PHASE_NAME - 1);
	/* Nothing changes; the generator marks where it is. */
	tw_ctl_write_begin();
	p = phase_from_apply(params, "mark");
	TW_LOG(app, NOTICE, "control: mark %s; phase %u from %.3f s\n",
		params, p->index, p->start.t_s);
	return tw_ctl_answer(d, c, params, NULL);
}

int
tw_ctl_cmd_mark(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return tw_ctl_run(d, CTL_MARK, params, false, true, mark_body);
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
					    !tw_control.app->gen[0]->line_b)) {
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
		return tw_ctl_answer(d, c, params, "%s", why);
	if (tw_faults_init(&scratch, &fp, &scratch_ctr) != 0)
		return tw_ctl_answer(d, c, params, "shares are in [0, 1), "
			"burst >= 1");
	tw_ctl_write_begin();
	tw_ctl.faults = fp;
	tw_ctl.faults_line = lines;
	tw_ctl_write_end(tw_control.app);
	TW_LOG(app, NOTICE, "control: faults on line%s %s: loss %g burst %g "
		"dup %g reorder %g\n", lines == 3 ? "s" : "",
		lines == 1 ? "A" : lines == 2 ? "B" : "A and B",
		fp.loss, fp.burst, fp.dup, fp.reorder);
	return tw_ctl_answer(d, c, params, NULL);
}

int
tw_ctl_cmd_faults(const char *cmd, const char *params,
		struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return tw_ctl_run(d, CTL_FAULTS, params, true, false, faults_body);
}

static int
stop_body(enum ctl_cmd c, const char *params, struct rte_tel_data *d)
{
	int rc;

	if (params != NULL && *params != '\0')
		return tw_ctl_answer(d, c, params, "no parameters: "
			"/tickwire/stop");
	TW_LOG(app, NOTICE, "control: stop: ending the session\n");
	tw_control.app->control_stopped = true;
	rc = tw_ctl_answer(d, c, params, NULL);
	/* The last phase ends here, not when the main lcore sees it. */
	tw_ctl_phase_close();
	tw_control.ended = true;
	/* As the first SIGTERM: end of session, drain, reports. */
	tw_stop_requested = true;
	return rc;
}

int
tw_ctl_cmd_stop(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return tw_ctl_run(d, CTL_STOP, params, false, false, stop_body);
}
