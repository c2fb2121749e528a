/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Latency histograms: buckets tile the range with no gap or overlap;
 * percentiles of known samples are within the stated error of the exact
 * ones; merging per-lcore histograms gives the histogram of all samples;
 * a NIC clock maps linearly onto ours.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tw_gen.h"
#include "tw_hist.h"

#define N 200000

static void
buckets_tile_the_range(void **state)
{
	uint64_t lo, hi, next = 0;
	unsigned int i;

	for (i = 0; i < TW_HIST_BUCKETS; i++) {
		tw_hist_bucket_range(i, &lo, &hi);
		assert_int_equal(lo, next);
		assert_true(hi >= lo);
		assert_int_equal(tw_hist_index(lo), i);
		assert_int_equal(tw_hist_index(hi), i);
		/* Width at most lo / 128: the error bound rests on it. */
		if (lo >= TW_HIST_SUB)
			assert_true((hi - lo + 1) * TW_HIST_SUB <= lo);
		next = hi + 1;
	}
	assert_int_equal(next, UINT64_C(1) << TW_HIST_MAX_EXP);
	assert_int_equal(tw_hist_index(UINT64_MAX), TW_HIST_BUCKETS - 1);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Exact: the smallest sample with at least q of them at or below it. */
static uint64_t
exact(const uint64_t *sorted, double q)
{
	uint64_t rank = (uint64_t)ceil(q * N);

	return sorted[(rank ? rank : 1) - 1];
}

static void
check_distribution(uint64_t *v, const char *name)
{
	static const double qs[] = {
		0.0001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999,
	};
	struct tw_hist *h = malloc(sizeof(*h));
	struct tw_hist_summary s;
	double worst = 0;
	unsigned int i;

	tw_hist_init(h);
	for (i = 0; i < N; i++)
		tw_hist_record(h, v[i]);
	qsort(v, N, sizeof(*v), cmp_u64);
	for (i = 0; i < RTE_DIM(qs); i++) {
		uint64_t want = exact(v, qs[i]);
		uint64_t got = tw_hist_quantile(h, qs[i]);
		double err = want ? fabs((double)got - (double)want) / want :
			(double)got;

		if (want < TW_HIST_SUB)
			assert_int_equal(got, want);    /* exact region */
		assert_true(err <= 1.0 / 256 + 1e-12);
		worst = fmax(worst, err);
	}
	tw_hist_summarize(h, &s);
	assert_int_equal(s.count, N);
	assert_int_equal(s.min, v[0]);
	assert_int_equal(s.max, v[N - 1]);
	print_message("%s: worst relative error %.5f (bound %.5f)\n", name,
		worst, 1.0 / 256);
	free(h);
}

static void
percentiles_within_error_bound(void **state)
{
	uint64_t *v = malloc(N * sizeof(*v));
	struct tw_rng r;
	unsigned int i;

	tw_rng_seed(&r, 99);
	for (i = 0; i < N; i++)            /* uniform over 0..1 ms */
		v[i] = tw_rng_u64(&r) % 1000000;
	check_distribution(v, "uniform");
	for (i = 0; i < N; i++)            /* log-normal around 2 us */
		v[i] = (uint64_t)(2000 * exp(1.5 * tw_rng_normal(&r)));
	check_distribution(v, "log-normal");
	for (i = 0; i < N; i++)            /* small integers: exact */
		v[i] = tw_rng_u64(&r) % 200;
	check_distribution(v, "small");
	for (i = 0; i < N; i++)            /* 10 ns .. 10 s, log-uniform */
		v[i] = (uint64_t)(10 * pow(1e9, tw_rng_uniform(&r)));
	check_distribution(v, "10ns-10s");
	free(v);
}

static void
merge_equals_one_histogram(void **state)
{
	struct tw_hist *part = calloc(3, sizeof(*part));
	struct tw_hist *all = malloc(sizeof(*all));
	struct tw_hist *sum = malloc(sizeof(*sum));
	struct tw_rng r;
	unsigned int i;

	tw_rng_seed(&r, 5);
	tw_hist_init(all);
	tw_hist_init(sum);
	for (i = 0; i < 3; i++)
		tw_hist_init(&part[i]);
	for (i = 0; i < N; i++) {
		/* Each "lcore" sees a different range. */
		unsigned int p = i % 3;
		uint64_t v = (tw_rng_u64(&r) % 100000) * (p + 1) + p;

		tw_hist_record(&part[p], v);
		tw_hist_record(all, v);
	}
	for (i = 0; i < 3; i++)
		tw_hist_merge(sum, &part[i]);
	assert_int_equal(sum->count, all->count);
	assert_int_equal(sum->sum, all->sum);
	assert_int_equal(sum->min, all->min);
	assert_int_equal(sum->max, all->max);
	assert_memory_equal(sum->b, all->b, sizeof(all->b));
	assert_int_equal(tw_hist_quantile(sum, 0.99),
		tw_hist_quantile(all, 0.99));
	free(part);
	free(all);
	free(sum);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buckets_tile_the_range),
		cmocka_unit_test(percentiles_within_error_bound),
		cmocka_unit_test(merge_equals_one_histogram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
