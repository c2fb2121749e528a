/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What tickwire-itch takes and how it ends, as a script sees it: an
 * ITCH 5.0 day file, plain or gzip, is decoded whole (exit 0); a file
 * that is no day file (a pcap, gzipped or not, an empty file, text) is
 * refused in one line naming the file and why (exit 1) before anything
 * is decoded; a day file the books cannot take whole (operations
 * refused, a message cut at the end) is decoded and says so (exit 3,
 * 0 with --accept-loss); a bad option is one line (exit 2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <cmocka.h>

#include "itest.h"

#define DIR "itch-input"

/* tickwire-itch with up to 6 arguments, in DIR; its exit status. */
static int
itch(const char *log, const char *a, const char *b, const char *c,
		const char *d)
{
	char *argv[8];
	int n = 0;

	argv[n++] = (char *)TW_ITCH_TOOL;
	if (a != NULL)
		argv[n++] = (char *)a;
	if (b != NULL)
		argv[n++] = (char *)b;
	if (c != NULL)
		argv[n++] = (char *)c;
	if (d != NULL)
		argv[n++] = (char *)d;
	argv[n] = NULL;
	return it_run(argv, log, 120);
}

static int
sh(const char *cmd)
{
	char *const argv[] = { "sh", "-c", (char *)cmd, NULL };

	return it_run(argv, "sh.log", 60);
}

/* One line, naming the file and saying why. */
static void
assert_one_line(const char *log, const char *file, const char *why)
{
	char *s = it_slurp(log);
	char want[256];

	assert_non_null(s);
	fprintf(stderr, "%s: %s", log, s);
	snprintf(want, sizeof(want), "tickwire-itch: %s: ", file);
	assert_int_equal(it_count_lines(log), 1);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, why));
	assert_null(strstr(s, "messages:"));
	free(s);
}

/* DIR made afresh, a 20,000-tick day file day.itch and its gzip. */
static int
day_files(void **state)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", it_path(DIR),
		it_path(DIR));
	if (system(cmd) != 0 || chdir(it_path(DIR)) != 0)
		return -1;
	if (itch("gen.log", "--generate", "20000", "--write", "day.itch") !=
	    0)
		return -1;
	return sh("gzip -k day.itch");
}

static void
a_day_file_plain_or_gzip_is_decoded_whole(void **state)
{
	char *s;

	assert_int_equal(itch("plain.log", "day.itch", "--json", "plain.json",
		NULL), 0);
	assert_int_equal(itch("gz.log", "day.itch.gz", "--json", "gz.json",
		NULL), 0);
	s = it_slurp("gz.json");
	assert_non_null(s);
	assert_non_null(strstr(s, "\"whole\": true"));
	assert_int_equal(it_json_u64(s, NULL, "refused_total"), 0);
	free(s);
}

static void
a_pcap_is_refused_in_one_line(void **state)
{
	char *const mk[] = { (char *)TW_MKCAP, "feed.pcap", "t.csv", "e.txt",
		NULL };

	assert_int_equal(it_run(mk, "mkcap.log", 30), 0);
	assert_int_equal(itch("pcap.log", "feed.pcap", NULL, NULL, NULL), 1);
	assert_one_line("pcap.log", "feed.pcap", "not an ITCH 5.0 day file: "
		"it is a pcap capture");
	assert_int_equal(sh("gzip -kf feed.pcap"), 0);
	assert_int_equal(itch("pcapgz.log", "feed.pcap.gz", NULL, NULL, NULL),
		1);
	assert_one_line("pcapgz.log", "feed.pcap.gz", "it is a pcap capture");
}

static void
an_empty_or_text_file_is_refused_in_one_line(void **state)
{
	assert_int_equal(sh(": > empty && echo 'hello, world' > text.txt "
		"&& printf '\\000\\014Zxxxxxxxxxxx' > badtype"), 0);
	assert_int_equal(itch("empty.log", "empty", NULL, NULL, NULL), 1);
	assert_one_line("empty.log", "empty", "it is empty");
	assert_int_equal(itch("text.log", "text.txt", NULL, NULL, NULL), 1);
	assert_one_line("text.log", "text.txt", "no whole message");
	assert_int_equal(itch("badtype.log", "badtype", NULL, NULL, NULL), 1);
	assert_one_line("badtype.log", "badtype", "type 0x5a, no ITCH 5.0 "
		"type");
	assert_int_equal(itch("none.log", "no-such-file", NULL, NULL, NULL),
		1);
	assert_one_line("none.log", "no-such-file", "No such file");
}

/* Books too small for the day: decoded, refusals counted, status 3. */
static void
refused_book_operations_exit_3_or_0_when_accepted(void **state)
{
	char *s;

	assert_int_equal(itch("small.log", "day.itch", "--max-orders", "100",
		NULL), 3);
	s = it_slurp("small.log");
	assert_non_null(s);
	assert_non_null(strstr(s, "messages: "));
	assert_non_null(strstr(s, "NOT WHOLE: "));
	free(s);
	assert_int_equal(itch("accepted.log", "day.itch", "--max-orders",
		"100", "--accept-loss"), 0);
}

static void
a_message_cut_at_the_end_exits_3(void **state)
{
	char *s;

	assert_int_equal(sh("head -c 100000 day.itch > cut.itch"), 0);
	assert_int_equal(itch("cut.log", "cut.itch", NULL, NULL, NULL), 3);
	s = it_slurp("cut.log");
	assert_non_null(s);
	assert_non_null(strstr(s, "bytes at the end are no whole message"));
	free(s);
}

/* ---- a day file written by hand, at the specification's offsets ---- */

struct day {
	uint8_t buf[4096];
	size_t len;
};

static void
be(uint8_t *p, uint64_t v, unsigned int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* A message of type and length len (2-byte length first), its header. */
static uint8_t *
msg(struct day *d, char type, uint16_t len, uint16_t locate, uint64_t ts)
{
	uint8_t *m = d->buf + d->len + 2;

	be(d->buf + d->len, len, 2);
	memset(m, 0, len);
	m[0] = (uint8_t)type;
	be(m + 1, locate, 2);
	be(m + 5, ts, 6);
	d->len += 2 + (size_t)len;
	return m;
}

static void
dir_msg(struct day *d, uint16_t locate, uint64_t ts, const char *stock)
{
	uint8_t *m = msg(d, 'R', 39, locate, ts);

	memset(m + 11, ' ', 8);
	memcpy(m + 11, stock, strlen(stock));
	m[19] = 'Q';
	m[20] = 'N';
	be(m + 21, 100, 4);
	m[25] = 'N';
	m[26] = 'C';
	memcpy(m + 27, "Z ", 2);
	m[29] = 'P';
	m[30] = ' ';
	m[31] = 'N';
	m[32] = '2';
	m[33] = 'N';
	m[38] = 'N';
}

static void
add_msg(struct day *d, uint16_t locate, uint64_t ts, uint64_t ref,
		uint32_t shares, uint32_t price)
{
	uint8_t *m = msg(d, 'A', 36, locate, ts);

	be(m + 11, ref, 8);
	m[19] = 'B';
	be(m + 20, shares, 4);
	memcpy(m + 24, "AAA     ", 8);
	be(m + 32, price, 4);
}

static void
delete_msg(struct day *d, uint16_t locate, uint64_t ts, uint64_t ref)
{
	be(msg(d, 'D', 19, locate, ts) + 11, ref, 8);
}

/*
 * The bad input in one day file, each counted in its line and
 * nothing else lost: a stamp earlier than the one before, an order
 * before its stock's directory (refused: no directory; its delete then
 * refused: unknown order), a reference far past the window and one
 * reused behind it (both kept in the fallback table, applied), and a
 * message cut at the end. The window is 64 references (--max-orders
 * 16): an add at 100 slides it past the orders below 64.
 */
static void
bad_input_is_counted_each_in_its_line(void **state)
{
	static struct day d;
	uint64_t ts = 4 * UINT64_C(3600000000000);
	FILE *f;
	char *s;

	d.len = 0;
	be(msg(&d, 'S', 12, 0, ts++) + 11, 'O', 1);
	add_msg(&d, 1, ts++, 1, 100, 1000000);          /* no directory */
	dir_msg(&d, 1, ts++, "AAA");
	add_msg(&d, 1, ts + 10, 2, 100, 1000000);
	add_msg(&d, 1, ts, 3, 200, 990000);             /* stamped earlier */
	ts += 20;
	delete_msg(&d, 1, ts++, 1);                     /* unknown order */
	add_msg(&d, 1, ts++, UINT64_C(1) << 60, 300, 980000); /* far ahead */
	add_msg(&d, 1, ts++, 100, 400, 1000000);        /* slides */
	delete_msg(&d, 1, ts++, 2);
	add_msg(&d, 1, ts++, 2, 500, 1010000);          /* reused, behind */
	delete_msg(&d, 1, ts++, UINT64_C(1) << 60);
	add_msg(&d, 1, ts++, 4, 600, 1000000);
	d.len -= 10;                                    /* cut mid-message */
	f = fopen("bad.itch", "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(d.buf, 1, d.len, f), d.len);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(itch("bad.log", "bad.itch", "--max-orders", "16",
		"--dump-books=bad.csv"), 3);
	s = it_slurp("bad.log");
	assert_non_null(s);
	assert_non_null(strstr(s, "messages: 11 "));
	assert_non_null(strstr(s, ", 1 stamped earlier than the message "
		"before"));
	assert_non_null(strstr(s, "refused: unknown_order 1 too_many_shares "
		"0 duplicate_ref 0 no_directory 1 "));
	assert_non_null(strstr(s, "books: 7 messages applied, 1 other"));
	/* 2, 3 and 100 rest: 2 (again) and 1 << 60 were kept in the
	 * fallback, 3 moved there as the window slid. */
	assert_non_null(strstr(s, "orders resting: 3 at the end, 4 at the "
		"peak; kept out of the direct window: 2 added, 2 moved"));
	/* The cut add: 2 + 36 - 10 bytes, one line. */
	assert_non_null(strstr(s, "bad.itch: 28 bytes at the end are no "
		"whole message\n"));
	assert_non_null(strstr(s, ", 28 bytes cut at the end\n"));
	free(s);
	s = it_slurp("bad.csv");
	assert_non_null(s);
	/* Bids 101.0000 (500), 100.0000 (400, 100's), 99.0000 (200). */
	assert_non_null(strstr(s, "\n0,AAA     ,3,0,3,1010000,500,0,0,"));
	free(s);
}

static void
a_bad_option_is_one_line_and_exit_2(void **state)
{
	assert_int_equal(itch("opt.log", "--no-such-option", "day.itch", NULL,
		NULL), 2);
	assert_int_equal(it_count_lines("opt.log"), 1);
	assert_int_equal(itch("val.log", "day.itch", "--symbols", "many",
		NULL), 2);
	assert_int_equal(it_count_lines("val.log"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_day_file_plain_or_gzip_is_decoded_whole),
		cmocka_unit_test(a_pcap_is_refused_in_one_line),
		cmocka_unit_test(an_empty_or_text_file_is_refused_in_one_line),
		cmocka_unit_test(
			refused_book_operations_exit_3_or_0_when_accepted),
		cmocka_unit_test(a_message_cut_at_the_end_exits_3),
		cmocka_unit_test(bad_input_is_counted_each_in_its_line),
		cmocka_unit_test(a_bad_option_is_one_line_and_exit_2),
	};

	return cmocka_run_group_tests_name("itch_input", tests, day_files,
		NULL);
}
