/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An independent reading of an ITCH 5.0 stream, for the tests and the
 * day checker (tests/itch_check.c): its own order books, built from the
 * specification's offsets with nothing of lib/itch (no tw_book, no
 * tw_itch_apply), and counts of what a spec-exact day and a market do
 * not do:
 *
 *  - C (Order Executed With Price) at its order's display price, or
 *    with a Printable flag other than 'Y' or 'N';
 *  - the start of day out of order on a channel: O first, then S, every
 *    R (Stock Directory) after S and before Q (Start of Market Hours);
 *  - P (non-displayed trade) outside the displayed spread [bid, ask];
 *  - an execution (E, C) of an order that is not the oldest resting at
 *    its side's best price (time priority), split into not at the best
 *    price at all and not the oldest at its price;
 *  - a displayed book crossed (bid > ask) or locked (bid == ask) after
 *    an add or a replace;
 *  - a tracking number of 0;
 *  - a timestamp lower than, or equal to, the one before it on its
 *    channel;
 *  - the session clock (ns since midnight, Eastern): a message before
 *    04:00 or at or after 20:00; anything of the market (an order, a
 *    trade, an NOII, a trading action) before its channel's S;
 *  - the crosses: an opening Cross Trade (Q 'O') outside 09:30-09:31 or
 *    before its channel's Start of Market Hours, a closing one ('C')
 *    outside 16:00-16:01 or before End of Market Hours, a halt cross
 *    ('H') of a stock that is not halted; an NOII outside the five
 *    minutes before the opening cross, the ten before the closing one,
 *    or (type 'H') of a stock that is not halted;
 *  - an execution or a trade (E, C, P) of a halted stock (H 'H' 'P',
 *    h 'H' until 'T');
 *  - a C not strictly inside the spread (at or beyond a best price);
 *  - a displayed price (A, F, U) of $1 or more that is not whole
 *    cents (Reg NMS allows sub-penny quotes only below $1).
 *
 * And what a day is made of, for the tests: messages by type, the
 * sizes of the adds, each stock's most orders resting at once.
 *
 * A message of stock locate L belongs to channel (L - 1) % channels, as
 * tickwire sends it; one of locate 0 (a System Event) to every channel.
 * Give channels = 1 to read one channel's own stream (a wire capture).
 *
 * Owns: the checker's books and counts. Never touches: lib/itch.
 */
#ifndef TW_ITCH_CHECK_H
#define TW_ITCH_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TWC_STOCKS 65536
#define TWC_MAX_CHANNELS 64
#define TWC_BEYOND_BUCKETS 1024         /* cents beyond the spread */

struct twc_order {
	uint64_t ref;
	uint64_t age;           /* arrival on the book: lower is older */
	uint32_t price;
	uint32_t shares;
	uint8_t side;           /* 'B' or 'S' */
};

struct twc_stock {
	uint32_t n, cap;
	uint32_t peak;          /* most resting at once */
	uint8_t halted;         /* H 'H' 'P' 'Q' or h 'H': until 'T' */
	struct twc_order *o;
};

/* The session clock (ns since midnight). */
#define TWC_HMS(h, m, s) ((((uint64_t)(h) * 60 + (m)) * 60 + (s)) * \
	UINT64_C(1000000000))

struct twc_counts {
	uint64_t msgs, adds, execs, e, c, p, r;
	uint64_t c_at_display;          /* C at its order's display price */
	uint64_t c_bad_printable;       /* neither 'Y' nor 'N' */
	uint64_t c_not_printable;       /* 'N' */
	uint64_t c_outside_spread;      /* C price outside [bid, ask] */
	uint64_t r_after_q;             /* R after its channel's Q */
	uint64_t start_out_of_order;    /* O, S, R, Q out of order */
	uint64_t p_outside_spread;
	uint64_t exec_not_oldest_at_best; /* either of the next two */
	uint64_t exec_not_best;         /* not at its side's best price */
	uint64_t exec_not_oldest;       /* at its price, an older one rests */
	uint64_t crossed, locked;       /* after an add or a replace */
	uint64_t tracking_zero;
	uint64_t ts_backwards, ts_repeated;
	uint64_t unknown_ref;           /* E C X D U of nothing resting */
	uint64_t beyond[TWC_BEYOND_BUCKETS]; /* P: cents beyond the spread */
	uint64_t before_start, after_end; /* before 04:00, from 20:00 on */
	uint64_t market_before_s;       /* market message before its S */
	uint64_t cross_open_outside, cross_close_outside;
	uint64_t cross_halt_not_halted;
	uint64_t noii_outside;          /* outside its cross's window */
	uint64_t exec_halted;           /* E C P of a halted stock */
	uint64_t c_not_strictly_inside;
	uint64_t sub_penny_over_dollar;
	uint64_t adds_100, adds_odd, adds_large; /* 100, < 100, >= 1000 */
	uint64_t first_ts, last_ts;     /* the lowest and highest */
	uint64_t by_type[256];
	uint64_t spread[TWC_BEYOND_BUCKETS]; /* after each add: cents */
};

struct twc {
	uint16_t channels;
	uint64_t age;
	struct twc_stock *st;
	uint64_t last_ts[TWC_MAX_CHANNELS];
	bool any[TWC_MAX_CHANNELS];
	/* Start of day seen, per channel: O, S, Q. */
	bool o[TWC_MAX_CHANNELS], s[TWC_MAX_CHANNELS], q[TWC_MAX_CHANNELS];
	bool m[TWC_MAX_CHANNELS];       /* End of Market Hours seen */
	uint64_t q_ts, m_ts;            /* when Q and M came (the first) */
	struct twc_counts n;
};

static inline uint64_t
twc_be(const uint8_t *p, unsigned int len)
{
	uint64_t v = 0;

	while (len-- > 0)
		v = v << 8 | *p++;
	return v;
}

static inline bool
twc_init(struct twc *k, uint16_t channels)
{
	memset(k, 0, sizeof(*k));
	if (channels == 0 || channels > TWC_MAX_CHANNELS)
		return false;
	k->channels = channels;
	k->st = calloc(TWC_STOCKS, sizeof(*k->st));
	return k->st != NULL;
}

static inline void
twc_fini(struct twc *k)
{
	unsigned int i;

	for (i = 0; k->st != NULL && i < TWC_STOCKS; i++)
		free(k->st[i].o);
	free(k->st);
	k->st = NULL;
}

static inline int
twc_find(const struct twc_stock *s, uint64_t ref)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (s->o[i].ref == ref)
			return (int)i;
	return -1;
}

static inline bool
twc_rest(struct twc *k, struct twc_stock *s, uint64_t ref, uint8_t side,
		uint32_t shares, uint32_t price)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? 2 * s->cap : 64;
		struct twc_order *o = realloc(s->o, cap * sizeof(*o));

		if (o == NULL)
			return false;
		s->o = o;
		s->cap = cap;
	}
	s->o[s->n++] = (struct twc_order){
		.ref = ref, .age = ++k->age, .price = price,
		.shares = shares, .side = side,
	};
	if (s->n > s->peak)
		s->peak = s->n;
	/* Sub-penny quotes only below $1. */
	k->n.sub_penny_over_dollar += price >= 10000 && price % 100 != 0;
	return true;
}

static inline void
twc_remove(struct twc_stock *s, int i)
{
	s->o[i] = s->o[--s->n];
}

/* The displayed best of a side: 0 when the side is empty. */
static inline uint32_t
twc_best(const struct twc_stock *s, uint8_t side)
{
	uint32_t i, best = 0;

	for (i = 0; i < s->n; i++)
		if (s->o[i].side == side && (best == 0 || (side == 'B' ?
		    s->o[i].price > best : s->o[i].price < best)))
			best = s->o[i].price;
	return best;
}

/* price within [bid, ask], an empty side bounding nothing. */
static inline uint32_t
twc_beyond(const struct twc_stock *s, uint32_t price)
{
	uint32_t bid = twc_best(s, 'B'), ask = twc_best(s, 'S');

	if (bid != 0 && price < bid)
		return bid - price;
	if (ask != 0 && price > ask)
		return price - ask;
	return 0;
}

static inline void
twc_execution(struct twc *k, struct twc_stock *s, int i)
{
	const struct twc_order *o = &s->o[i];
	uint32_t best = twc_best(s, o->side), j;
	bool oldest = true;

	k->n.execs++;
	for (j = 0; j < s->n; j++)
		if (s->o[j].side == o->side && s->o[j].price == o->price &&
		    s->o[j].age < o->age)
			oldest = false;
	k->n.exec_not_best += o->price != best;
	k->n.exec_not_oldest += !oldest;
	k->n.exec_not_oldest_at_best += o->price != best || !oldest;
}

static inline void
twc_cross_check(struct twc *k, const struct twc_stock *s)
{
	uint32_t bid = twc_best(s, 'B'), ask = twc_best(s, 'S');

	if (bid != 0 && ask != 0) {
		k->n.crossed += bid > ask;
		k->n.locked += bid == ask;
		if (ask > bid)
			k->n.spread[(ask - bid) / 100 < TWC_BEYOND_BUCKETS ?
				(ask - bid) / 100 : TWC_BEYOND_BUCKETS - 1]++;
	}
}

/* The channel's order and time rules for message m on channel ch. */
static inline void
twc_channel(struct twc *k, uint16_t ch, const uint8_t *m)
{
	uint64_t ts = twc_be(m + 5, 6);

	if (k->any[ch]) {
		k->n.ts_backwards += ts < k->last_ts[ch];
		k->n.ts_repeated += ts == k->last_ts[ch];
	}
	k->any[ch] = true;
	k->last_ts[ch] = ts;
	if (m[0] == 'R') {
		k->n.r_after_q += k->q[ch];
		k->n.start_out_of_order += k->q[ch] || !k->s[ch];
	} else if (m[0] == 'S') {
		switch (m[11]) {
		case 'O':
			k->n.start_out_of_order += k->o[ch] || k->s[ch] ||
				k->q[ch];
			k->o[ch] = true;
			break;
		case 'S':
			k->n.start_out_of_order += !k->o[ch] || k->s[ch] ||
				k->q[ch];
			k->s[ch] = true;
			break;
		case 'Q':
			k->n.start_out_of_order += !k->o[ch] || !k->s[ch] ||
				k->q[ch];
			k->q[ch] = true;
			if (k->q_ts == 0)
				k->q_ts = ts;
			break;
		case 'M':
			k->m[ch] = true;
			if (k->m_ts == 0)
				k->m_ts = ts;
			break;
		default:
			break;
		}
	} else if (m[0] != 'V' && !k->s[ch]) {
		/* Nothing of the market before system hours (pre-market
		 * trading is between S and Q). */
		k->n.market_before_s++;
		k->n.start_out_of_order++;
	}
}

/* The crosses' rules for a Q (Cross Trade) or an I (NOII) on ch. */
static inline void
twc_cross(struct twc *k, uint16_t ch, const struct twc_stock *s,
		const uint8_t *m)
{
	uint64_t ts = twc_be(m + 5, 6);

	if (m[0] == 'Q') {
		switch (m[39]) {
		case 'O':
			k->n.cross_open_outside += !k->q[ch] ||
				ts < TWC_HMS(9, 30, 0) || ts >= TWC_HMS(9, 31, 0);
			break;
		case 'C':
			k->n.cross_close_outside += !k->m[ch] ||
				ts < TWC_HMS(16, 0, 0) ||
				ts >= TWC_HMS(16, 1, 0);
			break;
		case 'H':
			k->n.cross_halt_not_halted += !s->halted;
			break;
		default:
			break;
		}
		return;
	}
	switch (m[48]) {
	case 'O':
		k->n.noii_outside += k->q[ch] || ts < TWC_HMS(9, 25, 0) ||
			ts >= TWC_HMS(9, 30, 0);
		break;
	case 'C':
		k->n.noii_outside += !k->q[ch] || k->m[ch] ||
			ts < TWC_HMS(15, 50, 0) || ts >= TWC_HMS(16, 0, 0);
		break;
	default:
		k->n.noii_outside += !s->halted;
		break;
	}
}

/* One message (len bytes at m, type first). */
static inline void
twc_message(struct twc *k, const uint8_t *m, uint16_t len)
{
	uint16_t loc, ch;
	struct twc_stock *s;
	uint32_t px;
	int i;

	if (len < 11)
		return;
	k->n.msgs++;
	k->n.by_type[m[0]]++;
	loc = (uint16_t)twc_be(m + 1, 2);
	k->n.tracking_zero += twc_be(m + 3, 2) == 0;
	{
		uint64_t ts = twc_be(m + 5, 6);

		k->n.before_start += ts < TWC_HMS(4, 0, 0);
		k->n.after_end += ts >= TWC_HMS(20, 0, 0);
		if (k->n.msgs == 1 || ts < k->n.first_ts)
			k->n.first_ts = ts;
		if (ts > k->n.last_ts)
			k->n.last_ts = ts;
	}
	if (loc == 0) {
		for (ch = 0; ch < k->channels; ch++)
			twc_channel(k, ch, m);
	} else {
		twc_channel(k, (uint16_t)((loc - 1) % k->channels), m);
	}
	s = &k->st[loc];
	switch (m[0]) {
	case 'R':
		k->n.r++;
		break;
	case 'H':
		s->halted = m[19] == 'T' ? 0 : m[19];
		break;
	case 'h':
		s->halted = m[20] == 'H' ? 'h' : 0;
		break;
	case 'Q': case 'I':
		twc_cross(k, (uint16_t)((loc - 1) % k->channels), s, m);
		break;
	case 'A': case 'F':
		k->n.adds++;
		{
			uint32_t sh = (uint32_t)twc_be(m + 20, 4);

			k->n.adds_100 += sh == 100;
			k->n.adds_odd += sh < 100;
			k->n.adds_large += sh >= 1000;
		}
		twc_rest(k, s, twc_be(m + 11, 8), m[19],
			(uint32_t)twc_be(m + 20, 4),
			(uint32_t)twc_be(m + 32, 4));
		twc_cross_check(k, s);
		break;
	case 'P':
		k->n.p++;
		k->n.exec_halted += s->halted != 0;
		px = twc_beyond(s, (uint32_t)twc_be(m + 32, 4));
		k->n.p_outside_spread += px != 0;
		if (px != 0)
			k->n.beyond[px / 100 < TWC_BEYOND_BUCKETS ? px / 100 :
				TWC_BEYOND_BUCKETS - 1]++;
		break;
	case 'E': case 'C': case 'X': case 'D': case 'U':
		i = twc_find(s, twc_be(m + 11, 8));
		if (i < 0) {
			k->n.unknown_ref++;
			break;
		}
		if (m[0] == 'E' || m[0] == 'C') {
			twc_execution(k, s, i);
			k->n.exec_halted += s->halted != 0;
			if (m[0] == 'E') {
				k->n.e++;
			} else {
				px = (uint32_t)twc_be(m + 32, 4);
				k->n.c++;
				k->n.c_at_display += px == s->o[i].price;
				k->n.c_outside_spread += twc_beyond(s, px) != 0;
				{
					uint32_t b = twc_best(s, 'B');
					uint32_t a = twc_best(s, 'S');

					k->n.c_not_strictly_inside +=
						(b != 0 && px <= b) ||
						(a != 0 && px >= a);
				}
				k->n.c_not_printable += m[31] == 'N';
				k->n.c_bad_printable += m[31] != 'N' &&
					m[31] != 'Y';
			}
		}
		if (m[0] == 'D') {
			twc_remove(s, i);
		} else if (m[0] == 'U') {
			uint8_t side = s->o[i].side;

			twc_remove(s, i);
			twc_rest(k, s, twc_be(m + 19, 8), side,
				(uint32_t)twc_be(m + 27, 4),
				(uint32_t)twc_be(m + 31, 4));
			twc_cross_check(k, s);
		} else {
			uint32_t sh = (uint32_t)twc_be(m + 19, 4);

			if (sh >= s->o[i].shares)
				twc_remove(s, i);
			else
				s->o[i].shares -= sh;
		}
		break;
	default:
		break;
	}
}

/*
 * A day file's bytes (2-byte big-endian length, then the message): the
 * bytes read, len unless a message is cut.
 */
static inline size_t
twc_day(struct twc *k, const uint8_t *d, size_t len)
{
	size_t off = 0;

	while (len - off >= 2) {
		uint16_t ml = (uint16_t)twc_be(d + off, 2);

		if (len - off - 2 < ml)
			break;
		twc_message(k, d + off + 2, ml);
		off += 2 + (size_t)ml;
	}
	return off;
}

/* The spread (whole cents, down) at quantile q of the adds' books. */
static inline unsigned int
twc_spread_q(const struct twc *k, double q)
{
	uint64_t all = 0, seen = 0;
	unsigned int i;

	for (i = 0; i < TWC_BEYOND_BUCKETS; i++)
		all += k->n.spread[i];
	for (i = 0; i < TWC_BEYOND_BUCKETS; i++) {
		seen += k->n.spread[i];
		if (seen > 0 && (double)seen >= q * (double)all)
			return i;
	}
	return 0;
}

/* Type t's share of the messages, in percent. */
static inline double
twc_pct(const struct twc *k, uint8_t t)
{
	return k->n.msgs ? 100.0 * (double)k->n.by_type[t] /
		(double)k->n.msgs : 0;
}

/* The median cents beyond the spread of the P printed outside it. */
static inline unsigned int
twc_beyond_median(const struct twc *k)
{
	uint64_t seen = 0;
	unsigned int i;

	for (i = 0; i < TWC_BEYOND_BUCKETS; i++) {
		seen += k->n.beyond[i];
		if (2 * seen >= k->n.p_outside_spread && seen > 0)
			return i;
	}
	return 0;
}

#endif /* TW_ITCH_CHECK_H */
