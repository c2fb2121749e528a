/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX lcore: poll the (port, queue) pairs of the plan, validate and
 * apply each burst, free it in bulk. No allocation, locks or printing.
 */
#include <inttypes.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "tickwire.h"


/* NIC RX timestamps of the burst, mapped to our clock: wire->poll. */
static void
wire_samples(struct tw_rx_lcore *rx, struct rte_mbuf **pkts, uint16_t n,
		uint64_t poll_ns)
{
	uint16_t i;

	if (!tw_clock_ready(rx->devclk))
		return;         /* the mapping needs its second pair */
	for (i = 0; i < n; i++) {
		uint64_t wire;

		if (!(pkts[i]->ol_flags & rx->ts_flag))
			continue;
		wire = tw_clock_ns(rx->devclk, *RTE_MBUF_DYNFIELD(pkts[i],
			rx->ts_offset, rte_mbuf_timestamp_t *));
		if (poll_ns >= wire)
			tw_hist_record(&rx->lat[TW_SPAN_WIRE_POLL],
				poll_ns - wire);
	}
}

/* Answer the burst's quotes that asked for an order. */
static void
send_orders(struct tw_rx_lcore *rx)
{
	struct rte_mbuf *m[TW_RX_BURST_MAX];
	uint16_t n = rx->ctx.nb_replies, i, sent;

	rx->ctx.nb_replies = 0;
	if (rte_pktmbuf_alloc_bulk(rx->reply_pool, m, n) != 0) {
		rx->ctr.orders_dropped += n;
		return;
	}
	for (i = 0; i < n; i++) {
		uint16_t len = tw_rx_order_frame(rte_pktmbuf_mtod(m[i],
			uint8_t *), &rx->replies[i], &rx->reply_mac,
			rx->reflect_ip);

		m[i]->data_len = len;
		m[i]->pkt_len = len;
	}
	sent = rte_eth_tx_burst(rx->reply_port, rx->reply_txq, m, n);
	rx->ctr.orders_sent += sent;
	if (sent < n) {
		rx->ctr.orders_dropped += n - sent;
		rte_pktmbuf_free_bulk(m + sent, n - sent);
	}
}

int
tw_rx_lcore_main(void *arg)
{
	struct tw_rx_lcore *rx = arg;
	struct rte_mbuf *pkts[TW_RX_BURST_MAX];
	uint64_t poll_ns, done_ns;
	uint16_t i;

	TW_LOG(rx, INFO, "lcore %u (socket %d): polling %u queue(s)\n",
		rx->lcore_id, rx->socket, rx->nb_queues);
	while (!tw_force_quit) {
		for (i = 0; i < rx->nb_queues; i++) {
			const struct tw_rx_queue_ref *q = &rx->queues[i];
			uint16_t n = rte_eth_rx_burst(q->port_id, q->queue,
				pkts, rx->burst);

			if (n == 0)
				continue;
			poll_ns = tw_clock_ns(rx->clock, rte_rdtsc());
			if (rx->devclk != NULL)
				wire_samples(rx, pkts, n, poll_ns);
			tw_rx_burst(&rx->ctx, pkts, n, poll_ns);
			/* One more stamp per burst: the cache is updated. */
			done_ns = tw_clock_ns(rx->clock, rte_rdtsc());
			tw_rx_record_burst(&rx->ctx, rx->lat, poll_ns, done_ns);
			if (unlikely(rx->ctx.nb_replies > 0))
				send_orders(rx);
			rte_pktmbuf_free_bulk(pkts, n);
		}
	}
	TW_LOG(rx, DEBUG, "lcore %u stopped: %" PRIu64 " packets, %" PRIu64
		" messages, %" PRIu64 " through the scalar checks\n",
		rx->lcore_id, rx->ctr.pkts, rx->ctr.msgs, rx->ctr.scalar_checked);
	return 0;
}
