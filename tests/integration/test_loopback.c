/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One process over net_ring: a million ticks from the generator lcore,
 * through the ring, into the RX lcore's cache: nothing lost, and the
 * cache equals the generator's ground truth byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "itest.h"
#include "tw_simd.h"

static void
million_ticks_arrive_whole_and_cache_equals_truth(void **state)
{
	const char *json = it_path("loopback.json");
	const char *cache = it_path("loopback.cache.csv");
	const char *truth = it_path("loopback.truth.csv");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--count", "1000000",
		"--duration", "120", "--quiet", "--stats-json", json,
		"--dump-cache", cache, "--dump-truth", truth, NULL };
	char *s;

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("loopback.log"), 180), 0);
	s = it_slurp(json);
	assert_non_null(s);
	it_assert_clean_feed(s, s, 1000000, 1000, 4);
	/* net_ring has no RX timestamps: said at start, no wire samples. */
	assert_int_equal(it_json_u64(s, "wire->poll", "count"), 0);
	free(s);
	s = it_slurp(it_path("loopback.log"));
	assert_non_null(strstr(s, "wire arrival from the RX poll"));
	free(s);
	assert_int_equal(it_count_lines(cache), 1001);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Same seed, same cache, whatever the SIMD level: run a is scalar, run b
 * the widest level this CPU has, for both the generator and RX.
 */
static void
same_seed_gives_the_same_cache(void **state)
{
	const char *a = it_path("loopback.seed-a.csv");
	const char *b = it_path("loopback.seed-b.csv");
	const char *c = it_path("loopback.seed-c.csv");
	char err[128];
	bool capped;
	const char *best = tw_simd_name(tw_simd_resolve(TW_SIMD_AUTO, 0,
		&capped, err, sizeof(err)));
	const char *const run_a[] = { "--count", "50000", "--seed", "7",
		"--duration", "60", "--quiet", "--dump-cache", a,
		"--simd", "scalar", NULL };
	const char *const run_b[] = { "--count", "50000", "--seed", "7",
		"--duration", "60", "--quiet", "--dump-cache", b,
		"--simd", best, NULL };
	const char *const run_c[] = { "--count", "50000", "--seed", "8",
		"--duration", "60", "--quiet", "--dump-cache", c, NULL };

	assert_int_equal(it_tickwire(run_a, it_path("seed-a.log"), 120), 0);
	assert_int_equal(it_tickwire(run_b, it_path("seed-b.log"), 120), 0);
	assert_int_equal(it_tickwire(run_c, it_path("seed-c.log"), 120), 0);
	print_message("scalar run vs %s run\n", best);
	assert_true(it_files_equal(a, b));
	assert_false(it_files_equal(a, c));
}

/* Every 10th quote asks for an order; the RX lcore answers each. */
static void
tick_to_trade_orders_all_come_back(void **state)
{
	const char *json = it_path("loopback.t2t.json");
	const char *const opts[] = { "--count", "200000", "--rate", "200000",
		"--duration", "60", "--quiet", "--stats-json", json,
		"--set", "generator.reply_every=10", "--set", "rx.reflect=true",
		NULL };
	char *s;

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("loopback.t2t.log"), 120),
		0);
	s = it_slurp(json);
	assert_non_null(s);
	/* 70 % quotes, every 10th: about 14000. */
	it_assert_orders(s, s, 12000);
	free(s);
}

static void
config_error_names_file_section_and_key(void **state)
{
	const char *bad = it_path("bad.ini");
	const char *log = it_path("bad.log");
	const char *const opts[] = { "--config", bad, NULL };
	FILE *f = fopen(bad, "w");
	char *s;

	fputs("[generator]\nrate = fast\n", f);
	fclose(f);
	assert_int_equal(it_tickwire(opts, log, 30), 2);
	s = it_slurp(log);
	assert_non_null(strstr(s, "bad.ini: [generator] rate: 'fast' is not "
		"an unsigned integer"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			million_ticks_arrive_whole_and_cache_equals_truth),
		cmocka_unit_test(same_seed_gives_the_same_cache),
		cmocka_unit_test(tick_to_trade_orders_all_come_back),
		cmocka_unit_test(config_error_names_file_section_and_key),
	};

	return cmocka_run_group_tests_name("loopback", tests, NULL, NULL);
}
