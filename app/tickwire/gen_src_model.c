/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generator source: the protocol's model (tickwire's GBM quotes and
 * trades, or the ITCH 5.0 order model), a batch of ticks at a time
 * through the protocol's gen_ticks, paced by [generator] rate or
 * unlimited, up to the lcore's share of [generator] count. Owns the
 * pacing and the framer's housekeeping between batches; never touches
 * the TX queues but to flush them, nor the servers but to poll them.
 * Per tick nothing but the protocol's own code runs: the calls here are
 * per batch.
 */
#include <rte_cycles.h>

#include "gen_lcore.h"

/* The session opens; the pace starts now. */
static void
model_begin(struct tw_gen_lcore *g, uint64_t now)
{
	uint64_t hz = tw_clock_hz(g->clock);

	g->at.model.next_house = now;
	tw_noise_begin(&g->noise, now);
	g->at.model.house_period = RTE_MAX(g->fr.flush_tsc / 2,
		hz / 1000000);
	g->proto->gen_open(&g->em, now, tw_clock_ns(g->clock, now));
	tw_pace_init(&g->at.model.pace, rte_rdtsc(),
		g->rate ? RTE_MAX(hz / g->rate, UINT64_C(1)) : 1);
}

/* One batch of ticks; false once the lcore's share of the count is sent. */
static bool
model_emit(struct tw_gen_lcore *g)
{
	const struct tw_protocol *proto = g->proto;
	unsigned int n = TW_GEN_BATCH;
	uint64_t now, now_ns, due_ns, step_ns = 0, first_due, behind = 0;
	bool caught_up;

	tw_lcore_quiescent(g->lcore_id);
	now = rte_rdtsc();
	/* The batch's stamp is the loop's: a gap before it, an
	 * interruption (lib/noise). */
	tw_noise_tick(&g->noise, now);
	/* Control through telemetry (control_apply.c): between batches. */
	if (unlikely(tw_gen_ctl_changed(g)))
		tw_gen_ctl_apply(g, &g->at.model.pace, now);
	now_ns = tw_clock_ns(g->clock, now);
	due_ns = now_ns;
	if (unlikely(g->burst_left != 0)) {
		/* /tickwire/burst: back to back, whatever the rate. */
		n = (unsigned int)RTE_MIN(g->burst_left,
			(uint64_t)TW_GEN_BATCH);
	} else if (unlikely(g->paused)) {
		n = 0;
	} else if (g->rate != 0) {
		n = tw_pace_due(&g->at.model.pace, now, TW_GEN_BATCH,
			&first_due, &behind);
		/* Behind by more than a batch: these are late. */
		if (behind > 0)
			g->ctr.late_ticks += n;
		due_ns = tw_clock_ns(g->clock, first_due);
		step_ns = tw_clock_cycles_ns(g->clock,
			g->at.model.pace.period);
	}
	/* A burst fills its frames, as an unlimited rate does. */
	caught_up = g->rate != 0 && behind == 0 && g->burst_left == 0;
	/* Its share of the count: what the schedule has left. */
	if (g->sched.limited && n > g->sched.total)
		n = (unsigned int)g->sched.total;
	proto->gen_ticks(&g->em, n, now, now_ns, due_ns, step_ns);
	if (unlikely(g->burst_left != 0)) {
		g->burst_left -= n;
		if (g->burst_left == 0 || (g->sched.limited &&
					   g->sched.total == 0)) {
			/* The burst's last frames go now; paused after. */
			g->burst_left = 0;
			tw_framer_close_all(&g->fr, now);
			tw_gen_tx_flush(g, true);
		}
	}
	if (g->back)
		tw_gen_poll_back(g);
	/*
	 * Paced and caught up (every tick due now is in a frame):
	 * nothing more will come soon, so nothing waits; behind,
	 * frames fill. Unlimited: full frames, in bursts.
	 */
	if (g->send_ready && caught_up && n > 0)
		tw_framer_close_all(&g->fr, now);
	if (now >= g->at.model.next_house) {
		tw_framer_housekeeping(&g->fr, now);
		g->at.model.next_house = now + g->at.model.house_period;
		if (g->nb_tx > 0)
			tw_gen_tx_flush(g, false);
	} else if (g->rate != 0 && g->nb_tx > 0) {
		tw_gen_tx_flush(g, false);
	}
	/* The batch's work is the loop's own, not a gap. */
	if (n > 0)
		tw_noise_mark(&g->noise, rte_rdtsc());
	return !(g->sched.limited && g->sched.total == 0);
}

/* The protocol's own end of session, if it has one. */
static void
model_close(struct tw_gen_lcore *g, uint64_t now)
{
	if (g->proto->gen_close != NULL)
		g->proto->gen_close(&g->em, now, tw_clock_ns(g->clock, now));
}

const struct tw_gen_source tw_gen_src_model = {
	.name = "model",
	.begin = model_begin,
	.emit = model_emit,
	.close = model_close,
	.report = tw_gen_session_report,
};
