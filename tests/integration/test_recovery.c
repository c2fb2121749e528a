/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Recovery, end to end: the generator does [faults] to its own line,
 * the receiver finds the gaps and fills them from the generator's
 * MoldUDP64 request server, and the cache still equals the ground truth
 * byte for byte; or, where recovery cannot work, the symbols concerned
 * say they are stale. One process over net_ring, and two over memif.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "itest.h"


/*
 * Recovery that must succeed waits long enough for a loaded host (the
 * suite passes with a CPU-bound process beside it, where a poller can
 * be off its core for milliseconds): time, never the data, gets margin.
 */
#define RECOVERY_MARGIN "timeout_us = 20000\nretries = 10\n"

/* A profile: net_ring in one process, then the sections given. */
static const char *
profile(const char *name, const char *prefix, const char *extra)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s", it_path(name));
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[eal]\nargs = --lcores=0@(0,1),1@0,2@1 --no-pci "
		"--vdev=net_ring0 --file-prefix=%s\n"
		"[feed]\nsymbols = 1000\nchannels = 4\n"
		"[generator]\nlcore = 1\nport = 0\n"
		"[rx]\nlcores = 2\nports = 0\n%s", prefix, extra);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* The cache CSV has a stale symbol (stale is the last column). */
static int
count_stale(const char *csv)
{
	char *s = it_slurp(csv), *line, *save = NULL;
	int n = 0;

	assert_non_null(s);
	for (line = strtok_r(s, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);

		if (len > 2 && strcmp(line + len - 2, ",1") == 0)
			n++;
	}
	free(s);
	return n;
}

/*
 * One line, 1 % of the frames lost in runs of 20 on average, re-request
 * on: 2,000,000 ticks, every gap filled, cache == truth.
 */
static void
loss_is_recovered_by_rerequest(void **state)
{
	const char *json = it_path("rec-loss.json");
	const char *cache = it_path("rec-loss.cache.csv");
	const char *truth = it_path("rec-loss.truth.csv");
	const char *ini = profile("rec-loss.ini", "tw-itest-rec-loss",
		"[faults]\nloss = 0.01\nburst = 20\nseed = 11\n"
		"[recovery]\nstore_messages = 65536\nrerequest = true\n"
		RECOVERY_MARGIN);
	const char *const opts[] = { "--config", ini, "--count", "2000000",
		"--rate", "2000000", "--duration", "120", "--quiet",
		"--stats-json", json, "--dump-cache", cache,
		"--dump-truth", truth, NULL };
	char *s;

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("rec-loss.log"), 180), 0);
	s = it_slurp(json);
	assert_non_null(s);
	assert_true(it_json_u64(s, "generator", "faults_lost") > 1000);
	assert_int_equal(it_json_u64(s, "generator", "ticks"), 2000000);
	it_assert_recovered(s);
	assert_true(it_json_u64(s, "generator", "requests_served") > 0);
	assert_true(it_json_u64(s, "gap->fill", "count") > 0);
	free(s);
	assert_int_equal(count_stale(cache), 0);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Duplicates, reordering and flipped bits at 1 % each: every fault under
 * its counter, the corrupt frames dropped on their checksum and asked
 * for again, the late and double copies changing nothing twice.
 */
static void
dup_reorder_corrupt_leave_the_cache_right(void **state)
{
	const char *json = it_path("rec-drc.json");
	const char *cache = it_path("rec-drc.cache.csv");
	const char *truth = it_path("rec-drc.truth.csv");
	const char *ini = profile("rec-drc.ini", "tw-itest-rec-drc",
		"[faults]\ndup = 0.01\nreorder = 0.01\ncorrupt = 0.01\n"
		"seed = 5\n"
		"[recovery]\nstore_messages = 65536\nrerequest = true\n"
		RECOVERY_MARGIN);
	const char *const opts[] = { "--config", ini, "--count", "1000000",
		"--rate", "1000000", "--duration", "120", "--quiet",
		"--stats-json", json, "--dump-cache", cache,
		"--dump-truth", truth, NULL };
	uint64_t corrupted;
	char *s;

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("rec-drc.log"), 180), 0);
	s = it_slurp(json);
	assert_non_null(s);
	corrupted = it_json_u64(s, "generator", "faults_corrupted");
	assert_true(it_json_u64(s, "generator", "faults_dup") > 100);
	assert_true(it_json_u64(s, "generator", "faults_reordered") > 100);
	assert_true(corrupted > 100);
	assert_int_equal(it_json_u64(s, "generator", "faults_lost"), 0);
	/* A corrupt frame sent twice is dropped twice. */
	assert_true(it_json_u64(s, "drops", "bad_udp_csum") >= corrupted);
	assert_true(it_json_u64(s, NULL, "duplicate_packets") > 100);
	it_assert_recovered(s);
	free(s);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Without re-request (no server), loss cannot be undone: each gap is
 * given up after the timeout and its channel's symbols are marked stale
 * in the cache, so nothing is silently wrong.
 */
static void
unrecovered_gaps_mark_their_symbols_stale(void **state)
{
	const char *json = it_path("rec-stale.json");
	const char *cache = it_path("rec-stale.cache.csv");
	const char *ini = profile("rec-stale.ini", "tw-itest-rec-stale",
		"[faults]\nloss = 0.001\nseed = 3\n"
		"[recovery]\ntimeout_us = 100\nretries = 2\n");
	const char *const opts[] = { "--config", ini, "--count", "200000",
		"--rate", "1000000", "--duration", "60", "--quiet",
		"--stats-json", json, "--dump-cache", cache, NULL };
	char *s;

	remove(json);
	/* Lost, not recovered: the run says its data is not whole. */
	assert_int_equal(it_tickwire(opts, it_path("rec-stale.log"), 120),
		IT_NOT_WHOLE);
	s = it_slurp(json);
	assert_non_null(s);
	assert_true(strstr(s, "\"whole\": false") != NULL);
	assert_true(it_json_u64(s, "verdict", "stale_symbols") >= 250);
	assert_true(it_json_u64(s, "generator", "faults_lost") > 0);
	assert_true(it_json_u64(s, "recovery", "gaps_unrecovered") > 0);
	assert_int_equal(it_json_u64(s, "recovery", "requests"), 0);
	free(s);
	/* Some channel lost something: its 250 symbols say so. */
	assert_true(count_stale(cache) >= 250);
	assert_int_equal(count_stale(cache) % 250, 0);
}

/*
 * A gap older than the store's window cannot be served: the server
 * counts the request as expired, the gap is given up, and the channel's
 * state comes from the snapshot server instead: cache == truth.
 */
static void
gap_beyond_the_store_comes_from_a_snapshot(void **state)
{
	const char *json = it_path("rec-window.json");
	const char *cache = it_path("rec-window.cache.csv");
	const char *truth = it_path("rec-window.truth.csv");
	const char *ini = profile("rec-window.ini", "tw-itest-rec-window",
		"[faults]\nloss = 0.01\nburst = 40\nseed = 2\n"
		"[recovery]\nstore_messages = 64\nrerequest = true\n"
		"timeout_us = 20000\nretries = 3\n");
	const char *const opts[] = { "--config", ini, "--count", "300000",
		"--rate", "0", "--duration", "60", "--quiet",
		"--stats-json", json, "--dump-cache", cache,
		"--dump-truth", truth, NULL };
	char *s;

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("rec-window.log"), 120),
		0);
	s = it_slurp(json);
	assert_non_null(s);
	assert_true(it_json_u64(s, "generator", "requests_expired") > 0);
	assert_true(it_json_u64(s, "recovery", "gaps_unrecovered") > 0);
	assert_true(it_json_u64(s, "generator", "snapshots_served") > 0);
	assert_true(it_json_u64(s, "recovery", "snapshots") > 0);
	assert_int_equal(it_json_u64(s, "recovery", "snapshots_failed"), 0);
	assert_int_equal(it_json_u64(s, "recovery", "gaps_open"), 0);
	free(s);
	assert_int_equal(count_stale(cache), 0);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Without a snapshot server the same gap stays given up, its channel's
 * symbols marked stale.
 */
static void
gap_beyond_the_store_without_snapshots_is_marked(void **state)
{
	const char *json = it_path("rec-window2.json");
	const char *cache = it_path("rec-window2.cache.csv");
	const char *ini = profile("rec-window2.ini", "tw-itest-rec-window2",
		"[faults]\nloss = 0.01\nburst = 40\nseed = 2\n"
		"[recovery]\nstore_messages = 64\nrerequest = true\n"
		"timeout_us = 20000\nretries = 3\nsnapshot_port = 0\n");
	const char *const opts[] = { "--config", ini, "--count", "300000",
		"--rate", "0", "--duration", "60", "--quiet",
		"--stats-json", json, "--dump-cache", cache, NULL };
	char *s;

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("rec-window2.log"), 120),
		IT_NOT_WHOLE);
	s = it_slurp(json);
	assert_non_null(s);
	assert_true(it_json_u64(s, "generator", "requests_expired") > 0);
	assert_true(it_json_u64(s, "recovery", "gaps_unrecovered") > 0);
	assert_int_equal(it_json_u64(s, "recovery", "snapshots"), 0);
	free(s);
	assert_true(count_stale(cache) >= 250);
}

/*
 * Two lines, each losing 1 % of its frames independently, and no request
 * server: the first copy of each frame applies, the second is counted on
 * its line; only a frame both lines lost is a gap, given up and marked
 * stale. The per-line counters add up.
 */
static void
two_lines_cover_each_others_losses(void **state)
{
	const char *json = it_path("rec-ab.json");
	const char *cache = it_path("rec-ab.cache.csv");
	const char *truth = it_path("rec-ab.truth.csv");
	const char *ini = profile("rec-ab.ini", "tw-itest-rec-ab",
		"[faults]\nloss = 0.01\nloss_b = 0.01\nseed = 21\n"
		"seed_b = 22\n");
	const char *const opts[] = { "--config", ini, "--count", "1000000",
		"--rate", "0", "--duration", "120", "--quiet",
		"--set", "feed.lines=2", "--stats-json", json,
		"--dump-cache", cache, "--dump-truth", truth, NULL };
	uint64_t both, a_won, b_won, a_dup, b_dup, a_pkts, b_pkts;
	char *s;
	int rc;

	remove(json);
	rc = it_tickwire(opts, it_path("rec-ab.log"), 180);
	s = it_slurp(json);
	assert_non_null(s);
	both = it_json_u64(s, "generator", "faults_lost_both");
	/* No server: whole unless both lines lost the same frame. */
	assert_int_equal(rc, both > 0 ? IT_NOT_WHOLE : IT_WHOLE);
	a_pkts = it_json_u64(s, "rx", "line_a_packets");
	b_pkts = it_json_u64(s, "rx", "line_b_packets");
	a_won = it_json_u64(s, "rx", "line_a_won");
	b_won = it_json_u64(s, "rx", "line_b_won");
	a_dup = it_json_u64(s, "rx", "line_a_duplicates");
	b_dup = it_json_u64(s, "rx", "line_b_duplicates");
	fprintf(stderr, "lost on A %" PRIu64 ", on B %" PRIu64 ", on both %"
		PRIu64 "; A: %" PRIu64 " frames, %" PRIu64 " first, %" PRIu64
		" second; B: %" PRIu64 ", %" PRIu64 ", %" PRIu64 "\n",
		it_json_u64(s, "generator", "faults_lost"),
		it_json_u64(s, "generator", "faults_lost_b"), both, a_pkts,
		a_won, a_dup, b_pkts, b_won, b_dup);
	assert_true(it_json_u64(s, "generator", "faults_lost") > 100);
	assert_true(it_json_u64(s, "generator", "faults_lost_b") > 100);
	/* Every frame a line delivered applied first or came second;
	 * heartbeats and ends of session are counted on neither. */
	assert_true(a_pkts >= a_won + a_dup && b_pkts >= b_won + b_dup);
	assert_true(a_pkts - a_won - a_dup <= 16 && b_pkts - b_won - b_dup
		<= 16);
	/* What B alone delivered is what A lost and B did not. */
	assert_int_equal(b_won, it_json_u64(s, "generator", "faults_lost") -
		both);
	/* Every data frame line A put on the wire applied first: the
	 * frames sent (lost ones are not) less line B's that went out
	 * (its copies less its losses) and the control frames. */
	assert_int_equal(a_won, it_json_u64(s, "generator", "packets") -
		(it_json_u64(s, "generator", "line_b_packets") -
		 it_json_u64(s, "generator", "faults_lost_b")) - 4 -
		it_json_u64(s, "generator", "heartbeats"));
	assert_int_equal(it_json_u64(s, "recovery", "requests"), 0);
	assert_int_equal(it_json_u64(s, "drops", "duplicate"), 0);
	assert_true(it_json_u64(s, "a<->b", "count") > 0);
	if (both == 0) {
		assert_int_equal(it_json_u64(s, "recovery",
			"gaps_unrecovered"), 0);
		free(s);
		assert_true(it_files_equal(cache, truth));
		return;
	}
	/* Lost on both lines, and nobody to ask: stale, never wrong. */
	assert_true(it_json_u64(s, "recovery", "gaps_unrecovered") > 0);
	free(s);
	assert_true(count_stale(cache) >= 250);
}

/* The same two lines with the request server: the frames both lines
 * lost are asked for (after the other line's wait) and the cache is
 * the truth. */
static void
two_lines_and_the_server_leave_nothing_out(void **state)
{
	const char *json = it_path("rec-ab2.json");
	const char *cache = it_path("rec-ab2.cache.csv");
	const char *truth = it_path("rec-ab2.truth.csv");
	const char *ini = profile("rec-ab2.ini", "tw-itest-rec-ab2",
		"[faults]\nloss = 0.02\nloss_b = 0.02\nseed = 31\n"
		"seed_b = 32\n"
		"[recovery]\nstore_messages = 65536\nrerequest = true\n"
		RECOVERY_MARGIN);
	const char *const opts[] = { "--config", ini, "--count", "1000000",
		"--rate", "0", "--duration", "120", "--quiet",
		"--set", "feed.lines=2", "--stats-json", json,
		"--dump-cache", cache, "--dump-truth", truth, NULL };
	char *s;

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("rec-ab2.log"), 180), 0);
	s = it_slurp(json);
	assert_non_null(s);
	fprintf(stderr, "lost on both lines %" PRIu64 ", requests %" PRIu64
		"\n", it_json_u64(s, "generator", "faults_lost_both"),
		it_json_u64(s, "recovery", "requests"));
	assert_true(it_json_u64(s, "generator", "faults_lost_both") > 0);
	assert_true(it_json_u64(s, "recovery", "requests") > 0);
	assert_true(it_json_u64(s, "recovery", "requests") <=
		it_json_u64(s, "generator", "faults_lost_both") * 2);
	assert_int_equal(it_json_u64(s, "recovery", "gaps_unrecovered"), 0);
	free(s);
	assert_true(it_files_equal(cache, truth));
}

/*
 * Two lines on two ports (drivers-config/loopback-ab2.ini: line A on
 * net_ring0, line B on net_ring1), each with losses of its own (line B's
 * in runs), the request server on: line B's frames arrive on port 1
 * only, each line wins frames, what both lines lost is asked for, and
 * the cache is the truth.
 */
static void
two_lines_on_two_ports_leave_nothing_out(void **state)
{
	const char *json = it_path("rec-ab2p.json");
	const char *cache = it_path("rec-ab2p.cache.csv");
	const char *truth = it_path("rec-ab2p.truth.csv");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback-ab2.ini", "--count", "1000000",
		"--rate", "0", "--duration", "120", "--quiet",
		"--set", "faults.loss=0.02", "--set", "faults.seed=41",
		"--set", "faults.loss_b=0.02", "--set", "faults.burst_b=4",
		"--set", "faults.seed_b=42",
		"--set", "recovery.store_messages=65536",
		"--set", "recovery.rerequest=true",
		"--set", "recovery.timeout_us=20000",
		"--set", "recovery.retries=10",
		"--stats-json", json, "--dump-cache", cache,
		"--dump-truth", truth, NULL };
	char *s;

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("rec-ab2p.log"), 180), 0);
	s = it_slurp(json);
	assert_non_null(s);
	it_assert_lines_on_two_ports(s, s, 0, 1, true);
	fprintf(stderr, "requests %" PRIu64 "\n",
		it_json_u64(s, "recovery", "requests"));
	assert_true(it_json_u64(s, "generator", "faults_lost_both") > 0);
	assert_true(it_json_u64(s, "recovery", "requests") > 0);
	assert_int_equal(it_json_u64(s, "drops", "not_owner"), 0);
	assert_int_equal(it_json_u64(s, "recovery", "gaps_unrecovered"), 0);
	free(s);
	assert_true(it_files_equal(cache, truth));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loss_is_recovered_by_rerequest),
		cmocka_unit_test(dup_reorder_corrupt_leave_the_cache_right),
		cmocka_unit_test(unrecovered_gaps_mark_their_symbols_stale),
		cmocka_unit_test(gap_beyond_the_store_comes_from_a_snapshot),
		cmocka_unit_test(
			gap_beyond_the_store_without_snapshots_is_marked),
		cmocka_unit_test(two_lines_cover_each_others_losses),
		cmocka_unit_test(two_lines_and_the_server_leave_nothing_out),
		cmocka_unit_test(two_lines_on_two_ports_leave_nothing_out),
	};

	it_test_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
