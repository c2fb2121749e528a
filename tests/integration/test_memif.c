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

/*
 * Two memif queues: the generator sends channel c on queue c % 2, the
 * processor polls each queue with its own RX lcore (both on core 1);
 * each channel has one writer and the cache equals the truth.
 */
static void
two_queues_across_processes(void **state)
{
	const char *gjson = it_path("memif-q2-gen.json");
	const char *pjson = it_path("memif-q2-proc.json");
	const char *cache = it_path("memif-q2.cache.csv");
	const char *truth = it_path("memif-q2.truth.csv");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "300000",
		"--rate", "300000", "--duration", "60", "--quiet",
		"--set", "generator.queues=2", "--stats-json", gjson,
		"--dump-truth", truth, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--set",
		"eal.args=--lcores=0@0,1@1,2@1 --no-pci --vdev=net_memif0,"
		"role=client,socket=/run/tickwire-memif.sock "
		"--file-prefix=tickwire-proc", "--set", "rx.lcores=1,2",
		"--set", "rx.queues=2", "--duration", "60", "--quiet",
		"--stats-json", pjson, "--dump-cache", cache, NULL };
	char *argv[IT_MAX_ARGS];
	char *g, *p;
	pid_t gen;
	int proc_rc;

	remove(gjson);
	remove(pjson);
	it_tickwire_argv(argv, gen_opts);
	gen = it_spawn(argv, it_path("memif-q2-gen.log"));
	sleep(1);
	proc_rc = it_tickwire(proc_opts, it_path("memif-q2-proc.log"), 120);
	assert_int_equal(it_wait(gen, 60), 0);
	assert_int_equal(proc_rc, 0);
	g = it_slurp(gjson);
	p = it_slurp(pjson);
	assert_non_null(g);
	assert_non_null(p);
	it_assert_clean_feed(g, p, 300000, 1000, 4);
	assert_int_equal(it_json_u64(p, "drops", "not_owner"), 0);
	free(g);
	free(p);
	assert_true(it_files_equal(cache, truth));
}

/* A port's counter in a stats JSON's "ports" array (the first port). */
static uint64_t
port_u64(const char *json, const char *key)
{
	const char *p = strstr(json, "\"ports\": [");

	return p == NULL ? UINT64_MAX : it_json_u64(p, NULL, key);
}

/*
 * The generator (memif server) is killed mid-feed and another one
 * starts: the processor sees the link go, restarts its memif client
 * until the new server is there, adopts the new session on every
 * channel and takes the whole new feed, to its end.
 */
static void
processor_survives_a_generator_restart(void **state)
{
	const char *gjson = it_path("memif-restart-gen.json");
	const char *pjson = it_path("memif-restart-proc.json");
	const char *const gen1_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "0",
		"--rate", "100000", "--duration", "60", "--quiet", NULL };
	const char *const gen2_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "200000",
		"--rate", "200000", "--duration", "60", "--quiet",
		"--stats-json", gjson, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "60",
		"--quiet", "--stats-json", pjson, "--set",
		"rx.session_idle_ms=300", NULL };
	char *argv[IT_MAX_ARGS];
	pid_t gen, proc;
	char *g, *p;

	remove(gjson);
	remove(pjson);
	it_tickwire_argv(argv, gen1_opts);
	gen = it_spawn(argv, it_path("memif-restart-gen1.log"));
	sleep(1);
	it_tickwire_argv(argv, proc_opts);
	proc = it_spawn(argv, it_path("memif-restart-proc.log"));
	sleep(3);
	kill(gen, SIGKILL);
	waitpid(gen, NULL, 0);
	sleep(2);
	assert_int_equal(it_tickwire(gen2_opts,
		it_path("memif-restart-gen2.log"), 60), 0);
	assert_int_equal(it_wait(proc, 60), 0);

	g = it_slurp(gjson);
	p = it_slurp(pjson);
	assert_non_null(g);
	assert_non_null(p);
	assert_true(port_u64(p, "link_downs") >= 1);
	assert_true(port_u64(p, "link_ups") >= 1);
	assert_true(port_u64(p, "restarts") >= 1);
	assert_int_equal(it_json_u64(p, "rx", "sessions_started"), 4);
	assert_int_equal(it_json_u64(p, NULL, "channels_ended"), 4);
	/* The second feed whole: every packet of it applied. */
	assert_true(it_json_u64(p, "rx", "packets_accepted") >
		it_json_u64(g, "generator", "packets"));
	assert_true(it_json_u64(p, "rx", "messages") >= 201000);
	free(g);
	free(p);
}

/*
 * The processor (memif client) is killed mid-feed and another one
 * starts: the generator sees its client go and come back and keeps
 * sending; the new processor joins the running session (a gap per
 * channel: what it missed) and follows it to its end.
 */
static void
generator_survives_a_processor_restart(void **state)
{
	const char *gjson = it_path("memif-prestart-gen.json");
	const char *pjson = it_path("memif-prestart-proc.json");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "900000",
		"--rate", "150000", "--duration", "60", "--quiet",
		"--stats-json", gjson, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "60",
		"--quiet", NULL };
	const char *const proc2_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "60",
		"--quiet", "--stats-json", pjson, NULL };
	char *argv[IT_MAX_ARGS];
	pid_t gen, proc;
	char *g, *p;

	remove(gjson);
	remove(pjson);
	it_tickwire_argv(argv, gen_opts);
	gen = it_spawn(argv, it_path("memif-prestart-gen.log"));
	sleep(1);
	it_tickwire_argv(argv, proc_opts);
	proc = it_spawn(argv, it_path("memif-prestart-proc1.log"));
	sleep(2);
	kill(proc, SIGKILL);
	waitpid(proc, NULL, 0);
	sleep(1);
	assert_int_equal(it_tickwire(proc2_opts,
		it_path("memif-prestart-proc2.log"), 60), 0);
	assert_int_equal(it_wait(gen, 60), 0);

	g = it_slurp(gjson);
	p = it_slurp(pjson);
	assert_non_null(g);
	assert_non_null(p);
	assert_true(port_u64(g, "link_downs") >= 1);
	assert_true(port_u64(g, "link_ups") >= 1);
	assert_int_equal(it_json_u64(g, "generator", "ticks"), 900000);
	assert_int_equal(it_json_u64(p, NULL, "channels_ended"), 4);
	assert_int_equal(it_json_u64(p, NULL, "gaps"), 4);
	assert_true(it_json_u64(p, "rx", "packets_accepted") > 1000);
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
		cmocka_unit_test(two_queues_across_processes),
		cmocka_unit_test(processor_survives_a_generator_restart),
		cmocka_unit_test(generator_survives_a_processor_restart),
	};

	return cmocka_run_group_tests_name("memif", tests, NULL, NULL);
}
