/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Order books of an order-level feed (ITCH 5.0): an order store (order
 * reference -> symbol, side, price, shares) and, per symbol and side,
 * the price levels (aggregate shares and order count) in a ladder
 * indexed by price, so a level is one line at an address known from its
 * price (no search, no moves), the best kept in the symbol's line.
 *
 * Every operation is all or nothing: one that cannot be applied whole
 * (an unknown order, more shares than it has, a reference already
 * resting, a symbol with no directory, a full store) changes nothing and
 * says why; the book is never left half-changed.
 *
 * Owns: the order store (a window indexed directly by order reference,
 * since exchanges hand references out in increasing order, sliding
 * forward with them; behind it a fallback table for references out of
 * the window or reused: open addressing, Fibonacci hashing, linear
 * probing bounded at 64 slots, deletion by backward shift), the
 * levels (each side's ladder and its overflow: power-of-two blocks from
 * one pool, with free lists; a bitmap of the ladders' rungs that hold a
 * level), top of book, last trade and volume per
 * symbol, a digest of a book.
 * Never touches: allocation (the caller gives it memory of
 * tw_books_memsize bytes: hugepages in the app), the wire format,
 * caches, clocks. One writer per tw_books.
 */
#ifndef TW_BOOK_H
#define TW_BOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_prefetch.h>

#define TW_BOOK_BID 0
#define TW_BOOK_ASK 1

/* What an operation did; every refusal is counted under its reason. */
enum tw_book_verdict {
	TW_BOOK_OK,
	TW_BOOK_UNKNOWN_ORDER,          /* no resting order has that ref */
	TW_BOOK_TOO_MANY_SHARES,        /* beyond the order's remainder */
	TW_BOOK_DUPLICATE_REF,          /* a resting order has that ref */
	TW_BOOK_NO_DIRECTORY,           /* a locate with no Stock Directory */
	TW_BOOK_STORE_FULL,             /* max_orders resting already, or
					 * no slot within the probe bound */
	TW_BOOK_LEVELS_FULL,            /* no room for a new price level */
	TW_BOOK_WRONG_LOCATE,           /* the order rests on another stock */
	TW_BOOK_BAD_FIELD,              /* side, zero shares or reference */
	TW_BOOK_VERDICTS
};

const char *tw_book_verdict_name(enum tw_book_verdict v);

/* A resting order: 16 bytes, four to a cache line in the window. */
struct tw_book_order {
	uint32_t price;
	uint32_t shares;        /* 0: a free window slot */
	uint32_t locate;
	uint8_t side;           /* TW_BOOK_BID or TW_BOOK_ASK */
	uint8_t ahead;          /* fallback: put there ahead of the window */
	uint16_t pad;
};

/* A slot of the fallback table: the reference, then its order. */
struct tw_book_hslot {
	uint64_t ref;           /* 0: free slot */
	struct tw_book_order o;
};

struct tw_book_level {
	uint32_t price;
	uint32_t orders;        /* 0: an empty rung of a ladder */
	uint64_t shares;
};

/*
 * One side of one symbol's book. Its levels are kept in a ladder: a
 * pool block of 8 << cls rungs, the level of price p (a multiple of
 * unit) at rung p / unit modulo the block's size, so a level's line is
 * known from its price alone, with no search and no moves; every level
 * of the ladder lies within span rungs of its best, so no two share a
 * rung. A price the ladder cannot hold (not a multiple of its unit, or
 * farther than the largest block from the others) goes to the side's
 * overflow, a sorted array (tw_books.ovf), counted. The best of both
 * is copied into the symbol's line (top_px, top_sz).
 */
struct tw_book_side {
	uint32_t lad;           /* the ladder's first rung in the pool;
				 * NO_BLOCK: none (side 0: NO_SYMBOL
				 * until the stock's directory) */
	uint32_t best;          /* the ladder's best rung (lad_n > 0) */
	uint16_t span;          /* its levels within span rungs of best */
	uint16_t lad_n;         /* levels in the ladder */
	uint16_t ovf_n;         /* levels in the overflow */
	uint8_t cls;            /* the ladder holds 8 << cls rungs */
	uint8_t unit;           /* price a rung: 1 or 100 (TW_BOOK_TICK) */
};

/* The overflow of a side: a sorted array, best last, of ovf_n levels. */
struct tw_book_ovf {
	uint32_t block;         /* its block's first level in the pool;
				 * NO_BLOCK: none yet (kept once had) */
	uint16_t cls;
	uint16_t pad;
};

/*
 * One cache line a symbol: a message's book is one line to fetch, and
 * the level it touches one more, its address from the price.
 */
struct tw_book_sym {
	struct tw_book_side side[2];
	/* Each side's best level as its price and shares (capped at
	 * UINT32_MAX; 0 and 0 when empty), kept here so that the top of
	 * book a cache entry shows is this one line, not a level of each
	 * side. */
	uint32_t top_px[2];
	uint32_t top_sz[2];
	uint32_t last_px;       /* last execution or trade */
	uint32_t last_sz;
	uint64_t volume;        /* shares executed and traded */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct tw_book_sym) == 64, "a symbol is one line");

/* Top of book and trade state of one symbol (what a cache entry shows). */
struct tw_book_top {
	uint32_t bid_px, bid_sz, ask_px, ask_sz;
	uint32_t last_px, last_sz;
	uint64_t volume;
};

#define TW_BOOK_CLASSES 10      /* blocks of 8 .. 4096 levels */
/* Prices from $1 (ITCH's four decimals) are in cents: a rung a cent. */
#define TW_BOOK_TICK 100
#define TW_BOOK_TICK_FROM 10000

struct tw_book_params {
	uint32_t nb_symbols;
	uint64_t max_orders;    /* resting at once, at most */
	uint32_t pool_levels;   /* price levels of every side together */
	uint64_t hash_key;      /* keys the order hash (any value) */
	/* References the direct window covers (rounded up to a power of
	 * two); 0: 2 * max_orders, rounded up. */
	uint64_t window;
	/* The memory given to tw_books_init is zero already (fresh
	 * anonymous mmap, rte_zmalloc): it is not cleared again, so pages
	 * never touched cost nothing. */
	bool zeroed;
};

struct tw_books {
	struct tw_book_params p;
	/* The direct window: reference r in [win_lo, win_lo + win_mask]
	 * rests (if it does) in win[r & win_mask]. */
	uint64_t win_lo;
	uint64_t win_mask;
	uint64_t win_live;      /* orders resting in the window */
	uint64_t mask;          /* fallback slots - 1 (at least 2 * max) */
	uint32_t shift;         /* 64 - log2(slots) */
	uint64_t live;          /* orders resting, window and fallback */
	uint64_t peak;          /* most ever resting at once */
	/* Fallback orders put there ahead of the window (a reference far
	 * past it) that still rest, and the largest such reference: a
	 * reference in the window's range may be one of them only then. */
	uint64_t ahead_live;
	uint64_t ahead_max;
	/* Counted, never refused for: orders added to the fallback (their
	 * reference behind the window: reused or late; or far ahead of
	 * it), and orders moved there as the window slid past them. */
	uint64_t fallback_adds;
	uint64_t evicted;
	/* Set by an operation that changed what tw_book_top shows of its
	 * symbol (a side's best price or shares, the last trade, the
	 * volume); cleared by the caller. */
	bool shown_changed;
	/* Counted, never refused for: levels that went to a side's
	 * overflow (no ladder could hold them), ladders grown. */
	uint64_t ovf_levels;
	uint64_t lad_grown;
	uint16_t lad_cls0;      /* a side's first ladder: 8 << it rungs */
	uint32_t pool_used;     /* levels handed out from the pool's top */
	/* Levels holding orders, in the ladders and the overflows: what
	 * of the pool a message may touch (a ladder's block is mostly
	 * empty rungs, never read). */
	uint64_t levels_live;
	uint32_t free_block[TW_BOOK_CLASSES]; /* first free block + 1 */
	struct tw_book_order *win;
	struct tw_book_hslot *orders;   /* the fallback table */
	struct tw_book_level *pool;
	/* A bit a level of the pool: set for a ladder's rung that holds
	 * a level (orders != 0), so the next best and the worst level
	 * are found a word (64 rungs) at a time, not a rung at a time. */
	uint64_t *occ;
	struct tw_book_sym *sym;
	struct tw_book_ovf *ovf;        /* [locate * 2 + side] */
	char (*stock)[8];               /* [locate]: its directory's */
};

size_t tw_books_memsize(const struct tw_book_params *p);
/*
 * Of those, the first bytes every message touches (the window, the
 * levels, the symbols' lines: worth 2 MB pages); the rest, the fallback
 * table, is touched a slot at a time.
 */
size_t tw_books_hot_size(const struct tw_book_params *p);
/* Lay out empty books in mem (64-byte aligned); NULL if p is unusable. */
struct tw_books *tw_books_init(void *mem, const struct tw_book_params *p);

/* A Stock Directory: the symbol may take orders from now on. */
int tw_book_directory(struct tw_books *b, uint32_t locate, const char *stock);

enum tw_book_verdict tw_book_add(struct tw_books *b, uint32_t locate,
		uint64_t ref, uint8_t side, uint32_t shares, uint32_t price);
/*
 * Executed (at the order's price, or at price when price != 0); print:
 * the execution counts as the last trade and in the volume (an
 * Executed with Price marked non-printable does not).
 */
enum tw_book_verdict tw_book_execute(struct tw_books *b, uint32_t locate,
		uint64_t ref, uint32_t shares, uint32_t price, bool print);
enum tw_book_verdict tw_book_cancel(struct tw_books *b, uint32_t locate,
		uint64_t ref, uint32_t shares);
enum tw_book_verdict tw_book_delete(struct tw_books *b, uint32_t locate,
		uint64_t ref);
/* The old order leaves, the new one (same side) takes its place. */
enum tw_book_verdict tw_book_replace(struct tw_books *b, uint32_t locate,
		uint64_t old_ref, uint64_t new_ref, uint32_t shares,
		uint32_t price);
/* A trade that touches no resting order (non-displayed, cross). */
enum tw_book_verdict tw_book_trade(struct tw_books *b, uint32_t locate,
		uint64_t shares, uint32_t price);

/* The home slot of a reference in the fallback table (Fibonacci hashing). */
static inline uint64_t
tw_book_slot_of(const struct tw_books *b, uint64_t ref)
{
	return ((ref ^ b->p.hash_key) * UINT64_C(0x9e3779b97f4a7c15)) >>
		b->shift;
}

/* A side with no ladder; side 0 of a symbol with no directory yet. */
#define NO_BLOCK UINT32_MAX
#define NO_SYMBOL (UINT32_MAX - 1)

static inline bool
tw_book_known(const struct tw_books *b, uint32_t locate)
{
	return locate < b->p.nb_symbols &&
		b->sym[locate].side[0].lad != NO_SYMBOL;
}

/* The rung of price on a side whose ladder has that unit; false when
 * price is not a multiple of it. */
static inline bool
tw_book_rung(uint8_t unit, uint32_t price, uint32_t *rung)
{
	if (unit == TW_BOOK_TICK) {
		*rung = price / TW_BOOK_TICK;
		return *rung * TW_BOOK_TICK == price;
	}
	*rung = price;
	return true;
}

/*
 * Where the level of price is in a side's ladder, if it could be there
 * (its rung's slot: one line, for a prefetch, or to look at), or NULL.
 */
static inline struct tw_book_level *
tw_book_rung_slot(const struct tw_books *b, const struct tw_book_side *s,
		uint32_t price)
{
	uint32_t r;

	if (s->lad_n == 0 || !tw_book_rung(s->unit, price, &r))
		return NULL;
	return &b->pool[s->lad + (r & ((8u << s->cls) - 1))];
}

/* The resting order of that ref, or NULL. */
const struct tw_book_order *tw_book_find(const struct tw_books *b,
		uint64_t ref);

/*
 * The same, inline where the reference is in the window and nothing
 * rests in the fallback that could be it (the common case: one load).
 */
static inline const struct tw_book_order *
tw_book_find_fast(const struct tw_books *b, uint64_t ref)
{
	if (ref - b->win_lo <= b->win_mask) {
		const struct tw_book_order *o = &b->win[ref & b->win_mask];

		if (o->shares != 0)
			return o;
		if (b->ahead_live == 0 || ref > b->ahead_max)
			return NULL;
	}
	if (b->live == b->win_live || ref == 0)
		return NULL;
	return tw_book_find(b, ref);
}

/* A side's best level (ladder or overflow), or NULL when empty. */
static inline const struct tw_book_level *
tw_book_best(const struct tw_books *b, uint32_t locate, unsigned int side)
{
	const struct tw_book_side *s = &b->sym[locate].side[side];
	const struct tw_book_level *lv = NULL, *ov;

	if (s->lad_n != 0)
		lv = &b->pool[s->lad + (s->best & ((8u << s->cls) - 1))];
	if (s->ovf_n == 0)
		return lv;
	ov = &b->pool[b->ovf[locate * 2 + side].block + s->ovf_n - 1];
	if (lv == NULL || (side == TW_BOOK_BID ? ov->price > lv->price :
			ov->price < lv->price))
		return ov;
	return lv;
}

/*
 * A side's levels, best first (ladder and overflow merged): the
 * readers' way through them (digest, CSV, check, tests).
 */
struct tw_book_walk {
	const struct tw_books *b;
	const struct tw_book_side *s;
	const struct tw_book_level *ovf; /* the overflow's levels */
	uint32_t k;             /* rungs of the ladder passed */
	uint32_t lad_left, ovf_left;
	unsigned int side;
};

void tw_book_walk_init(struct tw_book_walk *w, const struct tw_books *b,
		uint32_t locate, unsigned int side);
/* The next level, or NULL after the last. */
const struct tw_book_level *tw_book_walk_next(struct tw_book_walk *w);

/* Levels of a side; orders resting on a symbol (walked: slow). */
uint32_t tw_book_levels(const struct tw_books *b, uint32_t locate,
		unsigned int side);
uint64_t tw_book_orders(const struct tw_books *b, uint32_t locate);

/* Inline: every applied message reads it for its cache entry. */
static inline void
tw_book_top(const struct tw_books *b, uint32_t locate, struct tw_book_top *t)
{
	const struct tw_book_sym *sy = &b->sym[locate];

	t->bid_px = sy->top_px[TW_BOOK_BID];
	t->bid_sz = sy->top_sz[TW_BOOK_BID];
	t->ask_px = sy->top_px[TW_BOOK_ASK];
	t->ask_sz = sy->top_sz[TW_BOOK_ASK];
	t->last_px = sy->last_px;
	t->last_sz = sy->last_sz;
	t->volume = sy->volume;
}

/*
 * A digest of one symbol's whole book: every level of both sides
 * (price, shares, orders), best first; 0 for an empty book.
 */
uint64_t tw_book_digest(const struct tw_books *b, uint32_t locate);

/*
 * Every invariant of the books, checked the slow way (tests, fuzzing):
 * each resting order found from its home slot within the probe bound,
 * live the count of them, each level the sum of its orders, levels
 * strictly sorted with none empty, the pool's blocks in range, a
 * ladder rung's bit set exactly when it holds a level (and no other
 * bit set). 0, or
 * -EINVAL with what failed in why.
 */
int tw_books_check(const struct tw_books *b, char *why, size_t len);

/*
 * The books as CSV, a symbol a line (those with a directory): locate,
 * stock, levels a side, orders, top of book, last trade, volume,
 * digest. Several books that share the symbols (one per RX lcore, each
 * symbol in one): the header once, then each symbol's row from its own.
 */
void tw_books_csv_header(FILE *f);
void tw_books_csv_row(const struct tw_books *b, uint32_t locate, FILE *f);
int tw_books_dump_csv(const struct tw_books *b, FILE *f);

#endif /* TW_BOOK_H */
