/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the ITCH model's units: what tw_itch_gen.c (memory, open,
 * close, the order actions), tw_itch_day.c (the session clock and the
 * day's schedule) and tw_itch_stock.c (each stock's traits) share.
 * Never included outside lib/itch.
 */
#ifndef TW_ITCH_GEN_PRIVATE_H
#define TW_ITCH_GEN_PRIVATE_H

#include "tw_itch.h"
#include "tw_itch_gen.h"

#define TW_ITCH_CENT 100        /* one cent, in ITCH's 4-decimal prices */
#define TW_ITCH_DOLLAR 10000

/* The channel's own random stream (splitmix64). */
static inline uint64_t
itch_rand(struct tw_itch_chan *c)
{
	uint64_t z = (c->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A uniform integer in [0, n). */
static inline uint32_t
itch_below(struct tw_itch_chan *c, uint32_t n)
{
	return (uint32_t)(((itch_rand(c) >> 32) * n) >> 32);
}

/*
 * A message's time on ch: ns, or a nanosecond after the channel's last
 * message when ns is not above it, so that a channel's timestamps rise,
 * one a message (each is an event of its own).
 */
static inline uint64_t
itch_stamp(struct tw_itch_gen *g, uint16_t ch, uint64_t ns)
{
	if (ns <= g->ch[ch].last_ns)
		ns = g->ch[ch].last_ns + 1;
	g->ch[ch].last_ns = ns;
	return ns;
}

/*
 * The tracking number the model gives ch's messages: the channel + 1
 * (the specification's "NASDAQ internal tracking number"; here the
 * matching partition that made the message, never 0).
 */
static inline void
itch_track(uint8_t *m, uint16_t ch)
{
	tw_itch_put16(m + TW_ITCH_OFF_TRACKING, (uint16_t)(ch + 1));
}

/* Room for a message of type on ch: where to write it, or NULL. */
static inline uint8_t *
itch_reserve(struct tw_emitter *e, uint16_t ch, uint8_t type, uint64_t now,
		uint64_t *seq)
{
	return tw_framer_reserve(e->fr, ch, tw_itch_len[type], now, seq);
}

static inline struct tw_itch_model_order *
itch_orders_of(struct tw_itch_gen *g, uint32_t l)
{
	return g->orders + g->stock[l].first;
}

/* tw_itch_gen.c */
/* A message written at seq on ch: tracked, into the truth and the day
 * file if any (a System Event once, from the first channel), once the
 * next one is sent or itch_settle asks (struct tw_itch_pending). */
void itch_sent(struct tw_emitter *e, struct tw_itch_gen *g, uint8_t *m,
		uint64_t seq, uint64_t ns, uint16_t ch);
/* The message pending, into the truth now. */
void itch_settle(struct tw_emitter *e, struct tw_itch_gen *g);
/* Before the model reads stock l's truth (0-based): its message in. */
static inline void
itch_settle_stock(struct tw_emitter *e, struct tw_itch_gen *g, uint32_t l)
{
	if (g->pend.full && g->pend.locate == l + 1)
		itch_settle(e, g);
}
/* A System Event on every scheduled channel at one time, not before
 * ns nor any channel's last message; the time used. */
uint64_t itch_events_all(struct tw_emitter *e, uint64_t now, uint64_t ns,
		const uint8_t *codes, unsigned int n);

/* tw_itch_orders.c: one order action of stock l (mid in its ticks)
 * on ch at ns, by misc's draw; the message to send, or NULL. */
uint8_t *itch_order_action(struct tw_emitter *e, struct tw_itch_gen *g,
		uint16_t ch, uint32_t l, int64_t mid, uint64_t misc,
		uint64_t now, uint64_t ns, uint64_t *seq);

/* After the close: the day's resting orders cancelled, a D a tick by
 * the chance that empties ch's books by the day's end; NULL when this
 * tick is not one. */
uint8_t *itch_close_cancel(struct tw_emitter *e, struct tw_itch_gen *g,
		uint16_t ch, uint32_t l, uint64_t sess, uint64_t now,
		uint64_t ns, uint64_t *seq);

/* tw_itch_stock.c */
size_t itch_stocks_memsize(const struct tw_itch_gen_params *p);
/* Lays out the traits and the Zipf law; the total of the caps. */
uint64_t itch_stocks_init(struct tw_itch_gen *g, void *stock_mem,
		void *cdf_mem);
uint64_t itch_stocks_slots(const struct tw_itch_gen_params *p);
/* The stock a tick of ch goes to, lib/gen having drawn l. */
uint32_t itch_pick(struct tw_itch_gen *g, uint16_t ch, uint32_t l);
/* A size: mostly 100, odd lots, round lots, a tail of large ones. */
uint32_t itch_shares(struct tw_itch_chan *c);
/* The model's set of MPIDs (F, L). */
#define TW_ITCH_MPIDS 8
const char *itch_mpid(unsigned int i);
void itch_dir_fields(const struct tw_itch_gen *g, uint32_t l,
		struct tw_itch_dir_fields *f);
/* Stock l's mid (in its ticks) from lib/gen's price px. */
int64_t itch_mid(const struct tw_itch_gen *g, uint32_t l, double px,
		double init_price);

/* tw_itch_day.c */
size_t itch_day_memsize(const struct tw_itch_gen_params *p);
/* The session clock's time of ch's next tick, sent at send_ns. */
uint64_t itch_session_ns(const struct tw_itch_gen *g, uint16_t ch,
		uint64_t send_ns);
/* Each channel's schedule and count, at the open. */
void itch_day_plan(struct tw_emitter *e, struct tw_itch_gen *g);
/* The System Events of 09:30 and 16:00, once the clock reaches them. */
void itch_day_sync(struct tw_emitter *e, struct tw_itch_gen *g,
		uint64_t now, uint64_t sess, uint64_t send_ns);
/* ch's next scheduled message if due at session time sess (sent at
 * send_ns), stamped at its own time: true if it took the tick. */
bool itch_day_due(struct tw_emitter *e, struct tw_itch_gen *g, uint16_t ch,
		uint64_t now, uint64_t sess, uint64_t send_ns);
/* An NOII of stock l at ts when in a cross's window: true if sent. */
bool itch_day_noii(struct tw_emitter *e, struct tw_itch_gen *g, uint16_t ch,
		uint32_t l, uint64_t now, uint64_t ts, uint64_t ns);
/* In a cross's NOII window: the chance (basis points) a tick is an I. */
uint32_t itch_noii_chance(const struct tw_itch_gen *g, uint16_t ch);
#endif /* TW_ITCH_GEN_PRIVATE_H */
