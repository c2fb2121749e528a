/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX lcores: poll the (port, queue) pairs of the plan, hand each burst
 * to the poll step of lib/rx, answer the orders it collected, free the
 * burst in bulk. No allocation but mbufs, no locks, no printing on the
 * loop.
 */
#include <inttypes.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "tickwire.h"

/* Answer the burst's quotes that asked for an order. */
static void
send_orders(struct tw_rx_lcore *rx)
{
	struct rte_mbuf *m[TW_RX_BURST_MAX];
	struct tw_rx_path *p = &rx->path;
	uint16_t n = p->ctx.nb_replies, i, sent;

	p->ctx.nb_replies = 0;
	if (unlikely(tw_port_is_paused(rx->reply_port)) ||
	    rte_pktmbuf_alloc_bulk(rx->reply_pool, m, n) != 0) {
		p->ctr.orders_dropped += n;
		return;
	}
	for (i = 0; i < n; i++) {
		uint16_t len = tw_order_frame(rte_pktmbuf_mtod(m[i],
			uint8_t *), &p->replies[i], &rx->reply_mac,
			rx->reflect_ip);

		m[i]->data_len = len;
		m[i]->pkt_len = len;
	}
	sent = rte_eth_tx_burst(rx->reply_port, rx->reply_txq, m, n);
	p->ctr.orders_sent += sent;
	if (sent < n) {
		p->ctr.orders_dropped += n - sent;
		rte_pktmbuf_free_bulk(m + sent, n - sent);
	}
}

int
tw_rx_lcore_main(void *arg)
{
	struct tw_rx_lcore *rx = arg;
	struct rte_mbuf *pkts[TW_RX_BURST_MAX];
	uint16_t i;

	TW_LOG(rx, INFO, "lcore %u (socket %d): polling %u queue(s)\n",
		rx->lcore_id, rx->socket, rx->nb_queues);
	rte_rcu_qsbr_thread_online(tw_qsv, rx->lcore_id);
	while (!tw_force_quit) {
		tw_lcore_quiescent(rx->lcore_id);
		for (i = 0; i < rx->nb_queues; i++) {
			const struct tw_rx_queue_ref *q = &rx->queues[i];
			uint16_t n;

			if (unlikely(tw_port_is_paused(q->port_id)))
				continue;
			n = rte_eth_rx_burst(q->port_id, q->queue, pkts,
				rx->burst);
			if (n == 0)
				continue;
			tw_rx_path_frames(&rx->path, pkts, n);
			if (unlikely(rx->path.ctx.nb_replies > 0))
				send_orders(rx);
			rte_pktmbuf_free_bulk(pkts, n);
		}
	}
	rte_rcu_qsbr_thread_offline(tw_qsv, rx->lcore_id);
	TW_LOG(rx, DEBUG, "lcore %u stopped: %" PRIu64 " packets, %" PRIu64
		" messages, %" PRIu64 " through the scalar checks\n",
		rx->lcore_id, rx->path.ctr.pkts, rx->path.ctr.msgs,
		rx->path.ctr.scalar_checked);
	return 0;
}

/* The RX lcore i of the plan: queues, poll step, reply port. */
static int
rx_lcore_create(struct tw_app *app, unsigned int i)
{
	const struct tw_config *cfg = &app->cfg;
	int socket = app->tin.rx[i].socket;
	int ci = tw_topo_cache_index(&app->plan, socket);
	struct tw_rx_lcore *rx = tw_app_zalloc(socket, sizeof(*rx));
	struct tw_channel_state *channels;
	unsigned int q, c;
	int pi, rc;

	if (rx == NULL)
		return -ENOMEM;
	app->rx[app->nb_rx++] = rx;
	rx->lcore_id = app->tin.rx[i].lcore_id;
	rx->socket = socket;
	rx->burst = RTE_MIN(cfg->rx_burst, (uint16_t)TW_RX_BURST_MAX);
	for (q = 0; q < app->plan.nb_rxq; q++)
		if (app->plan.rxq[q].rx_index == i)
			rx->queues[rx->nb_queues++] = (struct tw_rx_queue_ref){
				.port_id = app->plan.rxq[q].port_id,
				.queue = app->plan.rxq[q].queue,
			};
	channels = tw_app_zalloc(socket,
		cfg->channels * sizeof(struct tw_channel_state));
	if (channels == NULL)
		return -ENOMEM;
	for (c = 0; c < cfg->channels; c++)
		tw_channel_init(&channels[c]);
	rc = tw_rx_path_init(&rx->path, app->proto, &app->feed,
		ci >= 0 ? app->caches[ci] : NULL, channels, app->simd,
		&app->clock, cfg->reflect && rx->nb_queues > 0);
	if (rc != 0)
		return rc;
	/*
	 * One writer per cache entry: the RX lcores that share this
	 * socket's cache split the channels between them (channel c to
	 * the (c % n)-th), whatever ports their frames arrive on.
	 */
	{
		unsigned int k, n = 0, me = 0;

		for (k = 0; k < app->tin.nb_rx; k++)
			if (app->tin.rx[k].socket == socket) {
				if (k == i)
					me = n;
				n++;
			}
		if (n > 1) {
			tw_rx_ctx_own(&rx->path.ctx, me, n);
			TW_LOG(rx, INFO, "lcore %u writes channels c with "
				"c %% %u == %u of the socket %d cache\n",
				rx->lcore_id, n, me, socket);
		}
	}
	pi = rx->nb_queues > 0 ?
		tw_app_port_index(app, rx->queues[0].port_id) : -1;
	if (pi >= 0 && app->port_state[pi].rx_ts)
		tw_rx_path_wire_clock(&rx->path, &app->devclk[pi],
			app->port_state[pi].ts_offset,
			app->port_state[pi].ts_flag);
	if (cfg->reflect && rx->nb_queues > 0) {
		/* Queue wiring: see tw_app_reply_rxq(). */
		rx->reply_port = rx->queues[0].port_id;
		rx->reply_txq = (uint16_t)((cfg->gen_enabled &&
			cfg->gen_port == rx->reply_port ? 1 : 0) + i);
		rx->reply_pool = tw_app_pool(app, socket);
		rx->reflect_ip = cfg->reflect_ip;
		if (rte_eth_macaddr_get(rx->reply_port, &rx->reply_mac) != 0)
			return -ENODEV;
	}
	return 0;
}

int
tw_rx_lcores_create(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	unsigned int i;
	int rc;

	rc = tw_config_rx_feed(cfg, &app->feed);
	if (rc != 0)
		return rc;
	for (i = 0; i < app->tin.nb_rx; i++) {
		rc = rx_lcore_create(app, i);
		if (rc != 0)
			return rc;
	}
	return 0;
}
