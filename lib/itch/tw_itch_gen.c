/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITCH model's memory, its open and close, and the order actions of
 * a tick (tw_itch_gen.h says what the day is; tw_itch_day.c keeps its
 * clock and schedule, tw_itch_stock.c each stock's traits).
 *
 * Owns: the model's resting orders, the truth books, the open (O, S, V,
 * the directories), the close (E, C), A F D X U E C P. Never touches:
 * the session clock's profile, the schedule, the stocks' traits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "tw_itch_apply.h"
#include "tw_itch_gen_private.h"

/*
 * The defaults: the message mix of the two real days (A 44 %,
 * D 43 %, X 1.2-1.7 %, F 0.45-0.9 %, P 0.4 %, C 0.03-0.05 %); U, E and
 * I (which the issue gives no share of) split the rest by the model's
 * choice. docs/protocol.md has the table.
 */
void
tw_itch_gen_defaults(struct tw_itch_gen_params *p)
{
	static const uint16_t mix[TW_ITCH_ACTS] = {
		[TW_ITCH_ACT_ADD] = 4400,
		[TW_ITCH_ACT_ADD_MPID] = 70,
		[TW_ITCH_ACT_DELETE] = 4300,
		[TW_ITCH_ACT_CANCEL] = 150,
		[TW_ITCH_ACT_REPLACE] = 650,
		[TW_ITCH_ACT_EXECUTE] = 260,
		[TW_ITCH_ACT_EXECUTE_PRICE] = 4,
		[TW_ITCH_ACT_TRADE] = 40,
		[TW_ITCH_ACT_NOII] = 126,
	};

	memcpy(p->mix, mix, sizeof(mix));
	p->orders_per_symbol = 256;
	p->depth = 10;
	p->zipf_s = 1.0;
	p->day_speed = 0;
	p->send_timestamps = false;
	p->halts = 4;
	p->close_cancel = 300;
}

int
tw_itch_gen_params_check(const struct tw_itch_gen_params *p)
{
	unsigned int i, sum = 0;

	for (i = 0; i < TW_ITCH_ACTS; i++)
		sum += p->mix[i];
	if (sum != TW_ITCH_MIX_TOTAL ||
	    p->mix[TW_ITCH_ACT_ADD] + p->mix[TW_ITCH_ACT_ADD_MPID] == 0 ||
	    p->orders_per_symbol == 0 || p->depth == 0 ||
	    p->nb_symbols == 0 || p->nb_symbols > UINT16_MAX - 1 ||
	    p->nb_channels == 0 || p->nb_channels > TW_GEN_MAX_CHANNELS ||
	    p->close_cancel > p->mix[TW_ITCH_ACT_DELETE] ||
	    !(p->day_speed >= 0) || !(p->zipf_s >= 0))
		return -EINVAL;
	return 0;
}

static struct tw_book_params
book_params(const struct tw_itch_gen_params *p)
{
	uint64_t orders = itch_stocks_slots(p);

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
		cl(itch_stocks_slots(p) * sizeof(struct tw_itch_model_order)) +
		cl((size_t)p->nb_symbols * sizeof(uint32_t)) +
		itch_stocks_memsize(p) + itch_day_memsize(p) +
		cl((size_t)p->nb_channels * sizeof(struct tw_itch_chan));
}

struct tw_itch_gen *
tw_itch_gen_init(void *mem, const struct tw_itch_gen_params *p)
{
	struct tw_book_params bp;
	struct tw_itch_gen *g = mem;
	uint8_t *next;
	uint16_t c;

	if (mem == NULL || tw_itch_gen_params_check(p) != 0)
		return NULL;
	bp = book_params(p);
	memset(mem, 0, tw_itch_gen_memsize(p));
	g->p = *p;
	next = (uint8_t *)g + cl(sizeof(*g));
	g->books = tw_books_init(next, &bp);
	if (g->books == NULL)
		return NULL;
	next += cl(tw_books_memsize(&bp));
	g->orders = (struct tw_itch_model_order *)next;
	next += cl(itch_stocks_slots(p) * sizeof(struct tw_itch_model_order));
	g->nb_orders = (uint32_t *)next;
	next += cl((size_t)p->nb_symbols * sizeof(uint32_t));
	itch_stocks_init(g, next, next + cl((size_t)p->nb_symbols *
		sizeof(struct tw_itch_stock)));
	next += itch_stocks_memsize(p);
	g->events = (struct tw_itch_event *)next;
	next += itch_day_memsize(p);
	g->ch = (struct tw_itch_chan *)next;
	for (c = 0; c < p->nb_channels; c++)
		g->ch[c].rng = p->hash_key ^ (c + 1) *
			UINT64_C(0x2545f4914f6cdd1d);
	return g;
}

/* Into the truth (tw_itch_apply) and the day file, if one is written.
 * A day file is one stream: a message of no stock (System Event, MWCB)
 * goes into it once, from the first channel, as NASDAQ's has one; a
 * replay sends it to every channel again. */
static void
itch_truth(struct tw_emitter *e, struct tw_itch_gen *g, const uint8_t *m,
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

void
itch_settle(struct tw_emitter *e, struct tw_itch_gen *g)
{
	if (g->pend.full) {
		g->pend.full = false;
		itch_truth(e, g, g->pend.m, g->pend.seq, g->pend.ns,
			g->pend.ch);
	}
}

/*
 * The truth a message behind: the one before goes in (its lines asked
 * for when it was sent, a tick of the model ago), this one is kept and
 * its lines asked for. The model reads only a stock's own truth, and
 * only after itch_settle_stock, so what it decides is the same; the
 * truth takes the same messages in the same order.
 */
static void
itch_pend(struct tw_emitter *e, struct tw_itch_gen *g, const uint8_t *m,
		uint64_t seq, uint64_t ns, uint16_t ch)
{
	itch_settle(e, g);
	memcpy(g->pend.m, m, tw_itch_len[m[0]]);
	g->pend.full = true;
	g->pend.ch = ch;
	g->pend.locate = tw_itch_locate(m);
	g->pend.seq = seq;
	g->pend.ns = ns;
	tw_itch_prefetch(g->books, e->truth, g->pend.m);
}

void
itch_sent(struct tw_emitter *e, struct tw_itch_gen *g, uint8_t *m,
		uint64_t seq, uint64_t ns, uint16_t ch)
{
	itch_track(m, ch);
	itch_pend(e, g, m, seq, ns, ch);
}

/* A System Event (or MWCB decline levels, code 'V') on ch at ns. */
static void
system_event(struct tw_emitter *e, uint16_t ch, uint64_t now,
		uint64_t ns, uint8_t code)
{
	struct tw_itch_gen *g = e->proto_state;
	uint8_t type = code == 'V' ? TW_ITCH_MWCB_DECLINE :
		TW_ITCH_SYSTEM_EVENT;
	uint64_t seq;
	uint8_t *p = itch_reserve(e, ch, type, now, &seq);

	if (p == NULL)
		return;
	ns = itch_stamp(g, ch, ns);
	if (type == TW_ITCH_MWCB_DECLINE)
		/* The model's index at 3,000.00; levels 7, 13, 20 % down
		 * (the MWCB rule's), 8 decimals. */
		tw_itch_mwcb_decline(p, ns % TW_ITCH_NS_PER_DAY,
			UINT64_C(279000000000), UINT64_C(261000000000),
			UINT64_C(240000000000));
	else
		tw_itch_system_event(p, ns % TW_ITCH_NS_PER_DAY, code);
	itch_sent(e, g, p, seq, ns, ch);
	e->ctr->events++;
}

/* A time after every scheduled channel's last message, not before ns. */
static uint64_t
after_all(const struct tw_emitter *e, const struct tw_itch_gen *g,
		uint64_t ns)
{
	uint16_t i;

	for (i = 0; i < e->sched->nb; i++)
		ns = RTE_MAX(ns, g->ch[e->sched->ch[i]].last_ns + 1);
	return ns;
}

uint64_t
itch_events_all(struct tw_emitter *e, uint64_t now, uint64_t ns,
		const uint8_t *codes, unsigned int n)
{
	struct tw_itch_gen *g = e->proto_state;
	uint64_t t = after_all(e, g, ns);
	unsigned int k;
	uint16_t i;

	for (i = 0; i < e->sched->nb; i++)
		for (k = 0; k < n; k++)
			system_event(e, e->sched->ch[i], now, t + k, codes[k]);
	return t;
}

/*
 * Each channel at 04:00 (or send_ns when timestamps are the send
 * time): O, S, the MWCB decline levels (V), its directories a
 * nanosecond apart; the day's schedule made. Start of Market Hours (Q)
 * comes at 09:30 (tw_itch_day.c).
 */
void
tw_itch_emit_open(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	static const uint8_t codes[] = {
		TW_ITCH_EV_START_MESSAGES, TW_ITCH_EV_START_SYSTEM, 'V',
	};
	struct tw_itch_gen *g = e->proto_state;
	uint64_t t;
	uint16_t i;

	g->t0_ns = send_ns;
	itch_day_plan(e, g);
	t = itch_events_all(e, now, g->p.send_timestamps ? send_ns :
		TW_ITCH_DAY_START, codes, RTE_DIM(codes));
	for (i = 0; i < e->sched->nb; i++) {
		uint16_t ch = e->sched->ch[i];
		uint32_t l;

		for (l = ch; l < g->p.nb_symbols; l += g->p.nb_channels) {
			struct tw_itch_dir_fields f;
			uint64_t seq, ns;
			uint8_t *p;

			if (e->quit != NULL && *e->quit) {
				itch_settle(e, g);
				return;
			}
			p = itch_reserve(e, ch, TW_ITCH_STOCK_DIRECTORY, now,
				&seq);
			if (p == NULL)
				continue;
			ns = itch_stamp(g, ch, t + RTE_DIM(codes));
			itch_dir_fields(g, l, &f);
			tw_itch_directory_fields(p, (uint16_t)(l + 1),
				ns % TW_ITCH_NS_PER_DAY, e->gen->sym[l].ticker,
				&f);
			itch_sent(e, g, p, seq, ns, ch);
			e->ctr->directories++;
		}
	}
	itch_settle(e, g);
}

/*
 * The rest of the day's System Events on every channel after its last
 * message: Q and M if the run ended before them, then E and C, before
 * 20:00 on the session clock.
 */
void
tw_itch_emit_close(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	struct tw_itch_gen *g = e->proto_state;
	uint8_t codes[4];
	unsigned int n = 0;

	if (g->phase < 1)
		codes[n++] = TW_ITCH_EV_START_MARKET;
	if (g->phase < 2)
		codes[n++] = TW_ITCH_EV_END_MARKET;
	codes[n++] = TW_ITCH_EV_END_SYSTEM;
	codes[n++] = TW_ITCH_EV_END_MESSAGES;
	g->phase = 2;
	itch_events_all(e, now, g->p.send_timestamps ? send_ns :
		TW_ITCH_DAY_END - TW_ITCH_HMS(0, 0, 1) / 2, codes, n);
	itch_settle(e, g);
}

/*
 * One tick of channel ch, sent at send_ns: the System Events of 09:30
 * or 16:00 first if the session clock has reached them; then ch's next
 * scheduled message if due, else an NOII in a cross's window, else an
 * order action. One message (a tick) each.
 */
static void
itch_tick(struct tw_emitter *e, struct tw_itch_gen *g, uint16_t ch,
		uint64_t now, uint64_t send_ns)
{
	struct tw_itch_chan *c = &g->ch[ch];
	uint64_t misc, seq, sess, ns, day;
	uint32_t l;
	uint8_t *p;
	double px;

	tw_gen_draw(e->gen, ch, &l, &px, &misc);
	sess = itch_session_ns(g, ch, send_ns);
	itch_day_sync(e, g, now, sess, send_ns);
	c->done++;
	if (itch_day_due(e, g, ch, now, sess, send_ns)) {
		e->ctr->ticks++;
		return;
	}
	ns = itch_stamp(g, ch, g->p.send_timestamps ? send_ns : sess);
	day = g->p.send_timestamps ? sess : ns;
	l = itch_pick(g, ch, l);
	itch_settle_stock(e, g, l);
	if (itch_day_noii(e, g, ch, l, now, day, ns)) {
		e->ctr->ticks++;
		return;
	}
	p = g->phase == 2 && g->p.close_cancel != 0 ?
		itch_close_cancel(e, g, ch, l, sess, now, ns,
		&seq) : NULL;
	if (p == NULL)
		p = itch_order_action(e, g, ch, l, itch_mid(g, l, e->gen->sym[l].price,
		e->gen->p.init_price), misc, now, ns, &seq);
	if (p == NULL)
		return;
	itch_sent(e, g, p, seq, ns, ch);
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
	itch_settle(e, g);
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
	/* Checked whole by tw_itch_file_load: its length is its type's. */
	itch_pend(e, g, p, seq, send_ns, ch);
	tw_itch_count_sent(e->ctr, m, len);
	return 0;
}

void
tw_itch_emit_raw_flush(struct tw_emitter *e)
{
	itch_settle(e, e->proto_state);
}
