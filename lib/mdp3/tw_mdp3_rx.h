/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ====================================================================
 * Layer 2 of the receive path for CME MDP 3.0's transport: the 12-byte
 * packet header (MsgSeqNum, SendingTime), its messages delimited by
 * their MsgSize (2 bytes, little-endian, counting itself), a sequence
 * number per packet (not per message) and no session. Composed at
 * compile time like lib/moldudp64/tw_mold_rx.h, with the same contract
 * (TW_RX_XPORT_HDR_LEN, xport_hdr_check, xport_datagram); a message
 * layer sees each message from its SBE header on (m, MsgSize - 2).
 *
 * What it does: owner check; every message inside the packet and
 * accepted by the message layer, or the packet changes nothing; the
 * channel's sequence by packet (tw_channel_admit with a count of one:
 * a jump is a gap of that many packets, an old one a duplicate); two
 * lines arbitrated by it; then each message applied at the packet's
 * sequence number. Recovery is the message layer's (per instrument,
 * from the snapshot loop): the transport tells it of a channel's first
 * packet (at sequence 1, or a late join: a channel never heard takes
 * its first packet's sequence however far ahead, and until another
 * packet continues it one more than max_gap behind it is the join
 * instead, so a lone packet from the future cannot hold the channel)
 * and of packets missing (with
 * two lines, waited for on the other, whose late copy it hands over
 * rather than dropping it as old), and hands it the loops' packets
 * (view->loop, set by the L2-L4 layer from the group) whole, checked
 * the same way, with no sequence of their own kept (a loop starts
 * again at 1 each cycle).
 *
 * The message layer's contract (tw_msg_rx.h's) plus:
 *   msg_pkt_time(pk, sending_time)    the packet's SendingTime
 *   msg_first(ctx, ch, before, seq, now_ns)
 *                                     the channel's first packet, at
 *                                     seq (> before: a late join)
 *   msg_lost(ctx, ch, before, seq, now_ns)
 *                                     packets [before, seq) missing
 *                                     (on both lines, or waited for)
 *   msg_gaps_expire(ctx, ch, line, seq, now_ns)
 *                                     two lines: packet seq came on
 *                                     line (2: a loop's); missing ones
 *                                     both lines went past are lost
 *   msg_missing(ctx, ch, seq)         two lines: seq is waited for
 *   msg_fill(ctx, b, len, seq, ch, now_ns)
 *                                     its copy's messages (checked)
 *   msg_loop_wanted(ctx, v)           a loop packet is worth checking
 *   msg_loop_apply(ctx, m, mlen, loop, ch, expected, now_ns)
 *                                     one message of a checked loop
 *                                     packet (expected: the feed's next
 *                                     sequence, 0 if never heard)
 * Owns: the packet's framing and sequence. Never touches: Ethernet/IP/
 * UDP, what a message means.
 * ====================================================================
 */
#ifndef TW_MDP3_RX_H
#define TW_MDP3_RX_H

#include "tw_mdp3.h"
#include "tw_rx_frame.h"

#ifndef TW_RX_MSG_LAYER
#error "include the message layer (msg_check, msg_apply) before tw_mdp3_rx.h"
#endif
#ifdef TW_RX_HOLD_BACK
#error "MDP 3.0's transport has no hold-back: its books recover from the snapshot loop"
#endif

#define TW_RX_XPORT_HDR_LEN TW_MDP3_PKT_HDR_LEN

static __rte_always_inline int
xport_hdr_check(const struct tw_rx_ctx *ctx, struct tw_rx_view *v,
		bool checked)
{
	RTE_SET_USED(ctx);
	if (!checked && unlikely(v->payload_len < TW_MDP3_PKT_HDR_LEN))
		return TW_DROP_BAD_XPORT_HDR;
	v->mold = NULL;
	v->blocks = v->payload + TW_MDP3_PKT_HDR_LEN;
	v->blocks_len = v->payload_len - TW_MDP3_PKT_HDR_LEN;
	return TW_RX_ACCEPT;
}

/*
 * Every message inside the packet (MsgSize at least the message header,
 * within what is left) and accepted by the message layer; their count
 * in *count. A drop reason, or TW_RX_ACCEPT.
 */
static __rte_always_inline int
mdp3_check(const struct tw_rx_ctx *ctx, const uint8_t *b, uint32_t len,
		uint32_t channel, uint32_t *count)
{
	uint32_t off = 0, n = 0;

	while (off < len) {
		uint16_t size;
		int reason;

		if (unlikely(len - off < 2))
			return TW_DROP_BAD_MSG_LEN;
		size = tw_mdp3_u16(b + off);
		if (unlikely(size < TW_MDP3_MSG_HDR_LEN || size > len - off))
			return TW_DROP_BAD_MSG_LEN;
		reason = msg_check(ctx, b + off + 2, (uint16_t)(size - 2),
			channel);
		if (unlikely(reason != TW_RX_ACCEPT))
			return reason;
		off += size;
		n++;
	}
	*count = n;
	return TW_RX_ACCEPT;
}

/* A checked loop packet (snapshot or definition), every message. */
static inline void
mdp3_loop(struct tw_rx_ctx *ctx, const struct tw_rx_view *v, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	const struct tw_channel_state *ch = &ctx->channels[v->channel];
	const uint8_t *b = v->blocks;
	uint32_t count = 0, off;
	int reason;

	if (unlikely(ctx->feed->lines == 2))
		msg_gaps_expire(ctx, v->channel, 2, 0, now_ns);
	if (!msg_loop_wanted(ctx, v)) {
		ctr->mdp3_loop_idle++;
		return;
	}
	reason = mdp3_check(ctx, b, v->blocks_len, v->channel, &count);
	if (unlikely(reason != TW_RX_ACCEPT)) {
		ctr->drops[reason]++;
		return;
	}
	ctr->pkts_accepted++;
	ctr->mdp3_loop_pkts++;
	for (off = 0; off < v->blocks_len; ) {
		uint16_t size = tw_mdp3_u16(b + off);

		msg_loop_apply(ctx, b + off + 2, (uint16_t)(size - 2), v->loop,
			v->channel, ch->last_rx_ns != 0 ? ch->expected : 0,
			now_ns);
		off += size;
	}
}

static inline void
xport_datagram(struct tw_rx_ctx *ctx, const struct tw_rx_view *v,
		uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	struct tw_channel_state *ch = &ctx->channels[v->channel];
	struct msg_pkt pk = { 0 };
	const uint8_t *b = v->blocks, *m = NULL;
	uint32_t count = 0, skip, off;
	enum tw_admit verdict;
	uint64_t seq, before;
	int reason;

	if (unlikely(!tw_rx_owns(ctx, v->channel))) {
		ctr->drops[TW_DROP_NOT_OWNER]++;
		return;
	}
	if (unlikely(v->retrans || v->snapshot)) {
		/* Nobody answers requests on MDP 3.0. */
		ctr->drops[TW_DROP_NOT_SUBSCRIBED]++;
		return;
	}
	if (unlikely(v->loop != TW_RX_LOOP_NONE)) {
		mdp3_loop(ctx, v, now_ns);
		return;
	}
	reason = mdp3_check(ctx, b, v->blocks_len, v->channel, &count);
	if (unlikely(reason != TW_RX_ACCEPT)) {
		ctr->drops[reason]++;
		return;
	}
	seq = tw_mdp3_u32(v->payload + TW_MDP3_PKT_OFF_SEQ);
	if (unlikely(ctx->feed->lines == 2)) {
		ctr->line_pkts[v->line]++;
		msg_gaps_expire(ctx, v->channel, v->line, seq, now_ns);
		if (unlikely(seq < ch->expected) &&
		    msg_missing(ctx, v->channel, seq)) {
			/* The other line's copy of one missing on the
			 * first: applied now, the books sort it out. */
			tw_rx_line_frame(ctx, ch, v->line, seq, true, now_ns);
			ctr->pkts_accepted++;
			ch->last_rx_ns = now_ns;
			msg_fill(ctx, b, v->blocks_len, seq, v->channel,
				now_ns);
			return;
		}
	}
	before = ch->expected;
	if (unlikely(ch->last_rx_ns == 0) && seq > before) {
		/* A channel never heard joins where the feed is (its
		 * instruments come back from the loops): its first packet
		 * is taken, however far ahead, until the next shows it
		 * was not the feed's. */
		ch->expected = seq;
		ch->join_seq = seq;
	} else if (unlikely(ch->join_seq != 0) && seq != 0 &&
		   seq < ch->join_seq &&
		   ch->join_seq - seq > ctx->feed->max_gap) {
		/* Far behind the join's packet, which nothing continued:
		 * the join was not the feed's; this packet is. */
		ch->ctr.msgs_before_join -= ch->join_seq - seq;
		ch->expected = seq;
		ch->join_seq = seq;
		before = seq;
	}
	verdict = tw_channel_admit(ch, seq, 1, ctx->feed->max_gap, &skip);
	if (unlikely(ch->join_seq != 0) && verdict == TW_ADMIT_OK &&
	    seq > ch->join_seq)
		ch->join_seq = 0;       /* continued: the join holds */
	if (unlikely(ctx->feed->lines == 2) &&
	    (verdict == TW_ADMIT_OK || verdict == TW_ADMIT_DUPLICATE)) {
		tw_rx_line_frame(ctx, ch, v->line, seq, verdict == TW_ADMIT_OK,
			now_ns);
		if (verdict == TW_ADMIT_DUPLICATE)
			return;
	}
	if (unlikely(verdict != TW_ADMIT_OK)) {
		ctr->drops[tw_rx_admit_drop(verdict)]++;
		return;
	}
	if (unlikely(ch->last_rx_ns == 0)) {
		if (seq > before) {
			/* Joined late: what went before is not a loss. */
			ch->ctr.late_joins++;
			ch->ctr.msgs_before_join += seq - before;
		}
		msg_first(ctx, v->channel, before, seq, now_ns);
	} else if (unlikely(seq > before)) {
		/* Lost on every line: the message layer recovers. */
		msg_lost(ctx, v->channel, before, seq, now_ns);
	}
	ctr->pkts_accepted++;
	ch->last_rx_ns = now_ns;
	msg_pkt_time(&pk, tw_mdp3_u64(v->payload + TW_MDP3_PKT_OFF_TIME));
	for (off = 0; off < v->blocks_len; ) {
		uint16_t size = tw_mdp3_u16(b + off);

		m = b + off + 2;
		msg_apply(ctx, &pk, m, (uint16_t)(size - 2), seq, v->channel,
			now_ns, false);
		off += size;
	}
	msg_pkt_end(ctx, &pk, m, count, now_ns);
}

#endif /* TW_MDP3_RX_H */
