/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A poller's own interruptions: the gaps in its loop longer than a
 * threshold, as sysjitter measures a core, but from the loop that
 * does the work and with the clock reads it already makes.
 *
 * Owns: one loop's record of its gaps (the threshold, a histogram of
 * the gaps in ns, their count, the time they took, the longest, the
 * TSC at which the last one ended), the spin probe (a loop that does
 * nothing but read the TSC), and the report a reader builds from a
 * record another thread writes.
 * Never touches: the loop it sits in beyond the TSC values it is
 * handed; allocation; printing; the wall clock (durations only).
 *
 * A loop calls tw_noise_tick() with each stamp it takes at the start
 * of an iteration (an interruption, if the gap since the last stamp
 * is longer than the threshold) and tw_noise_mark() with a stamp after
 * work of its own (the work is not a gap). The hot side is a subtract,
 * a compare and a store; a gap's bookkeeping is out of line.
 */
#ifndef TW_NOISE_H
#define TW_NOISE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

#include "tw_hist.h"

/* [rx] stall_threshold_ns: the default, and what a profile may ask. */
#define TW_NOISE_THRESHOLD_NS 1000
#define TW_NOISE_THRESHOLD_MIN_NS 100
#define TW_NOISE_THRESHOLD_MAX_NS 100000000     /* 100 ms */

struct tw_noise {
	uint64_t threshold;     /* cycles: a longer gap is an interruption */
	uint64_t last;          /* the loop's last stamp */
	uint64_t start;         /* its first; 0: not started */
	uint64_t hz;            /* TSC cycles per second */
	uint64_t threshold_ns;  /* as asked */
	uint64_t gaps;
	uint64_t lost;          /* cycles spent in gaps */
	uint64_t longest;       /* cycles */
	uint64_t end;           /* the stamp that ended the last gap */
	struct tw_hist hist;    /* the gaps, ns */
};

/* Set up a record: threshold_ns at hz TSC cycles per second. */
void tw_noise_init(struct tw_noise *n, uint64_t threshold_ns, uint64_t hz);

/* The loop starts at now: what it measures runs from here. */
static inline void
tw_noise_begin(struct tw_noise *n, uint64_t now)
{
	n->start = now;
	n->last = now;
}

/* A stamp after work of the loop's own, or a sleep it chose: not a gap. */
static inline void
tw_noise_mark(struct tw_noise *n, uint64_t now)
{
	n->last = now;
}

void tw_noise_gap(struct tw_noise *n, uint64_t now, uint64_t gap);

/* A stamp at an iteration's start: true when it ends an interruption. */
static inline bool
tw_noise_tick(struct tw_noise *n, uint64_t now)
{
	uint64_t gap = now - n->last;

	n->last = now;
	if (unlikely(gap > n->threshold)) {
		tw_noise_gap(n, now, gap);
		return true;
	}
	return false;
}

/*
 * The spin probe: a loop that only reads the TSC, for cycles, into n
 * (set up by the caller). Stops early when *quit turns true (quit may
 * be NULL).
 */
void tw_noise_spin(struct tw_noise *n, uint64_t cycles,
		const volatile bool *quit);

/* A record as a report shows it, read while its loop runs. */
struct tw_noise_report {
	unsigned int lcore_id;  /* or the CPU, for a probe */
	char role[8];           /* "rx", "gen", "sockrx", "probe" */
	uint64_t threshold_ns;
	uint64_t elapsed_ns;    /* from the first stamp to the last */
	uint64_t gaps;
	uint64_t lost_ns;
	uint64_t longest_ns;
	double lost_share;      /* lost_ns / elapsed_ns (0..1) */
	struct tw_hist_summary gap; /* the gaps' distribution, ns */
};

/*
 * Read n (relaxed loads; its writer may run): the report, and with
 * hist (may be NULL) the gaps' histogram merged into it.
 */
void tw_noise_read(const struct tw_noise *n, unsigned int lcore_id,
		const char *role, struct tw_noise_report *r,
		struct tw_hist *hist);

/* Share of time lost between two reports of one record (0..1). */
double tw_noise_share_between(const struct tw_noise_report *now,
		const struct tw_noise_report *prev);

#endif /* TW_NOISE_H */
