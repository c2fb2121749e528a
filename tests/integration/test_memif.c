/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two processes over net_memif, each polling lcore on its own core: the
 * generator process (memif server) and the processor (client). A
 * million ticks cross; the processor's cache equals the generator's
 * truth byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "itest.h"

static void
million_ticks_cross_processes_and_cache_equals_truth(void **state)
{
	const char *gjson = it_path("memif-gen.json");
	const char *pjson = it_path("memif-proc.json");
	const char *cache = it_path("memif.cache.csv");
	const char *truth = it_path("memif.truth.csv");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "1000000",
		"--rate", "0", "--duration", "120", "--quiet",
		"--stats-json", gjson, "--dump-truth", truth, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "120",
		"--quiet", "--stats-json", pjson, "--dump-cache", cache, NULL };
	char *argv[IT_MAX_ARGS];
	char *g, *p;
	pid_t gen;
	int proc_rc;

	remove(gjson);
	remove(pjson);
	/* The server first: a memif client cannot start without it. */
	it_tickwire_argv(argv, gen_opts);
	gen = it_spawn(argv, it_path("memif-gen.log"));
	sleep(1);
	proc_rc = it_tickwire(proc_opts, it_path("memif-proc.log"), 180);
	assert_int_equal(it_wait(gen, 60), 0);
	assert_int_equal(proc_rc, 0);

	g = it_slurp(gjson);
	p = it_slurp(pjson);
	assert_non_null(g);
	assert_non_null(p);
	it_assert_clean_feed(g, p, 1000000, 1000, 4);
	free(g);
	free(p);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Tick to trade across two processes: the processor answers every 10th
 * quote; the generator matches each order to its request and times the
 * round trip on its own clock (no clock shared between the processes).
 */
static void
tick_to_trade_across_processes(void **state)
{
	const char *gjson = it_path("memif-t2t-gen.json");
	const char *pjson = it_path("memif-t2t-proc.json");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "200000",
		"--rate", "200000", "--duration", "120", "--quiet",
		"--stats-json", gjson, "--set", "generator.reply_every=10",
		NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "120",
		"--quiet", "--stats-json", pjson, "--set", "rx.reflect=true",
		NULL };
	char *argv[IT_MAX_ARGS];
	char *g, *p;
	pid_t gen;
	int proc_rc;

	remove(gjson);
	remove(pjson);
	it_tickwire_argv(argv, gen_opts);
	gen = it_spawn(argv, it_path("memif-t2t-gen.log"));
	sleep(1);
	proc_rc = it_tickwire(proc_opts, it_path("memif-t2t-proc.log"), 180);
	assert_int_equal(it_wait(gen, 60), 0);
	assert_int_equal(proc_rc, 0);
	g = it_slurp(gjson);
	p = it_slurp(pjson);
	assert_non_null(g);
	assert_non_null(p);
	it_assert_orders(g, p, 12000);
	free(g);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			million_ticks_cross_processes_and_cache_equals_truth),
		cmocka_unit_test(tick_to_trade_across_processes),
	};

	return cmocka_run_group_tests_name("memif", tests, NULL, NULL);
}
