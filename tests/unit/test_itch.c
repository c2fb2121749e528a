/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ITCH 5.0: every message type's size, the byte layout of each message
 * tickwire writes against the specification's tables (offsets and
 * values written out here by hand), timestamps across midnight, and
 * the order books against a plain reference book over a million random
 * operations (valid and not), compared after every one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tw_book.h"
#include "tw_itch.h"
#include "tw_itch_apply.h"
#include "tw_itch_rx.h"
#include "tw_test_rx.h"

static void
every_type_has_the_specification_size(void **state)
{
	static const struct { char type; unsigned int len; } spec[] = {
		{ 'S', 12 }, { 'R', 39 }, { 'H', 25 }, { 'Y', 20 },
		{ 'L', 26 }, { 'V', 35 }, { 'W', 12 }, { 'K', 28 },
		{ 'J', 35 }, { 'h', 21 }, { 'A', 36 }, { 'F', 40 },
		{ 'E', 31 }, { 'C', 36 }, { 'X', 23 }, { 'D', 19 },
		{ 'U', 35 }, { 'P', 44 }, { 'Q', 40 }, { 'B', 19 },
		{ 'I', 50 }, { 'N', 20 }, { 'O', 48 },
	};
	unsigned int i, types = 0;

	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		assert_int_equal(tw_itch_len[(uint8_t)spec[i].type],
			spec[i].len);
		assert_non_null(tw_itch_type_name((uint8_t)spec[i].type));
	}
	for (i = 0; i < 256; i++)
		types += tw_itch_len[i] != 0;
	assert_int_equal(types, sizeof(spec) / sizeof(spec[0]));
	assert_null(tw_itch_type_name('Z'));
}

/* The header: type, locate, tracking 0, 6-byte timestamp. */
static void
check_hdr(const uint8_t *m, char type, uint16_t locate, uint64_t ts)
{
	const uint8_t want[11] = { (uint8_t)type, locate >> 8, locate & 0xff,
		0, 0, (uint8_t)(ts >> 40), (uint8_t)(ts >> 32),
		(uint8_t)(ts >> 24), (uint8_t)(ts >> 16), (uint8_t)(ts >> 8),
		(uint8_t)ts };

	assert_memory_equal(m, want, sizeof(want));
}

static void
messages_have_the_specification_layout(void **state)
{
	const uint64_t ts = UINT64_C(0x0000123456789abc) & 0xffffffffffff;
	uint8_t m[64];

	/* Add Order: ref 8 @11, side @19, shares 4 @20, stock 8 @24,
	 * price 4 @32. */
	memset(m, 0xee, sizeof(m));
	tw_itch_add(m, 0x0102, ts, UINT64_C(0x1122334455667788), 'B', 300,
		"AAPL", 1234500, NULL);
	check_hdr(m, 'A', 0x0102, ts);
	assert_memory_equal(m + 11, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_int_equal(m[19], 'B');
	assert_memory_equal(m + 20, "\x00\x00\x01\x2c", 4);
	assert_memory_equal(m + 24, "AAPL    ", 8);
	assert_memory_equal(m + 32, "\x00\x12\xd6\x44", 4);
	assert_int_equal(m[36], 0xee);  /* 36 bytes, not one more */
	/* Add Order with MPID: the same and the attribution @36. */
	tw_itch_add(m, 7, ts, 5, 'S', 100, "MSFT", 10000, "TWMM");
	check_hdr(m, 'F', 7, ts);
	assert_memory_equal(m + 36, "TWMM", 4);
	/* Order Executed: ref @11, shares @19, match 8 @23. */
	memset(m, 0xee, sizeof(m));
	tw_itch_executed(m, 9, ts, 0x42, 200, UINT64_C(0x0a0b0c0d0e0f1011));
	check_hdr(m, 'E', 9, ts);
	assert_memory_equal(m + 11, "\0\0\0\0\0\0\0\x42", 8);
	assert_memory_equal(m + 19, "\x00\x00\x00\xc8", 4);
	assert_memory_equal(m + 23, "\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11", 8);
	assert_int_equal(m[31], 0xee);
	/* Executed with Price: printable @31, price @32. */
	tw_itch_executed_price(m, 9, ts, 0x42, 200, 1, 99, true);
	check_hdr(m, 'C', 9, ts);
	assert_int_equal(m[31], 'Y');
	assert_memory_equal(m + 32, "\x00\x00\x00\x63", 4);
	tw_itch_executed_price(m, 9, ts, 0x42, 200, 1, 99, false);
	assert_int_equal(m[31], 'N');
	/* Cancel: ref @11, cancelled shares @19. */
	tw_itch_cancel(m, 3, ts, 0x42, 0x01020304);
	check_hdr(m, 'X', 3, ts);
	assert_memory_equal(m + 19, "\x01\x02\x03\x04", 4);
	/* Delete: ref @11. */
	tw_itch_delete(m, 3, ts, 0x4243);
	check_hdr(m, 'D', 3, ts);
	assert_memory_equal(m + 11, "\0\0\0\0\0\0\x42\x43", 8);
	/* Replace: old ref @11, new ref @19, shares @27, price @31. */
	tw_itch_replace(m, 3, ts, 1, 2, 3, 4);
	check_hdr(m, 'U', 3, ts);
	assert_memory_equal(m + 11, "\0\0\0\0\0\0\0\x01", 8);
	assert_memory_equal(m + 19, "\0\0\0\0\0\0\0\x02", 8);
	assert_memory_equal(m + 27, "\0\0\0\x03", 4);
	assert_memory_equal(m + 31, "\0\0\0\x04", 4);
	/* Trade: ref @11, side @19, shares @20, stock @24, price @32,
	 * match @36. */
	tw_itch_trade(m, 4, ts, 0, 'S', 500, "TW000001", 777, 9);
	check_hdr(m, 'P', 4, ts);
	assert_int_equal(m[19], 'S');
	assert_memory_equal(m + 24, "TW000001", 8);
	assert_memory_equal(m + 32, "\0\0\x03\x09", 4);
	assert_memory_equal(m + 36, "\0\0\0\0\0\0\0\x09", 8);
	/* System Event: locate 0, event code @11. */
	tw_itch_system_event(m, ts, 'O');
	check_hdr(m, 'S', 0, ts);
	assert_int_equal(m[11], 'O');
	/* Stock Directory: stock @11, category @19, round lot @21 ... */
	memset(m, 0xee, sizeof(m));
	tw_itch_directory(m, 12, ts, "TW000011");
	check_hdr(m, 'R', 12, ts);
	assert_memory_equal(m + 11, "TW000011", 8);
	assert_memory_equal(m + 21, "\0\0\0\x64", 4);
	assert_int_equal(m[26], 'C');
	assert_int_equal(m[38], 'N');
	assert_int_equal(m[39], 0xee);
	/* Trading Action: stock @11, state @19, reason @21. */
	tw_itch_trading_action(m, 12, ts, "TW000011", 'T');
	check_hdr(m, 'H', 12, ts);
	assert_int_equal(m[19], 'T');
	assert_memory_equal(m + 21, "    ", 4);
	/* Readers give back what writers wrote. */
	assert_int_equal(tw_itch_timestamp(m), ts);
	assert_int_equal(tw_itch_locate(m), 12);
}

/*
 * What tickwire decodes but does not send, from bytes laid out by hand
 * after the specification: a Cross Trade (shares 8 bytes @11, stock
 * @19, cross price @27, match @31, cross type @39) counts in the last
 * trade and volume; a Broken Trade, an NOII, a Reg SHO, an MWCB decline
 * are counted as types that touch no book; an unknown type too, apart.
 */
static void
decoded_types_follow_the_specification(void **state)
{
	struct tw_book_params bp = { .nb_symbols = 4, .max_orders = 16,
		.pool_levels = 64, .hash_key = 3 };
	void *mem = aligned_alloc(64, (tw_books_memsize(&bp) + 63) / 64 * 64);
	struct tw_rx_counters ctr;
	struct tw_itch_sink s = { .books = tw_books_init(mem, &bp),
		.ctr = &ctr };
	uint8_t q[40] = { 'Q', 0, 2, 0, 0, 0, 0, 0, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 0x27, 0x10,           /* 10,000 shares */
		'B', 'B', 'B', ' ', ' ', ' ', ' ', ' ',
		0, 0x0f, 0x42, 0x40,                    /* 100.0000 */
		0, 0, 0, 0, 0, 0, 0, 9, 'O' };
	uint8_t m[64];

	memset(&ctr, 0, sizeof(ctr));
	tw_itch_directory(m, 2, 1, "BBB");
	assert_true(tw_itch_apply(&s, m, 1, 0));
	assert_true(tw_itch_apply(&s, q, 2, 0));
	assert_int_equal(s.books->sym[1].volume, 10000);
	assert_int_equal(s.books->sym[1].last_px, 1000000);
	assert_int_equal(ctr.book_msgs, 1);
	/* Broken Trade (19), NOII (50), Reg SHO (20), MWCB decline (35). */
	memset(m, 0, sizeof(m));
	m[0] = 'B';
	assert_true(tw_itch_apply(&s, m, 3, 0));
	m[0] = 'I';
	assert_true(tw_itch_apply(&s, m, 4, 0));
	m[0] = 'Y';
	assert_true(tw_itch_apply(&s, m, 5, 0));
	m[0] = 'V';
	assert_true(tw_itch_apply(&s, m, 6, 0));
	assert_int_equal(ctr.other_msgs, 4);
	m[0] = '~';
	assert_true(tw_itch_apply(&s, m, 7, 0));
	assert_int_equal(ctr.unknown_msgs, 1);
	assert_int_equal(s.books->sym[1].volume, 10000);
	free(mem);
}

static void
timestamps_find_their_midnight(void **state)
{
	const uint64_t day = TW_ITCH_NS_PER_DAY;
	const uint64_t now = 20000 * day + 3600 * UINT64_C(1000000000);

	/* An hour after midnight, stamped half an hour after. */
	assert_int_equal(tw_itch_ns_of(1800 * UINT64_C(1000000000), now),
		20000 * day + 1800 * UINT64_C(1000000000));
	/* Stamped a second before midnight, read just after it. */
	assert_int_equal(tw_itch_ns_of(day - UINT64_C(1000000000),
		20000 * day + 1000), 20000 * day - UINT64_C(1000000000));
	/* Stamped just after midnight, read just before (clocks apart). */
	assert_int_equal(tw_itch_ns_of(500, 20001 * day - 1000),
		20001 * day + 500);
}

/* ---- books against a reference ---- */

enum { SYMS = 8, UNKNOWN_SYM = 7, REFS = 4000, PX0 = 100, PXN = 41,
	MAX_ORDERS = 1500 };

/*
 * The prices operations take (PXN, ascending): PX0 + k (under $1: each
 * its own rung), or, in the ladders' run, prices a ladder holds (cents
 * from $1) mixed with prices none can (sub-penny from $1, 5,000 cents
 * or more away from the others, prices under $1 among cents), which go
 * to a side's overflow.
 */
static uint32_t px_of[PXN];

static const uint32_t px_ladders[PXN] = {
	5000, 9999, 10000, 10050, 10100, 10150, 10200, 10251, 10300, 10400,
	10500, 10600, 10700, 10800, 10900, 11000, 11100, 11200, 11300, 11400,
	11500, 11600, 11700, 11800, 11900, 12000, 12100, 12200, 12300, 12400,
	12500, 12600, 12700, 12800, 12900, 13000, 18000, 510000, 510100,
	4000000000u, 4294967295u,
};

/* The index of a price of px_of. */
static unsigned int
px_k(uint32_t price)
{
	unsigned int k = 0;

	while (px_of[k] != price)
		k++;
	return k;
}

struct ref_order {
	int active;
	uint32_t locate, price, shares;
	uint8_t side;
};

struct ref_book {
	struct ref_order o[REFS + 1];
	uint64_t lv_shares[SYMS][2][PXN];
	uint32_t lv_orders[SYMS][2][PXN];
	uint32_t live;
	uint32_t last_px[SYMS], last_sz[SYMS];
	uint64_t volume[SYMS];
};

static void
ref_take(struct ref_book *r, uint64_t ref, uint32_t shares)
{
	struct ref_order *o = &r->o[ref];

	r->lv_shares[o->locate][o->side][px_k(o->price)] -= shares;
	o->shares -= shares;
	if (o->shares == 0) {
		r->lv_orders[o->locate][o->side][px_k(o->price)]--;
		o->active = 0;
		r->live--;
	}
}

static enum tw_book_verdict
ref_add(struct ref_book *r, uint32_t l, uint64_t ref, uint8_t side,
		uint32_t shares, uint32_t price)
{
	if (ref == 0 || side > 1 || shares == 0)
		return TW_BOOK_BAD_FIELD;
	if (l == UNKNOWN_SYM)
		return TW_BOOK_NO_DIRECTORY;
	if (r->o[ref].active)
		return TW_BOOK_DUPLICATE_REF;
	if (r->live >= MAX_ORDERS)
		return TW_BOOK_STORE_FULL;
	r->o[ref] = (struct ref_order){ 1, l, price, shares, side };
	r->lv_shares[l][side][px_k(price)] += shares;
	r->lv_orders[l][side][px_k(price)]++;
	r->live++;
	return TW_BOOK_OK;
}

static enum tw_book_verdict
ref_resting(const struct ref_book *r, uint32_t l, uint64_t ref)
{
	if (ref == 0 || !r->o[ref].active)
		return TW_BOOK_UNKNOWN_ORDER;
	return r->o[ref].locate == l ? TW_BOOK_OK : TW_BOOK_WRONG_LOCATE;
}

/* The reference's verdict on taking shares of ref (execute, cancel). */
static enum tw_book_verdict
ref_takeable(const struct ref_book *r, uint32_t l, uint64_t ref,
		uint32_t shares)
{
	enum tw_book_verdict v = ref_resting(r, l, ref);

	if (v == TW_BOOK_OK && shares == 0)
		return TW_BOOK_BAD_FIELD;
	if (v == TW_BOOK_OK && shares > r->o[ref].shares)
		return TW_BOOK_TOO_MANY_SHARES;
	return v;
}

/* The book's levels of (l, side), best first, equal the reference's. */
static void
same_levels(const struct tw_books *b, const struct ref_book *r, uint32_t l)
{
	unsigned int side;

	for (side = 0; side < 2; side++) {
		struct tw_book_walk w;
		unsigned int k;

		tw_book_walk_init(&w, b, l, side);

		for (k = 0; k < PXN; k++) {
			/* Best first: bids from the top price, asks up. */
			unsigned int px = side == 0 ? PXN - 1 - k : k;
			const struct tw_book_level *lv;

			if (r->lv_orders[l][side][px] == 0)
				continue;
			lv = tw_book_walk_next(&w);
			assert_non_null(lv);
			assert_int_equal(lv->price, px_of[px]);
			assert_int_equal(lv->orders, r->lv_orders[l][side][px]);
			assert_int_equal(lv->shares, r->lv_shares[l][side][px]);
		}
		assert_null(tw_book_walk_next(&w));
	}
	assert_int_equal(b->sym[l].volume, r->volume[l]);
	assert_int_equal(b->sym[l].last_px, r->last_px[l]);
}

/* A million operations against the reference, at the prices px_of;
 * the invariants checked every check_every (0: never). */
static void
books_match_a_reference(unsigned int check_every)
{
	struct tw_book_params p = { .nb_symbols = SYMS,
		.max_orders = MAX_ORDERS, .pool_levels = 1 << 14,
		.hash_key = 0x1234567 };
	void *mem = aligned_alloc(64, (tw_books_memsize(&p) + 63) / 64 * 64);
	struct tw_books *b = tw_books_init(mem, &p);
	struct ref_book *r = calloc(1, sizeof(*r));
	unsigned int counts[TW_BOOK_VERDICTS] = { 0 };
	uint64_t x = 88172645463325252ull;
	unsigned int i, l, v;

	assert_non_null(b);
	for (l = 0; l < SYMS; l++)
		if (l != UNKNOWN_SYM)
			assert_int_equal(tw_book_directory(b, l, "TW000000"), 0);
	for (i = 0; i < 1000000; i++) {
		uint64_t ref, ref2;
		uint32_t shares, price;
		enum tw_book_verdict want, got;
		uint8_t side;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		l = (uint32_t)(x % SYMS);
		ref = (x >> 8) % (REFS + 1);
		ref2 = (x >> 24) % (REFS + 1);
		side = (uint8_t)((x >> 40) % 5 == 0 ? 2 + (x >> 41) % 3 :
			(x >> 43) & 1);
		shares = (uint32_t)((x >> 45) % 300);
		price = px_of[(x >> 54) % PXN];
		/* Mostly the order's own stock, so most operations apply. */
		if (r->o[ref].active && (x >> 61) != 0)
			l = r->o[ref].locate;
		if ((x >> 60) % 4 != 0 && shares > 0 && r->o[ref].active &&
		    shares > r->o[ref].shares)
			shares = 1 + shares % r->o[ref].shares;
		switch ((x >> 3) % 20) {
		case 0: case 1: case 2: case 3: case 4: case 5: case 6:
		case 7:
			want = ref_add(r, l, ref, side, shares, price);
			got = tw_book_add(b, l, ref, side, shares, price);
			break;
		case 8: case 9: case 10:
			want = ref_takeable(r, l, ref, shares);
			if (want == TW_BOOK_OK) {
				r->last_px[l] = r->o[ref].price;
				r->volume[l] += shares;
				ref_take(r, ref, shares);
			}
			got = tw_book_execute(b, l, ref, shares, 0, true);
			break;
		case 11: case 12: case 13:
			want = ref_takeable(r, l, ref, shares);
			if (want == TW_BOOK_OK)
				ref_take(r, ref, shares);
			got = tw_book_cancel(b, l, ref, shares);
			break;
		case 14: case 15: case 16:
			want = ref_resting(r, l, ref);
			if (want == TW_BOOK_OK)
				ref_take(r, ref, r->o[ref].shares);
			got = tw_book_delete(b, l, ref);
			break;
		default:
			want = ref_resting(r, l, ref);
			if (want == TW_BOOK_OK && (ref2 == 0 || shares == 0))
				want = TW_BOOK_BAD_FIELD;
			else if (want == TW_BOOK_OK && ref2 != ref &&
				 r->o[ref2].active)
				want = TW_BOOK_DUPLICATE_REF;
			if (want == TW_BOOK_OK) {
				side = r->o[ref].side;
				ref_take(r, ref, r->o[ref].shares);
				want = ref_add(r, l, ref2, side, shares, price);
			}
			got = tw_book_replace(b, l, ref, ref2, shares, price);
			break;
		}
		if (got != want)
			fail_msg("operation %u: %s, the reference says %s", i,
				tw_book_verdict_name(got),
				tw_book_verdict_name(want));
		counts[got]++;
		assert_int_equal(b->live, r->live);
		same_levels(b, r, l);
		if (check_every != 0 && i % check_every == 0) {
			char why[160];

			if (tw_books_check(b, why, sizeof(why)) != 0)
				fail_msg("operation %u: %s", i, why);
		}
	}
	for (l = 0; l < SYMS; l++)
		same_levels(b, r, l);
	for (v = 0; v < TW_BOOK_VERDICTS; v++)
		print_message("%-16s %u\n", tw_book_verdict_name(v), counts[v]);
	print_message("levels kept out of the ladders %" PRIu64 ", ladders "
		"grown %" PRIu64 "\n", b->ovf_levels, b->lad_grown);
	/* The ladders' run: prices no ladder holds went to the overflow,
	 * and ladders grew for the far ones. */
	if (px_of[0] != PX0) {
		assert_true(b->ovf_levels > 0);
		assert_true(b->lad_grown > 0);
	}
	/* Every verdict but levels_full came up (the pool is ample). */
	for (v = 0; v < TW_BOOK_VERDICTS; v++)
		if (v != TW_BOOK_LEVELS_FULL)
			assert_true(counts[v] > 0);
	free(r);
	free(mem);
}

static void
books_match_a_reference_over_a_million_operations(void **state)
{
	unsigned int k;

	for (k = 0; k < PXN; k++)
		px_of[k] = PX0 + k;
	books_match_a_reference(0);
}

/* The same where many prices are none a ladder holds (the overflow) or
 * far apart (ladders grown), every invariant checked as it goes. */
static void
books_match_a_reference_at_prices_no_ladder_holds(void **state)
{
	memcpy(px_of, px_ladders, sizeof(px_of));
	books_match_a_reference(20000);
}

/* The reference's best price index of (l, side), or PXN when empty. */
static unsigned int
ref_best(const struct ref_book *r, uint32_t l, unsigned int side)
{
	unsigned int k;

	for (k = 0; k < PXN; k++) {
		unsigned int px = side == 0 ? PXN - 1 - k : k;

		if (r->lv_orders[l][side][px] != 0)
			return px;
	}
	return PXN;
}

/*
 * Hostile prices for the ladders: 41 prices 97 rungs apart (3,880
 * rungs: the largest ladder, 4,096, wrapped round as the best moves),
 * a few levels of each side filled at random, then the best emptied
 * again and again (now and then an order added back, a better one
 * too) until the side is empty: the next best found in the bitmap each
 * time, the books equal to the reference's at every step and every
 * invariant checked (tw_books_check: the bitmap against the rungs).
 * In cents from $1 and in price units under $1 (a rung a unit).
 */
static void
the_best_emptied_again_and_again_over_sparse_wide_ladders(void **state)
{
	static const uint32_t base[2] = { 1000000, 100 };
	static const uint32_t step[2] = { 9700, 97 };
	struct tw_book_params p = { .nb_symbols = SYMS,
		.max_orders = MAX_ORDERS, .pool_levels = 1 << 16,
		.hash_key = 0x1234567 };
	void *mem = aligned_alloc(64, (tw_books_memsize(&p) + 63) / 64 * 64);
	struct ref_book *r = calloc(1, sizeof(*r));
	uint64_t x = 88172645463325252ull, taken = 0;
	unsigned int set, round, k, l, side;
	char why[160];

	for (set = 0; set < 2; set++) {
		struct tw_books *b = tw_books_init(mem, &p);

		assert_non_null(b);
		memset(r, 0, sizeof(*r));
		for (k = 0; k < PXN; k++)
			px_of[k] = base[set] + k * step[set];
		for (l = 0; l < SYMS; l++)
			if (l != UNKNOWN_SYM)
				tw_book_directory(b, l, "TW000000");
		for (round = 0; round < 150; round++) {
			uint64_t ref = 1, q;

			for (l = 0; l < UNKNOWN_SYM; l++) {
				for (side = 0; side < 2; side++) {
					unsigned int n = 1 + (x >> 5) % 40;

					for (k = 0; k < n; k++, ref++) {
						x ^= x << 13;
						x ^= x >> 7;
						x ^= x << 17;
						assert_int_equal(ref_add(r, l, ref,
							side, 100, px_of[x %
							PXN]), TW_BOOK_OK);
						assert_int_equal(tw_book_add(b,
							l, ref, side, 100,
							px_of[x % PXN]),
							TW_BOOK_OK);
					}
				}
			}
			for (l = 0; l < UNKNOWN_SYM; l++) {
				for (side = 0; side < 2; side++) {
					unsigned int px;

					same_levels(b, r, l);
					while ((px = ref_best(r, l, side)) <
							PXN) {
						const struct tw_book_level *lv;

						for (q = 1; !r->o[q].active ||
						     r->o[q].locate != l ||
						     r->o[q].side != side ||
						     r->o[q].price != px_of[px];
						     q++)
							;
						ref_take(r, q, r->o[q].shares);
						assert_int_equal(tw_book_delete(
							b, l, q), TW_BOOK_OK);
						taken++;
						x ^= x << 13;
						x ^= x >> 7;
						x ^= x << 17;
						if (x % 4 == 0 && ref < REFS) {
							ref_add(r, l, ref, side,
								7, px_of[(x >>
								8) % PXN]);
							assert_int_equal(
								tw_book_add(b,
								l, ref, side, 7,
								px_of[(x >> 8) %
								PXN]),
								TW_BOOK_OK);
							ref++;
						}
						px = ref_best(r, l, side);
						lv = tw_book_best(b, l, side);
						if (px == PXN) {
							assert_null(lv);
							continue;
						}
						assert_non_null(lv);
						assert_int_equal(lv->price,
							px_of[px]);
						assert_int_equal(lv->orders,
							r->lv_orders[l][side]
							[px]);
						assert_int_equal(b->sym[l]
							.top_px[side],
							px_of[px]);
					}
					same_levels(b, r, l);
				}
			}
			if (round % 10 == 0 &&
			    tw_books_check(b, why, sizeof(why)) != 0)
				fail_msg("set %u round %u: %s", set, round,
					why);
		}
		assert_int_equal(b->live, 0);
		assert_int_equal(r->live, 0);
		assert_int_equal(tw_books_check(b, why, sizeof(why)), 0);
		/* The ladders spanned more than their first block. */
		assert_true(b->lad_grown > 0);
		assert_int_equal(b->ovf_levels, 0);
	}
	print_message("bests emptied %" PRIu64 "\n", taken);
	free(r);
	free(mem);
}

/* A pool too small for a new level refuses it and changes nothing. */
static void
a_full_level_pool_refuses_whole(void **state)
{
	struct tw_book_params p = { .nb_symbols = 2, .max_orders = 100,
		.pool_levels = 8, .hash_key = 1 };
	void *mem = aligned_alloc(64, (tw_books_memsize(&p) + 63) / 64 * 64);
	struct tw_books *b = tw_books_init(mem, &p);
	unsigned int i;

	tw_book_directory(b, 0, "A");
	tw_book_directory(b, 1, "B");
	for (i = 0; i < 8; i++)
		assert_int_equal(tw_book_add(b, 0, i + 1, TW_BOOK_BID, 10,
			100 + i), TW_BOOK_OK);
	/* A ninth level would need a block of 16: the pool has none. */
	assert_int_equal(tw_book_add(b, 0, 50, TW_BOOK_BID, 10, 200),
		TW_BOOK_LEVELS_FULL);
	assert_int_equal(tw_book_add(b, 1, 51, TW_BOOK_ASK, 10, 200),
		TW_BOOK_LEVELS_FULL);
	assert_null(tw_book_find(b, 50));
	assert_int_equal(b->live, 8);
	/* An existing level still takes orders. */
	assert_int_equal(tw_book_add(b, 0, 52, TW_BOOK_BID, 5, 107),
		TW_BOOK_OK);
	assert_int_equal(tw_book_best(b, 0, TW_BOOK_BID)->shares, 15);
	/* A replace onto a new level is refused before the old goes. */
	assert_int_equal(tw_book_replace(b, 0, 1, 60, 10, 300),
		TW_BOOK_LEVELS_FULL);
	assert_non_null(tw_book_find(b, 1));
	free(mem);
}

/*
 * A side keeps its overflow's block when the overflow empties: at a
 * full pool, a price no ladder holds is taken again and again, and a
 * replace of the overflow's only order onto another such price (checked
 * for room while that order still rests) applies.
 */
static void
an_emptied_overflow_keeps_its_block(void **state)
{
	struct tw_book_params p = { .nb_symbols = 1, .max_orders = 16,
		.pool_levels = 16, .hash_key = 1 };
	void *mem = aligned_alloc(64, (tw_books_memsize(&p) + 63) / 64 * 64);
	struct tw_books *b = tw_books_init(mem, &p);
	char why[160];
	unsigned int i;

	tw_book_directory(b, 0, "A");
	/* A ladder of 8 rungs (under $1: a rung a price unit), then a
	 * price 100,000 rungs away: the overflow's block fills the pool. */
	assert_int_equal(tw_book_add(b, 0, 1, TW_BOOK_BID, 10, 100),
		TW_BOOK_OK);
	for (i = 0; i < 10; i++) {
		assert_int_equal(tw_book_add(b, 0, 2 + i, TW_BOOK_BID, 5,
			100100), TW_BOOK_OK);
		assert_int_equal(tw_book_delete(b, 0, 2 + i), TW_BOOK_OK);
	}
	assert_int_equal(b->pool_used, 16);
	assert_int_equal(tw_book_add(b, 0, 20, TW_BOOK_BID, 5, 100100),
		TW_BOOK_OK);
	assert_int_equal(tw_book_replace(b, 0, 20, 21, 7, 200200),
		TW_BOOK_OK);
	assert_int_equal(tw_book_best(b, 0, TW_BOOK_BID)->price, 200200);
	assert_int_equal(tw_book_best(b, 0, TW_BOOK_BID)->shares, 7);
	assert_int_equal(b->ovf_levels, 12);
	assert_int_equal(tw_books_check(b, why, sizeof(why)), 0);
	free(mem);
}

/* ---- hostile frames through the RX burst ---- */

struct itch_rx {
	struct tt_rx rx;
	struct tw_books *books;
	void *mem;
	uint64_t seq[TT_CHANNELS];
	uint8_t frame[TT_FRAME_MAX];
};

static void
itch_rx_init(struct itch_rx *r, uint64_t max_orders)
{
	struct tw_book_params bp = { .nb_symbols = TT_SYMBOLS,
		.max_orders = max_orders, .pool_levels = 4096,
		.hash_key = 7 };
	unsigned int c;

	assert_int_equal(tt_rx_init(&r->rx, 0, TT_SYMBOLS, TW_SIMD_SCALAR),
		0);
	assert_int_equal(tw_itch_rx_init(&r->rx.ctx, &r->rx.feed,
		r->rx.cache, r->rx.ch, &r->rx.ctr, TW_SIMD_SCALAR), 0);
	r->mem = aligned_alloc(64, (tw_books_memsize(&bp) + 63) / 64 * 64);
	r->books = tw_books_init(r->mem, &bp);
	assert_non_null(r->books);
	r->rx.ctx.proto_state = r->books;
	for (c = 0; c < TT_CHANNELS; c++)
		r->seq[c] = 1;
}

static void
itch_rx_fini(struct itch_rx *r)
{
	tt_rx_fini(&r->rx);
	free(r->mem);
}

/*
 * A frame of channel ch holding n messages (each given with its length,
 * which may be wrong on purpose) at the channel's next sequence, into
 * the burst. The sequence moves on only when accepted is expected.
 */
static void
itch_send(struct itch_rx *r, uint16_t ch, const uint8_t *const *msgs,
		const uint16_t *lens, unsigned int n, bool accepted)
{
	struct tw_frame_params fp;
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	uint64_t before = r->rx.ctr.pkts_accepted;
	uint16_t len;
	unsigned int i;

	tt_frame_params(&fp, 0);
	tw_pkt_tmpl_init(&t, &fp, ch);
	tw_pkt_open(&b, &t, r->frame, r->seq[ch], 0);
	for (i = 0; i < n; i++)
		memcpy(tw_pkt_reserve(&b, &t, lens[i]), msgs[i], lens[i]);
	len = tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
	tw_itch_rx_frame(&r->rx.ctx, r->frame, len, 0, 1000);
	assert_int_equal(r->rx.ctr.pkts_accepted - before, accepted ? 1 : 0);
	if (accepted)
		r->seq[ch] += n;
}

static void
itch_one(struct itch_rx *r, uint16_t ch, const uint8_t *m, bool accepted)
{
	uint16_t len = tw_itch_len[m[0]];

	itch_send(r, ch, &m, &len, 1, accepted);
}

/*
 * Each kind of bad input the issue names, sent to the RX burst: counted
 * under its own reason, the book unchanged (its digest and top of book
 * the same after as before), the cache entry unchanged, no crash.
 */
static void
hostile_messages_are_counted_and_change_nothing(void **state)
{
	struct itch_rx *r = calloc(1, sizeof(*r));
	uint8_t m[64], m2[64];
	const uint8_t *two[2] = { m, m2 };
	uint16_t lens[2];
	uint64_t digest;
	struct tw_cache_entry before;
	unsigned int i;

	itch_rx_init(r, 8);
	/* Stock locate 1 is cache locate 0, channel 0; locate 5 too. */
	tw_itch_directory(m, 1, 1, "AAA");
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.ctr.directories, 1);
	tw_itch_add(m, 1, 2, 10, 'B', 100, "AAA", 1000000, NULL);
	itch_one(r, 0, m, true);
	tw_itch_add(m, 1, 2, 11, 'S', 300, "AAA", 1000100, "MMID");
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.ctr.book_msgs, 2);
	assert_int_equal(r->rx.cache->entries[0].bid_px, 1000000);
	assert_int_equal(r->rx.cache->entries[0].ask_sz, 300);
	digest = tw_book_digest(r->books, 0);
	before = r->rx.cache->entries[0];

	/* Execute, cancel, delete, replace of an unknown order. */
	tw_itch_executed(m, 1, 3, 99, 100, 1);
	itch_one(r, 0, m, true);
	tw_itch_cancel(m, 1, 3, 99, 100);
	itch_one(r, 0, m, true);
	tw_itch_delete(m, 1, 3, 99);
	itch_one(r, 0, m, true);
	tw_itch_replace(m, 1, 3, 99, 100, 100, 1000000);
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.ctr.book_refused[TW_BOOK_UNKNOWN_ORDER], 4);
	/* Shares beyond the order's remainder. */
	tw_itch_executed(m, 1, 3, 10, 101, 1);
	itch_one(r, 0, m, true);
	tw_itch_cancel(m, 1, 3, 11, 301);
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.ctr.book_refused[TW_BOOK_TOO_MANY_SHARES], 2);
	/* A reference already resting, by an add and by a replace. */
	tw_itch_add(m, 1, 3, 10, 'S', 100, "AAA", 1000100, NULL);
	itch_one(r, 0, m, true);
	tw_itch_replace(m, 1, 3, 10, 11, 100, 1000000);
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.ctr.book_refused[TW_BOOK_DUPLICATE_REF], 2);
	/* A locate without a directory (cache locate 4, channel 0). */
	tw_itch_add(m, 5, 3, 20, 'B', 100, "BBB", 1000000, NULL);
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.ctr.book_refused[TW_BOOK_NO_DIRECTORY], 1);
	/* An order of another stock named with this one's locate. */
	tw_itch_directory(m, 5, 3, "BBB");
	itch_one(r, 0, m, true);
	tw_itch_delete(m, 5, 3, 10);
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.ctr.book_refused[TW_BOOK_WRONG_LOCATE], 1);
	/* A side that is neither B nor S, zero shares. */
	tw_itch_add(m, 1, 3, 30, 'Q', 100, "AAA", 1000000, NULL);
	itch_one(r, 0, m, true);
	tw_itch_add(m, 1, 3, 31, 'B', 0, "AAA", 1000000, NULL);
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.ctr.book_refused[TW_BOOK_BAD_FIELD], 2);
	assert_int_equal(tw_book_digest(r->books, 0), digest);
	assert_memory_equal(&r->rx.cache->entries[0], &before,
		sizeof(before));

	/* The store at capacity (8 orders): the ninth is refused. */
	for (i = 0; i < 6; i++) {
		tw_itch_add(m, 5, 4, 40 + i, 'B', 100, "BBB", 900000 - i * 100,
			NULL);
		itch_one(r, 0, m, true);
	}
	assert_int_equal(r->books->live, 8);
	tw_itch_add(m, 5, 4, 50, 'B', 100, "BBB", 800000, NULL);
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.ctr.book_refused[TW_BOOK_STORE_FULL], 1);
	assert_int_equal(r->books->live, 8);

	/* An unknown type is skipped by its block length, counted. */
	memset(m, 0, sizeof(m));
	m[0] = 'z';
	lens[0] = 17;
	itch_send(r, 0, two, lens, 1, true);
	assert_int_equal(r->rx.ctr.unknown_msgs, 1);

	/* A frame with one message of a wrong size: nothing in it applies,
	 * not even the good message before it. */
	tw_itch_delete(m, 1, 5, 10);
	lens[0] = tw_itch_len['D'];
	tw_itch_cancel(m2, 1, 5, 11, 100);
	lens[1] = 22;
	itch_send(r, 0, two, lens, 2, false);
	assert_int_equal(r->rx.ctr.drops[TW_DROP_BAD_MSG_LEN], 1);
	assert_int_equal(tw_book_digest(r->books, 0), digest);
	/* A stock of channel 1 in a frame of channel 0. */
	tw_itch_add(m, 2, 5, 60, 'B', 100, "CCC", 1000000, NULL);
	itch_one(r, 0, m, false);
	assert_int_equal(r->rx.ctr.drops[TW_DROP_WRONG_CHANNEL], 1);
	/* A locate beyond the cache. */
	tw_itch_add(m, TT_SYMBOLS + 1, 5, 61, 'B', 100, "DDD", 1, NULL);
	itch_one(r, 0, m, false);
	assert_int_equal(r->rx.ctr.drops[TW_DROP_BAD_LOCATE], 1);
	/* A directory with a blank stock. */
	tw_itch_directory(m, 9, 5, "");
	itch_one(r, 0, m, false);
	assert_int_equal(tw_book_digest(r->books, 0), digest);

	/* And what is valid still applies after all that. */
	tw_itch_delete(m, 1, 6, 10);
	itch_one(r, 0, m, true);
	assert_int_equal(r->rx.cache->entries[0].bid_px, 0);
	itch_rx_fini(r);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_type_has_the_specification_size),
		cmocka_unit_test(messages_have_the_specification_layout),
		cmocka_unit_test(decoded_types_follow_the_specification),
		cmocka_unit_test(timestamps_find_their_midnight),
		cmocka_unit_test(
			books_match_a_reference_over_a_million_operations),
		cmocka_unit_test(
			books_match_a_reference_at_prices_no_ladder_holds),
		cmocka_unit_test(
		    the_best_emptied_again_and_again_over_sparse_wide_ladders),
		cmocka_unit_test(a_full_level_pool_refuses_whole),
		cmocka_unit_test(an_emptied_overflow_keeps_its_block),
		cmocka_unit_test(
			hostile_messages_are_counted_and_change_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
