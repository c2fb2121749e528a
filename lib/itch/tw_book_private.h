/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to lib/itch's books: what the operations (tw_book.c), the
 * order store's slow paths (tw_book_store.c: the fallback table, the
 * window's slide) and the reading side (tw_book_read.c: the invariant
 * check) share about the layout: the probe bound, the level blocks,
 * the levels' order and the lookup in them, the order store's calls.
 * Inline, as they were in tw_book.c: the per-message path makes no
 * call for them.
 */
#ifndef TW_BOOK_PRIVATE_H
#define TW_BOOK_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_book.h"

/* A side with no block of levels yet. */
#define NO_BLOCK UINT32_MAX

/* A fallback probe chain is bounded (tw_book_store.c). */
#define MAX_PROBES 64

#define NOT_FOUND UINT64_MAX

/* Levels a block of class cls holds. */
static inline uint32_t
block_cap(uint16_t cls)
{
	return 8u << cls;
}

/* a sorts before b on this side (best last: bids up, asks down). */
static inline bool
sorts_before(unsigned int side, uint32_t a, uint32_t b)
{
	return side == TW_BOOK_BID ? a < b : a > b;
}

/*
 * Where price is, or would go, in a side's levels; *found if there.
 * No search in the common case: most traffic is within a few levels of
 * the best, so the top levels are looked at in turn; deeper, the level
 * where levels a tick apart would put it (tw_book_level_guess: the line
 * the second-stage prefetch asked for); only a price off both is
 * searched for (binary search).
 */
#define LEVEL_SCAN 4

static inline uint32_t
level_index(const struct tw_books *b, const struct tw_book_side *s,
		unsigned int side, uint32_t price, bool *found)
{
	const struct tw_book_level *lv = &b->pool[s->block];
	uint32_t lo = 0, hi = s->n, k;

	*found = false;
	for (k = s->n; k > 0 && s->n - k < LEVEL_SCAN; k--) {
		uint32_t p = lv[k - 1].price;

		if (p == price) {
			*found = true;
			return k - 1;
		}
		if (sorts_before(side, p, price))
			return k;       /* between k - 1 and k: new */
	}
	if (k == 0)
		return 0;
	/* Deeper: where levels a tick apart would put it (the line the
	 * second-stage prefetch asked for), then a search. */
	k = tw_book_level_guess(s->n, lv[s->n - 1].price, price);
	if (lv[k].price == price) {
		*found = true;
		return k;
	}
	if (k + 1 < s->n && sorts_before(side, lv[k].price, price) &&
	    sorts_before(side, price, lv[k + 1].price))
		return k + 1;
	hi = s->n - LEVEL_SCAN;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (sorts_before(side, lv[mid].price, price))
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < s->n && lv[lo].price == price;
	return lo;
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
