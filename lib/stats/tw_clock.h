/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wall-clock nanoseconds from the TSC, cheap enough for the data path.
 *
 * Each process anchors its TSC to CLOCK_REALTIME once at start, so two
 * processes on one host (generator and processor over memif) stamp on
 * the same epoch, and hosts with synchronised clocks roughly so; the
 * conversion is then a multiply and a shift, no syscall.
 */
#ifndef TW_CLOCK_H
#define TW_CLOCK_H

#include <stdint.h>
#include <time.h>

#include <rte_cycles.h>

struct tw_clock {
	uint64_t tsc0;
	uint64_t ns0;
	uint64_t mult;          /* ns per TSC cycle, << 32 */
};

static inline void
tw_clock_init(struct tw_clock *c, uint64_t tsc_hz)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	c->tsc0 = rte_rdtsc();
	c->ns0 = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	c->mult = (uint64_t)(((__uint128_t)1000000000u << 32) / tsc_hz);
}

static inline uint64_t
tw_clock_ns(const struct tw_clock *c, uint64_t tsc)
{
	return c->ns0 + (uint64_t)(((__uint128_t)(tsc - c->tsc0) * c->mult)
		>> 32);
}

#endif /* TW_CLOCK_H */
