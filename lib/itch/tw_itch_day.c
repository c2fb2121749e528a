/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITCH model's day: the session clock and the day's schedule.
 *
 * The clock runs from 04:00 to 20:00 Eastern, in ns since midnight as
 * ITCH's timestamps are. With [itch] day_speed 0 it is the run's count
 * of ticks that makes the day: a channel's k-th tick of N falls where
 * the day's activity profile reaches k / N (a few per cent of the ticks
 * before the open, most in regular hours, a few after the close: the
 * model's choice, docs/protocol.md), so any count gives a whole day.
 * With day_speed S > 0 the send clock does: S session seconds a
 * second from the open's send time, at most to the end of the day.
 *
 * The schedule: at 04:00 each stock's Trading Action ('T'), Reg SHO
 * ('0') and Market Participant Positions (L); System Event Q at 09:30
 * on every channel, then each stock's opening cross (Q, type 'O'); NOII
 * (I) in the five minutes before it and the ten before the close; M at
 * 16:00, then the closing crosses (type 'C'); between them [itch]
 * halts: LULD pauses (H 'P', Reg SHO '1', the collar J, five minutes
 * later the halt cross Q 'H' and H 'T'), every fourth an operational
 * halt (h 'H', then 'T'). A scheduled message takes the place of its
 * channel's next tick when due, so the count of ticks stays the run's.
 *
 * Owns: the session clock, each channel's schedule, the phase (before
 * the open, regular hours, after the close). Never touches: the order
 * actions, the stocks' traits (tw_itch_gen.c, tw_itch_stock.c).
 */
#include <string.h>

#include <rte_common.h>

#include "tw_itch_apply.h"
#include "tw_itch_gen_private.h"

enum {
	EV_TRADING,     /* H 'T' */
	EV_SHO,         /* Y arg */
	EV_MPID,        /* L, the stock's arg-th participant */
	EV_CROSS,       /* Q of cross type arg */
	EV_PAUSE,       /* H 'P' */
	EV_COLLAR,      /* J */
	EV_RESUME,      /* H 'T' after a pause */
	EV_OPHALT,      /* h arg ('H', 'T') */
};

#define EVENTS_PER_STOCK 7      /* H, Y, 3 L, 2 Q */
#define EVENTS_PER_HALT 5
#define PAUSE_NS TW_ITCH_HMS(0, 5, 0)
#define LAST_TICK (TW_ITCH_DAY_END - TW_ITCH_HMS(0, 0, 1))

/* The activity profile: the share of a channel's ticks done by then. */
static const struct {
	uint64_t at;
	double done;
} profile[] = {
	{ TW_ITCH_DAY_START, 0.0 },
	{ TW_ITCH_OPEN_NOII, 0.03 },
	{ TW_ITCH_OPEN_CROSS, 0.05 },
	{ TW_ITCH_CLOSE_NOII, 0.91 },
	{ TW_ITCH_CLOSE_CROSS, 0.95 },
	{ LAST_TICK, 1.0 },
};

size_t
itch_day_memsize(const struct tw_itch_gen_params *p)
{
	return RTE_ALIGN_CEIL(((size_t)p->nb_symbols * EVENTS_PER_STOCK +
		(size_t)p->halts * EVENTS_PER_HALT) *
		sizeof(struct tw_itch_event), 64);
}

uint64_t
itch_session_ns(const struct tw_itch_gen *g, uint16_t ch, uint64_t send_ns)
{
	const struct tw_itch_chan *c = &g->ch[ch];
	double f, speed;
	unsigned int i;

	if (c->day_ticks == 0 || g->p.day_speed > 0) {
		speed = g->p.day_speed > 0 ? g->p.day_speed : 1.0;
		f = send_ns > g->t0_ns ? (double)(send_ns - g->t0_ns) * speed :
			0;
		return TW_ITCH_DAY_START + (uint64_t)RTE_MIN(f,
			(double)(LAST_TICK - TW_ITCH_DAY_START));
	}
	f = (double)c->done / (double)c->day_ticks;
	for (i = 1; i < RTE_DIM(profile) - 1 && f >= profile[i].done; i++)
		;
	f = (f - profile[i - 1].done) / (profile[i].done -
		profile[i - 1].done);
	return profile[i - 1].at + (uint64_t)(RTE_MIN(f, 1.0) *
		(double)(profile[i].at - profile[i - 1].at));
}

uint32_t
itch_noii_chance(const struct tw_itch_gen *g, uint16_t ch)
{
	/* The windows' share of the ticks: the profile's, or their time's
	 * share of the day when the send clock makes it (ch's own count:
	 * a model on another generator lcore has not counted channel 0). */
	double w = g->ch[ch].day_ticks != 0 && !(g->p.day_speed > 0) ?
		(profile[2].done - profile[1].done) +
		(profile[4].done - profile[3].done) :
		(double)(TW_ITCH_OPEN_CROSS - TW_ITCH_OPEN_NOII +
		TW_ITCH_CLOSE_CROSS - TW_ITCH_CLOSE_NOII) /
		(double)(LAST_TICK - TW_ITCH_DAY_START);

	return (uint32_t)RTE_MIN(g->p.mix[TW_ITCH_ACT_NOII] / w,
		(double)TW_ITCH_MIX_TOTAL);
}

static void
add_event(struct tw_itch_gen *g, uint64_t at, uint32_t l, uint8_t kind,
		uint8_t arg)
{
	struct tw_itch_chan *c = &g->ch[l % g->p.nb_channels];
	struct tw_itch_event *ev = g->events + c->ev_first, x = {
		.at = at, .locate = l, .kind = kind, .arg = arg,
	};
	uint32_t i = c->ev_n++;

	/* Insertion, stable: the plan comes nearly sorted. */
	while (i > 0 && ev[i - 1].at > at) {
		ev[i] = ev[i - 1];
		i--;
	}
	ev[i] = x;
}

static uint64_t
hash(uint64_t key, uint32_t i)
{
	uint64_t z = key ^ (i + 1) * UINT64_C(0xd1b54a32d192ed03);

	z = (z ^ (z >> 31)) * UINT64_C(0x7fb5d329728ea185);
	return z ^ (z >> 27);
}

void
itch_day_plan(struct tw_emitter *e, struct tw_itch_gen *g)
{
	const struct tw_itch_gen_params *p = &g->p;
	uint32_t l, i, first = 0, per_ch[TW_GEN_MAX_CHANNELS] = { 0 };
	uint16_t ch;

	for (i = 0; i < e->sched->nb; i++)
		g->ch[e->sched->ch[i]].day_ticks = e->sched->limited ?
			e->sched->left[i] : 0;
	/* Room: each channel's stocks' events and its halts'. */
	for (l = 0; l < p->nb_symbols; l++)
		per_ch[l % p->nb_channels] += EVENTS_PER_STOCK;
	for (i = 0; i < p->halts; i++)
		per_ch[hash(p->hash_key, i) % p->nb_symbols %
			p->nb_channels] += EVENTS_PER_HALT;
	for (ch = 0; ch < p->nb_channels; ch++) {
		g->ch[ch].ev_first = first;
		g->ch[ch].ev_n = g->ch[ch].ev_next = 0;
		first += per_ch[ch];
	}
	for (l = 0; l < p->nb_symbols; l++) {
		const struct tw_itch_stock *s = &g->stock[l];

		add_event(g, TW_ITCH_DAY_START, l, EV_TRADING, 'T');
		add_event(g, TW_ITCH_DAY_START, l, EV_SHO, '0');
		for (i = 0; i < s->nb_mpids; i++)
			add_event(g, TW_ITCH_DAY_START, l, EV_MPID, (uint8_t)i);
		add_event(g, TW_ITCH_OPEN_CROSS, l, EV_CROSS,
			TW_ITCH_CROSS_OPENING);
	}
	/* Halts, evenly over 10:00 to 15:00, none over another's stock. */
	for (i = 0; i < p->halts; i++) {
		uint64_t t = TW_ITCH_HMS(10, 0, 0) + (TW_ITCH_HMS(5, 0, 0) /
			p->halts) * i;

		l = (uint32_t)(hash(p->hash_key, i) % p->nb_symbols);
		if (i % 4 == 3) {
			add_event(g, t, l, EV_OPHALT, 'H');
			add_event(g, t + PAUSE_NS, l, EV_OPHALT, 'T');
			continue;
		}
		add_event(g, t, l, EV_PAUSE, 'P');
		add_event(g, t, l, EV_SHO, '1');
		add_event(g, t, l, EV_COLLAR, 0);
		add_event(g, t + PAUSE_NS, l, EV_CROSS, TW_ITCH_CROSS_HALTED);
		add_event(g, t + PAUSE_NS, l, EV_RESUME, 'T');
	}
	for (l = 0; l < p->nb_symbols; l++)
		add_event(g, TW_ITCH_CLOSE_CROSS, l, EV_CROSS,
			TW_ITCH_CROSS_CLOSING);
}

void
itch_day_sync(struct tw_emitter *e, struct tw_itch_gen *g, uint64_t now,
		uint64_t sess, uint64_t send_ns)
{
	static const uint8_t open[] = { TW_ITCH_EV_START_MARKET };
	static const uint8_t close[] = { TW_ITCH_EV_END_MARKET };
	bool send = g->p.send_timestamps;

	if (g->phase == 0 && sess >= TW_ITCH_OPEN_CROSS) {
		itch_events_all(e, now, send ? send_ns : TW_ITCH_OPEN_CROSS,
			open, 1);
		g->phase = 1;
	}
	if (g->phase == 1 && sess >= TW_ITCH_CLOSE_CROSS) {
		itch_events_all(e, now, send ? send_ns : TW_ITCH_CLOSE_CROSS,
			close, 1);
		g->phase = 2;
	}
}

/* Where a cross, an NOII or a collar is priced: inside the book. */
static uint32_t
ref_price(struct tw_emitter *e, struct tw_itch_gen *g, uint32_t l)
{
	const struct tw_book_level *b = tw_book_best(g->books, l, TW_BOOK_BID);
	const struct tw_book_level *a = tw_book_best(g->books, l, TW_BOOK_ASK);
	uint32_t tick = g->stock[l].tick;

	if (b != NULL && a != NULL)
		return (uint32_t)(((uint64_t)b->price + a->price) / 2 / tick *
			tick);
	if (b != NULL || a != NULL)
		return b != NULL ? b->price : a->price;
	return (uint32_t)(itch_mid(g, l, e->gen->sym[l].price,
		e->gen->p.init_price) * tick);
}

static uint32_t
scaled(uint32_t px, uint32_t tick, unsigned int pct)
{
	return (uint32_t)((uint64_t)px * pct / 100 / tick * tick);
}

bool
itch_day_due(struct tw_emitter *e, struct tw_itch_gen *g, uint16_t ch,
		uint64_t now, uint64_t sess, uint64_t send_ns)
{
	static const uint8_t types[] = {
		[EV_TRADING] = TW_ITCH_TRADING_ACTION,
		[EV_SHO] = TW_ITCH_REG_SHO,
		[EV_MPID] = TW_ITCH_MARKET_PARTICIPANT,
		[EV_CROSS] = TW_ITCH_CROSS_TRADE,
		[EV_PAUSE] = TW_ITCH_TRADING_ACTION,
		[EV_COLLAR] = TW_ITCH_LULD_COLLAR,
		[EV_RESUME] = TW_ITCH_TRADING_ACTION,
		[EV_OPHALT] = TW_ITCH_OPERATIONAL_HALT,
	};
	struct tw_itch_chan *c = &g->ch[ch];
	const struct tw_itch_event *ev;
	struct tw_itch_stock *s;
	uint64_t seq, ts, ns, r, day = g->p.send_timestamps ? sess :
		RTE_MAX(sess, c->last_ns + 1);
	const char *tk;
	uint16_t wl;
	uint32_t px;
	uint8_t *p, type;

	if (c->ev_next == c->ev_n)
		return false;
	ev = &g->events[c->ev_first + c->ev_next];
	/* Nothing of regular hours before the Q, of after them before M. */
	if (ev->at > day || (ev->at >= TW_ITCH_OPEN_CROSS && g->phase < 1) ||
	    (ev->at >= TW_ITCH_CLOSE_CROSS && g->phase < 2))
		return false;
	type = types[ev->kind];
	p = itch_reserve(e, ch, type, now, &seq);
	if (p == NULL)
		return true;
	itch_settle_stock(e, g, ev->locate);
	c->ev_next++;
	/* At its own time: the channel's clock holds while its due
	 * messages go (a cross's Q are one instant, a nanosecond apart). */
	ns = itch_stamp(g, ch, g->p.send_timestamps ? send_ns : ev->at);
	ts = ns % TW_ITCH_NS_PER_DAY;
	s = &g->stock[ev->locate];
	tk = e->gen->sym[ev->locate].ticker;
	wl = (uint16_t)(ev->locate + 1);
	r = itch_rand(c);
	switch (ev->kind) {
	case EV_TRADING:
		tw_itch_trading_action(p, wl, ts, tk, 'T');
		break;
	case EV_SHO:
		tw_itch_reg_sho(p, wl, ts, tk, ev->arg);
		break;
	case EV_MPID:
		tw_itch_participant(p, wl, ts, itch_mpid(s->mpid0 + ev->arg),
			tk, ev->arg == 0);
		break;
	case EV_CROSS:
		px = ref_price(e, g, ev->locate);
		tw_itch_cross_trade(p, wl, ts, 100 * (1 + r % 200), tk, px,
			++c->next_match * g->p.nb_channels + ch, ev->arg);
		break;
	case EV_PAUSE:
		tw_itch_trading_action_reason(p, wl, ts, tk, 'P', "LUDP");
		s->halted = 'P';
		break;
	case EV_COLLAR:
		px = ref_price(e, g, ev->locate);
		tw_itch_luld_collar(p, wl, ts, tk, px, scaled(px, s->tick, 105),
			scaled(px, s->tick, 95), 0);
		break;
	case EV_RESUME:
		tw_itch_trading_action_reason(p, wl, ts, tk, 'T', "LUDP");
		s->halted = 0;
		break;
	default:        /* EV_OPHALT */
		tw_itch_operational_halt(p, wl, ts, tk, ev->arg);
		s->halted = ev->arg == 'H' ? 'h' : 0;
		break;
	}
	itch_sent(e, g, p, seq, ns, ch);
	return true;
}

bool
itch_day_noii(struct tw_emitter *e, struct tw_itch_gen *g, uint16_t ch,
		uint32_t l, uint64_t now, uint64_t day, uint64_t ns)
{
	struct tw_itch_chan *c = &g->ch[ch];
	uint8_t cross, dir, *p;
	uint64_t seq, r, imb;
	uint32_t px;

	if (g->stock[l].halted == 'P')
		cross = TW_ITCH_CROSS_HALTED;
	else if (g->phase == 0 && day >= TW_ITCH_OPEN_NOII &&
		 day < TW_ITCH_OPEN_CROSS)
		cross = TW_ITCH_CROSS_OPENING;
	else if (g->phase == 1 && day >= TW_ITCH_CLOSE_NOII &&
		 day < TW_ITCH_CLOSE_CROSS)
		cross = TW_ITCH_CROSS_CLOSING;
	else
		return false;
	r = itch_rand(c);
	if (r % TW_ITCH_MIX_TOTAL >= itch_noii_chance(g, ch))
		return false;
	p = itch_reserve(e, ch, TW_ITCH_NOII, now, &seq);
	if (p == NULL)
		return true;
	r >>= 16;
	dir = "BSN"[r % 3];
	imb = dir == 'N' ? 0 : 100 * (1 + (r >> 8) % 100);
	px = ref_price(e, g, l);
	tw_itch_noii(p, (uint16_t)(l + 1), ns % TW_ITCH_NS_PER_DAY,
		100 * (1 + (r >> 16) % 500), imb, dir,
		e->gen->sym[l].ticker, px, px, px, cross, 'L');
	itch_sent(e, g, p, seq, ns, ch);
	return true;
}
