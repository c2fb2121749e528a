/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/clock: a NIC clock maps linearly onto ours; a counter read is
 * paired with our time at the middle of the read; the TSC calibration
 * agrees with the kernel's clock; a refresh keeps it there.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "tw_clock.h"

static uint64_t
realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * A NIC clock mapped to ours from (counter, ns) pairs: not ready until
 * the second pair, then exact at the anchor, linear around it (stamps
 * from before the anchor included), rate from the whole baseline.
 */
static void
device_clock_maps_linearly(void **state)
{
	struct tw_clock c;

	tw_clock_counter_init(&c, 1000, 5000);
	assert_false(tw_clock_ready(&c));
	tw_clock_counter_update(&c, 3000, 9000);        /* 2 ns a tick */
	assert_true(tw_clock_ready(&c));
	assert_int_equal(tw_clock_ns(&c, 3000), 9000);
	assert_int_equal(tw_clock_ns(&c, 2000), 7000);
	assert_int_equal(tw_clock_ns(&c, 4500), 12000);
	/* A later pair: the rate is over everything since the first. */
	tw_clock_counter_update(&c, 11000, 25000);
	assert_int_equal(tw_clock_ns(&c, 11000), 25000);
	assert_int_equal(tw_clock_ns(&c, 12000), 27000);
	/* A pair going backwards is ignored. */
	tw_clock_counter_update(&c, 500, 100);
	assert_int_equal(tw_clock_ns(&c, 11000), 25000);
}

/* A fake device counter: counts its reads, or fails. */
struct fake_dev {
	uint64_t value;
	int rc;
	uint64_t tsc_during;
};

static int
fake_read(void *arg, uint64_t *ctr)
{
	struct fake_dev *d = arg;

	d->tsc_during = rte_rdtsc();
	if (d->rc != 0)
		return d->rc;
	*ctr = d->value;
	return 0;
}

/*
 * A device read is paired with our ns between the TSC reads around it;
 * a failed read passes its error on and leaves the outputs alone.
 */
static void
counter_read_is_paired_with_our_time(void **state)
{
	struct fake_dev d = { .value = 123456789 };
	struct tw_clock c;
	uint64_t ctr = 0, ns = 0, before, after;

	tw_clock_init(&c, 20);
	before = tw_clock_ns(&c, rte_rdtsc());
	assert_int_equal(tw_clock_pair_counter(&c, fake_read, &d, &ctr, &ns),
		0);
	after = tw_clock_ns(&c, rte_rdtsc());
	assert_int_equal(ctr, d.value);
	assert_true(ns >= before && ns <= after);

	d.rc = -ENOTSUP;
	ctr = ns = 7;
	assert_int_equal(tw_clock_pair_counter(&c, fake_read, &d, &ctr, &ns),
		-ENOTSUP);
	assert_int_equal(ctr, 7);
	assert_int_equal(ns, 7);
}

/*
 * The calibrated TSC stamps within a millisecond of CLOCK_REALTIME now
 * and after a sleep, and a refresh keeps it so; the measured rate is a
 * plausible TSC rate.
 */
static void
tsc_stamps_follow_the_kernel_clock(void **state)
{
	struct timespec nap = { .tv_nsec = 50 * 1000000 };
	struct tw_clock c;
	int64_t d;

	tw_clock_init(&c, 50);
	assert_true(tw_clock_hz(&c) > 100000000ull);   /* > 100 MHz */
	d = (int64_t)(tw_clock_ns(&c, rte_rdtsc()) - realtime_ns());
	assert_true(d > -1000000 && d < 1000000);
	nanosleep(&nap, NULL);
	tw_clock_refresh(&c);
	d = (int64_t)(tw_clock_ns(&c, rte_rdtsc()) - realtime_ns());
	assert_true(d > -1000000 && d < 1000000);
	/* A duration converts at the same rate. */
	d = (int64_t)tw_clock_cycles_ns(&c, tw_clock_hz(&c)) - 1000000000;
	assert_true(d > -1000 && d < 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_clock_maps_linearly),
		cmocka_unit_test(counter_read_is_paired_with_our_time),
		cmocka_unit_test(tsc_stamps_follow_the_kernel_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
