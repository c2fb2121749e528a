/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One process over net_ring: a million ticks from the generator lcore,
 * through the ring, into the RX lcore's cache: nothing lost, and the
 * cache equals the generator's ground truth byte for byte.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <rte_common.h>

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
	/*
	 * 2,000 requests a second: the 255 reply ids then cover 127 ms, so
	 * a stall of this shared VM does not reuse an id still waiting.
	 */
	const char *const opts[] = { "--count", "200000", "--rate", "100000",
		"--duration", "60", "--quiet", "--stats-json", json,
		"--set", "generator.reply_every=50", "--set", "rx.reflect=true",
		NULL };
	char *s;

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("loopback.t2t.log"), 120),
		0);
	s = it_slurp(json);
	assert_non_null(s);
	/* 70 % quotes, every 50th: about 2800. */
	it_assert_orders(s, s, 2400);
	free(s);
}

/*
 * A stop asked in the middle of a feed (by --duration, or SIGINT) ends
 * the session; the RX lcore drains to every end of session, so the
 * cache is the truth and nothing is lost or left unended.
 */
static void
assert_stopped_whole(const char *json, const char *cache, const char *truth)
{
	char *s = it_slurp(json);

	assert_non_null(s);
	assert_int_equal(it_json_u64(s, NULL, "channels_ended"), 4);
	assert_int_equal(it_json_u64(s, NULL, "channels_not_ended"), 0);
	assert_int_equal(it_json_u64(s, NULL, "messages_unreceived"), 0);
	assert_int_equal(it_json_u64(s, NULL, "drops_total"), 0);
	assert_int_equal(it_json_u64(s, NULL, "gaps"), 0);
	assert_int_equal(it_json_u64(s, "rx", "end_of_session"), 4);
	assert_int_equal(it_json_u64(s, "rx", "messages"),
		it_json_u64(s, "generator", "ticks") +
		it_json_u64(s, "generator", "directories"));
	assert_true(it_json_u64(s, "generator", "ticks") > 100000);
	free(s);
	assert_int_equal(it_count_lines(cache), 1001);
	assert_true(it_files_equal(cache, truth));
}

static void
stop_by_duration_loses_nothing(void **state)
{
	const char *json = it_path("stop-duration.json");
	const char *cache = it_path("stop-duration.cache.csv");
	const char *truth = it_path("stop-duration.truth.csv");
	const char *const opts[] = { "--duration", "2", "--quiet",
		"--stats-json", json, "--dump-cache", cache, "--dump-truth",
		truth, NULL };

	assert_int_equal(it_tickwire(opts, it_path("stop-duration.log"), 60),
		0);
	assert_stopped_whole(json, cache, truth);
}

static void
stop_by_sigint_loses_nothing(void **state)
{
	const char *json = it_path("stop-sigint.json");
	const char *cache = it_path("stop-sigint.cache.csv");
	const char *truth = it_path("stop-sigint.truth.csv");
	const char *const opts[] = { "--duration", "60", "--quiet",
		"--stats-json", json, "--dump-cache", cache, "--dump-truth",
		truth, NULL };
	char *argv[IT_MAX_ARGS];
	pid_t pid;

	it_tickwire_argv(argv, opts);
	pid = it_spawn(argv, it_path("stop-sigint.log"));
	sleep(2);
	kill(pid, SIGINT);
	assert_int_equal(it_wait(pid, 30), 0);
	assert_stopped_whole(json, cache, truth);
}

/*
 * The same feed on two ports (net_ring0, and net_ring1 as the mirror),
 * each polled by its own RX lcore into one socket's cache: each channel
 * keeps one writer (the other lcore drops it as not_owner), so the
 * cache is exactly the truth. Three polling lcores share the two cores
 * here, so frames are filled (send = fill): the mirror copy is best
 * effort, and a ring a descheduled lcore does not drain overflows with
 * one-tick frames; the main port waits up to a second for its ring.
 */
static void
same_feed_on_two_ports_keeps_one_writer_per_entry(void **state)
{
	const char *ini = it_path("two-ports.ini");
	const char *json = it_path("two-ports.json");
	const char *cache = it_path("two-ports.cache.csv");
	const char *truth = it_path("two-ports.truth.csv");
	const char *const opts[] = { "--config", ini, "--count", "300000",
		"--duration", "60", "--quiet", "--stats-json", json,
		"--dump-cache", cache, "--dump-truth", truth, NULL };
	FILE *f = fopen(ini, "w");
	uint64_t pkts, mirrored;
	char *s;

	assert_non_null(f);
	fputs("[eal]\nargs = --lcores=0@(0,1),1@0,2@1,3@1 --no-pci "
		"--vdev=net_ring0 --vdev=net_ring1 --file-prefix=tw-itest-two\n"
		"[feed]\nsymbols = 1000\nchannels = 4\n"
		"[generator]\nlcore = 1\nport = 0\nmirror_port = 1\n"
		"rate = 300000\nsend = fill\ntx_retry_us = 1000000\n"
		"[rx]\nlcores = 2,3\nports = 0,1\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(it_tickwire(opts, it_path("two-ports.log"), 120), 0);
	s = it_slurp(json);
	assert_non_null(s);
	pkts = it_json_u64(s, "generator", "packets");
	mirrored = it_json_u64(s, "generator", "mirror_packets");
	/* Every frame mirrored, or counted as a mirror drop (its ring was
	 * full while the other port's lcore was off the core). */
	assert_int_equal(mirrored + it_json_u64(s, "generator",
		"mirror_dropped"), pkts);
	assert_true(mirrored > pkts / 2);
	/* Each frame applied once, its mirrored copy dropped as not_owner:
	 * every frame sent on either port accounted for. */
	assert_int_equal(it_json_u64(s, "rx", "packets"), pkts + mirrored);
	assert_int_equal(it_json_u64(s, "rx", "packets_accepted"), pkts);
	assert_int_equal(it_json_u64(s, "drops", "not_owner"), mirrored);
	assert_int_equal(it_json_u64(s, "rx", "messages"), 301000);
	assert_int_equal(it_json_u64(s, NULL, "channels_ended"), 4);
	free(s);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Two RX queues polled by two RX lcores (both on one core here): the
 * generator sends channel c on TX queue c % 2, net_ring delivers it to
 * RX queue c % 2, and the lcore polling that queue is the channel's one
 * writer: cache == truth, nothing dropped as not_owner, both busy.
 */
static void
two_queues_two_lcores_one_writer_each(void **state)
{
	const char *ini = it_path("two-queues.ini");
	const char *json = it_path("two-queues.json");
	const char *cache = it_path("two-queues.cache.csv");
	const char *truth = it_path("two-queues.truth.csv");
	const char *const opts[] = { "--config", ini, "--count", "300000",
		"--duration", "60", "--quiet", "--stats-json", json,
		"--dump-cache", cache, "--dump-truth", truth, NULL };
	FILE *f = fopen(ini, "w");
	char *s;

	assert_non_null(f);
	fputs("[eal]\nargs = --lcores=0@(0,1),1@0,2@1,3@1 --no-pci "
		"--vdev=net_ring0 --file-prefix=tw-itest-queues\n"
		"[feed]\nsymbols = 1000\nchannels = 8\n"
		"[generator]\nlcore = 1\nport = 0\nrate = 300000\n"
		"queues = 2\ntx_retry_us = 1000000\n"
		"[rx]\nlcores = 2,3\nports = 0\nqueues = 2\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(it_tickwire(opts, it_path("two-queues.log"), 120),
		0);
	s = it_slurp(json);
	assert_non_null(s);
	it_assert_clean_feed(s, s, 300000, 1000, 8);
	assert_int_equal(it_json_u64(s, "drops", "not_owner"), 0);
	free(s);
	s = it_slurp(it_path("two-queues.log"));
	assert_non_null(strstr(s, "lcore 2 writes 4 of the 8 channels"));
	assert_non_null(strstr(s, "lcore 3 writes 4 of the 8 channels"));
	free(s);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Two generator lcores and two RX lcores (four pollers on two cores):
 * generator lcore i sends the channels c % 2 == i on TX queue i,
 * net_ring delivers queue i to RX queue i, whose lcore is the channels'
 * one writer. Each channel draws from its own stream, so the feed is
 * the same as one generator lcore's, paced or not: the truths are
 * equal byte for byte, and each cache equals its truth. Zipf activity
 * gives the channels unequal shares of the count.
 */
static void
two_generator_lcores_send_the_same_feed_as_one(void **state)
{
	const char *gen_keys[2] = { "lcore = 1\nrate = 400000\n",
		"lcores = 1,4\nrate = 0\n" };
	char ini[2][512], cache[2][512], truth[2][512], json[2][512];
	unsigned int r;
	char *s;

	for (r = 0; r < 2; r++) {
		const char *const opts[] = { "--config", ini[r], "--count",
			"600000", "--duration", "120", "--quiet",
			"--stats-json", json[r], "--dump-cache", cache[r],
			"--dump-truth", truth[r], NULL };
		char name[32];
		FILE *f;

#define GEN_PATH(dst, what) do { \
		snprintf(name, sizeof(name), "gen%u.%s", r + 1, what); \
		snprintf(dst, sizeof(dst), "%s", it_path(name)); \
	} while (0)
		GEN_PATH(ini[r], "ini");
		GEN_PATH(cache[r], "cache.csv");
		GEN_PATH(truth[r], "truth.csv");
		GEN_PATH(json[r], "json");
#undef GEN_PATH
		f = fopen(ini[r], "w");
		assert_non_null(f);
		fprintf(f, "[eal]\nargs = --lcores=0@(0,1),1@0,2@1,3@1,4@0 "
			"--no-pci --vdev=net_ring0 --file-prefix=tw-itest-gen"
			"\n[feed]\nsymbols = 1000\nchannels = 8\n"
			"[generator]\n%sport = 0\nqueues = 2\nseed = 11\n"
			"activity = zipf\ntx_retry_us = 1000000\n"
			"[rx]\nlcores = 2,3\nports = 0\nqueues = 2\n",
			gen_keys[r]);
		assert_int_equal(fclose(f), 0);
		snprintf(name, sizeof(name), "gen%u.log", r + 1);
		assert_int_equal(it_tickwire(opts, it_path(name), 180), 0);
		s = it_slurp(json[r]);
		assert_non_null(s);
		it_assert_clean_feed(s, s, 600000, 1000, 8);
		assert_int_equal(it_json_u64(s, "drops", "not_owner"), 0);
		free(s);
		assert_true(it_files_equal(cache[r], truth[r]));
	}
	s = it_slurp(it_path("gen2.log"));
	assert_non_null(s);
	assert_non_null(strstr(s, "lcore 1 sends channels 0,2,4,6"));
	assert_non_null(strstr(s, "lcore 4 sends channels 1,3,5,7"));
	free(s);
	assert_true(it_files_equal(truth[0], truth[1]));
}

/* Jumbo frames: mbufs sized from [feed] mtu, one frame per mbuf. */
static void
jumbo_mtu_frames_fit_their_mbufs(void **state)
{
	const char *json = it_path("jumbo.json");
	const char *cache = it_path("jumbo.cache.csv");
	const char *truth = it_path("jumbo.truth.csv");
	const char *const opts[] = { "--count", "200000", "--rate", "0",
		"--set",
		"feed.mtu=9000", "--duration", "60", "--quiet", "--stats-json",
		json, "--dump-cache", cache, "--dump-truth", truth, NULL };
	char *s;

	assert_int_equal(it_tickwire(opts, it_path("jumbo.log"), 120), 0);
	s = it_slurp(json);
	assert_non_null(s);
	it_assert_clean_feed(s, s, 200000, 1000, 4);
	/* Frames far above one 2 KB mbuf's room. */
	assert_true(it_json_u64(s, "generator", "bytes") >
		4000 * it_json_u64(s, "generator", "packets"));
	free(s);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Report files: a path that cannot be created fails at start, naming
 * it; a full disk leaves no truncated file, says why, exits 1, and the
 * other reports are still written.
 */
static void
output_files_fail_loudly_and_never_half_written(void **state)
{
	const char *mnt = it_path("full-fs");
	const char *json = it_path("full.json");
	char full[600], cmd[700];
	const char *const bad[] = { "--count", "1000", "--quiet",
		"--dump-cache", "/nonexistent-dir/c.csv", NULL };
	const char *const opts[] = { "--count", "100000", "--quiet",
		"--stats-json", json, "--dump-cache", full, NULL };
	char *s;

	assert_int_equal(it_tickwire(bad, it_path("badpath.log"), 60), 1);
	s = it_slurp(it_path("badpath.log"));
	assert_non_null(strstr(s, "/nonexistent-dir/c.csv: cannot create"));
	assert_non_null(strstr(s, "No such file or directory"));
	assert_null(strstr(s, "summary after"));        /* nothing ran */
	free(s);

	/* A 16 KB file system: the 1000-symbol cache CSV does not fit. */
	if (getuid() != 0)
		fail_msg("the full-disk check needs root (mount -t tmpfs)");
	mkdir(mnt, 0755);
	snprintf(cmd, sizeof(cmd), "umount %s 2>/dev/null; mount -t tmpfs "
		"-o size=16k tmpfs %s", mnt, mnt);
	assert_int_equal(system(cmd), 0);
	snprintf(full, sizeof(full), "%s/c.csv", mnt);
	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("full.log"), 60), 1);
	s = it_slurp(it_path("full.log"));
	assert_non_null(strstr(s, "No space left on device"));
	free(s);
	assert_int_equal(access(full, F_OK), -1);       /* no partial file */
	s = it_slurp(json);                             /* the others: yes */
	assert_non_null(s);
	assert_int_equal(it_json_u64(s, "generator", "ticks"), 100000);
	free(s);
	snprintf(cmd, sizeof(cmd), "umount %s", mnt);
	assert_int_equal(system(cmd), 0);
}

/*
 * --version; an EAL failure lists every EAL argument (the profile's and
 * the command line's) with a reason; --no-huge without -m is told to
 * give EAL the memory.
 */
static void
errors_point_at_the_cause(void **state)
{
	char *argv[IT_MAX_ARGS];
	const char *const none[] = { "--version", NULL };
	const char *const count[] = { "--count", "10", NULL };
	int n;
	char *s;

	assert_int_equal(it_tickwire(none, it_path("version.log"), 30), 0);
	s = it_slurp(it_path("version.log"));
	assert_non_null(strstr(s, "tickwire " TW_VERSION));
	free(s);

	n = it_tickwire_argv(argv, count);
	memmove(argv + 2, argv + 1, n * sizeof(argv[0]));
	argv[1] = (char *)"--no-such-eal-option";
	assert_int_equal(it_run(argv, it_path("eal-bad.log"), 30), 1);
	s = it_slurp(it_path("eal-bad.log"));
	assert_non_null(strstr(s, "EAL init failed (Invalid argument)"));
	assert_non_null(strstr(s, "--vdev=net_ring0"));   /* the profile's */
	assert_non_null(strstr(s, "--no-such-eal-option"));
	assert_null(strstr(s, "(Success)"));
	free(s);

	/* Only where the run has hugepages would -m be missing. */
	if (getenv("TW_EAL_EXTRA") != NULL &&
	    strstr(getenv("TW_EAL_EXTRA"), "--no-huge") != NULL)
		fail_msg("the --no-huge hint: NOT RUN (this run has no "
			"hugepages, so its EAL options already give -m)");
	n = it_tickwire_argv(argv, count);
	memmove(argv + 3, argv + 1, n * sizeof(argv[0]));
	argv[1] = (char *)"--no-huge";
	argv[2] = (char *)"--file-prefix=tw-itest-nohuge";
	assert_int_equal(it_run(argv, it_path("nohuge.log"), 60), 1);
	s = it_slurp(it_path("nohuge.log"));
	assert_non_null(strstr(s, "give EAL the memory: -m MB"));
	free(s);

	/* An explicit level above a cap set on purpose: refused, both
	 * named, not silently taken. */
	{
		const char *const wide[] = { "--simd", "sse", "--count", "10",
			NULL };

		n = it_tickwire_argv(argv, wide);
		memmove(argv + 3, argv + 1, n * sizeof(argv[0]));
		argv[1] = (char *)"--force-max-simd-bitwidth=64";
		argv[2] = (char *)"--file-prefix=tw-itest-simdcap";
		assert_int_equal(it_run(argv, it_path("simdcap.log"), 60), 2);
		s = it_slurp(it_path("simdcap.log"));
		assert_non_null(strstr(s, "--simd sse needs 128-bit vectors, "
			"but the EAL options cap them at 64"));
		free(s);
	}
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

/* Sum of one counter over the lines of a JSON Lines file. */
static uint64_t
lines_sum(const char *text, const char *obj, const char *key,
		unsigned int *nb_lines)
{
	char *copy = strdup(text), *line, *save = NULL;
	uint64_t sum = 0;

	*nb_lines = 0;
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		uint64_t v = it_json_u64(line, obj, key);

		assert_true(v != UINT64_MAX);
		sum += v;
		(*nb_lines)++;
	}
	free(copy);
	return sum;
}

/*
 * --stats-interval: a 5 s run writes 5 JSON lines (one a second, the
 * last at the end), and their counters add up to the final JSON's.
 */
static void
stats_interval_lines_add_up_to_the_final_json(void **state)
{
	const char *json = it_path("lines.json");
	const char *jl = it_path("lines.jsonl");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--rate", "200000",
		"--duration", "5", "--quiet", "--stats-json", json,
		"--stats-interval", jl, NULL };
	static const struct { const char *obj, *key; } sums[] = {
		{ "generator", "ticks" }, { "generator", "packets" },
		{ "generator", "directories" }, { "rx", "packets" },
		{ "rx", "messages" }, { "rx", "quotes" }, { "rx", "trades" },
		{ "rx", "end_of_session" },
	};
	unsigned int i, n;
	char *s, *l;

	remove(json);
	remove(jl);
	assert_int_equal(it_tickwire(opts, it_path("lines.log"), 60), 0);
	s = it_slurp(json);
	l = it_slurp(jl);
	assert_non_null(s);
	assert_non_null(l);
	for (i = 0; i < RTE_DIM(sums); i++) {
		uint64_t got = lines_sum(l, sums[i].obj, sums[i].key, &n);

		fprintf(stderr, "%s: lines %" PRIu64 ", final %" PRIu64
			"\n", sums[i].key, got,
			it_json_u64(s, sums[i].obj, sums[i].key));
		assert_int_equal(got, it_json_u64(s, sums[i].obj,
			sums[i].key));
	}
	assert_int_equal(n, 5);
	assert_non_null(strstr(l, "\"final\": true"));
	assert_non_null(strstr(l, "\"rx_msgs_per_s\": "));
	free(s);
	free(l);
}

/* Fields of one CSV line (no quoting: tickwire's never needs it). */
static unsigned int
csv_fields(char *line, char **f, unsigned int max)
{
	unsigned int n = 0;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		p = strchr(p, ',');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/*
 * --stats-csv: one header, then a row per period (the same periods as
 * --stats-interval's lines, the last at the end), every row as wide as
 * the header, and each counter column adds up to the final JSON's; with
 * loss injected, so the gap columns count something.
 */
static void
stats_csv_rows_add_up_to_the_final_json(void **state)
{
	const char *json = it_path("csv.json");
	const char *csv = it_path("periods.csv");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--rate", "200000",
		"--duration", "5", "--quiet", "--stats-json", json,
		"--stats-csv", csv, "--set", "faults.loss=0.001",
		"--accept-loss", NULL };
	static const struct { const char *col, *obj, *key; } sums[] = {
		{ "generator_ticks", "generator", "ticks" },
		{ "generator_directories", "generator", "directories" },
		{ "generator_packets", "generator", "packets" },
		{ "generator_bytes", "generator", "bytes" },
		{ "generator_end_of_session", "generator", "end_of_session" },
		{ "rx_packets", "rx", "packets" },
		{ "rx_bytes", "rx", "bytes" },
		{ "rx_messages", "rx", "messages" },
		{ "rx_quotes", "rx", "quotes" },
		{ "rx_trades", "rx", "trades" },
		{ "rx_end_of_session", "rx", "end_of_session" },
		{ "drops", NULL, "drops_total" },
		{ "gaps", NULL, "gaps" },
		{ "gap_messages", NULL, "gap_messages" },
	};
	uint64_t sum[RTE_DIM(sums)] = { 0 };
	int col[RTE_DIM(sums)];
	char *f[64], *s, *text, *line, *save = NULL;
	unsigned int i, nb_cols, rows = 0, last_final = 0;

	remove(json);
	remove(csv);
	assert_int_equal(it_tickwire(opts, it_path("csv.log"), 60), 0);
	s = it_slurp(json);
	text = it_slurp(csv);
	assert_non_null(s);
	assert_non_null(text);
	line = strtok_r(text, "\n", &save);
	assert_non_null(line);
	nb_cols = csv_fields(line, f, RTE_DIM(f));
	assert_string_equal(f[0], "t_s");
	for (i = 0; i < RTE_DIM(sums); i++) {
		unsigned int c;

		col[i] = -1;
		for (c = 0; c < nb_cols; c++)
			if (strcmp(f[c], sums[i].col) == 0)
				col[i] = (int)c;
		assert_true(col[i] >= 0);
	}
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		assert_true(isdigit((unsigned char)line[0]));  /* one header */
		assert_int_equal(csv_fields(line, f, RTE_DIM(f)), nb_cols);
		for (i = 0; i < RTE_DIM(sums); i++)
			sum[i] += strtoull(f[col[i]], NULL, 10);
		last_final = (unsigned int)atoi(f[2]);
		rows++;
	}
	for (i = 0; i < RTE_DIM(sums); i++) {
		uint64_t want = it_json_u64(s, sums[i].obj, sums[i].key);

		fprintf(stderr, "%s: rows %" PRIu64 ", final %" PRIu64 "\n",
			sums[i].col, sum[i], want);
		assert_int_equal(sum[i], want);
		if (strcmp(sums[i].col, "gap_messages") == 0)
			assert_true(sum[i] > 0);        /* the loss was seen */
	}
	assert_int_equal(rows, 5);
	assert_int_equal(last_final, 1);
	free(s);
	free(text);
}

/*
 * The periodic line's p50/p99 are its period's, as it says ("last
 * 0.51s"): equal to the --stats-interval line's of the same period (its
 * latency_ns, in the periodic line's microseconds to one decimal; "-"
 * when the period had no sample). Both lines start together; the JSON's last line
 * (final) covers the drain, after the periodic lines that stopped.
 */
static void
periodic_line_latency_is_the_periods_as_in_the_interval_lines(void **state)
{
	const char *jl = it_path("period.jsonl");
	const char *log = it_path("period.log");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--rate", "200000",
		"--duration", "3", "--set", "run.stats_interval_ms=500",
		"--stats-interval", jl, NULL };
	const char *mark = "| last ";
	char *l, *out, *jline, *pline, *js = NULL, *ps = NULL;
	unsigned int n = 0;

	remove(jl);
	assert_int_equal(it_tickwire(opts, log, 60), 0);
	l = it_slurp(jl);
	out = it_slurp(log);
	assert_non_null(l);
	assert_non_null(out);
	jline = strtok_r(l, "\n", &js);
	pline = strtok_r(out, "\n", &ps);
	for (; jline != NULL && strstr(jline, "\"final\": false") != NULL;
	     jline = strtok_r(NULL, "\n", &js)) {
		uint64_t count = it_json_u64(jline, "latency_ns", "count");
		char want[64], *p = NULL;

		while (pline != NULL && (pline[0] != '[' ||
		       (p = strstr(pline, mark)) == NULL))
			pline = strtok_r(NULL, "\n", &ps);
		assert_non_null(pline);
		/* "last 0.5s " (the period as timed: 0.5 to 0.55 s). */
		p = strstr(p, "s p50 ");
		assert_non_null(p);
		p += 2;
		if (count == 0)
			snprintf(want, sizeof(want), "p50 - p99 - us");
		else
			snprintf(want, sizeof(want), "p50 %.1f p99 %.1f us",
				it_json_u64(jline, "latency_ns", "p50") / 1e3,
				it_json_u64(jline, "latency_ns", "p99") / 1e3);
		fprintf(stderr, "period %u: printed %s; interval line %s "
			"(%" PRIu64 " samples)\n", n, p, want, count);
		assert_int_equal(strncmp(p, want, strlen(want)), 0);
		pline = strtok_r(NULL, "\n", &ps);
		n++;
	}
	/* 3 s at 500 ms: five or six periods before the stop. */
	assert_true(n >= 5);
	free(l);
	free(out);
}

/* Start tickwire with opts under TW_PREFIX=tag; its pid. */
static pid_t
start_tagged(const char *tag, const char *const *opts, const char *log)
{
	char *argv[IT_MAX_ARGS], *old = getenv("TW_PREFIX");
	char keep[64] = "";
	pid_t pid;

	if (old != NULL)
		snprintf(keep, sizeof(keep), "%s", old);
	setenv("TW_PREFIX", tag, 1);
	it_tickwire_argv(argv, opts);
	pid = it_spawn(argv, log);
	if (keep[0] != '\0')
		setenv("TW_PREFIX", keep, 1);
	else
		unsetenv("TW_PREFIX");
	return pid;
}

/*
 * Two users on one host: the same profile (same file prefix, same
 * tap name in it) run twice at once under two TW_PREFIX tags; both
 * run to their end, each under its own tagged prefix.
 */
static void
two_prefixes_share_the_host(void **state)
{
	const char *ja = it_path("share-a.json"), *jb = it_path("share-b.json");
	const char *const a[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--rate", "50000",
		"--duration", "3", "--quiet", "--stats-json", ja, NULL };
	const char *const b[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--rate", "50000",
		"--duration", "3", "--quiet", "--stats-json", jb, NULL };
	pid_t pa, pb;
	char *sa, *sb;

	remove(ja);
	remove(jb);
	pa = start_tagged("sharea", a, it_path("share-a.log"));
	pb = start_tagged("shareb", b, it_path("share-b.log"));
	assert_int_equal(it_wait(pa, 60), 0);
	assert_int_equal(it_wait(pb, 60), 0);
	sa = it_slurp(ja);
	sb = it_slurp(jb);
	assert_non_null(sa);
	assert_non_null(sb);
	assert_non_null(strstr(sa, "--file-prefix=tickwire-sharea"));
	assert_non_null(strstr(sb, "--file-prefix=tickwire-shareb"));
	assert_true(it_json_u64(sa, "rx", "messages") > 100000);
	assert_true(it_json_u64(sb, "rx", "messages") > 100000);
	assert_int_equal(it_json_u64(sa, NULL, "messages_unreceived"), 0);
	assert_int_equal(it_json_u64(sb, NULL, "messages_unreceived"), 0);
	free(sa);
	free(sb);

	/* The control: the same tag twice collides, and says so. */
	pa = start_tagged("samex", a, it_path("share-c.log"));
	sleep(1);
	pb = start_tagged("samex", b, it_path("share-d.log"));
	assert_int_not_equal(it_wait(pb, 60), 0);
	assert_int_equal(it_wait(pa, 60), 0);
}

/*
 * EAL options on the command line replace the profile's of the same
 * name: another file prefix and another lcore map run; added to the
 * profile's instead, the EAL would refuse a second --lcores.
 */
static void
command_line_eal_options_replace_the_profiles(void **state)
{
	const char *json = it_path("cli-eal.json");
	char *argv[IT_MAX_ARGS];
	const char *env = getenv("TW_EAL_EXTRA");
	char extra[512], *tok, *save = NULL, *s;
	int n = 0;

	argv[n++] = (char *)TW_BIN;
	snprintf(extra, sizeof(extra), "%s", env != NULL ? env : "");
	for (tok = strtok_r(extra, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n++] = (char *)"--lcores=0@0,1@0,2@1";
	argv[n++] = (char *)"--file-prefix=tw-itest-cli-eal";
	argv[n++] = (char *)"--";
	argv[n++] = (char *)"--config";
	argv[n++] = (char *)TW_SRC "/drivers-config/loopback.ini";
	argv[n++] = (char *)"--count";
	argv[n++] = (char *)"1000";
	argv[n++] = (char *)"--quiet";
	argv[n++] = (char *)"--stats-json";
	argv[n++] = (char *)json;
	argv[n] = NULL;
	remove(json);
	assert_int_equal(it_run(argv, it_path("cli-eal.log"), 60), 0);
	s = it_slurp(json);
	assert_non_null(s);
	assert_int_equal(it_json_u64(s, "rx", "messages"), 2000);
	free(s);
	s = it_slurp(it_path("cli-eal.log"));
	assert_non_null(s);
	assert_null(strstr(s, "is ignored"));
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
		cmocka_unit_test(errors_point_at_the_cause),
		cmocka_unit_test(stop_by_duration_loses_nothing),
		cmocka_unit_test(stop_by_sigint_loses_nothing),
		cmocka_unit_test(
			same_feed_on_two_ports_keeps_one_writer_per_entry),
		cmocka_unit_test(two_queues_two_lcores_one_writer_each),
		cmocka_unit_test(
			two_generator_lcores_send_the_same_feed_as_one),
		cmocka_unit_test(jumbo_mtu_frames_fit_their_mbufs),
		cmocka_unit_test(
			command_line_eal_options_replace_the_profiles),
		cmocka_unit_test(
			stats_interval_lines_add_up_to_the_final_json),
		cmocka_unit_test(stats_csv_rows_add_up_to_the_final_json),
		cmocka_unit_test(
		periodic_line_latency_is_the_periods_as_in_the_interval_lines),
		cmocka_unit_test(two_prefixes_share_the_host),
		cmocka_unit_test(
			output_files_fail_loudly_and_never_half_written),
	};

	it_test_filter();
	return cmocka_run_group_tests_name("loopback", tests, NULL, NULL);
}
