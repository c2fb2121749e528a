/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The books read: a symbol's top of book (what its cache entry shows),
 * a digest of its whole book, every invariant checked the slow way
 * (tests, fuzzing), and the books as CSV (dump_books,
 * dump_truth_books, tickwire-itch).
 *
 * Owns: those views and the digest's mixing. Never touches: the books
 * (const throughout; tw_book.c changes them), the files written to.
 */
#include <errno.h>
#include <inttypes.h>

#include <rte_common.h>

#include "tw_book.h"
#include "tw_book_private.h"

void
tw_book_top(const struct tw_books *b, uint32_t locate, struct tw_book_top *t)
{
	const struct tw_book_level *bid = tw_book_best(b, locate, TW_BOOK_BID);
	const struct tw_book_level *ask = tw_book_best(b, locate, TW_BOOK_ASK);
	const struct tw_book_sym *sy = &b->sym[locate];

	t->bid_px = bid != NULL ? bid->price : 0;
	t->bid_sz = bid != NULL ? (uint32_t)RTE_MIN(bid->shares,
		(uint64_t)UINT32_MAX) : 0;
	t->ask_px = ask != NULL ? ask->price : 0;
	t->ask_sz = ask != NULL ? (uint32_t)RTE_MIN(ask->shares,
		(uint64_t)UINT32_MAX) : 0;
	t->last_px = sy->last_px;
	t->last_sz = sy->last_sz;
	t->volume = sy->volume;
}

static inline uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
	h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 31);
}

uint64_t
tw_book_digest(const struct tw_books *b, uint32_t locate)
{
	const struct tw_book_sym *sy = &b->sym[locate];
	uint64_t h = 0;
	unsigned int side;

	if (sy->side[0].n == 0 && sy->side[1].n == 0)
		return 0;
	for (side = 0; side < 2; side++) {
		const struct tw_book_side *s = &sy->side[side];
		uint32_t i;

		h = mix(h, 0x5eed0000u + side);
		for (i = s->n; i-- > 0;) {
			const struct tw_book_level *lv = &b->pool[s->block + i];

			h = mix(h, lv->price);
			h = mix(h, lv->shares);
			h = mix(h, lv->orders);
		}
	}
	return h;
}

int
tw_books_check(const struct tw_books *b, char *why, size_t len)
{
	uint64_t i, live = 0;
	uint32_t l;

	for (i = 0; i <= b->mask; i++) {
		const struct tw_book_order *o = &b->orders[i];
		const struct tw_book_side *s;
		uint64_t j = tw_book_slot_of(b, o->ref), probes = 0;
		bool found;

		if (o->ref == 0)
			continue;
		live++;
		/* No free slot between its home and where it is. */
		for (; j != i; j = (j + 1) & b->mask, probes++)
			if (b->orders[j].ref == 0 || probes > MAX_PROBES) {
				snprintf(why, len, "order %" PRIu64 " past a "
					"hole or the probe bound", o->ref);
				return -EINVAL;
			}
		if (o->locate >= b->p.nb_symbols || o->side > TW_BOOK_ASK ||
		    o->shares == 0 || !b->sym[o->locate].known) {
			snprintf(why, len, "order %" PRIu64 " has bad fields",
				o->ref);
			return -EINVAL;
		}
		s = &b->sym[o->locate].side[o->side];
		level_index(b, s, o->side, o->price, &found);
		if (!found) {
			snprintf(why, len, "order %" PRIu64 " has no level",
				o->ref);
			return -EINVAL;
		}
	}
	if (live != b->live) {
		snprintf(why, len, "%" PRIu64 " orders found, live says %"
			PRIu64, live, b->live);
		return -EINVAL;
	}
	for (l = 0; l < b->p.nb_symbols; l++) {
		const struct tw_book_sym *sy = &b->sym[l];
		uint64_t orders = 0;
		unsigned int side;

		for (side = 0; side < 2; side++) {
			const struct tw_book_side *s = &sy->side[side];
			uint32_t k;

			if (s->n == 0)
				continue;
			if (s->block == NO_BLOCK || s->cls >= TW_BOOK_CLASSES ||
			    s->n > block_cap(s->cls) ||
			    s->block + block_cap(s->cls) > b->pool_used) {
				snprintf(why, len, "symbol %u side %u: block "
					"out of range", l, side);
				return -EINVAL;
			}
			for (k = 0; k < s->n; k++) {
				const struct tw_book_level *lv =
					&b->pool[s->block + k];
				uint64_t sh = 0, n = 0;

				if (k > 0 && !sorts_before(side,
						lv[-1].price, lv->price)) {
					snprintf(why, len, "symbol %u side %u: "
						"levels out of order", l, side);
					return -EINVAL;
				}
				for (i = 0; i <= b->mask; i++) {
					const struct tw_book_order *o =
						&b->orders[i];

					if (o->ref != 0 && o->locate == l &&
					    o->side == side &&
					    o->price == lv->price) {
						sh += o->shares;
						n++;
					}
				}
				if (n == 0 || n != lv->orders ||
				    sh != lv->shares) {
					snprintf(why, len, "symbol %u side %u "
						"price %u: level says %u orders "
						"%" PRIu64 " shares, the orders "
						"%" PRIu64 " and %" PRIu64, l,
						side, lv->price, lv->orders,
						lv->shares, n, sh);
					return -EINVAL;
				}
				orders += n;
			}
		}
		if (orders != sy->orders) {
			snprintf(why, len, "symbol %u: %" PRIu64 " orders on its "
				"levels, %u counted", l, orders, sy->orders);
			return -EINVAL;
		}
	}
	return 0;
}

void
tw_books_csv_header(FILE *f)
{
	fprintf(f, "locate,stock,bid_levels,ask_levels,orders,bid_px,bid_sz,"
		"ask_px,ask_sz,last_px,last_sz,volume,digest\n");
}

void
tw_books_csv_row(const struct tw_books *b, uint32_t l, FILE *f)
{
	const struct tw_book_sym *sy = &b->sym[l];
	struct tw_book_top t;

	if (l >= b->p.nb_symbols || !sy->known)
		return;
	tw_book_top(b, l, &t);
	fprintf(f, "%" PRIu32 ",%.8s,%u,%u,%" PRIu32 ",%" PRIu32 ",%" PRIu32
		",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu64
		",%016" PRIx64 "\n", l, sy->stock, sy->side[0].n,
		sy->side[1].n, sy->orders, t.bid_px, t.bid_sz, t.ask_px,
		t.ask_sz, t.last_px, t.last_sz, t.volume,
		tw_book_digest(b, l));
}

int
tw_books_dump_csv(const struct tw_books *b, FILE *f)
{
	uint32_t l;

	tw_books_csv_header(f);
	for (l = 0; l < b->p.nb_symbols; l++)
		tw_books_csv_row(b, l, f);
	return ferror(f) ? -EIO : 0;
}
