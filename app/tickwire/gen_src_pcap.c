/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generator source: a capture ([replay]) sent instead of the model, its
 * frames as they are (restamped if asked), counted as the generator
 * counts its own. The capture is the whole session, its ends included.
 * Owns only its place in the capture and its timing; never touches the
 * model, the framer or the servers. The capture was loaded at set-up
 * (gen_setup.c): nothing allocated here but mbufs. Its loop's gaps are
 * recorded as the model source's are (lib/noise): each frame's clock
 * read (and each of a wait's) is a tick; a burst sent is its own work.
 */
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "gen_lcore.h"

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


static void
pcap_begin(struct tw_gen_lcore *g, uint64_t now)
{
	g->at.pcap.start = now;
	g->at.pcap.next = 0;
	g->at.pcap.quit = false;
	tw_noise_begin(&g->noise, now);
}

/* Frames left (fewer pending than before): the send was the loop's own
 * work, not a gap. A clock read per burst, not per frame. */
static inline void
pcap_sent(struct tw_gen_lcore *g, uint32_t pending)
{
	if (g->nb_tx < pending || pending == 0)
		tw_noise_mark(&g->noise, rte_rdtsc());
}

/*
 * [replay]: the capture's frames instead of the model, at its own timing
 * (scaled by speed), at a rate, or as fast as the port takes them; a
 * batch of frames at a time.
 */
static bool
pcap_emit(struct tw_gen_lcore *g)
{
	const struct tw_pcap *p = &g->replay;
	uint64_t hz = tw_clock_hz(g->clock), start = g->at.pcap.start;
	unsigned int k;

	for (k = 0; k < TW_GEN_BATCH && g->at.pcap.next < p->nb &&
	     !tw_force_quit && !tw_stop_requested; k++) {
		uint32_t i = g->at.pcap.next++;
		uint64_t due = 0, now;
		struct rte_mbuf *m;
		uint32_t pending;
		uint16_t msgs;

		if (g->replay_rate != 0)
			due = start + i * (hz / g->replay_rate);
		else if (g->replay_speed > 0)
			due = start + (uint64_t)((double)(p->ts_ns[i] -
				p->ts_ns[0]) / g->replay_speed * (double)hz /
				1e9);
		/* Each clock read is the loop's stamp (lib/noise). */
		for (;;) {
			now = rte_rdtsc();
			tw_noise_tick(&g->noise, now);
			if (now >= due)
				break;
			tw_lcore_quiescent(g->lcore_id);
			if (g->nb_tx > 0) {
				uint32_t pending = g->nb_tx;

				tw_gen_tx_flush(g, false);
				pcap_sent(g, pending);
			}
			if (tw_force_quit) {
				g->at.pcap.quit = true;
				return false;
			}
		}
		m = rte_pktmbuf_alloc(g->pool);
		if (m == NULL) {
			tw_gen_tx_flush(g, true);
			pcap_sent(g, 0);
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
		pending = g->nb_tx + 1;
		tw_gen_txq_add(g, 0, m, msgs, true);
		if (due != 0 && g->nb_tx > 0)
			tw_gen_tx_flush(g, false);
		pcap_sent(g, pending);
	}
	return g->at.pcap.next < p->nb;
}

/* What is queued goes, unless the quit came while waiting. */
static void
pcap_drain(struct tw_gen_lcore *g)
{
	if (!g->at.pcap.quit)
		tw_gen_tx_flush(g, true);
}

static void
pcap_report(const struct tw_gen_lcore *g)
{
	char a[32], b[32];

	TW_LOG(gen, INFO, "lcore %u: replayed %s of %s frames\n",
		g->lcore_id, tw_grouped(a, sizeof(a), g->ctr.pkts),
		tw_grouped(b, sizeof(b), g->replay.nb));
}

const struct tw_gen_source tw_gen_src_pcap = {
	.name = "pcap",
	.whole_session = true,
	.begin = pcap_begin,
	.emit = pcap_emit,
	.drain = pcap_drain,
	.report = pcap_report,
};
