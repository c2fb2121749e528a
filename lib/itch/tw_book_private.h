/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to lib/itch's books: what the operations (tw_book.c) and
 * the reading side (tw_book_read.c: the invariant check) share about
 * the layout: the order table's probe bound, the level blocks, the
 * levels' order and the search in them. Inline, as they were in
 * tw_book.c: the operations' per-message path makes no call for them.
 */
#ifndef TW_BOOK_PRIVATE_H
#define TW_BOOK_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_book.h"

/* A side with no block of levels yet. */
#define NO_BLOCK UINT32_MAX

/* An order's probe chain is bounded (tw_book.c: the order store). */
#define MAX_PROBES 64

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

/* Where price is, or would go, in a side's levels; *found if there. */
static inline uint32_t
level_index(const struct tw_books *b, const struct tw_book_side *s,
		unsigned int side, uint32_t price, bool *found)
{
	const struct tw_book_level *lv = &b->pool[s->block];
	uint32_t lo = 0, hi = s->n;

	*found = false;
	if (s->n == 0)
		return 0;
	/* Most traffic is at the top of the book: look there first. */
	if (lv[s->n - 1].price == price) {
		*found = true;
		return s->n - 1;
	}
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

#endif /* TW_BOOK_PRIVATE_H */
