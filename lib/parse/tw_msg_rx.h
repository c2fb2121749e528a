/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ====================================================================
 * Layer 3 of the receive path, tickwire's own messages (directory,
 * quote, trade): what one message is checked for and how it is applied
 * to the symbol cache. Public, header-only: a level's source includes
 * it, then its transport layer, then the composer (tw_rx_template.h),
 * so a frame is still walked once, at the level's speed.
 *
 * The message-layer contract every message protocol keeps (lib/itch's
 * tw_itch_rx.c keeps it for ITCH 5.0, tests/unit/test_layers.c for a
 * protocol of its own):
 *
 *   TW_RX_MSG_LAYER             defined: a message layer is present
 *   TW_RX_HOLD_BACK             defined when nothing may apply past a
 *                               gap (an order-level feed)
 *   struct msg_pkt              what one packet's apply accumulates
 *   msg_check(ctx, m, mlen, ch) one message of a frame still being
 *                               checked: TW_RX_ACCEPT or a drop reason;
 *                               may prefetch what the apply will touch
 *   msg_apply(ctx, pk, m, mlen, seq, ch, now_ns, track)
 *                               one checked message, at sequence seq
 *   msg_pkt_end(ctx, pk, last, applied, now_ns)
 *                               the packet's counts and latency sample
 *                               (last: its last message, or NULL)
 *   msg_merge(ctx, m, mlen, seq, now_ns)
 *                               without TW_RX_HOLD_BACK only: one
 *                               message behind a gap (a fill), merged
 *                               against newer state
 *
 * Owns: message sizes and types, locate and channel rules, the cache
 * writes, tick-to-trade requests, the per-packet latency sample.
 * Never touches: headers below the messages, sequences, sessions, gaps
 * (the transport's), nor how the messages are delimited in a packet.
 * Needs from the level: lvl_quote_fields(e, m).
 * ====================================================================
 */
#ifndef TW_MSG_RX_H
#define TW_MSG_RX_H

#include "tw_rx_frame.h"

#define TW_RX_MSG_LAYER tickwire

/*
 * One message: a known type of its size, with a locate inside the
 * cache that belongs to this channel (locate % n); a directory message
 * must also keep the directory's rules. Prefetches the cache line it
 * will write, so the apply pass finds it in flight.
 */
static __rte_always_inline int
msg_check(const struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint32_t channel)
{
	const struct tw_cache *cache = ctx->cache;
	uint16_t want = tw_rx_msg_len[m[0]];
	uint32_t locate;
	int reason;

	if (unlikely(want == 0))
		return TW_DROP_BAD_MSG_TYPE;
	if (unlikely(mlen != want))
		return TW_DROP_BAD_MSG_LEN;
	locate = tw_msg_locate(m);
	reason = tw_rx_locate_verdict(ctx, locate, channel);
	if (unlikely(reason != TW_RX_ACCEPT))
		return reason;
	if (unlikely(m[0] == TW_MSG_DIRECTORY)) {
		reason = tw_rx_check_directory(cache, m);
		if (reason != TW_RX_ACCEPT)
			return reason;
	}
	rte_prefetch0_write(&cache->entries[locate]);
	return TW_RX_ACCEPT;
}

/*
 * An order goes back to the quote's source only if that is one host: a
 * unicast MAC (not group, not zero) and a unicast IPv4 address (not 0,
 * not a class D or E address, not loopback, not the broadcast).
 */
static inline bool
reply_source_ok(const uint8_t *mac, uint32_t ip)
{
	static const uint8_t zero[RTE_ETHER_ADDR_LEN];

	if ((mac[0] & 1) != 0 || memcmp(mac, zero, RTE_ETHER_ADDR_LEN) == 0)
		return false;
	return ip != 0 && (ip >> 28) < 0xe && (ip >> 24) != 127;
}

/* A quote asking for an order: noted for the caller to answer. */
static inline void
want_reply(struct tw_rx_ctx *ctx, const uint8_t *m, uint32_t channel,
		uint64_t seq)
{
	const uint8_t *f = ctx->cur_frame;
	struct tw_order_reply *r;
	uint32_t src_ip;

	if (ctx->replies == NULL || f == NULL)
		return;
	if (ctx->nb_replies >= ctx->reply_cap) {
		ctx->ctr->orders_dropped++;
		return;
	}
	src_ip = rte_be_to_cpu_32(((const struct rte_ipv4_hdr *)
		(f + ctx->feed->l2_len))->src_addr);
	if (!reply_source_ok(f + RTE_ETHER_ADDR_LEN, src_ip)) {
		ctx->ctr->orders_refused++;
		return;
	}
	r = &ctx->replies[ctx->nb_replies++];
	r->order = (struct tw_order){
		.reply_id = m[1],
		.channel = (uint16_t)channel,
		.locate = tw_msg_locate(m),
		.seq = seq,
		.send_ns = tw_msg_send_ns(m),
	};
	memcpy(&r->src_mac, f + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	r->src_ip = src_ip;
}

/* Counted once per packet: the cache stores may alias the counters. */
struct msg_pkt {
	uint32_t quotes;
	uint32_t trades;
	uint32_t refused;
};

/*
 * One checked message at seq. track: the channel has open gaps, so each
 * quote's and trade's sequence goes to the side table too (see
 * tw_rx_side).
 */
static __rte_always_inline void
msg_apply(struct tw_rx_ctx *ctx, struct msg_pkt *pk, const uint8_t *m,
		uint16_t mlen, uint64_t seq, uint32_t channel, uint64_t now_ns,
		bool track)
{
	struct tw_cache *cache = ctx->cache;
	struct tw_cache_entry *e;

	RTE_SET_USED(mlen);
	switch (m[0]) {
	case TW_MSG_QUOTE:
		e = &cache->entries[tw_msg_locate(m)];
		rte_seqcount_write_begin(&e->sc);
		lvl_quote_fields(e, m);
		e->last_seq = seq;
		e->last_update_ns = now_ns;
		rte_seqcount_write_end(&e->sc);
		if (track)
			ctx->side[tw_msg_locate(m)].quote_seq = seq;
		pk->quotes++;
		if (unlikely(m[1] != 0))
			want_reply(ctx, m, channel, seq);
		break;
	case TW_MSG_TRADE: {
		struct tw_trade t;

		tw_decode_trade(m, &t);
		tw_cache_update_trade(cache, &t, seq, now_ns);
		if (track)
			ctx->side[t.locate].trade_seq = seq;
		pk->trades++;
		break;
	}
	default: {
		struct tw_directory d;
		int rc;

		tw_decode_directory(m, &d);
		/* Checked; one that conflicts with another of this same
		 * packet (a rename, a ticker taken), or a full probe
		 * sequence, is refused here: counted under its reason and
		 * not as applied. */
		rc = tw_cache_set_directory(cache, &d);
		if (likely(rc == 0)) {
			ctx->ctr->directories++;
		} else {
			ctx->ctr->drops[tw_rx_directory_reason(rc)]++;
			pk->refused++;
		}
		break;
	}
	}
}

/*
 * The packet's counts, and one latency sample per packet, from its last
 * message if that is a tick (its send time is in the message).
 */
static __rte_always_inline void
msg_pkt_end(struct tw_rx_ctx *ctx, const struct msg_pkt *pk,
		const uint8_t *m, uint32_t applied, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;

	ctr->quotes += pk->quotes;
	ctr->trades += pk->trades;
	ctr->msgs += applied - pk->refused;
	if (m == NULL || m[0] == TW_MSG_DIRECTORY)
		return;
	tw_rx_lat_sample(ctx, tw_msg_send_ns(m), tw_msg_late(m), now_ns);
}

/*
 * One message behind a gap at sequence s (a fill: a retransmission or a
 * late copy), merged with newer state: a field a later message already
 * set stays (the side table says which sequence set it).
 */
static inline void
msg_merge(struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint64_t s, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	struct tw_rx_side *side;
	struct tw_quote q;
	struct tw_trade t;
	struct tw_directory d;

	RTE_SET_USED(mlen);
	switch (m[0]) {
	case TW_MSG_QUOTE:
		tw_decode_quote(m, &q);
		side = &ctx->side[q.locate];
		tw_cache_merge_quote(ctx->cache, &q, s, side->quote_seq > s,
			now_ns);
		if (side->quote_seq < s)
			side->quote_seq = s;
		ctr->quotes++;
		break;
	case TW_MSG_TRADE:
		tw_decode_trade(m, &t);
		side = &ctx->side[t.locate];
		tw_cache_merge_trade(ctx->cache, &t, s, side->trade_seq > s,
			now_ns);
		if (side->trade_seq < s)
			side->trade_seq = s;
		ctr->trades++;
		break;
	default:
		tw_decode_directory(m, &d);
		if (tw_cache_set_directory(ctx->cache, &d) == 0)
			ctr->directories++;
		else
			ctr->drops[TW_DROP_DIR_REMAP]++;
		break;
	}
	ctr->msgs++;
}

#endif /* TW_MSG_RX_H */
