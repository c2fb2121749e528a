/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>

#include "tw_noise.h"

static uint64_t
cycles_ns(uint64_t cycles, uint64_t hz)
{
	if (hz == 0)
		return 0;
	return (uint64_t)((unsigned __int128)cycles * 1000000000u / hz);
}

void
tw_noise_init(struct tw_noise *n, uint64_t threshold_ns, uint64_t hz)
{
	memset(n, 0, offsetof(struct tw_noise, hist));
	tw_hist_init(&n->hist);
	n->hz = hz;
	n->threshold_ns = threshold_ns;
	n->threshold = (uint64_t)((unsigned __int128)threshold_ns * hz /
		1000000000u);
	if (n->threshold == 0)
		n->threshold = 1;
}

void
tw_noise_gap(struct tw_noise *n, uint64_t now, uint64_t gap)
{
	/* The first stamp of a loop that was never marked: its start. */
	if (unlikely(n->start == 0)) {
		n->start = now;
		return;
	}
	tw_hist_record(&n->hist, cycles_ns(gap, n->hz));
	n->gaps++;
	n->lost += gap;
	if (gap > n->longest)
		n->longest = gap;
	n->end = now;
}

void
tw_noise_spin(struct tw_noise *n, uint64_t cycles, const volatile bool *quit)
{
	uint64_t now = rte_rdtsc(), until = now + cycles;
	unsigned int k = 0;

	n->start = now;
	tw_noise_mark(n, now);
	while (now < until) {
		now = rte_rdtsc();
		tw_noise_tick(n, now);
		if (quit != NULL && (++k & 0xffff) == 0 && *quit)
			break;
	}
}

static uint64_t
load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void
tw_noise_read(const struct tw_noise *n, unsigned int lcore_id,
		const char *role, struct tw_noise_report *r,
		struct tw_hist *hist)
{
	uint64_t start = load(&n->start), last = load(&n->last);
	struct tw_hist h;
	struct tw_hist *ph = hist != NULL ? hist : &h;

	memset(r, 0, sizeof(*r));
	r->lcore_id = lcore_id;
	snprintf(r->role, sizeof(r->role), "%s", role);
	r->threshold_ns = n->threshold_ns;
	r->gaps = load(&n->gaps);
	r->lost_ns = cycles_ns(load(&n->lost), n->hz);
	r->longest_ns = cycles_ns(load(&n->longest), n->hz);
	if (start != 0 && last > start)
		r->elapsed_ns = cycles_ns(last - start, n->hz);
	if (r->elapsed_ns != 0)
		r->lost_share = (double)r->lost_ns / (double)r->elapsed_ns;
	if (r->lost_share > 1)
		r->lost_share = 1;
	if (hist == NULL)
		tw_hist_init(&h);
	tw_hist_merge(ph, &n->hist);
	tw_hist_summarize(ph, &r->gap);
}

double
tw_noise_share_between(const struct tw_noise_report *now,
		const struct tw_noise_report *prev)
{
	uint64_t el, lost;

	if (now->elapsed_ns <= prev->elapsed_ns || now->lost_ns < prev->lost_ns)
		return 0;
	el = now->elapsed_ns - prev->elapsed_ns;
	lost = now->lost_ns - prev->lost_ns;
	return lost >= el ? 1 : (double)lost / (double)el;
}
