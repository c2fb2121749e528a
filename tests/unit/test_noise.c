/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/noise: a loop's gaps over the threshold are its interruptions,
 * its own work is not; the time lost and its share add up; the spin
 * probe sees what a sleeping thread leaves out; lib/hist takes a
 * subset's samples away.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "tw_hist.h"
#include "tw_noise.h"

#define HZ UINT64_C(1000000000)         /* one cycle a nanosecond */

static struct tw_noise n;
static struct tw_hist h, sub;

static void
gaps_under_the_threshold_are_not_interruptions(void **state)
{
	struct tw_noise_report r;
	uint64_t t = 1000;

	(void)state;
	tw_noise_init(&n, 1000, HZ);
	tw_noise_begin(&n, t);
	for (int i = 0; i < 1000; i++)
		assert_false(tw_noise_tick(&n, t += 900));
	tw_noise_read(&n, 2, "rx", &r, NULL);
	assert_int_equal(r.gaps, 0);
	assert_int_equal(r.lost_ns, 0);
	assert_int_equal(r.elapsed_ns, 900000);
	assert_int_equal(r.threshold_ns, 1000);
}

static void
a_long_gap_is_counted_with_its_length(void **state)
{
	struct tw_noise_report r;
	uint64_t t = 1000;

	(void)state;
	tw_noise_init(&n, 1000, HZ);
	tw_noise_begin(&n, t);
	tw_noise_tick(&n, t += 500);
	assert_true(tw_noise_tick(&n, t += 50000));
	assert_int_equal(n.end, t);
	assert_true(tw_noise_tick(&n, t += 2000));
	tw_noise_tick(&n, t += 47500);  /* 100,000 in all */
	tw_noise_read(&n, 2, "rx", &r, NULL);
	assert_int_equal(r.gaps, 3);
	assert_int_equal(r.lost_ns, 99500);
	assert_int_equal(r.longest_ns, 50000);
	assert_int_equal(r.elapsed_ns, 100000);
	assert_true(r.lost_share > 0.99 && r.lost_share < 1.0);
	assert_int_equal(r.gap.count, 3);
	assert_int_equal(r.gap.max, 50000);
}

static void
work_marked_by_the_loop_is_not_a_gap(void **state)
{
	uint64_t t = 1000;

	(void)state;
	tw_noise_init(&n, 1000, HZ);
	tw_noise_begin(&n, t);
	tw_noise_tick(&n, t += 100);    /* a poll */
	tw_noise_mark(&n, t += 20000);  /* a long burst's work */
	assert_false(tw_noise_tick(&n, t += 100));
	assert_int_equal(n.gaps, 0);
}

static void
the_share_between_two_reports_is_the_period_s(void **state)
{
	struct tw_noise_report a, b;
	uint64_t t = 1000;

	(void)state;
	tw_noise_init(&n, 1000, HZ);
	tw_noise_begin(&n, t);
	tw_noise_tick(&n, t += 100000);
	tw_noise_read(&n, 1, "gen", &a, NULL);
	for (int i = 0; i < 90; i++)
		tw_noise_tick(&n, t += 1000);   /* not over the threshold */
	tw_noise_tick(&n, t += 10000);
	tw_noise_read(&n, 1, "gen", &b, NULL);
	assert_true(tw_noise_share_between(&b, &a) > 0.099 &&
		tw_noise_share_between(&b, &a) < 0.101);
}

/* A probe runs for as long as it is asked, and loses less than that. */
static void
the_spin_probe_counts_what_it_did_not_run(void **state)
{
	struct tw_noise_report r;
	uint64_t hz;
	struct timespec a, b;

	(void)state;
	/* The TSC's rate, roughly: enough for a share. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	uint64_t t0 = __builtin_ia32_rdtsc();
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000 + b.tv_nsec - a.tv_nsec <
	       20000000);
	hz = (__builtin_ia32_rdtsc() - t0) * 50;
	tw_noise_init(&n, 1000, hz);
	tw_noise_spin(&n, hz / 20, NULL);
	tw_noise_read(&n, 0, "probe", &r, NULL);
	assert_true(r.elapsed_ns >= 45000000);
	assert_true(r.lost_share < 1);
}

static void
a_subset_s_samples_are_taken_away(void **state)
{
	struct tw_hist_summary s;

	(void)state;
	tw_hist_init(&h);
	tw_hist_init(&sub);
	for (uint64_t v = 1000; v < 2000; v++)
		tw_hist_record(&h, v);
	for (uint64_t v = 100000; v < 100100; v++) {
		tw_hist_record(&h, v);
		tw_hist_record(&sub, v);
	}
	tw_hist_minus(&h, &sub);
	tw_hist_summarize(&h, &s);
	assert_int_equal(s.count, 1000);
	assert_true(s.max < 2010);
	assert_true(s.min == 1000);
	assert_true(tw_hist_fraction_below(&h, 1500) > 0.45 &&
		tw_hist_fraction_below(&h, 1500) < 0.55);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gaps_under_the_threshold_are_not_interruptions),
		cmocka_unit_test(a_long_gap_is_counted_with_its_length),
		cmocka_unit_test(work_marked_by_the_loop_is_not_a_gap),
		cmocka_unit_test(the_share_between_two_reports_is_the_period_s),
		cmocka_unit_test(the_spin_probe_counts_what_it_did_not_run),
		cmocka_unit_test(a_subset_s_samples_are_taken_away),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
