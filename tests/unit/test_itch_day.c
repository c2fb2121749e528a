/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generated ITCH 5.0 day, read back by the tests' own checker
 * (tests/common/tw_itch_check.h: its own books from the specification's
 * offsets, nothing of lib/itch): spec-exact (C only at a price other
 * than the display price, strictly inside the spread, printable; O, S
 * and every R before Q on every channel; tracking numbers; timestamps
 * rising on a channel), a market (executions at the best price take its
 * oldest order; P at or inside the spread; no displayed book crossed or
 * locked; nothing trades in a halt) and a NASDAQ day (the issue's
 * real-day mix within its tolerance; the session clock from 04:00 to
 * 20:00 with the crosses at 09:30 and 16:00; NOII and cross trades only
 * around the crosses; a heavy tail of activity; three adds in four of
 * 100 shares). Each rule is checked on the day file (every channel's
 * share of it) and on each channel's frames as the wire carries them;
 * and the checker is shown to count each breach, so that every one of
 * these tests can fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tw_framer.h"
#include "tw_gen.h"
#include "tw_itch.h"
#include "tw_itch_check.h"
#include "tw_itch_gen.h"
#include "tw_test_itch_gen.h"

#define NB_CH 4
#define NB_SYMBOLS 256
#define TICKS 400000

struct day {
	struct twc file;                /* the day file, NB_CH channels */
	struct twc wire[NB_CH];         /* each channel's frames alone */
	uint64_t wire_msgs[NB_CH];
	uint64_t tracking_other[NB_CH]; /* tracking number not ch + 1 */
	struct tw_pkt_tmpl tmpl[NB_CH];
	uint8_t buf[NB_CH][TW_FRAME_HDR_MAX + 9000];
};

static uint8_t *
frame_get(void *arg, uint16_t ch, void **handle, uint16_t *max_msgs)
{
	struct day *d = arg;

	(void)max_msgs;
	*handle = d->buf[ch];
	return d->buf[ch];
}

/* A finished frame: its messages (2-byte length, message) to ch's. */
static void
frame_put(void *arg, void *handle, uint16_t ch, uint16_t len, uint16_t msgs)
{
	struct day *d = arg;
	const uint8_t *f = handle;
	size_t off = d->tmpl[ch].hdr_len;
	uint16_t i;

	for (i = 0; i < msgs; i++) {
		uint16_t ml = (uint16_t)twc_be(f + off, 2);

		assert_true(off + 2 + ml <= len);
		twc_message(&d->wire[ch], f + off + 2, ml);
		d->tracking_other[ch] += twc_be(f + off + 5, 2) !=
			(uint64_t)ch + 1;
		d->wire_msgs[ch]++;
		off += 2 + (size_t)ml;
	}
	assert_int_equal(off, len);
}

/*
 * A day of TICKS ticks from the model through lib/gen's framer, as
 * tickwire's generator sends it: paced (a microsecond a tick) for the
 * first half, then unpaced (a batch's ticks share one send time).
 */
static int
make_day(void **state)
{
	struct tw_gen_params gp;
	struct tw_itch_gen_params ip;
	struct tw_frame_params fp;
	struct day *d = calloc(1, sizeof(*d));
	const struct tw_frame_src src = {
		.get = frame_get, .put = frame_put, .arg = d,
	};
	struct tw_framer_chan chans[NB_CH];
	struct tw_gen_sched sched;
	struct tw_gen_counters ctr = { 0 };
	uint16_t all[NB_CH] = { 0, 1, 2, 3 }, c;
	void *gmem;
	void *imem;
	uint64_t ns = TT_ITCH_DAY_START, done = 0;
	struct tw_framer fr;
	struct tw_emitter em;
	struct tw_itch_gen *ig;
	char *file = NULL;
	size_t file_len = 0;

	assert_non_null(d);
	tt_itch_day_params(&gp, &ip, &fp, NB_SYMBOLS, NB_CH);
	gmem = tt_line_alloc(tw_gen_memsize(&gp));
	imem = tt_line_alloc(tw_itch_gen_memsize(&ip));
	ig = tw_itch_gen_init(imem, &ip);
	assert_non_null(ig);
	memset(chans, 0, sizeof(chans));
	em = (struct tw_emitter){
		.fr = &fr, .gen = tw_gen_init(gmem, &gp), .sched = &sched,
		.ctr = &ctr, .proto_state = ig,
	};
	assert_non_null(em.gen);
	for (c = 0; c < NB_CH; c++) {
		tw_pkt_tmpl_init(&d->tmpl[c], &fp, c);
		assert_true(twc_init(&d->wire[c], 1));
	}
	assert_true(twc_init(&d->file, NB_CH));
	tw_gen_sched_init(&sched, em.gen, all, NB_CH, TICKS);
	tw_framer_init(&fr, d->tmpl, chans, NB_CH, TW_CSUM_OFFLOAD, &src,
		&ctr);
	ig->out = open_memstream(&file, &file_len);
	assert_non_null(ig->out);

	tw_itch_emit_open(&em, 0, ns);
	while (done < TICKS) {
		bool paced = done < TICKS / 2;

		tw_itch_emit_ticks(&em, TW_GEN_BATCH, 0, ns, ns,
			paced ? 1000 : 0);
		ns += paced ? 1000 * (uint64_t)TW_GEN_BATCH : 5000;
		done = ctr.ticks;
	}
	tw_itch_emit_close(&em, 0, ns);
	tw_framer_close_all(&fr, 0);
	fclose(ig->out);
	assert_int_equal(ctr.ticks, TICKS);
	assert_int_equal(em.ctr->truth_refused, 0);
	assert_int_equal(twc_day(&d->file, (const uint8_t *)file, file_len),
		file_len);
	free(file);
	free(gmem);
	free(imem);
	*state = d;
	return 0;
}

static int
free_day(void **state)
{
	struct day *d = *state;
	unsigned int c;

	twc_fini(&d->file);
	for (c = 0; c < NB_CH; c++)
		twc_fini(&d->wire[c]);
	free(d);
	return 0;
}

/* What every one of the day's readings (file, each channel) shows. */
#define EACH(d, k, body) do {                                           \
		const struct twc *k = &(d)->file;                       \
		unsigned int ch_;                                       \
		body;                                                   \
		for (ch_ = 0; ch_ < NB_CH; ch_++) {                     \
			k = &(d)->wire[ch_];                            \
			body;                                           \
		}                                                       \
	} while (0)

static void
executions_with_price_only_off_the_display_price(void **state)
{
	struct day *d = *state;
	uint64_t c = 0;

	EACH(d, k, {
		assert_int_equal(k->n.c_at_display, 0);
		assert_int_equal(k->n.c_outside_spread, 0);
		/* Printable: the crosses print in bulk in Q. */
		assert_int_equal(k->n.c_not_printable, 0);
		assert_int_equal(k->n.c_not_strictly_inside, 0);
		assert_int_equal(k->n.c_bad_printable, 0);
		assert_int_equal(k->n.unknown_ref, 0);
	});
	for (unsigned int ch = 0; ch < NB_CH; ch++)
		c += d->wire[ch].n.c;
	print_message("C: %" PRIu64 " of %" PRIu64 " executions\n",
		d->file.n.c, d->file.n.execs);
	assert_true(d->file.n.c > 30);
	assert_int_equal(c, d->file.n.c);
	assert_true(d->file.n.e > d->file.n.c);
}

static void
start_of_day_in_order_on_every_channel(void **state)
{
	struct day *d = *state;
	uint64_t r = 0;
	unsigned int ch;

	EACH(d, k, {
		assert_int_equal(k->n.r_after_q, 0);
		assert_int_equal(k->n.start_out_of_order, 0);
	});
	for (ch = 0; ch < NB_CH; ch++) {
		/* O, S, this channel's directories, Q: on its own. */
		assert_true(d->wire[ch].o[0] && d->wire[ch].s[0] &&
			d->wire[ch].q[0]);
		assert_int_equal(d->wire[ch].n.r, NB_SYMBOLS / NB_CH);
		r += d->wire[ch].n.r;
		assert_true(d->file.q[ch]);
	}
	assert_int_equal(r, NB_SYMBOLS);
	assert_int_equal(d->file.n.r, NB_SYMBOLS);
}

static void
executions_take_the_oldest_order_at_the_best_price(void **state)
{
	struct day *d = *state;

	EACH(d, k, {
		assert_int_equal(k->n.exec_not_best, 0);
		assert_int_equal(k->n.exec_not_oldest, 0);
		assert_int_equal(k->n.exec_not_oldest_at_best, 0);
	});
	print_message("executions: %" PRIu64 "\n", d->file.n.execs);
	assert_true(d->file.n.execs > 8000);
}

static void
hidden_trades_print_inside_the_spread(void **state)
{
	struct day *d = *state;

	EACH(d, k, {
		assert_int_equal(k->n.p_outside_spread, 0);
		assert_int_equal(k->n.exec_halted, 0);
	});
	assert_true(d->file.n.p > 1000);
}

static void
displayed_books_never_cross_or_lock(void **state)
{
	struct day *d = *state;

	EACH(d, k, {
		assert_int_equal(k->n.crossed, 0);
		assert_int_equal(k->n.locked, 0);
	});
	assert_true(d->file.n.adds > 100000);
}

/*
 * Tracking numbers: the channel + 1 on the wire, never 0; timestamps
 * above the one before on each channel, paced or not (the unpaced half
 * sends a batch's ticks at one send time).
 */
static void
tracking_numbers_and_rising_timestamps(void **state)
{
	struct day *d = *state;
	uint64_t msgs = 0;
	unsigned int ch;

	EACH(d, k, {
		assert_int_equal(k->n.tracking_zero, 0);
		assert_int_equal(k->n.ts_backwards, 0);
		assert_int_equal(k->n.ts_repeated, 0);
	});
	for (ch = 0; ch < NB_CH; ch++) {
		assert_int_equal(d->tracking_other[ch], 0);
		msgs += d->wire_msgs[ch];
	}
	/* The day file holds the 7 messages of no stock once: O S V Q M
	 * E C. */
	assert_int_equal(d->file.n.msgs, msgs - 7 * (NB_CH - 1));
}

/* ---- the checker counts each breach (so the tests above can fail) ---- */

static uint8_t *
msg(uint8_t *m, uint8_t type, uint16_t loc, uint16_t trk, uint64_t ts)
{
	memset(m, 0, TW_ITCH_MAX_LEN);
	tw_itch_put_hdr(m, type, loc, trk, ts);
	return m;
}

static void
add(struct twc *k, uint64_t ts, uint64_t ref, uint8_t side, uint32_t px)
{
	uint8_t m[TW_ITCH_MAX_LEN];

	tw_itch_add(m, 1, ts, ref, side, 100, "T", px, NULL);
	tw_itch_put16(m + TW_ITCH_OFF_TRACKING, 1);
	twc_message(k, m, 36);
}

static void
the_checker_counts_each_breach(void **state)
{
	static struct twc k;
	uint8_t m[TW_ITCH_MAX_LEN];

	(void)state;
	assert_true(twc_init(&k, 1));
	/* Q before O and S; an R after Q; a tracking number 0. */
	msg(m, 'S', 0, 1, 10)[11] = 'Q';
	twc_message(&k, m, 12);
	assert_int_equal(k.n.start_out_of_order, 1);
	tw_itch_directory(m, 1, 11, "T");
	twc_message(&k, m, 39);
	assert_int_equal(k.n.r_after_q, 1);
	assert_int_equal(k.n.tracking_zero, 1);
	/* Two bids at 10.00 (older first), an ask at 10.05. */
	add(&k, 12, 1, 'B', 100000);
	add(&k, 13, 2, 'B', 100000);
	add(&k, 14, 3, 'S', 100500);
	assert_int_equal(k.n.crossed + k.n.locked, 0);
	/* The younger bid executed: not the oldest; at its display. */
	tw_itch_executed_price(m, 1, 15, 2, 100, 1, 100000, true);
	twc_message(&k, m, 36);
	assert_int_equal(k.n.exec_not_oldest, 1);
	assert_int_equal(k.n.c_at_display, 1);
	/* A C outside the spread; a P below the bid. */
	tw_itch_executed_price(m, 1, 16, 1, 50, 2, 99900, false);
	twc_message(&k, m, 36);
	assert_int_equal(k.n.c_outside_spread, 1);
	assert_int_equal(k.n.c_not_printable, 1);
	tw_itch_trade(m, 1, 17, 0, 'B', 100, "T", 99800, 3);
	twc_message(&k, m, 44);
	assert_int_equal(k.n.p_outside_spread, 1);
	assert_int_equal(twc_beyond_median(&k), 2);
	/* A bid below the best executed: not at the best price. */
	add(&k, 18, 4, 'B', 99000);
	tw_itch_executed(m, 1, 19, 4, 100, 4);
	twc_message(&k, m, 31);
	assert_int_equal(k.n.exec_not_best, 1);
	/* An ask at the bid (locked), one under it (crossed). */
	add(&k, 20, 5, 'S', 100000);
	assert_int_equal(k.n.locked, 1);
	add(&k, 21, 6, 'S', 99500);
	assert_int_equal(k.n.crossed, 1);
	/* A timestamp again, then one back. */
	add(&k, 21, 7, 'B', 90000);
	assert_int_equal(k.n.ts_repeated, 1);
	add(&k, 20, 8, 'B', 90000);
	assert_int_equal(k.n.ts_backwards, 1);
	twc_fini(&k);
}


/* ---- a NASDAQ day ---- */

/*
 * The mix against the two real days (2020-01-30, 2018-03-29):
 * each type with a figure within its range widened by the tolerance.
 */
static void
the_mix_of_a_real_day(void **state)
{
	static const struct {
		uint8_t type;
		double lo, hi, tol;     /* real range, percent; tolerance */
	} real[] = {
		{ 'A', 44, 44, 3 }, { 'D', 43, 43, 3 },
		{ 'X', 1.2, 1.7, 0.5 }, { 'F', 0.45, 0.9, 0.3 },
		{ 'P', 0.4, 0.4, 0.2 }, { 'C', 0.03, 0.05, 0.02 },
	};
	static const uint8_t present[] = "UEIQHYLJVhRS";
	struct day *d = *state;
	unsigned int i;

	for (i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		double pct = twc_pct(&d->file, real[i].type);

		print_message("%c %.3f %% (real %.2f-%.2f)\n", real[i].type,
			pct, real[i].lo, real[i].hi);
		assert_true(pct >= real[i].lo - real[i].tol);
		assert_true(pct <= real[i].hi + real[i].tol);
	}
	for (i = 0; present[i] != '\0'; i++)
		assert_true(d->file.n.by_type[present[i]] > 0);
	/* NOII about 1.26 % of the ticks, the model's default. */
	assert_true(twc_pct(&d->file, 'I') > 0.8 &&
		twc_pct(&d->file, 'I') < 1.8);
}

/* 04:00 to 20:00 Eastern in ns since midnight, Q at 09:30, M at 16:00. */
static void
the_session_clock(void **state)
{
	struct day *d = *state;

	EACH(d, k, {
		assert_int_equal(k->n.before_start, 0);
		assert_int_equal(k->n.after_end, 0);
		assert_int_equal(k->n.market_before_s, 0);
		assert_true(k->n.first_ts >= TWC_HMS(4, 0, 0));
		assert_true(k->n.last_ts < TWC_HMS(20, 0, 0));
		assert_true(k->q_ts >= TWC_HMS(9, 30, 0) &&
			k->q_ts < TWC_HMS(9, 30, 0) + 1000000);
		assert_true(k->m_ts >= TWC_HMS(16, 0, 0) &&
			k->m_ts < TWC_HMS(16, 0, 0) + 1000000);
	});
	/* The whole day: the pre-market and the post-market traded. */
	assert_true(d->file.n.first_ts < TWC_HMS(4, 0, 1));
	assert_true(d->file.n.last_ts > TWC_HMS(19, 59, 0));
}

/* NOII and cross trades only around the crosses (and a halt's). */
static void
noii_and_crosses_only_around_the_crosses(void **state)
{
	struct day *d = *state;

	EACH(d, k, {
		assert_int_equal(k->n.cross_open_outside, 0);
		assert_int_equal(k->n.cross_close_outside, 0);
		assert_int_equal(k->n.cross_halt_not_halted, 0);
		assert_int_equal(k->n.noii_outside, 0);
	});
	/* Each stock crosses at the open and at the close. */
	assert_true(d->file.n.by_type['Q'] >= 2 * NB_SYMBOLS);
	assert_true(d->file.n.by_type['I'] > 1000);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The most active stock rests far more orders than the median one. */
static void
a_heavy_tail_of_activity(void **state)
{
	struct day *d = *state;
	uint32_t peak[NB_SYMBOLS], l;

	for (l = 0; l < NB_SYMBOLS; l++)
		peak[l] = d->file.st[l + 1].peak;
	qsort(peak, NB_SYMBOLS, sizeof(peak[0]), cmp_u32);
	print_message("resting at most: top %u, median %u\n",
		peak[NB_SYMBOLS - 1], peak[NB_SYMBOLS / 2]);
	assert_true(peak[NB_SYMBOLS - 1] >= 5 * peak[NB_SYMBOLS / 2]);
	/* More than the old model's 64 a stock. */
	assert_true(peak[NB_SYMBOLS - 1] > 64);
}

/* Three adds in four of exactly 100 shares; odd lots; large orders. */
static void
sizes_mostly_100_shares(void **state)
{
	struct day *d = *state;
	double n = (double)d->file.n.adds;

	print_message("adds: %.1f %% of 100, %.1f %% odd lots, %.1f %% of "
		"1,000 or more\n", 100 * d->file.n.adds_100 / n,
		100 * d->file.n.adds_odd / n, 100 * d->file.n.adds_large / n);
	assert_true(d->file.n.adds_100 > 0.70 * n &&
		d->file.n.adds_100 < 0.80 * n);
	assert_true(d->file.n.adds_odd > 0.05 * n);
	assert_true(d->file.n.adds_large > 0.02 * n);
	EACH(d, k, assert_int_equal(k->n.sub_penny_over_dollar, 0));
}

/* The new rules' breaches, each counted. */
static void
the_checker_counts_each_day_breach(void **state)
{
	static struct twc k;
	uint8_t m[TW_ITCH_MAX_LEN];
	const uint64_t h = TWC_HMS(1, 0, 0);

	(void)state;
	assert_true(twc_init(&k, 1));
	/* An add before 04:00 and before S: both counted. */
	add(&k, 3 * h, 1, 'B', 100000);
	assert_int_equal(k.n.before_start, 1);
	assert_int_equal(k.n.market_before_s, 1);
	msg(m, 'S', 0, 1, 4 * h)[11] = 'O';
	twc_message(&k, m, 12);
	msg(m, 'S', 0, 1, 4 * h + 1)[11] = 'S';
	twc_message(&k, m, 12);
	/* A sub-penny ask over $1; an opening NOII at noon; an opening
	 * cross at 11:00 before Start of Market Hours. */
	add(&k, 5 * h, 2, 'S', 100050);
	assert_int_equal(k.n.sub_penny_over_dollar, 1);
	tw_itch_noii(m, 1, 12 * h, 100, 0, 'N', "T", 100000, 100000, 100000,
		'O', 'L');
	tw_itch_put16(m + TW_ITCH_OFF_TRACKING, 1);
	twc_message(&k, m, 50);
	assert_int_equal(k.n.noii_outside, 1);
	tw_itch_cross_trade(m, 1, 11 * h, 100, "T", 100000, 1, 'O');
	twc_message(&k, m, 40);
	assert_int_equal(k.n.cross_open_outside, 1);
	/* A halt cross of a stock trading; then halted, an execution. */
	tw_itch_cross_trade(m, 1, 11 * h + 1, 100, "T", 100000, 2, 'H');
	twc_message(&k, m, 40);
	assert_int_equal(k.n.cross_halt_not_halted, 1);
	tw_itch_trading_action(m, 1, 11 * h + 2, "T", 'P');
	twc_message(&k, m, 25);
	tw_itch_executed(m, 1, 11 * h + 3, 1, 100, 3);
	twc_message(&k, m, 31);
	assert_int_equal(k.n.exec_halted, 1);
	/* A closing cross at 16:30; a message at 20:00. */
	tw_itch_cross_trade(m, 1, 16 * h + h / 2, 100, "T", 100000, 4, 'C');
	twc_message(&k, m, 40);
	assert_int_equal(k.n.cross_close_outside, 1);
	msg(m, 'S', 0, 1, 20 * h)[11] = 'C';
	twc_message(&k, m, 12);
	assert_int_equal(k.n.after_end, 1);
	/* A C at the ask's price: not strictly inside. */
	tw_itch_trading_action(m, 1, 20 * h + 1, "T", 'T');
	twc_message(&k, m, 25);
	add(&k, 20 * h + 2, 3, 'B', 99000);
	add(&k, 20 * h + 3, 4, 'S', 101000);
	tw_itch_executed_price(m, 1, 20 * h + 4, 3, 100, 5, 101000, true);
	twc_message(&k, m, 36);
	assert_int_equal(k.n.c_not_strictly_inside, 1);
	assert_int_equal(k.n.by_type['Q'], 3);
	twc_fini(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(executions_with_price_only_off_the_display_price),
		cmocka_unit_test(start_of_day_in_order_on_every_channel),
		cmocka_unit_test(
			executions_take_the_oldest_order_at_the_best_price),
		cmocka_unit_test(hidden_trades_print_inside_the_spread),
		cmocka_unit_test(displayed_books_never_cross_or_lock),
		cmocka_unit_test(tracking_numbers_and_rising_timestamps),
		cmocka_unit_test(the_checker_counts_each_breach),
		cmocka_unit_test(the_mix_of_a_real_day),
		cmocka_unit_test(the_session_clock),
		cmocka_unit_test(noii_and_crosses_only_around_the_crosses),
		cmocka_unit_test(a_heavy_tail_of_activity),
		cmocka_unit_test(sizes_mostly_100_shares),
		cmocka_unit_test(the_checker_counts_each_day_breach),
	};

	return cmocka_run_group_tests(tests, make_day, free_day);
}
