/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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
		2 * cl((size_t)p->nb_channels * sizeof(uint64_t));
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
	return g;
}

static inline struct tw_itch_model_order *
orders_of(struct tw_itch_gen *g, uint32_t l)
{
	return g->orders + (size_t)l * g->p.orders_per_symbol;
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

static void
system_event(struct tw_emitter *e, uint16_t ch, uint64_t now,
		uint64_t send_ns, uint8_t code)
{
	struct tw_itch_gen *g = e->proto_state;
	uint64_t seq;
	uint8_t *p = reserve(e, ch, TW_ITCH_SYSTEM_EVENT, now, &seq);

	if (p == NULL)
		return;
	tw_itch_system_event(p, send_ns % TW_ITCH_NS_PER_DAY, code);
	sent(e, g, p, seq, send_ns, ch);
	e->ctr->events++;
}

void
tw_itch_emit_open(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	struct tw_itch_gen *g = e->proto_state;
	uint64_t ts = send_ns % TW_ITCH_NS_PER_DAY;
	uint16_t i;

	for (i = 0; i < e->sched->nb; i++) {
		uint16_t ch = e->sched->ch[i];
		uint32_t l;

		system_event(e, ch, now, send_ns, TW_ITCH_EV_START_MESSAGES);
		system_event(e, ch, now, send_ns, TW_ITCH_EV_START_SYSTEM);
		for (l = ch; l < g->p.nb_symbols; l += g->p.nb_channels) {
			uint64_t seq;
			uint8_t *p;

			if (e->quit != NULL && *e->quit)
				return;
			p = reserve(e, ch, TW_ITCH_STOCK_DIRECTORY, now, &seq);
			if (p == NULL)
				continue;
			tw_itch_directory(p, (uint16_t)(l + 1), ts,
				e->gen->sym[l].ticker);
			sent(e, g, p, seq, send_ns, ch);
			e->ctr->directories++;
		}
	}
	/* Market hours start once every channel's directory is out: the
	 * day file (which holds System Events once) has every R before Q,
	 * as a NASDAQ day does. */
	for (i = 0; i < e->sched->nb; i++)
		system_event(e, e->sched->ch[i], now, send_ns,
			TW_ITCH_EV_START_MARKET);
}

void
tw_itch_emit_close(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	uint16_t i;

	for (i = 0; i < e->sched->nb; i++) {
		uint16_t ch = e->sched->ch[i];

		system_event(e, ch, now, send_ns, TW_ITCH_EV_END_MARKET);
		system_event(e, ch, now, send_ns, TW_ITCH_EV_END_SYSTEM);
		system_event(e, ch, now, send_ns, TW_ITCH_EV_END_MESSAGES);
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
	uint64_t ts = send_ns % TW_ITCH_NS_PER_DAY, misc, seq, match, ref;
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
		if (((misc >> 60) & 3) == 0 && o->price > TICK) {
			/*
			 * The specification sends C for an execution at a
			 * price other than the display price: a cent better
			 * for the resting order (a bid pays less, an offer
			 * gets more), and one in eight not printable (it
			 * moves neither the last trade nor the volume).
			 */
			uint32_t px = o->side == TW_BOOK_BID ?
				o->price - TICK : o->price + TICK;

			p = reserve(e, ch, TW_ITCH_ORDER_EXECUTED_PRICE, now,
				&seq);
			if (p == NULL)
				return;
			tw_itch_executed_price(p, wl, ts, o->ref, shares,
				match, px, ((misc >> 40) & 7) != 0);
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
	sent(e, g, p, seq, send_ns, ch);
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

/* ---- day files ---- */

int
tw_itch_file_load(struct tw_itch_file *f, const char *path, char *err,
		size_t errlen)
{
	gzFile z = gzopen(path, "rb");
	size_t cap = 1 << 20, off;
	int n;

	memset(f, 0, sizeof(*f));
	if (z == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ?
			errno : ENOENT));
		return -ENOENT;
	}
	f->data = malloc(cap);
	while (f->data != NULL && (n = gzread(z, f->data + f->len,
			(unsigned int)RTE_MIN(cap - f->len,
				(size_t)1 << 30))) > 0) {
		f->len += (size_t)n;
		if (f->len == cap) {
			uint8_t *bigger = realloc(f->data, cap * 2);

			if (bigger == NULL) {
				free(f->data);
				f->data = NULL;
				break;
			}
			f->data = bigger;
			cap *= 2;
		}
	}
	gzclose(z);
	if (f->data == NULL) {
		snprintf(err, errlen, "%s: no memory for it", path);
		return -ENOMEM;
	}
	/* Whole messages of known types and their sizes, nothing else. */
	for (off = 0; off < f->len;) {
		uint16_t len;
		const uint8_t *m;

		if (f->len - off < 2 ||
		    (len = (uint16_t)(f->data[off] << 8 | f->data[off + 1]),
		     f->len - off - 2 < len)) {
			snprintf(err, errlen, "%s: the last %zu bytes are no "
				"whole message", path, f->len - off);
			goto bad;
		}
		m = f->data + off + 2;
		if (len == 0 || tw_itch_len[m[0]] != len) {
			snprintf(err, errlen, "%s: message %" PRIu64 " at byte "
				"%zu: %u bytes of type 0x%02x, not an ITCH 5.0 "
				"message of that type", path, f->msgs + 1, off,
				len, len ? m[0] : 0);
			goto bad;
		}
		if (f->msgs == 0)
			f->first_ts = tw_itch_timestamp(m);
		f->last_ts = tw_itch_timestamp(m);
		f->max_locate = RTE_MAX(f->max_locate,
			(uint32_t)tw_itch_locate(m));
		f->msgs++;
		off += 2 + (size_t)len;
	}
	return 0;
bad:
	tw_itch_file_free(f);
	return -EINVAL;
}

void
tw_itch_file_free(struct tw_itch_file *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}

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

void
tw_itch_count_sent(struct tw_gen_counters *ctr, const uint8_t *m,
		uint16_t len)
{
	if (len < TW_ITCH_HDR_LEN)
		ctr->other_msgs++;
	else if (m[0] == TW_ITCH_STOCK_DIRECTORY)
		ctr->directories++;
	else if (tw_itch_locate(m) == 0)
		ctr->events++;
	else
		ctr->ticks++;
}
