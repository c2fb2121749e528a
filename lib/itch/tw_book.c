/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The books' write side: their memory laid out in one block, the order
 * table (keyed Fibonacci hashing, bounded linear probing, backward
 * shift on delete), the price levels of each side (power-of-two blocks
 * from one pool, free lists, best last) and the operations on them,
 * each checked whole before anything changes, with the name of each
 * refusal. One unit, so the per-message path's helpers stay inlined
 * into the operations.
 *
 * Owns: every change to a struct tw_books. Never touches: what the
 * books are read for (tw_book_read.c: top of book, digests, the
 * invariant check, CSV), allocation, the wire format, caches.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "tw_book.h"
#include "tw_book_private.h"

#define NOT_FOUND UINT64_MAX

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

/* ---- memory ---- */

static uint64_t
slots_for(uint64_t max_orders)
{
	uint64_t s = 16;

	while (s < 2 * max_orders)
		s <<= 1;
	return s;
}

static size_t
cl(size_t n)
{
	return RTE_ALIGN_CEIL(n, (size_t)64);
}

size_t
tw_books_memsize(const struct tw_book_params *p)
{
	return cl(sizeof(struct tw_books)) +
		cl(slots_for(p->max_orders) * sizeof(struct tw_book_order)) +
		cl((size_t)p->pool_levels * sizeof(struct tw_book_level)) +
		cl((size_t)p->nb_symbols * sizeof(struct tw_book_sym));
}

struct tw_books *
tw_books_init(void *mem, const struct tw_book_params *p)
{
	struct tw_books *b = mem;
	uint64_t slots;
	uint8_t *next;
	uint32_t i;

	if (mem == NULL || p->nb_symbols == 0 || p->max_orders == 0 ||
	    p->max_orders > (UINT64_C(1) << 40) || p->pool_levels < 8)
		return NULL;
	slots = slots_for(p->max_orders);
	memset(mem, 0, tw_books_memsize(p));
	b->p = *p;
	b->mask = slots - 1;
	b->shift = 64 - (uint32_t)__builtin_ctzll(slots);
	next = (uint8_t *)b + cl(sizeof(*b));
	b->orders = (struct tw_book_order *)next;
	next += cl(slots * sizeof(*b->orders));
	b->pool = (struct tw_book_level *)next;
	next += cl((size_t)p->pool_levels * sizeof(*b->pool));
	b->sym = (struct tw_book_sym *)next;
	for (i = 0; i < p->nb_symbols; i++) {
		b->sym[i].side[0].block = NO_BLOCK;
		b->sym[i].side[1].block = NO_BLOCK;
	}
	return b;
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

/* ---- the order store ---- */

/*
 * Home slot of a reference: Fibonacci hashing of the keyed reference,
 * which spreads references handed out in sequence (as exchanges do, and
 * tickwire's generator per channel) evenly over the table, so probe
 * chains stay short at any load up to one half. Crafted references may
 * still share a home slot, so a chain is bounded: an order that would
 * go further than MAX_PROBES is refused as if the store were full
 * (counted), never searched for at length.
 */

static inline uint64_t
slot_of(const struct tw_books *b, uint64_t ref)
{
	return tw_book_slot_of(b, ref);
}

static inline uint64_t
order_find(const struct tw_books *b, uint64_t ref)
{
	uint64_t i = slot_of(b, ref);

	while (b->orders[i].ref != 0) {
		if (b->orders[i].ref == ref)
			return i;
		i = (i + 1) & b->mask;
	}
	return NOT_FOUND;
}

/*
 * One probe for an add: *dup when ref rests already; else the free slot
 * that ends its chain (with no tombstones the first free slot is where
 * ref would be), or NOT_FOUND past the probe bound.
 */
static inline uint64_t
order_slot(const struct tw_books *b, uint64_t ref, bool *dup)
{
	uint64_t i = slot_of(b, ref);
	unsigned int n;

	*dup = false;
	for (n = 0; n < MAX_PROBES; n++) {
		uint64_t r = b->orders[i].ref;

		if (r == 0)
			return i;
		if (r == ref) {
			*dup = true;
			return i;
		}
		i = (i + 1) & b->mask;
	}
	/* Past the bound: it cannot rest further on either. */
	return NOT_FOUND;
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

static inline struct tw_book_order *
order_insert(struct tw_books *b, uint64_t slot, uint64_t ref)
{
	b->orders[slot].ref = ref;
	if (++b->live > b->peak)
		b->peak = b->live;
	return &b->orders[slot];
}

/* Backward-shift deletion: no tombstones, probe chains stay short. */
static void
order_erase(struct tw_books *b, uint64_t i)
{
	uint64_t j = i;

	for (;;) {
		uint64_t k;

		j = (j + 1) & b->mask;
		if (b->orders[j].ref == 0)
			break;
		k = slot_of(b, b->orders[j].ref);
		/* j's entry may move to i only if its home is not in (i, j]. */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			b->orders[i] = b->orders[j];
			i = j;
		}
	}
	b->orders[i].ref = 0;
	b->live--;
}

const struct tw_book_order *
tw_book_find(const struct tw_books *b, uint64_t ref)
{
	uint64_t i = ref == 0 ? NOT_FOUND : order_find(b, ref);

	return i == NOT_FOUND ? NULL : &b->orders[i];
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
	struct tw_book_order *o;
	struct tw_book_sym *sy;
	uint64_t slot;
	uint32_t idx;
	bool found, dup;

	if (ref == 0 || side > TW_BOOK_ASK || shares == 0)
		return TW_BOOK_BAD_FIELD;
	if (!symbol_ok(b, locate))
		return TW_BOOK_NO_DIRECTORY;
	slot = order_slot(b, ref, &dup);
	if (dup)
		return TW_BOOK_DUPLICATE_REF;
	if (b->live >= b->p.max_orders || slot == NOT_FOUND)
		return TW_BOOK_STORE_FULL;
	sy = &b->sym[locate];
	idx = level_index(b, &sy->side[side], side, price, &found);
	if (!found && !level_room(b, &sy->side[side]))
		return TW_BOOK_LEVELS_FULL;
	o = order_insert(b, slot, ref);
	o->price = price;
	o->shares = shares;
	o->locate = locate;
	o->side = side;
	level_add(b, &sy->side[side], idx, found, price, shares);
	sy->orders++;
	return TW_BOOK_OK;
}

/* The order ref of locate, checked: its slot, or a refusal. */
static inline enum tw_book_verdict
resting(const struct tw_books *b, uint32_t locate, uint64_t ref,
		uint64_t *slot)
{
	if (ref == 0)
		return TW_BOOK_UNKNOWN_ORDER;
	*slot = order_find(b, ref);
	if (*slot == NOT_FOUND)
		return TW_BOOK_UNKNOWN_ORDER;
	if (b->orders[*slot].locate != locate)
		return TW_BOOK_WRONG_LOCATE;
	return TW_BOOK_OK;
}

/* shares of the order in slot leave the book (all of them: it goes). */
static void
reduce(struct tw_books *b, uint64_t slot, uint32_t shares)
{
	struct tw_book_order *o = &b->orders[slot];
	struct tw_book_sym *sy = &b->sym[o->locate];
	bool gone = shares == o->shares;

	level_take(b, &sy->side[o->side], o->side, o->price, shares, gone);
	if (gone) {
		sy->orders--;
		order_erase(b, slot);
	} else {
		o->shares -= shares;
	}
}

/* shares of order ref of locate can leave it: its slot, or a refusal. */
static inline enum tw_book_verdict
takeable(const struct tw_books *b, uint32_t locate, uint64_t ref,
		uint32_t shares, uint64_t *slot)
{
	enum tw_book_verdict v = resting(b, locate, ref, slot);

	if (v != TW_BOOK_OK)
		return v;
	if (shares == 0)
		return TW_BOOK_BAD_FIELD;
	if (shares > b->orders[*slot].shares)
		return TW_BOOK_TOO_MANY_SHARES;
	return TW_BOOK_OK;
}

enum tw_book_verdict
tw_book_execute(struct tw_books *b, uint32_t locate, uint64_t ref,
		uint32_t shares, uint32_t price, bool print)
{
	enum tw_book_verdict v;
	struct tw_book_sym *sy;
	uint64_t slot;

	v = takeable(b, locate, ref, shares, &slot);
	if (v != TW_BOOK_OK)
		return v;
	sy = &b->sym[locate];
	if (print) {
		sy->last_px = price != 0 ? price : b->orders[slot].price;
		sy->last_sz = shares;
		sy->volume += shares;
	}
	reduce(b, slot, shares);
	return TW_BOOK_OK;
}

enum tw_book_verdict
tw_book_cancel(struct tw_books *b, uint32_t locate, uint64_t ref,
		uint32_t shares)
{
	enum tw_book_verdict v;
	uint64_t slot;

	v = takeable(b, locate, ref, shares, &slot);
	if (v != TW_BOOK_OK)
		return v;
	reduce(b, slot, shares);
	return TW_BOOK_OK;
}

enum tw_book_verdict
tw_book_delete(struct tw_books *b, uint32_t locate, uint64_t ref)
{
	enum tw_book_verdict v;
	uint64_t slot;

	v = resting(b, locate, ref, &slot);
	if (v != TW_BOOK_OK)
		return v;
	reduce(b, slot, b->orders[slot].shares);
	return TW_BOOK_OK;
}

enum tw_book_verdict
tw_book_replace(struct tw_books *b, uint32_t locate, uint64_t old_ref,
		uint64_t new_ref, uint32_t shares, uint32_t price)
{
	enum tw_book_verdict v;
	struct tw_book_side *s;
	uint8_t side;
	uint64_t slot;
	bool found;

	v = resting(b, locate, old_ref, &slot);
	if (v != TW_BOOK_OK)
		return v;
	if (new_ref == 0 || shares == 0)
		return TW_BOOK_BAD_FIELD;
	if (new_ref != old_ref) {
		bool dup;
		uint64_t to = order_slot(b, new_ref, &dup);

		if (dup)
			return TW_BOOK_DUPLICATE_REF;
		/* No slot for the new reference within the probe bound
		 * (the old one's going may free one, or may not): refused
		 * before anything changes. */
		if (to == NOT_FOUND)
			return TW_BOOK_STORE_FULL;
	}
	side = b->orders[slot].side;
	s = &b->sym[locate].side[side];
	level_index(b, s, side, price, &found);
	/* Room for the new level before the old order goes (all or
	 * nothing: a replace that frees the level it needs is refused at
	 * a full pool, counted). */
	if (!found && !level_room(b, s))
		return TW_BOOK_LEVELS_FULL;
	reduce(b, slot, b->orders[slot].shares);
	return tw_book_add(b, locate, new_ref, side, shares, price);
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
	return TW_BOOK_OK;
}
