/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/clock: a NIC clock maps linearly onto ours; a counter read is
 * paired with our time at the middle of the read; the TSC calibration
 * agrees with the kernel's clock; a refresh keeps it there; a mapping
 * that follows its source takes the source's rate and steps, keeps the
 * width of its anchors, and keeps its old anchor when the source fails.
 */
#include <errno.h>
#include <inttypes.h>
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

/*
 * A source clock of its own rate: the TSC at the calibrated rate scaled
 * by 1 + ppm / 1e6, plus a step; or failing.
 */
struct fake_src {
	const struct tw_clock *cal;     /* the calibration it scales */
	uint64_t tsc0, ns0;
	int64_t ppm;
	uint64_t step_ns;
	int rc;
};

static int
fake_src_read(void *arg, uint64_t *ns)
{
	struct fake_src *f = arg;
	uint64_t d = tw_clock_cycles_ns(f->cal, rte_rdtsc() - f->tsc0);

	if (f->rc != 0)
		return f->rc;
	*ns = f->ns0 + f->step_ns + d + (uint64_t)((int64_t)d * f->ppm /
		1000000);
	return 0;
}

static uint64_t
fake_src_now(struct fake_src *f)
{
	uint64_t ns = 0;

	fake_src_read(f, &ns);
	return ns;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec nap = { .tv_nsec = (long)ms * 1000000 };

	nanosleep(&nap, NULL);
}

/*
 * Following a source 300 ppm fast of the TSC: after a few refreshes the
 * rate is the source's (to 20 ppm), and a stamp 20 ms after the last
 * anchor is within 2 us of the source (the TSC's own rate would be 6 us
 * off); the anchors' brackets are kept; a 5 ms step is counted and
 * taken at the next anchor; a failing source leaves the mapping as it
 * was and counts the failure.
 */
static void
a_following_mapping_takes_its_sources_rate_and_steps(void **state)
{
	struct tw_clock cal, c;
	struct fake_src f = { .cal = &cal, .ppm = 300, .ns0 = 1000000000000 };
	struct tw_clock_source src = { .read = fake_src_read, .arg = &f,
		.follow = true };
	int64_t d, rate_ppm;
	unsigned int i;
	uint64_t mult;

	tw_clock_init(&cal, 50);
	tw_clock_init(&c, 50);
	f.tsc0 = rte_rdtsc();
	assert_int_equal(tw_clock_set_source(&c, &src), 0);
	for (i = 0; i < 8; i++) {
		sleep_ms(20);
		assert_int_equal(tw_clock_refresh(&c), 0);
	}
	rate_ppm = ((int64_t)c.mult - (int64_t)c.raw_mult) * 1000000 /
		(int64_t)c.raw_mult;
	print_message("follow: rate %+" PRId64 " ppm of the TSC's, bracket "
		"%" PRIu64 "..%" PRIu64 " ns over %" PRIu64 " anchors\n",
		rate_ppm, c.bracket_min_ns, c.bracket_max_ns, c.anchors);
	assert_true(rate_ppm > 280 && rate_ppm < 320);
	assert_int_equal(c.anchors, 9);
	assert_int_equal(c.steps, 0);
	assert_true(c.bracket_max_ns >= c.bracket_min_ns);
	assert_true(c.bracket_ns <= c.bracket_max_ns);
	sleep_ms(20);
	d = (int64_t)(tw_clock_ns(&c, rte_rdtsc()) - fake_src_now(&f));
	print_message("follow: 20 ms after the anchor, %+" PRId64 " ns\n",
		d);
	assert_true(d > -2000 && d < 2000);

	f.step_ns = 5000000;
	assert_int_equal(tw_clock_refresh(&c), 0);
	assert_int_equal(c.steps, 1);
	d = (int64_t)(tw_clock_ns(&c, rte_rdtsc()) - fake_src_now(&f));
	assert_true(d > -2000 && d < 2000);

	f.rc = -EIO;
	mult = c.mult;
	assert_int_equal(tw_clock_refresh(&c), -EIO);
	assert_int_equal(c.anchor_fails, 1);
	assert_int_equal(c.mult, mult);
	/* A source that cannot be read is not taken. */
	tw_clock_init(&c, 10);
	assert_int_equal(tw_clock_set_source(&c, &src), -EIO);
	assert_null(c.src.read);
	assert_int_equal(c.src.id, CLOCK_REALTIME);
}

/* A clock id as the source: CLOCK_TAI is CLOCK_REALTIME plus the
 * kernel's TAI offset (whole seconds), to well within a millisecond. */
static void
tai_source_is_realtime_plus_whole_seconds(void **state)
{
	struct tw_clock_source tai = { .id = CLOCK_TAI, .follow = true };
	struct tw_clock c;
	int64_t d;

	tw_clock_init(&c, 20);
	assert_int_equal(tw_clock_set_source(&c, &tai), 0);
	d = (int64_t)(tw_clock_ns(&c, rte_rdtsc()) - realtime_ns());
	d %= 1000000000;
	if (d > 500000000)
		d -= 1000000000;
	assert_true(d > -1000000 && d < 1000000);
	assert_true(c.bracket_ns > 0 && c.bracket_ns < 1000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_clock_maps_linearly),
		cmocka_unit_test(counter_read_is_paired_with_our_time),
		cmocka_unit_test(tsc_stamps_follow_the_kernel_clock),
		cmocka_unit_test(
			a_following_mapping_takes_its_sources_rate_and_steps),
		cmocka_unit_test(tai_source_is_realtime_plus_whole_seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
