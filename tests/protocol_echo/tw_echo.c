/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "echo": a message protocol of the tests' own, to show what adding a
 * protocol takes. It is this one file (its messages, its generator ops,
 * its receive message layer composed with the MoldUDP64 transport, its
 * registry line) and its meson.build; the tickwire binary it is linked
 * into (tickwire-echo) is app/tickwire's sources unchanged.
 *
 * Its messages are tickwire's quote and trade, laid out otherwise:
 * little-endian, fields in another order, types 'q' and 't'. Its
 * capabilities are the least a protocol has: no directory, snapshots,
 * tick to trade, replay or second line, and every message in order
 * (TW_RX_HOLD_BACK), so what follows a gap waits for the request
 * server.
 */
#include <string.h>

#include <rte_byteorder.h>

#include "tw_protocol.h"
#include "tw_rx_frame.h"

#define ECHO_QUOTE 'q'
#define ECHO_QUOTE_LEN 37       /* type, locate, 2 prices, 2 sizes, send */
#define ECHO_TRADE 't'
#define ECHO_TRADE_LEN 26       /* type, locate, price, size, side, send */

static inline void
put32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_le_32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
put64(uint8_t *p, uint64_t v)
{
	v = rte_cpu_to_le_64(v);
	memcpy(p, &v, sizeof(v));
}

static inline uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return rte_le_to_cpu_32(v);
}

static inline uint64_t
get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return rte_le_to_cpu_64(v);
}

static void
encode_quote(uint8_t *p, const struct tw_quote *q)
{
	p[0] = ECHO_QUOTE;
	put32(p + 1, q->locate);
	put64(p + 5, (uint64_t)q->bid_px);
	put64(p + 13, (uint64_t)q->ask_px);
	put32(p + 21, q->bid_sz);
	put32(p + 25, q->ask_sz);
	put64(p + 29, q->send_ns);
}

static inline void
decode_quote(const uint8_t *p, struct tw_quote *q)
{
	*q = (struct tw_quote){
		.locate = get32(p + 1),
		.bid_px = (int64_t)get64(p + 5),
		.ask_px = (int64_t)get64(p + 13),
		.bid_sz = get32(p + 21),
		.ask_sz = get32(p + 25),
		.send_ns = get64(p + 29),
	};
}

static void
encode_trade(uint8_t *p, const struct tw_trade *t)
{
	p[0] = ECHO_TRADE;
	put32(p + 1, t->locate);
	put64(p + 5, (uint64_t)t->price);
	put32(p + 13, t->size);
	p[17] = t->side;
	put64(p + 18, t->send_ns);
}

static inline void
decode_trade(const uint8_t *p, struct tw_trade *t)
{
	*t = (struct tw_trade){
		.locate = get32(p + 1),
		.price = (int64_t)get64(p + 5),
		.size = get32(p + 13),
		.side = p[17],
		.send_ns = get64(p + 18),
	};
}

/* ---- generator ops ---- */

/* No directory: a session opens with its first tick. */
static void
echo_open(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	RTE_SET_USED(e);
	RTE_SET_USED(now);
	RTE_SET_USED(send_ns);
}

static void
echo_ticks(struct tw_emitter *e, unsigned int n, uint64_t now,
		uint64_t now_ns, uint64_t first_ns, uint64_t step_ns)
{
	unsigned int i = 0, run, k;
	struct tw_tick t;
	uint16_t ch;

	RTE_SET_USED(now_ns);
	while (i < n && (run = tw_gen_sched_next(e->sched, n - i, &ch)) > 0) {
		for (k = 0; k < run; k++, i++) {
			uint64_t seq;
			uint8_t *p;

			tw_gen_next_on(e->gen, ch, &t);
			if (t.type == TW_MSG_QUOTE) {
				p = tw_framer_reserve(e->fr, ch,
					ECHO_QUOTE_LEN, now, &seq);
				if (p == NULL)
					continue;
				t.quote.send_ns = first_ns + i * step_ns;
				encode_quote(p, &t.quote);
				if (e->truth != NULL)
					tw_cache_update_quote(e->truth,
						&t.quote, seq, 0);
				e->ctr->quotes++;
			} else {
				p = tw_framer_reserve(e->fr, ch,
					ECHO_TRADE_LEN, now, &seq);
				if (p == NULL)
					continue;
				t.trade.send_ns = first_ns + i * step_ns;
				encode_trade(p, &t.trade);
				if (e->truth != NULL)
					tw_cache_update_trade(e->truth,
						&t.trade, seq, 0);
				e->ctr->trades++;
			}
			e->ctr->ticks++;
		}
	}
}

static void
echo_count(struct tw_gen_counters *ctr, const uint8_t *m, uint16_t len)
{
	if (len == ECHO_QUOTE_LEN && m[0] == ECHO_QUOTE) {
		ctr->quotes++;
		ctr->ticks++;
	} else if (len == ECHO_TRADE_LEN && m[0] == ECHO_TRADE) {
		ctr->trades++;
		ctr->ticks++;
	} else {
		ctr->other_msgs++;
	}
}

/* ---- the receive message layer (tw_msg_rx.h states the contract) ---- */

#define TW_RX_LEVEL echo
#define TW_RX_HAVE_FAST_HEADERS 0
#define TW_RX_MSG_LAYER echo
#define TW_RX_HOLD_BACK

static inline uint16_t
lvl_raw_cksum(const void *buf, uint32_t len)
{
	return rte_raw_cksum(buf, len);
}

static __rte_always_inline int
msg_check(const struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint32_t channel)
{
	uint32_t locate;
	int reason;

	if (m[0] == ECHO_QUOTE) {
		if (mlen != ECHO_QUOTE_LEN)
			return TW_DROP_BAD_MSG_LEN;
	} else if (m[0] == ECHO_TRADE) {
		if (mlen != ECHO_TRADE_LEN)
			return TW_DROP_BAD_MSG_LEN;
	} else {
		return TW_DROP_BAD_MSG_TYPE;
	}
	locate = get32(m + 1);
	reason = tw_rx_locate_verdict(ctx, locate, channel);
	if (reason != TW_RX_ACCEPT)
		return reason;
	rte_prefetch0_write(&ctx->cache->entries[locate]);
	return TW_RX_ACCEPT;
}

struct msg_pkt {
	uint32_t quotes;
	uint32_t trades;
};

static __rte_always_inline void
msg_apply(struct tw_rx_ctx *ctx, struct msg_pkt *pk, const uint8_t *m,
		uint16_t mlen, uint64_t seq, uint32_t channel, uint64_t now_ns,
		bool track)
{
	RTE_SET_USED(mlen);
	RTE_SET_USED(channel);
	RTE_SET_USED(track);
	if (m[0] == ECHO_QUOTE) {
		struct tw_quote q;

		decode_quote(m, &q);
		tw_cache_update_quote(ctx->cache, &q, seq, now_ns);
		pk->quotes++;
	} else {
		struct tw_trade t;

		decode_trade(m, &t);
		tw_cache_update_trade(ctx->cache, &t, seq, now_ns);
		pk->trades++;
	}
}

/* Counts, and one latency sample a packet from its last message. */
static __rte_always_inline void
msg_pkt_end(struct tw_rx_ctx *ctx, const struct msg_pkt *pk,
		const uint8_t *m, uint32_t applied, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	uint64_t send_ns;

	ctr->quotes += pk->quotes;
	ctr->trades += pk->trades;
	ctr->msgs += applied;
	if (m == NULL)
		return;
	send_ns = get64(m + (m[0] == ECHO_QUOTE ? 29 : 18));
	tw_rx_lat_sample(ctx, send_ns, 0, now_ns);
}

#include "tw_mold_rx.h"
#include "tw_rx_template.h"

static int
echo_rx_init(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
		struct tw_cache *cache, struct tw_channel_state *channels,
		struct tw_rx_counters *ctr, enum tw_simd simd)
{
	RTE_SET_USED(simd);
	return tw_rx_ctx_init_scalar(ctx, feed, cache, channels, ctr,
		tw_rx_burst_echo);
}

/* ---- the registry ---- */

static const char *const transports[] = { "moldudp64", NULL };

static const struct tw_protocol protocol_echo = {
	.name = "echo",
	.transports = transports,
	.caps = {
		.in_order = true,
		.max_symbols = UINT32_MAX,
	},
	.gen_open = echo_open,
	.gen_ticks = echo_ticks,
	.gen_count = echo_count,
	.rx_init = echo_rx_init,
};

TW_PROTOCOL_REGISTER(protocol_echo);
