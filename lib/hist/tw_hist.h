/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Latency histograms, HDR style: log-linear buckets with a bounded
 * relative error, one writer each, merged by readers without locks.
 *
 * Owns: the bucket layout (exact below 128 ns, then 128 sub-buckets per
 * power of two up to 2^TW_HIST_MAX_EXP ns, about 18 minutes), recording,
 * merging, percentiles, CSV.
 * Never touches: clocks (callers pass nanoseconds), allocation.
 *
 * A bucket holds values [lo, hi] with hi - lo + 1 <= lo / 128; a
 * percentile is reported as its bucket's midpoint, so its relative error
 * is below 1/256 (0.4 %), under the 1 % the lab asks for. The exact
 * minimum and maximum are kept beside the buckets.
 */
#ifndef TW_HIST_H
#define TW_HIST_H

#include <stdint.h>
#include <stdio.h>

#define TW_HIST_SUB_BITS 7
#define TW_HIST_SUB (1u << TW_HIST_SUB_BITS)    /* 128 */
#define TW_HIST_MAX_EXP 40                      /* values < 2^40 ns */
#define TW_HIST_BUCKETS (TW_HIST_SUB + \
	(TW_HIST_MAX_EXP - TW_HIST_SUB_BITS) * TW_HIST_SUB)

struct tw_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;           /* UINT64_MAX while empty */
	uint64_t max;
	uint64_t overflow;      /* values >= 2^TW_HIST_MAX_EXP (in last bucket) */
	uint64_t b[TW_HIST_BUCKETS];
};

void tw_hist_init(struct tw_hist *h);

/*
 * The spans latency is measured over, one histogram each per RX lcore.
 * send: the tick's send_ns, when it was due on a paced generator's
 * schedule (else when it was priced); actual: when the generator
 * actually sent it (send_ns + late); poll: the RX poll that returned
 * the packet; cache: the burst applied to the cache; wire: the NIC's RX
 * timestamp, on ports that offer one. One sample per packet (its last
 * tick), poll->cache one per burst, wire->poll one per frame; gap->fill
 * is recovery, not latency: one sample per gap filled, from the packet
 * that showed it missing to the one that completed it; a<->b is the
 * arrival skew of the two lines, one sample per frame that came twice.
 */
enum tw_lat_span {
	TW_SPAN_SEND_CACHE,     /* corrected for coordinated omission */
	TW_SPAN_SEND_POLL,
	TW_SPAN_POLL_CACHE,
	TW_SPAN_ACTUAL_CACHE,   /* not corrected */
	TW_SPAN_WIRE_POLL,      /* NIC RX timestamp -> poll, ports that have them */
	TW_SPAN_GAP_FILL,       /* a gap seen -> its last message filled in */
	TW_SPAN_AB_SKEW,        /* two lines: a frame's first copy -> second */
	TW_SPAN_MAX
};

/*
 * "send->cache", ... for people; "send-cache", ... for file names;
 * "send_cache", ... for telemetry, which allows neither '>' nor '-'.
 * One table holds all three.
 */
const char *tw_lat_span_name(enum tw_lat_span span);
const char *tw_lat_span_file(enum tw_lat_span span);
const char *tw_lat_span_key(enum tw_lat_span span);

static inline unsigned int
tw_hist_index(uint64_t v)
{
	unsigned int e;

	if (v < TW_HIST_SUB)
		return (unsigned int)v;
	e = 63 - (unsigned int)__builtin_clzll(v);
	if (e >= TW_HIST_MAX_EXP)
		return TW_HIST_BUCKETS - 1;
	return TW_HIST_SUB + (e - TW_HIST_SUB_BITS) * TW_HIST_SUB +
		(unsigned int)((v >> (e - TW_HIST_SUB_BITS)) - TW_HIST_SUB);
}

/* The writer's side: one lcore per histogram. */
static inline void
tw_hist_record(struct tw_hist *h, uint64_t v)
{
	h->b[tw_hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	if (v >> TW_HIST_MAX_EXP)
		h->overflow++;
}

/* Smallest and largest value bucket i holds. */
void tw_hist_bucket_range(unsigned int i, uint64_t *lo, uint64_t *hi);

/* sum += h, read with relaxed loads while h's writer runs. */
void tw_hist_merge(struct tw_hist *sum, const struct tw_hist *h);

/*
 * h -= sub, bucket by bucket, for sub a subset of h's samples (recorded
 * into both, or into sub beside h by the same writer): what is left.
 * min and max become the bounds of the buckets left (exact ones kept
 * where they still hold); sum loses sub's.
 */
void tw_hist_minus(struct tw_hist *h, const struct tw_hist *sub);

/* Share (0..1) of h's samples below v (by bucket: those whose bucket
 * ends below v). 0 when empty. */
double tw_hist_fraction_below(const struct tw_hist *h, uint64_t v);

/*
 * The value at quantile q (0..1) of a merged histogram: the midpoint of
 * the bucket holding it, clamped to [min, max]. 0 when empty.
 */
uint64_t tw_hist_quantile(const struct tw_hist *h, double q);

/* The summary every report shows. */
struct tw_hist_summary {
	uint64_t count, min, max, p50, p90, p99, p999, p9999;
	double mean;
};

void tw_hist_summarize(const struct tw_hist *h, struct tw_hist_summary *s);

/*
 * CSV of the non-empty buckets: lo_ns,hi_ns,count,cumulative_fraction,
 * with a header row. Returns 0 or -errno.
 */
int tw_hist_write_csv(const struct tw_hist *h, FILE *f);

#endif /* TW_HIST_H */
