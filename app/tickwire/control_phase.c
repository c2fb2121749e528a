/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control, the phases a run is cut into: phase 0 from the run's start,
 * then one from each rate, pause, resume or mark, each opened where the
 * generator lcores applied the change. A phase is the counters read at
 * its two ends (the generator's where its lcores applied the change,
 * the RX lcores' as they were then) and send->cache within it (the
 * merged histogram at its end less the one at its start); the running
 * one is read up to now when asked. /tickwire/phases gives the last 24,
 * the stats JSON all of them (tw_control_meta).
 *
 * Owns the phases and the counters read for them, all under control's
 * lock. Never touches tw_ctl (control_apply.c), the lcores (only their
 * counters, read through the published view), or a command's refusal
 * and log (control.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "control.h"

#define CTL_TEL_PHASES 24       /* the reply buffer is 16 KB: ~490 B each */

static struct {
	uint64_t start_tsc;
	struct tw_phase_report *phases;
	unsigned int nb_phases;         /* the last one runs while !ended */
	struct tw_hist lat_start;       /* send->cache at its start */
	struct tw_hist t2t_start;       /* tick to trade at its start */
	/* counts_now()'s scratch */
	struct tw_stats st;
	struct tw_hist merged[TW_SPAN_MAX];
	struct tw_hist rtt;
	struct tw_hist diff;
} ph;

double
tw_ctl_since_start(uint64_t t)
{
	if (ph.start_tsc == 0 || t < ph.start_tsc)
		return 0;
	return (double)(t - ph.start_tsc) /
		(double)tw_clock_hz(&tw_control.app->clock);
}

/*
 * The counters now, and send->cache in ph.merged. at_apply: the
 * generator's where its lcores applied the last change. Lock held.
 */
static void
counts_now(struct tw_phase_counts *c, bool at_apply)
{
	const struct tw_app *app = tw_control.app;
	const struct tw_stats *s = &ph.st;
	unsigned int i;

	tw_view_collect(app->view, &ph.st, ph.merged, &ph.rtt);
	c->t_s = tw_ctl_since_start(rte_rdtsc());
	c->gen = s->gen;
	if (at_apply) {
		memset(&c->gen, 0, sizeof(c->gen));
		for (i = 0; i < app->nb_gen; i++)
			tw_stats_add_gen(&c->gen, &app->gen[i]->ctl_ctr);
	}
	c->rx = s->rx;
	c->drops_total = s->drops_total;
	c->gaps = s->gaps;
	c->gap_msgs = s->gap_msgs;
	c->dup_msgs = s->dup_msgs;
}

/* Close the running phase at c (send->cache in ph.merged). Lock held. */
static void
phase_close(const struct tw_phase_counts *c)
{
	struct tw_phase_report *p = &ph.phases[ph.nb_phases - 1];

	p->end = *c;
	p->open = false;
	/* The phase's own buckets, and extremes to a bucket's width. */
	ph.diff = ph.merged[TW_SPAN_SEND_CACHE];
	tw_hist_minus(&ph.diff, &ph.lat_start);
	tw_hist_summarize(&ph.diff, &p->lat);
	/* Tick to trade (the orders' round trips), the same way. */
	ph.diff = ph.rtt;
	tw_hist_minus(&ph.diff, &ph.t2t_start);
	tw_hist_summarize(&ph.diff, &p->t2t);
}

void
tw_ctl_phase_close(void)
{
	struct tw_phase_counts c;

	counts_now(&c, false);
	phase_close(&c);
}

int
tw_ctl_phase_switch(const char *name, const char *opened_by, bool applied)
{
	struct tw_phase_counts c;
	struct tw_phase_report *p;

	if (ph.nb_phases == CTL_MAX_PHASES)
		return -ENOSPC;
	counts_now(&c, applied);
	if (ph.nb_phases > 0)
		phase_close(&c);
	p = &ph.phases[ph.nb_phases];
	memset(p, 0, sizeof(*p));
	p->index = ph.nb_phases++;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->opened_by = opened_by;
	p->rate = tw_ctl.rate;
	p->paused = tw_ctl.paused != 0;
	p->open = true;
	p->start = c;
	p->end = c;
	ph.lat_start = ph.merged[TW_SPAN_SEND_CACHE];
	ph.t2t_start = ph.rtt;
	return 0;
}

int
tw_ctl_phase_init(const struct tw_app *app)
{
	ph.phases = calloc(CTL_MAX_PHASES, sizeof(*ph.phases));
	ph.st.channels = calloc(app->cfg.channels, sizeof(*ph.st.channels));
	return ph.phases == NULL || ph.st.channels == NULL ? -ENOMEM : 0;
}

bool
tw_ctl_phase_ready(void)
{
	return ph.phases != NULL;
}

int
tw_ctl_phase_begin(uint64_t start_tsc)
{
	ph.start_tsc = start_tsc;
	return tw_ctl_phase_switch("start", "start", false);
}

bool
tw_ctl_phase_full(void)
{
	return ph.nb_phases == CTL_MAX_PHASES;
}

const struct tw_phase_report *
tw_ctl_phase_running(void)
{
	return ph.nb_phases > 0 ? &ph.phases[ph.nb_phases - 1] : NULL;
}

unsigned int
tw_ctl_phase_index(void)
{
	return ph.nb_phases > 0 ? ph.nb_phases - 1 : 0;
}

const char *
tw_ctl_phase_name(void)
{
	return ph.nb_phases > 0 ? ph.phases[ph.nb_phases - 1].name : "";
}

void
tw_ctl_phase_meta(struct tw_stats_meta *meta)
{
	meta->phases = ph.phases;
	meta->nb_phases = ph.nb_phases;
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
	/* Tick to trade: the orders a handler sent back, and their times. */
	rte_tel_data_add_dict_u64(t, "orders_requested",
		b->gen.orders_requested - a->gen.orders_requested);
	rte_tel_data_add_dict_u64(t, "orders_matched",
		b->gen.orders_matched - a->gen.orders_matched);
	rte_tel_data_add_dict_u64(t, "orders_lost",
		b->gen.orders_lost - a->gen.orders_lost);
	rte_tel_data_add_dict_u64(t, "t2t_count", p->t2t.count);
	rte_tel_data_add_dict_u64(t, "t2t_p50_ns", p->t2t.p50);
	rte_tel_data_add_dict_u64(t, "t2t_p99_ns", p->t2t.p99);
	rte_tel_data_add_dict_u64(t, "t2t_max_ns", p->t2t.max);
	return t;
}

int
tw_ctl_cmd_phases(const char *cmd, const char *params,
		struct rte_tel_data *d)
{
	unsigned int i, from;
	int rc = 0;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	pthread_mutex_lock(&tw_control.lock);
	rte_tel_data_start_dict(d);
	if (ph.nb_phases > 0 && !tw_control.ended) {
		/* The running phase up to now. */
		tw_ctl_phase_close();
		ph.phases[ph.nb_phases - 1].open = true;
	}
	rte_tel_data_add_dict_u64(d, "phases", ph.nb_phases);
	from = ph.nb_phases > CTL_TEL_PHASES ? ph.nb_phases -
		CTL_TEL_PHASES : 0;
	for (i = from; i < ph.nb_phases; i++) {
		struct rte_tel_data *t = phase_dict(&ph.phases[i]);
		char key[16];

		if (t == NULL) {
			rc = -ENOMEM;
			break;
		}
		snprintf(key, sizeof(key), "%u", i);
		rte_tel_data_add_dict_container(d, key, t, 0);
	}
	pthread_mutex_unlock(&tw_control.lock);
	return rc;
}
