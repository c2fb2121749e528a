/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire's ports, set up on the main lcore once the memory is: what
 * each port of the plan is given (its RX queues with their mempools,
 * the generator's TX queues, the back queues where orders and requests
 * come back, the mirror's), its start, its multicast groups, the
 * channels' steering, the feed's source MAC for what comes back, and
 * the wait for its link; which queue is whose on the back path, which
 * every role asks here; and the NIC clocks of ports with RX timestamps.
 * Never touches the plan (setup.c chooses the ports and who polls
 * them), the lcores, or a port once the run has it (run.c).
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "tickwire.h"

/* An [rx] port, or line B's own port of a receiver. */
bool
tw_app_is_rx_port(const struct tw_app *app, uint16_t port_id)
{
	unsigned int i;

	if (app->cfg.rx_enabled && tw_app_is_line_b_port(app, port_id))
		return true;
	for (i = 0; i < app->cfg.nb_rx_ports; i++)
		if (app->cfg.rx_ports[i] == port_id)
			return true;
	return false;
}

bool
tw_app_is_line_b_port(const struct tw_app *app, uint16_t port_id)
{
	uint16_t b;

	return tw_config_line_b_port(&app->cfg, &b) && b == port_id;
}

/* A port the generator sends the feed on: line A's, or line B's own. */
static bool
is_gen_tx_port(const struct tw_app *app, uint16_t port_id)
{
	return app->cfg.gen_enabled && (app->cfg.gen_port == port_id ||
		tw_app_is_line_b_port(app, port_id));
}

static int
read_devclock(void *arg, uint64_t *ctr)
{
	return rte_eth_read_clock(*(const uint16_t *)arg, ctr);
}

/* Start the NIC clock mappings of ports that give RX timestamps. */
void
tw_app_devclocks_init(struct tw_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++) {
		uint64_t dev, ns;
		int rc;

		if (!app->port_state[i].rx_ts)
			continue;
		rc = tw_clock_pair_counter(&app->clock, read_devclock,
			&app->ports[i], &dev, &ns);
		if (rc != 0) {
			TW_LOG(app, WARNING, "port %u: RX timestamps but no "
				"readable clock (%s): wire arrival = RX poll\n",
				app->ports[i], rte_strerror(-rc));
			app->port_state[i].rx_ts = false;
			continue;
		}
		tw_clock_counter_init(&app->devclk[i], dev, ns);
	}
}

/* Re-anchor them, with the rate since start, from the main lcore. */
void
tw_app_devclocks_refresh(struct tw_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++) {
		uint64_t dev, ns;

		if (app->port_state[i].rx_ts &&
		    tw_clock_pair_counter(&app->clock, read_devclock,
				&app->ports[i], &dev, &ns) == 0)
			tw_clock_counter_update(&app->devclk[i], dev, ns);
	}
}

/*
 * Where orders come back to the generator: the first RX queue of its
 * port that no RX lcore polls. On net_ring a frame sent on TX queue q
 * arrives on RX queue q, and over memif the peer's TX queue q is our
 * RX queue q: the reflecting RX lcore i sends on TX queue G + i when it
 * shares the generator's port of G queues, on i otherwise (see
 * rx_lcore_create).
 */
uint16_t
tw_app_reply_rxq(const struct tw_app *app)
{
	return tw_app_is_rx_port(app, app->cfg.gen_port) && app->cfg.rx_enabled ?
		app->cfg.rx_queues : 0;
}

/*
 * How many queues from tw_app_reply_rxq() the generator polls: one per
 * RX lcore of this process on its port; over memif, where the peer's RX
 * lcores send, as many as its own TX queues (a memif link has as many
 * rings each way as the peer expects: keep [generator] queues equal to
 * the processor's RX lcores when it asks or reflects).
 */
uint16_t
tw_app_reply_nb_rxq(const struct tw_app *app)
{
	if (tw_app_is_rx_port(app, app->cfg.gen_port) && app->cfg.rx_enabled)
		return (uint16_t)RTE_MAX(app->tin.nb_rx, 1u);
	return app->cfg.gen_queues;
}

/*
 * Does the request server also answer on the mirror port? When there is
 * a server and the mirror's segment is not one this process receives
 * on: its receivers (tickwire-sockrx on a tap, another host) may ask.
 */
bool
tw_app_serves_mirror(const struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;

	return cfg->gen_enabled && cfg->store_messages > 0 &&
		cfg->nb_mirror_ports > 0 &&
		!tw_app_is_rx_port(app, (uint16_t)cfg->mirror_ports[0]);
}

static bool
port_is_memif(uint16_t port_id)
{
	struct rte_eth_dev_info info;

	return rte_eth_dev_info_get(port_id, &info) == 0 &&
		info.driver_name != NULL &&
		strcmp(info.driver_name, "net_memif") == 0;
}

/* Channel c to RX queue c % queues: rte_flow where the port has it
 * (on line B's own port, line B's groups). */
static void
steer(struct tw_app *app, uint16_t port_id)
{
	const struct tw_config *cfg = &app->cfg;
	int rc = tw_port_steer(port_id, tw_app_is_line_b_port(app, port_id) ?
		cfg->group_b : cfg->group, cfg->channels, cfg->udp_port,
		cfg->rx_queues);

	if (rc == 0)
		TW_LOG(app, INFO, "port %u: channel c steered to RX queue "
			"c %% %u by rte_flow\n", port_id, cfg->rx_queues);
	else if (rc == -ENOTSUP)
		TW_LOG(app, INFO, "port %u: no rte_flow; channel c reaches "
			"RX queue c %% %u only if the sender sends it on that "
			"queue (net_ring, memif: [generator] queues = %u)\n",
			port_id, cfg->rx_queues, cfg->rx_queues);
	else
		TW_LOG(app, WARNING, "port %u: steering the channels to "
			"their queues failed (%s); frames on a wrong queue "
			"are dropped as not_owner\n", port_id,
			rte_strerror(-rc));
}

int
tw_app_ports(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	unsigned int i, q;
	int rc;

	for (i = 0; i < app->nb_ports; i++) {
		struct tw_port_conf pc = {
			.port_id = app->ports[i],
			.rx_desc = cfg->rx_desc,
			.tx_desc = cfg->tx_desc,
			.mtu = cfg->mtu,
			.csum_offload = cfg->csum_offload == TW_OFFLOAD_AUTO,
			.rx_timestamp = cfg->rx_timestamps == TW_OFFLOAD_AUTO,
			.rx_intr = cfg->idle == TW_IDLE_INTERRUPT &&
				tw_app_is_rx_port(app, app->ports[i]),
			.start_wait_s = cfg->link_wait_s,
			.quit = &tw_stop_requested,
		};

		for (q = 0; q < app->plan.nb_rxq; q++) {
			const struct tw_topo_rxq *r = &app->plan.rxq[q];

			if (r->port_id != pc.port_id)
				continue;
			pc.rxq_pool[r->queue] = tw_app_pool(app, r->pool_socket);
			pc.nb_rxq = RTE_MAX(pc.nb_rxq, r->queue + 1);
		}
		/* Line B's own port has TX queues as line A's. */
		if (is_gen_tx_port(app, pc.port_id) || (cfg->gen_enabled &&
		    cfg->nb_mirror_ports > 0 &&
		    cfg->mirror_ports[0] == pc.port_id)) {
			pc.nb_txq = is_gen_tx_port(app, pc.port_id) ?
				cfg->gen_queues : 1;
			pc.idle_rx_pool = tw_app_pool(app,
				app->plan.gen_pool_socket);
		}
		/* The request server answers on the mirror's segment too. */
		if (tw_app_serves_mirror(app) &&
		    cfg->mirror_ports[0] == pc.port_id) {
			pc.rxq_pool[0] = tw_app_pool(app,
				app->plan.gen_pool_socket);
			pc.nb_rxq = RTE_MAX(pc.nb_rxq, 1u);
		}
		/* Tick to trade and re-requests: the generator's queue for
		 * the orders and requests ... */
		/*
		 * A memif pair links only when each side's TX queues are the
		 * other's RX queues: on memif the back queues exist whatever
		 * either side's recovery settings (unpolled when unused), on
		 * line B's own port too (nothing comes back there).
		 */
		if ((cfg->gen_enabled && (cfg->reply_every > 0 ||
		    cfg->store_messages > 0 || port_is_memif(pc.port_id)) &&
		    cfg->gen_port == pc.port_id) ||
		    (is_gen_tx_port(app, pc.port_id) &&
		     port_is_memif(pc.port_id))) {
			uint16_t q0 = tw_app_reply_rxq(app);
			uint16_t nq = tw_app_reply_nb_rxq(app);

			for (q = q0; q < (unsigned int)(q0 + nq); q++)
				pc.rxq_pool[q] = tw_app_pool(app,
					app->plan.gen_pool_socket);
			pc.nb_rxq = RTE_MAX(pc.nb_rxq, q0 + nq);
		}
		/* ... and one TX queue per RX lcore that sends them. */
		if (cfg->rx_enabled && (cfg->reflect || cfg->rerequest ||
		    port_is_memif(pc.port_id)) &&
		    tw_app_is_rx_port(app, pc.port_id))
			pc.nb_txq = (is_gen_tx_port(app, pc.port_id) ?
				cfg->gen_queues : 0) + app->tin.nb_rx;
		rc = tw_port_start(&pc, &app->port_state[i]);
		if (rc != 0)
			return rc;
		app->port_started[i] = true;
		if (pc.nb_rxq > 0 && tw_app_is_line_b_port(app, pc.port_id)) {
			/* Line B's own port: its groups only. */
			tw_port_join(pc.port_id, cfg->group_b, cfg->channels,
				0, &app->port_state[i]);
			TW_LOG(app, INFO, "port %u (line B) receives the "
				"groups by %s\n", pc.port_id,
				app->port_state[i].mcast_mode);
		} else if (pc.nb_rxq > 0) {
			uint16_t b;

			tw_port_join(pc.port_id, cfg->group, cfg->channels,
				cfg->lines == 2 &&
				!tw_config_line_b_port(cfg, &b) ?
				cfg->group_b : 0, &app->port_state[i]);
			TW_LOG(app, INFO, "port %u receives the groups by %s\n",
				pc.port_id, app->port_state[i].mcast_mode);
		}
		if (tw_app_is_rx_port(app, pc.port_id) && cfg->rx_queues > 1)
			steer(app, pc.port_id);
		/* Orders and requests come back to the feed's source MAC. */
		if ((cfg->gen_enabled && cfg->gen_port == pc.port_id &&
		     (cfg->reply_every > 0 || cfg->store_messages > 0)) ||
		    (tw_app_serves_mirror(app) &&
		     cfg->mirror_ports[0] == pc.port_id))
			TW_LOG(app, INFO, "port %u takes frames to the feed's "
				"source MAC by %s\n", pc.port_id,
				tw_port_accept_mac(pc.port_id, &cfg->src_mac));
	}
	for (i = 0; i < app->nb_ports; i++) {
		rc = tw_port_wait_link(app->ports[i], cfg->link_wait_s,
			&tw_stop_requested);
		if (rc != 0) {
			TW_LOG(app, ERR, "port %u: link still down after %u s "
				"(for memif: is the peer process running?)\n",
				app->ports[i], cfg->link_wait_s);
			return rc;
		}
	}
	return 0;
}
