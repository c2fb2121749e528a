/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The books' memory and their order store's slow paths. The store is a
 * window indexed directly by order reference (exchanges hand references
 * out in increasing order through the day, tickwire's generator too),
 * so a message's order is one load at an address known from the
 * reference alone, and a burst's orders can all be asked for before the
 * first applies. The window slides forward with the references: an add
 * past its end moves it, and the orders it passes (long-resting ones)
 * move to the fallback table, as do adds of references behind it (reused
 * or late) or far ahead of it (a jump of more than a window); both are
 * counted, neither refused. The fallback is the keyed open-addressing
 * table the store used to be (Fibonacci hashing, linear probing bounded
 * at MAX_PROBES, backward-shift deletion).
 *
 * Owns: the memory's layout, the fallback table, the window's slide.
 * Never touches: the price levels and the operations (tw_book.c), the
 * reading side (tw_book_read.c), allocation.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "tw_book.h"
#include "tw_book_private.h"

/* The window slides by whole chunks of references (whole lines). */
#define SLIDE_CHUNK 64

/* ---- memory ---- */

static uint64_t
pow2_at_least(uint64_t n)
{
	uint64_t s = 16;

	while (s < n)
		s <<= 1;
	return s;
}

static uint64_t
slots_for(uint64_t max_orders)
{
	return pow2_at_least(2 * max_orders);
}

static uint64_t
window_for(const struct tw_book_params *p)
{
	return pow2_at_least(RTE_MAX(p->window != 0 ? p->window :
		2 * p->max_orders, (uint64_t)SLIDE_CHUNK));
}

static size_t
cl(size_t n)
{
	return RTE_ALIGN_CEIL(n, (size_t)64);
}

/* The bitmap of the ladders' rungs: a bit a level of the pool. */
static size_t
occ_words(const struct tw_book_params *p)
{
	return ((size_t)p->pool_levels + 63) / 64;
}

/*
 * The layout: the header, the window, the levels, their bitmap and the
 * symbols' lines (every message touches them: tw_books_hot_size bytes),
 * then the fallback table (touched a slot at a time, rarely).
 */
size_t
tw_books_hot_size(const struct tw_book_params *p)
{
	return cl(sizeof(struct tw_books)) +
		cl(window_for(p) * sizeof(struct tw_book_order)) +
		cl((size_t)p->pool_levels * sizeof(struct tw_book_level)) +
		cl(occ_words(p) * sizeof(uint64_t)) +
		cl((size_t)p->nb_symbols * sizeof(struct tw_book_sym));
}

size_t
tw_books_memsize(const struct tw_book_params *p)
{
	return tw_books_hot_size(p) +
		cl(slots_for(p->max_orders) * sizeof(struct tw_book_hslot)) +
		cl((size_t)p->nb_symbols * 2 * sizeof(struct tw_book_ovf)) +
		cl((size_t)p->nb_symbols * 8);
}

/*
 * A side's first ladder: 64 rungs (64 cents: most books of a day
 * here span less; a wider one grows), smaller when the pool would not
 * hold one for each side with half of it left for growth and overflow.
 */
static uint16_t
first_ladder(const struct tw_book_params *p)
{
	uint64_t per_side = p->pool_levels / ((uint64_t)p->nb_symbols * 4);
	uint16_t cls = 0;

	while (cls < 3 && (16u << cls) <= per_side)
		cls++;
	return cls;
}

struct tw_books *
tw_books_init(void *mem, const struct tw_book_params *p)
{
	struct tw_books *b = mem;
	uint64_t slots, win;
	uint8_t *next;
	uint32_t i;

	if (mem == NULL || p->nb_symbols == 0 || p->max_orders == 0 ||
	    p->max_orders > (UINT64_C(1) << 40) || p->pool_levels < 8 ||
	    p->window > (UINT64_C(1) << 40))
		return NULL;
	slots = slots_for(p->max_orders);
	win = window_for(p);
	/* Fresh memory is zero already: its pages are left untouched
	 * until used (a small day touches a small part of them). */
	if (!p->zeroed)
		memset(mem, 0, tw_books_memsize(p));
	else
		memset(mem, 0, sizeof(*b));
	b->p = *p;
	b->win_mask = win - 1;
	b->mask = slots - 1;
	b->shift = 64 - (uint32_t)__builtin_ctzll(slots);
	next = (uint8_t *)b + cl(sizeof(*b));
	b->win = (struct tw_book_order *)next;
	next += cl(win * sizeof(*b->win));
	b->pool = (struct tw_book_level *)next;
	next += cl((size_t)p->pool_levels * sizeof(*b->pool));
	b->occ = (uint64_t *)next;
	next += cl(occ_words(p) * sizeof(*b->occ));
	b->sym = (struct tw_book_sym *)next;
	next += cl((size_t)p->nb_symbols * sizeof(*b->sym));
	b->orders = (struct tw_book_hslot *)next;
	next += cl(slots * sizeof(*b->orders));
	b->ovf = (struct tw_book_ovf *)next;
	next += cl((size_t)p->nb_symbols * 2 * sizeof(*b->ovf));
	b->stock = (char (*)[8])next;
	b->lad_cls0 = first_ladder(p);
	for (i = 0; i < p->nb_symbols; i++) {
		b->sym[i].side[0].lad = NO_SYMBOL;
		b->sym[i].side[1].lad = NO_BLOCK;
		b->ovf[2 * i].block = b->ovf[2 * i + 1].block = NO_BLOCK;
	}
	return b;
}

/* ---- the fallback table ---- */

/*
 * Home slot of a reference: Fibonacci hashing of the keyed reference,
 * which spreads references evenly over the table, so probe chains stay
 * short at any load up to one half. Crafted references may still share
 * a home slot, so a chain is bounded: an order that would go further
 * than MAX_PROBES is refused as if the store were full (counted), never
 * searched for at length.
 */

uint64_t
tw_book_hash_find(const struct tw_books *b, uint64_t ref)
{
	uint64_t i = tw_book_slot_of(b, ref);
	unsigned int n;

	/* Nothing rests past the probe bound. */
	for (n = 0; n <= MAX_PROBES && b->orders[i].ref != 0; n++) {
		if (b->orders[i].ref == ref)
			return i;
		i = (i + 1) & b->mask;
	}
	return NOT_FOUND;
}

/*
 * One probe for an add: *dup when ref rests here already; else the free
 * slot that ends its chain (with no tombstones the first free slot is
 * where ref would be), or NOT_FOUND past the probe bound.
 */
static uint64_t
hash_slot(const struct tw_books *b, uint64_t ref, bool *dup)
{
	uint64_t i = tw_book_slot_of(b, ref);
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
	return NOT_FOUND;
}

void
tw_book_hash_erase(struct tw_books *b, struct tw_book_order *o)
{
	uint64_t i = (uint64_t)((struct tw_book_hslot *)((uint8_t *)o -
		offsetof(struct tw_book_hslot, o)) - b->orders), j = i;

	if (o->ahead)
		b->ahead_live--;
	for (;;) {
		uint64_t k;

		j = (j + 1) & b->mask;
		if (b->orders[j].ref == 0)
			break;
		k = tw_book_slot_of(b, b->orders[j].ref);
		/* j's entry may move to i only if its home is not in (i, j]. */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			b->orders[i] = b->orders[j];
			i = j;
		}
	}
	b->orders[i].ref = 0;
	b->orders[i].o.shares = 0;
	b->live--;
}

const struct tw_book_order *
tw_book_find(const struct tw_books *b, uint64_t ref)
{
	uint64_t i;

	if (ref == 0)
		return NULL;
	if (ref - b->win_lo <= b->win_mask &&
	    b->win[ref & b->win_mask].shares != 0)
		return &b->win[ref & b->win_mask];
	i = b->live == b->win_live ? NOT_FOUND : tw_book_hash_find(b, ref);
	return i == NOT_FOUND ? NULL : &b->orders[i].o;
}

/* ---- the window's slide ---- */

/*
 * Slide the window to start at lo (past its start), moving the orders
 * it passes to the fallback. False, with the window slid as far as it
 * could, when one of them found no slot there within the probe bound.
 */
static bool
slide(struct tw_books *b, uint64_t lo)
{
	/* Past a window's length the slots come round again. */
	uint64_t r, end = RTE_MIN(lo, b->win_lo + b->win_mask + 1);

	if (b->win_live == 0) {
		b->win_lo = lo;
		return true;
	}
	for (r = b->win_lo; r < end; r++) {
		struct tw_book_order *o = &b->win[r & b->win_mask];
		uint64_t i;
		bool dup;

		if (o->shares == 0)
			continue;
		i = hash_slot(b, r, &dup);
		if (i == NOT_FOUND || dup) {
			b->win_lo = r;
			return false;
		}
		b->orders[i].ref = r;
		b->orders[i].o = *o;
		b->orders[i].o.ahead = 0;
		o->shares = 0;
		b->win_live--;
		b->evicted++;
		if (b->win_live == 0) {
			b->win_lo = lo;
			return true;
		}
	}
	b->win_lo = lo;
	return true;
}

/* A free fallback slot for ref, or NULL with why. */
static struct tw_book_order *
hash_place(struct tw_books *b, uint64_t ref, enum tw_book_verdict *why)
{
	bool dup;
	uint64_t i = hash_slot(b, ref, &dup);

	if (dup) {
		*why = TW_BOOK_DUPLICATE_REF;
		return NULL;
	}
	if (i == NOT_FOUND) {
		*why = TW_BOOK_STORE_FULL;
		return NULL;
	}
	return &b->orders[i].o;
}

struct tw_book_order *
tw_book_store_place(struct tw_books *b, uint64_t ref,
		enum tw_book_verdict *why)
{
	uint64_t w = b->win_mask + 1;

	if (ref < b->win_lo)
		return hash_place(b, ref, why);         /* behind */
	if (ref - b->win_lo >= w) {
		/* Ahead: slide when it is within a window of the end (or
		 * nothing rests in the window), else the fallback. */
		uint64_t lo = RTE_ALIGN_CEIL(ref - b->win_mask,
			(uint64_t)SLIDE_CHUNK);

		if (lo > ref)
			lo = ref;
		if ((ref - b->win_lo - w >= w && b->win_live != 0) ||
		    !slide(b, lo))
			return hash_place(b, ref, why);
	}
	/* In the window's range: a fallback order ahead may have it. */
	if (b->ahead_live != 0 && ref <= b->ahead_max &&
	    b->live != b->win_live && tw_book_hash_find(b, ref) != NOT_FOUND) {
		*why = TW_BOOK_DUPLICATE_REF;
		return NULL;
	}
	if (b->win[ref & b->win_mask].shares != 0) {
		*why = TW_BOOK_DUPLICATE_REF;
		return NULL;
	}
	return &b->win[ref & b->win_mask];
}

void
tw_book_store_take(struct tw_books *b, struct tw_book_order *o, uint64_t ref)
{
	if (in_window(b, o)) {
		b->win_live++;
	} else {
		struct tw_book_hslot *h = (struct tw_book_hslot *)((uint8_t *)o -
			offsetof(struct tw_book_hslot, o));

		h->ref = ref;
		o->ahead = ref > b->win_lo + b->win_mask;
		if (o->ahead) {
			b->ahead_live++;
			if (ref > b->ahead_max)
				b->ahead_max = ref;
		}
		b->fallback_adds++;
	}
	if (++b->live > b->peak)
		b->peak = b->live;
}
