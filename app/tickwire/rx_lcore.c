/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX lcores: poll the (port, queue) pairs of the plan, hand each burst
 * to the poll step of lib/rx, answer the orders it collected, free the
 * burst in bulk. No allocation but mbufs, no locks, no printing on the
 * loop.
 */
#include <inttypes.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_epoll.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

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

/*
 * Recovery: ask channel's server for [first, first + count), or its
 * snapshot server for the channel's state.
 */
static int
send_request(void *arg, uint32_t channel, const struct tw_channel_state *ch,
		uint64_t first, uint16_t count, bool snapshot)
{
	struct tw_rx_lcore *rx = arg;
	const struct tw_rx_feed *feed = rx->path.ctx.feed;
	struct tw_request r = {
		.channel = (uint16_t)channel,
		.seq = first,
		.count = count,
		.src_mac = rx->reply_mac,
		.src_ip = rx->reflect_ip,
		.src_port = feed->udp_port,
	};
	struct rte_ether_addr dst;
	struct rte_mbuf *m;

	if (rx->reply_pool == NULL ||
	    unlikely(tw_port_is_paused(rx->reply_port)))
		return -EAGAIN;
	m = rte_pktmbuf_alloc(rx->reply_pool);
	if (m == NULL)
		return -ENOBUFS;
	memcpy(r.session, ch->session, TW_MOLD_SESSION_LEN);
	if (!feed->session_any)
		memcpy(r.session, feed->session, TW_MOLD_SESSION_LEN);
	/* The configured server; its MAC learnt or configured, else
	 * broadcast (a late joiner that saw no frame from it yet). */
	memcpy(dst.addr_bytes, ch->server_mac, RTE_ETHER_ADDR_LEN);
	if (rte_is_zero_ether_addr(&dst))
		memset(dst.addr_bytes, 0xff, RTE_ETHER_ADDR_LEN);
	m->data_len = tw_request_frame(rte_pktmbuf_mtod(m, uint8_t *), &r,
		&dst, feed->server_ip, snapshot ? feed->snapshot_port :
		feed->request_port);
	m->pkt_len = m->data_len;
	if (rte_eth_tx_burst(rx->reply_port, rx->reply_txq, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return -EAGAIN;
	}
	return 0;
}

/* The gaps' timers: every check_tsc while some are open, at once for a
 * new one or for the rest of one whose reply is in. */
static inline void
recovery(struct tw_rx_lcore *rx)
{
	uint64_t now;

	if (likely(rx->path.ctr.gaps_open == 0) &&
	    likely(rx->path.ctr.snaps_wanted == 0))
		return;
	now = rte_rdtsc();
	if (now < rx->next_check &&
	    rx->path.ctr.asks_now == rx->asks_checked)
		return;
	rx->asks_checked = rx->path.ctr.asks_now;
	rx->next_check = now + rx->check_tsc;
	tw_rx_recovery_poll(&rx->path.ctx, tw_clock_ns(rx->path.clock, now),
		rx->rerequest ? send_request : NULL, rx);
}

/* An interrupt wait is this long at most: quit and relinks stay quick. */
#define IDLE_WAIT_MS 10
/* A pause round of [rx] idle = pause, doubling up to this many cycles. */
#define IDLE_PAUSE_MAX_CYCLES 100000

/* This thread's epoll set gets the RX interrupt of each queue. */
static int
idle_setup(struct tw_rx_lcore *rx)
{
	uint16_t i;
	int rc;

	if (rx->idle != TW_IDLE_INTERRUPT)
		return 0;
	for (i = 0; i < rx->nb_queues; i++) {
		rc = rte_eth_dev_rx_intr_ctl_q(rx->queues[i].port_id,
			rx->queues[i].queue, RTE_EPOLL_PER_THREAD,
			RTE_INTR_EVENT_ADD, NULL);
		if (rc != 0) {
			TW_LOG(rx, WARNING, "lcore %u: port %u queue %u has "
				"no RX interrupt (%s); polling instead\n",
				rx->lcore_id, rx->queues[i].port_id,
				rx->queues[i].queue, rte_strerror(-rc));
			rx->idle = TW_IDLE_POLL;
			return rc;
		}
	}
	return 0;
}

/*
 * A queue whose interrupt may be touched: port not paused, link up. A
 * memif port's rings go with its link (memif_guard.c keeps them mapped
 * while this lcore is online, so the answer holds until it sleeps).
 */
static bool
armable(uint16_t port_id)
{
	struct rte_eth_link link;

	if (tw_port_is_paused(port_id))
		return false;
	memset(&link, 0, sizeof(link));
	return rte_eth_link_get_nowait(port_id, &link) == 0 &&
		link.link_status == RTE_ETH_LINK_UP;
}

/*
 * Nothing arrived for idle_polls passes. pause: spin on pause
 * instructions for a round that doubles while idle (the core stays
 * busy to the OS; its sibling thread and the power budget gain).
 * interrupt: arm every queue's RX interrupt, sleep in epoll (offline
 * for QSBR, so a relink never waits on a sleeper) until a frame or
 * IDLE_WAIT_MS, disarm.
 */
static void
idle(struct tw_rx_lcore *rx, uint64_t *pause_cycles)
{
	struct rte_epoll_event ev[TW_MAX_RXQ];
	uint16_t i;

	rx->idle_sleeps++;
	if (rx->idle == TW_IDLE_PAUSE) {
		uint64_t until = rte_rdtsc() + *pause_cycles;

		while (rte_rdtsc() < until)
			rte_pause();
		if (*pause_cycles < IDLE_PAUSE_MAX_CYCLES)
			*pause_cycles *= 2;
		return;
	}
	for (i = 0; i < rx->nb_queues; i++)
		if (armable(rx->queues[i].port_id))
			rte_eth_dev_rx_intr_enable(rx->queues[i].port_id,
				rx->queues[i].queue);
	rte_rcu_qsbr_thread_offline(tw_qsv, rx->lcore_id);
	rte_epoll_wait(RTE_EPOLL_PER_THREAD, ev, rx->nb_queues,
		IDLE_WAIT_MS);
	rte_rcu_qsbr_thread_online(tw_qsv, rx->lcore_id);
	for (i = 0; i < rx->nb_queues; i++)
		if (armable(rx->queues[i].port_id))
			rte_eth_dev_rx_intr_disable(rx->queues[i].port_id,
				rx->queues[i].queue);
}

/*
 * One pass over the lcore's queues: each burst through the poll step,
 * the orders it collected answered (answer: false once the run is over),
 * the burst freed. true when anything came.
 */
static inline bool
poll_queues(struct tw_rx_lcore *rx, struct rte_mbuf **pkts, bool answer)
{
	bool got = false;
	uint16_t i, n;

	for (i = 0; i < rx->nb_queues; i++) {
		const struct tw_rx_queue_ref *q = &rx->queues[i];

		if (unlikely(tw_port_is_paused(q->port_id)))
			continue;
		n = rte_eth_rx_burst(q->port_id, q->queue, pkts, rx->burst);
		if (n == 0) {
			/* An empty poll's stamp: the loop's interruptions. */
			tw_rx_path_idle_stamp(&rx->path, rte_rdtsc());
			continue;
		}
		got = true;
		tw_rx_path_frames(&rx->path, pkts, n);
		if (unlikely(rx->path.ctx.nb_replies > 0)) {
			if (answer)
				send_orders(rx);
			else
				rx->path.ctx.nb_replies = 0;
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	return got;
}

/*
 * The run is over: what the ports already delivered to this lcore's
 * queues is taken in and counted before it stops, so every frame the
 * sender put on a ring is accounted for (the queues are finite: a
 * pass that brings nothing means they are empty).
 */
#define DRAIN_MAX_PASSES 4096

static void
drain(struct tw_rx_lcore *rx, struct rte_mbuf **pkts)
{
	unsigned int pass;

	/* No answers now: the generator has stopped. */
	for (pass = 0; pass < DRAIN_MAX_PASSES; pass++)
		if (!poll_queues(rx, pkts, false))
			break;
}

int
tw_rx_lcore_main(void *arg)
{
	struct tw_rx_lcore *rx = arg;
	struct rte_mbuf *pkts[TW_RX_BURST_MAX];
	uint64_t pause_cycles = 64;
	uint32_t empty = 0;
	bool got;

	TW_LOG(rx, INFO, "lcore %u (socket %d): polling %u queue(s)\n",
		rx->lcore_id, rx->socket, rx->nb_queues);
	idle_setup(rx);
	rte_rcu_qsbr_thread_online(tw_qsv, rx->lcore_id);
	tw_noise_begin(&rx->noise, rte_rdtsc());
	while (!tw_force_quit) {
		tw_lcore_quiescent(rx->lcore_id);
		if (unlikely(rx->idle != TW_IDLE_POLL) &&
		    unlikely(empty >= rx->idle_polls)) {
			idle(rx, &pause_cycles);
			/* A wait of its own choosing, not an interruption. */
			tw_noise_mark(&rx->noise, rte_rdtsc());
			empty = 0;
		}
		got = poll_queues(rx, pkts, true);
		recovery(rx);
		if (got) {
			empty = 0;
			pause_cycles = 64;
		} else {
			empty++;
		}
	}
	drain(rx, pkts);
	rte_rcu_qsbr_thread_offline(tw_qsv, rx->lcore_id);
	{
		char a[32], b[32], c[32], d[32];

		TW_LOG(rx, DEBUG, "lcore %u stopped: %s packets, %s messages, "
			"%s through the scalar checks, %s idle rounds\n",
			rx->lcore_id,
			tw_grouped(a, sizeof(a), rx->path.ctr.pkts),
			tw_grouped(b, sizeof(b), rx->path.ctr.msgs),
			tw_grouped(c, sizeof(c), rx->path.ctr.scalar_checked),
			tw_grouped(d, sizeof(d), rx->idle_sleeps));
	}
	return 0;
}

/*
 * One writer per cache entry. Channel c rides RX queue c % queues of a
 * port (the sender's TX queue on net_ring and memif, rte_flow rules on
 * a NIC); among the RX lcores that share this socket's cache, c belongs
 * to the one that polls that queue, on the first port where one does
 * (the plan's order), or else to the (c % n)-th of them. A frame of c
 * reaching another lcore of the cache (the same feed on a second port,
 * a queue the steering missed) is dropped as not_owner.
 */
static void
own_channels(struct tw_app *app, struct tw_rx_lcore *rx, unsigned int i,
		int socket)
{
	const struct tw_config *cfg = &app->cfg;
	bool own[TW_RX_MAX_CHANNELS] = { false };
	unsigned int group[TW_MAX_RX_LCORES], n = 0, k, q, c, mine = 0;

	for (k = 0; k < app->tin.nb_rx; k++)
		if (app->tin.rx[k].socket == socket)
			group[n++] = k;
	if (n < 2)
		return;
	for (c = 0; c < cfg->channels; c++) {
		unsigned int owner = group[c % n];

		for (q = 0; q < app->plan.nb_rxq; q++) {
			const struct tw_topo_rxq *r = &app->plan.rxq[q];

			if (r->queue == c % cfg->rx_queues &&
			    r->rx_index < app->tin.nb_rx &&
			    app->tin.rx[r->rx_index].socket == socket) {
				owner = r->rx_index;
				break;
			}
		}
		own[c] = owner == i;
		mine += own[c];
	}
	tw_rx_ctx_own_channels(&rx->path.ctx, own, cfg->channels);
	TW_LOG(rx, INFO, "lcore %u writes %u of the %u channels (those "
		"whose queue c %% %u it polls) of the socket %d cache\n",
		rx->lcore_id, mine, cfg->channels, cfg->rx_queues, socket);
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
	rx->idle = cfg->idle;
	rx->idle_polls = cfg->idle_polls;
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
	rx->rerequest = cfg->rerequest;
	rc = tw_rx_path_init(&rx->path, app->proto, &app->feed,
		ci >= 0 ? app->caches[ci] : NULL, channels, app->simd,
		&app->clock, cfg->reflect && rx->nb_queues > 0);
	if (rc != 0)
		return rc;
	own_channels(app, rx, i, socket);
	tw_noise_init(&rx->noise, cfg->stall_threshold_ns,
		tw_clock_hz(&app->clock));
	tw_rx_path_noise(&rx->path, &rx->noise);
	pi = rx->nb_queues > 0 ?
		tw_app_port_index(app, rx->queues[0].port_id) : -1;
	if (pi >= 0 && app->port_state[pi].rx_ts)
		tw_rx_path_wire_clock(&rx->path, &app->devclk[pi],
			app->port_state[pi].ts_offset,
			app->port_state[pi].ts_flag);
	if (app->proto->rx_state_create != NULL) {
		/* This lcore's books: its symbols have no other writer. */
		char err[TW_PATH_MAX + 128];

		rx->path.ctx.proto_state = app->proto->rx_state_create(cfg,
			socket, err, sizeof(err));
		if (rx->path.ctx.proto_state == NULL) {
			TW_LOG(app, ERR, "%s\n", err);
			return -ENOMEM;
		}
	}
	/* Gaps are tracked (and filled, and given up) per symbol. */
	rx->path.ctx.side = tw_app_zalloc(socket,
		cfg->symbols * sizeof(struct tw_rx_side));
	if (rx->path.ctx.side == NULL)
		return -ENOMEM;
	rx->check_tsc = tw_clock_hz(&app->clock) / 1000000 *
		RTE_MAX(cfg->timeout_us / 4, 1u);
	if ((cfg->reflect || cfg->rerequest) && rx->nb_queues > 0) {
		/* Queue wiring: see tw_app_reply_rxq(). */
		rx->reply_port = rx->queues[0].port_id;
		rx->reply_txq = (uint16_t)((cfg->gen_enabled &&
			cfg->gen_port == rx->reply_port ? cfg->gen_queues : 0) +
			i);
		rx->reply_pool = tw_app_pool(app, socket);
		rx->reflect_ip = cfg->reflect_ip;
		if (rte_eth_macaddr_get(rx->reply_port, &rx->reply_mac) != 0)
			return -ENODEV;
	}
	return 0;
}

int
tw_app_dump_books(const struct tw_app *app, FILE *f)
{
	const struct tw_config *cfg = &app->cfg;
	uint32_t l;
	unsigned int i;

	app->proto->books_csv_header(f);
	for (l = 0; l < cfg->symbols; l++) {
		uint32_t ch = l % cfg->channels;

		for (i = 0; i < app->nb_rx; i++) {
			const struct tw_rx_ctx *ctx = &app->rx[i]->path.ctx;

			if ((ctx->owned[ch / 64] >> (ch % 64)) & 1) {
				app->proto->books_csv_row(ctx->proto_state,
					l, f);
				break;
			}
		}
	}
	return ferror(f) ? -EIO : 0;
}

/* The generators' truth books: each symbol's from the lcore of its
 * channel (gen_setup.c: channel c is lcore c % n's). */
int
tw_app_dump_truth_books(const struct tw_app *app, FILE *f)
{
	const struct tw_config *cfg = &app->cfg;
	uint32_t l;

	app->proto->books_csv_header(f);
	for (l = 0; l < cfg->symbols; l++) {
		const struct tw_gen_lcore *g =
			app->gen[l % cfg->channels % app->nb_gen];

		app->proto->gen_books_csv_row(g->model, l, f);
	}
	return ferror(f) ? -EIO : 0;
}

int
tw_rx_lcores_create(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	unsigned int i;
	int rc;

	rc = tw_protocol_rx_feed(app->proto, cfg, &app->feed);
	if (rc != 0)
		return rc;
	for (i = 0; i < app->tin.nb_rx; i++) {
		rc = rx_lcore_create(app, i);
		if (rc != 0)
			return rc;
	}
	return 0;
}
