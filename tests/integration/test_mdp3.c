/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0 end to end, the real binary over real vdevs: tickwire's
 * futures market (2,000,000 ticks, each one to three messages) over
 * net_ring (one process) and memif (two), into the RX lcores' MBP books
 * and the cache: books == the generator's truth books and cache ==
 * truth, byte for byte, nothing refused. Two lines with 1 % loss each,
 * independent: what one line lost the other brings, and the packets
 * lost on both are recovered from the snapshot loop (counted), books
 * == truth. A processor started late joins from the definition and
 * snapshot loops (counted as a late join), books == truth. A
 * ChannelReset mid-run: books emptied and built again, == truth.
 * After a recovery from a snapshot the cache's update counts and last
 * sequence are the snapshot's, not every update's: there the cache is
 * compared in every other column.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itest.h"

#define TICKS 2000000
#define SYMBOLS 1000
#define CHANNELS 4

#define PATH_INTO(buf, name) \
	snprintf(buf, sizeof(buf), "%s", it_path(name))

#define MDP3 "--set", "feed.protocol=mdp3", "--set", "feed.transport=mdp3"

static const char *const refusals[] = {
	"mdp3_bad_level", "mdp3_empty_level", "mdp3_level_hole",
	"mdp3_bad_action", "mdp3_bad_field", "mdp3_price_changed",
	"mdp3_out_of_order", "mdp3_unknown_instrument",
	"mdp3_foreign_instrument", "mdp3_definitions_outside",
	"mdp3_definitions_refused", "mdp3_snapshots_refused",
	"unknown_messages",
};

/* The generator sent its ticks, its truth took every message it
 * sent, the receiver refused nothing and knows every instrument (a
 * late joiner, or one that lost definitions on both lines, skips,
 * counted, what names one it has no definition of yet). */
static void
assert_mdp3_feed_of(const char *gen_json, const char *rx_json,
		uint64_t ticks, bool late)
{
	unsigned int i;

	assert_int_equal(it_json_u64(gen_json, "generator", "ticks"), ticks);
	assert_int_equal(it_json_u64(gen_json, "generator", "directories"),
		SYMBOLS);
	assert_int_equal(it_json_u64(gen_json, "generator", "truth_refused"),
		0);
	/* Sweeps print trade summaries: a share of the ticks. */
	assert_true(it_json_u64(gen_json, "generator", "trades") > TICKS / 20);
	assert_true(it_json_u64(gen_json, "generator", "quotes") >= TICKS / 2);
	assert_int_equal(it_json_u64(rx_json, "rx", "mdp3_definitions"),
		SYMBOLS);
	/* Every packet and message well formed, none dropped; a late
	 * joiner's first packet of a channel is far ahead of sequence 1
	 * (dropped, counted, as the receiver does today: at most one a
	 * channel). */
	if (late) {
		uint64_t far = it_json_u64(rx_json, "drops", "seq_far_ahead");

		assert_true(far <= CHANNELS);
		assert_int_equal(it_json_u64(rx_json, NULL, "drops_total"),
			far);
	} else {
		assert_int_equal(it_json_u64(rx_json, NULL, "drops_total"), 0);
	}
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		uint64_t n = it_json_u64(rx_json, "rx", refusals[i]);

		if (late && strcmp(refusals[i], "mdp3_unknown_instrument") == 0)
			continue;
		if (n != 0)
			fprintf(stderr, "%s: %" PRIu64 "\n", refusals[i], n);
		assert_int_equal(n, 0);
	}
}

static void
assert_mdp3_feed(const char *gen_json, const char *rx_json)
{
	assert_mdp3_feed_of(gen_json, rx_json, TICKS, false);
}

/*
 * Two cache dumps equal in every column but updates and last_seq (a
 * snapshot lays a book down in one write, at its own sequence).
 */
static bool
caches_equal_but_counts(const char *a, const char *b)
{
	char cmd[1400];

	snprintf(cmd, sizeof(cmd), "cmp -s <(cut -d, -f1-10,13 %s) "
		"<(cut -d, -f1-10,13 %s)", a, b);
	/* system() runs sh: process substitution needs bash. */
	{
		char full[1500];

		snprintf(full, sizeof(full), "bash -c '%s'", cmd);
		return system(full) == 0;
	}
}

/* Every instrument has a book on both sides. */
static void
assert_books_full(const char *books)
{
	FILE *f = fopen(books, "r");
	char line[512];
	unsigned int rows = 0, full = 0;

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned int bl = 0, al = 0;

		rows++;
		if (sscanf(strchr(strchr(line, ',') + 1, ',') + 1, "%u,%u",
				&bl, &al) == 2 && bl == 10 && al == 10)
			full++;
	}
	fclose(f);
	assert_int_equal(rows, SYMBOLS);
	assert_int_equal(full, SYMBOLS);
}

static void
mdp3_over_loopback_books_equal_the_truth(void **state)
{
	char json[512], cache[512], truth[512], books[512], tbooks[512];
	char *s;

	PATH_INTO(json, "mdp3-loop.json");
	PATH_INTO(cache, "mdp3-loop.cache.csv");
	PATH_INTO(truth, "mdp3-loop.truth.csv");
	PATH_INTO(books, "mdp3-loop.books.csv");
	PATH_INTO(tbooks, "mdp3-loop.truth-books.csv");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", MDP3,
		"--count", "2000000", "--duration", "120", "--quiet",
		"--set", "generator.tx_retry_us=1000000",
		"--stats-json", json, "--dump-cache", cache, "--dump-truth",
		truth, "--dump-books", books, "--dump-truth-books", tbooks,
		NULL };

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("mdp3-loop.log"), 240), 0);
	s = it_slurp(json);
	assert_non_null(s);
	assert_mdp3_feed(s, s);
	assert_int_equal(it_json_u64(s, "rx", "mdp3_recoveries"), 0);
	assert_int_equal(it_json_u64(s, "rx", "mdp3_rptseq_jumps"), 0);
	free(s);
	assert_true(it_files_equal(cache, truth));
	assert_true(it_files_equal(books, tbooks));
	assert_books_full(books);
}

static void
mdp3_over_memif_books_equal_the_truth(void **state)
{
	char gjson[512], pjson[512], cache[512], truth[512], books[512];
	char tbooks[512], *g, *p;

	PATH_INTO(gjson, "mdp3-memif-gen.json");
	PATH_INTO(pjson, "mdp3-memif-proc.json");
	PATH_INTO(cache, "mdp3-memif.cache.csv");
	PATH_INTO(truth, "mdp3-memif.truth.csv");
	PATH_INTO(books, "mdp3-memif.books.csv");
	PATH_INTO(tbooks, "mdp3-memif.truth-books.csv");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-gen.ini",
		"--count", "2000000", "--rate", "1000000", "--duration", "120",
		"--quiet", "--stats-json", gjson, "--dump-truth", truth,
		"--dump-truth-books", tbooks, NULL };
	/* No end of session in MDP 3.0: the processor runs its time. */
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-proc.ini",
		"--duration", "12", "--quiet", "--stats-json", pjson,
		"--dump-cache", cache, "--dump-books", books, NULL };

	it_memif_pair("mdp3-memif", gen_opts, proc_opts, gjson, pjson, &g, &p);
	assert_mdp3_feed(g, p);
	assert_int_equal(it_json_u64(p, "rx", "mdp3_recoveries"), 0);
	free(g);
	free(p);
	assert_true(it_files_equal(cache, truth));
	assert_true(it_files_equal(books, tbooks));
	assert_books_full(books);
}

/*
 * Lines A and B, 1 % of each line's packets lost, independently: a
 * packet lost on one line comes on the other; the few lost on both are
 * gaps, their channel's instruments stale until the snapshot loop
 * brings them back (counted: as many recoveries as such gaps at most).
 */
static void
mdp3_two_lines_loss_recovered_from_the_loop(void **state)
{
	char json[512], cache[512], truth[512], books[512], tbooks[512];
	uint64_t both, rec;
	char *s;

	PATH_INTO(json, "mdp3-ab.json");
	PATH_INTO(cache, "mdp3-ab.cache.csv");
	PATH_INTO(truth, "mdp3-ab.truth.csv");
	PATH_INTO(books, "mdp3-ab.books.csv");
	PATH_INTO(tbooks, "mdp3-ab.truth-books.csv");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-loopback.ini",
		"--count", "2000000", "--duration", "120", "--quiet",
		"--set", "generator.tx_retry_us=1000000",
		"--set", "faults.loss=0.01", "--set", "faults.loss_b=0.01",
		"--set", "faults.seed=5",
		"--stats-json", json, "--dump-cache", cache, "--dump-truth",
		truth, "--dump-books", books, "--dump-truth-books", tbooks,
		NULL };

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("mdp3-ab.log"), 240), 0);
	s = it_slurp(json);
	assert_non_null(s);
	/* A packet lost on both lines at the open may hold definitions:
	 * their instruments' updates are skipped (counted) until the
	 * definition loop names them. */
	assert_mdp3_feed_of(s, s, TICKS, true);
	both = it_json_u64(s, "generator", "faults_lost_both");
	rec = it_json_u64(s, "rx", "mdp3_recoveries");
	fprintf(stderr, "lost on A %" PRIu64 ", on B %" PRIu64 ", on both %"
		PRIu64 "; recoveries %" PRIu64 ", instruments recovered %"
		PRIu64 "\n", it_json_u64(s, "generator", "faults_lost"),
		it_json_u64(s, "generator", "faults_lost_b"), both, rec,
		it_json_u64(s, "rx", "mdp3_instruments_recovered"));
	assert_true(both > 0);
	assert_true(rec > 0 && rec <= both);
	assert_true(it_json_u64(s, "rx", "mdp3_instruments_recovered") > 0);
	free(s);
	assert_true(caches_equal_but_counts(cache, truth));
	assert_true(it_files_equal(books, tbooks));
}

/*
 * A processor started while the feed runs: its first packets are past
 * the channels' start (a late join, counted), every instrument is stale
 * until the definition loop names it and the snapshot loop brings its
 * book; then the incremental feed applies. The generator's memif
 * server is kept busy by a first processor that leaves after 2 s; the
 * second connects a second later.
 */
static void
mdp3_late_join_from_the_loops(void **state)
{
	char gjson[512], pjson[512], cache[512], truth[512], books[512];
	char tbooks[512], *argv[IT_MAX_ARGS], *g, *p;
	pid_t gen;

	PATH_INTO(gjson, "mdp3-late-gen.json");
	PATH_INTO(pjson, "mdp3-late-proc.json");
	PATH_INTO(cache, "mdp3-late.cache.csv");
	PATH_INTO(truth, "mdp3-late.truth.csv");
	PATH_INTO(books, "mdp3-late.books.csv");
	PATH_INTO(tbooks, "mdp3-late.truth-books.csv");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-gen.ini",
		"--count", "6000000", "--rate", "1000000", "--duration", "120",
		"--quiet", "--stats-json", gjson, "--dump-truth", truth,
		"--dump-truth-books", tbooks, NULL };
	const char *const first_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-proc.ini",
		"--duration", "2", "--quiet", NULL };
	const char *const late_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-proc.ini",
		"--duration", "15", "--quiet", "--stats-json", pjson,
		"--dump-cache", cache, "--dump-books", books, NULL };
	int rc;

	remove(gjson);
	remove(pjson);
	it_tickwire_argv(argv, gen_opts);
	gen = it_spawn(argv, it_path("mdp3-late-gen.log"));
	sleep(1);
	assert_int_equal(it_tickwire(first_opts,
		it_path("mdp3-late-first.log"), 60), 0);
	sleep(1);
	rc = it_tickwire(late_opts, it_path("mdp3-late-proc.log"), 120);
	assert_int_equal(it_wait(gen, 60), 0);
	assert_int_equal(rc, 0);
	it_read_pair(gjson, pjson, &g, &p);
	assert_mdp3_feed_of(g, p, 6000000, true);
	fprintf(stderr, "late joins %" PRIu64 ", instruments recovered %"
		PRIu64 ", updates of unknown instruments skipped %" PRIu64
		"\n", it_json_u64(p, NULL, "late_joins"),
		it_json_u64(p, "rx", "mdp3_instruments_recovered"),
		it_json_u64(p, "rx", "mdp3_unknown_instrument"));
	assert_true(it_json_u64(p, NULL, "late_joins") >= CHANNELS);
	assert_true(it_json_u64(p, "rx", "mdp3_instruments_recovered") >=
		SYMBOLS);
	free(g);
	free(p);
	assert_true(caches_equal_but_counts(cache, truth));
	assert_true(it_files_equal(books, tbooks));
	assert_books_full(books);
}

/*
 * A ChannelReset on every channel after 1,000,000 ticks: the books are
 * emptied on both sides and built again; nothing lost, so byte for
 * byte.
 */
static void
mdp3_channel_reset_books_rebuilt(void **state)
{
	char json[512], cache[512], truth[512], books[512], tbooks[512];
	char *s;

	PATH_INTO(json, "mdp3-reset.json");
	PATH_INTO(cache, "mdp3-reset.cache.csv");
	PATH_INTO(truth, "mdp3-reset.truth.csv");
	PATH_INTO(books, "mdp3-reset.books.csv");
	PATH_INTO(tbooks, "mdp3-reset.truth-books.csv");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", MDP3,
		"--count", "2000000", "--duration", "120", "--quiet",
		"--set", "generator.tx_retry_us=1000000",
		"--set", "mdp3.reset_after=1000000",
		"--stats-json", json, "--dump-cache", cache, "--dump-truth",
		truth, "--dump-books", books, "--dump-truth-books", tbooks,
		NULL };

	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("mdp3-reset.log"), 240), 0);
	s = it_slurp(json);
	assert_non_null(s);
	assert_mdp3_feed(s, s);
	assert_int_equal(it_json_u64(s, "rx", "mdp3_channel_resets"),
		CHANNELS);
	free(s);
	assert_true(it_files_equal(cache, truth));
	assert_true(it_files_equal(books, tbooks));
	assert_books_full(books);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mdp3_over_loopback_books_equal_the_truth),
		cmocka_unit_test(mdp3_over_memif_books_equal_the_truth),
		cmocka_unit_test(mdp3_two_lines_loss_recovered_from_the_loop),
		cmocka_unit_test(mdp3_late_join_from_the_loops),
		cmocka_unit_test(mdp3_channel_reset_books_rebuilt),
	};

	it_test_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
