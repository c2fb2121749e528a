/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generator lcore, the sender and its loop. The protocol's messages go
 * through lib/gen's framer straight into mbufs; this file owns what
 * happens to a finished frame: the mbufs from the mempool, the TX
 * queues (line A's, and line B's on its own port), tx_burst with
 * retries, [faults], line B's copy, the mirror port. The loop runs the
 * source chosen at set-up (gen_lcore.h) a batch at a time, then ends
 * the session and keeps serving. It never touches the model or a
 * source's timing (gen_src_*.c), answers nothing that comes back
 * (gen_serve.c), creates nothing (gen_setup.c). No allocation but
 * mbufs, no locks, no printing on the loop.
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
		if (unlikely(tw_port_is_paused(t->port_id))) {
			mirror_flush(g);
			break;          /* being restarted: dropped, counted */
		}
		sent = rte_eth_tx_burst(t->port_id, t->queue, t->buf, t->n);
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
void
tw_gen_tx_flush(struct tw_gen_lcore *g, bool wait)
{
	uint16_t q;

	for (q = 0; q < g->nb_txq_all && g->nb_tx > 0; q++)
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
		tw_gen_tx_flush(g, true);
		m = rte_pktmbuf_alloc(g->pool);
		if (m == NULL) {
			g->ctr.mbuf_alloc_failed++;
			return NULL;
		}
	}
	*handle = m;
	return rte_pktmbuf_mtod(m, uint8_t *);
}

/* m for the mirror port; a full burst goes. */
static inline void
mirror_add(struct tw_gen_lcore *g, struct rte_mbuf *m)
{
	g->mirror_buf[g->nb_mirror++] = m;
	if (g->nb_mirror == TW_GEN_TXBUF)
		mirror_flush(g);
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
		mirror_add(g, m);
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
tw_gen_mirror_add(struct tw_gen_lcore *g, struct rte_mbuf *m)
{
	mirror_add(g, m);
}

void
tw_gen_mirror_flush(struct tw_gen_lcore *g)
{
	mirror_flush(g);
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
tw_gen_frame_put(void *arg, void *handle, uint16_t ch, uint16_t len,
		uint16_t msgs)
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
		if (b != NULL) {
			txq_release(g, q + g->txq_b, false);
			txq_add(g, q + g->txq_b, b, 0, false);
		}
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

		/* A first, then B: each through its own faults, B on its
		 * own port's queue when it has one. */
		lost_a = faulty_put(g, q, m, ch, msgs, 0);
		if (b != NULL)
			lost_b = faulty_put(g, q + g->txq_b, b, ch, msgs, 1);
		/* Lost on both: only the request server can bring it. */
		g->ctr.faults_lost_both += lost_a && lost_b;
		return;
	}
	if (unlikely(g->faults[0].any))
		faulty_put(g, q, m, ch, msgs, 0);
	else
		txq_add(g, q, m, msgs, true);
}

void
tw_gen_loop_put(void *arg, void *handle, uint16_t ch, uint16_t len,
		uint16_t msgs)
{
	struct tw_gen_lcore *g = arg;
	struct rte_mbuf *m = handle;

	m->data_len = len;
	m->pkt_len = len;
	if (g->csum == TW_CSUM_OFFLOAD) {
		m->l2_len = g->tmpl_loop[ch].l2_len;
		m->l3_len = TW_IPV4_HDR_LEN;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			RTE_MBUF_F_TX_UDP_CKSUM;
	}
	txq_add(g, tw_gen_txq_of(g, (uint16_t)(ch % g->fr.nb_channels)), m,
		msgs, false);
}

void
tw_gen_session_report(const struct tw_gen_lcore *g)
{
	char a[32];

	TW_LOG(gen, INFO, "lcore %u: session ended after %s ticks\n",
		g->lcore_id, tw_grouped(a, sizeof(a), g->ctr.ticks));
}

/*
 * The generator lcore: its source (chosen at set-up) a batch at a time
 * until it is spent or a stop is asked, then the session's end, the
 * last orders, and the servers until the run is over.
 */
int
tw_gen_lcore_main(void *arg)
{
	struct tw_gen_lcore *g = arg;
	const struct tw_gen_source *src = g->src;
	uint64_t hz = tw_clock_hz(g->clock);
	uint64_t now = rte_rdtsc();
	char a[32];
	uint16_t q;

	TW_LOG(gen, INFO, "lcore %u: %u of %u channels (%u symbols in all), "
		"rate %s\n", g->lcore_id, g->fr.nb_own, g->fr.nb_channels,
		g->gen->p.nb_symbols, g->rate ? "paced" : "unlimited");
	/* [generator] start_delay_ms: let the receivers settle. */
	while (rte_rdtsc() - now < g->start_delay_tsc && !tw_force_quit &&
	       !tw_stop_requested)
		rte_pause();
	src->begin(g, rte_rdtsc());
	rte_rcu_qsbr_thread_online(tw_qsv, g->lcore_id);
	while (!tw_force_quit && !tw_stop_requested && src->emit(g))
		;
	if (src->drain != NULL)
		src->drain(g);
	if (src->whole_session) {
		/* A capture is the session: its own ends included. */
		rte_rcu_qsbr_thread_offline(tw_qsv, g->lcore_id);
		__atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
		src->report(g);
		return 0;
	}
	/* A stop request ends the session too: receivers drain to it. */
	if (!tw_force_quit) {
		/* The source's last messages (a day file's are its own). */
		if (src->close != NULL)
			src->close(g, rte_rdtsc());
		tw_framer_end_session(&g->fr, rte_rdtsc());
		g->ended = true;
	}
	for (q = 0; q < g->nb_txq_all; q++)
		txq_release(g, q, false);
	tw_gen_tx_flush(g, true);
	if (g->em.reply_every != 0) {
		/* The last orders are in flight: wait for them, briefly. */
		/* Up to a second: a loaded host may take that long. */
		uint64_t until = rte_rdtsc() + hz;

		while (rte_rdtsc() < until && !tw_force_quit &&
		       g->replies.matched + g->replies.lost <
				g->replies.requested) {
			tw_lcore_quiescent(g->lcore_id);
			tw_gen_poll_back(g);
			tw_gen_tx_flush(g, false);
		}
		tw_reply_finish(&g->replies);
		tw_gen_reply_counters(g);
	}
	if (g->model_out && g->proto->gen_model_end != NULL) {
		/* The recording is whole once the session is: the main
		 * lcore delivers it (run.c). */
		printf("generator: %s messages in the %s\n",
			tw_grouped(a, sizeof(a),
				g->proto->gen_model_end(g->model)),
			g->proto->recording);
	}
	__atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
	/*
	 * Receivers may still be filling gaps, a lost tail among them:
	 * serve them to the end (each reply after the end is followed by
	 * the end of session again, see serve_request in gen_serve.c).
	 */
	while ((g->store != NULL || g->em.loops != NULL) && !tw_force_quit) {
		tw_lcore_quiescent(g->lcore_id);
		if (g->store != NULL)
			tw_gen_poll_back(g);
		/* A transport's loops go on cycling (MDP 3.0). */
		if (g->em.loops != NULL)
			g->proto->gen_idle(&g->em, rte_rdtsc());
		if (g->nb_tx > 0)
			tw_gen_tx_flush(g, false);
	}
	rte_rcu_qsbr_thread_offline(tw_qsv, g->lcore_id);
	src->report(g);
	return 0;
}
