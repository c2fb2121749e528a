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
 * snapshot loops (counted as a late join, no packet dropped), books ==
 * truth. A ChannelReset mid-run: books emptied and built again, ==
 * truth. A capture of the feed (net_pcap, pcap-record.ini) read back
 * by the receiver (pcap-replay.ini): books == truth books.
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
#include <unistd.h>
#include <cmocka.h>

#include "itest.h"

#define TICKS 2000000
#define SYMBOLS 1000
#define CHANNELS 4

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
	assert_true(it_json_u64(gen_json, "generator", "trades") > ticks / 20);
	assert_true(it_json_u64(gen_json, "generator", "quotes") >= ticks / 2);
	assert_int_equal(it_json_u64(rx_json, "rx", "mdp3_definitions"),
		SYMBOLS);
	/* Every packet and message well formed, none dropped (a late
	 * joiner's first packet of a channel included: it takes the
	 * feed's sequence). */
	assert_int_equal(it_json_u64(rx_json, NULL, "drops_total"), 0);
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

/*
 * tickwire in one process with profile config, 2,000,000 ticks, the
 * options more (NULL-terminated) and every file of f written; its stats
 * JSON (to free).
 */
static char *
run_one(struct it_run_files *f, const char *name, const char *config,
		const char *const *more)
{
	const char *opts[IT_MAX_ARGS];
	char log[512];
	unsigned int n = 0;
	char *s;

	it_run_files(f, name);
	snprintf(log, sizeof(log), "%s.log", it_path(name));
	opts[n++] = "--config";
	opts[n++] = config;
	while (*more != NULL)
		opts[n++] = *more++;
	{
		const char *const common[] = { "--count", "2000000",
			"--duration", "120", "--quiet",
			"--set", "generator.tx_retry_us=1000000",
			"--stats-json", f->json, "--dump-cache", f->cache,
			"--dump-truth", f->truth, "--dump-books", f->books,
			"--dump-truth-books", f->tbooks, NULL };
		unsigned int i;

		for (i = 0; common[i] != NULL; i++)
			opts[n++] = common[i];
	}
	opts[n] = NULL;
	remove(f->json);
	assert_int_equal(it_tickwire(opts, log, 240), 0);
	s = it_slurp(f->json);
	assert_non_null(s);
	return s;
}

/*
 * books == truth books; the cache == truth byte for byte (exact), or
 * in every column but the update counts (after snapshots); with full,
 * every book 10 deep on both sides.
 */
static void
assert_books_equal(const struct it_run_files *f, bool exact, bool full)
{
	if (exact)
		assert_true(it_files_equal(f->cache, f->truth));
	else
		assert_true(caches_equal_but_counts(f->cache, f->truth));
	assert_true(it_files_equal(f->books, f->tbooks));
	if (full)
		assert_books_full(f->books);
}

static void
mdp3_over_loopback_books_equal_the_truth(void **state)
{
	const char *const more[] = { MDP3, NULL };
	struct it_run_files f;
	char *s = run_one(&f, "mdp3-loop",
		TW_SRC "/drivers-config/loopback.ini", more);

	assert_mdp3_feed(s, s);
	assert_int_equal(it_json_u64(s, "rx", "mdp3_recoveries"), 0);
	assert_int_equal(it_json_u64(s, "rx", "mdp3_rptseq_jumps"), 0);
	free(s);
	assert_books_equal(&f, true, true);
}

static void
mdp3_over_memif_books_equal_the_truth(void **state)
{
	char *g, *p;
	struct it_run_files f;

	it_run_files(&f, "mdp3-memif");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-gen.ini",
		"--count", "2000000", "--rate", "1000000", "--duration", "120",
		"--quiet", "--stats-json", f.gjson, "--dump-truth", f.truth,
		"--dump-truth-books", f.tbooks, NULL };
	/* No end of session in MDP 3.0: the processor runs its time. */
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-proc.ini",
		"--duration", "12", "--quiet", "--stats-json", f.pjson,
		"--dump-cache", f.cache, "--dump-books", f.books, NULL };

	it_memif_pair("mdp3-memif", gen_opts, proc_opts, f.gjson, f.pjson, &g,
		&p);
	assert_mdp3_feed(g, p);
	assert_int_equal(it_json_u64(p, "rx", "mdp3_recoveries"), 0);
	free(g);
	free(p);
	assert_books_equal(&f, true, true);
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
	const char *const more[] = {
		"--set", "faults.loss=0.01", "--set", "faults.loss_b=0.01",
		"--set", "faults.seed=5",
		/* A line's copy comes within microseconds, unless a busy
		 * host stops the generator lcore between the two sends
		 * (ms): such a copy is late, not lost, and recovering
		 * its channel from the loop is right but not what this
		 * test counts. */
		"--set", "recovery.ab_wait_us=50000", NULL };
	struct it_run_files f;
	uint64_t both, rec;
	char *s = run_one(&f, "mdp3-ab",
		TW_SRC "/drivers-config/mdp3-loopback.ini", more);

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
	assert_books_equal(&f, false, false);
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
	char *argv[IT_MAX_ARGS], *g, *p;
	struct it_run_files f;
	pid_t gen;

	it_run_files(&f, "mdp3-late");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-gen.ini",
		"--count", "6000000", "--rate", "1000000", "--duration", "120",
		"--quiet", "--stats-json", f.gjson, "--dump-truth", f.truth,
		"--dump-truth-books", f.tbooks, NULL };
	const char *const first_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-proc.ini",
		"--duration", "2", "--quiet", NULL };
	const char *const late_opts[] = { "--config",
		TW_SRC "/drivers-config/mdp3-memif-proc.ini",
		"--duration", "15", "--quiet", "--stats-json", f.pjson,
		"--dump-cache", f.cache, "--dump-books", f.books, NULL };
	int rc;

	remove(f.gjson);
	remove(f.pjson);
	it_tickwire_argv(argv, gen_opts);
	gen = it_spawn(argv, it_path("mdp3-late-gen.log"));
	sleep(1);
	assert_int_equal(it_tickwire(first_opts,
		it_path("mdp3-late-first.log"), 60), 0);
	sleep(1);
	rc = it_tickwire(late_opts, it_path("mdp3-late-proc.log"), 120);
	assert_int_equal(it_wait(gen, 60), 0);
	assert_int_equal(rc, 0);
	it_read_pair(f.gjson, f.pjson, &g, &p);
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
	assert_books_equal(&f, false, true);
}

/*
 * A ChannelReset on every channel after 1,000,000 ticks: the books are
 * emptied on both sides and built again; nothing lost, so byte for
 * byte.
 */
static void
mdp3_channel_reset_books_rebuilt(void **state)
{
	const char *const more[] = { MDP3,
		"--set", "mdp3.reset_after=1000000", NULL };
	struct it_run_files f;
	char *s = run_one(&f, "mdp3-reset",
		TW_SRC "/drivers-config/loopback.ini", more);

	assert_mdp3_feed(s, s);
	assert_int_equal(it_json_u64(s, "rx", "mdp3_channel_resets"),
		CHANNELS);
	free(s);
	assert_books_equal(&f, true, true);
}

/* ---- a capture: pcap-record.ini's, read back by pcap-replay.ini ---- */

#define PCAP_TICKS 200000

/*
 * The capture's frames (libpcap's file format, as net_pcap writes it):
 * each an IPv4 UDP datagram to a group of the feed, the incremental
 * feed's packets of each channel numbered from 1 without a hole, the
 * snapshot and definition loops of each channel there; their count.
 */
static uint64_t
assert_capture(const char *path)
{
	uint64_t next[CHANNELS], snaps[CHANNELS] = { 0 }, defs[CHANNELS] = { 0 };
	uint64_t frames = 0;
	uint8_t hdr[24], rec[16], f[2048];
	FILE *in = fopen(path, "rb");
	unsigned int c;

	assert_non_null(in);
	assert_int_equal(fread(hdr, 1, sizeof(hdr), in), sizeof(hdr));
	assert_true(memcmp(hdr, "\xd4\xc3\xb2\xa1", 4) == 0 ||
		memcmp(hdr, "\x4d\x3c\xb2\xa1", 4) == 0);
	for (c = 0; c < CHANNELS; c++)
		next[c] = 1;
	while (fread(rec, 1, sizeof(rec), in) == sizeof(rec)) {
		uint32_t len, seq;
		uint8_t group;

		memcpy(&len, rec + 8, 4);
		assert_true(len >= 14 + 20 + 8 + 12 && len <= sizeof(f));
		assert_int_equal(fread(f, 1, len, in), len);
		/* IPv4, UDP, to 239.1.{1,3,4}.(1 + c), port 30001. */
		assert_true(f[12] == 0x08 && f[13] == 0x00 && f[23] == 17);
		assert_true(f[30] == 239 && f[31] == 1);
		assert_true(f[36] == 30001 >> 8 && f[37] == (30001 & 0xff));
		group = f[32];
		c = f[33] - 1u;
		assert_true(c < CHANNELS);
		memcpy(&seq, f + 42, 4);        /* MsgSeqNum, little-endian */
		if (group == 1) {
			if (seq != next[c])
				fail_msg("channel %u: packet %u, expected %"
					PRIu64, c, seq, next[c]);
			next[c]++;
		} else if (group == 3) {
			snaps[c]++;
		} else {
			assert_int_equal(group, 4);
			defs[c]++;
		}
		frames++;
	}
	assert_true(feof(in));
	fclose(in);
	for (c = 0; c < CHANNELS; c++)
		assert_true(next[c] > 1 && snaps[c] > 0 && defs[c] > 0);
	return frames;
}

/*
 * The feed recorded by net_pcap (pcap-record.ini: the incremental feed
 * and both loops on one port, one line), read back by tickwire's
 * receiver from the capture (pcap-replay.ini, net_pcap rx_pcap):
 * books == truth books and cache == truth, every packet accepted, no
 * gap, no late join, nothing recovered. The capture goes to the test's
 * output directory and is removed when the case passes.
 */
static void
mdp3_capture_read_back_books_equal_the_truth(void **state)
{
	char dir[512], replay[600], here[512], *text, *g, *p;
	struct it_run_files f;
	uint64_t frames;
	FILE *out;

	snprintf(dir, sizeof(dir), "%s", it_path("mdp3-pcap"));
	it_run_files(&f, "mdp3-pcap");
	const char *const rec_opts[] = { "--config",
		TW_SRC "/drivers-config/pcap-record.ini", MDP3,
		"--count", "200000", "--duration", "60", "--quiet",
		"--stats-json", "rec.json", "--dump-truth", f.truth,
		"--dump-truth-books", f.tbooks, NULL };
	/* No end of session in MDP 3.0: the reader runs its time. */
	const char *const rep_opts[] = { "--config", replay, MDP3,
		"--duration", "5", "--quiet", "--stats-json", f.json,
		"--dump-cache", f.cache, "--dump-books", f.books, NULL };

	assert_non_null(getcwd(here, sizeof(here)));
	snprintf(replay, sizeof(replay), "%s/replay.ini", dir);
	{
		char cmd[1200];

		snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", dir,
			dir);
		assert_int_equal(system(cmd), 0);
	}
	/* pcap-record.ini writes the capture where tickwire runs;
	 * pcap-replay.ini reads it beside the profile. */
	assert_int_equal(chdir(dir), 0);
	text = it_slurp(TW_SRC "/drivers-config/pcap-replay.ini");
	assert_non_null(text);
	out = fopen(replay, "w");
	assert_non_null(out);
	fputs(text, out);
	assert_int_equal(fclose(out), 0);
	free(text);
	assert_int_equal(it_tickwire(rec_opts, "rec.log", 120), 0);
	g = it_slurp("rec.json");
	assert_non_null(g);
	frames = assert_capture("tickwire-feed.pcap");
	assert_int_equal(frames, it_json_u64(g, "generator", "packets"));
	assert_int_equal(it_tickwire(rep_opts, "rep.log", 120), 0);
	p = it_slurp(f.json);
	assert_non_null(p);
	assert_mdp3_feed_of(g, p, PCAP_TICKS, false);
	assert_int_equal(it_json_u64(p, "rx", "packets"), frames);
	assert_int_equal(it_json_u64(p, NULL, "gaps"), 0);
	assert_int_equal(it_json_u64(p, NULL, "late_joins"), 0);
	assert_int_equal(it_json_u64(p, "rx", "mdp3_recoveries"), 0);
	free(g);
	free(p);
	assert_books_equal(&f, true, true);
	assert_int_equal(remove("tickwire-feed.pcap"), 0);
	assert_int_equal(chdir(here), 0);
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
		cmocka_unit_test(mdp3_capture_read_back_books_equal_the_truth),
	};

	it_test_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
