/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The books' write side: the order store's common path (an order in
 * the window indexed by its reference: one load), the price levels'
 * common path (a level is its price's rung of the side's ladder: one
 * line; the next best found in the ladder's bitmap when the best goes;
 * the best's price and shares copied into the symbol's line) and the
 * operations on them, each checked whole before anything changes, with
 * the name of each refusal. One unit, so the per-message path's helpers
 * stay inlined into the operations.
 *
 * Owns: every change to a struct tw_books but those of the slow paths
 * (tw_book_store.c: the memory's layout, the fallback table, the
 * window's slide; tw_book_ladder.c: a ladder's first block, its growth,
 * the overflow). Never touches: what the books are read for
 * (tw_book_read.c: digests, the invariant check, CSV), allocation, the
 * wire format, caches.
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
	memcpy(b->stock[locate], stock, sizeof(b->stock[locate]));
	if (b->sym[locate].side[0].lad == NO_SYMBOL)
		b->sym[locate].side[0].lad = NO_BLOCK;
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

/* The order of ref rests in o (from order_place) from now on. */
static inline void
order_take(struct tw_books *b, struct tw_book_order *o, uint64_t ref)
{
	if (likely(in_window(b, o))) {
		b->win_live++;
		b->live++;
		b->peak = RTE_MAX(b->peak, b->live);
		return;
	}
	tw_book_store_take(b, o, ref);
}

/* ---- price levels: a rung of the side's ladder, found by price ---- */

/*
 * shares fewer on level lv of price; an order fewer when gone. A ladder
 * level left empty at the best: the next one is the nearest level
 * toward the worst, found in the ladder's bitmap (a word or two, as
 * far as the prices lie apart).
 */
static inline void
level_take(struct tw_books *b, uint32_t l, unsigned int side,
		struct tw_book_level *lv, uint32_t shares, bool gone)
{
	struct tw_book_side *s = &b->sym[l].side[side];
	uint32_t k;

	lv->shares -= shares;
	if (!gone || --lv->orders != 0)
		return;
	b->levels_live--;
	if (unlikely(!lad_holds(b, s, lv))) {
		tw_book_ovf_remove(b, l, side, lv);
		return;
	}
	occ_clear(b, lv);
	if (--s->lad_n == 0 || lv != lad_slot(b, s, s->best))
		return;
	k = lad_find(b, s, side, false);
	s->best = side == TW_BOOK_BID ? s->best - k : s->best + k;
	s->span = (uint16_t)(s->span - k);
}

/* ---- operations ---- */

static inline bool
symbol_ok(const struct tw_books *b, uint32_t locate)
{
	return tw_book_known(b, locate);
}

/*
 * The symbol's copy of a side's best after a level at price gained
 * shares: at or better than the best shown, that level is the best now
 * (no other level read). Written either way, without a branch: whether
 * an add comes at the best is as likely as not.
 */
static inline void
top_after_add(struct tw_books *b, struct tw_book_sym *sy, unsigned int side,
		uint32_t price, const struct tw_book_level *lv)
{
	uint32_t px = sy->top_px[side], sz = sy->top_sz[side];
	bool top = (sz == 0) | !sorts_before(side, price, px);
	uint32_t npx = top ? price : px,
		nsz = top ? (uint32_t)RTE_MIN(lv->shares,
			(uint64_t)UINT32_MAX) : sz;

	b->shown_changed |= (npx != px) | (nsz != sz);
	sy->top_px[side] = npx;
	sy->top_sz[side] = nsz;
}

enum tw_book_verdict
tw_book_add(struct tw_books *b, uint32_t locate, uint64_t ref, uint8_t side,
		uint32_t shares, uint32_t price)
{
	enum tw_book_verdict why = TW_BOOK_OK;
	struct tw_book_order *o;
	struct tw_book_level *lv, *room;
	uint32_t r = 0;

	if (unlikely(ref == 0 || side > TW_BOOK_ASK || shares == 0))
		return TW_BOOK_BAD_FIELD;
	if (unlikely(!symbol_ok(b, locate)))
		return TW_BOOK_NO_DIRECTORY;
	o = order_place(b, ref, &why);
	if (o == NULL && why == TW_BOOK_DUPLICATE_REF)
		return TW_BOOK_DUPLICATE_REF;
	if (unlikely(b->live >= b->p.max_orders || o == NULL))
		return TW_BOOK_STORE_FULL;
	lv = level_seek(b, locate, side, price, &room, &r);
	if (lv == NULL && room == NULL &&
	    !tw_book_level_room(b, locate, side, price))
		return TW_BOOK_LEVELS_FULL;
	o->price = price;
	o->shares = shares;
	o->locate = locate;
	o->side = side;
	order_take(b, o, ref);
	if (lv == NULL)
		lv = room != NULL ? lad_put(b, &b->sym[locate].side[side], side,
			r, price) : tw_book_level_new(b, locate, side, price);
	lv->shares += shares;
	lv->orders++;
	top_after_add(b, &b->sym[locate], side, price, lv);
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

/*
 * shares of order o leave the book (all of them: it goes). Its level is
 * there by construction (the order rests on it): its price's rung, else
 * the overflow's. The symbol's copy of the side's best changes only
 * when the order was at it: the level's shares, or the next best when
 * the level went. Whether the order was at the best is as likely as
 * not: the top is rewritten from it without a branch, but where the
 * level went from the best (the next best to find). Whether the order
 * goes is branched on where its level may empty (level_take) and where
 * a fallback order goes.
 */
static __rte_always_inline void
reduce(struct tw_books *b, struct tw_book_order *o, uint32_t shares)
{
	bool gone = shares == o->shares, emptied, at;
	uint32_t l = o->locate, price = o->price;
	unsigned int side = o->side;
	struct tw_book_sym *sy = &b->sym[l];
	const struct tw_book_level *best;
	struct tw_book_level *lv = level_find(b, l, side, price);
	uint32_t px = sy->top_px[side], sz = sy->top_sz[side], npx, nsz;

	/* Emptied: an overflow level goes (others move over it). */
	emptied = gone & (lv->orders == 1);
	at = price == px;       /* else worse than the best: not shown */
	level_take(b, l, side, lv, shares, gone);
	o->shares -= shares;    /* 0 when gone */
	if (likely(in_window(b, o))) {
		b->win_live -= gone;
		b->live -= gone;
	} else if (gone) {
		tw_book_hash_erase(b, o);
	}
	if (unlikely(at & emptied)) {
		best = tw_book_best(b, l, side);
		npx = best != NULL ? best->price : 0;
		nsz = best != NULL ? (uint32_t)RTE_MIN(best->shares,
			(uint64_t)UINT32_MAX) : 0;
	} else {
		npx = px;
		nsz = at ? (uint32_t)RTE_MIN(lv->shares,
			(uint64_t)UINT32_MAX) : sz;
	}
	b->shown_changed |= (npx != px) | (nsz != sz);
	sy->top_px[side] = npx;
	sy->top_sz[side] = nsz;
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
	struct tw_book_level *room;
	uint32_t px, sz, r = 0;
	uint8_t side;
	bool changed;

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
	/* Room for the new level before the old order goes (all or
	 * nothing: a replace that frees the level it needs is refused at
	 * a full pool, counted; the old one's going never takes room). */
	if (level_seek(b, locate, side, price, &room, &r) == NULL &&
	    room == NULL && !tw_book_level_room(b, locate, side, price))
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
