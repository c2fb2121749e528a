/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITCH 5.0 model on two generator lcores, as tickwire runs itch50
 * with [generator] lcores = a,b: one model each over its own channels
 * (0, 2 and 1, 3: c % 2), its own framer over the shared channel
 * sequences, lib/gen's per-channel streams shared, the two taking turns
 * a batch at a time. Each channel's frames, read by the tests' own
 * checker (tests/common/tw_itch_check.h), keep every rule of the day
 * (the start of day in order, the session clock with Q at 09:30 and M
 * at 16:00, time priority, P inside the spread, C off the display
 * price, no book crossed or locked, rising timestamps); order
 * references are unique across both lcores and rise on each stock (the
 * receiver's order window indexes them); each model's truth holds its
 * own channels' stocks only; the mix stays the day's.
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
#define NB_LCORES 2
#define NB_SYMBOLS 256
#define TICKS 400000
#define MAX_REFS (TICKS * 2)

struct lcores {
	struct twc wire[NB_CH];         /* each channel's frames alone */
	uint64_t wire_msgs[NB_CH];
	uint64_t *refs;                 /* every new reference (A F U) */
	uint64_t nb_refs;
	uint64_t last_ref[NB_SYMBOLS + 1]; /* per stock locate */
	uint64_t ref_not_rising;
	uint64_t truth_other[NB_LCORES]; /* a truth's stocks of the other */
	uint64_t truth_own[NB_LCORES];  /* its own, known and traded */
	struct tw_gen_counters ctr[NB_LCORES];
	struct tw_pkt_tmpl tmpl[NB_CH];
	uint8_t buf[NB_CH][TW_FRAME_HDR_MAX + 9000];
};

static uint8_t *
frame_get(void *arg, uint16_t ch, void **handle, uint16_t *max_msgs)
{
	struct lcores *d = arg;

	(void)max_msgs;
	*handle = d->buf[ch];
	return d->buf[ch];
}

/* A new reference of stock loc: unique is checked later, rising now. */
static void
new_ref(struct lcores *d, uint16_t loc, uint64_t ref)
{
	assert_true(d->nb_refs < MAX_REFS);
	d->refs[d->nb_refs++] = ref;
	d->ref_not_rising += ref <= d->last_ref[loc];
	d->last_ref[loc] = ref;
}

static void
frame_put(void *arg, void *handle, uint16_t ch, uint16_t len, uint16_t msgs)
{
	struct lcores *d = arg;
	const uint8_t *f = handle;
	size_t off = d->tmpl[ch].hdr_len;
	uint16_t i;

	for (i = 0; i < msgs; i++) {
		uint16_t ml = (uint16_t)twc_be(f + off, 2);
		const uint8_t *m = f + off + 2;
		uint16_t loc = (uint16_t)twc_be(m + 1, 2);

		assert_true(off + 2 + ml <= len);
		twc_message(&d->wire[ch], m, ml);
		/* A, F: reference @11; U: the new one @19. */
		if (m[0] == 'A' || m[0] == 'F')
			new_ref(d, loc, twc_be(m + 11, 8));
		else if (m[0] == 'U')
			new_ref(d, loc, twc_be(m + 19, 8));
		d->wire_msgs[ch]++;
		off += 2 + (size_t)ml;
	}
	assert_int_equal(off, len);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int
make_lcores(void **state)
{
	struct tw_gen_params gp;
	struct tw_itch_gen_params ip;
	struct tw_frame_params fp;
	struct lcores *d = calloc(1, sizeof(*d));
	const struct tw_frame_src src = {
		.get = frame_get, .put = frame_put, .arg = d,
	};
	static struct tw_framer_chan chans[NB_CH];
	struct tw_gen_sched sched[NB_LCORES];
	struct tw_framer fr[NB_LCORES];
	struct tw_emitter em[NB_LCORES];
	struct tw_itch_gen *ig[NB_LCORES];
	void *imem[NB_LCORES];
	void *gmem;
	struct tw_gen *gen;
	uint64_t ns = TT_ITCH_DAY_START, done;
	unsigned int i;
	uint16_t c;

	assert_non_null(d);
	d->refs = malloc(MAX_REFS * sizeof(*d->refs));
	assert_non_null(d->refs);
	tt_itch_day_params(&gp, &ip, &fp, NB_SYMBOLS, NB_CH);
	gmem = tt_line_alloc(tw_gen_memsize(&gp));
	gen = tw_gen_init(gmem, &gp);
	assert_non_null(gen);
	for (c = 0; c < NB_CH; c++) {
		tw_pkt_tmpl_init(&d->tmpl[c], &fp, c);
		assert_true(twc_init(&d->wire[c], 1));
	}
	memset(chans, 0, sizeof(chans));
	/* As gen_setup.c: lcore i sends the channels c % lcores == i. */
	for (i = 0; i < NB_LCORES; i++) {
		uint16_t own[NB_CH], nb_own = 0;

		for (c = (uint16_t)i; c < NB_CH; c += NB_LCORES)
			own[nb_own++] = c;
		assert_int_equal(tw_gen_sched_init(&sched[i], gen, own, nb_own,
			TICKS), 0);
		imem[i] = tt_line_alloc(tw_itch_gen_memsize(&ip));
		ig[i] = tw_itch_gen_init(imem[i], &ip);
		assert_non_null(ig[i]);
		tw_framer_init(&fr[i], d->tmpl, chans, NB_CH, TW_CSUM_OFFLOAD,
			&src, &d->ctr[i]);
		tw_framer_own(&fr[i], own, nb_own);
		em[i] = (struct tw_emitter){
			.fr = &fr[i], .gen = gen, .sched = &sched[i],
			.ctr = &d->ctr[i], .proto_state = ig[i],
		};
	}
	/* Every framer set up before any sends (they share chans). */
	for (i = 0; i < NB_LCORES; i++)
		tw_itch_emit_open(&em[i], 0, ns);
	/* The lcores take turns, a batch each (their clocks interleave). */
	do {
		for (i = 0; i < NB_LCORES; i++)
			if (d->ctr[i].ticks < TICKS / NB_LCORES)
				tw_itch_emit_ticks(&em[i], TW_GEN_BATCH, 0, ns,
					ns, 1000);
		ns += 1000 * (uint64_t)TW_GEN_BATCH;
		for (i = 0, done = 0; i < NB_LCORES; i++)
			done += d->ctr[i].ticks;
	} while (done < TICKS);
	for (i = 0; i < NB_LCORES; i++) {
		uint32_t l;

		tw_itch_emit_close(&em[i], 0, ns);
		tw_framer_close_all(&fr[i], 0);
		assert_int_equal(d->ctr[i].ticks, TICKS / NB_LCORES);
		assert_int_equal(d->ctr[i].truth_refused, 0);
		/* Its truth: its own channels' stocks (their directory
		 * and trades), nothing of the other's. */
		for (l = 0; l < NB_SYMBOLS; l++) {
			const struct tw_book_sym *sy = &ig[i]->books->sym[l];
			bool mine = l % NB_CH % NB_LCORES == i;

			if (mine)
				d->truth_own[i] += tw_book_known(ig[i]->books,
					l) && sy->volume > 0;
			else
				d->truth_other[i] += tw_book_known(
					ig[i]->books, l) || sy->volume > 0 ||
					tw_book_orders(ig[i]->books, l) > 0;
		}
		free(imem[i]);
	}
	free(gmem);
	*state = d;
	return 0;
}

static int
free_lcores(void **state)
{
	struct lcores *d = *state;
	unsigned int c;

	for (c = 0; c < NB_CH; c++)
		twc_fini(&d->wire[c]);
	free(d->refs);
	free(d);
	return 0;
}

/* Every channel on its own, whichever lcore sent it: the day's rules. */
static void
every_channel_keeps_the_days_rules(void **state)
{
	struct lcores *d = *state;
	uint64_t execs = 0, p = 0, c_msgs = 0;
	unsigned int ch;

	for (ch = 0; ch < NB_CH; ch++) {
		const struct twc *k = &d->wire[ch];

		assert_int_equal(k->n.r_after_q + k->n.start_out_of_order, 0);
		assert_true(k->o[0] && k->s[0] && k->q[0] && k->m[0]);
		assert_int_equal(k->n.r, NB_SYMBOLS / NB_CH);
		assert_int_equal(k->n.exec_not_best + k->n.exec_not_oldest +
			k->n.exec_not_oldest_at_best, 0);
		assert_int_equal(k->n.p_outside_spread + k->n.exec_halted, 0);
		assert_int_equal(k->n.c_at_display + k->n.c_outside_spread +
			k->n.c_not_printable + k->n.c_not_strictly_inside, 0);
		assert_int_equal(k->n.crossed + k->n.locked, 0);
		assert_int_equal(k->n.unknown_ref, 0);
		assert_int_equal(k->n.tracking_zero + k->n.ts_backwards +
			k->n.ts_repeated, 0);
		assert_int_equal(k->n.before_start + k->n.after_end +
			k->n.market_before_s, 0);
		assert_int_equal(k->n.cross_open_outside +
			k->n.cross_close_outside + k->n.cross_halt_not_halted +
			k->n.noii_outside, 0);
		assert_true(k->q_ts >= TWC_HMS(9, 30, 0) &&
			k->q_ts < TWC_HMS(9, 30, 0) + 1000000);
		assert_true(k->m_ts >= TWC_HMS(16, 0, 0) &&
			k->m_ts < TWC_HMS(16, 0, 0) + 1000000);
		/* O S V Q M E C on each channel, once. */
		assert_int_equal(k->n.by_type['S'], 6);
		assert_int_equal(k->n.by_type['V'], 1);
		execs += k->n.execs;
		p += k->n.p;
		c_msgs += k->n.c;
	}
	print_message("executions %" PRIu64 ", P %" PRIu64 ", C %" PRIu64
		"\n", execs, p, c_msgs);
	assert_true(execs > 8000 && p > 1000 && c_msgs > 30);
}

/*
 * References unique day-wide across the two lcores (each channel its
 * own progression) and rising on every stock: the receiver's order
 * window (lib/itch tw_book_store.c) indexes them directly.
 */
static void
references_unique_and_rising_per_stock(void **state)
{
	struct lcores *d = *state;
	uint64_t i, dup = 0;

	qsort(d->refs, d->nb_refs, sizeof(d->refs[0]), cmp_u64);
	for (i = 1; i < d->nb_refs; i++)
		dup += d->refs[i] == d->refs[i - 1];
	print_message("%" PRIu64 " references\n", d->nb_refs);
	assert_true(d->nb_refs > TICKS / 3);
	assert_int_equal(dup, 0);
	assert_int_equal(d->ref_not_rising, 0);
}

/* Each model's truth books hold its own channels' stocks only. */
static void
each_truth_holds_its_own_stocks(void **state)
{
	struct lcores *d = *state;
	unsigned int i;

	for (i = 0; i < NB_LCORES; i++) {
		assert_int_equal(d->truth_own[i], NB_SYMBOLS / NB_LCORES);
		assert_int_equal(d->truth_other[i], 0);
	}
}

/* The mix of the two lcores' channels together: the day's. */
static void
the_mix_stays_the_days(void **state)
{
	static const struct {
		uint8_t type;
		double lo, hi, tol;
	} real[] = {
		{ 'A', 44, 44, 3 }, { 'D', 43, 43, 3 },
		{ 'X', 1.2, 1.7, 0.5 }, { 'F', 0.45, 0.9, 0.3 },
		{ 'P', 0.4, 0.4, 0.2 }, { 'C', 0.03, 0.05, 0.02 },
	};
	struct lcores *d = *state;
	uint64_t n[256] = { 0 }, msgs = 0;
	unsigned int ch, i, t;

	for (ch = 0; ch < NB_CH; ch++) {
		for (t = 0; t < 256; t++)
			n[t] += d->wire[ch].n.by_type[t];
		msgs += d->wire[ch].n.msgs;
	}
	for (i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		double pct = 100.0 * (double)n[real[i].type] / (double)msgs;

		print_message("%c %.3f %%\n", real[i].type, pct);
		assert_true(pct >= real[i].lo - real[i].tol);
		assert_true(pct <= real[i].hi + real[i].tol);
	}
	/* NOII about 1.26 % of each lcore's ticks, the model's default:
	 * its chance in the crosses' windows from its own channels'
	 * counts. */
	for (i = 0; i < NB_LCORES; i++) {
		uint64_t noii = 0, all = 0;

		for (ch = (uint16_t)i; ch < NB_CH; ch += NB_LCORES) {
			noii += d->wire[ch].n.by_type['I'];
			all += d->wire[ch].n.msgs;
		}
		print_message("lcore %u: I %.3f %%\n", i,
			100.0 * (double)noii / (double)all);
		assert_true(noii * 1000 > all * 8 && noii * 1000 < all * 18);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_channel_keeps_the_days_rules),
		cmocka_unit_test(references_unique_and_rising_per_stock),
		cmocka_unit_test(each_truth_holds_its_own_stocks),
		cmocka_unit_test(the_mix_stays_the_days),
	};

	return cmocka_run_group_tests(tests, make_lcores, free_lcores);
}
