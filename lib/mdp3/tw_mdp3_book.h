/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0 market-by-price books: one book per instrument, fixed
 * arrays TW_MDP3_DEPTH deep per side, changed only through the
 * functions here, so the receiver (from the wire) and the generator
 * (its truth) keep the same books by the same rules and dump them in
 * the same CSV, byte for byte.
 *
 * A side's levels 1..n are in use, level 1 the best; the levels past n
 * are all zeros (the digest reads them). What each MDUpdateAction does
 * at level L (CME's "MDP 3.0 - Market by Price" book management):
 *   New (0)        a level inserted at L; levels L..n move down one;
 *                  the one pushed past the depth falls off. L may be
 *                  n + 1 (appended), not further (a hole).
 *   Change (1)     the quantity and order count of level L, whose
 *                  price stays (a different price is refused).
 *   Delete (2)     level L removed; the levels below move up one.
 *   DeleteThru (3) every level of the side removed (L is not read).
 *   DeleteFrom (4) levels 1..L removed; the rest move up L.
 *   Overlay (5)    level L replaced: price, quantity and orders.
 * Change, Delete, DeleteFrom and Overlay need L in use. A New, Change
 * or Overlay needs a price (not null), a quantity > 0 and an order
 * count >= 0 (null: 0), and leaves the side strictly ordered (bids
 * falling, offers rising) or is refused. Every refusal leaves the book
 * exactly as it was and names its reason (enum tw_mdp3_book_verdict).
 *
 * Prices are PRICE9 mantissas (value * 10^9). The symbol cache gets
 * them unchanged with price_decimals 9 (tw_mdp3_cache_px): exact for
 * every tick, whatever the instrument's MinPriceIncrement.
 *
 * Owns: the book struct, the actions and their verdicts, trades and
 * volume, the digest and the CSV row. Never touches: the wire (tw_mdp3.h),
 * sequencing (RptSeq is kept here, checked by the message layer),
 * caches; never allocates.
 */
#ifndef TW_MDP3_BOOK_H
#define TW_MDP3_BOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TW_MDP3_DEPTH           10
/* SecurityID of instrument l: TW_MDP3_SECID_BASE + l. */
#define TW_MDP3_SECID_BASE      100000
#define TW_MDP3_SYMBOL_LEN      20
#define TW_MDP3_CACHE_DECIMALS  9       /* the cache's price_decimals */

/* A PRICE9 mantissa as the cache's price (price_decimals 9): as is. */
static inline int64_t
tw_mdp3_cache_px(int64_t price9)
{
	return price9;
}

enum tw_mdp3_side {
	TW_MDP3_SIDE_BID = 0,
	TW_MDP3_SIDE_ASK = 1,
};

struct tw_mdp3_level {
	int64_t px;             /* PRICE9 mantissa */
	int32_t qty;
	int32_t orders;         /* NumberOfOrders */
};

struct tw_mdp3_book {
	int32_t security_id;
	uint32_t l;             /* the cache's symbol index */
	struct tw_mdp3_level bid[TW_MDP3_DEPTH];
	struct tw_mdp3_level ask[TW_MDP3_DEPTH];
	uint8_t n_bid;          /* levels in use, 1..n_bid */
	uint8_t n_ask;
	bool defined;           /* a definition named it: it has a row */
	int64_t last_px;        /* last trade, PRICE9; 0 before any */
	int32_t last_qty;
	uint64_t volume;        /* traded this session */
	uint32_t rpt_seq;       /* the last RptSeq applied (0: none) */
	int64_t tick;           /* MinPriceIncrement, PRICE9 */
	int64_t display_factor; /* Decimal9 */
	char symbol[TW_MDP3_SYMBOL_LEN];        /* as on the wire, NUL padded */
};

enum tw_mdp3_book_verdict {
	TW_MDP3_BOOK_OK = 0,
	TW_MDP3_BOOK_BAD_LEVEL,         /* L outside 1..depth */
	TW_MDP3_BOOK_EMPTY_LEVEL,       /* L past the levels in use */
	TW_MDP3_BOOK_HOLE,              /* a New past n + 1 */
	TW_MDP3_BOOK_BAD_ACTION,        /* not an MDUpdateAction, or a side */
	TW_MDP3_BOOK_BAD_FIELD,         /* null price, qty <= 0, orders < 0 */
	TW_MDP3_BOOK_PRICE_CHANGED,     /* a Change with another price */
	TW_MDP3_BOOK_OUT_OF_ORDER,      /* the side would not stay sorted */
	TW_MDP3_BOOK_VERDICTS
};

const char *tw_mdp3_book_verdict_name(enum tw_mdp3_book_verdict v);

/* Side s's levels (bid or ask) and their count. */
static inline struct tw_mdp3_level *
tw_mdp3_book_levels(struct tw_mdp3_book *b, enum tw_mdp3_side s)
{
	return s == TW_MDP3_SIDE_BID ? b->bid : b->ask;
}

static inline const struct tw_mdp3_level *
tw_mdp3_book_clevels(const struct tw_mdp3_book *b, enum tw_mdp3_side s)
{
	return s == TW_MDP3_SIDE_BID ? b->bid : b->ask;
}

static inline uint8_t
tw_mdp3_book_count(const struct tw_mdp3_book *b, enum tw_mdp3_side s)
{
	return s == TW_MDP3_SIDE_BID ? b->n_bid : b->n_ask;
}

/* An empty, undefined book of instrument l (SecurityID base + l). */
void tw_mdp3_book_init(struct tw_mdp3_book *b, uint32_t l);

/*
 * What a definition says (54): the book is defined, with its symbol
 * (up to 20 bytes, copied as is), tick and display factor. Its levels
 * and trades are kept.
 */
void tw_mdp3_book_define(struct tw_mdp3_book *b, int32_t security_id,
	const char *symbol, int64_t tick, int64_t display_factor);

/* Both sides emptied (ChannelReset, a snapshot about to be laid down). */
void tw_mdp3_book_clear(struct tw_mdp3_book *b);

/*
 * Everything a session holds emptied: sides, last trade, volume,
 * RptSeq (a ChannelReset). The definition stays.
 */
void tw_mdp3_book_reset(struct tw_mdp3_book *b);

/*
 * The check of one update action at level (1-based) without applying
 * it: TW_MDP3_BOOK_OK when tw_mdp3_book_update would apply it.
 */
enum tw_mdp3_book_verdict tw_mdp3_book_check(const struct tw_mdp3_book *b,
	enum tw_mdp3_side side, uint8_t action, unsigned int level,
	int64_t px, int32_t qty, int32_t orders);

/* The action applied, or refused whole with its verdict. */
enum tw_mdp3_book_verdict tw_mdp3_book_update(struct tw_mdp3_book *b,
	enum tw_mdp3_side side, uint8_t action, unsigned int level,
	int64_t px, int32_t qty, int32_t orders);

/* A trade (48): last price and quantity; volume grows by qty. */
void tw_mdp3_book_trade(struct tw_mdp3_book *b, int64_t px, int32_t qty);

/* The session's cumulative volume (37, or a snapshot's 'e' entry). */
void tw_mdp3_book_volume(struct tw_mdp3_book *b, uint64_t volume);

/*
 * FNV-1a 64 over bid levels 1..depth then ask levels 1..depth, each as
 * price (int64), qty (int32), orders (int32), little-endian; the levels
 * not in use as zeros.
 */
uint64_t tw_mdp3_book_digest(const struct tw_mdp3_book *b);

/* Sum of the order counts of both sides' levels. */
uint64_t tw_mdp3_book_orders(const struct tw_mdp3_book *b);

/* The dump's header line and one book's row (none if never defined). */
void tw_mdp3_books_csv_header(FILE *f);
void tw_mdp3_book_csv_row(const struct tw_mdp3_book *b, FILE *f);

#endif /* TW_MDP3_BOOK_H */
