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


#ifndef TW_RX_HOLD_BACK
/*
 * Messages [seq, seq + count) of a checked datagram of v->channel behind
 * its expected sequence (a retransmission or a late copy): the runs
 * that fall inside an open gap are taken from it and their messages
 * handed to the message layer's msg_merge (merged against newer state);
 * the rest are counted duplicates. Only where messages may apply out of
 * order: a held-back feed fills in order, as any frame.
 */
static inline void
mold_fill(struct tw_rx_ctx *ctx, const struct tw_rx_view *v, uint64_t seq,
		uint32_t count, uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[v->channel];
	const uint8_t *b = v->blocks;
	uint64_t run_end = 0;
	uint32_t applied = 0, again = 0, i;
	bool run_ok = false;

	if (unlikely(ch->snap_state != 0)) {
		/* The snapshot, and what follows it, will bring it. */
		ch->ctr.live_skipped += count;
		ctx->ctr->pkts_accepted++;
		return;
	}

	/* A retransmission to a channel that asked for nothing and misses
	 * nothing: not a late answer, an unasked one (it could fill
	 * nothing). */
	if (v->retrans && ch->ctr.requests == 0 && ch->nb_gaps == 0) {
		ctx->ctr->drops[TW_DROP_FILL_UNASKED]++;
		return;
	}
	for (i = 0; i < count; i++) {
		uint16_t mlen = tw_be16_load(b);
		const uint8_t *m = b + TW_MOLD_BLOCK_HDR_LEN;
		uint64_t s = seq + i;

		b = m + mlen;
		if (s >= run_end) {
			/* The next run: inside one gap, or outside all. */
			int gi = ctx->side != NULL ? tw_gaps_find(ch, s) : -1;
			int rc;

			if (gi < 0) {
				run_ok = false;
				run_end = s + 1;
			} else {
				run_end = RTE_MIN(ch->missing[gi].end,
					seq + count);
				uint32_t open = ch->nb_gaps;

				rc = tw_gaps_take(ch, (uint32_t)gi, s, run_end);
				run_ok = rc >= 0;
				if (rc == 1)
					tw_rx_gap_filled(ctx, ch,
						(uint32_t)gi, now_ns);
				/* A fill inside a gap splits it in two. */
				if (rc == 0 && ch->nb_gaps > open)
					ctx->ctr->gaps_open++;
				else if (rc == 0)
					tw_rx_fill_progress(ctx,
						&ch->missing[gi], now_ns);
			}
		}
		if (!run_ok) {
			again++;
			continue;
		}
		msg_merge(ctx, m, mlen, s, now_ns);
		applied++;
	}
	ch->ctr.msgs_recovered += applied;
	/* The other line's copy is no retransmission come again. */
	if (ctx->feed->lines != 2 || v->retrans)
		ch->ctr.fill_dups += again;
	if (ctx->feed->lines == 2 && !v->retrans)
		tw_rx_line_frame(ctx, ch, v->line, seq, applied != 0, now_ns);
	if (applied == 0) {
		ch->ctr.dup_pkts++;
		ch->ctr.dup_msgs += count;
		/* The other line's copy is expected, not a drop. */
		if (ctx->feed->lines != 2 || v->retrans)
			ctx->ctr->drops[TW_DROP_DUPLICATE]++;
		return;
	}
	ctx->ctr->pkts_accepted++;
}
#endif /* !TW_RX_HOLD_BACK */

/*
 * The channel's session, for a packet at seq. The common case (the
 * session the channel is in, not ended, not a first sequence number)
 * is one branch. Otherwise: session = auto adopts a channel's first
 * session; a new session starts (counted) once the old one ended or
 * went silent, when the packet is of another session or starts again
 * at the first sequence number. Else the packet is dropped: after the
 * end of its session, or of a session the channel is not in.
 */
static inline int
rx_session(struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		const struct tw_mold_hdr *mold, uint64_t seq, uint64_t now_ns)
{
	const struct tw_rx_feed *feed = ctx->feed;
	bool same = !feed->session_any || (ch->has_session &&
		memcmp(ch->session, mold->session, TW_MOLD_SESSION_LEN) == 0);
	bool idle;

	if (likely(same && !ch->ended && seq != TW_MOLD_FIRST_SEQ))
		return TW_RX_ACCEPT;
	/* A sequence number no session has is malformed: it changes
	 * nothing, neither adopts nor starts a session. */
	if (unlikely(seq == 0 || seq > TW_SEQ_MAX))
		return TW_DROP_BAD_SEQ;
	if (feed->session_any && !ch->has_session) {
		memcpy(ch->session, mold->session, TW_MOLD_SESSION_LEN);
		ch->has_session = 1;
		return TW_RX_ACCEPT;
	}
	idle = ch->last_rx_ns != 0 &&
		now_ns - ch->last_rx_ns > feed->session_idle_ns;
	if (same && !ch->ended && (ch->expected == TW_MOLD_FIRST_SEQ ||
				   !idle))
		return TW_RX_ACCEPT;
	if ((ch->ended || idle) && (!same || seq == TW_MOLD_FIRST_SEQ)) {
		uint64_t sessions = ch->sessions + 1;
		uint32_t channel = (uint32_t)(ch - ctx->channels);
		uint16_t count = rte_be_to_cpu_16(mold->count);
		bool continues = seq == ch->ahead_next;
		struct tw_channel_state keep;

		/*
		 * One packet far ahead of the new session's start does not
		 * start it, as one does not move a channel (tw_channel_admit):
		 * refused and noted, it changes nothing else; the next that
		 * continues it starts the session and is taken.
		 */
		if (count != TW_MOLD_COUNT_END_OF_SESSION && !continues &&
		    seq - TW_MOLD_FIRST_SEQ > feed->max_gap) {
			ch->ahead_next = seq + count;   /* a heartbeat: 0 */
			ch->ctr.far_rejected++;
			return TW_DROP_SEQ_FAR;
		}
		/* The old session's gaps can no longer be filled. */
		while (ch->nb_gaps > 0) {
			tw_rx_gap_lost(ctx, channel, &ch->missing[0]);
			tw_gaps_remove(ch, 0);
			ctx->ctr->gaps_open--;
		}
		/* Nor is its state wanted any more: the new one starts. */
		if (ch->snap_state != 0)
			ctx->ctr->snaps_wanted--;
		keep = *ch;
		/* A new session: its sequence starts again; its counts
		 * (every one of them: one struct) go on. */
		tw_channel_init(ch);
		ch->ctr = keep.ctr;
		if (ctx->side != NULL) {
			uint32_t l;

			/*
			 * Its sequence numbers start again too, and so does
			 * every symbol's state: a restarted generator's
			 * session is a new truth, never mixed with the old
			 * one's volumes and counts (the directory stays).
			 * Order books are not emptied here: their symbols
			 * are marked instead.
			 */
			for (l = channel; l < ctx->cache->nb_symbols;
			     l += ctx->feed->nb_channels) {
				ctx->side[l] = (struct tw_rx_side){ 0 };
#ifdef TW_RX_HOLD_BACK
				tw_cache_mark_stale(ctx->cache, l);
#else
				ctx->side[l].staged.locate = l;
				tw_cache_restore(ctx->cache,
					&ctx->side[l].staged, now_ns);
#endif
			}
		}
		if (continues)
			ch->ahead_next = seq;   /* taken, as the jump it is */
		ch->sessions = sessions;
		memcpy(ch->session, mold->session, TW_MOLD_SESSION_LEN);
		ch->has_session = 1;
		ctx->ctr->sessions_started++;
		return TW_RX_ACCEPT;
	}
	return same ? TW_DROP_AFTER_END : TW_DROP_BAD_SESSION;
}

/*
 * The channel was admitted past a jump from before to seq: a gap to
 * fill, or, for its first frame ever, a late join (not a loss: the gap
 * admit counted is taken back).
 */
static inline void
rx_jumped(struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		uint32_t channel, uint64_t before, uint64_t seq, uint64_t now_ns)
{
	if (ch->last_rx_ns == 0 && before == TW_MOLD_FIRST_SEQ) {
		ch->ctr.gaps--;
		ch->ctr.gap_msgs -= seq - before;
		tw_rx_late_join(ctx, channel, seq - before, now_ns);
	} else {
		tw_rx_gap_open(ctx, channel, before, seq, now_ns);
	}
}

/* The packet is of the channel's session. */
static inline bool
same_session(const struct tw_rx_ctx *ctx, const struct tw_channel_state *ch,
		const struct tw_mold_hdr *mold)
{
	return !ctx->feed->session_any || (ch->has_session &&
		memcmp(ch->session, mold->session, TW_MOLD_SESSION_LEN) == 0);
}

static inline bool
rx_owns(const struct tw_rx_ctx *ctx, uint32_t channel)
{
	return (ctx->owned[channel / 64] >> (channel % 64)) & 1;
}

#ifdef TW_RX_HOLD_BACK
/*
 * Order-level feeds: what is missing runs from the expected sequence to
 * end (a frame past a gap, held back, is missing too until it comes
 * again in order). One gap a channel: opened (a gap event, its messages
 * counted once), or grown to end.
 */
static inline void
rx_hold_back(struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		uint32_t channel, uint64_t before, uint64_t end, uint64_t now_ns)
{
	uint32_t i;

	ch->last_rx_ns = now_ns;
	ch->ahead_next = 0;
	for (i = 0; i < ch->nb_gaps; i++)
		if (ch->missing[i].first <= before &&
		    ch->missing[i].end >= before) {
			if (end > ch->missing[i].end)
				ch->missing[i].end = end;
			/* Counted: how long a gap may hold is bounded. */
			ch->missing[i].held_pkts++;
			return;
		}
	ch->ctr.gaps++;
	ch->ctr.gap_msgs += end - before;
	tw_rx_gap_open(ctx, channel, before, end, now_ns);
	if (ch->nb_gaps > 0)
		ch->missing[ch->nb_gaps - 1].held_pkts = 1;
}
#endif

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
	static const uint8_t admit_drop[] = {
		[TW_ADMIT_DUPLICATE] = TW_DROP_DUPLICATE,
		[TW_ADMIT_FAR] = TW_DROP_SEQ_FAR,
		[TW_ADMIT_BAD_SEQ] = TW_DROP_BAD_SEQ,
	};
	struct tw_rx_counters *ctr = ctx->ctr;
	struct tw_channel_state *ch;
	enum tw_admit verdict;
	uint64_t seq, before;
	uint32_t count, skip;
	int reason;

	count = rte_be_to_cpu_16(v->mold->count);
	seq = rte_be_to_cpu_64(v->mold->seq);
	ch = &ctx->channels[v->channel];

	if (unlikely(!rx_owns(ctx, v->channel))) {
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
			ctr->drops[admit_drop[verdict]]++;
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
		ctr->drops[admit_drop[verdict]]++;
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
