/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "tw_itch_apply.h"
#include "tw_itch_gen.h"

#define TICK 100        /* one cent, in ITCH's 4-decimal prices */

int
tw_itch_gen_params_check(const struct tw_itch_gen_params *p)
{
	unsigned int i, sum = 0;

	for (i = 0; i < TW_ITCH_ACTS; i++)
		sum += p->mix[i];
	if (sum != 100 || p->mix[TW_ITCH_ACT_ADD] == 0 ||
	    p->orders_per_symbol == 0 || p->depth == 0 ||
	    p->nb_symbols == 0 || p->nb_symbols > UINT16_MAX - 1 ||
	    p->nb_channels == 0)
		return -EINVAL;
	return 0;
}

static struct tw_book_params
book_params(const struct tw_itch_gen_params *p)
{
	uint64_t orders = (uint64_t)p->nb_symbols * p->orders_per_symbol;

	/* Every order on a level of its own, at worst: never full. */
	return (struct tw_book_params){
		.nb_symbols = p->nb_symbols,
		.max_orders = p->max_orders ? p->max_orders : orders,
		.pool_levels = p->levels ? p->levels :
			(uint32_t)RTE_MIN((uint64_t)UINT32_MAX / 4,
			4 * orders + 16 * (uint64_t)p->nb_symbols),
		.hash_key = p->hash_key,
	};
}

static size_t
cl(size_t n)
{
	return RTE_ALIGN_CEIL(n, (size_t)64);
}

size_t
tw_itch_gen_memsize(const struct tw_itch_gen_params *p)
{
	struct tw_book_params bp = book_params(p);

	return cl(sizeof(struct tw_itch_gen)) + cl(tw_books_memsize(&bp)) +
		cl((size_t)p->nb_symbols * p->orders_per_symbol *
		   sizeof(struct tw_itch_model_order)) +
		cl((size_t)p->nb_symbols * sizeof(uint32_t)) +
		3 * cl((size_t)p->nb_channels * sizeof(uint64_t));
}

struct tw_itch_gen *
tw_itch_gen_init(void *mem, const struct tw_itch_gen_params *p)
{
	struct tw_book_params bp = book_params(p);
	struct tw_itch_gen *g = mem;
	uint8_t *next;

	if (mem == NULL || tw_itch_gen_params_check(p) != 0)
		return NULL;
	memset(mem, 0, tw_itch_gen_memsize(p));
	g->p = *p;
	next = (uint8_t *)g + cl(sizeof(*g));
	g->books = tw_books_init(next, &bp);
	if (g->books == NULL)
		return NULL;
	next += cl(tw_books_memsize(&bp));
	g->orders = (struct tw_itch_model_order *)next;
	next += cl((size_t)p->nb_symbols * p->orders_per_symbol *
		sizeof(struct tw_itch_model_order));
	g->nb_orders = (uint32_t *)next;
	next += cl((size_t)p->nb_symbols * sizeof(uint32_t));
	g->next_ref = (uint64_t *)next;
	next += cl((size_t)p->nb_channels * sizeof(uint64_t));
	g->next_match = (uint64_t *)next;
	next += cl((size_t)p->nb_channels * sizeof(uint64_t));
	g->last_ns = (uint64_t *)next;
	return g;
}

static inline struct tw_itch_model_order *
orders_of(struct tw_itch_gen *g, uint32_t l)
{
	return g->orders + (size_t)l * g->p.orders_per_symbol;
}

/*
 * A message's time on ch: ns, or a nanosecond after the channel's last
 * message when ns is not above it, so that a channel's timestamps rise,
 * one a message (each is an event of its own): an unpaced batch's ticks
 * share one send time, and the open's messages are one instant.
 */
static inline uint64_t
stamp(struct tw_itch_gen *g, uint16_t ch, uint64_t ns)
{
	if (ns <= g->last_ns[ch])
		ns = g->last_ns[ch] + 1;
	g->last_ns[ch] = ns;
	return ns;
}

/*
 * The tracking number the model gives ch's messages: the channel + 1
 * (the specification's "NASDAQ internal tracking number"; here the
 * matching partition that made the message, never 0).
 */
static inline void
track(uint8_t *m, uint16_t ch)
{
	tw_itch_put16(m + TW_ITCH_OFF_TRACKING, (uint16_t)(ch + 1));
}

/* Room for a message of type on ch: where to write it, or NULL. */
static inline uint8_t *
reserve(struct tw_emitter *e, uint16_t ch, uint8_t type, uint64_t now,
		uint64_t *seq)
{
	return tw_framer_reserve(e->fr, ch, tw_itch_len[type], now, seq);
}

/*
 * A message written at seq on ch: into the truth, and the day file if
 * any. A day file is one stream: a message of no stock (a System
 * Event) goes into it once, from the first channel, as NASDAQ's has
 * one; a replay sends it to every channel again.
 */
static inline void
sent(struct tw_emitter *e, struct tw_itch_gen *g, const uint8_t *m,
		uint64_t seq, uint64_t now_ns, uint16_t ch)
{
	struct tw_itch_sink s = {
		.books = g->books, .cache = e->truth, .ctr = &g->truth_ctr,
	};

	/* The model sends only what its books take: a refusal is a bug. */
	if (unlikely(!tw_itch_apply(&s, m, seq, now_ns)))
		e->ctr->truth_refused++;
	if (unlikely(g->out != NULL) &&
	    (tw_itch_locate(m) != 0 || ch == e->sched->ch[0])) {
		uint8_t len[2] = { 0, tw_itch_len[m[0]] };

		fwrite(len, 1, sizeof(len), g->out);
		fwrite(m, 1, tw_itch_len[m[0]], g->out);
		g->out_msgs++;
	}
}

/* A System Event on ch at ns (or just after ch's last message). */
static void
system_event(struct tw_emitter *e, uint16_t ch, uint64_t now,
		uint64_t ns, uint8_t code)
{
	struct tw_itch_gen *g = e->proto_state;
	uint64_t seq;
	uint8_t *p = reserve(e, ch, TW_ITCH_SYSTEM_EVENT, now, &seq);

	if (p == NULL)
		return;
	ns = stamp(g, ch, ns);
	tw_itch_system_event(p, ns % TW_ITCH_NS_PER_DAY, code);
	track(p, ch);
	sent(e, g, p, seq, ns, ch);
	e->ctr->events++;
}

/*
 * A time after every scheduled channel's last message and not before
 * send_ns: where the open's and the close's events start, the same on
 * every channel (the day file holds them once).
 */
static uint64_t
after_all(const struct tw_emitter *e, const struct tw_itch_gen *g,
		uint64_t send_ns)
{
	uint16_t i;

	for (i = 0; i < e->sched->nb; i++)
		send_ns = RTE_MAX(send_ns, g->last_ns[e->sched->ch[i]] + 1);
	return send_ns;
}

/*
 * Each channel: O at t, S at t + 1, its directories a nanosecond apart
 * after; then Q on every channel at one time after every channel's
 * directories. So each channel's stream, and the day file (System
 * Events once, from the first channel), has O, S, every R, then Q, and
 * a channel's timestamps rise.
 */
void
tw_itch_emit_open(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	struct tw_itch_gen *g = e->proto_state;
	uint64_t t = after_all(e, g, send_ns);
	uint64_t q = t + 2 + (g->p.nb_symbols + g->p.nb_channels - 1) /
		g->p.nb_channels;
	uint16_t i;

	for (i = 0; i < e->sched->nb; i++) {
		uint16_t ch = e->sched->ch[i];
		uint32_t l;

		system_event(e, ch, now, t, TW_ITCH_EV_START_MESSAGES);
		system_event(e, ch, now, t + 1, TW_ITCH_EV_START_SYSTEM);
		for (l = ch; l < g->p.nb_symbols; l += g->p.nb_channels) {
			uint64_t seq, ns;
			uint8_t *p;

			if (e->quit != NULL && *e->quit)
				return;
			p = reserve(e, ch, TW_ITCH_STOCK_DIRECTORY, now, &seq);
			if (p == NULL)
				continue;
			ns = stamp(g, ch, t + 2);
			tw_itch_directory(p, (uint16_t)(l + 1),
				ns % TW_ITCH_NS_PER_DAY, e->gen->sym[l].ticker);
			track(p, ch);
			sent(e, g, p, seq, ns, ch);
			e->ctr->directories++;
		}
	}
	/* Market hours start once every channel's directory is out: the
	 * day file (which holds System Events once) has every R before Q,
	 * as a NASDAQ day does. */
	for (i = 0; i < e->sched->nb; i++)
		system_event(e, e->sched->ch[i], now, q,
			TW_ITCH_EV_START_MARKET);
}

/* M, E, C on every channel, a nanosecond apart, after its last tick. */
void
tw_itch_emit_close(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	uint64_t t = after_all(e, e->proto_state, send_ns);
	uint16_t i;

	for (i = 0; i < e->sched->nb; i++) {
		uint16_t ch = e->sched->ch[i];

		system_event(e, ch, now, t, TW_ITCH_EV_END_MARKET);
		system_event(e, ch, now, t + 1, TW_ITCH_EV_END_SYSTEM);
		system_event(e, ch, now, t + 2, TW_ITCH_EV_END_MESSAGES);
	}
}

/* A uniform integer in [0, n) from 16 random bits at shift. */
static inline uint32_t
bits_below(uint64_t r, unsigned int shift, uint32_t n)
{
	return (uint32_t)((((r >> shift) & 0xffff) * n) >> 16);
}

/*
 * A price k ticks from the mid (in cents) on side, never crossing the
 * other side's best; 0 when a bid cannot go below one cent.
 */
static uint32_t
place(const struct tw_books *b, uint32_t l, uint8_t side, int64_t mid,
		uint32_t k)
{
	const struct tw_book_level *opp = tw_book_best(b, l, side ^ 1);
	int64_t c = side == TW_BOOK_BID ? mid - k : mid + k;

	if (opp != NULL) {
		int64_t oc = opp->price / TICK;

		if (side == TW_BOOK_BID && c >= oc)
			c = oc - 1;
		else if (side == TW_BOOK_ASK && c <= oc)
			c = oc + 1;
	}
	if (c < 1)
		return 0;
	return (uint32_t)RTE_MIN(c * TICK, (int64_t)UINT32_MAX / TICK * TICK);
}

/*
 * A cent from price (side's best) toward the other side, when it is
 * strictly inside the displayed spread (or the other side is empty):
 * where an order showing price with a limit a cent better executes.
 * 0 when the spread is a cent.
 */
static uint32_t
inside(const struct tw_books *b, uint32_t l, uint8_t side, uint32_t price)
{
	const struct tw_book_level *opp = tw_book_best(b, l, side ^ 1);
	uint32_t px;

	if (side == TW_BOOK_BID) {
		px = price + TICK;
		return opp == NULL || px < opp->price ? px : 0;
	}
	px = price - TICK;
	return px > 0 && (opp == NULL || px > opp->price) ? px : 0;
}

static enum tw_itch_act
choose(const struct tw_itch_gen *g, uint64_t misc)
{
	uint32_t r = bits_below(misc, 0, 100), acc = 0;
	unsigned int a;

	for (a = 0; a < TW_ITCH_ACTS; a++) {
		acc += g->p.mix[a];
		if (r < acc)
			return (enum tw_itch_act)a;
	}
	return TW_ITCH_ACT_ADD;
}

static inline void
forget(struct tw_itch_gen *g, uint32_t l, uint32_t i)
{
	struct tw_itch_model_order *o = orders_of(g, l);

	o[i] = o[--g->nb_orders[l]];
}

/* One tick of channel ch: one message, stamped send_ns. */
static void
itch_tick(struct tw_emitter *e, struct tw_itch_gen *g, uint16_t ch,
		uint64_t now, uint64_t send_ns)
{
	uint64_t ns = stamp(g, ch, send_ns), ts = ns % TW_ITCH_NS_PER_DAY;
	uint64_t misc, seq, match, ref;
	struct tw_itch_model_order *os, *o;
	enum tw_itch_act act;
	uint32_t l, i, k, shares, price;
	uint16_t wl;
	uint8_t side, *p;
	double px;
	int64_t mid;

	tw_gen_draw(e->gen, ch, &l, &px, &misc);
	wl = (uint16_t)(l + 1);
	mid = RTE_MAX((int64_t)(px * (10000.0 / TICK) + 0.5), (int64_t)2);
	os = orders_of(g, l);
	act = choose(g, misc);
	if (g->nb_orders[l] == 0)
		act = TW_ITCH_ACT_ADD;
	else if (act == TW_ITCH_ACT_ADD &&
		 g->nb_orders[l] >= g->p.orders_per_symbol)
		act = TW_ITCH_ACT_DELETE;
	i = g->nb_orders[l] ? bits_below(misc, 16, g->nb_orders[l]) : 0;
	side = (misc >> 32) & 1;
	k = 1 + (uint32_t)__builtin_ctzll((misc >> 33) | (UINT64_C(1) << 20)) %
		g->p.depth;
	shares = TICK * (1 + (uint32_t)((misc >> 48) & 0xff) % 10);

	switch (act) {
	case TW_ITCH_ACT_ADD: {
		bool mpid = ((misc >> 56) & 0xf) < 2;

		price = place(g->books, l, side, mid, k);
		if (price == 0) {
			side ^= 1;
			price = place(g->books, l, side, mid, k);
		}
		p = reserve(e, ch, mpid ? TW_ITCH_ADD_ORDER_MPID :
			TW_ITCH_ADD_ORDER, now, &seq);
		if (p == NULL)
			return;
		ref = ++g->next_ref[ch] * g->p.nb_channels + ch;
		tw_itch_add(p, wl, ts, ref, side ? 'S' : 'B', shares,
			e->gen->sym[l].ticker, price, mpid ? "TWMM" : NULL);
		os[g->nb_orders[l]++] = (struct tw_itch_model_order){
			.ref = ref, .price = price, .shares = shares,
			.side = side,
		};
		break;
	}
	case TW_ITCH_ACT_CANCEL:
		o = &os[i];
		if (o->shares >= 2 * TICK) {
			uint32_t c = TICK * (1 + (uint32_t)((misc >> 48) &
				0xff) % (o->shares / TICK - 1));

			p = reserve(e, ch, TW_ITCH_ORDER_CANCEL, now, &seq);
			if (p == NULL)
				return;
			tw_itch_cancel(p, wl, ts, o->ref, c);
			o->shares -= c;
			break;
		}
		/* One lot left: the cancel is a delete. */
		/* fall through */
	case TW_ITCH_ACT_DELETE:
		p = reserve(e, ch, TW_ITCH_ORDER_DELETE, now, &seq);
		if (p == NULL)
			return;
		tw_itch_delete(p, wl, ts, os[i].ref);
		forget(g, l, i);
		break;
	case TW_ITCH_ACT_REPLACE:
		o = &os[i];
		price = place(g->books, l, o->side, mid, k);
		p = reserve(e, ch, price ? TW_ITCH_ORDER_REPLACE :
			TW_ITCH_ORDER_DELETE, now, &seq);
		if (p == NULL)
			return;
		if (price == 0) {
			tw_itch_delete(p, wl, ts, o->ref);
			forget(g, l, i);
			break;
		}
		ref = ++g->next_ref[ch] * g->p.nb_channels + ch;
		tw_itch_replace(p, wl, ts, o->ref, ref, shares, price);
		*o = (struct tw_itch_model_order){
			.ref = ref, .price = price, .shares = shares,
			.side = o->side,
		};
		break;
	case TW_ITCH_ACT_EXECUTE: {
		uint32_t best[2] = { UINT32_MAX, UINT32_MAX }, j;

		/* The best resting order of each side: the side's, else
		 * the other's is executed. At one price the oldest goes
		 * first (time priority): references grow with time on a
		 * channel, and a replace takes a new one (its priority). */
		for (j = 0; j < g->nb_orders[l]; j++) {
			uint32_t *b = &best[os[j].side];

			if (*b == UINT32_MAX || (os[j].side == TW_BOOK_BID ?
			    os[j].price > os[*b].price :
			    os[j].price < os[*b].price) ||
			    (os[j].price == os[*b].price &&
			     os[j].ref < os[*b].ref))
				*b = j;
		}
		if (best[side] == UINT32_MAX)
			side ^= 1;
		o = &os[best[side]];
		/* Round lots, the order's remainder at most. */
		shares = RTE_MIN(TICK * (1 + (uint32_t)((misc >> 52) & 0xf) %
			5), o->shares);
		match = ++g->next_match[ch] * g->p.nb_channels + ch;
		price = ((misc >> 60) & 3) == 0 ?
			inside(g->books, l, o->side, o->price) : 0;
		if (price != 0) {
			/*
			 * The specification sends C for an execution at a
			 * price other than the display price. The model's:
			 * an order whose limit is a cent more aggressive
			 * than the price it shows (as an order priced to
			 * comply is shown a tick off its limit), executed
			 * at its limit, strictly inside the spread. Every
			 * such execution is printable: the specification's
			 * N is for what a Cross Trade (Q) prints in bulk,
			 * and the model has no crosses.
			 */
			p = reserve(e, ch, TW_ITCH_ORDER_EXECUTED_PRICE, now,
				&seq);
			if (p == NULL)
				return;
			tw_itch_executed_price(p, wl, ts, o->ref, shares,
				match, price, true);
		} else {
			p = reserve(e, ch, TW_ITCH_ORDER_EXECUTED, now, &seq);
			if (p == NULL)
				return;
			tw_itch_executed(p, wl, ts, o->ref, shares, match);
		}
		o->shares -= shares;
		if (o->shares == 0)
			forget(g, l, best[side]);
		break;
	}
	default: {      /* TW_ITCH_ACT_TRADE: non-displayed liquidity */
		const struct tw_book_level *bid = tw_book_best(g->books, l,
			TW_BOOK_BID);
		const struct tw_book_level *ask = tw_book_best(g->books, l,
			TW_BOOK_ASK);
		int64_t px = mid * TICK;

		/* Hidden orders trade at or inside the displayed spread,
		 * never through a displayed order. */
		if (bid != NULL && px < (int64_t)bid->price)
			px = bid->price;
		if (ask != NULL && px > (int64_t)ask->price)
			px = ask->price;
		p = reserve(e, ch, TW_ITCH_TRADE, now, &seq);
		if (p == NULL)
			return;
		match = ++g->next_match[ch] * g->p.nb_channels + ch;
		tw_itch_trade(p, wl, ts, 0, side ? 'S' : 'B', shares,
			e->gen->sym[l].ticker, (uint32_t)px, match);
		break;
	}
	}
	track(p, ch);
	sent(e, g, p, seq, ns, ch);
	e->ctr->ticks++;
}

void
tw_itch_emit_ticks(struct tw_emitter *e, unsigned int n, uint64_t now,
		uint64_t now_ns, uint64_t first_ns, uint64_t step_ns)
{
	struct tw_itch_gen *g = e->proto_state;
	unsigned int i = 0, run, k;
	uint16_t ch;

	RTE_SET_USED(now_ns);
	while (i < n && (run = tw_gen_sched_next(e->sched, n - i, &ch)) > 0)
		for (k = 0; k < run; k++, i++)
			itch_tick(e, g, ch, now, first_ns + i * step_ns);
}

/* ---- a day file sent as the feed ---- */

int
tw_itch_emit_raw(struct tw_emitter *e, uint16_t ch, const uint8_t *m,
		uint16_t len, uint64_t now, uint64_t send_ns)
{
	struct tw_itch_gen *g = e->proto_state;
	uint64_t seq;
	uint8_t *p = tw_framer_reserve(e->fr, ch, len, now, &seq);

	if (p == NULL)
		return -ENOBUFS;
	memcpy(p, m, len);
	/* The replay's own send time: latency is measured from it. */
	tw_itch_put48(p + TW_ITCH_OFF_TIMESTAMP, send_ns % TW_ITCH_NS_PER_DAY);
	sent(e, g, p, seq, send_ns, ch);
	tw_itch_count_sent(e->ctr, m, len);
	return 0;
}
