/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ITCH 5.0 end to end, the real binaries over real vdevs: 2,000,000
 * ticks of tickwire's order-level market over net_ring (one process)
 * and over memif (two), decoded into the RX lcores' books: the cache
 * equals the generator's truth byte for byte, every book's digest
 * equals the truth's, and nothing is refused. The day file the
 * generator wrote (--itch-out), decoded by tickwire-itch plain and
 * gzipped, gives the same books and tops of book; sent again over
 * net_ring ([generator] itch_file), as fast as the port takes it, the
 * same cache byte for byte and the same books, from one generator lcore
 * and from two; and at its own timing slowed down, it takes its time.
 * Two generator lcores run the model too (each its own channels'
 * stocks), over net_ring and over memif: the cache equals their truth,
 * every book theirs.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "itest.h"
#include "tw_itch_check.h"

#define TICKS 2000000
#define SYMBOLS 1000
#define CHANNELS 4
/* 'O' 'S' and the MWCB levels 'V' at 04:00, 'Q' at 09:30, 'M' at 16:00,
 * 'E' 'C' each channel; a day file holds them once (a replay sends them
 * on every channel again). */
#define EVENTS (7 * CHANNELS)
#define FILE_EVENTS 7

/* buf (an array) gets the output directory's path of name. */
#define PATH_INTO(buf, name) \
	snprintf(buf, sizeof(buf), "%s", it_path(name))

static const char *const refusals[] = {
	"book_unknown_order", "book_too_many_shares", "book_duplicate_ref",
	"book_no_directory", "book_store_full", "book_levels_full",
	"book_wrong_locate", "book_bad_field", "unknown_messages",
};

/*
 * The generator sent it all, the receiver applied it all, no refusal.
 * A tick is one stock message: the book's (A F D X U E C P Q) or the
 * day's others (I H Y L J h), which the receiver counts with the System
 * Events. Latency from the timestamps when they are the send time
 * ([itch] timestamps = send; the session clock's are not).
 */
static void
assert_itch_feed(const char *gen_json, const char *rx_json, bool send_ts)
{
	unsigned int i;

	assert_int_equal(it_json_u64(gen_json, "generator", "ticks"), TICKS);
	assert_int_equal(it_json_u64(gen_json, "generator", "directories"),
		SYMBOLS);
	assert_int_equal(it_json_u64(gen_json, "generator", "session_events"),
		EVENTS);
	assert_int_equal(it_json_u64(gen_json, "generator", "tx_dropped"), 0);
	assert_int_equal(it_json_u64(gen_json, "generator", "truth_refused"),
		0);
	assert_int_equal(it_json_u64(rx_json, "rx", "messages"),
		TICKS + SYMBOLS + EVENTS);
	assert_int_equal(it_json_u64(rx_json, "rx", "book_messages") +
		it_json_u64(rx_json, "rx", "other_messages"), TICKS + EVENTS);
	assert_true(it_json_u64(rx_json, "rx", "book_messages") > TICKS / 2);
	assert_int_equal(it_json_u64(rx_json, "rx", "directories"), SYMBOLS);
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		assert_int_equal(it_json_u64(rx_json, "rx", refusals[i]), 0);
	assert_int_equal(it_json_u64(rx_json, NULL, "drops_total"), 0);
	assert_int_equal(it_json_u64(rx_json, NULL, "gaps"), 0);
	assert_int_equal(it_json_u64(rx_json, NULL, "channels_ended"),
		CHANNELS);
	/* Latency from the ITCH timestamps: one sample per packet; from
	 * the session clock's, none (never a wrong one), each counted. */
	if (send_ts) {
		assert_true(it_json_u64(rx_json, "rx", "latency_samples") > 0);
		assert_int_equal(it_json_u64(rx_json, "rx",
			"latency_not_send_time"), 0);
	} else {
		assert_int_equal(it_json_u64(rx_json, "rx", "latency_samples"),
			0);
		assert_true(it_json_u64(rx_json, "rx",
			"latency_not_send_time") > 0);
	}
}

/*
 * A books CSV with SYMBOLS rows, most of them with orders resting (the
 * runs that check it keep the day orders: itch.close_cancel_pct=0, else
 * the close's cancels empty the books by 20:00 as a NASDAQ day's do).
 */
static void
assert_books_live(const char *path)
{
	char *s = it_slurp(path), *line;
	unsigned int rows = 0, empty = 0;

	assert_non_null(s);
	for (line = strchr(s, '\n'); line != NULL && line[1] != '\0';
	     line = strchr(line + 1, '\n')) {
		rows++;
		empty += strncmp(strchr(line + 1, '\n') - 16,
			"0000000000000000", 16) == 0;
	}
	free(s);
	assert_int_equal(rows, SYMBOLS);
	assert_true(empty < SYMBOLS / 10);
}

/* The first n comma-separated columns of every line of a file. */
static char *
columns(const char *path, unsigned int n)
{
	char *s = it_slurp(path), *out, *o;
	const char *p;
	unsigned int col = 0;

	if (s == NULL)
		return NULL;
	out = o = malloc(strlen(s) + 1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\n')
			col = 0;
		else if (*p == ',' && ++col >= n)
			continue;
		if (col < n || *p == '\n')
			*o++ = *p;
	}
	*o = '\0';
	free(s);
	return out;
}

/* The offline decoder's books' own counts of the last day it read:
 * levels kept out of the ladders, ladders grown. */
static uint64_t offline_ovf, offline_grown;

/* tickwire-itch on a day file: the truth's books, the truth's tops. */
static void
offline_gives_the_truth(const char *day, const char *truth,
		const char *truth_books, const char *tag)
{
	char books[512], cache[512], json[512], log[64], *a, *b, *j;
	char *argv[16];
	int n = 0;

	PATH_INTO(books, "itch-offline.books");
	PATH_INTO(cache, "itch-offline.cache");
	PATH_INTO(json, "itch-offline.json");
	snprintf(log, sizeof(log), "itch-offline-%s.log", tag);
	argv[n++] = (char *)TW_ITCH_TOOL;
	argv[n++] = (char *)day;
	argv[n++] = (char *)"--symbols";
	argv[n++] = (char *)"1000";
	argv[n++] = (char *)"--dump-books";
	argv[n++] = books;
	argv[n++] = (char *)"--dump-cache";
	argv[n++] = cache;
	argv[n++] = (char *)"--json";
	argv[n++] = json;
	argv[n] = NULL;
	assert_int_equal(it_run(argv, it_path(log), 120), 0);
	assert_true(it_files_equal(books, truth_books));
	/* The tops and update counts; last_seq counts the file's
	 * messages, not each channel's MoldUDP64 sequence. */
	a = columns(cache, 11);
	b = columns(truth, 11);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
	j = it_slurp(json);
	assert_non_null(j);
	assert_int_equal(it_json_u64(j, NULL, "messages"),
		TICKS + SYMBOLS + FILE_EVENTS);
	assert_int_equal(it_json_u64(j, NULL, "book_messages") +
		it_json_u64(j, NULL, "other_messages"), TICKS + FILE_EVENTS);
	assert_int_equal(it_json_u64(j, NULL, "wrong_length"), 0);
	assert_int_equal(it_json_u64(j, "refused", "unknown_order"), 0);
	offline_ovf = it_json_u64(j, NULL, "levels_overflow");
	offline_grown = it_json_u64(j, NULL, "ladders_grown");
	assert_true(offline_ovf != UINT64_MAX);
	/* The day's wider books outgrew their first ladders. */
	assert_true(offline_grown > 0 && offline_grown != UINT64_MAX);
	free(j);
}

/*
 * loopback.ini with two generator lcores (channels c % 2 on TX queue
 * c % 2) and two RX lcores (RX queue i), four pollers on the two cores.
 */
#define TWO_LCORES \
	"--set", "eal.args=--lcores=0@(0,1),1@0,2@1,3@1,4@0 --no-pci " \
	"--vdev=net_ring0 --file-prefix=tickwire", "--set", \
	"generator.lcores=1,4", "--set", "generator.queues=2", "--set", \
	"rx.lcores=2,3", "--set", "rx.queues=2"

/*
 * The day file sent again by tickwire (from two generator lcores with
 * two): the same cache, the same books.
 */
static void
replay_gives_the_truth(const char *day, const char *truth,
		const char *truth_books, bool two)
{
	char set[600], json[512], cache[512], books[512], log[64], *s;

	snprintf(set, sizeof(set), "generator.itch_file=%s", day);
	PATH_INTO(json, "itch-replay.json");
	PATH_INTO(cache, "itch-replay.cache.csv");
	PATH_INTO(books, "itch-replay.books.csv");
	snprintf(log, sizeof(log), "itch-replay%s.log", two ? "-two" : "");
	const char *const one_opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=itch50", "--set", set, "--duration", "120",
		"--quiet", "--set", "generator.tx_retry_us=1000000",
		"--stats-json", json, "--dump-cache", cache, "--dump-books",
		books, NULL };
	const char *const two_opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=itch50", "--set", set, "--duration", "120",
		"--quiet", "--set", "generator.tx_retry_us=1000000",
		TWO_LCORES, "--stats-json", json, "--dump-cache", cache,
		"--dump-books", books, NULL };

	remove(json);
	assert_int_equal(it_tickwire(two ? two_opts : one_opts, it_path(log),
		240), 0);
	if (two) {
		s = it_slurp(it_path(log));
		assert_non_null(s);
		assert_non_null(strstr(s, "lcore 1 sends channels 0,2"));
		assert_non_null(strstr(s, "lcore 4 sends channels 1,3"));
		free(s);
	}
	s = it_slurp(json);
	assert_non_null(s);
	/* Every message of the file, System Events on every channel. */
	assert_int_equal(it_json_u64(s, "rx", "messages"),
		TICKS + SYMBOLS + EVENTS);
	assert_int_equal(it_json_u64(s, "rx", "book_messages") +
		it_json_u64(s, "rx", "other_messages"), TICKS + EVENTS);
	assert_int_equal(it_json_u64(s, NULL, "drops_total"), 0);
	assert_int_equal(it_json_u64(s, "generator", "truth_refused"), 0);
	/* And the sender counted them by kind as it sent them. */
	assert_int_equal(it_json_u64(s, "generator", "ticks"), TICKS);
	assert_int_equal(it_json_u64(s, "generator", "directories"), SYMBOLS);
	assert_int_equal(it_json_u64(s, "generator", "session_events"),
		EVENTS);
	assert_int_equal(it_json_u64(s, "generator", "other_messages"), 0);
	/* The RX lcores' books (each symbol in one) counted what the
	 * offline decoder's did on the same file, summed over them. */
	fprintf(stderr, "levels kept out of the ladders %" PRIu64 ", "
		"ladders grown %" PRIu64 " (offline %" PRIu64 ", %" PRIu64
		")\n", it_json_u64(s, "rx", "book_levels_overflow"),
		it_json_u64(s, "rx", "book_ladders_grown"), offline_ovf,
		offline_grown);
	assert_int_equal(it_json_u64(s, "rx", "book_levels_overflow"),
		offline_ovf);
	assert_int_equal(it_json_u64(s, "rx", "book_ladders_grown"),
		offline_grown);
	free(s);
	assert_true(it_files_equal(cache, truth));
	assert_true(it_files_equal(books, truth_books));
}

/*
 * A short day file at its own timing, slowed down four times, takes
 * about four times its span to send (the clock behind the timing).
 */
static void
itch_file_at_its_own_timing(void **state)
{
	char day[512], set[600], log[512], *s, *p;
	double span, elapsed;

	PATH_INTO(day, "itch-timed.itch");
	snprintf(set, sizeof(set), "generator.itch_file=%s", day);
	PATH_INTO(log, "itch-timed-2.log");
	const char *const make[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=itch50", "--count", "40000", "--rate", "200000",
		"--set", "itch.timestamps=send", "--duration", "60", "--quiet",
		"--itch-out", day, NULL };
	const char *const send[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=itch50", "--set", set, "--set",
		"generator.itch_speed=0.25", "--duration", "60", "--quiet",
		"--stats-json", it_path("itch-timed.json"), NULL };

	assert_int_equal(it_tickwire(make, it_path("itch-timed-1.log"), 120),
		0);
	assert_int_equal(it_tickwire(send, log, 120), 0);
	s = it_slurp(log);
	assert_non_null(s);
	p = strstr(s, " s of its time)");
	assert_non_null(p);
	while (p > s && p[-1] != '(')
		p--;
	span = strtod(p, NULL);
	free(s);
	s = it_slurp(it_path("itch-timed.json"));
	assert_non_null(s);
	p = strstr(s, "\"elapsed_s\": ");
	assert_non_null(p);
	elapsed = strtod(p + strlen("\"elapsed_s\": "), NULL);
	/* The day file's loop recorded its own gaps while it sent. */
	assert_true(it_gen_noise_elapsed_ns(s) >= 2 * span * 1e9);
	free(s);
	print_message("a day of %.3f s sent at speed 0.25 in %.3f s\n", span,
		elapsed);
	/* 40,000 ticks at 200,000 a second: a 0.2 s day, 0.8 s to send. */
	assert_true(span > 0.15 && span < 0.3);
	assert_true(elapsed >= 4 * span * 0.95);
	remove(day);
}

static uint64_t
be(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

/*
 * The day file through the tests' independent checker
 * (tests/common/tw_itch_check.h, the specification's offsets): executions
 * at a price level take its oldest order first (time priority), hidden
 * trades (P) print at or inside the displayed spread, C strictly inside
 * it, no book crossed or locked, timestamps rising per channel, and the
 * NASDAQ day: the session clock from 04:00 to 20:00, Q at 09:30 and M
 * at 16:00, cross trades and NOII only around the crosses, nothing
 * traded in a halt.
 */
static void
assert_time_priority(const char *day)
{
	static struct twc k;
	char *d;
	size_t len;
	FILE *f = fopen(day, "rb");

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = (size_t)ftell(f);
	rewind(f);
	d = malloc(len);
	assert_non_null(d);
	assert_int_equal(fread(d, 1, len, f), len);
	fclose(f);
	assert_true(twc_init(&k, CHANNELS));
	assert_int_equal(twc_day(&k, (const uint8_t *)d, len), len);
	free(d);
	assert_int_equal(k.n.exec_not_oldest_at_best, 0);
	assert_int_equal(k.n.p_outside_spread, 0);
	assert_int_equal(k.n.c_not_strictly_inside, 0);
	assert_int_equal(k.n.crossed + k.n.locked, 0);
	assert_int_equal(k.n.unknown_ref, 0);
	assert_int_equal(k.n.ts_backwards + k.n.ts_repeated, 0);
	assert_int_equal(k.n.start_out_of_order, 0);
	assert_int_equal(k.n.before_start + k.n.after_end, 0);
	assert_int_equal(k.n.cross_open_outside + k.n.cross_close_outside +
		k.n.cross_halt_not_halted + k.n.noii_outside, 0);
	assert_int_equal(k.n.exec_halted + k.n.sub_penny_over_dollar, 0);
	assert_int_equal(k.q_ts, TWC_HMS(9, 30, 0));
	assert_int_equal(k.m_ts, TWC_HMS(16, 0, 0));
	fprintf(stderr, "executions in time priority: %" PRIu64 "; hidden "
		"trades in the spread: %" PRIu64 "; A %.2f %% D %.2f %% I "
		"%.2f %%\n", k.n.execs, k.n.p, twc_pct(&k, 'A'),
		twc_pct(&k, 'D'), twc_pct(&k, 'I'));
	assert_true(k.n.execs > 1000 && k.n.p > 1000);
	twc_fini(&k);
}

/*
 * Every Order Executed With Price (C) of the day file at a price other
 * than its order's display price, as the specification sends it, and
 * printable (the crosses print in bulk in their Q; the specification
 * marks a cross's executions not printable); every Stock Directory (R)
 * before the Start of Market Hours (System Event Q). Offsets from the specification:
 * A/F reference @11 price @32; U new reference @19 price @31; C
 * reference @11 printable @31 price @32; S event code @11.
 */
static void
assert_day_file_is_spec_exact(const char *day)
{
	enum { SLOTS = 1 << 22 };
	uint64_t *ref = calloc(SLOTS, sizeof(*ref));
	uint32_t *px = calloc(SLOTS, sizeof(*px));
	unsigned int c = 0, printable = 0, quiet = 0;
	bool market_open = false;
	uint8_t m[256];
	FILE *f = fopen(day, "rb");

	assert_non_null(f);
	assert_non_null(ref);
	assert_non_null(px);
	for (;;) {
		uint8_t len[2];
		uint64_t r;
		size_t k;

		if (fread(len, 1, 2, f) != 2)
			break;
		assert_true(be(len, 2) <= sizeof(m));
		assert_int_equal(fread(m, 1, be(len, 2), f), be(len, 2));
		switch (m[0]) {
		case 'A': case 'F': case 'U':
			r = be(m + (m[0] == 'U' ? 19 : 11), 8);
			/* Linear probing over the reference: unique ones. */
			for (k = r % SLOTS; ref[k] != 0 && ref[k] != r;
			     k = (k + 1) % SLOTS)
				;
			ref[k] = r;
			px[k] = (uint32_t)be(m + (m[0] == 'U' ? 31 : 32), 4);
			break;
		case 'R':
			/* Every directory before the market opens. */
			assert_false(market_open);
			break;
		case 'S':
			market_open |= m[11] == 'Q';
			break;
		case 'C':
			r = be(m + 11, 8);
			for (k = r % SLOTS; ref[k] != 0 && ref[k] != r;
			     k = (k + 1) % SLOTS)
				;
			assert_int_equal(ref[k], r);
			assert_int_not_equal(be(m + 32, 4), px[k]);
			printable += m[31] == 'Y';
			quiet += m[31] == 'N';
			assert_true(m[31] == 'Y' || m[31] == 'N');
			c++;
			break;
		default:
			break;
		}
	}
	fclose(f);
	free(ref);
	free(px);
	fprintf(stderr, "C messages: %u (%u printable, %u not)\n", c,
		printable, quiet);
	assert_true(c > 100 && printable == c && quiet == 0);
}

static void
itch_over_loopback_books_equal_the_truth(void **state)
{
	struct it_run_files f;
	char gz[600], cmd[1300];

	it_run_files(&f, "itch-loop");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=itch50", "--count", "2000000", "--duration",
		"120", "--quiet", "--set", "generator.tx_retry_us=1000000",
		"--set", "itch.close_cancel_pct=0",
		"--stats-json", f.json, "--dump-cache", f.cache, "--dump-truth",
		f.truth, "--dump-books", f.books, "--dump-truth-books", f.tbooks,
		"--itch-out", f.day, NULL };
	char *s;

	remove(f.json);
	assert_int_equal(it_tickwire(opts, it_path("itch-loop.log"), 240), 0);
	s = it_slurp(f.json);
	assert_non_null(s);
	assert_itch_feed(s, s, false);
	free(s);
	assert_true(it_files_equal(f.cache, f.truth));
	assert_true(it_files_equal(f.books, f.tbooks));
	assert_books_live(f.books);

	assert_day_file_is_spec_exact(f.day);
	assert_time_priority(f.day);
	/* The day file, plain and gzipped, through the offline decoder. */
	offline_gives_the_truth(f.day, f.truth, f.tbooks, "plain");
	replay_gives_the_truth(f.day, f.truth, f.tbooks, false);
	replay_gives_the_truth(f.day, f.truth, f.tbooks, true);
	snprintf(gz, sizeof(gz), "%s.gz", f.day);
	remove(gz);
	snprintf(cmd, sizeof(cmd), "gzip -k -1 %s", f.day);
	assert_int_equal(system(cmd), 0);
	offline_gives_the_truth(gz, f.truth, f.tbooks, "gzip");
	remove(gz);
	remove(f.day);
}

static void
itch_over_memif_books_equal_the_truth(void **state)
{
	struct it_run_files f;

	it_run_files(&f, "itch-memif");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--set",
		"feed.protocol=itch50", "--set", "recovery.store_messages=0",
		"--set", "itch.timestamps=send", "--set",
		"itch.close_cancel_pct=0",
		"--count", "2000000", "--rate", "1000000", "--duration", "120",
		"--quiet", "--stats-json", f.gjson, "--dump-truth", f.truth,
		"--dump-truth-books", f.tbooks, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--set",
		"feed.protocol=itch50", "--set", "recovery.rerequest=false",
		/* The receiver takes latency from the stamps only when its
		 * profile says they are send times too. */
		"--set", "itch.timestamps=send",
		"--duration", "120", "--quiet", "--stats-json", f.pjson,
		"--dump-cache", f.cache, "--dump-books", f.books, NULL };
	char *g, *p;

	it_memif_pair("itch-memif", gen_opts, proc_opts, f.gjson, f.pjson, &g,
		&p);
	assert_itch_feed(g, p, true);
	free(g);
	free(p);
	assert_true(it_files_equal(f.cache, f.truth));
	assert_true(it_files_equal(f.books, f.tbooks));
	assert_books_live(f.books);
}

/*
 * The model on two generator lcores, each over its own channels'
 * stocks with its own truth (the truth's books each from its owner's),
 * two RX lcores: the cache equals the truth, every book its truth's,
 * nothing refused, each channel's System Events once. A day file is
 * one lcore's: asked of two, the run is refused, naming the key, and
 * leaves no file.
 */
static void
itch_two_generator_lcores_books_equal_the_truth(void **state)
{
	struct it_run_files f;
	char *s;

	it_run_files(&f, "itch-two");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=itch50", "--count", "2000000", "--rate", "0",
		"--duration", "120", "--quiet", "--set",
		"generator.tx_retry_us=1000000", "--set",
		"itch.close_cancel_pct=0", TWO_LCORES,
		"--stats-json", f.json, "--dump-cache", f.cache, "--dump-truth",
		f.truth, "--dump-books", f.books, "--dump-truth-books", f.tbooks,
		NULL };
	const char *const out[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=itch50", "--count", "1000", "--duration", "60",
		"--quiet", TWO_LCORES, "--itch-out", f.day, NULL };

	remove(f.json);
	assert_int_equal(it_tickwire(opts, it_path("itch-two.log"), 240), 0);
	s = it_slurp(f.json);
	assert_non_null(s);
	assert_itch_feed(s, s, false);
	assert_int_equal(it_json_u64(s, "drops", "not_owner"), 0);
	free(s);
	s = it_slurp(it_path("itch-two.log"));
	assert_non_null(s);
	assert_non_null(strstr(s, "lcore 1 sends channels 0,2"));
	assert_non_null(strstr(s, "lcore 4 sends channels 1,3"));
	free(s);
	assert_true(it_files_equal(f.cache, f.truth));
	assert_true(it_files_equal(f.books, f.tbooks));
	assert_books_live(f.books);

	remove(f.day);
	assert_int_equal(it_tickwire(out, it_path("itch-two-out.log"), 120),
		1);
	s = it_slurp(it_path("itch-two-out.log"));
	assert_non_null(s);
	assert_non_null(strstr(s, "[itch] out: a day file is written by one "
		"generator lcore; [generator] lcores names 2"));
	free(s);
	assert_int_equal(access(f.day, F_OK), -1);
}

/*
 * The same across two processes over memif: two generator lcores (both
 * on core 0, no request server: it belongs to one lcore) each send
 * their channels on their own memif queue, two RX lcores (both on
 * core 1) poll one each: the cache equals the truth, every book its
 * truth's, nothing refused.
 */
static void
itch_two_generator_lcores_over_memif(void **state)
{
	struct it_run_files f;
	char *g, *p;

	it_run_files(&f, "itch-mtwo");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--set",
		"feed.protocol=itch50", "--set",
		"eal.args=--lcores=0@1,1@0,2@0 --no-pci --vdev=net_memif0,"
		"role=server,socket=/run/tickwire-memif.sock "
		"--file-prefix=tickwire-gen", "--set", "generator.lcores=1,2",
		"--set", "generator.queues=2", "--set",
		"recovery.store_messages=0", "--set",
		/* The RX lcores share a core: a queue waits a time slice. */
		"generator.tx_retry_us=1000000", "--set",
		"itch.timestamps=send", "--set", "itch.close_cancel_pct=0",
		"--count", "2000000", "--rate", "1000000", "--duration", "120",
		"--quiet", "--stats-json", f.gjson, "--dump-truth", f.truth,
		"--dump-truth-books", f.tbooks, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--set",
		"feed.protocol=itch50", "--set",
		"eal.args=--lcores=0@0,1@1,2@1 --no-pci --vdev=net_memif0,"
		"role=client,socket=/run/tickwire-memif.sock "
		"--file-prefix=tickwire-proc", "--set", "rx.lcores=1,2",
		"--set", "rx.queues=2", "--set", "recovery.rerequest=false",
		"--set", "itch.timestamps=send",
		"--duration", "120", "--quiet", "--stats-json", f.pjson,
		"--dump-cache", f.cache, "--dump-books", f.books, NULL };

	it_memif_pair("itch-mtwo", gen_opts, proc_opts, f.gjson, f.pjson, &g,
		&p);
	assert_itch_feed(g, p, true);
	assert_int_equal(it_json_u64(p, "drops", "not_owner"), 0);
	free(g);
	free(p);
	g = it_slurp(it_path("itch-mtwo-gen.log"));
	assert_non_null(g);
	assert_non_null(strstr(g, "lcore 1 sends channels 0,2"));
	assert_non_null(strstr(g, "lcore 2 sends channels 1,3"));
	free(g);
	assert_true(it_files_equal(f.cache, f.truth));
	assert_true(it_files_equal(f.books, f.tbooks));
	assert_books_live(f.books);
}

/* Every gap was filled, none given up or open, nothing refused. */
static void
assert_recovered(const char *gen_json, const char *rx_json)
{
	unsigned int i;

	fprintf(stderr, "lost %" PRIu64 " frames, %" PRIu64 " messages held "
		"back\n", it_json_u64(gen_json, "generator", "faults_lost"),
		it_json_u64(rx_json, "rx", "messages_held_back"));
	it_assert_recovered(rx_json);
	/* How many frames 1 % takes depends on how the host packed the
	 * ticks into frames (fewer, fuller frames when it is busy). */
	assert_true(it_json_u64(gen_json, "generator", "faults_lost") > 200);
	assert_true(it_json_u64(rx_json, NULL, "gaps") > 10);
	assert_true(it_json_u64(rx_json, "rx", "messages_held_back") > 0);
	assert_int_equal(it_json_u64(rx_json, "rx", "book_messages") +
		it_json_u64(rx_json, "rx", "other_messages"), TICKS + EVENTS);
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		assert_int_equal(it_json_u64(rx_json, "rx", refusals[i]), 0);
	assert_int_equal(it_json_u64(gen_json, "generator", "truth_refused"),
		0);
}

/*
 * 1 % of the frames lost in runs of 20, re-requests on: what follows a
 * gap is held back until the gap is filled, so every book is built in
 * order: cache == truth and every book equal, in one process.
 */
static void
itch_loss_recovered_over_loopback(void **state)
{
	struct it_run_files f;
	char *s;

	it_run_files(&f, "itch-loss");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=itch50", "--count", "2000000", "--rate",
		"2000000", "--duration", "120", "--quiet",
		"--set", "faults.loss=0.01", "--set", "faults.burst=20",
		"--set", "faults.seed=11", "--set",
		"recovery.store_messages=65536", "--set",
		"recovery.rerequest=true", "--set", "recovery.retries=100",
		"--stats-json", f.json,
		"--dump-cache", f.cache, "--dump-truth", f.truth, "--dump-books",
		f.books, "--dump-truth-books", f.tbooks, NULL };

	remove(f.json);
	assert_int_equal(it_tickwire(opts, it_path("itch-loss.log"), 240), 0);
	s = it_slurp(f.json);
	assert_non_null(s);
	assert_recovered(s, s);
	free(s);
	assert_true(it_files_equal(f.cache, f.truth));
	assert_true(it_files_equal(f.books, f.tbooks));
}

/* The same across two processes over memif (the profiles' store and
 * re-requests). */
static void
itch_loss_recovered_over_memif(void **state)
{
	struct it_run_files f;
	char *g, *p;

	it_run_files(&f, "itch-mloss");
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--set",
		"feed.protocol=itch50", "--count", "2000000", "--rate",
		"1000000", "--duration", "120", "--quiet", "--set",
		"faults.loss=0.01", "--set", "faults.burst=20", "--set",
		"faults.seed=7", "--stats-json", f.gjson, "--dump-truth",
		f.truth, "--dump-truth-books", f.tbooks, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--set",
		"feed.protocol=itch50", "--duration", "120", "--quiet",
		/* 100 ms without progress before a gap is given up: this
		 * shared VM stalls for tens of milliseconds at times. */
		"--set", "recovery.retries=100", "--stats-json", f.pjson,
		"--dump-cache", f.cache, "--dump-books", f.books, NULL };

	it_memif_pair("itch-mloss", gen_opts, proc_opts, f.gjson, f.pjson, &g,
		&p);
	assert_recovered(g, p);
	free(g);
	free(p);
	assert_true(it_files_equal(f.cache, f.truth));
	assert_true(it_files_equal(f.books, f.tbooks));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(itch_over_loopback_books_equal_the_truth),
		cmocka_unit_test(itch_over_memif_books_equal_the_truth),
		cmocka_unit_test(
			itch_two_generator_lcores_books_equal_the_truth),
		cmocka_unit_test(itch_two_generator_lcores_over_memif),
		cmocka_unit_test(itch_file_at_its_own_timing),
		cmocka_unit_test(itch_loss_recovered_over_loopback),
		cmocka_unit_test(itch_loss_recovered_over_memif),
	};

	it_test_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
