/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0 market-by-price books: the update actions (each checked
 * whole before a byte moves), trades and volume, the digest and the CSV
 * row. tw_mdp3_book.h says what each action does.
 * Owns: a book's levels and counts. Never touches: the wire, RptSeq
 * rules, caches; never allocates.
 */
#include <inttypes.h>
#include <string.h>

#include "tw_mdp3.h"
#include "tw_mdp3_book.h"

static const char *const book_verdict_names[TW_MDP3_BOOK_VERDICTS] = {
	[TW_MDP3_BOOK_OK] = "ok",
	[TW_MDP3_BOOK_BAD_LEVEL] = "level outside 1..depth",
	[TW_MDP3_BOOK_EMPTY_LEVEL] = "level not in use",
	[TW_MDP3_BOOK_HOLE] = "new level past the last plus one",
	[TW_MDP3_BOOK_BAD_ACTION] = "unknown update action or side",
	[TW_MDP3_BOOK_BAD_FIELD] = "null price or bad quantity",
	[TW_MDP3_BOOK_PRICE_CHANGED] = "change with another price",
	[TW_MDP3_BOOK_OUT_OF_ORDER] = "side out of price order",
};

const char *
tw_mdp3_book_verdict_name(enum tw_mdp3_book_verdict v)
{
	if ((unsigned int)v >= TW_MDP3_BOOK_VERDICTS)
		return "?";
	return book_verdict_names[v];
}

void
tw_mdp3_book_init(struct tw_mdp3_book *b, uint32_t l)
{
	memset(b, 0, sizeof(*b));
	b->l = l;
	b->security_id = (int32_t)(TW_MDP3_SECID_BASE + l);
}

void
tw_mdp3_book_define(struct tw_mdp3_book *b, int32_t security_id,
		const char *symbol, int64_t tick, int64_t display_factor)
{
	b->security_id = security_id;
	memcpy(b->symbol, symbol, TW_MDP3_SYMBOL_LEN);
	b->tick = tick;
	b->display_factor = display_factor;
	b->defined = true;
}

void
tw_mdp3_book_clear(struct tw_mdp3_book *b)
{
	memset(b->bid, 0, sizeof(b->bid));
	memset(b->ask, 0, sizeof(b->ask));
	b->n_bid = 0;
	b->n_ask = 0;
}

void
tw_mdp3_book_reset(struct tw_mdp3_book *b)
{
	tw_mdp3_book_clear(b);
	b->last_px = 0;
	b->last_qty = 0;
	b->volume = 0;
	b->rpt_seq = 0;
}

/* Bids strictly falling, offers strictly rising: a before b. */
static inline bool
better(enum tw_mdp3_side s, int64_t a, int64_t b)
{
	return s == TW_MDP3_SIDE_BID ? a > b : a < b;
}

/*
 * Whether px may sit at index i (0-based) between the neighbours prev
 * (index i - 1, if any) and next (the level that would follow it).
 */
static bool
fits(enum tw_mdp3_side s, const struct tw_mdp3_level *prev,
		const struct tw_mdp3_level *next, int64_t px)
{
	if (prev != NULL && !better(s, prev->px, px))
		return false;
	if (next != NULL && !better(s, px, next->px))
		return false;
	return true;
}

enum tw_mdp3_book_verdict
tw_mdp3_book_check(const struct tw_mdp3_book *b, enum tw_mdp3_side side,
		uint8_t action, unsigned int level, int64_t px, int32_t qty,
		int32_t orders)
{
	const struct tw_mdp3_level *lv;
	unsigned int n, i;

	if (side != TW_MDP3_SIDE_BID && side != TW_MDP3_SIDE_ASK)
		return TW_MDP3_BOOK_BAD_ACTION;
	if (action > TW_MDP3_OVERLAY)
		return TW_MDP3_BOOK_BAD_ACTION;
	if (action == TW_MDP3_DELETE_THRU)
		return TW_MDP3_BOOK_OK;
	if (level < 1 || level > TW_MDP3_DEPTH)
		return TW_MDP3_BOOK_BAD_LEVEL;
	lv = tw_mdp3_book_clevels(b, side);
	n = tw_mdp3_book_count(b, side);
	i = level - 1;
	if (action == TW_MDP3_NEW) {
		if (level > n + 1)
			return TW_MDP3_BOOK_HOLE;
	} else if (level > n) {
		return TW_MDP3_BOOK_EMPTY_LEVEL;
	}
	if (action == TW_MDP3_DELETE || action == TW_MDP3_DELETE_FROM)
		return TW_MDP3_BOOK_OK;
	if (px == TW_MDP3_PRICE_NULL || qty <= 0 || qty == TW_MDP3_INT32_NULL ||
	    orders < 0)
		return TW_MDP3_BOOK_BAD_FIELD;
	switch (action) {
	case TW_MDP3_NEW:
		/* Between the level above and the one it pushes down. */
		if (!fits(side, i > 0 ? &lv[i - 1] : NULL,
		    i < n ? &lv[i] : NULL, px))
			return TW_MDP3_BOOK_OUT_OF_ORDER;
		break;
	case TW_MDP3_CHANGE:
		if (lv[i].px != px)
			return TW_MDP3_BOOK_PRICE_CHANGED;
		break;
	default:        /* Overlay: between its two neighbours */
		if (!fits(side, i > 0 ? &lv[i - 1] : NULL,
		    i + 1 < n ? &lv[i + 1] : NULL, px))
			return TW_MDP3_BOOK_OUT_OF_ORDER;
		break;
	}
	return TW_MDP3_BOOK_OK;
}

enum tw_mdp3_book_verdict
tw_mdp3_book_update(struct tw_mdp3_book *b, enum tw_mdp3_side side,
		uint8_t action, unsigned int level, int64_t px, int32_t qty,
		int32_t orders)
{
	enum tw_mdp3_book_verdict v;
	struct tw_mdp3_level *lv;
	uint8_t *np;
	unsigned int n, i;

	v = tw_mdp3_book_check(b, side, action, level, px, qty, orders);
	if (v != TW_MDP3_BOOK_OK)
		return v;
	lv = tw_mdp3_book_levels(b, side);
	np = side == TW_MDP3_SIDE_BID ? &b->n_bid : &b->n_ask;
	n = *np;
	i = level - 1;
	if (orders == TW_MDP3_INT32_NULL)
		orders = 0;
	switch (action) {
	case TW_MDP3_NEW:
		if (n == TW_MDP3_DEPTH)
			n--;    /* the last level falls off */
		memmove(&lv[i + 1], &lv[i], (n - i) * sizeof(lv[0]));
		lv[i] = (struct tw_mdp3_level){ px, qty, orders };
		*np = (uint8_t)(n + 1);
		break;
	case TW_MDP3_CHANGE:
		lv[i].qty = qty;
		lv[i].orders = orders;
		break;
	case TW_MDP3_DELETE:
		memmove(&lv[i], &lv[i + 1], (n - i - 1) * sizeof(lv[0]));
		memset(&lv[n - 1], 0, sizeof(lv[0]));
		*np = (uint8_t)(n - 1);
		break;
	case TW_MDP3_DELETE_THRU:
		memset(lv, 0, TW_MDP3_DEPTH * sizeof(lv[0]));
		*np = 0;
		break;
	case TW_MDP3_DELETE_FROM:
		memmove(&lv[0], &lv[level], (n - level) * sizeof(lv[0]));
		memset(&lv[n - level], 0, level * sizeof(lv[0]));
		*np = (uint8_t)(n - level);
		break;
	default:        /* Overlay */
		lv[i] = (struct tw_mdp3_level){ px, qty, orders };
		break;
	}
	return TW_MDP3_BOOK_OK;
}

void
tw_mdp3_book_trade(struct tw_mdp3_book *b, int64_t px, int32_t qty)
{
	b->last_px = px;
	b->last_qty = qty;
	if (qty > 0)
		b->volume += (uint64_t)qty;
}

void
tw_mdp3_book_volume(struct tw_mdp3_book *b, uint64_t volume)
{
	b->volume = volume;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t
fnv_bytes(uint64_t h, uint64_t v, unsigned int bytes)
{
	unsigned int k;

	for (k = 0; k < bytes; k++) {
		h ^= (uint8_t)(v >> (8 * k));
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t
tw_mdp3_book_digest(const struct tw_mdp3_book *b)
{
	uint64_t h = FNV_OFFSET;
	unsigned int s, i;

	for (s = 0; s < 2; s++) {
		const struct tw_mdp3_level *lv = tw_mdp3_book_clevels(b, s);

		for (i = 0; i < TW_MDP3_DEPTH; i++) {
			h = fnv_bytes(h, (uint64_t)lv[i].px, 8);
			h = fnv_bytes(h, (uint32_t)lv[i].qty, 4);
			h = fnv_bytes(h, (uint32_t)lv[i].orders, 4);
		}
	}
	return h;
}

uint64_t
tw_mdp3_book_orders(const struct tw_mdp3_book *b)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < b->n_bid; i++)
		sum += (uint64_t)(uint32_t)b->bid[i].orders;
	for (i = 0; i < b->n_ask; i++)
		sum += (uint64_t)(uint32_t)b->ask[i].orders;
	return sum;
}

void
tw_mdp3_books_csv_header(FILE *f)
{
	fprintf(f, "locate,symbol,bid_levels,ask_levels,orders,bid_px,bid_sz,"
		"ask_px,ask_sz,last_px,last_sz,volume,digest\n");
}

void
tw_mdp3_book_csv_row(const struct tw_mdp3_book *b, FILE *f)
{
	char sym[TW_MDP3_SYMBOL_LEN + 1];
	unsigned int i;

	if (!b->defined)
		return;
	/* Up to its first NUL; a byte that would break the row shows '?'. */
	for (i = 0; i < TW_MDP3_SYMBOL_LEN && b->symbol[i] != '\0'; i++)
		sym[i] = (b->symbol[i] > ' ' && b->symbol[i] < 0x7f &&
			b->symbol[i] != ',') ? b->symbol[i] : '?';
	sym[i] = '\0';
	fprintf(f, "%" PRIu32 ",%s,%u,%u,%" PRIu64 ",%" PRId64 ",%" PRId32
		",%" PRId64 ",%" PRId32 ",%" PRId64 ",%" PRId32 ",%" PRIu64
		",%016" PRIx64 "\n", b->l, sym, b->n_bid, b->n_ask,
		tw_mdp3_book_orders(b), b->bid[0].px, b->bid[0].qty,
		b->ask[0].px, b->ask[0].qty, b->last_px, b->last_qty,
		b->volume, tw_mdp3_book_digest(b));
}
