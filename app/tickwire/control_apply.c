/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control, how a change reaches the generator lcores: tw_ctl, written
 * by a command thread under an epoch that is odd while it writes, and
 * applied by each generator lcore at a burst boundary, where the
 * command thread waits for it (that point is the phase's boundary).
 * The generator's side takes no lock, never waits and never prints.
 * Owns tw_ctl and its epoch; never touches the lock, the phases, the
 * command log or telemetry (control.c, control_phase.c).
 */
#include <rte_cycles.h>

#include "control.h"

struct tw_ctl tw_ctl;

/* Write the generator's state: odd epoch while writing. Lock held. */
void
tw_ctl_write_begin(void)
{
	__atomic_fetch_add(&tw_ctl.epoch, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

bool
tw_ctl_write_end(const struct tw_app *app)
{
	uint64_t e = __atomic_add_fetch(&tw_ctl.epoch, 1, __ATOMIC_RELEASE);
	uint64_t until = rte_rdtsc() + tw_clock_hz(&app->clock) / 10;
	unsigned int i;

	/*
	 * The phase boundary is where the generator applied it: wait (the
	 * command thread, up to 100 ms) until every generator lcore has,
	 * which takes one burst.
	 */
	for (i = 0; i < app->nb_gen; i++) {
		while (__atomic_load_n(&app->gen[i]->ctl_epoch,
				__ATOMIC_ACQUIRE) < e && rte_rdtsc() < until &&
		       !tw_force_quit)
			rte_delay_us_sleep(20);
		if (__atomic_load_n(&app->gen[i]->ctl_epoch,
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
	uint64_t burst, burst_seq;
	unsigned int line;

	if (e & 1)
		return;         /* being written: the next burst */
	rate = __atomic_load_n(&tw_ctl.rate, __ATOMIC_RELAXED);
	paused = __atomic_load_n(&tw_ctl.paused, __ATOMIC_RELAXED);
	lines = __atomic_load_n(&tw_ctl.faults_line, __ATOMIC_RELAXED);
	burst = __atomic_load_n(&tw_ctl.burst, __ATOMIC_RELAXED);
	burst_seq = __atomic_load_n(&tw_ctl.burst_seq, __ATOMIC_RELAXED);
	fp = tw_ctl.faults;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (__atomic_load_n(&tw_ctl.epoch, __ATOMIC_RELAXED) != e)
		return;         /* written meanwhile: the next burst */
	g->ctl_ctr = g->ctr;
	__atomic_store_n(&g->ctl_epoch, e, __ATOMIC_RELEASE);
	g->rate = rate == 0 ? 0 : RTE_MAX((uint64_t)1,
		(uint64_t)((double)rate * g->sched.share + 0.5));
	g->paused = paused != 0;
	/* A new burst: this lcore's share of it, back to back. */
	if (burst_seq != g->burst_seq) {
		g->burst_seq = burst_seq;
		g->burst_left = RTE_MAX((uint64_t)1,
			(uint64_t)((double)burst * g->sched.share + 0.5));
	}
	/* Paced from now: no burst to catch up a pause or the old rate. */
	tw_pace_init(pace, now, g->rate ? RTE_MAX(hz / g->rate,
		UINT64_C(1)) : 1);
	fp.seed += g->index;
	for (line = 0; line < 2; line++)
		if ((lines & (1u << line)) != 0)
			tw_faults_init(&g->faults[line], &fp,
				&g->ctr.faults[line]);
}
