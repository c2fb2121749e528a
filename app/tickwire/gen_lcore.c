/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generator lcore: the protocol's messages go through lib/gen's framer
 * straight into mbufs; this file owns only what is the lcore's own:
 * mbufs from the mempool, tx_burst with retries, the mirror port and
 * pacing; what comes back (requests, snapshots, orders) is served by
 * gen_serve.c, creation by gen_setup.c. No allocation but mbufs, no
 * locks, no printing on the loop.
 */
#include <stdio.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "gen_lcore.h"

/* The mirror copy is best effort: what its port refuses is counted. */
static void
mirror_flush(struct tw_gen_lcore *g)
{
	uint16_t sent;

	if (g->nb_mirror == 0)
		return;
	if (unlikely(tw_port_is_paused(g->mirror_port))) {
		g->ctr.mirror_dropped += g->nb_mirror;
		rte_pktmbuf_free_bulk(g->mirror_buf, g->nb_mirror);
		g->nb_mirror = 0;
		return;
	}
	sent = rte_eth_tx_burst(g->mirror_port, 0, g->mirror_buf,
		g->nb_mirror);
	g->ctr.mirror_pkts += sent;
	if (sent < g->nb_mirror) {
		g->ctr.mirror_dropped += g->nb_mirror - sent;
		rte_pktmbuf_free_bulk(g->mirror_buf + sent,
			g->nb_mirror - sent);
	}
	g->nb_mirror = 0;
}

/*
 * Hand queue q's pending frames to the port. With wait, keep trying
 * until everything is sent or the retry budget is spent; what is left
 * then is dropped and counted.
 */
static void
txq_flush(struct tw_gen_lcore *g, uint16_t q, bool wait)
{
	struct tw_gen_txq *t = &g->txq[q];
	uint64_t deadline = 0;
	uint16_t sent, i;

	while (t->n > 0) {
		tw_lcore_quiescent(g->lcore_id);
		if (unlikely(tw_port_is_paused(g->port_id))) {
			mirror_flush(g);
			break;          /* being restarted: dropped, counted */
		}
		sent = rte_eth_tx_burst(g->port_id, q, t->buf, t->n);
		if (sent < t->n) {
			memmove(t->buf, t->buf + sent,
				(t->n - sent) * sizeof(t->buf[0]));
			memmove(t->msgs, t->msgs + sent,
				(t->n - sent) * sizeof(t->msgs[0]));
		}
		t->n -= sent;
		g->nb_tx -= sent;
		/* The DPDK port first; the mirror (a syscall a frame on
		 * net_tap) after, so it does not delay the other receiver. */
		mirror_flush(g);
		if (t->n == 0 || (!wait && t->n < TW_GEN_TXBUF / 2))
			return;
		g->ctr.tx_retries++;
		if (deadline == 0)
			deadline = rte_rdtsc() + g->tx_retry_tsc;
		else if (rte_rdtsc() > deadline || tw_force_quit)
			break;
		rte_pause();
	}
	for (i = 0; i < t->n; i++) {
		g->ctr.tx_dropped++;
		g->ctr.msgs_dropped += t->msgs[i];
	}
	rte_pktmbuf_free_bulk(t->buf, t->n);
	g->nb_tx -= t->n;
	t->n = 0;
}

/* Every queue's pending frames (see txq_flush). */
static void
tx_flush(struct tw_gen_lcore *g, bool wait)
{
	uint16_t q;

	for (q = 0; q < g->nb_txq && g->nb_tx > 0; q++)
		if (g->txq[q].n > 0)
			txq_flush(g, q, wait);
}

/* Frame source of the framer: an mbuf; waits for the port if empty. */
uint8_t *
tw_gen_frame_get(void *arg, uint16_t ch, void **handle, uint16_t *max_msgs)
{
	struct tw_gen_lcore *g = arg;
	struct rte_mbuf *m = rte_pktmbuf_alloc(g->pool);

	RTE_SET_USED(ch);
	RTE_SET_USED(max_msgs);
	if (unlikely(m == NULL)) {
		tx_flush(g, true);
		m = rte_pktmbuf_alloc(g->pool);
		if (m == NULL) {
			g->ctr.mbuf_alloc_failed++;
			return NULL;
		}
	}
	*handle = m;
	return rte_pktmbuf_mtod(m, uint8_t *);
}

/* Queue m (msgs messages) on TX queue q; flush a full burst. */
static void
txq_add(struct tw_gen_lcore *g, uint16_t q, struct rte_mbuf *m,
		uint16_t msgs, bool mirror)
{
	struct tw_gen_txq *t = &g->txq[q];

	if (mirror && g->mirror) {
		/* The same mbuf goes out twice: one reference per port. */
		rte_mbuf_refcnt_update(m, 1);
		g->mirror_buf[g->nb_mirror++] = m;
		if (g->nb_mirror == TW_GEN_TXBUF)
			mirror_flush(g);
	}
	t->buf[t->n] = m;
	t->msgs[t->n] = msgs;
	t->n++;
	g->nb_tx++;
	g->ctr.pkts++;
	g->ctr.bytes += m->data_len;
	if (t->n >= g->burst)
		txq_flush(g, q, t->n == TW_GEN_TXBUF);
}

void
tw_gen_txq_add(struct tw_gen_lcore *g, uint16_t q, struct rte_mbuf *m,
		uint16_t msgs, bool mirror)
{
	txq_add(g, q, m, msgs, mirror);
}

/* A frame held back by a reorder fault goes now. */
static void
txq_release(struct tw_gen_lcore *g, uint16_t q, bool overtaken)
{
	struct tw_gen_txq *t = &g->txq[q];
	struct rte_mbuf *m = t->held;

	if (m == NULL)
		return;
	t->held = NULL;
	g->ctr.faults[t->held_line].reordered += overtaken;
	txq_add(g, q, m, t->held_msgs, true);
}

/*
 * What [faults] does to a data frame of a line on its way to queue q.
 * True when the frame was lost.
 */
static bool
faulty_put(struct tw_gen_lcore *g, uint16_t q, struct rte_mbuf *m,
		uint16_t ch, uint16_t msgs, unsigned int line)
{
	struct tw_gen_txq *t = &g->txq[q];
	struct tw_faults *f = &g->faults[line];
	unsigned int v = tw_faults_next(f, msgs);

	if (v == 0) {
		txq_add(g, q, m, msgs, true);
		txq_release(g, q, true);
		return false;
	}
	if (v & TW_FAULT_LOSE) {
		rte_pktmbuf_free(m);
		return true;
	}
	if (v & TW_FAULT_CORRUPT)
		tw_faults_corrupt(f, rte_pktmbuf_mtod(m, uint8_t *),
			g->tmpl[ch].hdr_len, m->data_len);
	if ((v & TW_FAULT_REORDER) && t->held == NULL) {
		t->held = m;
		t->held_msgs = msgs;
		t->held_line = (uint8_t)line;
		return false;
	}
	txq_add(g, q, m, msgs, true);
	if (v & TW_FAULT_DUP) {
		rte_mbuf_refcnt_update(m, 1);
		txq_add(g, q, m, msgs, true);
	}
	txq_release(g, q, true);
	return false;
}

/*
 * Line B's copy of a finished frame: the same bytes to line B's group
 * of the channel (MAC, address and both checksums). NULL, counted, when
 * no mbuf is free.
 */
static struct rte_mbuf *
line_b_copy(struct tw_gen_lcore *g, const struct rte_mbuf *m, uint16_t ch)
{
	const struct tw_pkt_tmpl *t = &g->tmpl_b[ch];
	struct rte_mbuf *b = rte_pktmbuf_alloc(g->pool);
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint8_t *f;

	if (b == NULL) {
		g->ctr.mbuf_alloc_failed++;
		return NULL;
	}
	f = rte_pktmbuf_mtod(b, uint8_t *);
	rte_memcpy(f, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
	/* Line B's headers up to the MoldUDP64 header; lengths are the
	 * frame's own. */
	memcpy(f, t->hdr, t->l2_len);
	ip = (struct rte_ipv4_hdr *)(f + t->l2_len);
	udp = (struct rte_udp_hdr *)(ip + 1);
	ip->dst_addr = ((const struct rte_ipv4_hdr *)(t->hdr +
		t->l2_len))->dst_addr;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->dgram_cksum = 0;
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	b->data_len = m->data_len;
	b->pkt_len = m->pkt_len;
	g->ctr.line_b_pkts++;
	return b;
}

/*
 * A finished frame: kept in the store, through the faults, queued for
 * tx_burst (and the mirror).
 */
void
tw_gen_frame_put(void *arg, void *handle, uint16_t ch, uint16_t len, uint16_t msgs)
{
	struct tw_gen_lcore *g = arg;
	struct rte_mbuf *m = handle;
	uint16_t q;

	m->data_len = len;
	m->pkt_len = len;
	if (g->csum == TW_CSUM_OFFLOAD) {
		m->l2_len = g->tmpl[ch].l2_len;
		m->l3_len = TW_IPV4_HDR_LEN;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			RTE_MBUF_F_TX_UDP_CKSUM;
	}
	q = tw_gen_txq_of(g, ch);
	if (msgs == 0) {
		/* Control frames are not faulted, nor overtaken. */
		struct rte_mbuf *b = g->line_b ? line_b_copy(g, m, ch) : NULL;

		txq_release(g, q, false);
		txq_add(g, q, m, 0, true);
		if (b != NULL)
			txq_add(g, q, b, 0, false);
		return;
	}
	if (g->store != NULL) {
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
		uint16_t hl = g->tmpl[ch].hdr_len;
		const struct tw_mold_hdr *mold = (const struct tw_mold_hdr *)
			(f + hl - TW_MOLD_HDR_LEN);

		tw_store_put(g->store, ch, rte_be_to_cpu_64(mold->seq),
			f + hl, msgs);
	}
	if (unlikely(g->line_b)) {
		struct rte_mbuf *b = line_b_copy(g, m, ch);

		bool lost_a, lost_b = true;

		/* A first, then B: each through its own faults. */
		lost_a = faulty_put(g, q, m, ch, msgs, 0);
		if (b != NULL)
			lost_b = faulty_put(g, q, b, ch, msgs, 1);
		/* Lost on both: only the request server can bring it. */
		g->ctr.faults_lost_both += lost_a && lost_b;
		return;
	}
	if (unlikely(g->faults[0].any))
		faulty_put(g, q, m, ch, msgs, 0);
	else
		txq_add(g, q, m, msgs, true);
}

/*
 * A replayed frame: its MoldUDP64 packet counted as the generator
 * counts its own (a heartbeat, an end of session, each message by its
 * protocol's kinds) and, with restamp, sent now: each tickwire
 * message's send time is now_ns (late 0), the UDP checksum computed
 * again. Frames that are not MoldUDP64 over IPv4 / UDP (another
 * protocol, a bad length) are sent as they are, counted as packets
 * only. Returns the messages counted in it.
 */
static uint16_t
replayed(struct tw_gen_lcore *g, uint8_t *f, uint16_t len, bool restamp,
		uint64_t now_ns)
{
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	const struct tw_mold_hdr *mold;
	uint32_t l2 = TW_ETH_HDR_LEN, off, end, i, count;

	if (len >= TW_ETH_HDR_LEN + TW_VLAN_HDR_LEN &&
	    ((struct rte_ether_hdr *)f)->ether_type ==
		RTE_BE16(RTE_ETHER_TYPE_VLAN))
		l2 += TW_VLAN_HDR_LEN;
	if (len < l2 + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN)
		return 0;
	ip = (struct rte_ipv4_hdr *)(f + l2);
	udp = (struct rte_udp_hdr *)(ip + 1);
	if (ip->version_ihl != RTE_IPV4_VHL_DEF ||
	    ip->next_proto_id != IPPROTO_UDP ||
	    l2 + rte_be_to_cpu_16(ip->total_length) > len ||
	    rte_be_to_cpu_16(udp->dgram_len) !=
		rte_be_to_cpu_16(ip->total_length) - TW_IPV4_HDR_LEN)
		return 0;
	mold = (const struct tw_mold_hdr *)(udp + 1);
	count = rte_be_to_cpu_16(mold->count);
	if (count == TW_MOLD_COUNT_END_OF_SESSION) {
		g->ctr.end_of_session++;
		return 0;
	}
	if (count == TW_MOLD_COUNT_HEARTBEAT) {
		g->ctr.heartbeats++;
		return 0;
	}
	off = l2 + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN;
	end = l2 + rte_be_to_cpu_16(ip->total_length);
	for (i = 0; i < count; i++) {
		struct tw_msg_prefix *m;
		uint16_t mlen;

		if (off + TW_MOLD_BLOCK_HDR_LEN > end)
			break;
		mlen = (uint16_t)(f[off] << 8 | f[off + 1]);
		off += TW_MOLD_BLOCK_HDR_LEN;
		if (off + mlen > end)
			break;
		m = (struct tw_msg_prefix *)(f + off);
		g->proto->gen_count(&g->ctr, f + off, mlen);
		if (restamp && (m->type == TW_MSG_QUOTE ||
		     m->type == TW_MSG_TRADE || m->type == TW_MSG_DIRECTORY) &&
		    mlen == tw_msg_len(m->type)) {
			m->send_ns = rte_cpu_to_be_64(now_ns);
			if (m->type != TW_MSG_DIRECTORY)
				m->late = 0;
		}
		off += mlen;
	}
	if (restamp && udp->dgram_cksum != 0) {
		udp->dgram_cksum = 0;
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	}
	return (uint16_t)i;
}

/*
 * [replay]: the capture's frames instead of the model, at its own timing
 * (scaled by speed), at a rate, or as fast as the port takes them.
 */
static void
replay(struct tw_gen_lcore *g)
{
	const struct tw_pcap *p = &g->replay;
	uint64_t hz = tw_clock_hz(g->clock), start = rte_rdtsc();
	uint32_t i;

	for (i = 0; i < p->nb && !tw_force_quit && !tw_stop_requested; i++) {
		uint64_t due = 0, now;
		struct rte_mbuf *m;
		uint16_t msgs;

		if (g->replay_rate != 0)
			due = start + i * (hz / g->replay_rate);
		else if (g->replay_speed > 0)
			due = start + (uint64_t)((double)(p->ts_ns[i] -
				p->ts_ns[0]) / g->replay_speed * (double)hz /
				1e9);
		while ((now = rte_rdtsc()) < due) {
			tw_lcore_quiescent(g->lcore_id);
			if (g->nb_tx > 0)
				tx_flush(g, false);
			if (tw_force_quit)
				return;
		}
		m = rte_pktmbuf_alloc(g->pool);
		if (m == NULL) {
			tx_flush(g, true);
			m = rte_pktmbuf_alloc(g->pool);
			if (m == NULL) {
				g->ctr.mbuf_alloc_failed++;
				continue;
			}
		}
		rte_memcpy(rte_pktmbuf_mtod(m, uint8_t *),
			p->data + p->off[i], p->len[i]);
		m->data_len = p->len[i];
		m->pkt_len = p->len[i];
		msgs = replayed(g, rte_pktmbuf_mtod(m, uint8_t *), p->len[i],
			g->replay_restamp, tw_clock_ns(g->clock, now));
		txq_add(g, 0, m, msgs, true);
		if (due != 0 && g->nb_tx > 0)
			tx_flush(g, false);
	}
	tx_flush(g, true);
}

/*
 * [generator] itch_file: the day file's messages through the framer, a
 * stock's on its channel and those of no stock (System Events) on every
 * channel, at the file's timing scaled by itch_speed or as fast as the
 * port takes them; each frame leaves once the next message is not due.
 */
static void
itch_replay(struct tw_gen_lcore *g)
{
	const struct tw_itch_file *f = &g->itch_file;
	uint64_t hz = tw_clock_hz(g->clock), start = rte_rdtsc();
	uint64_t next_house = start;
	uint16_t nch = g->fr.nb_channels;
	size_t off = 0;

	while (off < f->len && !tw_force_quit && !tw_stop_requested) {
		uint16_t len = (uint16_t)(f->data[off] << 8 | f->data[off + 1]);
		const uint8_t *m = f->data + off + 2;
		uint16_t wl = tw_itch_locate(m), c;
		uint64_t now = rte_rdtsc(), now_ns;

		tw_lcore_quiescent(g->lcore_id);
		off += 2 + (size_t)len;
		if (g->itch_speed > 0) {
			uint64_t ts = tw_itch_timestamp(m);
			uint64_t due = start + (uint64_t)((double)(ts >
				f->first_ts ? ts - f->first_ts : 0) /
				g->itch_speed * (double)hz / 1e9);

			if (now < due) {
				tw_framer_close_all(&g->fr, now);
				while ((now = rte_rdtsc()) < due &&
				       !tw_force_quit) {
					if (g->nb_tx > 0)
						tx_flush(g, false);
					if (now >= next_house) {
						tw_framer_housekeeping(&g->fr,
							now);
						next_house = now + hz / 1000;
					}
					rte_pause();
				}
			}
		}
		now_ns = tw_clock_ns(g->clock, now);
		if (wl == 0) {
			for (c = 0; c < nch; c++)
				tw_itch_emit_raw(&g->em, c, m, len, now, now_ns);
		} else {
			tw_itch_emit_raw(&g->em, (uint16_t)((wl - 1) % nch), m,
				len, now, now_ns);
		}
	}
	tw_framer_close_all(&g->fr, rte_rdtsc());
}

int
tw_gen_lcore_main(void *arg)
{
	struct tw_gen_lcore *g = arg;
	const struct tw_protocol *proto = g->proto;
	uint64_t hz = tw_clock_hz(g->clock);
	uint64_t now = rte_rdtsc(), next_house = now;
	uint64_t house_period = RTE_MAX(g->fr.flush_tsc / 2, hz / 1000000);
	struct tw_pace pace;
	char a[32], b[32];
	uint16_t q;

	TW_LOG(gen, INFO, "lcore %u: %u of %u channels (%u symbols in all), "
		"rate %s\n", g->lcore_id, g->fr.nb_own, g->fr.nb_channels,
		g->gen->p.nb_symbols, g->rate ? "paced" : "unlimited");
	/* [generator] start_delay_ms: let the receivers settle. */
	while (rte_rdtsc() - now < g->start_delay_tsc && !tw_force_quit &&
	       !tw_stop_requested)
		rte_pause();
	now = rte_rdtsc();
	if (g->replay.nb != 0) {
		/* The capture is the session: its own ends included. */
		rte_rcu_qsbr_thread_online(tw_qsv, g->lcore_id);
		replay(g);
		rte_rcu_qsbr_thread_offline(tw_qsv, g->lcore_id);
		__atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
		TW_LOG(gen, INFO, "lcore %u: replayed %s of %s frames\n",
			g->lcore_id, tw_grouped(a, sizeof(a), g->ctr.pkts),
			tw_grouped(b, sizeof(b), g->replay.nb));
		return 0;
	}
	if (g->itch_file.msgs != 0) {
		/* The file is the session, its System Events included. */
		rte_rcu_qsbr_thread_online(tw_qsv, g->lcore_id);
		itch_replay(g);
		goto end;
	}
	proto->gen_open(&g->em, now, tw_clock_ns(g->clock, now));
	tw_pace_init(&pace, rte_rdtsc(),
		g->rate ? RTE_MAX(hz / g->rate, UINT64_C(1)) : 1);

	rte_rcu_qsbr_thread_online(tw_qsv, g->lcore_id);
	while (!tw_force_quit && !tw_stop_requested) {
		unsigned int n = TW_GEN_BATCH;
		uint64_t now_ns, due_ns, step_ns = 0, first_due, behind = 0;
		bool caught_up;

		tw_lcore_quiescent(g->lcore_id);
		now = rte_rdtsc();
		now_ns = tw_clock_ns(g->clock, now);
		due_ns = now_ns;
		if (g->rate != 0) {
			n = tw_pace_due(&pace, now, TW_GEN_BATCH, &first_due,
				&behind);
			/* Behind by more than a batch: these are late. */
			if (behind > 0)
				g->ctr.late_ticks += n;
			due_ns = tw_clock_ns(g->clock, first_due);
			step_ns = tw_clock_cycles_ns(g->clock, pace.period);
		}
		caught_up = g->rate != 0 && behind == 0;
		/* Its share of the count: what the schedule has left. */
		if (g->sched.limited && n > g->sched.total)
			n = (unsigned int)g->sched.total;
		proto->gen_ticks(&g->em, n, now, now_ns, due_ns, step_ns);
		if (g->back)
			tw_gen_poll_back(g);
		/*
		 * Paced and caught up (every tick due now is in a frame):
		 * nothing more will come soon, so nothing waits; behind,
		 * frames fill. Unlimited: full frames, in bursts.
		 */
		if (g->send_ready && caught_up && n > 0)
			tw_framer_close_all(&g->fr, now);
		if (now >= next_house) {
			tw_framer_housekeeping(&g->fr, now);
			next_house = now + house_period;
			if (g->nb_tx > 0)
				tx_flush(g, false);
		} else if (g->rate != 0 && g->nb_tx > 0) {
			tx_flush(g, false);
		}
		if (g->sched.limited && g->sched.total == 0)
			break;
	}
end:
	/* A stop request ends the session too: receivers drain to it. */
	if (!tw_force_quit) {
		/* A day file closes its own session (its System Events). */
		if (proto->gen_close != NULL && g->itch_file.msgs == 0) {
			now = rte_rdtsc();
			proto->gen_close(&g->em, now,
				tw_clock_ns(g->clock, now));
		}
		tw_framer_end_session(&g->fr, rte_rdtsc());
		g->ended = true;
	}
	for (q = 0; q < g->nb_txq; q++)
		txq_release(g, q, false);
	tx_flush(g, true);
	if (g->em.reply_every != 0) {
		/* The last orders are in flight: wait for them, briefly. */
		/* Up to a second: a loaded host may take that long. */
		uint64_t until = rte_rdtsc() + hz;

		while (rte_rdtsc() < until && !tw_force_quit &&
		       g->replies.matched + g->replies.lost <
				g->replies.requested) {
			tw_lcore_quiescent(g->lcore_id);
			tw_gen_poll_back(g);
			tx_flush(g, false);
		}
		tw_reply_finish(&g->replies);
		tw_gen_reply_counters(g);
	}
	if (g->itch != NULL && g->itch->out != NULL) {
		/* The day file is whole once the session is: the main lcore
		 * delivers it (run.c). */
		printf("generator: %s messages in the ITCH day file\n",
			tw_grouped(a, sizeof(a), g->itch->out_msgs));
		g->itch->out = NULL;
	}
	__atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
	/*
	 * Receivers may still be filling gaps, a lost tail among them:
	 * serve them to the end (each reply after the end is followed by
	 * the end of session again, see serve_request in gen_serve.c).
	 */
	while (g->store != NULL && !tw_force_quit) {
		tw_lcore_quiescent(g->lcore_id);
		tw_gen_poll_back(g);
		if (g->nb_tx > 0)
			tx_flush(g, false);
	}
	rte_rcu_qsbr_thread_offline(tw_qsv, g->lcore_id);
	TW_LOG(gen, INFO, "lcore %u: session ended after %s ticks\n",
		g->lcore_id, tw_grouped(a, sizeof(a), g->ctr.ticks));
	return 0;
}
