/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "tw_hist.h"

void
tw_hist_init(struct tw_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void
tw_hist_bucket_range(unsigned int i, uint64_t *lo, uint64_t *hi)
{
	unsigned int e, sub;

	if (i < TW_HIST_SUB) {
		*lo = *hi = i;
		return;
	}
	e = (i - TW_HIST_SUB) / TW_HIST_SUB + TW_HIST_SUB_BITS;
	sub = (i - TW_HIST_SUB) % TW_HIST_SUB + TW_HIST_SUB;
	*lo = (uint64_t)sub << (e - TW_HIST_SUB_BITS);
	*hi = *lo + (UINT64_C(1) << (e - TW_HIST_SUB_BITS)) - 1;
}

static inline uint64_t
rd(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void
tw_hist_merge(struct tw_hist *sum, const struct tw_hist *h)
{
	uint64_t min = rd(&h->min), max = rd(&h->max), n = 0;
	unsigned int i;

	/* The count is rebuilt from the buckets, so it matches them. */
	for (i = 0; i < TW_HIST_BUCKETS; i++) {
		uint64_t c = rd(&h->b[i]);

		sum->b[i] += c;
		n += c;
	}
	sum->count += n;
	sum->sum += rd(&h->sum);
	sum->overflow += rd(&h->overflow);
	if (min < sum->min)
		sum->min = min;
	if (max > sum->max)
		sum->max = max;
}

uint64_t
tw_hist_quantile(const struct tw_hist *h, double q)
{
	uint64_t rank, seen = 0, lo, hi, v;
	unsigned int i;

	if (h->count == 0)
		return 0;
	if (q <= 0)
		return h->min;
	if (q >= 1)
		return h->max;
	/* The smallest value with at least q of the samples at or below. */
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < TW_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	if (i == TW_HIST_BUCKETS)
		return h->max;
	tw_hist_bucket_range(i, &lo, &hi);
	v = lo + (hi - lo) / 2;
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

void
tw_hist_minus(struct tw_hist *h, const struct tw_hist *sub)
{
	uint64_t lo, hi, first = UINT64_MAX, last = 0;
	unsigned int i;

	for (i = 0; i < TW_HIST_BUCKETS; i++) {
		uint64_t s = sub->b[i] < h->b[i] ? sub->b[i] : h->b[i];

		h->b[i] -= s;
		h->count -= s;
		if (h->b[i] == 0)
			continue;
		tw_hist_bucket_range(i, &lo, &hi);
		if (first == UINT64_MAX)
			first = lo > h->min ? lo : h->min;
		last = hi < h->max ? hi : h->max;
	}
	h->sum = h->sum > sub->sum ? h->sum - sub->sum : 0;
	h->overflow = h->overflow > sub->overflow ?
		h->overflow - sub->overflow : 0;
	h->min = h->count != 0 ? first : UINT64_MAX;
	h->max = h->count != 0 ? last : 0;
}

double
tw_hist_fraction_below(const struct tw_hist *h, uint64_t v)
{
	uint64_t below = 0, lo, hi;
	unsigned int i;

	if (h->count == 0)
		return 0;
	for (i = 0; i < TW_HIST_BUCKETS; i++) {
		tw_hist_bucket_range(i, &lo, &hi);
		if (hi >= v)
			break;
		below += h->b[i];
	}
	return (double)below / (double)h->count;
}

void
tw_hist_summarize(const struct tw_hist *h, struct tw_hist_summary *s)
{
	s->count = h->count;
	s->min = h->count ? h->min : 0;
	s->max = h->max;
	s->mean = h->count ? (double)h->sum / (double)h->count : 0;
	s->p50 = tw_hist_quantile(h, 0.5);
	s->p90 = tw_hist_quantile(h, 0.9);
	s->p99 = tw_hist_quantile(h, 0.99);
	s->p999 = tw_hist_quantile(h, 0.999);
	s->p9999 = tw_hist_quantile(h, 0.9999);
}

int
tw_hist_write_csv(const struct tw_hist *h, FILE *f)
{
	uint64_t seen = 0, lo, hi;
	unsigned int i;

	fprintf(f, "lo_ns,hi_ns,count,cumulative_fraction\n");
	for (i = 0; i < TW_HIST_BUCKETS; i++) {
		if (h->b[i] == 0)
			continue;
		seen += h->b[i];
		tw_hist_bucket_range(i, &lo, &hi);
		fprintf(f, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.9f\n", lo, hi,
			h->b[i], (double)seen / (double)h->count);
	}
	return ferror(f) ? -EIO : 0;
}

static const struct {
	const char *name, *file, *key;
} span_names[TW_SPAN_MAX] = {
	[TW_SPAN_SEND_CACHE] = { "send->cache", "send-cache", "send_cache" },
	[TW_SPAN_SEND_POLL] = { "send->poll", "send-poll", "send_poll" },
	[TW_SPAN_POLL_CACHE] = { "poll->cache", "poll-cache", "poll_cache" },
	[TW_SPAN_ACTUAL_CACHE] = { "actual->cache", "actual-cache",
		"actual_cache" },
	[TW_SPAN_WIRE_POLL] = { "wire->poll", "wire-poll", "wire_poll" },
	[TW_SPAN_GAP_FILL] = { "gap->fill", "gap-fill", "gap_fill" },
	[TW_SPAN_AB_SKEW] = { "a<->b", "a-b", "a_b_skew" },
};

const char *
tw_lat_span_name(enum tw_lat_span span)
{
	return (unsigned int)span < TW_SPAN_MAX ? span_names[span].name : "?";
}

const char *
tw_lat_span_file(enum tw_lat_span span)
{
	return (unsigned int)span < TW_SPAN_MAX ? span_names[span].file : "?";
}

const char *
tw_lat_span_key(enum tw_lat_span span)
{
	return (unsigned int)span < TW_SPAN_MAX ? span_names[span].key : "?";
}
