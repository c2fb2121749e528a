/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ====================================================================
 * Layer 2 of the receive path, the MoldUDP64 transport: a datagram's
 * header (session, sequence number, message count) and the message
 * blocks it delimits (a 2-byte length before each), the channel's
 * sessions and sequence, its gaps and their recovery (re-request and
 * snapshots, through tw_rx_frame.h's client), A/B arbitration, and
 * hold-back for message layers that need every message in order.
 * Public, header-only, composed at compile time: a level's source
 * includes its message layer (which defines TW_RX_MSG_LAYER), this,
 * then tw_rx_template.h.
 *
 * The transport-layer contract the composer uses (a new transport
 * keeps the same one in its own folder):
 *
 *   TW_RX_XPORT_HDR_LEN         least bytes of its header in a datagram
 *                               (the fast header path checks this many)
 *   xport_hdr_check(ctx, v, checked)
 *                               fill the view's transport fields from
 *                               v->payload; unless checked (the fast
 *                               path's template held its fixed bytes),
 *                               check them: TW_RX_ACCEPT or a reason
 *   xport_datagram(ctx, v, now_ns)
 *                               everything after the headers
 *
 * Owns: what MoldUDP64 says (tw_proto.h's TW_MOLD_*), the walk over a
 * packet's messages, the channel state machine.
 * Never touches: Ethernet, IP and UDP (layer 1, tw_rx_net.h), what a
 * message means (layer 3: msg_check, msg_apply, msg_pkt_end).
 * ====================================================================
 */
#ifndef TW_MOLD_RX_H
#define TW_MOLD_RX_H

#include "tw_rx_frame.h"

#ifndef TW_RX_MSG_LAYER
#error "include the message layer (msg_check, msg_apply) before tw_mold_rx.h"
#endif

#define TW_RX_XPORT_HDR_LEN TW_MOLD_HDR_LEN

static __rte_always_inline int
xport_hdr_check(const struct tw_rx_ctx *ctx, struct tw_rx_view *v,
		bool checked)
{
	if (!checked) {
		if (unlikely(v->payload_len < TW_MOLD_HDR_LEN))
			return TW_DROP_BAD_MOLD_HDR;
		if (unlikely(!ctx->feed->session_any &&
			     memcmp(((const struct tw_mold_hdr *)
				     v->payload)->session, ctx->feed->session,
				    TW_MOLD_SESSION_LEN) != 0))
			return TW_DROP_BAD_SESSION;
	}
	v->mold = (const struct tw_mold_hdr *)v->payload;
	v->blocks = v->payload + TW_MOLD_HDR_LEN;
	v->blocks_len = v->payload_len - TW_MOLD_HDR_LEN;
	return TW_RX_ACCEPT;
}

/*
 * Every message block of the datagram: its length inside the datagram,
 * not zero, and the blocks filling it exactly; each message checked by
 * the message layer. A frame is all or nothing: one bad message and
 * none applies.
 */
static __rte_always_inline int
mold_check(const struct tw_rx_ctx *ctx, const uint8_t *b, uint32_t len,
		uint32_t count, uint32_t channel)
{
	uint32_t off = 0, i;

	for (i = 0; i < count; i++) {
		uint16_t mlen;
		int reason;

		if (unlikely(off + TW_MOLD_BLOCK_HDR_LEN > len))
			return TW_DROP_BAD_MSG_LEN;
		mlen = tw_be16_load(b + off);
		off += TW_MOLD_BLOCK_HDR_LEN;
		if (unlikely(mlen == 0 || off + mlen > len))
			return TW_DROP_BAD_MSG_LEN;
		reason = msg_check(ctx, b + off, mlen, channel);
		if (unlikely(reason != TW_RX_ACCEPT))
			return reason;
		off += mlen;
	}
	if (unlikely(off != len))
		return TW_DROP_BAD_MSG_LEN;
	return TW_RX_ACCEPT;
}

/*
 * Apply blocks [skip, count) of a checked datagram of channel, first
 * sequence seq; track: the channel has open gaps (see msg_apply).
 */
static __rte_always_inline void
mold_apply(struct tw_rx_ctx *ctx, const uint8_t *b, uint32_t count,
		uint32_t skip, uint64_t seq, uint32_t channel, uint64_t now_ns,
		bool track)
{
	struct msg_pkt pk = { 0 };
	const uint8_t *m = NULL;
	uint32_t i;

	for (i = 0; i < count; i++) {
		uint16_t mlen = tw_be16_load(b);

		m = b + TW_MOLD_BLOCK_HDR_LEN;
		b = m + mlen;
		if (i < skip)
			continue;
		msg_apply(ctx, &pk, m, mlen, seq + i, channel, now_ns, track);
	}
	msg_pkt_end(ctx, &pk, m, count - skip, now_ns);
}

/* The channel's session, jumps, fills and hold-back. */
#include "tw_mold_rx_channel.h"

/*
 * A datagram of a channel, its headers checked: the MoldUDP64 verdict
 * (session, sequence, count, message boundaries), the channel's
 * sequencer (gaps, A/B arbitration, hold-back, the recovery client's
 * entry points) and, for what is taken, the message layer's apply.
 */
static inline void
xport_datagram(struct tw_rx_ctx *ctx, const struct tw_rx_view *v,
		uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	struct tw_channel_state *ch;
	enum tw_admit verdict;
	uint64_t seq, before;
	uint32_t count, skip;
	int reason;

	count = rte_be_to_cpu_16(v->mold->count);
	seq = rte_be_to_cpu_64(v->mold->seq);
	ch = &ctx->channels[v->channel];

	if (unlikely(!tw_rx_owns(ctx, v->channel))) {
		ctr->drops[TW_DROP_NOT_OWNER]++;
		return;
	}
#ifdef TW_RX_HOLD_BACK
	if (unlikely(v->snapshot)) {
		ctr->drops[TW_DROP_NOT_SUBSCRIBED]++;
		return;
	}
#endif
	if (unlikely(v->snapshot)) {
		/* A channel's state, not sequenced messages. */
		if (!same_session(ctx, ch, v->mold)) {
			ctr->drops[TW_DROP_BAD_SESSION]++;
			return;
		}
		tw_rx_snapshot(ctx, v, seq, count, now_ns);
		return;
	}
	/* The frame's own content first: a malformed frame changes nothing,
	 * not even the channel's session. */
	if (unlikely(count == TW_MOLD_COUNT_END_OF_SESSION ||
		     count == TW_MOLD_COUNT_HEARTBEAT))
		reason = v->blocks_len == 0 ? TW_RX_ACCEPT :
			TW_DROP_BAD_MSG_LEN;
	else
		reason = mold_check(ctx, v->blocks, v->blocks_len, count,
			v->channel);
	if (unlikely(reason != TW_RX_ACCEPT)) {
		ctr->drops[reason]++;
		return;
	}
	if (unlikely(v->retrans)) {
		/* From the channel's server: it fills, it never leads. */
		if (count == TW_MOLD_COUNT_END_OF_SESSION ||
		    count == TW_MOLD_COUNT_HEARTBEAT)
			reason = TW_DROP_DUPLICATE;
		else if (ctx->feed->session_any && (!ch->has_session ||
			 memcmp(ch->session, v->mold->session,
				TW_MOLD_SESSION_LEN) != 0))
			reason = TW_DROP_BAD_SESSION;
		else if (seq == 0 || seq > TW_SEQ_MAX)
			reason = TW_DROP_BAD_SEQ;
		if (reason != TW_RX_ACCEPT) {
			ctr->drops[reason]++;
			return;
		}
#ifdef TW_RX_HOLD_BACK
		/* In order it applies; behind, the admission below counts
		 * it seen; ahead (a reply frame before it was lost), the
		 * gap asks for it again. Counted taken only in order. */
		if (seq > ch->expected || ch->ended ||
		    !same_session(ctx, ch, v->mold)) {
			ctr->held_msgs += count;
			return;
		}
		if (seq == ch->expected)
			ctr->retrans_pkts++;    /* in order: taken below */
#else
		/* Right where the channel is and missing there (the tail it
		 * asked for): in order, as any frame; otherwise a fill, which
		 * takes only what is missing (none asked for: unasked). */
		if (seq != ch->expected || ch->ended ||
		    !same_session(ctx, ch, v->mold) ||
		    tw_gaps_find(ch, seq) < 0) {
			uint64_t taken = ctr->pkts_accepted;

			mold_fill(ctx, v, seq, count, now_ns);
			/* Counted taken only when it was: an unasked fill, or
			 * one that brought nothing missing, is a drop. */
			ctr->retrans_pkts += ctr->pkts_accepted - taken;
			return;
		}
		ctr->retrans_pkts++;    /* in order: taken below */
#endif
	}
	if (unlikely(ctx->feed->lines == 2))
		ctr->line_pkts[v->line]++;
	/* The end of session again (the other line's copy, or the
	 * generator repeating it, as MoldUDP64 servers do): nothing new. */
	if (unlikely(count == TW_MOLD_COUNT_END_OF_SESSION) &&
	    (ch->ended || ch->end_pending == seq) && seq == ch->expected &&
	    same_session(ctx, ch, v->mold)) {
		if (ctx->feed->lines == 2)
			ctr->line_dups[v->line]++;
		else
			ctr->end_repeats++;
		return;
	}
	if (likely(!v->retrans))
		reason = rx_session(ctx, ch, v->mold, seq, now_ns);
	if (unlikely(reason != TW_RX_ACCEPT)) {
		ctr->drops[reason]++;
		return;
	}
	if (unlikely(count == TW_MOLD_COUNT_END_OF_SESSION ||
		     count == TW_MOLD_COUNT_HEARTBEAT)) {
		if (count == TW_MOLD_COUNT_END_OF_SESSION) {
			/* Only where the sequence is: a forged or early end
			 * cannot end the channel. */
			if (unlikely(ch->last_rx_ns == 0) &&
			    ch->expected == TW_MOLD_FIRST_SEQ &&
			    seq > ch->expected && seq <= TW_SEQ_MAX &&
			    ctx->side != NULL) {
				/* Joined after the end: the state is all
				 * there is; the end waits for it. */
				tw_rx_late_join(ctx, v->channel,
					seq - ch->expected, now_ns);
				ch->expected = seq;
				ch->last_rx_ns = now_ns;
				ch->end_pending = seq;
				tw_rx_end_if_complete(ctx, ch);
				ctr->pkts_accepted++;
				return;
			}
			if (seq != ch->expected) {
				ctr->drops[TW_DROP_BAD_END]++;
				/* A little ahead it may show a lost tail: ask
				 * for it; the end is sent again. */
				if (ctx->side != NULL && seq > ch->expected &&
				    seq - ch->expected <= ctx->feed->max_gap)
					tw_rx_tail_gap(ctx, v->channel, seq,
						now_ns);
				return;
			}
			ctr->pkts_accepted++;
			ch->last_rx_ns = now_ns;
			ch->ahead_next = 0;
			if (unlikely(ch->nb_gaps != 0)) {
				/* Tails asked for past the end were not. */
				tw_rx_gaps_from(ctx, v->channel, seq);
				if (ch->nb_gaps != 0) {
					ch->end_pending = seq;
					return;
				}
			}
			ctr->end_of_session++;
			__atomic_store_n(&ch->ended, 1, __ATOMIC_RELEASE);
			return;
		}
		before = ch->expected;
#ifdef TW_RX_HOLD_BACK
		if (seq > before && ctx->side != NULL &&
		    (seq - before <= ctx->feed->max_gap ||
		     seq == ch->ahead_next)) {
			/* Messages before it are missing: asked for. */
			rx_hold_back(ctx, ch, v->channel, before, seq, now_ns);
			ctr->pkts_accepted++;
			ctr->heartbeats++;
			return;
		}
#endif
		verdict = tw_channel_admit(ch, seq, 0, ctx->feed->max_gap,
			&skip);
		if (unlikely(verdict != TW_ADMIT_OK)) {
			ctr->drops[tw_rx_admit_drop(verdict)]++;
			return;
		}
		if (unlikely(seq > before) && ctx->side != NULL)
			rx_jumped(ctx, ch, v->channel, before, seq, now_ns);
		ctr->pkts_accepted++;
		ch->last_rx_ns = now_ns;
		ctr->heartbeats++;
		return;
	}
	before = ch->expected;
#ifdef TW_RX_HOLD_BACK
	if (unlikely(seq > before) && ctx->side != NULL &&
	    (seq - before <= ctx->feed->max_gap || seq == ch->ahead_next)) {
		/* Past a gap: held back until the gap is filled (far ahead
		 * only once a second frame continues the first, as
		 * tw_channel_admit takes a jump). */
		rx_hold_back(ctx, ch, v->channel, before, seq + count, now_ns);
		ctr->held_msgs += count;
		ctr->pkts_accepted++;
		return;
	}
#else
	if (unlikely(ch->nb_gaps != 0) && seq + count <= before &&
	    seq != 0) {
		/* Behind, while gaps are open: a late copy may fill one. */
		ch->last_rx_ns = now_ns;
		mold_fill(ctx, v, seq, count, now_ns);
		return;
	}
#endif
	verdict = tw_channel_admit(ch, seq, count, ctx->feed->max_gap, &skip);
	if (unlikely(ctx->feed->lines == 2) &&
	    (verdict == TW_ADMIT_OK || verdict == TW_ADMIT_DUPLICATE)) {
		/* Arbitration: first copy applies, second is counted. */
		tw_rx_line_frame(ctx, ch, v->line, seq,
			verdict == TW_ADMIT_OK, now_ns);
		if (verdict == TW_ADMIT_DUPLICATE)
			return;
	}
	if (unlikely(verdict != TW_ADMIT_OK)) {
		ctr->drops[tw_rx_admit_drop(verdict)]++;
		return;
	}
	if (unlikely(ch->nb_gaps != 0))
		/* Tails asked for that this frame brings in order. */
		tw_rx_gaps_passed(ctx, v->channel, before, now_ns);
	if (unlikely(seq > before) && ctx->side != NULL)
		rx_jumped(ctx, ch, v->channel, before, seq, now_ns);
	/* Data past a waiting end of session: that end was no end. */
	if (unlikely(ch->end_pending != 0) && seq >= ch->end_pending)
		ch->end_pending = 0;
	ctr->pkts_accepted++;
	ch->last_rx_ns = now_ns;
	/*
	 * While a snapshot is wanted the live feed still applies (a
	 * receiver never freezes), merged as behind a gap: the snapshot,
	 * when it comes, sets each symbol to its state at its sequence and
	 * what followed is asked for again from there.
	 */
	if (likely(ch->nb_gaps == 0 && ch->snap_state == 0))
		mold_apply(ctx, v->blocks, count, skip, seq, v->channel,
			now_ns, false);
	else
		mold_apply(ctx, v->blocks, count, skip, seq, v->channel,
			now_ns, true);
}

#endif /* TW_MOLD_RX_H */
