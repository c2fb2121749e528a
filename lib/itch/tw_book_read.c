/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The books read: a digest of a symbol's whole book, every invariant
 * checked the slow way (tests, fuzzing), and the books as CSV
 * (dump_books, dump_truth_books, tickwire-itch). (Top of book, read for
 * every applied message, is inline in tw_book.h.)
 *
 * Owns: those views and the digest's mixing. Never touches: the books
 * (const throughout; tw_book.c changes them), the files written to.
 */
#include <errno.h>
#include <inttypes.h>

#include <rte_common.h>

#include "tw_book.h"
#include "tw_book_private.h"

static inline uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
	h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 31);
}

uint64_t
tw_book_digest(const struct tw_books *b, uint32_t locate)
{
	const struct tw_book_sym *sy = &b->sym[locate];
	uint64_t h = 0;
	unsigned int side;

	if (sy->side[0].n == 0 && sy->side[1].n == 0)
		return 0;
	for (side = 0; side < 2; side++) {
		const struct tw_book_side *s = &sy->side[side];
		uint32_t i;

		h = mix(h, 0x5eed0000u + side);
		for (i = s->n; i-- > 0;) {
			const struct tw_book_level *lv = &b->pool[s->block + i];

			h = mix(h, lv->price);
			h = mix(h, lv->shares);
			h = mix(h, lv->orders);
		}
	}
	return h;
}

/* The fields of a resting order, whichever part of the store it is in. */
static int
check_order(const struct tw_books *b, uint64_t ref,
		const struct tw_book_order *o, char *why, size_t len)
{
	const struct tw_book_side *s;
	bool found;

	if (o->locate >= b->p.nb_symbols || o->side > TW_BOOK_ASK ||
	    o->shares == 0 || !b->sym[o->locate].known) {
		snprintf(why, len, "order %" PRIu64 " has bad fields", ref);
		return -EINVAL;
	}
	s = &b->sym[o->locate].side[o->side];
	level_index(b, s, o->side, o->price, &found);
	if (!found) {
		snprintf(why, len, "order %" PRIu64 " has no level", ref);
		return -EINVAL;
	}
	return 0;
}

/* Every resting order (window, then fallback) through fn. */
static int
each_order(const struct tw_books *b, int (*fn)(const struct tw_books *,
		uint64_t, const struct tw_book_order *, void *), void *arg)
{
	uint64_t i;
	int rc;

	for (i = 0; i <= b->win_mask; i++) {
		const struct tw_book_order *o = &b->win[i];
		/* Slot i holds the reference of the window's range that
		 * is i modulo its size. */
		uint64_t ref = b->win_lo + ((i - b->win_lo) & b->win_mask);

		if (o->shares != 0 && (rc = fn(b, ref, o, arg)) != 0)
			return rc;
	}
	for (i = 0; i <= b->mask; i++)
		if (b->orders[i].ref != 0 &&
		    (rc = fn(b, b->orders[i].ref, &b->orders[i].o, arg)) != 0)
			return rc;
	return 0;
}

struct level_sum {
	uint32_t locate, price;
	unsigned int side;
	uint64_t shares, n;
};

static int
sum_level(const struct tw_books *b, uint64_t ref,
		const struct tw_book_order *o, void *arg)
{
	struct level_sum *ls = arg;

	RTE_SET_USED(b);
	RTE_SET_USED(ref);
	if (o->locate == ls->locate && o->side == ls->side &&
	    o->price == ls->price) {
		ls->shares += o->shares;
		ls->n++;
	}
	return 0;
}

/* The store's own invariants: each order where a lookup finds it. */
static int
check_store(const struct tw_books *b, char *why, size_t len)
{
	uint64_t i, live = 0, win_live = 0, ahead = 0;
	int rc;

	for (i = 0; i <= b->win_mask; i++) {
		const struct tw_book_order *o = &b->win[i];
		uint64_t ref = b->win_lo + ((i - b->win_lo) & b->win_mask);

		if (o->shares == 0)
			continue;
		win_live++;
		if (ref == 0 || tw_book_find(b, ref) != o) {
			snprintf(why, len, "window order %" PRIu64 " not "
				"found by its reference", ref);
			return -EINVAL;
		}
		if ((rc = check_order(b, ref, o, why, len)) != 0)
			return rc;
	}
	for (i = 0; i <= b->mask; i++) {
		const struct tw_book_hslot *h = &b->orders[i];
		uint64_t j = tw_book_slot_of(b, h->ref), probes = 0;

		if (h->ref == 0)
			continue;
		live++;
		ahead += h->o.ahead;
		/* No free slot between its home and where it is. */
		for (; j != i; j = (j + 1) & b->mask, probes++)
			if (b->orders[j].ref == 0 || probes >= MAX_PROBES) {
				snprintf(why, len, "order %" PRIu64 " past a "
					"hole or the probe bound", h->ref);
				return -EINVAL;
			}
		/* In the window's range only as an order put there ahead
		 * of it, and never resting twice. */
		if (h->ref - b->win_lo <= b->win_mask &&
		    (!h->o.ahead || h->ref > b->ahead_max ||
		     b->win[h->ref & b->win_mask].shares != 0)) {
			snprintf(why, len, "fallback order %" PRIu64 " in the "
				"window's range", h->ref);
			return -EINVAL;
		}
		if (tw_book_find(b, h->ref) != &h->o) {
			snprintf(why, len, "fallback order %" PRIu64 " not "
				"found by its reference", h->ref);
			return -EINVAL;
		}
		if ((rc = check_order(b, h->ref, &h->o, why, len)) != 0)
			return rc;
	}
	if (win_live != b->win_live || win_live + live != b->live ||
	    ahead != b->ahead_live) {
		snprintf(why, len, "%" PRIu64 " orders in the window and %"
			PRIu64 " in the fallback (%" PRIu64 " ahead); the "
			"counts say %" PRIu64 " of %" PRIu64 " (%" PRIu64 ")",
			win_live, live, ahead, b->win_live, b->live,
			b->ahead_live);
		return -EINVAL;
	}
	return 0;
}

int
tw_books_check(const struct tw_books *b, char *why, size_t len)
{
	uint32_t l;
	int rc;

	if ((rc = check_store(b, why, len)) != 0)
		return rc;
	for (l = 0; l < b->p.nb_symbols; l++) {
		const struct tw_book_sym *sy = &b->sym[l];
		uint64_t orders = 0;
		unsigned int side;

		for (side = 0; side < 2; side++) {
			const struct tw_book_side *s = &sy->side[side];
			const struct tw_book_level *best =
				tw_book_best(b, l, side);
			uint32_t k;

			if (sy->top_px[side] != (best ? best->price : 0) ||
			    sy->top_sz[side] != (best ? (uint32_t)RTE_MIN(
					best->shares, (uint64_t)UINT32_MAX) :
					0)) {
				snprintf(why, len, "symbol %u side %u: top of "
					"book is not its best level", l, side);
				return -EINVAL;
			}
			if (s->n == 0)
				continue;
			if (s->block == NO_BLOCK || s->cls >= TW_BOOK_CLASSES ||
			    s->n > block_cap(s->cls) ||
			    s->block + block_cap(s->cls) > b->pool_used) {
				snprintf(why, len, "symbol %u side %u: block "
					"out of range", l, side);
				return -EINVAL;
			}
			for (k = 0; k < s->n; k++) {
				const struct tw_book_level *lv =
					&b->pool[s->block + k];
				struct level_sum ls = { .locate = l,
					.side = side, .price = lv->price };

				if (k > 0 && !sorts_before(side,
						lv[-1].price, lv->price)) {
					snprintf(why, len, "symbol %u side %u: "
						"levels out of order", l, side);
					return -EINVAL;
				}
				each_order(b, sum_level, &ls);
				if (ls.n == 0 || ls.n != lv->orders ||
				    ls.shares != lv->shares) {
					snprintf(why, len, "symbol %u side %u "
						"price %u: level says %u orders "
						"%" PRIu64 " shares, the orders "
						"%" PRIu64 " and %" PRIu64, l,
						side, lv->price, lv->orders,
						lv->shares, ls.n, ls.shares);
					return -EINVAL;
				}
				orders += ls.n;
			}
		}
		if (orders != sy->orders) {
			snprintf(why, len, "symbol %u: %" PRIu64 " orders on its "
				"levels, %u counted", l, orders, sy->orders);
			return -EINVAL;
		}
	}
	return 0;
}

void
tw_books_csv_header(FILE *f)
{
	fprintf(f, "locate,stock,bid_levels,ask_levels,orders,bid_px,bid_sz,"
		"ask_px,ask_sz,last_px,last_sz,volume,digest\n");
}

void
tw_books_csv_row(const struct tw_books *b, uint32_t l, FILE *f)
{
	const struct tw_book_sym *sy = &b->sym[l];
	struct tw_book_top t;

	if (l >= b->p.nb_symbols || !sy->known)
		return;
	tw_book_top(b, l, &t);
	fprintf(f, "%" PRIu32 ",%.8s,%u,%u,%" PRIu32 ",%" PRIu32 ",%" PRIu32
		",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu64
		",%016" PRIx64 "\n", l, sy->stock, sy->side[0].n,
		sy->side[1].n, sy->orders, t.bid_px, t.bid_sz, t.ask_px,
		t.ask_sz, t.last_px, t.last_sz, t.volume,
		tw_book_digest(b, l));
}

int
tw_books_dump_csv(const struct tw_books *b, FILE *f)
{
	uint32_t l;

	tw_books_csv_header(f);
	for (l = 0; l < b->p.nb_symbols; l++)
		tw_books_csv_row(b, l, f);
	return ferror(f) ? -EIO : 0;
}
