/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The books' write side: the order store's common path (an order in
 * the window indexed by its reference: one load), the price levels of
 * each side (power-of-two blocks from one pool, free lists, best last,
 * the best's price and shares copied into the symbol's line) and the
 * operations on them, each checked whole before anything changes, with
 * the name of each refusal. One unit, so the per-message path's helpers
 * stay inlined into the operations.
 *
 * Owns: every change to a struct tw_books but those of the order
 * store's slow paths (tw_book_store.c: the memory's layout, the
 * fallback table, the window's slide). Never touches: what the books
 * are read for (tw_book_read.c: digests, the invariant check, CSV),
 * allocation, the wire format, caches.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "tw_book.h"
#include "tw_book_private.h"

static const char *const verdict_names[TW_BOOK_VERDICTS] = {
	[TW_BOOK_OK] = "ok",
	[TW_BOOK_UNKNOWN_ORDER] = "unknown_order",
	[TW_BOOK_TOO_MANY_SHARES] = "too_many_shares",
	[TW_BOOK_DUPLICATE_REF] = "duplicate_ref",
	[TW_BOOK_NO_DIRECTORY] = "no_directory",
	[TW_BOOK_STORE_FULL] = "store_full",
	[TW_BOOK_LEVELS_FULL] = "levels_full",
	[TW_BOOK_WRONG_LOCATE] = "wrong_locate",
	[TW_BOOK_BAD_FIELD] = "bad_field",
};

const char *
tw_book_verdict_name(enum tw_book_verdict v)
{
	return (unsigned int)v < TW_BOOK_VERDICTS ? verdict_names[v] : "?";
}

int
tw_book_directory(struct tw_books *b, uint32_t locate, const char *stock)
{
	if (locate >= b->p.nb_symbols)
		return -EINVAL;
	memcpy(b->sym[locate].stock, stock, sizeof(b->sym[locate].stock));
	b->sym[locate].known = 1;
	return 0;
}

/* ---- the order store (tw_book_store.c: memory, the slow paths) ---- */

/* The resting order of ref (not 0), or NULL. */
static inline struct tw_book_order *
order_find(const struct tw_books *b, uint64_t ref)
{
	return (struct tw_book_order *)tw_book_find_fast(b, ref);
}

/*
 * Where an order of ref would rest, checked whole: in the window when
 * ref is in its range and no fallback order can be it (one load), else
 * the slow path's answer; NULL with why.
 */
static inline struct tw_book_order *
order_place(struct tw_books *b, uint64_t ref, enum tw_book_verdict *why)
{
	if (likely(ref - b->win_lo <= b->win_mask) &&
	    (b->ahead_live == 0 || ref > b->ahead_max)) {
		struct tw_book_order *o = &b->win[ref & b->win_mask];

		if (unlikely(o->shares != 0)) {
			*why = TW_BOOK_DUPLICATE_REF;
			return NULL;
		}
		return o;
	}
	return tw_book_store_place(b, ref, why);
}

static inline void
order_take(struct tw_books *b, struct tw_book_order *o, uint64_t ref)
{
	if (likely(in_window(b, o))) {
		b->win_live++;
		if (++b->live > b->peak)
			b->peak = b->live;
		return;
	}
	tw_book_store_take(b, o, ref);
}

static inline void
order_erase(struct tw_books *b, struct tw_book_order *o)
{
	if (likely(in_window(b, o))) {
		o->shares = 0;
		b->win_live--;
		b->live--;
		return;
	}
	tw_book_hash_erase(b, o);
}

/* Small moves of levels: a call to memmove costs more than these. */
static inline void
levels_move(struct tw_book_level *dst, const struct tw_book_level *src,
		uint32_t n)
{
	uint32_t k;

	if (dst < src)
		for (k = 0; k < n; k++)
			dst[k] = src[k];
	else
		for (k = n; k-- > 0;)
			dst[k] = src[k];
}

/* ---- price levels ---- */

/* A free block of class cls: its first level, or NO_BLOCK. */
static uint32_t
block_get(struct tw_books *b, uint16_t cls)
{
	uint32_t off;

	if (b->free_block[cls] != 0) {
		off = b->free_block[cls] - 1;
		b->free_block[cls] = b->pool[off].price;
		return off;
	}
	if (b->p.pool_levels - b->pool_used < block_cap(cls))
		return NO_BLOCK;
	off = b->pool_used;
	b->pool_used += block_cap(cls);
	return off;
}

static void
block_put(struct tw_books *b, uint32_t off, uint16_t cls)
{
	b->pool[off].price = b->free_block[cls];
	b->free_block[cls] = off + 1;
}

/* A new level can be had on this side (checked before any change). */
static bool
level_room(const struct tw_books *b, const struct tw_book_side *s)
{
	uint16_t cls;

	if (s->block != NO_BLOCK && s->n < block_cap(s->cls))
		return true;
	cls = s->block == NO_BLOCK ? 0 : s->cls + 1;
	if (cls >= TW_BOOK_CLASSES)
		return false;
	return b->free_block[cls] != 0 ||
		b->p.pool_levels - b->pool_used >= block_cap(cls);
}

/*
 * shares more at price on this side, whose index (level_index) is i,
 * found or not (the room was checked).
 */
static void
level_add(struct tw_books *b, struct tw_book_side *s, uint32_t i, bool found,
		uint32_t price, uint32_t shares)
{
	struct tw_book_level *lv;

	if (!found) {
		if (s->block == NO_BLOCK || s->n == block_cap(s->cls)) {
			uint16_t cls = s->block == NO_BLOCK ? 0 : s->cls + 1;
			uint32_t nb = block_get(b, cls);

			if (s->block != NO_BLOCK) {
				memcpy(&b->pool[nb], &b->pool[s->block],
					s->n * sizeof(b->pool[0]));
				block_put(b, s->block, s->cls);
			}
			s->block = nb;
			s->cls = cls;
		}
		lv = &b->pool[s->block];
		levels_move(&lv[i + 1], &lv[i], s->n - i);
		lv[i] = (struct tw_book_level){ .price = price };
		s->n++;
	}
	lv = &b->pool[s->block + i];
	lv->shares += shares;
	lv->orders++;
}

/* shares fewer at price; the order left when gone. */
static void
level_take(struct tw_books *b, struct tw_book_side *s, unsigned int side,
		uint32_t price, uint32_t shares, bool gone)
{
	bool found;
	uint32_t i = level_index(b, s, side, price, &found);
	struct tw_book_level *lv = &b->pool[s->block];

	/* The order rests here: its level is there by construction. */
	lv[i].shares -= shares;
	if (gone)
		lv[i].orders--;
	if (lv[i].orders == 0) {
		levels_move(&lv[i], &lv[i + 1], s->n - i - 1);
		s->n--;
	}
}

/* The symbol's copy of a side's best level, after a change to it. */
static inline void
top_update(struct tw_books *b, struct tw_book_sym *sy, unsigned int side)
{
	const struct tw_book_side *s = &sy->side[side];
	uint32_t px = 0, sz = 0;

	if (s->n != 0) {
		const struct tw_book_level *lv = &b->pool[s->block + s->n - 1];

		px = lv->price;
		sz = (uint32_t)RTE_MIN(lv->shares, (uint64_t)UINT32_MAX);
	}
	b->shown_changed |= (px != sy->top_px[side]) | (sz != sy->top_sz[side]);
	sy->top_px[side] = px;
	sy->top_sz[side] = sz;
}

/* ---- operations ---- */

static inline bool
symbol_ok(const struct tw_books *b, uint32_t locate)
{
	return locate < b->p.nb_symbols && b->sym[locate].known;
}

enum tw_book_verdict
tw_book_add(struct tw_books *b, uint32_t locate, uint64_t ref, uint8_t side,
		uint32_t shares, uint32_t price)
{
	enum tw_book_verdict why = TW_BOOK_OK;
	struct tw_book_order *o;
	struct tw_book_sym *sy;
	uint32_t idx;
	bool found;

	if (ref == 0 || side > TW_BOOK_ASK || shares == 0)
		return TW_BOOK_BAD_FIELD;
	if (!symbol_ok(b, locate))
		return TW_BOOK_NO_DIRECTORY;
	o = order_place(b, ref, &why);
	if (o == NULL && why == TW_BOOK_DUPLICATE_REF)
		return TW_BOOK_DUPLICATE_REF;
	if (b->live >= b->p.max_orders || o == NULL)
		return TW_BOOK_STORE_FULL;
	sy = &b->sym[locate];
	idx = level_index(b, &sy->side[side], side, price, &found);
	if (!found && !level_room(b, &sy->side[side]))
		return TW_BOOK_LEVELS_FULL;
	o->price = price;
	o->shares = shares;
	o->locate = locate;
	o->side = side;
	order_take(b, o, ref);
	level_add(b, &sy->side[side], idx, found, price, shares);
	top_update(b, sy, side);
	sy->orders++;
	return TW_BOOK_OK;
}

/* The order ref of locate, checked: the order, or a refusal. */
static inline enum tw_book_verdict
resting(const struct tw_books *b, uint32_t locate, uint64_t ref,
		struct tw_book_order **o)
{
	if (ref == 0)
		return TW_BOOK_UNKNOWN_ORDER;
	*o = order_find(b, ref);
	if (*o == NULL)
		return TW_BOOK_UNKNOWN_ORDER;
	if ((*o)->locate != locate)
		return TW_BOOK_WRONG_LOCATE;
	return TW_BOOK_OK;
}

/* shares of order o leave the book (all of them: it goes). */
static void
reduce(struct tw_books *b, struct tw_book_order *o, uint32_t shares)
{
	struct tw_book_sym *sy = &b->sym[o->locate];
	bool gone = shares == o->shares;

	level_take(b, &sy->side[o->side], o->side, o->price, shares, gone);
	top_update(b, sy, o->side);
	if (gone) {
		sy->orders--;
		order_erase(b, o);
	} else {
		o->shares -= shares;
	}
}

/* shares of order ref of locate can leave it: the order, or a refusal. */
static inline enum tw_book_verdict
takeable(const struct tw_books *b, uint32_t locate, uint64_t ref,
		uint32_t shares, struct tw_book_order **o)
{
	enum tw_book_verdict v = resting(b, locate, ref, o);

	if (v != TW_BOOK_OK)
		return v;
	if (shares == 0)
		return TW_BOOK_BAD_FIELD;
	if (shares > (*o)->shares)
		return TW_BOOK_TOO_MANY_SHARES;
	return TW_BOOK_OK;
}

enum tw_book_verdict
tw_book_execute(struct tw_books *b, uint32_t locate, uint64_t ref,
		uint32_t shares, uint32_t price, bool print)
{
	enum tw_book_verdict v;
	struct tw_book_order *o;
	struct tw_book_sym *sy;

	v = takeable(b, locate, ref, shares, &o);
	if (v != TW_BOOK_OK)
		return v;
	sy = &b->sym[locate];
	if (print) {
		sy->last_px = price != 0 ? price : o->price;
		sy->last_sz = shares;
		sy->volume += shares;   /* shares > 0: a change */
		b->shown_changed = true;
	}
	reduce(b, o, shares);
	return TW_BOOK_OK;
}

enum tw_book_verdict
tw_book_cancel(struct tw_books *b, uint32_t locate, uint64_t ref,
		uint32_t shares)
{
	enum tw_book_verdict v;
	struct tw_book_order *o;

	v = takeable(b, locate, ref, shares, &o);
	if (v != TW_BOOK_OK)
		return v;
	reduce(b, o, shares);
	return TW_BOOK_OK;
}

enum tw_book_verdict
tw_book_delete(struct tw_books *b, uint32_t locate, uint64_t ref)
{
	enum tw_book_verdict v;
	struct tw_book_order *o;

	v = resting(b, locate, ref, &o);
	if (v != TW_BOOK_OK)
		return v;
	reduce(b, o, o->shares);
	return TW_BOOK_OK;
}

enum tw_book_verdict
tw_book_replace(struct tw_books *b, uint32_t locate, uint64_t old_ref,
		uint64_t new_ref, uint32_t shares, uint32_t price)
{
	enum tw_book_verdict v;
	struct tw_book_order *o;
	struct tw_book_side *s;
	uint32_t px, sz;
	uint8_t side;
	bool found, changed;

	v = resting(b, locate, old_ref, &o);
	if (v != TW_BOOK_OK)
		return v;
	if (new_ref == 0 || shares == 0)
		return TW_BOOK_BAD_FIELD;
	if (new_ref != old_ref) {
		enum tw_book_verdict why = TW_BOOK_OK;

		/* Where the new reference would rest (the window may
		 * slide for it, which moves no order out of the books,
		 * and the old order may move to the fallback). No place:
		 * refused before anything changes; the old one's going
		 * would only add a free slot. */
		if (order_place(b, new_ref, &why) == NULL)
			return why;
		o = order_find(b, old_ref);
	}
	side = o->side;
	s = &b->sym[locate].side[side];
	level_index(b, s, side, price, &found);
	/* Room for the new level before the old order goes (all or
	 * nothing: a replace that frees the level it needs is refused at
	 * a full pool, counted). */
	if (!found && !level_room(b, s))
		return TW_BOOK_LEVELS_FULL;
	/* What the side showed: a replace that leaves its top as it was
	 * (the order went and came back at the best) changes nothing
	 * shown, though both halves changed it on the way. */
	px = b->sym[locate].top_px[side];
	sz = b->sym[locate].top_sz[side];
	changed = b->shown_changed;
	reduce(b, o, o->shares);
	v = tw_book_add(b, locate, new_ref, side, shares, price);
	b->shown_changed = changed || px != b->sym[locate].top_px[side] ||
		sz != b->sym[locate].top_sz[side];
	return v;
}

enum tw_book_verdict
tw_book_trade(struct tw_books *b, uint32_t locate, uint64_t shares,
		uint32_t price)
{
	struct tw_book_sym *sy;

	if (!symbol_ok(b, locate))
		return TW_BOOK_NO_DIRECTORY;
	if (shares == 0 || shares > UINT32_MAX)
		return TW_BOOK_BAD_FIELD;
	sy = &b->sym[locate];
	sy->last_px = price;
	sy->last_sz = (uint32_t)shares;
	sy->volume += shares;
	b->shown_changed = true;
	return TW_BOOK_OK;
}
