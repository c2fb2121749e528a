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

static inline uint64_t
tw_clock_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Measure the TSC rate against CLOCK_MONOTONIC_RAW over calib_ms: the
 * nominal rate EAL reports can be off by a tenth of a percent on
 * virtual machines, which two processes would see as milliseconds of
 * skew after a few seconds. Then anchor to CLOCK_REALTIME.
 */
static inline void
tw_clock_init(struct tw_clock *c, unsigned int calib_ms)
{
	struct timespec ts, nap = {
		.tv_sec = calib_ms / 1000,
		.tv_nsec = (long)(calib_ms % 1000) * 1000000,
	};
	uint64_t t0, n0, t1, n1;

	n0 = tw_clock_raw_ns();
	t0 = rte_rdtsc();
	nanosleep(&nap, NULL);
	n1 = tw_clock_raw_ns();
	t1 = rte_rdtsc();
	c->mult = (uint64_t)(((__uint128_t)(n1 - n0) << 32) / (t1 - t0));

	clock_gettime(CLOCK_REALTIME, &ts);
	c->tsc0 = rte_rdtsc();
	c->ns0 = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* TSC cycles per second, as measured. */
static inline uint64_t
tw_clock_hz(const struct tw_clock *c)
{
	return (uint64_t)(((__uint128_t)1000000000u << 32) / c->mult);
}

static inline uint64_t
tw_clock_ns(const struct tw_clock *c, uint64_t tsc)
{
	return c->ns0 + (uint64_t)(((__uint128_t)(tsc - c->tsc0) * c->mult)
		>> 32);
}

#endif /* TW_CLOCK_H */
