/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Nanoseconds in a chosen clock from the TSC, cheap enough for the data
 * path.
 *
 * Each process measures its TSC rate and anchors its TSC to a source
 * clock at start and again whenever its main lcore calls
 * tw_clock_refresh. By default the source is CLOCK_REALTIME and the
 * rate CLOCK_MONOTONIC_RAW's (tickwire's [clock] domain = tsc), so two
 * processes on one host (generator and processor over memif) stamp on
 * the kernel's clock. A mapping may instead follow its source
 * (tw_clock_set_source: CLOCK_TAI, CLOCK_REALTIME, or a reader such as
 * a NIC's PTP clock): anchored to it and with its rate over the last
 * second, so the stamps track a clock that ptp4l or phc2sys steer, and
 * two hosts disciplined to one master stamp in one domain. Every anchor
 * is the narrowest of a few (TSC, source) brackets; the widths are kept
 * as the mapping's error bound. A stamp is a seqcount read, a multiply
 * and a shift: no syscall.
 *
 * Owns: the TSC -> ns mapping of a process, its calibration and
 * re-anchoring, its source and the width of its anchors, and the same
 * mapping for another counter (a NIC's clock) paired against ours.
 * Never touches: ports (the caller reads a device's counter, or a PTP
 * clock, through the callback it passes), allocation. One writer per
 * mapping (the main lcore); any lcore reads.
 */
#ifndef TW_CLOCK_H
#define TW_CLOCK_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_seqcount.h>

/*
 * What a mapping is anchored to: a clock id, or a reader (a NIC's PTP
 * clock: read(arg, &ns), 0 or -errno) when read is set.
 */
struct tw_clock_source {
	clockid_t id;
	int (*read)(void *arg, uint64_t *ns);
	void *arg;
	bool follow;    /* rate against the source, not CLOCK_MONOTONIC_RAW */
};

/* Anchors a following mapping's rate is measured over: a second at
 * tickwire's 50 ms refresh. */
#define TW_CLOCK_WINDOW 21
/* Brackets read for an anchor; the narrowest is kept. */
#define TW_CLOCK_TRIES 8
/* A following rate further than this from the TSC's (<< 10: ~977 ppm,
 * beyond what adjtimex slews) is a step of the source: the window
 * starts again. */
#define TW_CLOCK_STEP_SHIFT 10

struct tw_clock {
	rte_seqcount_t sc;      /* the main lcore refreshes, lcores read */
	uint64_t tsc0;
	uint64_t ns0;           /* the source's ns at tsc0 */
	uint64_t mult;          /* ns per TSC cycle, << 32 */
	uint64_t base_tsc;      /* start of the rate measurement */
	uint64_t base_raw;      /* CLOCK_MONOTONIC_RAW then */
	/* The writer's alone from here. */
	struct tw_clock_source src;
	uint64_t raw_mult;      /* the rate against CLOCK_MONOTONIC_RAW */
	uint64_t win_tsc[TW_CLOCK_WINDOW]; /* a following mapping's anchors */
	uint64_t win_ns[TW_CLOCK_WINDOW];
	unsigned int win_i;     /* the next slot */
	unsigned int win_n;     /* anchors held */
	uint64_t anchors;       /* taken since the source was set */
	uint64_t anchor_fails;  /* source reads that failed */
	uint64_t steps;         /* the source stepped: window restarted */
	uint64_t bracket_ns;    /* the last anchor's bracket width */
	uint64_t bracket_min_ns;
	uint64_t bracket_max_ns; /* the widest since the source was set */
};

static inline uint64_t
tw_clock_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int
tw_clock_source_read(const struct tw_clock_source *s, uint64_t *ns)
{
	struct timespec ts;

	if (s->read != NULL)
		return s->read(s->arg, ns);
	if (clock_gettime(s->id, &ts) != 0)
		return -errno;
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return 0;
}

/*
 * A TSC reading and the source's reading taken as close together as
 * can be: the narrowest of tries brackets (TSC, read, TSC), so a thread
 * preempted between the reads (on a virtual machine, for milliseconds)
 * does not skew the pair. *tsc is the bracket's middle, *width its
 * width in cycles. 0, or the read's -errno (outputs untouched).
 */
static inline int
tw_clock_pair_source(const struct tw_clock_source *s, unsigned int tries,
		uint64_t *tsc, uint64_t *ns, uint64_t *width)
{
	uint64_t best = UINT64_MAX, bt = 0, bn = 0;
	unsigned int i;

	for (i = 0; i < tries; i++) {
		uint64_t t0 = rte_rdtsc(), t1, v = 0;
		int rc = tw_clock_source_read(s, &v);

		t1 = rte_rdtsc();
		if (rc != 0)
			return rc;
		if (t1 - t0 < best) {
			best = t1 - t0;
			bt = t0 + best / 2;
			bn = v;
		}
	}
	*tsc = bt;
	*ns = bn;
	*width = best;
	return 0;
}

/* The same for a clock id, the best of 5. */
static inline void
tw_clock_pair(clockid_t id, uint64_t *tsc, uint64_t *ns)
{
	struct tw_clock_source s = { .id = id };
	uint64_t w;

	*tsc = 0;
	*ns = 0;
	tw_clock_pair_source(&s, 5, tsc, ns, &w);
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
 * Anchor to the source: the narrowest bracket, its width kept (in ns at
 * the TSC rate). 0, or the read's -errno (counted, mapping untouched).
 */
static inline int
tw_clock_anchor(struct tw_clock *c, uint64_t *tsc, uint64_t *ns)
{
	uint64_t w;
	int rc = tw_clock_pair_source(&c->src, TW_CLOCK_TRIES, tsc, ns, &w);

	if (rc != 0) {
		c->anchor_fails++;
		return rc;
	}
	w = (uint64_t)(((__uint128_t)w * c->raw_mult) >> 32);
	c->bracket_ns = w;
	if (c->anchors == 0 || w < c->bracket_min_ns)
		c->bracket_min_ns = w;
	if (w > c->bracket_max_ns)
		c->bracket_max_ns = w;
	c->anchors++;
	return 0;
}

/*
 * A following mapping's rate: against the source over the anchors of
 * the last TW_CLOCK_WINDOW refreshes, the TSC's own until there are
 * two. A source that went back, or whose rate strays past
 * TW_CLOCK_STEP_SHIFT from the TSC's, stepped: counted, the window
 * starts again at this anchor.
 */
static inline uint64_t
tw_clock_follow(struct tw_clock *c, uint64_t tsc, uint64_t ns)
{
	unsigned int old = (c->win_i + TW_CLOCK_WINDOW - c->win_n) %
		TW_CLOCK_WINDOW;
	uint64_t m = c->raw_mult, lim = c->raw_mult >> TW_CLOCK_STEP_SHIFT;

	if (c->win_n > 0) {
		uint64_t t0 = c->win_tsc[old], n0 = c->win_ns[old], f = 0;

		if (tsc > t0 && ns > n0)
			f = tw_clock_rate(t0, n0, tsc, ns);
		if (f != 0 && f + lim >= m && f <= m + lim) {
			m = f;
		} else {
			c->steps++;
			c->win_n = 0;
		}
	}
	c->win_tsc[c->win_i] = tsc;
	c->win_ns[c->win_i] = ns;
	c->win_i = (c->win_i + 1) % TW_CLOCK_WINDOW;
	if (c->win_n < TW_CLOCK_WINDOW)
		c->win_n++;
	return m;
}

/*
 * Measure the TSC rate against CLOCK_MONOTONIC_RAW over calib_ms (the
 * nominal rate EAL reports can be off by a tenth of a percent on
 * virtual machines), then anchor to CLOCK_REALTIME at that rate (a
 * source set later replaces both: tw_clock_set_source).
 */
static inline void
tw_clock_init(struct tw_clock *c, unsigned int calib_ms)
{
	struct timespec nap = {
		.tv_sec = calib_ms / 1000,
		.tv_nsec = (long)(calib_ms % 1000) * 1000000,
	};
	uint64_t t1, n1;

	memset(c, 0, sizeof(*c));
	rte_seqcount_init(&c->sc);
	c->src.id = CLOCK_REALTIME;
	tw_clock_pair(CLOCK_MONOTONIC_RAW, &c->base_tsc, &c->base_raw);
	nanosleep(&nap, NULL);
	tw_clock_pair(CLOCK_MONOTONIC_RAW, &t1, &n1);
	c->raw_mult = c->mult = tw_clock_rate(c->base_tsc, c->base_raw, t1,
		n1);
	if (tw_clock_anchor(c, &c->tsc0, &c->ns0) != 0)
		tw_clock_pair(CLOCK_REALTIME, &c->tsc0, &c->ns0);
}

/*
 * Stamp in another source from now on: anchored to it at once, its
 * window and bracket widths started again. 0, or the source's -errno
 * (the mapping keeps its old source).
 */
static inline int
tw_clock_set_source(struct tw_clock *c, const struct tw_clock_source *src)
{
	struct tw_clock_source old = c->src;
	uint64_t t, n;
	int rc;

	c->src = *src;
	c->anchors = c->anchor_fails = c->steps = 0;
	c->bracket_ns = c->bracket_min_ns = c->bracket_max_ns = 0;
	c->win_n = c->win_i = 0;
	rc = tw_clock_anchor(c, &t, &n);
	if (rc != 0) {
		c->src = old;
		return rc;
	}
	if (c->src.follow)
		tw_clock_follow(c, t, n);
	tw_clock_set(c, c->raw_mult, t, n);
	return 0;
}

/*
 * Re-measure the TSC's rate over everything since start and re-anchor
 * to the source; one writer (the main lcore), called periodically. A
 * 100 ms calibration is good to about 1e-5, which two processes see as
 * microseconds of skew per second; the long baseline brings the rate
 * to the kernel's, and the anchor keeps both processes on the source.
 * A following mapping takes the source's own rate over the last
 * window, so a clock slewed by phc2sys is not left behind between
 * anchors. 0, or the source's -errno (the old mapping stays).
 */
static inline int
tw_clock_refresh(struct tw_clock *c)
{
	uint64_t t, n, at, an, mult;
	int rc;

	tw_clock_pair(CLOCK_MONOTONIC_RAW, &t, &n);
	if (t <= c->base_tsc || n <= c->base_raw)
		return 0;
	c->raw_mult = tw_clock_rate(c->base_tsc, c->base_raw, t, n);
	rc = tw_clock_anchor(c, &at, &an);
	if (rc != 0)
		return rc;
	mult = c->src.follow ? tw_clock_follow(c, at, an) : c->raw_mult;
	tw_clock_set(c, mult, at, an);
	return 0;
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
