/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wall-clock nanoseconds from the TSC, cheap enough for the data path.
 *
 * Each process anchors its TSC to CLOCK_REALTIME at start and again
 * whenever its main lcore calls tw_clock_refresh, so two processes on
 * one host (generator and processor over memif) stamp on the kernel's
 * clock, and hosts with synchronised clocks roughly so. A stamp is a
 * seqcount read, a multiply and a shift: no syscall.
 *
 * Owns: the TSC -> ns mapping of a process, its calibration and
 * re-anchoring, and the same mapping for another counter (a NIC's
 * clock) paired against ours.
 * Never touches: ports (the caller reads a device's counter through
 * the callback it passes), allocation. One writer per mapping (the
 * main lcore); any lcore reads.
 */
#ifndef TW_CLOCK_H
#define TW_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_seqcount.h>

struct tw_clock {
	rte_seqcount_t sc;      /* the main lcore refreshes, lcores read */
	uint64_t tsc0;
	uint64_t ns0;           /* CLOCK_REALTIME at tsc0 */
	uint64_t mult;          /* ns per TSC cycle, << 32 */
	uint64_t base_tsc;      /* start of the rate measurement */
	uint64_t base_raw;      /* CLOCK_MONOTONIC_RAW then */
};

static inline uint64_t
tw_clock_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * A TSC reading and a clock's reading taken as close together as can
 * be: the best of a few tries, so a thread preempted between the two
 * reads (on a virtual machine, for milliseconds) does not skew the pair.
 */
static inline void
tw_clock_pair(clockid_t id, uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;
	unsigned int i;

	*tsc = 0;
	*ns = 0;
	for (i = 0; i < 5; i++) {
		struct timespec ts;
		uint64_t t0 = rte_rdtsc(), t1;

		clock_gettime(id, &ts);
		t1 = rte_rdtsc();
		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = t0 + best / 2;
			*ns = (uint64_t)ts.tv_sec * 1000000000u +
				(uint64_t)ts.tv_nsec;
		}
	}
}

/* ns per counter tick (<< 32) between two (counter, ns) pairs. */
static inline uint64_t
tw_clock_rate(uint64_t ctr0, uint64_t ns0, uint64_t ctr1, uint64_t ns1)
{
	return (uint64_t)(((__uint128_t)(ns1 - ns0) << 32) / (ctr1 - ctr0));
}

/* Publish a new mapping to readers (one writer). */
static inline void
tw_clock_set(struct tw_clock *c, uint64_t mult, uint64_t ctr, uint64_t ns)
{
	rte_seqcount_write_begin(&c->sc);
	c->mult = mult;
	c->tsc0 = ctr;
	c->ns0 = ns;
	rte_seqcount_write_end(&c->sc);
}

/*
 * Measure the TSC rate against CLOCK_MONOTONIC_RAW over calib_ms (the
 * nominal rate EAL reports can be off by a tenth of a percent on
 * virtual machines), then anchor to CLOCK_REALTIME.
 */
static inline void
tw_clock_init(struct tw_clock *c, unsigned int calib_ms)
{
	struct timespec nap = {
		.tv_sec = calib_ms / 1000,
		.tv_nsec = (long)(calib_ms % 1000) * 1000000,
	};
	uint64_t t1, n1;

	rte_seqcount_init(&c->sc);
	tw_clock_pair(CLOCK_MONOTONIC_RAW, &c->base_tsc, &c->base_raw);
	nanosleep(&nap, NULL);
	tw_clock_pair(CLOCK_MONOTONIC_RAW, &t1, &n1);
	c->mult = tw_clock_rate(c->base_tsc, c->base_raw, t1, n1);
	tw_clock_pair(CLOCK_REALTIME, &c->tsc0, &c->ns0);
}

/*
 * Re-measure the rate over everything since start and re-anchor to
 * CLOCK_REALTIME; one writer (the main lcore), called periodically. A
 * 100 ms calibration is good to about 1e-5, which two processes see as
 * microseconds of skew per second; the long baseline brings the rate
 * to the kernel's, and the anchor keeps both processes on its clock.
 */
static inline void
tw_clock_refresh(struct tw_clock *c)
{
	uint64_t t, n, rt, rn;

	tw_clock_pair(CLOCK_MONOTONIC_RAW, &t, &n);
	if (t <= c->base_tsc || n <= c->base_raw)
		return;
	tw_clock_pair(CLOCK_REALTIME, &rt, &rn);
	tw_clock_set(c, tw_clock_rate(c->base_tsc, c->base_raw, t, n), rt, rn);
}

/*
 * The same mapping for another counter (a NIC's clock): from the pair
 * (ctr, ns) read at start, then re-anchored on each later pair with the
 * rate over everything since start. mult stays 0 until a second pair
 * arrives: tw_clock_ready() says when stamps may be converted.
 */
static inline void
tw_clock_counter_init(struct tw_clock *c, uint64_t ctr, uint64_t ns)
{
	rte_seqcount_init(&c->sc);
	c->base_tsc = c->tsc0 = ctr;
	c->base_raw = c->ns0 = ns;
	c->mult = 0;
}

static inline void
tw_clock_counter_update(struct tw_clock *c, uint64_t ctr, uint64_t ns)
{
	if (ctr <= c->base_tsc || ns <= c->base_raw)
		return;
	tw_clock_set(c, tw_clock_rate(c->base_tsc, c->base_raw, ctr, ns), ctr,
		ns);
}

static inline uint64_t
tw_clock_ns(const struct tw_clock *c, uint64_t tsc)
{
	uint64_t tsc0, ns0, mult;
	uint32_t sn;

	do {
		sn = rte_seqcount_read_begin(&c->sc);
		tsc0 = c->tsc0;
		ns0 = c->ns0;
		mult = c->mult;
	} while (rte_seqcount_read_retry(&c->sc, sn));
	return ns0 + (uint64_t)(((__int128_t)(int64_t)(tsc - tsc0) *
		(__int128_t)mult) >> 32);
}

/*
 * Read a device counter (through read(arg, &ctr), 0 or -errno) between
 * two TSC reads and pair it with our ns at their midpoint. Returns
 * what read returned; *ctr and *ns are set only on 0.
 */
static inline int
tw_clock_pair_counter(const struct tw_clock *c,
		int (*read)(void *arg, uint64_t *ctr), void *arg,
		uint64_t *ctr, uint64_t *ns)
{
	uint64_t t0 = rte_rdtsc(), t1, v;
	int rc = read(arg, &v);

	t1 = rte_rdtsc();
	if (rc != 0)
		return rc;
	*ctr = v;
	*ns = tw_clock_ns(c, t0 + (t1 - t0) / 2);
	return 0;
}

static inline bool
tw_clock_ready(const struct tw_clock *c)
{
	return __atomic_load_n(&c->mult, __ATOMIC_RELAXED) != 0;
}

/* A duration in TSC cycles as ns, at the current rate. */
static inline uint64_t
tw_clock_cycles_ns(const struct tw_clock *c, uint64_t cycles)
{
	return (uint64_t)(((__uint128_t)cycles *
		__atomic_load_n(&c->mult, __ATOMIC_RELAXED)) >> 32);
}

/* TSC cycles per second, as measured. */
static inline uint64_t
tw_clock_hz(const struct tw_clock *c)
{
	return (uint64_t)(((__uint128_t)1000000000u << 32) /
		__atomic_load_n(&c->mult, __ATOMIC_RELAXED));
}

#endif /* TW_CLOCK_H */
