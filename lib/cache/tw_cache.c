/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>

#include <rte_branch_prediction.h>

#include "tw_cache.h"

#define TW_CACHE_MAGIC 0x74774331u /* "twC1" */

static uint32_t
index_slots(uint32_t nb_symbols)
{
	/* At most half full: short probe sequences. */
	return rte_align32pow2(nb_symbols * 2);
}

static size_t
entries_size(uint32_t nb)
{
	return (size_t)nb * sizeof(struct tw_cache_entry);
}

static size_t
info_size(uint32_t nb)
{
	return RTE_ALIGN_CEIL((size_t)nb * sizeof(struct tw_symbol_info),
		RTE_CACHE_LINE_SIZE);
}

size_t
tw_cache_memsize(uint32_t nb_symbols)
{
	return sizeof(struct tw_cache) + entries_size(nb_symbols) +
		info_size(nb_symbols) +
		(size_t)index_slots(nb_symbols) * sizeof(struct tw_cache_slot);
}

static void
cache_link(struct tw_cache *c)
{
	uint8_t *base = (uint8_t *)c->entries;

	c->info = (struct tw_symbol_info *)(base + entries_size(c->nb_symbols));
	c->index = (struct tw_cache_slot *)((uint8_t *)c->info +
		info_size(c->nb_symbols));
}

struct tw_cache *
tw_cache_init(void *mem, uint32_t nb_symbols, int socket)
{
	struct tw_cache *c = mem;

	if (mem == NULL || nb_symbols == 0 ||
			((uintptr_t)mem & (RTE_CACHE_LINE_SIZE - 1)) != 0)
		return NULL;
	memset(mem, 0, tw_cache_memsize(nb_symbols));
	c->nb_symbols = nb_symbols;
	c->index_mask = index_slots(nb_symbols) - 1;
	c->socket = socket;
	/* Any unpredictable value will do: it only spreads the tickers. */
	c->hash_seed = rte_rdtsc() * UINT64_C(0x9e3779b97f4a7c15) ^
		(uint64_t)(uintptr_t)mem;
	cache_link(c);
	__atomic_store_n(&c->magic, TW_CACHE_MAGIC, __ATOMIC_RELEASE);
	return c;
}

struct tw_cache *
tw_cache_attach(void *mem)
{
	struct tw_cache *c = mem;

	uint8_t *base;

	if (c == NULL ||
	    __atomic_load_n(&c->magic, __ATOMIC_ACQUIRE) != TW_CACHE_MAGIC)
		return NULL;
	/* Readers never write: the links must already hold here. */
	base = (uint8_t *)c->entries;
	if ((uint8_t *)c->info != base + entries_size(c->nb_symbols) ||
	    (uint8_t *)c->index != (uint8_t *)c->info +
			info_size(c->nb_symbols))
		return NULL;
	return c;
}

void
tw_ticker_from_str(char ticker[TW_TICKER_LEN], const char *s)
{
	size_t n = strnlen(s, TW_TICKER_LEN);

	memset(ticker, ' ', TW_TICKER_LEN);
	memcpy(ticker, s, n);
}

static uint64_t
ticker_key(const char *ticker)
{
	uint64_t k;

	memcpy(&k, ticker, sizeof(k));
	return k;
}

static uint32_t
ticker_hash(const struct tw_cache *c, uint64_t k)
{
	k ^= c->hash_seed;
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	return (uint32_t)k;
}

static int
index_insert(struct tw_cache *c, uint64_t key, uint32_t locate)
{
	uint32_t i = ticker_hash(c, key) & c->index_mask;
	uint32_t probes;

	for (probes = 0; probes < TW_CACHE_MAX_PROBES &&
	     probes <= c->index_mask; probes++) {
		struct tw_cache_slot *s = &c->index[i];
		uint64_t cur = __atomic_load_n(&s->key, __ATOMIC_ACQUIRE);

		if (cur == 0) {
			uint64_t expect = 0;

			if (__atomic_compare_exchange_n(&s->key, &expect, key,
					false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
				cur = key;
			else
				cur = expect;
		}
		if (cur == key) {
			__atomic_store_n(&s->locate_plus1, locate + 1,
				__ATOMIC_RELEASE);
			return 0;
		}
		i = (i + 1) & c->index_mask;
	}
	return -ENOSPC;
}

/* 1-8 safe characters, then spaces: fit for CSV, JSON and terminals. */
static bool
ticker_ok(const char *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < TW_TICKER_LEN && t[i] != ' '; i++) {
		if (t[i] <= ' ' || t[i] > '~' || t[i] == ',' || t[i] == '"' ||
		    t[i] == '\\')
			return false;
		n++;
	}
	for (; i < TW_TICKER_LEN; i++)
		if (t[i] != ' ')
			return false;
	return n > 0;
}

int
tw_cache_directory_check(const struct tw_cache *c,
		const struct tw_directory *d)
{
	const struct tw_symbol_info *info;
	int at;

	if (d->locate >= c->nb_symbols)
		return -ERANGE;
	if (d->price_decimals > 18)
		return -EDOM;
	if (!ticker_ok(d->ticker))
		return -EILSEQ;
	info = &c->info[d->locate];
	if (__atomic_load_n(&info->known, __ATOMIC_ACQUIRE)) {
		/* A repeated directory (start of every session) is fine. */
		if (memcmp(info->ticker, d->ticker, TW_TICKER_LEN) == 0 &&
		    info->price_decimals == d->price_decimals)
			return 0;
		return -EEXIST;
	}
	at = tw_cache_find(c, d->ticker);
	if (at >= 0 && (uint32_t)at != d->locate)
		return -EADDRINUSE;
	return 0;
}

int
tw_cache_set_directory(struct tw_cache *c, const struct tw_directory *d)
{
	struct tw_symbol_info *info;
	int rc = tw_cache_directory_check(c, d);

	if (rc != 0)
		return rc;
	info = &c->info[d->locate];
	if (__atomic_load_n(&info->known, __ATOMIC_ACQUIRE))
		return 0;       /* what is known already */
	rc = index_insert(c, ticker_key(d->ticker), d->locate);
	if (rc != 0)
		return rc;
	memcpy(info->ticker, d->ticker, TW_TICKER_LEN);
	info->price_decimals = d->price_decimals;
	__atomic_store_n(&info->known, 1, __ATOMIC_RELEASE);
	return 0;
}

int
tw_cache_find(const struct tw_cache *c, const char *ticker)
{
	uint64_t key = ticker_key(ticker);
	uint32_t i = ticker_hash(c, key) & c->index_mask;
	uint32_t probes;

	if (key == 0)
		return -ENOENT;
	for (probes = 0; probes < TW_CACHE_MAX_PROBES &&
	     probes <= c->index_mask; probes++) {
		const struct tw_cache_slot *s = &c->index[i];
		uint64_t cur = __atomic_load_n(&s->key, __ATOMIC_ACQUIRE);

		if (cur == 0)
			return -ENOENT;
		if (cur == key) {
			uint32_t l = __atomic_load_n(&s->locate_plus1,
				__ATOMIC_ACQUIRE);

			return l == 0 ? -ENOENT : (int)(l - 1);
		}
		i = (i + 1) & c->index_mask;
	}
	return -ENOENT;
}

int
tw_cache_snapshot(const struct tw_cache *c, uint32_t locate,
		struct tw_cache_snapshot *snap)
{
	const struct tw_cache_entry *e;
	const struct tw_symbol_info *info;
	struct timespec t0 = { 0 }, t;
	unsigned int tries = 0;
	uint32_t sn;

	if (locate >= c->nb_symbols)
		return -ERANGE;
	e = &c->entries[locate];
	do {
		/*
		 * A writer holds an entry for nanoseconds, or for as long as
		 * it is preempted on a shared core; one that never finishes
		 * (it died mid-update) must not hang the reader.
		 */
		if (unlikely(++tries % TW_CACHE_READ_TRIES == 0)) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t0.tv_sec == 0 && t0.tv_nsec == 0)
				t0 = t;
			else if ((t.tv_sec - t0.tv_sec) * 1000000000 +
				 (t.tv_nsec - t0.tv_nsec) >
				 TW_CACHE_READ_GIVE_UP_MS * 1000000)
				return -EBUSY;
		}
		sn = rte_seqcount_read_begin(&e->sc);
		snap->bid_px = e->bid_px;
		snap->ask_px = e->ask_px;
		snap->bid_sz = e->bid_sz;
		snap->ask_sz = e->ask_sz;
		snap->last_px = e->last_px;
		snap->last_sz = e->last_sz;
		snap->volume = e->volume;
		snap->last_seq = e->last_seq;
		snap->last_update_ns = e->last_update_ns;
	} while (rte_seqcount_read_retry(&e->sc, sn));
	snap->updates = sn / 2;
	snap->locate = locate;

	info = &c->info[locate];
	if (__atomic_load_n(&info->known, __ATOMIC_ACQUIRE)) {
		memcpy(snap->ticker, info->ticker, TW_TICKER_LEN);
		snap->price_decimals = info->price_decimals;
	} else {
		memset(snap->ticker, 0, TW_TICKER_LEN);
		snap->price_decimals = 0;
	}
	snap->ticker[TW_TICKER_LEN] = '\0';
	snap->stale = __atomic_load_n(&info->stale, __ATOMIC_ACQUIRE);
	return 0;
}

int
tw_cache_snapshot_merged(struct tw_cache *const *caches, unsigned int nb,
		uint32_t locate, struct tw_cache_snapshot *best)
{
	struct tw_cache_snapshot s;
	bool have = false;
	unsigned int i;

	for (i = 0; i < nb; i++) {
		int rc = tw_cache_snapshot(caches[i], locate, &s);

		if (rc == -EBUSY)
			return rc;
		if (rc != 0)
			continue;
		if (s.ticker[0] == '\0' && s.updates == 0)
			continue;
		if (!have || s.updates > best->updates ||
		    (best->ticker[0] == '\0' && s.ticker[0] != '\0')) {
			*best = s;
			have = true;
		}
	}
	return have ? 0 : -ENOENT;
}

int
tw_cache_dump_csv(struct tw_cache *const *caches, unsigned int nb, FILE *f)
{
	uint32_t nb_symbols = 0;
	uint32_t locate;
	unsigned int i;

	for (i = 0; i < nb; i++)
		nb_symbols = RTE_MAX(nb_symbols, caches[i]->nb_symbols);

	fprintf(f, "locate,ticker,decimals,bid_px,bid_sz,ask_px,ask_sz,"
		"last_px,last_sz,volume,updates,last_seq,stale\n");
	for (locate = 0; locate < nb_symbols; locate++) {
		struct tw_cache_snapshot best;
		int rc = tw_cache_snapshot_merged(caches, nb, locate, &best);

		if (rc == -EBUSY)
			return rc;
		if (rc != 0)
			continue;
		fprintf(f, "%" PRIu32 ",%s,%u,%" PRId64 ",%" PRIu32 ",%" PRId64
			",%" PRIu32 ",%" PRId64 ",%" PRIu32 ",%" PRIu64 ",%"
			PRIu32 ",%" PRIu64 ",%u\n",
			locate, best.ticker, best.price_decimals,
			best.bid_px, best.bid_sz, best.ask_px, best.ask_sz,
			best.last_px, best.last_sz, best.volume, best.updates,
			best.last_seq, best.stale);
	}
	return ferror(f) ? -EIO : 0;
}
