/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Order books of an order-level feed (ITCH 5.0): an order store (order
 * reference -> symbol, side, price, shares) and, per symbol and side,
 * the price levels (aggregate shares and order count) kept sorted with
 * the best level last, so the top of book is one load.
 *
 * Every operation is all or nothing: one that cannot be applied whole
 * (an unknown order, more shares than it has, a reference already
 * resting, a symbol with no directory, a full store) changes nothing and
 * says why; the book is never left half-changed.
 *
 * Owns: the order table (open addressing, Fibonacci hashing, linear
 * probing bounded at 64 slots, deletion by backward shift), the
 * level arrays (power-of-two blocks from one pool, with free lists),
 * top of book, last trade and volume per symbol, a digest of a book.
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

struct tw_book_order {
	uint64_t ref;           /* 0: free slot */
	uint32_t price;
	uint32_t shares;
	uint32_t locate;
	uint8_t side;           /* TW_BOOK_BID or TW_BOOK_ASK */
};

struct tw_book_level {
	uint32_t price;
	uint32_t orders;
	uint64_t shares;
};

/* One side of one symbol's book: levels[0..n) of a pool block. */
struct tw_book_side {
	uint32_t block;         /* the block's first level in the pool */
	uint16_t cls;           /* the block holds 8 << cls levels */
	uint16_t n;             /* levels in use, best last */
};

struct tw_book_sym {
	struct tw_book_side side[2];
	uint32_t last_px;       /* last execution or trade */
	uint32_t last_sz;
	uint64_t volume;        /* shares executed and traded */
	uint32_t orders;        /* resting, both sides */
	uint8_t known;          /* its Stock Directory came */
	char stock[8];
};

/* Top of book and trade state of one symbol (what a cache entry shows). */
struct tw_book_top {
	uint32_t bid_px, bid_sz, ask_px, ask_sz;
	uint32_t last_px, last_sz;
	uint64_t volume;
};

#define TW_BOOK_CLASSES 10      /* blocks of 8 .. 4096 levels */

struct tw_book_params {
	uint32_t nb_symbols;
	uint64_t max_orders;    /* resting at once, at most */
	uint32_t pool_levels;   /* price levels of every side together */
	uint64_t hash_key;      /* keys the order hash (any value) */
};

struct tw_books {
	struct tw_book_params p;
	uint64_t mask;          /* order slots - 1 (at least 2 * max) */
	uint32_t shift;         /* 64 - log2(slots) */
	uint64_t live;          /* orders resting */
	uint64_t peak;          /* most ever resting at once */
	uint32_t pool_used;     /* levels handed out from the pool's top */
	uint32_t free_block[TW_BOOK_CLASSES]; /* first free block + 1 */
	struct tw_book_order *orders;
	struct tw_book_level *pool;
	struct tw_book_sym *sym;
};

size_t tw_books_memsize(const struct tw_book_params *p);
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

/* The home slot of a reference in the order table (Fibonacci hashing). */
static inline uint64_t
tw_book_slot_of(const struct tw_books *b, uint64_t ref)
{
	return ((ref ^ b->p.hash_key) * UINT64_C(0x9e3779b97f4a7c15)) >>
		b->shift;
}

/*
 * Ask for the order table's line of ref ahead of its use: a burst (or a
 * batch of a file) prefetched before it is applied finds its orders in
 * cache instead of waiting on memory one at a time.
 */
static inline void
tw_book_prefetch(const struct tw_books *b, uint64_t ref)
{
	rte_prefetch0(&b->orders[tw_book_slot_of(b, ref)]);
}

/*
 * The second stage of a prefetch, once the symbol's book line is in
 * cache: the line of the side's levels where price should be, guessed
 * from the best price (levels a tick apart near the top), and the best
 * level's own line.
 */
static inline void
tw_book_prefetch_level(const struct tw_books *b, uint32_t locate,
		unsigned int side, uint32_t price, uint32_t best, uint32_t tick)
{
	const struct tw_book_side *s = &b->sym[locate].side[side];
	uint32_t away, idx;

	if (s->n == 0)
		return;
	rte_prefetch0(&b->pool[s->block + s->n - 1]);
	away = (best > price ? best - price : price - best) / tick;
	idx = away >= s->n ? 0 : s->n - 1 - away;
	rte_prefetch0(&b->pool[s->block + idx]);
}

/* The resting order of that ref, or NULL. */
const struct tw_book_order *tw_book_find(const struct tw_books *b,
		uint64_t ref);

static inline const struct tw_book_level *
tw_book_best(const struct tw_books *b, uint32_t locate, unsigned int side)
{
	const struct tw_book_side *s = &b->sym[locate].side[side];

	return s->n == 0 ? NULL : &b->pool[s->block + s->n - 1];
}

void tw_book_top(const struct tw_books *b, uint32_t locate,
		struct tw_book_top *t);

/*
 * A digest of one symbol's whole book: every level of both sides
 * (price, shares, orders), best first; 0 for an empty book.
 */
uint64_t tw_book_digest(const struct tw_books *b, uint32_t locate);

/*
 * Every invariant of the books, checked the slow way (tests, fuzzing):
 * each resting order found from its home slot within the probe bound,
 * live the count of them, each level the sum of its orders, levels
 * strictly sorted with none empty, the pool's blocks in range. 0, or
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
