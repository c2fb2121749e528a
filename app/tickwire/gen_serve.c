/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generator lcore, what comes back on its back queues: MoldUDP64
 * requests answered from the store (the request server), snapshot
 * requests answered from the ground truth (the snapshot server), and
 * orders matched to the quotes they reply to (tick to trade). Replies
 * leave through the sender's TX queues (gen_send.c). This file never
 * touches the model, the sources, pacing or the faults; of the feed's
 * framer it only closes a channel's open frame before a snapshot and
 * repeats the end of session after a late reply. No allocation but
 * mbufs, no locks, no printing.
 */
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "gen_lcore.h"

/* Channel ch's header, readdressed to r's sender from port sport. */
static void
unicast_tmpl(const struct tw_gen_lcore *g, uint16_t ch,
		const struct tw_request *r, uint16_t sport,
		struct tw_pkt_tmpl *t)
{
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;

	*t = g->tmpl[ch];
	memcpy(t->hdr, r->src_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	ip = (struct rte_ipv4_hdr *)(t->hdr + t->l2_len);
	udp = (struct rte_udp_hdr *)(ip + 1);
	ip->dst_addr = rte_cpu_to_be_32(r->src_ip);
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(r->src_port);
}

/*
 * A finished reply frame of n messages: on the channel's queue, if the
 * reply budget has room for it (false, and the frame freed, if not).
 */
static bool
reply_put(struct tw_gen_lcore *g, uint16_t ch, struct rte_mbuf *m,
		struct tw_pkt_builder *b, const struct tw_pkt_tmpl *t,
		uint16_t n, uint64_t now)
{
	uint16_t len = tw_pkt_close(b, t, n, TW_CSUM_SOFTWARE);

	if (!tw_reply_budget_take(&g->reply_budget, len, now)) {
		rte_pktmbuf_free(m);
		return false;
	}
	m->data_len = len;
	m->pkt_len = len;
	g->ctr.reply_bytes += len;
	if (g->reply_mirror)
		tw_gen_mirror_add(g, m);
	else
		tw_gen_txq_add(g, tw_gen_txq_of(g, ch), m, n, false);
	return true;
}

/*
 * Answer a snapshot request: every symbol of the channel that has a
 * directory entry or an update, as 'S' messages in the channel's frames
 * with the channel's next sequence number (what the state reflects),
 * unicast back. The open frame is closed first, so the state and that
 * number agree.
 */
static void
serve_snapshot(struct tw_gen_lcore *g, const struct tw_request *r,
		uint64_t now)
{
	const struct tw_cache *st = g->truth;
	uint16_t ch = r->channel;
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	struct rte_mbuf *m = NULL;
	uint32_t l, total = 0, n = 0;
	enum tw_request_verdict v;
	uint64_t at;

	v = tw_request_judge_snapshot(&g->rules, &g->req_rate, r, now);
	if (v != TW_REQ_SERVED) {
		g->ctr.requests[v]++;
		return;
	}
	if (g->fr.ch[ch].b.buf != NULL)
		tw_framer_close(&g->fr, ch, now);
	at = g->fr.ch[ch].next_seq;
	for (l = ch; l < st->nb_symbols; l += g->fr.nb_channels) {
		struct tw_cache_snapshot cs;

		if (tw_cache_snapshot(st, l, &cs) == 0 &&
		    (cs.ticker[0] != '\0' || cs.updates != 0))
			total++;
	}
	unicast_tmpl(g, ch, r, (uint16_t)(g->snapshot_port + ch), &t);
	for (l = ch; l < st->nb_symbols && total > 0;
	     l += g->fr.nb_channels) {
		struct tw_cache_snapshot cs;
		struct tw_snapshot sn;
		uint8_t *p;

		if (tw_cache_snapshot(st, l, &cs) != 0 ||
		    (cs.ticker[0] == '\0' && cs.updates == 0))
			continue;
		sn = (struct tw_snapshot){
			.locate = l,
			.known = cs.ticker[0] != '\0',
			.price_decimals = cs.price_decimals,
			.bid_px = cs.bid_px, .ask_px = cs.ask_px,
			.last_px = cs.last_px, .volume = cs.volume,
			.last_seq = cs.last_seq, .bid_sz = cs.bid_sz,
			.ask_sz = cs.ask_sz, .last_sz = cs.last_sz,
			.updates = cs.updates, .total = total,
		};
		tw_ticker_from_str(sn.ticker, cs.ticker);
		p = m != NULL ? tw_pkt_reserve(&b, &t, TW_MSG_SNAPSHOT_LEN) :
			NULL;
		if (p == NULL) {
			if (m != NULL && !reply_put(g, ch, m, &b, &t,
					(uint16_t)n, now)) {
				/* Out of budget: the rest is asked again. */
				g->ctr.requests_cut++;
				return;
			}
			m = rte_pktmbuf_alloc(g->pool);
			if (m == NULL) {
				g->ctr.requests[TW_REQ_NO_MBUF]++;
				return;
			}
			tw_pkt_open(&b, &t, rte_pktmbuf_mtod(m, uint8_t *), at,
				now);
			n = 0;
			p = tw_pkt_reserve(&b, &t, TW_MSG_SNAPSHOT_LEN);
		}
		tw_encode_snapshot(p, &sn);
		n++;
		g->ctr.snapshot_msgs++;
	}
	if (m != NULL && !reply_put(g, ch, m, &b, &t, (uint16_t)n, now)) {
		g->ctr.requests_cut++;
		return;
	}
	g->ctr.snapshots_served++;
}

/*
 * Answer a MoldUDP64 request: the stored messages, packed into frames
 * of the channel's own format, unicast back to the requester.
 */
static void
serve_request(struct tw_gen_lcore *g, const struct tw_request *r,
		uint64_t now)
{
	uint16_t ch = r->channel;
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	enum tw_request_verdict v;
	uint32_t count, pkts = 0;
	uint64_t seq = r->seq;

	v = tw_request_judge(&g->rules, &g->req_rate, r,
		tw_store_first(g->store, ch), g->store->end[ch], now, &count);
	if (v != TW_REQ_SERVED) {
		g->ctr.requests[v]++;
		return;
	}
	unicast_tmpl(g, ch, r, (uint16_t)(g->request_port + ch), &t);
	/* At most max_packets frames: never a reply that multiplies the
	 * request; the receiver asks again for what is left. */
	while (count > 0 && pkts < g->rules.max_packets) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(g->pool);
		uint16_t n;

		if (m == NULL) {
			g->ctr.requests[TW_REQ_NO_MBUF]++;
			return;
		}
		tw_pkt_open(&b, &t, rte_pktmbuf_mtod(m, uint8_t *), seq, now);
		n = tw_store_fill(g->store, ch, seq, count, &b, &t);
		if (n == 0) {
			rte_pktmbuf_free(m);
			break;
		}
		if (!reply_put(g, ch, m, &b, &t, n, now))
			break;
		g->ctr.retrans_pkts++;
		g->ctr.retrans_msgs += n;
		seq += n;
		count -= n;
		pkts++;
	}
	if (pkts == 0 && count > 0) {
		g->ctr.requests[TW_REQ_OVER_BUDGET]++;
		return;
	}
	if (count > 0)
		g->ctr.requests_cut++;
	g->ctr.requests[TW_REQ_SERVED]++;
	/* After the end, a receiver asking has lost the tail, and with
	 * it maybe the end: it comes again behind the reply. */
	if (g->ended && tw_framer_control(&g->fr, ch,
			TW_MOLD_COUNT_END_OF_SESSION, now) == 0)
		g->ctr.end_repeats++;
}

void
tw_gen_reply_counters(struct tw_gen_lcore *g)
{
	g->ctr.orders_requested = g->replies.requested;
	g->ctr.orders_matched = g->replies.matched;
	g->ctr.orders_duplicate = g->replies.duplicate;
	g->ctr.orders_stale = g->replies.stale;
	g->ctr.orders_lost = g->replies.lost;
}

/*
 * A frame on the back queue to a request port (the store's, then the
 * snapshot server's): served, refused or counted malformed; 0. -ENOENT
 * when it is for neither.
 */
static int
serve_back(struct tw_gen_lcore *g, const uint8_t *f, uint32_t len,
		uint64_t now)
{
	struct tw_request r;
	bool snapshot = false;
	uint64_t t0;
	int rc;

	rc = tw_request_from_frame(f, len, g->request_port, g->fr.nb_channels,
		&r);
	if (rc == -ENOENT && g->snapshot_port != 0) {
		rc = tw_request_from_frame(f, len, g->snapshot_port,
			g->fr.nb_channels, &r);
		snapshot = true;
	}
	if (rc == -ENOENT)
		return rc;
	g->ctr.request_bytes += len;
	if (rc != 0) {
		g->ctr.requests[TW_REQ_MALFORMED]++;
		return 0;
	}
	/* Serving takes serve_share_pct of a window at most: the live
	 * feed is never starved, whatever asks. */
	if (now - g->serve_window_start >= g->serve_window) {
		g->serve_window_start = now;
		g->serve_spent = 0;
	}
	if (g->serve_spent >= g->serve_allowed) {
		g->ctr.requests[TW_REQ_OVER_BUDGET]++;
		return 0;
	}
	t0 = rte_rdtsc();
	if (snapshot)
		serve_snapshot(g, &r, now);
	else
		serve_request(g, &r, now);
	g->serve_spent += rte_rdtsc() - t0;
	return 0;
}

static void
poll_back_queue(struct tw_gen_lcore *g, uint16_t port, uint16_t queue)
{
	struct rte_mbuf *m[32];
	uint16_t n, i;
	uint64_t now;

	n = rte_eth_rx_burst(port, queue, m, RTE_DIM(m));
	if (n == 0)
		return;
	now = rte_rdtsc();
	for (i = 0; i < n; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(m[i], const uint8_t *);
		struct tw_order o;
		uint64_t rtt;

		if (g->store != NULL &&
		    serve_back(g, f, m[i]->data_len, now) == 0)
			continue;
		/* The mirror's segment is the kernel's too (ARP, IGMP ...):
		 * no orders come that way, and what is not a request is
		 * only the port's to count. */
		if (g->reply_mirror)
			continue;
		if (g->em.reply_every == 0 ||
		    tw_order_from_frame(f, m[i]->data_len, &o) != 0) {
			g->ctr.orders_invalid++;
			continue;
		}
		if (tw_reply_match(&g->replies, o.reply_id, o.channel, o.seq,
				now, &rtt))
			tw_hist_record(&g->rtt, tw_clock_cycles_ns(g->clock,
				rtt));
	}
	rte_pktmbuf_free_bulk(m, n);
	if (g->em.reply_every != 0)
		tw_gen_reply_counters(g);
}

/*
 * What comes back to the generator: orders (match each, time the round
 * trip) and MoldUDP64 requests (serve them).
 */
void
tw_gen_poll_back(struct tw_gen_lcore *g)
{
	uint16_t q;

	if (unlikely(tw_port_is_paused(g->port_id)))
		return;
	for (q = 0; q < g->nb_reply_rxq; q++)
		poll_back_queue(g, g->port_id, (uint16_t)(g->reply_rxq + q));
	/* The mirror's segment: requests only, answered on it. */
	if (g->serve_mirror && !tw_port_is_paused(g->mirror_port)) {
		g->reply_mirror = true;
		poll_back_queue(g, g->mirror_port, 0);
		g->reply_mirror = false;
		tw_gen_mirror_flush(g);
	}
}
