/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0 market-by-price books (lib/mdp3/tw_mdp3_book.c): each
 * update action against the book management rules, level by level
 * (levels shifting down on a New and the one past the depth falling
 * off, up on a Delete and a DeleteFrom, a side emptied by DeleteThru,
 * replaced by Overlay); every refusal named and the book left byte for
 * byte as it was; trades and volume; the digest of known bytes computed
 * here independently; the CSV row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tw_mdp3.h"
#include "tw_mdp3_book.h"

#define BID TW_MDP3_SIDE_BID
#define ASK TW_MDP3_SIDE_ASK
#define PX(t) ((int64_t)(t) * 250000000LL)     /* ticks of 0.25 */

static void
new_book(struct tw_mdp3_book *b)
{
	char sym[TW_MDP3_SYMBOL_LEN] = "ESZ6";

	tw_mdp3_book_init(b, 3);
	tw_mdp3_book_define(b, TW_MDP3_SECID_BASE + 3, sym, PX(1),
		1000000000LL);
}

static int
up(struct tw_mdp3_book *b, int side, int action, unsigned int level,
		int64_t px, int32_t qty, int32_t orders)
{
	return (int)tw_mdp3_book_update(b, side, (uint8_t)action, level, px,
		qty, orders);
}

/* Side s holds exactly the prices given (0-terminated), qty = orders. */
static void
expect_side(const struct tw_mdp3_book *b, int s, const int64_t *ticks)
{
	const struct tw_mdp3_level *lv = tw_mdp3_book_clevels(b, s);
	unsigned int i, n = 0;

	while (ticks[n] != 0)
		n++;
	assert_int_equal(tw_mdp3_book_count(b, s), n);
	for (i = 0; i < TW_MDP3_DEPTH; i++) {
		if (i < n) {
			assert_int_equal(lv[i].px, PX(ticks[i]));
		} else {
			assert_int_equal(lv[i].px, 0);
			assert_int_equal(lv[i].qty, 0);
			assert_int_equal(lv[i].orders, 0);
		}
	}
}

static void
fill_bids(struct tw_mdp3_book *b, unsigned int n)
{
	unsigned int i;

	for (i = 1; i <= n; i++)
		assert_int_equal(up(b, BID, TW_MDP3_NEW, i, PX(100 - i),
			(int32_t)i, 1), TW_MDP3_BOOK_OK);
}

static void
new_inserts_and_shifts_down(void **state)
{
	struct tw_mdp3_book b;

	(void)state;
	new_book(&b);
	assert_int_equal(up(&b, BID, TW_MDP3_NEW, 1, PX(98), 5, 2), 0);
	assert_int_equal(up(&b, BID, TW_MDP3_NEW, 2, PX(96), 5, 2), 0);
	/* In between: level 2 pushes 96 down to 3. */
	assert_int_equal(up(&b, BID, TW_MDP3_NEW, 2, PX(97), 7, 3), 0);
	expect_side(&b, BID, (const int64_t[]){ 98, 97, 96, 0 });
	assert_int_equal(b.bid[1].qty, 7);
	assert_int_equal(b.bid[1].orders, 3);
	/* A better bid at 1 pushes all down. */
	assert_int_equal(up(&b, BID, TW_MDP3_NEW, 1, PX(99), 1, 1), 0);
	expect_side(&b, BID, (const int64_t[]){ 99, 98, 97, 96, 0 });
	/* Asks rise. */
	assert_int_equal(up(&b, ASK, TW_MDP3_NEW, 1, PX(101), 4, 1), 0);
	assert_int_equal(up(&b, ASK, TW_MDP3_NEW, 1, PX(100), 4, 1), 0);
	expect_side(&b, ASK, (const int64_t[]){ 100, 101, 0 });
	expect_side(&b, BID, (const int64_t[]){ 99, 98, 97, 96, 0 });
}

static void
new_past_depth_falls_off(void **state)
{
	struct tw_mdp3_book b;

	(void)state;
	new_book(&b);
	fill_bids(&b, TW_MDP3_DEPTH);
	expect_side(&b, BID, (const int64_t[]){ 99, 98, 97, 96, 95, 94, 93,
		92, 91, 90, 0 });
	/* A new level 1: 90 falls off the bottom. */
	assert_int_equal(up(&b, BID, TW_MDP3_NEW, 1, PX(100), 1, 1), 0);
	expect_side(&b, BID, (const int64_t[]){ 100, 99, 98, 97, 96, 95, 94,
		93, 92, 91, 0 });
	/* A new level at the depth replaces the last one only. */
	assert_int_equal(up(&b, BID, TW_MDP3_NEW, TW_MDP3_DEPTH, PX(92) - 1,
		1, 1), 0);
	assert_int_equal(b.bid[9].px, PX(92) - 1);
	assert_int_equal(b.n_bid, TW_MDP3_DEPTH);
}

static void
change_delete_overlay(void **state)
{
	struct tw_mdp3_book b;

	(void)state;
	new_book(&b);
	fill_bids(&b, 5);
	/* Change: quantity and orders, price stays. */
	assert_int_equal(up(&b, BID, TW_MDP3_CHANGE, 3, PX(97), 40, 9), 0);
	assert_int_equal(b.bid[2].px, PX(97));
	assert_int_equal(b.bid[2].qty, 40);
	assert_int_equal(b.bid[2].orders, 9);
	/* Delete 2: 97, 96, 95 move up; level 5 emptied. */
	assert_int_equal(up(&b, BID, TW_MDP3_DELETE, 2, 0, 0, 0), 0);
	expect_side(&b, BID, (const int64_t[]){ 99, 97, 96, 95, 0 });
	assert_int_equal(b.bid[1].qty, 40);
	/* Delete the last level. */
	assert_int_equal(up(&b, BID, TW_MDP3_DELETE, 4, 0, 0, 0), 0);
	expect_side(&b, BID, (const int64_t[]){ 99, 97, 96, 0 });
	/* Overlay: a whole level replaced, price included. */
	assert_int_equal(up(&b, BID, TW_MDP3_OVERLAY, 2, PX(98), 3, 1), 0);
	expect_side(&b, BID, (const int64_t[]){ 99, 98, 96, 0 });
	assert_int_equal(b.bid[1].qty, 3);
	/* Null order count is 0. */
	assert_int_equal(up(&b, BID, TW_MDP3_CHANGE, 1, PX(99), 8,
		TW_MDP3_INT32_NULL), 0);
	assert_int_equal(b.bid[0].orders, 0);
}

static void
delete_from_and_thru(void **state)
{
	struct tw_mdp3_book b;

	(void)state;
	new_book(&b);
	fill_bids(&b, 6);
	/* DeleteFrom 2: levels 1 and 2 gone, the rest up two. */
	assert_int_equal(up(&b, BID, TW_MDP3_DELETE_FROM, 2, 0, 0, 0), 0);
	expect_side(&b, BID, (const int64_t[]){ 97, 96, 95, 94, 0 });
	assert_int_equal(b.bid[0].qty, 3);
	/* DeleteFrom the last level in use: the side empties. */
	assert_int_equal(up(&b, BID, TW_MDP3_DELETE_FROM, 4, 0, 0, 0), 0);
	expect_side(&b, BID, (const int64_t[]){ 0 });
	fill_bids(&b, 3);
	assert_int_equal(up(&b, ASK, TW_MDP3_NEW, 1, PX(101), 1, 1), 0);
	/* DeleteThru: the whole side, whatever its level says; the other
	 * side stays. */
	assert_int_equal(up(&b, BID, TW_MDP3_DELETE_THRU, 0, 0, 0, 0), 0);
	expect_side(&b, BID, (const int64_t[]){ 0 });
	expect_side(&b, ASK, (const int64_t[]){ 101, 0 });
	assert_int_equal(up(&b, BID, TW_MDP3_DELETE_THRU, 1, 0, 0, 0), 0);
}

/* Each bad update refused with its verdict, the book unchanged. */
static void
refusals_leave_the_book(void **state)
{
	static const struct {
		int side, action;
		unsigned int level;
		int64_t px;
		int32_t qty, orders;
		int verdict;
	} bad[] = {
		{ BID, TW_MDP3_NEW, 0, PX(90), 1, 1, TW_MDP3_BOOK_BAD_LEVEL },
		{ BID, TW_MDP3_NEW, 11, PX(90), 1, 1, TW_MDP3_BOOK_BAD_LEVEL },
		{ BID, TW_MDP3_CHANGE, 255, PX(90), 1, 1,
			TW_MDP3_BOOK_BAD_LEVEL },
		{ BID, TW_MDP3_DELETE, 0, 0, 0, 0, TW_MDP3_BOOK_BAD_LEVEL },
		{ BID, TW_MDP3_DELETE_FROM, 11, 0, 0, 0,
			TW_MDP3_BOOK_BAD_LEVEL },
		{ BID, TW_MDP3_NEW, 5, PX(90), 1, 1, TW_MDP3_BOOK_HOLE },
		{ BID, TW_MDP3_DELETE, 4, 0, 0, 0, TW_MDP3_BOOK_EMPTY_LEVEL },
		{ ASK, TW_MDP3_DELETE, 2, 0, 0, 0, TW_MDP3_BOOK_EMPTY_LEVEL },
		{ BID, TW_MDP3_CHANGE, 4, PX(96), 1, 1,
			TW_MDP3_BOOK_EMPTY_LEVEL },
		{ BID, TW_MDP3_OVERLAY, 4, PX(96), 1, 1,
			TW_MDP3_BOOK_EMPTY_LEVEL },
		{ BID, TW_MDP3_DELETE_FROM, 4, 0, 0, 0,
			TW_MDP3_BOOK_EMPTY_LEVEL },
		{ BID, 6, 1, PX(99), 1, 1, TW_MDP3_BOOK_BAD_ACTION },
		{ BID, 255, 1, PX(99), 1, 1, TW_MDP3_BOOK_BAD_ACTION },
		{ 2, TW_MDP3_NEW, 1, PX(99), 1, 1, TW_MDP3_BOOK_BAD_ACTION },
		{ BID, TW_MDP3_NEW, 1, TW_MDP3_PRICE_NULL, 1, 1,
			TW_MDP3_BOOK_BAD_FIELD },
		{ BID, TW_MDP3_NEW, 1, PX(100), 0, 1, TW_MDP3_BOOK_BAD_FIELD },
		{ BID, TW_MDP3_NEW, 1, PX(100), -3, 1,
			TW_MDP3_BOOK_BAD_FIELD },
		{ BID, TW_MDP3_NEW, 1, PX(100), TW_MDP3_INT32_NULL, 1,
			TW_MDP3_BOOK_BAD_FIELD },
		{ BID, TW_MDP3_NEW, 1, PX(100), 1, -1,
			TW_MDP3_BOOK_BAD_FIELD },
		{ BID, TW_MDP3_CHANGE, 1, PX(99), 0, 1,
			TW_MDP3_BOOK_BAD_FIELD },
		{ BID, TW_MDP3_OVERLAY, 1, TW_MDP3_PRICE_NULL, 1, 1,
			TW_MDP3_BOOK_BAD_FIELD },
		{ BID, TW_MDP3_CHANGE, 2, PX(99), 1, 1,
			TW_MDP3_BOOK_PRICE_CHANGED },
		/* a bid above level 1 inserted at 2, equal prices, ... */
		{ BID, TW_MDP3_NEW, 2, PX(100), 1, 1,
			TW_MDP3_BOOK_OUT_OF_ORDER },
		{ BID, TW_MDP3_NEW, 2, PX(98), 1, 1,
			TW_MDP3_BOOK_OUT_OF_ORDER },
		{ BID, TW_MDP3_NEW, 2, PX(99), 1, 1,
			TW_MDP3_BOOK_OUT_OF_ORDER },
		{ BID, TW_MDP3_NEW, 4, PX(98), 1, 1,
			TW_MDP3_BOOK_OUT_OF_ORDER },
		{ BID, TW_MDP3_OVERLAY, 2, PX(97), 1, 1,
			TW_MDP3_BOOK_OUT_OF_ORDER },
		{ BID, TW_MDP3_OVERLAY, 2, PX(99), 1, 1,
			TW_MDP3_BOOK_OUT_OF_ORDER },
		{ BID, TW_MDP3_OVERLAY, 3, PX(98), 1, 1,
			TW_MDP3_BOOK_OUT_OF_ORDER },
		{ ASK, TW_MDP3_NEW, 2, PX(100), 1, 1,
			TW_MDP3_BOOK_OUT_OF_ORDER },
		{ ASK, TW_MDP3_NEW, 1, PX(102), 1, 1,
			TW_MDP3_BOOK_OUT_OF_ORDER },
	};
	struct tw_mdp3_book b, before;
	unsigned int k;

	(void)state;
	new_book(&b);
	fill_bids(&b, 3);       /* 99 98 97 */
	assert_int_equal(up(&b, ASK, TW_MDP3_NEW, 1, PX(101), 1, 1), 0);
	tw_mdp3_book_trade(&b, PX(100), 2);
	b.rpt_seq = 77;
	before = b;
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		int v = up(&b, bad[k].side, bad[k].action, bad[k].level,
			bad[k].px, bad[k].qty, bad[k].orders);

		if (v != bad[k].verdict)
			fail_msg("case %u: verdict %d (%s), want %d", k, v,
				tw_mdp3_book_verdict_name(v), bad[k].verdict);
		assert_int_equal(tw_mdp3_book_check(&before, bad[k].side,
			(uint8_t)bad[k].action, bad[k].level, bad[k].px,
			bad[k].qty, bad[k].orders), bad[k].verdict);
		assert_memory_equal(&b, &before, sizeof(b));
	}
	/* The same updates done right apply. */
	assert_int_equal(up(&b, BID, TW_MDP3_NEW, 4, PX(96), 1, 1), 0);
	assert_int_equal(up(&b, ASK, TW_MDP3_NEW, 1, PX(100), 1, 1), 0);
}

static void
trades_and_volume(void **state)
{
	struct tw_mdp3_book b;
	uint64_t digest;

	(void)state;
	new_book(&b);
	fill_bids(&b, 2);
	digest = tw_mdp3_book_digest(&b);
	tw_mdp3_book_trade(&b, PX(99), 5);
	tw_mdp3_book_trade(&b, PX(98), 7);
	assert_int_equal(b.last_px, PX(98));
	assert_int_equal(b.last_qty, 7);
	assert_int_equal(b.volume, 12);
	tw_mdp3_book_volume(&b, 100);
	assert_int_equal(b.volume, 100);
	/* Trades are not levels. */
	assert_int_equal(tw_mdp3_book_digest(&b), digest);
	b.rpt_seq = 9;
	tw_mdp3_book_reset(&b);
	assert_int_equal(b.n_bid, 0);
	assert_int_equal(b.volume, 0);
	assert_int_equal(b.last_px, 0);
	assert_int_equal(b.rpt_seq, 0);
	assert_true(b.defined);
	assert_string_equal(b.symbol, "ESZ6");
}

/* FNV-1a 64 of a byte string, written here again. */
static uint64_t
fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
digest_of_known_bytes(void **state)
{
	uint8_t bytes[2 * TW_MDP3_DEPTH * 16];
	struct tw_mdp3_book b;

	(void)state;
	new_book(&b);
	memset(bytes, 0, sizeof(bytes));
	assert_int_equal(tw_mdp3_book_digest(&b), fnv(bytes, sizeof(bytes)));
	/* bid level 1: 0x0102030405060708, qty 0x11223344, orders 5 */
	assert_int_equal(up(&b, BID, TW_MDP3_NEW, 1, 0x0102030405060708LL,
		0x11223344, 5), 0);
	/* ask level 2 (index 11 of 20): price 0x0a0b0c0d0e0f1011 */
	assert_int_equal(up(&b, ASK, TW_MDP3_NEW, 1, 0x0a0b0c0d0e0f1010LL, 1,
		0), 0);
	assert_int_equal(up(&b, ASK, TW_MDP3_NEW, 2, 0x0a0b0c0d0e0f1011LL, 2,
		1), 0);
	memcpy(bytes, (const uint8_t[]){ 8, 7, 6, 5, 4, 3, 2, 1, 0x44, 0x33,
		0x22, 0x11, 5, 0, 0, 0 }, 16);
	memcpy(bytes + 10 * 16, (const uint8_t[]){ 0x10, 0x10, 0x0f, 0x0e,
		0x0d, 0x0c, 0x0b, 0x0a, 1, 0, 0, 0, 0, 0, 0, 0 }, 16);
	memcpy(bytes + 11 * 16, (const uint8_t[]){ 0x11, 0x10, 0x0f, 0x0e,
		0x0d, 0x0c, 0x0b, 0x0a, 2, 0, 0, 0, 1, 0, 0, 0 }, 16);
	assert_int_equal(tw_mdp3_book_digest(&b), fnv(bytes, sizeof(bytes)));
	/* Bids and asks are not interchangeable. */
	tw_mdp3_book_clear(&b);
	assert_int_equal(up(&b, ASK, TW_MDP3_NEW, 1, 0x0102030405060708LL,
		0x11223344, 5), 0);
	assert_int_not_equal(tw_mdp3_book_digest(&b),
		fnv(bytes, sizeof(bytes)));
}

static void
csv_row(void **state)
{
	struct tw_mdp3_book b;
	char *buf = NULL, want[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	tw_mdp3_book_init(&b, 7);
	tw_mdp3_book_csv_row(&b, f);    /* never defined: no row */
	fflush(f);
	assert_int_equal(len, 0);
	tw_mdp3_books_csv_header(f);
	new_book(&b);
	fill_bids(&b, 2);
	assert_int_equal(up(&b, ASK, TW_MDP3_NEW, 1, PX(101), 6, 4), 0);
	tw_mdp3_book_trade(&b, PX(100), 3);
	tw_mdp3_book_csv_row(&b, f);
	fclose(f);
	snprintf(want, sizeof(want), "locate,symbol,bid_levels,ask_levels,"
		"orders,bid_px,bid_sz,ask_px,ask_sz,last_px,last_sz,volume,"
		"digest\n3,ESZ6,2,1,6,24750000000,1,25250000000,6,"
		"25000000000,3,3,%016llx\n",
		(unsigned long long)tw_mdp3_book_digest(&b));
	assert_string_equal(buf, want);
	free(buf);
}

static void
verdicts_named(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < TW_MDP3_BOOK_VERDICTS; i++) {
		assert_non_null(tw_mdp3_book_verdict_name(i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(tw_mdp3_book_verdict_name(i),
				tw_mdp3_book_verdict_name(j));
	}
	assert_string_equal(tw_mdp3_book_verdict_name(TW_MDP3_BOOK_VERDICTS),
		"?");
	assert_int_equal(tw_mdp3_cache_px(PX(7)), PX(7));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_inserts_and_shifts_down),
		cmocka_unit_test(new_past_depth_falls_off),
		cmocka_unit_test(change_delete_overlay),
		cmocka_unit_test(delete_from_and_thru),
		cmocka_unit_test(refusals_leave_the_book),
		cmocka_unit_test(trades_and_volume),
		cmocka_unit_test(digest_of_known_bytes),
		cmocka_unit_test(csv_row),
		cmocka_unit_test(verdicts_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
