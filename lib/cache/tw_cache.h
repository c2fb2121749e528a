/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Symbol cache: one per NUMA socket that has RX lcores.
 *
 * Owns: the layout of one contiguous block (header, hot entries, cold
 * directory, ticker index), the single-writer update functions, and
 * lock-free consistent snapshots for readers on any lcore or process.
 * Never touches: allocation (the caller hands it memory: a memzone on
 * the right socket in the app, plain memory in tests), the wire format
 * beyond the decoded tw_quote / tw_trade, counters.
 *
 * Concurrency: each entry has exactly one writer (the RX lcore whose
 * channel carries the symbol); readers use the entry's seqcount and
 * retry. The ticker index is insert-only with atomic slot claims, so
 * several writers may add tickers at once.
 */
#ifndef TW_CACHE_H
#define TW_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_seqcount.h>

#include "tw_proto.h"

/* Hot state of one symbol: exactly one cache line. */
struct tw_cache_entry {
	rte_seqcount_t sc;      /* even: stable; updates = sn / 2 */
	uint32_t bid_sz;
	uint32_t ask_sz;
	uint32_t last_sz;
	int64_t bid_px;
	int64_t ask_px;
	int64_t last_px;
	uint64_t volume;
	uint64_t last_seq;      /* MoldUDP64 sequence of the last update */
	uint64_t last_update_ns;
} __rte_cache_aligned;

/* Cold per-symbol facts from the directory message. */
struct tw_symbol_info {
	char ticker[TW_TICKER_LEN];
	uint8_t price_decimals;
	uint8_t known;          /* set (release) once ticker is written */
	uint8_t stale;          /* a gap given up may have held an update */
};

struct tw_cache_slot {
	uint64_t key;           /* ticker bytes; 0 = free */
	uint32_t locate_plus1;  /* 0 = being inserted */
	uint32_t pad;
};

struct tw_cache {
	uint32_t magic;
	uint32_t nb_symbols;
	uint32_t index_mask;
	int32_t socket;
	struct tw_symbol_info *info;
	struct tw_cache_slot *index;
	uint64_t hash_seed;     /* keys the ticker hash: no crafted chains */
	struct tw_cache_entry entries[] __rte_cache_aligned;
};

/* A consistent copy of one symbol's state. */
struct tw_cache_snapshot {
	uint32_t locate;
	char ticker[TW_TICKER_LEN + 1];
	uint8_t price_decimals;
	uint32_t updates;
	uint32_t bid_sz;
	uint32_t ask_sz;
	uint32_t last_sz;
	int64_t bid_px;
	int64_t ask_px;
	int64_t last_px;
	uint64_t volume;
	uint64_t last_seq;
	uint64_t last_update_ns;
	uint8_t stale;          /* the state may miss updates: see info */
};

/* Bytes needed for a cache of nb_symbols (a multiple of the line size). */
size_t tw_cache_memsize(uint32_t nb_symbols);

/*
 * Lay out and zero a cache in mem (cache-line aligned, memsize bytes).
 * Returns NULL when nb_symbols is 0 or mem is misaligned.
 */
struct tw_cache *tw_cache_init(void *mem, uint32_t nb_symbols, int socket);

/*
 * Check a cache laid out by tw_cache_init in another process (a DPDK
 * secondary reading the primary's memzone) and return it for reading.
 * Writes nothing. NULL when mem holds no cache, or holds one mapped at
 * another address than its writer's (DPDK maps hugepages at the same
 * addresses in every process of a file prefix, so this means misuse).
 */
struct tw_cache *tw_cache_attach(void *mem);

/* Most slots a ticker lookup or insert probes. */
#define TW_CACHE_MAX_PROBES 64

/*
 * The directory's rules for d: 0 when it may be recorded (a new locate
 * and ticker, or exactly what is known). Else -ERANGE (locate beyond
 * the cache), -EDOM (price decimals above 18), -EILSEQ (ticker not 1-8
 * characters of printable ASCII other than space, comma, quote and
 * backslash, space padded on the right), -EEXIST (the locate is named
 * otherwise: a re-map), -EADDRINUSE (the ticker names another locate).
 */
int tw_cache_directory_check(const struct tw_cache *c,
		const struct tw_directory *d);

/*
 * Record a symbol's directory entry and index its ticker, if the rules
 * above allow (their error otherwise; -ENOSPC when the ticker index
 * found no slot within TW_CACHE_MAX_PROBES, and nothing is recorded).
 */
int tw_cache_set_directory(struct tw_cache *c, const struct tw_directory *d);

/* Locate of ticker (8 chars, space padded), or -ENOENT. */
int tw_cache_find(const struct tw_cache *c, const char *ticker);

/*
 * Copy one entry consistently; -ERANGE for a locate out of range,
 * -EBUSY for an entry a writer left mid-update (see below).
 */
int tw_cache_snapshot(const struct tw_cache *c, uint32_t locate,
		struct tw_cache_snapshot *snap);

/*
 * A snapshot gives up with -EBUSY once an entry stayed mid-update for
 * TW_CACHE_READ_GIVE_UP_MS (it looks at the clock every
 * TW_CACHE_READ_TRIES attempts): only an entry whose writer died
 * mid-update (a crashed process) is busy that long.
 */
#define TW_CACHE_READ_TRIES (1u << 14)
#define TW_CACHE_READ_GIVE_UP_MS 500

/*
 * One symbol over several caches (one per socket, each written by the
 * RX lcores of its socket): the copy with the most updates, a copy with
 * a ticker preferred over one without. -ENOENT when no copy has a
 * directory entry or an update.
 */
int tw_cache_snapshot_merged(struct tw_cache *const *caches, unsigned int nb,
		uint32_t locate, struct tw_cache_snapshot *snap);

/*
 * Write the caches' symbols as CSV (header row, then one row per symbol
 * that has a directory entry or an update, by locate), merged as
 * tw_cache_snapshot_merged does. The generator's ground truth uses the same writer, so
 * the two files compare byte for byte.
 */
int tw_cache_dump_csv(struct tw_cache *const *caches, unsigned int nb,
		FILE *f);

/* Pad or truncate a NUL-terminated name into an 8-byte wire ticker. */
void tw_ticker_from_str(char ticker[TW_TICKER_LEN], const char *s);

static inline void
tw_cache_update_quote(struct tw_cache *c, const struct tw_quote *q,
		uint64_t seq, uint64_t now_ns)
{
	struct tw_cache_entry *e = &c->entries[q->locate];

	rte_seqcount_write_begin(&e->sc);
	e->bid_px = q->bid_px;
	e->ask_px = q->ask_px;
	e->bid_sz = q->bid_sz;
	e->ask_sz = q->ask_sz;
	e->last_seq = seq;
	e->last_update_ns = now_ns;
	rte_seqcount_write_end(&e->sc);
}

static inline void
tw_cache_update_trade(struct tw_cache *c, const struct tw_trade *t,
		uint64_t seq, uint64_t now_ns)
{
	struct tw_cache_entry *e = &c->entries[t->locate];

	rte_seqcount_write_begin(&e->sc);
	e->last_px = t->price;
	e->last_sz = t->size;
	e->volume += t->size;
	e->last_seq = seq;
	e->last_update_ns = now_ns;
	rte_seqcount_write_end(&e->sc);
}

/*
 * A quote older than the entry's newest (a gap filled late): it counts
 * as an update, and its prices and sizes stay out when a newer quote is
 * in (newer: its sequence number is below quote_seq).
 */
static inline void
tw_cache_merge_quote(struct tw_cache *c, const struct tw_quote *q,
		uint64_t seq, bool newer, uint64_t now_ns)
{
	struct tw_cache_entry *e = &c->entries[q->locate];

	rte_seqcount_write_begin(&e->sc);
	if (!newer) {
		e->bid_px = q->bid_px;
		e->ask_px = q->ask_px;
		e->bid_sz = q->bid_sz;
		e->ask_sz = q->ask_sz;
	}
	if (seq > e->last_seq) {
		e->last_seq = seq;
		e->last_update_ns = now_ns;
	}
	rte_seqcount_write_end(&e->sc);
}

/* The same for a trade: its size always adds to the volume. */
static inline void
tw_cache_merge_trade(struct tw_cache *c, const struct tw_trade *t,
		uint64_t seq, bool newer, uint64_t now_ns)
{
	struct tw_cache_entry *e = &c->entries[t->locate];

	rte_seqcount_write_begin(&e->sc);
	if (!newer) {
		e->last_px = t->price;
		e->last_sz = t->size;
	}
	e->volume += t->size;
	if (seq > e->last_seq) {
		e->last_seq = seq;
		e->last_update_ns = now_ns;
	}
	rte_seqcount_write_end(&e->sc);
}

/*
 * Put a snapshot's state into its entry, update count included (the
 * seqcount is the entry's own: it is set to twice the count, even).
 * Not stale any more.
 */
static inline void
tw_cache_restore(struct tw_cache *c, const struct tw_snapshot *s,
		uint64_t now_ns)
{
	struct tw_cache_entry *e = &c->entries[s->locate];

	rte_seqcount_write_begin(&e->sc);
	e->bid_px = s->bid_px;
	e->ask_px = s->ask_px;
	e->bid_sz = s->bid_sz;
	e->ask_sz = s->ask_sz;
	e->last_px = s->last_px;
	e->last_sz = s->last_sz;
	e->volume = s->volume;
	e->last_seq = s->last_seq;
	e->last_update_ns = now_ns;
	/* write_end adds one: the count ends at 2 * updates. */
	__atomic_store_n(&e->sc.sn, 2 * s->updates - 1, __ATOMIC_RELAXED);
	rte_seqcount_write_end(&e->sc);
	__atomic_store_n(&c->info[s->locate].stale, 0, __ATOMIC_RELEASE);
}

/* Mark locate's state as possibly missing updates. */
static inline void
tw_cache_mark_stale(struct tw_cache *c, uint32_t locate)
{
	__atomic_store_n(&c->info[locate].stale, 1, __ATOMIC_RELEASE);
}

#endif /* TW_CACHE_H */
