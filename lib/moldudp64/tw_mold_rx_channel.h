/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ====================================================================
 * Part of the MoldUDP64 transport's receive layer (tw_mold_rx.h, which
 * includes it where it needs it): what a datagram does to its channel
 * apart from the admission itself. The channel's session (adopting,
 * starting a new one, refusing another's), a jump past missing
 * messages (a gap, or a late join), the fill of a gap by a late copy
 * or a retransmission (handed to the message layer's msg_merge), and,
 * for message layers that need every message in order, holding back
 * what comes past a gap.
 * ====================================================================
 */
#ifndef TW_MOLD_RX_CHANNEL_H
#define TW_MOLD_RX_CHANNEL_H

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

#endif /* TW_MOLD_RX_CHANNEL_H */
