/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITCH model's order actions: what one tick does to one stock's
 * book by the mix (A, F, D, X, U, E, C, P), never crossing or locking
 * the displayed book, executions by price and time priority, C only
 * strictly inside the spread, P at or inside it.
 *
 * Owns: where an order is placed, the model's list of resting orders'
 * changes. Never touches: the session clock, the schedule (tw_itch_day.c),
 * the truth and the day file (tw_itch_gen.c itch_sent).
 */
#include <rte_common.h>

#include "tw_itch_gen_private.h"

/*
 * A price k steps from the mid (in the stock's ticks) on side, never
 * crossing or locking the other side's best; whole cents from $1 up;
 * 0 when a bid cannot go below one tick.
 */
static uint32_t
place(struct tw_itch_gen *g, uint16_t ch, uint32_t l, uint8_t side,
		int64_t mid, uint32_t k)
{
	const struct tw_itch_stock *s = &g->stock[l];
	const struct tw_book_level *opp = tw_book_best(g->books, l, side ^ 1);
	int64_t off = (int64_t)(k - 1) * s->step + 1 +
		itch_below(&g->ch[ch], s->step);
	int64_t c = side == TW_BOOK_BID ? mid - off : mid + off;

	if (opp != NULL) {
		int64_t oc = opp->price / s->tick;

		if (side == TW_BOOK_BID && c >= oc)
			c = oc - 1;
		else if (side == TW_BOOK_ASK && c <= oc)
			c = oc + 1;
	}
	if (c < 1)
		return 0;
	c *= s->tick;
	/* Sub-penny only below $1 (Reg NMS): away from the other side. */
	if (c >= TW_ITCH_DOLLAR && c % TW_ITCH_CENT != 0)
		c = side == TW_BOOK_BID ? c / TW_ITCH_CENT * TW_ITCH_CENT :
			(c / TW_ITCH_CENT + 1) * TW_ITCH_CENT;
	return (uint32_t)RTE_MIN(c, (int64_t)UINT32_MAX / TW_ITCH_CENT *
		TW_ITCH_CENT);
}

/*
 * A tick from price (side's best) toward the other side, when it is
 * strictly inside the displayed spread (or the other side is empty):
 * where an order showing price with a limit a tick better executes; a
 * half tick (the midpoint of a one-tick spread, as a midpoint order
 * executes) when a whole tick is not inside. 0 when neither is.
 */
static uint32_t
inside(const struct tw_itch_gen *g, uint32_t l, uint8_t side, uint32_t price)
{
	const struct tw_book_level *opp = tw_book_best(g->books, l, side ^ 1);
	uint32_t tick = g->stock[l].tick, k, px;

	for (k = tick; k >= 1; k = k >= 2 ? k / 2 : 0) {
		if (side == TW_BOOK_BID) {
			px = price + k;
			if (opp == NULL || px < opp->price)
				return px;
		} else {
			px = price - k;
			if (px > 0 && (opp == NULL || px > opp->price))
				return px;
		}
		if (k < tick)
			break;
	}
	return 0;
}

static enum tw_itch_act
choose(const struct tw_itch_gen *g, uint64_t misc)
{
	/* The NOII's share is taken in its windows (tw_itch_day.c), the
	 * close's cancels after 16:00 (itch_close_cancel): the other
	 * actions share the ticks in their own proportions. */
	uint32_t r = (uint32_t)((misc & 0xffff) * (uint32_t)(TW_ITCH_MIX_TOTAL -
		g->p.mix[TW_ITCH_ACT_NOII] - g->p.close_cancel) >> 16);
	uint32_t acc = 0;
	unsigned int a;

	for (a = 0; a < TW_ITCH_ACT_NOII; a++) {
		acc += g->p.mix[a] - (a == TW_ITCH_ACT_DELETE ?
			g->p.close_cancel : 0);
		if (r < acc)
			return (enum tw_itch_act)a;
	}
	return TW_ITCH_ACT_ADD;
}

static inline void
forget(struct tw_itch_gen *g, uint32_t l, uint32_t i)
{
	struct tw_itch_model_order *o = itch_orders_of(g, l);

	o[i] = o[--g->nb_orders[l]];
	g->ch[l % g->p.nb_channels].resting--;
}

/* The best resting order of side (the other's if it has none): the
 * oldest at the best price (time priority: references grow with time
 * on a channel, and a replace takes a new one). */
static uint32_t
best_order(struct tw_itch_gen *g, uint32_t l, uint8_t *side)
{
	struct tw_itch_model_order *os = itch_orders_of(g, l);
	uint32_t best[2] = { UINT32_MAX, UINT32_MAX }, j;

	for (j = 0; j < g->nb_orders[l]; j++) {
		uint32_t *b = &best[os[j].side];

		if (*b == UINT32_MAX || (os[j].side == TW_BOOK_BID ?
		    os[j].price > os[*b].price : os[j].price < os[*b].price) ||
		    (os[j].price == os[*b].price && os[j].ref < os[*b].ref))
			*b = j;
	}
	if (best[*side] == UINT32_MAX)
		*side ^= 1;
	return best[*side];
}

/* The action a tick can take on stock l as the book stands. */
static enum tw_itch_act
feasible(struct tw_itch_gen *g, uint32_t l, enum tw_itch_act act)
{
	uint32_t n = g->nb_orders[l];

	if (g->stock[l].halted && (act == TW_ITCH_ACT_EXECUTE ||
	    act == TW_ITCH_ACT_EXECUTE_PRICE || act == TW_ITCH_ACT_TRADE))
		act = TW_ITCH_ACT_DELETE;       /* no trading in a halt */
	if (n == 0 && act != TW_ITCH_ACT_TRADE)
		return act == TW_ITCH_ACT_ADD_MPID ? act : TW_ITCH_ACT_ADD;
	if ((act == TW_ITCH_ACT_ADD || act == TW_ITCH_ACT_ADD_MPID) &&
	    n >= g->stock[l].cap)
		return TW_ITCH_ACT_DELETE;
	return act;
}

/* One order action of stock l on ch at ns: the message, or NULL. */
uint8_t *
itch_order_action(struct tw_emitter *e, struct tw_itch_gen *g, uint16_t ch,
		uint32_t l, int64_t mid, uint64_t misc, uint64_t now,
		uint64_t ns, uint64_t *seq)
{
	struct tw_itch_chan *c = &g->ch[ch];
	struct tw_itch_model_order *os = itch_orders_of(g, l), *o;
	const struct tw_itch_stock *s = &g->stock[l];
	enum tw_itch_act act = feasible(g, l, choose(g, misc));
	uint64_t ts = ns % TW_ITCH_NS_PER_DAY, ref, match;
	uint32_t i, k, shares, price;
	uint16_t wl = (uint16_t)(l + 1);
	const char *tk = e->gen->sym[l].ticker;
	uint8_t side = (misc >> 32) & 1, *p;

	i = g->nb_orders[l] ? (uint32_t)(((misc >> 16) & 0xffff) *
		g->nb_orders[l] >> 16) : 0;
	k = 1 + (uint32_t)__builtin_ctzll((misc >> 33) | (UINT64_C(1) << 20)) %
		g->p.depth;
	shares = itch_shares(c);

	switch (act) {
	case TW_ITCH_ACT_ADD:
	case TW_ITCH_ACT_ADD_MPID: {
		bool mpid = act == TW_ITCH_ACT_ADD_MPID;

		price = place(g, ch, l, side, mid, k);
		if (price == 0) {
			side ^= 1;
			price = place(g, ch, l, side, mid, k);
		}
		p = itch_reserve(e, ch, mpid ? TW_ITCH_ADD_ORDER_MPID :
			TW_ITCH_ADD_ORDER, now, seq);
		if (p == NULL)
			return NULL;
		ref = ++c->next_ref * g->p.nb_channels + ch;
		tw_itch_add(p, wl, ts, ref, side ? 'S' : 'B', shares, tk, price,
			mpid ? itch_mpid(s->mpid0 + itch_below(c, s->nb_mpids)) :
			NULL);
		os[g->nb_orders[l]++] = (struct tw_itch_model_order){
			.ref = ref, .price = price, .shares = shares,
			.side = side,
		};
		c->resting++;
		return p;
	}
	case TW_ITCH_ACT_CANCEL:
		o = &os[i];
		if (o->shares >= 2) {
			uint32_t x = 1 + itch_below(c, o->shares - 1);

			p = itch_reserve(e, ch, TW_ITCH_ORDER_CANCEL, now, seq);
			if (p == NULL)
				return NULL;
			tw_itch_cancel(p, wl, ts, o->ref, x);
			o->shares -= x;
			return p;
		}
		/* One share left: the cancel is a delete. */
		/* fall through */
	case TW_ITCH_ACT_DELETE:
		p = itch_reserve(e, ch, TW_ITCH_ORDER_DELETE, now, seq);
		if (p == NULL)
			return NULL;
		tw_itch_delete(p, wl, ts, os[i].ref);
		forget(g, l, i);
		return p;
	case TW_ITCH_ACT_REPLACE:
		o = &os[i];
		price = place(g, ch, l, o->side, mid, k);
		p = itch_reserve(e, ch, price ? TW_ITCH_ORDER_REPLACE :
			TW_ITCH_ORDER_DELETE, now, seq);
		if (p == NULL)
			return NULL;
		if (price == 0) {
			tw_itch_delete(p, wl, ts, o->ref);
			forget(g, l, i);
			return p;
		}
		ref = ++c->next_ref * g->p.nb_channels + ch;
		tw_itch_replace(p, wl, ts, o->ref, ref, shares, price);
		*o = (struct tw_itch_model_order){
			.ref = ref, .price = price, .shares = shares,
			.side = o->side,
		};
		return p;
	case TW_ITCH_ACT_EXECUTE:
	case TW_ITCH_ACT_EXECUTE_PRICE:
		i = best_order(g, l, &side);
		o = &os[i];
		price = act == TW_ITCH_ACT_EXECUTE_PRICE ?
			inside(g, l, o->side, o->price) : 0;
		if (act == TW_ITCH_ACT_EXECUTE_PRICE && price == 0) {
			/* No room on that side: the other side's best. */
			uint8_t other = side ^ 1;
			uint32_t j = best_order(g, l, &other);

			if (other != side && (price = inside(g, l, other,
			    os[j].price)) != 0) {
				i = j;
				o = &os[j];
			}
		}
		/* The whole remainder half the time, else a part of it. */
		if (itch_below(c, 2) == 0)
			shares = RTE_MIN(shares, o->shares);
		else
			shares = o->shares;
		match = ++c->next_match * g->p.nb_channels + ch;
		if (price != 0) {
			/*
			 * The specification sends C for an execution at a
			 * price other than the display price. The model's:
			 * an order whose limit is a tick more aggressive
			 * than the price it shows, executed at its limit,
			 * strictly inside the spread; printable (the
			 * crosses print in bulk in their own Q).
			 */
			p = itch_reserve(e, ch, TW_ITCH_ORDER_EXECUTED_PRICE,
				now, seq);
			if (p == NULL)
				return NULL;
			tw_itch_executed_price(p, wl, ts, o->ref, shares,
				match, price, true);
		} else {
			p = itch_reserve(e, ch, TW_ITCH_ORDER_EXECUTED, now,
				seq);
			if (p == NULL)
				return NULL;
			tw_itch_executed(p, wl, ts, o->ref, shares, match);
		}
		o->shares -= shares;
		if (o->shares == 0)
			forget(g, l, i);
		return p;
	default: {      /* TW_ITCH_ACT_TRADE: non-displayed liquidity */
		const struct tw_book_level *bid = tw_book_best(g->books, l,
			TW_BOOK_BID);
		const struct tw_book_level *ask = tw_book_best(g->books, l,
			TW_BOOK_ASK);
		int64_t px = mid * s->tick;

		/* Hidden orders trade at or inside the displayed spread,
		 * never through a displayed order: the midpoint when both
		 * sides show (a half tick, as a midpoint peg prints). */
		if (bid != NULL && ask != NULL)
			px = ((int64_t)bid->price + ask->price) / 2;
		else if (bid != NULL && px < (int64_t)bid->price)
			px = bid->price;
		else if (ask != NULL && px > (int64_t)ask->price)
			px = ask->price;
		p = itch_reserve(e, ch, TW_ITCH_TRADE, now, seq);
		if (p == NULL)
			return NULL;
		match = ++c->next_match * g->p.nb_channels + ch;
		tw_itch_trade(p, wl, ts, 0, side ? 'S' : 'B', shares, tk,
			(uint32_t)px, match);
		return p;
	}
	}
}


uint8_t *
itch_close_cancel(struct tw_emitter *e, struct tw_itch_gen *g, uint16_t ch,
		uint32_t l, uint64_t sess, uint64_t now, uint64_t ns,
		uint64_t *seq)
{
	struct tw_itch_chan *c = &g->ch[ch];
	const uint64_t end = TW_ITCH_DAY_END - TW_ITCH_HMS(0, 0, 1);
	uint32_t n = g->p.nb_channels, tries;
	double left;
	uint8_t *p;

	if (c->resting == 0)
		return NULL;
	/* The ticks left in the day: the count's, or as many as the day
	 * so far would make in the session time left. */
	if (c->day_ticks != 0 && !(g->p.day_speed > 0))
		left = c->day_ticks > c->done ? (double)(c->day_ticks -
			c->done) : 1;
	else
		left = sess >= end ? 1 : (double)c->done * (double)(end - sess) /
			(double)(sess - TW_ITCH_DAY_START + 1);
	if ((double)itch_below(c, 1u << 30) >= (double)c->resting /
	    RTE_MAX(left, 1.0) * (1u << 30))
		return NULL;
	/* The tick's stock if it rests orders, else the next one that does
	 * on the channel. */
	for (tries = 0; g->nb_orders[l] == 0; tries++) {
		uint32_t on = (g->p.nb_symbols - ch + n - 1) / n;

		if (tries > on)
			return NULL;
		c->purge_next = (c->purge_next + 1) % on;
		l = ch + c->purge_next * n;
	}
	p = itch_reserve(e, ch, TW_ITCH_ORDER_DELETE, now, seq);
	if (p == NULL)
		return NULL;
	tw_itch_delete(p, (uint16_t)(l + 1), ns % TW_ITCH_NS_PER_DAY,
		itch_orders_of(g, l)[g->nb_orders[l] - 1].ref);
	forget(g, l, g->nb_orders[l] - 1);
	return p;
}
