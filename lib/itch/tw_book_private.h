/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to lib/itch's books: what the operations (tw_book.c), the
 * levels' slow paths (tw_book_ladder.c: a ladder's first block, its
 * growth, the overflow), the order store's slow paths (tw_book_store.c)
 * and the reading side (tw_book_read.c) share about the layout: the
 * probe bound, the pool's blocks, a ladder's rungs, the lookup of a
 * level. Inline where the per-message path needs them.
 */
#ifndef TW_BOOK_PRIVATE_H
#define TW_BOOK_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

#include "tw_book.h"

/* A fallback probe chain is bounded (tw_book_store.c). */
#define MAX_PROBES 64

#define NOT_FOUND UINT64_MAX

/* Levels a block of class cls holds. */
static inline uint32_t
block_cap(uint16_t cls)
{
	return 8u << cls;
}

/* a sorts before b on this side (best last: bids up, asks down).
 * Without a branch on the side, which is as likely one as the other. */
static inline bool
sorts_before(unsigned int side, uint32_t a, uint32_t b)
{
	return ((a < b) & (side == TW_BOOK_BID)) |
		((a > b) & (side == TW_BOOK_ASK));
}

/* ---- a side's ladder ---- */

static inline uint32_t
lad_mask(const struct tw_book_side *s)
{
	return block_cap(s->cls) - 1;
}

static inline struct tw_book_level *
lad_slot(const struct tw_books *b, const struct tw_book_side *s, uint32_t r)
{
	return &b->pool[s->lad + (r & lad_mask(s))];
}

/* Rungs from the ladder's best to r, worse positive. */
static inline int64_t
lad_away(const struct tw_book_side *s, unsigned int side, uint32_t r)
{
	int64_t d = (int64_t)r - s->best, neg = -(int64_t)(side == TW_BOOK_BID);

	/* -d for a bid, d for an ask: no branch on the side. */
	return (d ^ neg) - neg;
}

/* A new level at rung r keeps every level within the ladder's size. */
static inline bool
lad_fits(const struct tw_book_side *s, unsigned int side, uint32_t r)
{
	int64_t d = lad_away(s, side, r);

	return d >= 0 ? d < block_cap(s->cls) :
		s->span - d < block_cap(s->cls);
}

/* lv is a rung of the side's ladder (else an overflow level). */
static inline bool
lad_holds(const struct tw_books *b, const struct tw_book_side *s,
		const struct tw_book_level *lv)
{
	return s->lad < NO_SYMBOL &&
		(uintptr_t)(lv - &b->pool[s->lad]) < block_cap(s->cls);
}

/* ---- the bitmap of the ladders' rungs (tw_books.occ) ---- */

#define OCC_NONE UINT32_MAX

static inline void
occ_set(struct tw_books *b, const struct tw_book_level *lv)
{
	uint32_t i = (uint32_t)(lv - b->pool);

	b->occ[i / 64] |= UINT64_C(1) << (i % 64);
}

static inline void
occ_clear(struct tw_books *b, const struct tw_book_level *lv)
{
	uint32_t i = (uint32_t)(lv - b->pool);

	b->occ[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

/* A new level at rung r of a ladder that can take it. */
static inline struct tw_book_level *
lad_put(struct tw_books *b, struct tw_book_side *s, unsigned int side,
		uint32_t r, uint32_t price)
{
	struct tw_book_level *lv = lad_slot(b, s, r);
	int64_t d = lad_away(s, side, r);

	*lv = (struct tw_book_level){ .price = price };
	occ_set(b, lv);
	b->levels_live++;
	if (d < 0) {
		s->best = r;
		s->span = (uint16_t)(s->span - d);
	} else if (d > s->span) {
		s->span = (uint16_t)d;
	}
	s->lad_n++;
	return lv;
}

/* The first set bit of [lo, hi), or OCC_NONE: (hi - lo) / 64 + 2 words
 * read at most. */
static inline uint32_t
occ_first(const struct tw_books *b, uint32_t lo, uint32_t hi)
{
	uint32_t w = lo / 64, bit;
	uint64_t word;

	if (lo >= hi)
		return OCC_NONE;
	word = b->occ[w] & (~UINT64_C(0) << (lo % 64));
	while (word == 0) {
		if (++w * 64 >= hi)
			return OCC_NONE;
		word = b->occ[w];
	}
	bit = w * 64 + (uint32_t)__builtin_ctzll(word);
	return bit < hi ? bit : OCC_NONE;
}

/* The last set bit of [lo, hi), or OCC_NONE. */
static inline uint32_t
occ_last(const struct tw_books *b, uint32_t lo, uint32_t hi)
{
	uint32_t w, bit;
	uint64_t word;

	if (lo >= hi)
		return OCC_NONE;
	w = (hi - 1) / 64;
	word = b->occ[w] & (~UINT64_C(0) >> (63 - (hi - 1) % 64));
	while (word == 0) {
		if (w-- == lo / 64)
			return OCC_NONE;
		word = b->occ[w];
	}
	bit = w * 64 + 63 - (uint32_t)__builtin_clzll(word);
	return bit >= lo ? bit : OCC_NONE;
}

/*
 * The rungs from a side's best to its next level toward the worst
 * (worst false: the next best), or to its worst level; 0 when the best
 * is its only level. Every level lies within span rungs of the best,
 * so going round the block from the best, the nearest level the worse
 * way is the next best and the nearest the better way the worst: a few
 * words of the bitmap, at most 66 for the largest ladder, whatever the
 * prices.
 */
static inline uint32_t
lad_find(const struct tw_books *b, const struct tw_book_side *s,
		unsigned int side, bool worst)
{
	uint32_t lo = s->lad, hi = s->lad + block_cap(s->cls),
		at = lo + (s->best & lad_mask(s)), i;

	if ((side == TW_BOOK_ASK) != worst) {
		i = occ_first(b, at + 1, hi);
		if (i == OCC_NONE)
			i = occ_first(b, lo, at);
	} else {
		i = occ_last(b, lo, at);
		if (i == OCC_NONE)
			i = occ_last(b, at + 1, hi);
	}
	if (i == OCC_NONE)
		return 0;
	return (side == TW_BOOK_ASK ? i - at : at - i) & lad_mask(s);
}

/* ---- the slow paths (tw_book_ladder.c) ---- */

/* The overflow's level of price, or NULL (a search). */
struct tw_book_level *tw_book_ovf_find(const struct tw_books *b,
		uint32_t locate, unsigned int side, uint32_t price);
/*
 * A new level of price can be had on the side (no change but a
 * tighter span, which shows nothing); and it had: the new, empty level
 * (where the ladder can take it, growing it if it must, else in the
 * overflow), after tw_book_level_room said so.
 */
bool tw_book_level_room(struct tw_books *b, uint32_t locate,
		unsigned int side, uint32_t price);
struct tw_book_level *tw_book_level_new(struct tw_books *b, uint32_t locate,
		unsigned int side, uint32_t price);
/* An overflow level that has no orders left goes. */
void tw_book_ovf_remove(struct tw_books *b, uint32_t locate,
		unsigned int side, struct tw_book_level *lv);

/*
 * The level of price on a side, ladder or overflow, or NULL; with it
 * (room not NULL) the slot of the ladder a new level of price takes
 * without the slow path, or NULL, and its rung in *r: the rung worked
 * out once for the lookup and the new level.
 */
static inline struct tw_book_level *
level_seek(const struct tw_books *b, uint32_t locate, unsigned int side,
		uint32_t price, struct tw_book_level **room, uint32_t *r)
{
	const struct tw_book_side *s = &b->sym[locate].side[side];
	struct tw_book_level *slot = NULL, *lv = NULL;

	if (likely(s->lad_n != 0 && tw_book_rung(s->unit, price, r))) {
		slot = lad_slot(b, s, *r);
		if (slot->orders != 0 && slot->price == price)
			lv = slot;
		else if (!lad_fits(s, side, *r))
			slot = NULL;
	}
	if (room != NULL)
		*room = lv == NULL ? slot : NULL;
	if (lv == NULL && unlikely(s->ovf_n != 0))
		lv = tw_book_ovf_find(b, locate, side, price);
	return lv;
}

/* The level of price on a side, ladder or overflow, or NULL. */
static inline struct tw_book_level *
level_find(const struct tw_books *b, uint32_t locate, unsigned int side,
		uint32_t price)
{
	uint32_t r = 0;

	return level_seek(b, locate, side, price, NULL, &r);
}

/* ---- the order store (tw_book.c inline, tw_book_store.c out of line) */

/* o is a window slot (else a fallback slot's order). */
static inline bool
in_window(const struct tw_books *b, const struct tw_book_order *o)
{
	return (uintptr_t)(o - b->win) <= b->win_mask;
}

/* The fallback slot of ref, or NOT_FOUND. */
uint64_t tw_book_hash_find(const struct tw_books *b, uint64_t ref);

/*
 * Where an order of ref would rest, checked whole: a free window slot
 * or a free fallback slot (within the probe bound), or NULL with why
 * (duplicate_ref, store_full). It may slide the window forward first
 * (moving the orders it passes to the fallback): that changes where
 * orders are kept, never what rests.
 */
struct tw_book_order *tw_book_store_place(struct tw_books *b, uint64_t ref,
		enum tw_book_verdict *why);

/* The order of ref rests from now on in o (from tw_book_store_place). */
void tw_book_store_take(struct tw_books *b, struct tw_book_order *o,
		uint64_t ref);

/* A fallback order leaves (backward shift: no tombstones). */
void tw_book_hash_erase(struct tw_books *b, struct tw_book_order *o);

#endif /* TW_BOOK_PRIVATE_H */
