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

/* tickwire with opts, in the background: its pid. */
static pid_t
start(const char *const *opts, const char *log)
{
	char *argv[IT_MAX_ARGS];

	it_tickwire_argv(argv, opts);
	return it_spawn(argv, log);
}

/*
 * A generator and a processor started in the background, returned once
 * the generator's port is up and the processor is linked and polling:
 * a test steps on what happened, not on how long a loaded host took.
 */
static void
start_linked(const char *const *gen_opts, const char *gen_log,
		const char *const *proc_opts, const char *proc_log,
		pid_t *gen, pid_t *proc)
{
	/* Not an earlier run's lines: the child truncates its log only
	 * once it runs. */
	remove(gen_log);
	remove(proc_log);
	*gen = start(gen_opts, gen_log);
	assert_int_equal(it_wait_for(gen_log, "(net_memif) started", 60), 0);
	*proc = start(proc_opts, proc_log);
	assert_int_equal(it_wait_for(proc_log, "polling", 60), 0);
}

/*
 * Wait until the generator's --stats-interval lines (lines) add up to
 * at least ticks; 0, or -1 after timeout_s.
 */
static int
wait_ticks(const char *lines, uint64_t ticks, int timeout_s)
{
	int i;

	for (i = 0; i < timeout_s * 20; i++) {
		char *s = it_slurp(lines), *l;
		uint64_t sum = 0;

		for (l = s; l != NULL && (l = strstr(l, "\"generator\": ")) !=
		     NULL; l++)
			sum += it_json_u64(l, "generator", "ticks");
		free(s);
		if (sum >= ticks)
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

/* A peer that dies at once (SIGKILL), reaped. */
static void
kill_now(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

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
	char *g, *p;

	it_memif_pair("memif-million", gen_opts, proc_opts, gjson, pjson, &g, &p);
	it_assert_clean_feed(g, p, 1000000, 1000, 4);
	free(g);
	free(p);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Recovery across two processes: the generator loses 1 % of its frames
 * in runs of 20 on average, the processor asks its request server for
 * every gap over the same memif link: 2,000,000 ticks, every gap filled,
 * the processor's cache equal to the generator's truth.
 */
static void
loss_recovered_across_processes(void **state)
{
	const char *gjson = it_path("memif-loss-gen.json");
	const char *pjson = it_path("memif-loss-proc.json");
	const char *cache = it_path("memif-loss.cache.csv");
	const char *truth = it_path("memif-loss.truth.csv");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "2000000",
		"--rate", "1000000", "--duration", "120", "--quiet",
		"--set", "faults.loss=0.01", "--set", "faults.burst=20",
		"--set", "recovery.store_messages=65536",
		"--stats-json", gjson, "--dump-truth", truth, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "120",
		"--quiet", "--set", "recovery.rerequest=true",
		/* Time to answer on a loaded host: the data gets none. */
		"--set", "recovery.timeout_us=20000",
		"--set", "recovery.retries=10",
		"--stats-json", pjson, "--dump-cache", cache, NULL };
	uint64_t gaps;
	char *g, *p;

	it_memif_pair("memif-loss", gen_opts, proc_opts, gjson, pjson, &g, &p);
	gaps = it_json_u64(p, NULL, "gaps");
	fprintf(stderr, "lost %" PRIu64 " frames; %" PRIu64 " gaps, %" PRIu64
		" filled\n", it_json_u64(g, "generator", "faults_lost"), gaps,
		it_json_u64(p, "recovery", "gaps_filled"));
	assert_true(it_json_u64(g, "generator", "faults_lost") > 1000);
	assert_true(gaps > 0 && gaps != UINT64_MAX);
	assert_int_equal(it_json_u64(p, "recovery", "gaps_filled"), gaps);
	assert_int_equal(it_json_u64(p, "recovery", "gaps_unrecovered"), 0);
	assert_int_equal(it_json_u64(p, "recovery", "gaps_open"), 0);
	assert_int_equal(it_json_u64(g, "generator", "requests_served"),
		it_json_u64(p, "recovery", "requests"));
	assert_int_equal(it_json_u64(p, "rx", "messages"), 2001000);
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
		/* 3,500 orders a second: 255 reply ids stay enough for a
		 * round trip of 70 ms on a loaded host. */
		"--rate", "50000", "--duration", "120", "--quiet",
		"--stats-json", gjson, "--set", "generator.reply_every=10",
		NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "120",
		"--quiet", "--stats-json", pjson, "--set", "rx.reflect=true",
		NULL };
	char *g, *p;

	it_memif_pair("memif-t2t", gen_opts, proc_opts, gjson, pjson, &g, &p);
	it_assert_orders(g, p, 12000);
	free(g);
	free(p);
}

/*
 * Two memif queues, two lcores each side: generator lcore i sends the
 * channels c % 2 == i on queue i (both lcores on core 0, no request
 * server: it belongs to one lcore), the processor polls each queue with
 * its own RX lcore (both on core 1); each channel has one writer and
 * the cache equals the truth.
 */
static void
two_queues_across_processes(void **state)
{
	const char *gjson = it_path("memif-q2-gen.json");
	const char *pjson = it_path("memif-q2-proc.json");
	const char *cache = it_path("memif-q2.cache.csv");
	const char *truth = it_path("memif-q2.truth.csv");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--set",
		"eal.args=--lcores=0@1,1@0,2@0 --no-pci --vdev=net_memif0,"
		"role=server,socket=/run/tickwire-memif.sock "
		"--file-prefix=tickwire-gen", "--set", "generator.lcores=1,2",
		"--set", "recovery.store_messages=0", "--set",
		/* The RX lcores share a core: a queue waits a time slice. */
		"generator.tx_retry_us=1000000", "--count", "600000",
		"--rate", "300000", "--duration", "60", "--quiet",
		"--set", "generator.queues=2", "--stats-json", gjson,
		"--dump-truth", truth, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--set",
		"eal.args=--lcores=0@0,1@1,2@1 --no-pci --vdev=net_memif0,"
		"role=client,socket=/run/tickwire-memif.sock "
		"--file-prefix=tickwire-proc", "--set", "rx.lcores=1,2",
		"--set", "rx.queues=2", "--set", "recovery.rerequest=false",
		"--duration", "60", "--quiet",
		"--stats-json", pjson, "--dump-cache", cache, NULL };
	char *g, *p;

	it_memif_pair("memif-q2", gen_opts, proc_opts, gjson, pjson, &g, &p);
	it_assert_clean_feed(g, p, 600000, 1000, 4);
	assert_int_equal(it_json_u64(p, "drops", "not_owner"), 0);
	free(g);
	free(p);
	g = it_slurp(it_path("memif-q2-gen.log"));
	assert_non_null(g);
	assert_non_null(strstr(g, "lcore 1 sends channels 0,2"));
	assert_non_null(strstr(g, "lcore 2 sends channels 1,3"));
	free(g);
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
	const char *cache = it_path("memif-restart.cache.csv");
	const char *truth = it_path("memif-restart.truth.csv");
	const char *const gen1_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "0",
		"--rate", "100000", "--duration", "60", "--quiet", NULL };
	const char *const gen2_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "200000",
		"--rate", "200000", "--duration", "60", "--quiet",
		"--stats-json", gjson, "--dump-truth", truth, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "60",
		"--quiet", "--stats-json", pjson, "--set",
		"rx.session_idle_ms=300", "--dump-cache", cache, NULL };
	pid_t gen, proc;
	char *g, *p;

	remove(gjson);
	remove(pjson);
	/* Linked and taking the first generator's feed, then it goes. */
	start_linked(gen1_opts, it_path("memif-restart-gen1.log"), proc_opts,
		it_path("memif-restart-proc.log"), &gen, &proc);
	sleep(2);
	kill_now(gen);
	sleep(2);
	assert_int_equal(it_tickwire(gen2_opts,
		it_path("memif-restart-gen2.log"), 60), 0);
	assert_int_equal(it_wait(proc, 60), 0);
	it_read_pair(gjson, pjson, &g, &p);
	assert_true(port_u64(p, "link_downs") >= 1);
	assert_true(port_u64(p, "link_ups") >= 1);
	assert_true(port_u64(p, "restarts") >= 1);
	/* Its port counted both generators' frames, across the restart. */
	assert_int_equal(port_u64(p, "ipackets"), it_json_u64(p, "rx",
		"packets"));
	assert_int_equal(it_json_u64(p, "rx", "sessions_started"), 4);
	assert_int_equal(it_json_u64(p, NULL, "channels_ended"), 4);
	/* The second feed whole: every packet of it applied. */
	assert_true(it_json_u64(p, "rx", "packets_accepted") >
		it_json_u64(g, "generator", "packets"));
	assert_true(it_json_u64(p, "rx", "messages") >= 201000);
	free(g);
	free(p);
	/* The new session is a new truth: nothing of the old one's
	 * volumes and counts stays in the cache. */
	assert_true(it_files_equal(cache, truth));
}

/*
 * The processor (memif client) is killed mid-feed and another one
 * starts: the generator sees its client go and come back and keeps
 * sending; the new processor joins the running session late, takes
 * each channel's state from the generator's snapshot server and follows
 * the session to its end with the cache equal to the truth.
 */
static void
generator_survives_a_processor_restart(void **state)
{
	const char *gjson = it_path("memif-prestart-gen.json");
	const char *pjson = it_path("memif-prestart-proc.json");
	const char *cache = it_path("memif-prestart.cache.csv");
	const char *truth = it_path("memif-prestart.truth.csv");
	const char *lines = it_path("memif-prestart-gen.jsonl");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "3000000",
		"--rate", "500000", "--duration", "60", "--quiet",
		"--stats-json", gjson, "--dump-truth", truth,
		"--stats-interval", lines, "--set", "run.stats_interval_ms=100",
		NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "60",
		"--quiet", NULL };
	const char *const proc2_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "60",
		"--quiet", "--stats-json", pjson, "--dump-cache", cache,
		NULL };
	uint64_t before;
	pid_t gen, proc;
	char *g, *p;

	remove(gjson);
	remove(pjson);
	remove(lines);
	start_linked(gen_opts, it_path("memif-prestart-gen.log"), proc_opts,
		it_path("memif-prestart-proc1.log"), &gen, &proc);
	/* The first processor goes once more than a million ticks are
	 * sent (what the second one then joins after), however long a
	 * loaded host takes for them. */
	assert_int_equal(wait_ticks(lines, 1100000, 30), 0);
	kill_now(proc);
	sleep(1);
	assert_int_equal(it_tickwire(proc2_opts,
		it_path("memif-prestart-proc2.log"), 60), 0);
	assert_int_equal(it_wait(gen, 60), 0);
	it_read_pair(gjson, pjson, &g, &p);
	assert_true(port_u64(g, "link_downs") >= 1);
	assert_true(port_u64(g, "link_ups") >= 1);
	assert_int_equal(it_json_u64(g, "generator", "ticks"), 3000000);
	assert_int_equal(it_json_u64(p, NULL, "channels_ended"), 4);
	/*
	 * The second processor joined late (after more than 1,000,000
	 * ticks): each channel is a late join, not a gap, and its state
	 * came from a snapshot; the cache ends equal to the truth.
	 */
	before = it_json_u64(p, "recovery", "messages_before_join");
	fprintf(stderr, "joined after %" PRIu64 " messages\n", before);
	assert_true(before > 1000000 && before != UINT64_MAX);
	assert_int_equal(it_json_u64(p, "recovery", "late_joins"), 4);
	assert_int_equal(it_json_u64(p, NULL, "gaps"), 0);
	assert_int_equal(it_json_u64(p, "recovery", "snapshots"), 4);
	assert_int_equal(it_json_u64(p, "recovery", "gaps_unrecovered"), 0);
	assert_int_equal(it_json_u64(g, "generator", "snapshots_served"), 4);
	assert_true(it_json_u64(p, "rx", "packets_accepted") > 1000);
	free(g);
	free(p);
	assert_true(it_files_equal(cache, truth));
}

/*
 * The generator's port counters go on across its client's restarts:
 * the memif PMD zeroes them when a client leaves or comes, and the
 * port's opackets at the end still count every frame it took since the
 * start, not those since the last client came (nor 0 once it left).
 */
static void
generator_port_counters_survive_a_processor_restart(void **state)
{
	const char *gjson = it_path("memif-ctr-gen.json");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "1200000",
		"--rate", "300000", "--duration", "60", "--quiet",
		"--set", "recovery.store_messages=0",
		"--stats-json", gjson, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "60",
		"--quiet", "--set", "recovery.rerequest=false", NULL };
	uint64_t pkts, dropped, out;
	pid_t gen, proc;
	char *g;

	remove(gjson);
	start_linked(gen_opts, it_path("memif-ctr-gen.log"), proc_opts,
		it_path("memif-ctr-proc1.log"), &gen, &proc);
	sleep(1);
	kill_now(proc);
	sleep(1);
	/* It joins late without snapshots: its symbols are stale, and it
	 * says its data is not whole. */
	assert_int_equal(it_tickwire(proc_opts, it_path("memif-ctr-proc2.log"),
		60), IT_NOT_WHOLE);
	assert_int_equal(it_wait(gen, 60), 0);
	g = it_slurp(gjson);
	assert_non_null(g);
	pkts = it_json_u64(g, "generator", "packets");
	dropped = it_json_u64(g, "generator", "tx_dropped");
	out = port_u64(g, "opackets");
	fprintf(stderr, "generator: %" PRIu64 " packets, %" PRIu64 " dropped "
		"while no client was there; port opackets %" PRIu64 "\n",
		pkts, dropped, out);
	assert_true(port_u64(g, "link_downs") >= 1);
	assert_true(pkts > 100000 && pkts != UINT64_MAX);
	/*
	 * Every frame the port took, on either client's link, never more:
	 * memif reads 0 from the moment its client leaves and counts from
	 * 0 for the next, so what went out between the last read (the main
	 * lcore reads every 50 ms tick) and the leaving is all it can miss:
	 * at 300,000 a second, two ticks' worth at most on a loaded host.
	 */
	assert_true(out <= pkts - dropped);
	assert_true(pkts - dropped - out <= 2 * 300000 / 20);
	assert_true(out > (pkts - dropped) / 2);
	free(g);
}

/*
 * Two lines on two memif links: the generator serves line A on
 * net_memif0 and line B on net_memif1 ([feed] line_b_port = 1), each
 * line losing frames of its own; the processor polls both links with
 * its one RX lcore and asks the request server (over line A's link) for
 * what both lines lost. Line B's frames cross on the second link only,
 * each line wins frames, the cache is the truth.
 */
static void
two_lines_on_two_memif_links(void **state)
{
	const char *gjson = it_path("memif-ab2-gen.json");
	const char *pjson = it_path("memif-ab2-proc.json");
	const char *cache = it_path("memif-ab2.cache.csv");
	const char *truth = it_path("memif-ab2.truth.csv");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--set",
		"eal.args=--lcores=0@1,1@0 --no-pci --vdev=net_memif0,"
		"role=server,socket=/run/tickwire-memif.sock "
		"--vdev=net_memif1,role=server,"
		"socket=/run/tickwire-memif-b.sock "
		"--file-prefix=tickwire-gen",
		"--set", "feed.lines=2", "--set", "feed.line_b_port=1",
		"--set", "faults.loss=0.01", "--set", "faults.burst=3",
		"--set", "faults.seed=51", "--set", "faults.loss_b=0.02",
		"--set", "faults.seed_b=52",
		"--count", "1000000", "--rate", "1000000", "--duration", "120",
		"--quiet", "--stats-json", gjson, "--dump-truth", truth, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--set",
		"eal.args=--lcores=0@0,1@1 --no-pci --vdev=net_memif0,"
		"role=client,socket=/run/tickwire-memif.sock "
		"--vdev=net_memif1,role=client,"
		"socket=/run/tickwire-memif-b.sock "
		"--file-prefix=tickwire-proc",
		"--set", "feed.lines=2", "--set", "feed.line_b_port=1",
		/* Time to answer on a loaded host: the data gets none. */
		"--set", "recovery.timeout_us=20000",
		"--set", "recovery.retries=10",
		"--duration", "120", "--quiet",
		"--stats-json", pjson, "--dump-cache", cache, NULL };
	char *g, *p;

	it_memif_pair("memif-ab2", gen_opts, proc_opts, gjson, pjson, &g, &p);
	it_assert_lines_on_two_ports(g, p, 0, 1, false);
	fprintf(stderr, "requests %" PRIu64 ", served %" PRIu64 "\n",
		it_json_u64(p, "recovery", "requests"),
		it_json_u64(g, "generator", "requests_served"));
	/* Requests and replies on line A's link only. */
	assert_int_equal(it_port_u64(p, 1, "opackets"), 0);
	assert_int_equal(it_port_u64(g, 1, "ipackets"), 0);
	assert_int_equal(it_port_u64(p, 0, "opackets"),
		it_json_u64(p, "recovery", "requests"));
	assert_true(it_json_u64(g, "generator", "faults_lost_both") > 0);
	assert_true(it_json_u64(p, "recovery", "requests") > 0);
	assert_int_equal(it_json_u64(p, "drops", "not_owner"), 0);
	assert_int_equal(it_json_u64(p, "recovery", "gaps_unrecovered"), 0);
	assert_int_equal(it_json_u64(p, "rx", "messages"), 1001000);
	free(g);
	free(p);
	assert_true(it_files_equal(cache, truth));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			million_ticks_cross_processes_and_cache_equals_truth),
		cmocka_unit_test(tick_to_trade_across_processes),
		cmocka_unit_test(loss_recovered_across_processes),
		cmocka_unit_test(two_queues_across_processes),
		cmocka_unit_test(processor_survives_a_generator_restart),
		cmocka_unit_test(generator_survives_a_processor_restart),
		cmocka_unit_test(
			generator_port_counters_survive_a_processor_restart),
		cmocka_unit_test(two_lines_on_two_memif_links),
	};

	it_test_filter();
	return cmocka_run_group_tests_name("memif", tests, NULL, NULL);
}
