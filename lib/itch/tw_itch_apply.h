/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ITCH 5.0 messages into books and a cache: the one place that says
 * what each message does, used by the RX lcores, by the generator for
 * its ground truth and by the offline decoder, so all three agree.
 *
 * A symbol's cache entry is written when what it shows changes (best
 * bid and ask price and aggregate shares, last trade, volume): adds and
 * deletes deep in the book touch no cache line, and the entry's update
 * count and last sequence do not depend on how messages were framed.
 */
#ifndef TW_ITCH_APPLY_H
#define TW_ITCH_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_seqcount.h>

#include "tw_book.h"
#include "tw_cache.h"
#include "tw_itch.h"
#include "tw_parse.h"

/* The decimals of ITCH prices (the MWCB levels, 8, touch no book). */
#define TW_ITCH_PRICE_DECIMALS 4

struct tw_itch_sink {
	struct tw_books *books;
	struct tw_cache *cache;         /* the entries shown; or NULL */
	struct tw_rx_counters *ctr;     /* book_*, other, unknown, dirs */
};

/* The wire's stock locate (1-based; 0: no stock) as a cache locate. */
static inline uint32_t
tw_itch_cache_locate(const uint8_t *m)
{
	return (uint32_t)tw_itch_locate(m) - 1;
}

/* A side's byte ('B', 'S') as TW_BOOK_BID or TW_BOOK_ASK; 0xff else.
 * From a table (each side one more than its value, so the rest wraps
 * to 0xff): a message's side is as likely one as the other, so a branch
 * on it would be mispredicted every other message. */
static const uint8_t tw_itch_side_of[256] = {
	['B'] = TW_BOOK_BID + 1,
	['S'] = TW_BOOK_ASK + 1,
};

static inline uint8_t
tw_itch_side(uint8_t c)
{
	return (uint8_t)(tw_itch_side_of[c] - 1);
}

/*
 * Entry l shows the book's top (written, seqcount). Called when what it
 * shows changed (the books say so: tw_books.shown_changed): every
 * change to a book is shown at once, so the entry equals the book's top
 * before each message, and the entry's line is not read to tell a
 * change (a line a message fewer when the top stays: about half the
 * messages).
 */
static inline void
tw_itch_show(struct tw_cache *c, const struct tw_books *b, uint32_t l,
		uint64_t seq, uint64_t now_ns)
{
	struct tw_cache_entry *e = &c->entries[l];
	struct tw_book_top t;

	tw_book_top(b, l, &t);
	rte_seqcount_write_begin(&e->sc);
	e->bid_px = t.bid_px;
	e->bid_sz = t.bid_sz;
	e->ask_px = t.ask_px;
	e->ask_sz = t.ask_sz;
	e->last_px = t.last_px;
	e->last_sz = t.last_sz;
	e->volume = t.volume;
	e->last_seq = seq;
	e->last_update_ns = now_ns;
	rte_seqcount_write_end(&e->sc);
}

/* A Stock Directory into the cache's directory and the books. */
static inline bool
tw_itch_directory_apply(struct tw_itch_sink *s, const uint8_t *m)
{
	struct tw_directory d = {
		.locate = tw_itch_cache_locate(m),
		.price_decimals = TW_ITCH_PRICE_DECIMALS,
	};

	memcpy(d.ticker, m + TW_ITCH_R_STOCK, TW_TICKER_LEN);
	if (d.locate >= s->books->p.nb_symbols ||
	    (s->cache != NULL && tw_cache_set_directory(s->cache, &d) != 0)) {
		s->ctr->book_refused[TW_BOOK_BAD_FIELD]++;
		return false;
	}
	tw_book_directory(s->books, d.locate, d.ticker);
	s->ctr->directories++;
	return true;
}

/* What a message asks for ahead of its apply, by type. */
enum tw_itch_ahead_class {
	TW_ITCH_AHEAD_NONE,     /* nothing of a book */
	TW_ITCH_AHEAD_ADD,      /* a new order: book and side in it */
	TW_ITCH_AHEAD_ORDER,    /* a resting order's: book and side there */
	TW_ITCH_AHEAD_TRADE,    /* the book's line and its cache entry */
};

/* Every message of an order class has its (old) reference at 11. */
_Static_assert(TW_ITCH_A_REF == 11 && TW_ITCH_E_REF == 11 &&
	TW_ITCH_X_REF == 11 && TW_ITCH_D_REF == 11 &&
	TW_ITCH_U_OLD_REF == 11, "one offset of the order reference");

static const uint8_t tw_itch_ahead_class[256] = {
	[TW_ITCH_ADD_ORDER] = TW_ITCH_AHEAD_ADD,
	[TW_ITCH_ADD_ORDER_MPID] = TW_ITCH_AHEAD_ADD,
	[TW_ITCH_ORDER_EXECUTED] = TW_ITCH_AHEAD_ORDER,
	[TW_ITCH_ORDER_EXECUTED_PRICE] = TW_ITCH_AHEAD_ORDER,
	[TW_ITCH_ORDER_CANCEL] = TW_ITCH_AHEAD_ORDER,
	[TW_ITCH_ORDER_DELETE] = TW_ITCH_AHEAD_ORDER,
	[TW_ITCH_ORDER_REPLACE] = TW_ITCH_AHEAD_ORDER,
	[TW_ITCH_TRADE] = TW_ITCH_AHEAD_TRADE,
	[TW_ITCH_CROSS_TRADE] = TW_ITCH_AHEAD_TRADE,
};

/*
 * What the first stage of a prefetch leaves for the second: where the
 * order's book, side and price are to be read (its window slot, in
 * cache by the second stage; an add's own, from the message), so the
 * second stage reads them one way whatever the type.
 */
struct tw_itch_ahead {
	const struct tw_book_order *o;
	struct tw_book_order own;       /* an add's book, side and price */
	uint8_t cls;            /* enum tw_itch_ahead_class; NONE: no more */
};

/*
 * The first stage: the lines a checked message will touch whose address
 * the message gives (its order's window slot, and a replace's new one;
 * its symbol's book line and cache entry; c may be NULL), asked for
 * ahead.
 * Few branches, the add's the only one taken as often as not: the type
 * picks a class from a table, every order message's reference is at one
 * offset, a window slot's address is a mask away. a keeps what the
 * second stage needs.
 */
static inline void
tw_itch_prefetch_at(const struct tw_books *b, const struct tw_cache *c,
		const uint8_t *m, struct tw_itch_ahead *a)
{
	uint8_t cls = tw_itch_ahead_class[m[0]];
	const struct tw_book_sym *sy;
	uint32_t l;
	uint64_t ref;

	a->cls = TW_ITCH_AHEAD_NONE;
	/* Any other type may be shorter than the fields read below. */
	if (cls == TW_ITCH_AHEAD_NONE)
		return;
	l = tw_itch_cache_locate(m);
	if (unlikely(l >= b->p.nb_symbols))
		return;
	sy = &b->sym[l];
	rte_prefetch0(sy);
	/* The cache entry, whatever the message: asked for only when
	 * the top may change, it took more work to tell (a branch on the
	 * type, the order's price against the best) than the line costs
	 * (a symbol's entry is in cache when its symbol is busy). */
	if (c != NULL)
		rte_prefetch0(&c->entries[l]);
	if (cls == TW_ITCH_AHEAD_TRADE)
		return;
	ref = tw_itch_u64(m + TW_ITCH_A_REF);
	a->o = &b->win[ref & b->win_mask];
	rte_prefetch0(a->o);
	if (unlikely(ref - b->win_lo > b->win_mask)) {
		/* Out of the window: its fallback slot; no second stage. */
		rte_prefetch0(&b->orders[tw_book_slot_of(b, ref)]);
		return;
	}
	a->cls = cls;
	if (cls == TW_ITCH_AHEAD_ADD) {
		a->own.locate = l;
		a->own.side = tw_itch_side(m[TW_ITCH_A_SIDE]);
		a->own.price = tw_itch_u32(m + TW_ITCH_A_PRICE);
		a->o = &a->own;
	} else if (m[0] == TW_ITCH_ORDER_REPLACE) {
		rte_prefetch0(&b->win[tw_itch_u64(m + TW_ITCH_U_NEW_REF) &
			b->win_mask]);
	}
}

static inline void
tw_itch_prefetch(const struct tw_books *b, const struct tw_cache *c,
		const uint8_t *m)
{
	struct tw_itch_ahead a;

	tw_itch_prefetch_at(b, c, m, &a);
}

/*
 * The second stage, some messages later, from what the first left: the
 * price level the message will touch, one line at an address from its
 * price (the order's book, side and price read from its window slot, in
 * cache by now; an add's from the message): its rung of the side's
 * ladder (tw_book_rung_slot; none when its price is in the overflow).
 * Book, side and price are read one way whatever the type: no branch on
 * it, which would be mispredicted every other message. (The next line
 * toward the worst, for an order at the best, where the next best is
 * found when its level empties, was asked for too until it measured 5 %
 * slower with it than without on the days with big books: most orders
 * at the best leave it a level still.)
 */
static inline void
tw_itch_prefetch_levels(const struct tw_books *b,
		const struct tw_itch_ahead *a)
{
	const struct tw_book_order *o = a->o;
	const struct tw_book_level *lv;
	uint32_t l, price;
	unsigned int side;

	if (a->cls == TW_ITCH_AHEAD_NONE || a->cls == TW_ITCH_AHEAD_TRADE)
		return;
	l = o->locate;
	side = o->side;
	price = o->price;
	/* Read before its order came (or after it left): no use. */
	if (unlikely(l >= b->p.nb_symbols || side > TW_BOOK_ASK))
		return;
	lv = tw_book_rung_slot(b, &b->sym[l].side[side], price);
	if (lv != NULL)
		rte_prefetch0(lv);
}

/*
 * Whether the books are small enough to stay in cache (their levels
 * in use and the window lines of the orders resting within
 * TW_ITCH_CACHED_BYTES): then the second stage finds its lines there
 * already and only costs its instructions (about 14 ns a message here,
 * a fifth of the work on a day of 1,456 orders resting), so it is left
 * out. Asked once for many messages.
 */
#define TW_ITCH_CACHED_BYTES ((uint64_t)1 << 20)

static inline bool
tw_itch_books_cached(const struct tw_books *b)
{
	return (b->levels_live + 4 * b->live) *
		sizeof(struct tw_book_level) < TW_ITCH_CACHED_BYTES;
}

/*
 * One message whose length is its type's (checked), at sequence seq.
 * False when a book refused it (counted under its reason).
 */
static inline bool
tw_itch_apply(struct tw_itch_sink *s, const uint8_t *m, uint64_t seq,
		uint64_t now_ns)
{
	struct tw_books *b = s->books;
	enum tw_book_verdict v;
	uint32_t l;

	/* Unknown: its length may be anything, even shorter than a
	 * header; nothing past its type is read. */
	if (unlikely(tw_itch_len[m[0]] == 0)) {
		s->ctr->unknown_msgs++;
		return true;
	}
	l = tw_itch_cache_locate(m);
	b->shown_changed = false;
	switch (m[0]) {
	case TW_ITCH_ADD_ORDER:
	case TW_ITCH_ADD_ORDER_MPID:
		v = tw_book_add(b, l, tw_itch_u64(m + TW_ITCH_A_REF),
			tw_itch_side(m[TW_ITCH_A_SIDE]),
			tw_itch_u32(m + TW_ITCH_A_SHARES),
			tw_itch_u32(m + TW_ITCH_A_PRICE));
		break;
	case TW_ITCH_ORDER_EXECUTED:
		v = tw_book_execute(b, l, tw_itch_u64(m + TW_ITCH_E_REF),
			tw_itch_u32(m + TW_ITCH_E_SHARES), 0, true);
		break;
	case TW_ITCH_ORDER_EXECUTED_PRICE:
		v = tw_book_execute(b, l, tw_itch_u64(m + TW_ITCH_E_REF),
			tw_itch_u32(m + TW_ITCH_E_SHARES),
			tw_itch_u32(m + TW_ITCH_C_PRICE),
			m[TW_ITCH_C_PRINTABLE] == 'Y');
		break;
	case TW_ITCH_ORDER_CANCEL:
		v = tw_book_cancel(b, l, tw_itch_u64(m + TW_ITCH_X_REF),
			tw_itch_u32(m + TW_ITCH_X_SHARES));
		break;
	case TW_ITCH_ORDER_DELETE:
		v = tw_book_delete(b, l, tw_itch_u64(m + TW_ITCH_D_REF));
		break;
	case TW_ITCH_ORDER_REPLACE:
		v = tw_book_replace(b, l, tw_itch_u64(m + TW_ITCH_U_OLD_REF),
			tw_itch_u64(m + TW_ITCH_U_NEW_REF),
			tw_itch_u32(m + TW_ITCH_U_SHARES),
			tw_itch_u32(m + TW_ITCH_U_PRICE));
		break;
	case TW_ITCH_TRADE:
		v = tw_book_trade(b, l, tw_itch_u32(m + TW_ITCH_P_SHARES),
			tw_itch_u32(m + TW_ITCH_P_PRICE));
		break;
	case TW_ITCH_CROSS_TRADE:
		v = tw_book_trade(b, l, tw_itch_u64(m + TW_ITCH_Q_SHARES),
			tw_itch_u32(m + TW_ITCH_Q_PRICE));
		break;
	case TW_ITCH_STOCK_DIRECTORY:
		return tw_itch_directory_apply(s, m);
	default:
		s->ctr->other_msgs++;
		return true;
	}
	if (unlikely(v != TW_BOOK_OK)) {
		s->ctr->book_refused[v]++;
		return false;
	}
	s->ctr->book_msgs++;
	if (s->cache != NULL && b->shown_changed)
		tw_itch_show(s->cache, b, l, seq, now_ns);
	return true;
}

#endif /* TW_ITCH_APPLY_H */
