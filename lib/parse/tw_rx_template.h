/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ====================================================================
 * Template (public, with tw_rx_frame.h: lib/itch builds its burst from
 * it too): the frame and burst logic every SIMD level shares, written
 * once and compiled once per level. Include it ONCE, LAST, from a
 * level's source, after tw_rx_frame.h and after defining:
 *
 *   TW_RX_LEVEL                 suffix of the functions it exports
 *   TW_RX_HAVE_FAST_HEADERS     1 when lvl_hdr_match() exists
 *   lvl_hdr_match(p, tmpl)      frame's first TW_RX_TMPL_LEN bytes match
 *   lvl_raw_cksum(buf, len)     what rte_raw_cksum() returns, exactly
 *   lvl_quote_fields(e, m)      prices and sizes of a wire quote into e
 *
 * A protocol other than tickwire's defines TW_RX_PROTO_BLOCKS and its
 * own check_blocks() and apply_blocks() (same signatures) instead of
 * lvl_quote_fields, and TW_RX_HOLD_BACK: an order-level feed cannot
 * apply a message past a gap before the gap's messages (an execution of
 * an order whose add is missing), so nothing past a gap applies: frames
 * ahead are held back (dropped and asked for again with the gap, which
 * grows to cover them), retransmissions apply in order, a gap given up
 * moves the channel past it; snapshot frames are not taken (they speak
 * tickwire's messages).
 *
 * It defines tw_rx_burst_<level> and tw_rx_raw_cksum_<level>. The
 * scalar level has no fast header path and uses the DPDK helpers: it is
 * the reference the others are tested against.
 * ====================================================================
 */
#ifndef TW_RX_LEVEL
#error "define TW_RX_LEVEL and the level's kernels before this template"
#endif
#ifdef TW_PARSE_IMPL_INCLUDED
#error "tw_rx_template.h is included once per level source"
#endif
#define TW_PARSE_IMPL_INCLUDED


#define TW_RX_CAT_(a, b) a ## b
#define TW_RX_CAT(a, b) TW_RX_CAT_(a, b)
#define TW_RX_BURST_FN TW_RX_CAT(tw_rx_burst_, TW_RX_LEVEL)

/* Not decided by the fast path: ask the reference checks. */
#define TW_RX_UNDECIDED TW_DROP_MAX

static inline int
fast_headers(const struct tw_rx_ctx *ctx, const uint8_t *p, uint32_t len,
		uint64_t ol_flags, struct tw_rx_view *v)
{
#if TW_RX_HAVE_FAST_HEADERS
	const struct tw_rx_feed *feed = ctx->feed;
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *udp;
	uint32_t l2 = feed->l2_len, ch, line;
	uint16_t ip_len, udp_len;
	uint32_t sum;

	if (unlikely(len < TW_RX_TMPL_LEN))
		return TW_RX_UNDECIDED;
	ip = (const struct rte_ipv4_hdr *)(p + l2);
	ch = rte_be_to_cpu_32(ip->dst_addr) - feed->group_base;
	line = 0;
	if (unlikely(ch >= feed->nb_channels)) {
		/* Line B's templates follow line A's. */
		ch = rte_be_to_cpu_32(ip->dst_addr) - feed->group_b;
		if (feed->lines != 2 || ch >= feed->nb_channels)
			return TW_RX_UNDECIDED;
		line = 1;
	}
	if (unlikely(!lvl_hdr_match(p, &feed->tmpl[line * feed->nb_channels +
			ch])))
		return TW_RX_UNDECIDED;
	/* Template held: IHL is 5, no fragment, UDP, group, port, session. */
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(ip_len < TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN +
			TW_MOLD_HDR_LEN || l2 + ip_len > len ||
		     ip_len > feed->max_ip_len))
		return TW_RX_UNDECIDED;
	udp = (const struct rte_udp_hdr *)(ip + 1);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (unlikely(udp_len != ip_len - TW_IPV4_HDR_LEN))
		return TW_RX_UNDECIDED;
	if ((ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) !=
	    RTE_MBUF_F_RX_IP_CKSUM_GOOD) {
		if ((ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_IP_CKSUM_BAD ||
		    rte_raw_cksum(ip, TW_IPV4_HDR_LEN) != 0xffff)
			return TW_RX_UNDECIDED;
	}
	/* The port's BAD verdict stands even for a zero checksum, as in
	 * the reference checks. */
	if ((ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
	    RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return TW_RX_UNDECIDED;
	if ((ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
		    RTE_MBUF_F_RX_L4_CKSUM_GOOD && udp->dgram_cksum != 0) {
		/* As __rte_ipv4_udptcp_cksum, with the level's sum. */
		sum = (uint32_t)lvl_raw_cksum(udp, udp_len) +
			rte_ipv4_phdr_cksum(ip, 0);
		sum = ((sum & 0xffff0000) >> 16) + (sum & 0xffff);
		if (unlikely((uint16_t)sum != 0xffff))
			return TW_RX_UNDECIDED;
	}
	v->channel = ch;
	v->retrans = false;
	v->snapshot = false;
	v->line = (uint8_t)line;
	v->mold = (const struct tw_mold_hdr *)(udp + 1);
	v->blocks = (const uint8_t *)(v->mold + 1);
	v->blocks_len = udp_len - TW_UDP_HDR_LEN - TW_MOLD_HDR_LEN;
	return TW_RX_ACCEPT;
#else
	RTE_SET_USED(ctx);
	RTE_SET_USED(p);
	RTE_SET_USED(len);
	RTE_SET_USED(ol_flags);
	RTE_SET_USED(v);
	return TW_RX_UNDECIDED;
#endif
}

#ifndef TW_RX_PROTO_BLOCKS
/*
 * Every block inside the datagram, of a known type and its size, with a
 * locate inside the cache that belongs to this channel (locate % n);
 * a directory message must also keep the directory's rules. Prefetches
 * the cache lines the blocks will write, so the apply pass finds them
 * in flight.
 */
static inline int
check_blocks(const struct tw_rx_ctx *ctx, const uint8_t *b, uint32_t len,
		uint32_t count, uint32_t channel)
{
	const struct tw_rx_feed *feed = ctx->feed;
	const struct tw_cache *cache = ctx->cache;
	uint32_t off = 0, i;

	for (i = 0; i < count; i++) {
		uint16_t mlen, want;
		uint32_t locate;

		if (unlikely(off + TW_MOLD_BLOCK_HDR_LEN > len))
			return TW_DROP_BAD_MSG_LEN;
		mlen = tw_be16_load(b + off);
		off += TW_MOLD_BLOCK_HDR_LEN;
		if (unlikely(mlen == 0 || off + mlen > len))
			return TW_DROP_BAD_MSG_LEN;
		want = tw_rx_msg_len[b[off]];
		if (unlikely(want == 0))
			return TW_DROP_BAD_MSG_TYPE;
		if (unlikely(mlen != want))
			return TW_DROP_BAD_MSG_LEN;
		locate = tw_msg_locate(b + off);
		if (unlikely(locate >= cache->nb_symbols))
			return TW_DROP_BAD_LOCATE;
		if (unlikely(locate - rte_reciprocal_divide(locate,
				feed->chan_div) * feed->nb_channels != channel))
			return TW_DROP_WRONG_CHANNEL;
		if (unlikely(b[off] == TW_MSG_DIRECTORY)) {
			int reason = tw_rx_check_directory(cache, b + off);

			if (reason != TW_RX_ACCEPT)
				return reason;
		}
		rte_prefetch0_write(&cache->entries[locate]);
		off += mlen;
	}
	if (unlikely(off != len))
		return TW_DROP_BAD_MSG_LEN;
	return TW_RX_ACCEPT;
}

/* A quote asking for an order: note it for the caller to answer. */
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

/*
 * Apply blocks [skip, count) of a checked packet of channel, first seq.
 * track: the channel has open gaps, so each quote's and trade's
 * sequence goes to the side table too (see tw_rx_side).
 */
static __rte_always_inline void
apply_blocks(struct tw_rx_ctx *ctx, const uint8_t *b, uint32_t count,
		uint32_t skip, uint64_t seq, uint32_t channel, uint64_t now_ns,
		bool track)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	struct tw_cache *cache = ctx->cache;
	const uint8_t *m = NULL;
	uint32_t quotes = 0, trades = 0, refused = 0, i;
	uint64_t send_ns;

	for (i = 0; i < count; i++) {
		uint16_t mlen = tw_be16_load(b);
		struct tw_cache_entry *e;

		m = b + TW_MOLD_BLOCK_HDR_LEN;
		b = m + mlen;
		if (i < skip)
			continue;
		switch (m[0]) {
		case TW_MSG_QUOTE:
			e = &cache->entries[tw_msg_locate(m)];
			rte_seqcount_write_begin(&e->sc);
			lvl_quote_fields(e, m);
			e->last_seq = seq + i;
			e->last_update_ns = now_ns;
			rte_seqcount_write_end(&e->sc);
			if (track)
				ctx->side[tw_msg_locate(m)].quote_seq = seq + i;
			quotes++;
			if (unlikely(m[1] != 0))
				want_reply(ctx, m, channel, seq + i);
			break;
		case TW_MSG_TRADE: {
			struct tw_trade t;

			tw_decode_trade(m, &t);
			tw_cache_update_trade(cache, &t, seq + i, now_ns);
			if (track)
				ctx->side[t.locate].trade_seq = seq + i;
			trades++;
			break;
		}
		default: {
			struct tw_directory d;

			tw_decode_directory(m, &d);
			/* Checked; one that conflicts with another of this
			 * same packet (a rename, a ticker taken), or a full
			 * probe sequence, is refused here: counted under its
			 * reason and not as applied. */
			int rc = tw_cache_set_directory(cache, &d);

			if (likely(rc == 0)) {
				ctr->directories++;
			} else {
				ctr->drops[tw_rx_directory_reason(rc)]++;
				refused++;
			}
			break;
		}
		}
	}
	/* Counted once per packet: the stores above may alias them. */
	ctr->quotes += quotes;
	ctr->trades += trades;
	ctr->msgs += count - skip - refused;
	/* One latency sample per packet, from its last message if a tick. */
	if (m == NULL || m[0] == TW_MSG_DIRECTORY)
		return;
	send_ns = tw_msg_send_ns(m);
	if (unlikely(now_ns < send_ns)) {
		ctr->lat_negative++;
		return;
	} else if (unlikely(now_ns - send_ns > ctx->feed->max_latency_ns)) {
		/* No sane send time (0, or a clock far off): not a sample. */
		ctr->lat_out_of_range++;
		return;
	} else {
		uint64_t lat = now_ns - send_ns;

		ctr->lat_samples++;
		ctr->lat_sum_ns += lat;
		if (lat > ctr->lat_max_ns)
			ctr->lat_max_ns = lat;
		if (ctx->lat != NULL)
			tw_hist_record(ctx->lat, lat);
	}
	if (ctx->sent != NULL && ctx->nb_sent < ctx->sent_cap) {
		ctx->late[ctx->nb_sent] = tw_msg_late(m);
		ctx->sent[ctx->nb_sent++] = send_ns;
	}
}

#endif /* !TW_RX_PROTO_BLOCKS */

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

/* Everything after the headers: MoldUDP64 framing, blocks, the cache. */
static inline void
rx_mold(struct tw_rx_ctx *ctx, const struct tw_rx_view *v, uint64_t now_ns)
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
		reason = check_blocks(ctx, v->blocks, v->blocks_len, count,
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

			tw_rx_fill(ctx, v, seq, count, now_ns);
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
		tw_rx_fill(ctx, v, seq, count, now_ns);
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
		apply_blocks(ctx, v->blocks, count, skip, seq, v->channel,
			now_ns, false);
	else
		apply_blocks(ctx, v->blocks, count, skip, seq, v->channel,
			now_ns, true);
}

static inline void
rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame, uint32_t len,
		uint64_t ol_flags, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	struct tw_rx_view v;
	int reason;

	ctr->pkts++;
	ctr->bytes += len;
	reason = fast_headers(ctx, frame, len, ol_flags, &v);
	if (unlikely(reason == TW_RX_UNDECIDED)) {
		ctr->scalar_checked++;
		reason = tw_rx_check_headers(ctx, frame, len, ol_flags, &v);
	}
	if (unlikely(reason >= 0)) {
		ctr->drops[reason]++;
		return;
	}
	ctx->cur_frame = frame;
	rx_mold(ctx, &v, now_ns);
	ctx->cur_frame = NULL;
}

/* The level's checksum kernel, exported for the differential tests. */
uint16_t
TW_RX_CAT(tw_rx_raw_cksum_, TW_RX_LEVEL)(const void *buf, uint32_t len)
{
	return lvl_raw_cksum(buf, len);
}

/*
 * Prefetch the mbuf headers of frames two steps ahead and their first
 * data line one step ahead, so neither load stalls when a frame's turn
 * comes (the l3fwd pattern).
 */
#define TW_RX_PREFETCH_AHEAD 4

void
TW_RX_BURST_FN(struct tw_rx_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_ns)
{
	uint16_t i;

	for (i = 0; i < n && i < 2 * TW_RX_PREFETCH_AHEAD; i++)
		rte_prefetch0(pkts[i]);
	for (i = 0; i < n && i < TW_RX_PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + 2 * TW_RX_PREFETCH_AHEAD < n)
			rte_prefetch0(pkts[i + 2 * TW_RX_PREFETCH_AHEAD]);
		if (i + TW_RX_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(
				pkts[i + TW_RX_PREFETCH_AHEAD], void *));
		if (unlikely(m->nb_segs != 1)) {
			ctx->ctr->pkts++;
			ctx->ctr->bytes += m->pkt_len;
			ctx->ctr->drops[TW_DROP_SEGMENTED]++;
			continue;
		}
		rx_frame(ctx, rte_pktmbuf_mtod(m, const uint8_t *),
			m->data_len, m->ol_flags, now_ns);
	}
}


