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

void
tw_book_walk_init(struct tw_book_walk *w, const struct tw_books *b,
		uint32_t l, unsigned int side)
{
	const struct tw_book_side *s = &b->sym[l].side[side];

	*w = (struct tw_book_walk){ .b = b, .s = s, .side = side,
		.lad_left = s->lad_n, .ovf_left = s->ovf_n };
	if (s->ovf_n != 0)
		w->ovf = &b->pool[b->ovf[l * 2 + side].block];
}

const struct tw_book_level *
tw_book_walk_next(struct tw_book_walk *w)
{
	const struct tw_book_level *lv = NULL, *ov;
	const struct tw_book_side *s = w->s;

	/* The ladder's next level from its best (within its span). */
	while (w->lad_left != 0 && w->k <= s->span) {
		uint32_t r = w->side == TW_BOOK_BID ? s->best - w->k :
			s->best + w->k;

		lv = lad_slot(w->b, s, r);
		if (lv->orders != 0)
			break;
		lv = NULL;
		w->k++;
	}
	ov = w->ovf_left != 0 ? &w->ovf[w->ovf_left - 1] : NULL;
	if (ov != NULL && (lv == NULL || sorts_before(w->side, lv->price,
			ov->price))) {
		w->ovf_left--;
		return ov;
	}
	if (lv != NULL) {
		w->lad_left--;
		w->k++;
	}
	return lv;
}

uint32_t
tw_book_levels(const struct tw_books *b, uint32_t l, unsigned int side)
{
	const struct tw_book_side *s = &b->sym[l].side[side];

	return (uint32_t)s->lad_n + s->ovf_n;
}

uint64_t
tw_book_orders(const struct tw_books *b, uint32_t l)
{
	const struct tw_book_level *lv;
	struct tw_book_walk w;
	uint64_t n = 0;
	unsigned int side;

	for (side = 0; side < 2; side++) {
		tw_book_walk_init(&w, b, l, side);
		while ((lv = tw_book_walk_next(&w)) != NULL)
			n += lv->orders;
	}
	return n;
}

uint64_t
tw_book_digest(const struct tw_books *b, uint32_t locate)
{
	uint64_t h = 0;
	unsigned int side;

	if (tw_book_levels(b, locate, 0) == 0 &&
	    tw_book_levels(b, locate, 1) == 0)
		return 0;
	for (side = 0; side < 2; side++) {
		const struct tw_book_level *lv;
		struct tw_book_walk w;

		h = mix(h, 0x5eed0000u + side);
		tw_book_walk_init(&w, b, locate, side);
		while ((lv = tw_book_walk_next(&w)) != NULL) {
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
	if (o->locate >= b->p.nb_symbols || o->side > TW_BOOK_ASK ||
	    o->shares == 0 || !tw_book_known(b, o->locate)) {
		snprintf(why, len, "order %" PRIu64 " has bad fields", ref);
		return -EINVAL;
	}
	if (level_find(b, o->locate, o->side, o->price) == NULL) {
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

/* A side's ladder and overflow as laid out: every level where a lookup
 * by its price finds it, the counts and the best right. */
static int
check_layout(const struct tw_books *b, uint32_t l, unsigned int side,
		char *why, size_t len)
{
	const struct tw_book_side *s = &b->sym[l].side[side];
	const struct tw_book_ovf *o = &b->ovf[l * 2 + side];
	uint32_t k, n = 0;

	if (s->lad < NO_SYMBOL) {
		if (s->cls >= TW_BOOK_CLASSES ||
		    s->lad + block_cap(s->cls) > b->pool_used ||
		    (s->lad_n != 0 && (s->span >= block_cap(s->cls) ||
		     (s->unit != 1 && s->unit != TW_BOOK_TICK)))) {
			snprintf(why, len, "symbol %u side %u: ladder out of "
				"range", l, side);
			return -EINVAL;
		}
		for (k = 0; k < block_cap(s->cls); k++) {
			const struct tw_book_level *lv = &b->pool[s->lad + k];
			uint32_t r, i = s->lad + k;
			int64_t d;

			if (((b->occ[i / 64] >> (i % 64)) & 1) !=
					(lv->orders != 0)) {
				snprintf(why, len, "symbol %u side %u: rung %u's "
					"bit is not its level's", l, side, k);
				return -EINVAL;
			}
			if (lv->orders == 0)
				continue;
			n++;
			if (!tw_book_rung(s->unit, lv->price, &r) ||
			    (r & lad_mask(s)) != k ||
			    (d = lad_away(s, side, r)) < 0 || d > s->span) {
				snprintf(why, len, "symbol %u side %u: price "
					"%u off its rung", l, side, lv->price);
				return -EINVAL;
			}
		}
		if (s->lad_n != 0 && lad_slot(b, s, s->best)->orders == 0)
			n = UINT32_MAX;
	}
	if (n != s->lad_n) {
		snprintf(why, len, "symbol %u side %u: %u levels in the "
			"ladder, %u counted or no best", l, side, n, s->lad_n);
		return -EINVAL;
	}
	if (o->block == NO_BLOCK && s->ovf_n == 0)
		return 0;
	if (o->block == NO_BLOCK || o->cls >= TW_BOOK_CLASSES ||
	    s->ovf_n > block_cap(o->cls) ||
	    o->block + block_cap(o->cls) > b->pool_used) {
		snprintf(why, len, "symbol %u side %u: overflow out of range",
			l, side);
		return -EINVAL;
	}
	for (k = 0; k < s->ovf_n; k++) {
		const struct tw_book_level *lv = &b->pool[o->block + k],
			*in = tw_book_rung_slot(b, s, lv->price);

		if (in != NULL && in->orders != 0 && in->price == lv->price) {
			snprintf(why, len, "symbol %u side %u: price %u in the "
				"ladder and the overflow", l, side, lv->price);
			return -EINVAL;
		}
	}
	return 0;
}

int
tw_books_check(const struct tw_books *b, char *why, size_t len)
{
	uint64_t bits = 0, rungs = 0, levels = 0;
	uint32_t l, i;
	int rc;

	if ((rc = check_store(b, why, len)) != 0)
		return rc;
	/* No bit set but a ladder's rung's (each checked below). */
	for (i = 0; i < (b->p.pool_levels + 63) / 64; i++)
		bits += (uint64_t)__builtin_popcountll(b->occ[i]);
	for (l = 0; l < b->p.nb_symbols; l++)
		for (i = 0; i < 2; i++)
			rungs += b->sym[l].side[i].lad < NO_SYMBOL ?
				b->sym[l].side[i].lad_n : 0;
	if (bits != rungs) {
		snprintf(why, len, "%" PRIu64 " bits set for %" PRIu64 " levels "
			"in the ladders", bits, rungs);
		return -EINVAL;
	}
	for (l = 0; l < b->p.nb_symbols; l++)
		for (i = 0; i < 2; i++)
			levels += tw_book_levels(b, l, i);
	if (levels != b->levels_live) {
		snprintf(why, len, "%" PRIu64 " levels holding orders, %"
			PRIu64 " counted", levels, b->levels_live);
		return -EINVAL;
	}
	for (l = 0; l < b->p.nb_symbols; l++) {
		const struct tw_book_sym *sy = &b->sym[l];
		unsigned int side;

		for (side = 0; side < 2; side++) {
			const struct tw_book_level *best =
				tw_book_best(b, l, side), *lv, *prev = NULL;
			struct tw_book_walk w;
			uint32_t k = 0;

			if (sy->top_px[side] != (best ? best->price : 0) ||
			    sy->top_sz[side] != (best ? (uint32_t)RTE_MIN(
					best->shares, (uint64_t)UINT32_MAX) :
					0)) {
				snprintf(why, len, "symbol %u side %u: top of "
					"book is not its best level", l, side);
				return -EINVAL;
			}
			if (!tw_book_known(b, l) &&
			    tw_book_levels(b, l, side) != 0) {
				snprintf(why, len, "symbol %u: levels and no "
					"directory", l);
				return -EINVAL;
			}
			if ((rc = check_layout(b, l, side, why, len)) != 0)
				return rc;
			tw_book_walk_init(&w, b, l, side);
			for (; (lv = tw_book_walk_next(&w)) != NULL; k++) {
				struct level_sum ls = { .locate = l,
					.side = side, .price = lv->price };

				if (prev != NULL && !sorts_before(side,
						lv->price, prev->price)) {
					snprintf(why, len, "symbol %u side %u: "
						"levels out of order", l, side);
					return -EINVAL;
				}
				prev = lv;
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
			}
			if (k != tw_book_levels(b, l, side)) {
				snprintf(why, len, "symbol %u side %u: %u "
					"levels walked, %u counted", l, side,
					k, tw_book_levels(b, l, side));
				return -EINVAL;
			}
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
	struct tw_book_top t;

	if (!tw_book_known(b, l))
		return;
	tw_book_top(b, l, &t);
	fprintf(f, "%" PRIu32 ",%.8s,%u,%u,%" PRIu32 ",%" PRIu32 ",%" PRIu32
		",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu64
		",%016" PRIx64 "\n", l, b->stock[l],
		tw_book_levels(b, l, 0), tw_book_levels(b, l, 1),
		(uint32_t)tw_book_orders(b, l), t.bid_px, t.bid_sz, t.ask_px,
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
