/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The price levels' slow paths. A side keeps its levels in a ladder
 * (tw_book.h: a level's rung is its price over the ladder's unit, its
 * slot that rung modulo the ladder's size), so finding, adding and
 * taking a level is one line at an address known from the price; this
 * unit does what is not that: a side's first ladder (from the pool, its
 * unit a cent from $1, else the price's own), re-anchoring an emptied
 * one, tightening its span (the bound on how far its worst level lies
 * from its best, found in the ladders' bitmap) when a better price
 * would not fit, growing it to a larger block when a price is farther
 * than it spans, and the overflow: a sorted array a side (best last, power-of-two blocks, free lists, as
 * every level was kept before) for the prices no ladder can hold (not a
 * multiple of the ladder's unit, farther than 4096 rungs from its best,
 * or no block left for a larger ladder). Levels that went there and
 * ladders grown are counted (tw_books.ovf_levels, lad_grown).
 *
 * Owns: the pool's blocks (handed out and taken back), the ladders'
 * blocks and spans (and their bits when a ladder moves), the overflow
 * arrays. Never touches: the orders, a level's shares and orders
 * (tw_book.c), the top of book.
 */
#include <string.h>

#include <rte_common.h>

#include "tw_book.h"
#include "tw_book_private.h"

/* ---- the pool's blocks ---- */

static bool
block_avail(const struct tw_books *b, uint16_t cls)
{
	return b->free_block[cls] != 0 ||
		b->p.pool_levels - b->pool_used >= block_cap(cls);
}

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

/* ---- the overflow ---- */

/* Where price is, or would go, in a side's overflow; *found if there. */
static uint32_t
ovf_index(const struct tw_books *b, uint32_t l, unsigned int side,
		uint32_t price, bool *found)
{
	const struct tw_book_level *lv = &b->pool[b->ovf[l * 2 + side].block];
	uint32_t lo = 0, hi = b->sym[l].side[side].ovf_n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (sorts_before(side, lv[mid].price, price))
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < b->sym[l].side[side].ovf_n && lv[lo].price == price;
	return lo;
}

struct tw_book_level *
tw_book_ovf_find(const struct tw_books *b, uint32_t l, unsigned int side,
		uint32_t price)
{
	bool found;
	uint32_t i = ovf_index(b, l, side, price, &found);

	return found ? &b->pool[b->ovf[l * 2 + side].block + i] : NULL;
}

static bool
ovf_room(const struct tw_books *b, uint32_t l, unsigned int side)
{
	const struct tw_book_side *s = &b->sym[l].side[side];
	const struct tw_book_ovf *o = &b->ovf[l * 2 + side];
	uint16_t cls;

	if (o->block != NO_BLOCK && s->ovf_n < block_cap(o->cls))
		return true;
	cls = o->block == NO_BLOCK ? 0 : o->cls + 1;
	return cls < TW_BOOK_CLASSES && block_avail(b, cls);
}

/* A new level of price in the overflow (ovf_room said so). */
static struct tw_book_level *
ovf_new(struct tw_books *b, uint32_t l, unsigned int side, uint32_t price)
{
	struct tw_book_side *s = &b->sym[l].side[side];
	struct tw_book_ovf *o = &b->ovf[l * 2 + side];
	struct tw_book_level *lv;
	bool found;
	uint32_t i = ovf_index(b, l, side, price, &found);

	/* A side keeps its overflow's block once it has one (emptied
	 * too), as it does its ladder's. */
	if (o->block == NO_BLOCK || s->ovf_n == block_cap(o->cls)) {
		uint16_t cls = o->block == NO_BLOCK ? 0 : o->cls + 1;
		uint32_t nb = block_get(b, cls);

		if (nb == NO_BLOCK)
			return NULL;
		if (o->block != NO_BLOCK) {
			memcpy(&b->pool[nb], &b->pool[o->block],
				s->ovf_n * sizeof(b->pool[0]));
			block_put(b, o->block, o->cls);
		}
		o->block = nb;
		o->cls = cls;
	}
	lv = &b->pool[o->block];
	memmove(&lv[i + 1], &lv[i], (s->ovf_n - i) * sizeof(lv[0]));
	lv[i] = (struct tw_book_level){ .price = price };
	s->ovf_n++;
	b->ovf_levels++;
	b->levels_live++;
	return &lv[i];
}

void
tw_book_ovf_remove(struct tw_books *b, uint32_t l, unsigned int side,
		struct tw_book_level *lv)
{
	struct tw_book_side *s = &b->sym[l].side[side];
	const struct tw_book_level *first =
		&b->pool[b->ovf[l * 2 + side].block];
	uint32_t i = (uint32_t)(lv - first);

	memmove(lv, lv + 1, (s->ovf_n - i - 1) * sizeof(*lv));
	s->ovf_n--;
}

/* ---- the ladder ---- */

/* The unit of a ladder anchored at price: a cent from $1, else 1. */
static uint8_t
unit_for(uint32_t price)
{
	return price >= TW_BOOK_TICK_FROM && price % TW_BOOK_TICK == 0 ?
		TW_BOOK_TICK : 1;
}

/* The span made exact: its worst level's distance from the best (the
 * nearest level the other way round the block, from the bitmap). */
static void
lad_tighten(const struct tw_books *b, struct tw_book_side *s,
		unsigned int side)
{
	s->span = (uint16_t)lad_find(b, s, side, true);
}

/* Rungs the ladder must span to take rung r too (after tightening it
 * when r is better than its best); UINT32_MAX: no ladder could. */
static uint32_t
lad_need(const struct tw_books *b, struct tw_book_side *s, unsigned int side,
		uint32_t r)
{
	int64_t d = lad_away(s, side, r), need;

	if (d < 0 && !lad_fits(s, side, r))
		lad_tighten(b, s, side);
	need = d >= 0 ? RTE_MAX(d, (int64_t)s->span) : s->span - d;
	return need < (int64_t)block_cap(TW_BOOK_CLASSES - 1) ?
		(uint32_t)need : UINT32_MAX;
}

/* The smallest class whose ladder spans need rungs. */
static uint16_t
cls_for(uint32_t need)
{
	uint16_t cls = 0;

	while (block_cap(cls) <= need)
		cls++;
	return cls;
}

bool
tw_book_level_room(struct tw_books *b, uint32_t l, unsigned int side,
		uint32_t price)
{
	struct tw_book_side *s = &b->sym[l].side[side];
	uint32_t r, need;

	if (s->lad_n == 0) {
		if (s->lad < NO_SYMBOL || block_avail(b, b->lad_cls0))
			return true;
	} else if (tw_book_rung(s->unit, price, &r)) {
		need = lad_need(b, s, side, r);
		if (need < block_cap(s->cls) || (need != UINT32_MAX &&
				block_avail(b, cls_for(need))))
			return true;
	}
	return ovf_room(b, l, side);
}

/* The ladder moved to a block of class cls (its levels to their rungs
 * there, found in the bitmap); false when the pool has none. */
static bool
lad_grow(struct tw_books *b, struct tw_book_side *s, uint16_t cls)
{
	uint32_t nb = block_get(b, cls), end, i, r;
	struct tw_book_side was = *s;

	if (nb == NO_BLOCK)
		return false;
	memset(&b->pool[nb], 0, block_cap(cls) * sizeof(b->pool[0]));
	s->lad = nb;
	s->cls = (uint8_t)cls;
	end = was.lad + block_cap(was.cls);
	for (i = occ_first(b, was.lad, end); i != OCC_NONE;
			i = occ_first(b, i + 1, end)) {
		const struct tw_book_level *lv = &b->pool[i];
		struct tw_book_level *to;

		tw_book_rung(was.unit, lv->price, &r);
		to = lad_slot(b, s, r);
		*to = *lv;
		occ_set(b, to);
		occ_clear(b, lv);
	}
	block_put(b, was.lad, was.cls);
	b->lad_grown++;
	return true;
}

struct tw_book_level *
tw_book_level_new(struct tw_books *b, uint32_t l, unsigned int side,
		uint32_t price)
{
	struct tw_book_side *s = &b->sym[l].side[side];
	uint32_t r, need;

	if (s->lad_n == 0) {
		if (s->lad >= NO_SYMBOL) {
			uint32_t nb = block_get(b, b->lad_cls0);

			if (nb != NO_BLOCK) {
				memset(&b->pool[nb], 0, block_cap(b->lad_cls0) *
					sizeof(b->pool[0]));
				s->lad = nb;
				s->cls = (uint8_t)b->lad_cls0;
			}
		}
		if (s->lad < NO_SYMBOL) {
			/* Anchored afresh: every rung is empty. */
			s->unit = unit_for(price);
			tw_book_rung(s->unit, price, &r);
			s->best = r;
			s->span = 0;
			s->lad_n = 1;
			*lad_slot(b, s, r) = (struct tw_book_level){
				.price = price };
			occ_set(b, lad_slot(b, s, r));
			b->levels_live++;
			return lad_slot(b, s, r);
		}
	} else if (tw_book_rung(s->unit, price, &r)) {
		need = lad_need(b, s, side, r);
		if (need < block_cap(s->cls) || (need != UINT32_MAX &&
				lad_grow(b, s, cls_for(need))))
			return lad_put(b, s, side, r, price);
	}
	return ovf_room(b, l, side) ? ovf_new(b, l, side, price) : NULL;
}
