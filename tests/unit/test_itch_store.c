/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The books' order store: the window indexed directly by reference and
 * the fallback behind it. References behind the window (reused, late),
 * far ahead of it, and orders it slides past all stay exact and are
 * counted; a burst prefetched whole before it applies (a delete of an
 * order the same burst added) builds the same books as one applied
 * message by message; and random operations over references that
 * mostly rise, sometimes jump and sometimes come back keep every
 * invariant (tw_books_check) and equal a plain reference model written
 * here.
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

static struct tw_books *
books_new(uint64_t max_orders, uint64_t window, uint32_t symbols)
{
	struct tw_book_params p = { .nb_symbols = symbols,
		.max_orders = max_orders, .pool_levels = 1 << 14,
		.hash_key = 0x5eed, .window = window };
	void *mem = aligned_alloc(64, (tw_books_memsize(&p) + 63) / 64 * 64);
	struct tw_books *b = tw_books_init(mem, &p);
	uint32_t l;

	assert_non_null(b);
	for (l = 0; l < symbols; l++)
		assert_int_equal(tw_book_directory(b, l, "TW000000"), 0);
	return b;
}

static void
books_ok(const struct tw_books *b)
{
	char why[256];

	if (tw_books_check(b, why, sizeof(why)) != 0)
		fail_msg("%s", why);
}

static void
order_is(const struct tw_books *b, uint64_t ref, uint32_t locate,
		uint8_t side, uint32_t shares, uint32_t price)
{
	const struct tw_book_order *o = tw_book_find(b, ref);

	assert_non_null(o);
	assert_int_equal(o->locate, locate);
	assert_int_equal(o->side, side);
	assert_int_equal(o->shares, shares);
	assert_int_equal(o->price, price);
	assert_ptr_equal(tw_book_find_fast(b, ref), o);
}

static void
references_out_of_the_window_fall_back_and_stay_exact(void **state)
{
	struct tw_books *b = books_new(1000, 64, 2);

	/* An empty window jumps to its first reference. */
	assert_int_equal(tw_book_add(b, 0, 100, TW_BOOK_BID, 10, 500),
		TW_BOOK_OK);
	assert_int_equal(b->fallback_adds, 0);
	assert_true(100 - b->win_lo <= b->win_mask);
	/* Behind the window: the fallback, counted. */
	assert_int_equal(tw_book_add(b, 0, 7, TW_BOOK_BID, 20, 500),
		TW_BOOK_OK);
	assert_int_equal(b->fallback_adds, 1);
	/* Far ahead (more than a window past its end) with orders in
	 * it: the fallback, ahead of the window. */
	assert_int_equal(tw_book_add(b, 1, 1000000, TW_BOOK_ASK, 30, 600),
		TW_BOOK_OK);
	assert_int_equal(b->fallback_adds, 2);
	assert_int_equal(b->ahead_live, 1);
	/* Just past the end: the window slides, and the orders it passes
	 * move to the fallback. */
	assert_int_equal(tw_book_add(b, 0, 120, TW_BOOK_ASK, 40, 610),
		TW_BOOK_OK);
	assert_int_equal(tw_book_add(b, 0, 180, TW_BOOK_ASK, 50, 610),
		TW_BOOK_OK);
	assert_true(b->evicted >= 1);
	books_ok(b);
	order_is(b, 100, 0, TW_BOOK_BID, 10, 500);
	order_is(b, 7, 0, TW_BOOK_BID, 20, 500);
	order_is(b, 1000000, 1, TW_BOOK_ASK, 30, 600);
	order_is(b, 120, 0, TW_BOOK_ASK, 40, 610);
	order_is(b, 180, 0, TW_BOOK_ASK, 50, 610);
	assert_int_equal(b->live, 5);
	/* Every one of them is found for what follows, and refused as a
	 * duplicate wherever it is kept. */
	assert_int_equal(tw_book_add(b, 0, 100, TW_BOOK_BID, 1, 1),
		TW_BOOK_DUPLICATE_REF);
	assert_int_equal(tw_book_add(b, 0, 7, TW_BOOK_BID, 1, 1),
		TW_BOOK_DUPLICATE_REF);
	assert_int_equal(tw_book_add(b, 0, 1000000, TW_BOOK_BID, 1, 1),
		TW_BOOK_DUPLICATE_REF);
	assert_int_equal(tw_book_execute(b, 0, 100, 4, 0, true), TW_BOOK_OK);
	assert_int_equal(tw_book_cancel(b, 0, 7, 25),
		TW_BOOK_TOO_MANY_SHARES);
	assert_int_equal(tw_book_cancel(b, 0, 7, 5), TW_BOOK_OK);
	assert_int_equal(tw_book_best(b, 0, TW_BOOK_BID)->shares, 6 + 15);
	assert_int_equal(tw_book_delete(b, 0, 1000000),
		TW_BOOK_WRONG_LOCATE);
	/* Far ahead again, the window holding an order: the fallback. */
	assert_int_equal(tw_book_add(b, 1, 999990, TW_BOOK_BID, 5, 590),
		TW_BOOK_OK);
	assert_int_equal(b->ahead_live, 2);
	/* Its last order gone, the window jumps to the next reference,
	 * onto the one that rests ahead: found in the fallback, never
	 * taken twice. */
	assert_int_equal(tw_book_delete(b, 0, 180), TW_BOOK_OK);
	assert_int_equal(tw_book_add(b, 0, 1000010, TW_BOOK_ASK, 50, 610),
		TW_BOOK_OK);
	assert_true(1000000 - b->win_lo <= b->win_mask);
	assert_int_equal(tw_book_add(b, 1, 1000000, TW_BOOK_BID, 1, 1),
		TW_BOOK_DUPLICATE_REF);
	order_is(b, 1000000, 1, TW_BOOK_ASK, 30, 600);
	books_ok(b);
	/* A replace from the fallback into the window, and back. */
	assert_int_equal(tw_book_replace(b, 1, 1000000, 1000001, 31, 601),
		TW_BOOK_OK);
	assert_null(tw_book_find(b, 1000000));
	assert_int_equal(b->ahead_live, 1);
	order_is(b, 1000001, 1, TW_BOOK_ASK, 31, 601);
	assert_int_equal(tw_book_replace(b, 0, 100, 8, 6, 501), TW_BOOK_OK);
	order_is(b, 8, 0, TW_BOOK_BID, 6, 501);
	books_ok(b);
	assert_int_equal(tw_book_delete(b, 0, 7), TW_BOOK_OK);
	assert_int_equal(tw_book_delete(b, 0, 8), TW_BOOK_OK);
	assert_int_equal(tw_book_delete(b, 0, 120), TW_BOOK_OK);
	assert_int_equal(tw_book_delete(b, 0, 1000010), TW_BOOK_OK);
	assert_int_equal(tw_book_delete(b, 1, 999990), TW_BOOK_OK);
	assert_int_equal(tw_book_delete(b, 1, 1000001), TW_BOOK_OK);
	assert_int_equal(b->live, 0);
	assert_int_equal(tw_book_digest(b, 0), 0);
	assert_int_equal(tw_book_digest(b, 1), 0);
	books_ok(b);
	free(b);
}

static void
reused_references_fall_back_and_stay_exact(void **state)
{
	struct tw_books *b = books_new(100, 64, 1);
	uint64_t r, adds;

	for (r = 1; r <= 400; r++) {
		assert_int_equal(tw_book_add(b, 0, r, TW_BOOK_ASK, 100,
			1000 + r % 7), TW_BOOK_OK);
		/* Most leave soon; every tenth rests on. */
		if (r % 10 != 0)
			assert_int_equal(tw_book_delete(b, 0, r), TW_BOOK_OK);
	}
	assert_true(b->evicted > 0);
	books_ok(b);
	/* References already used come back: behind the window now. */
	adds = b->fallback_adds;
	for (r = 1; r <= 40; r++) {
		enum tw_book_verdict v = tw_book_add(b, 0, r, TW_BOOK_BID, 7,
			900 + r % 3);

		assert_int_equal(v, r % 10 == 0 ? TW_BOOK_DUPLICATE_REF :
			TW_BOOK_OK);
	}
	assert_int_equal(b->fallback_adds, adds + 36);
	books_ok(b);
	for (r = 1; r <= 40; r++) {
		if (r % 10 == 0)
			order_is(b, r, 0, TW_BOOK_ASK, 100, 1000 + r % 7);
		else
			order_is(b, r, 0, TW_BOOK_BID, 7, 900 + r % 3);
		assert_int_equal(tw_book_cancel(b, 0, r, 1), TW_BOOK_OK);
	}
	for (r = 1; r <= 400; r++)
		if (r % 10 == 0 || r <= 40)
			assert_int_equal(tw_book_delete(b, 0, r), TW_BOOK_OK);
	assert_int_equal(b->live, 0);
	books_ok(b);
	free(b);
}

/* ---- a burst prefetched whole, then applied ---- */

static size_t
put_add(uint8_t *m, uint16_t loc, uint64_t ref, char side, uint32_t sh,
		uint32_t px)
{
	tw_itch_add(m, loc, 1, ref, (uint8_t)side, sh, "TW000000", px, NULL);
	return tw_itch_len['A'];
}

static void
a_burst_deletes_an_order_it_added(void **state)
{
	struct tw_books *pre = books_new(64, 64, 2);
	struct tw_books *one = books_new(64, 64, 2);
	struct tw_rx_counters c1, c2;
	struct tw_itch_sink s1 = { .books = pre, .ctr = &c1 };
	struct tw_itch_sink s2 = { .books = one, .ctr = &c2 };
	static uint8_t buf[32][64];
	struct tw_itch_ahead ahead[32];
	unsigned int n = 0, i;

	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	put_add(buf[n++], 1, 10, 'B', 100, 5000);
	put_add(buf[n++], 1, 11, 'B', 200, 5000);
	put_add(buf[n++], 2, 12, 'S', 300, 5100);
	tw_itch_delete(buf[n++], 1, 1, 10);             /* added above */
	tw_itch_replace(buf[n++], 1, 1, 11, 13, 150, 4900);
	tw_itch_executed(buf[n++], 1, 1, 13, 50, 77);
	tw_itch_cancel(buf[n++], 2, 1, 12, 100);
	put_add(buf[n++], 2, 14, 'S', 10, 5200);
	tw_itch_delete(buf[n++], 2, 1, 14);
	tw_itch_delete(buf[n++], 2, 1, 14);             /* gone: refused */
	put_add(buf[n++], 1, 200, 'B', 5, 4800);        /* slides */
	tw_itch_delete(buf[n++], 1, 1, 13);             /* moved by it */
	/* Every line of the burst asked for before the first applies. */
	for (i = 0; i < n; i++)
		tw_itch_prefetch_at(pre, NULL, buf[i], &ahead[i]);
	for (i = 0; i < n; i++)
		tw_itch_prefetch_levels(pre, &ahead[i]);
	for (i = 0; i < n; i++) {
		bool a = tw_itch_apply(&s1, buf[i], i + 1, 0);
		bool b = tw_itch_apply(&s2, buf[i], i + 1, 0);

		assert_int_equal(a, b);
		assert_int_equal(a, i != 9);
	}
	assert_int_equal(c1.book_refused[TW_BOOK_UNKNOWN_ORDER], 1);
	assert_int_equal(c1.book_msgs, c2.book_msgs);
	for (i = 0; i < 2; i++)
		assert_int_equal(tw_book_digest(pre, i),
			tw_book_digest(one, i));
	assert_null(tw_book_find(pre, 10));
	assert_null(tw_book_find(pre, 13));
	order_is(pre, 12, 1, TW_BOOK_ASK, 200, 5100);
	order_is(pre, 200, 0, TW_BOOK_BID, 5, 4800);
	assert_int_equal(pre->live, 2);
	books_ok(pre);
	books_ok(one);
	free(pre);
	free(one);
}

/* ---- random operations against a reference model ---- */

enum { M_SYMS = 3, M_MAX = 200, M_SLOTS = 4096, M_PX0 = 100, M_PXN = 24 };

struct m_order {
	uint64_t ref;           /* 0: free */
	uint32_t locate, price, shares;
	uint8_t side;
};

struct model {
	struct m_order o[M_SLOTS];
	uint32_t live;
};

static struct m_order *
m_find(struct model *m, uint64_t ref)
{
	unsigned int i;

	for (i = 0; i < M_SLOTS; i++)
		if (m->o[i].ref == ref && ref != 0)
			return &m->o[i];
	return NULL;
}

/* The book's levels of (l, side), best first, are the model's. */
static void
m_same(const struct tw_books *b, struct model *m, uint32_t l)
{
	unsigned int side;

	for (side = 0; side < 2; side++) {
		struct tw_book_walk w;
		unsigned int k;

		tw_book_walk_init(&w, b, l, side);

		for (k = 0; k < M_PXN; k++) {
			uint32_t px = M_PX0 + (side == 0 ? M_PXN - 1 - k : k);
			uint64_t sh = 0, n = 0;
			const struct tw_book_level *lv;
			unsigned int j;

			for (j = 0; j < M_SLOTS; j++)
				if (m->o[j].ref != 0 && m->o[j].locate == l &&
				    m->o[j].side == side &&
				    m->o[j].price == px) {
					sh += m->o[j].shares;
					n++;
				}
			if (n == 0)
				continue;
			lv = tw_book_walk_next(&w);
			assert_non_null(lv);
			assert_int_equal(lv->price, px);
			assert_int_equal(lv->orders, n);
			assert_int_equal(lv->shares, sh);
		}
		assert_null(tw_book_walk_next(&w));
	}
}

static uint64_t
xs(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
random_operations_keep_every_invariant(void **state)
{
	struct tw_books *b = books_new(M_MAX, 64, M_SYMS);
	struct model *m = calloc(1, sizeof(*m));
	uint64_t x = 0x9e3779b97f4a7c15ull, next = 1, used[64] = { 0 };
	unsigned int i, counts[TW_BOOK_VERDICTS] = { 0 };

	for (i = 0; i < 60000; i++) {
		uint64_t r = xs(&x), ref;
		uint32_t l = (uint32_t)(r % M_SYMS), shares, price;
		uint8_t side = (uint8_t)((r >> 8) & 1);
		struct m_order *o;
		enum tw_book_verdict want, got;
		unsigned int k, op = (unsigned int)((r >> 10) % 16);

		shares = 1 + (uint32_t)((r >> 20) % 50);
		price = M_PX0 + (uint32_t)((r >> 30) % M_PXN);
		/* References: mostly the next ones, some reused, some far
		 * ahead (the sequence jumps with them now and then). */
		switch ((r >> 40) % 32) {
		case 0:
			ref = used[(r >> 45) % 64];
			break;
		case 1:
			ref = next + 200 + (r >> 45) % 100000;
			if ((r >> 50) % 4 == 0)
				next = ref + 1;
			break;
		default:
			ref = next;
			next += 1 + (r >> 45) % 3;
			break;
		}
		/* Operations on orders pick a resting one mostly. */
		if (op >= 7 && m->live > 0 && (r >> 55) % 8 != 0) {
			k = (unsigned int)((r >> 16) % M_SLOTS);
			while (m->o[k].ref == 0)
				k = (k + 1) % M_SLOTS;
			ref = m->o[k].ref;
			l = (r >> 60) == 0 ? (l + 1) % M_SYMS : m->o[k].locate;
			if (shares > m->o[k].shares && (r >> 58) % 4 != 0)
				shares = m->o[k].shares;
		}
		o = m_find(m, ref);
		if (op < 7) {
			want = ref == 0 ? TW_BOOK_BAD_FIELD : o != NULL ?
				TW_BOOK_DUPLICATE_REF : m->live >= M_MAX ?
				TW_BOOK_STORE_FULL : TW_BOOK_OK;
			got = tw_book_add(b, l, ref, side, shares, price);
			if (want == TW_BOOK_OK) {
				for (k = 0; m->o[k].ref != 0; k++)
					;
				m->o[k] = (struct m_order){ ref, l, price,
					shares, side };
				m->live++;
				used[(r >> 5) % 64] = ref;
			}
		} else if (op < 13) {
			want = o == NULL ? TW_BOOK_UNKNOWN_ORDER :
				o->locate != l ? TW_BOOK_WRONG_LOCATE :
				op == 12 ? TW_BOOK_OK :
				shares > o->shares ? TW_BOOK_TOO_MANY_SHARES :
				TW_BOOK_OK;
			if (op == 12) {
				got = tw_book_delete(b, l, ref);
				shares = o != NULL ? o->shares : 0;
			} else if (op < 10) {
				got = tw_book_cancel(b, l, ref, shares);
			} else {
				got = tw_book_execute(b, l, ref, shares, 0,
					true);
			}
			if (want == TW_BOOK_OK) {
				o->shares -= shares;
				if (o->shares == 0) {
					o->ref = 0;
					m->live--;
				}
			}
		} else {
			uint64_t nref = (r >> 33) % 4 == 0 ?
				used[(r >> 35) % 64] : next++;
			struct m_order *n = m_find(m, nref);

			want = o == NULL ? TW_BOOK_UNKNOWN_ORDER :
				o->locate != l ? TW_BOOK_WRONG_LOCATE :
				nref == 0 ? TW_BOOK_BAD_FIELD :
				n != NULL && nref != ref ?
				TW_BOOK_DUPLICATE_REF : TW_BOOK_OK;
			got = tw_book_replace(b, l, ref, nref, shares, price);
			if (want == TW_BOOK_OK) {
				o->ref = nref;
				o->shares = shares;
				o->price = price;
			}
		}
		if (got != want)
			fail_msg("operation %u (%u) on %llu: %s, the model says "
				"%s", i, op, (unsigned long long)ref,
				tw_book_verdict_name(got),
				tw_book_verdict_name(want));
		counts[got]++;
		assert_int_equal(b->live, m->live);
		m_same(b, m, l);
		if (i % 200 == 0)
			books_ok(b);
	}
	books_ok(b);
	for (i = 0; i < M_SYMS; i++)
		m_same(b, m, i);
	print_message("fallback adds %llu, moved %llu\n",
		(unsigned long long)b->fallback_adds,
		(unsigned long long)b->evicted);
	assert_true(b->fallback_adds > 100);
	assert_true(b->evicted > 100);
	for (i = 0; i < TW_BOOK_VERDICTS; i++)
		print_message("%-16s %u\n", tw_book_verdict_name(i), counts[i]);
	assert_true(counts[TW_BOOK_OK] > 10000);
	assert_true(counts[TW_BOOK_DUPLICATE_REF] > 0);
	assert_true(counts[TW_BOOK_STORE_FULL] > 0);
	free(m);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			references_out_of_the_window_fall_back_and_stay_exact),
		cmocka_unit_test(reused_references_fall_back_and_stay_exact),
		cmocka_unit_test(a_burst_deletes_an_order_it_added),
		cmocka_unit_test(random_operations_keep_every_invariant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
