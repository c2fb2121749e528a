/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire's set-up on the main lcore, in the order main() calls it:
 * the SIMD level, the placement plan, mempools and symbol caches on
 * their sockets, ports (queues, offloads, multicast, link), NIC clocks,
 * what is published for tools; and the teardown.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_pdump.h>
#include <rte_vect.h>

#include "tickwire.h"

/*
 * The SIMD level of both hot loops: [run] simd (or --simd), or the best
 * the CPU has within the EAL's max SIMD bitwidth.
 */
int
tw_app_choose_simd(struct tw_app *app)
{
	unsigned int max_bits = rte_vect_get_max_simd_bitwidth();
	char err[TW_ERR_MAX];
	bool capped;
	int level;

	level = tw_simd_resolve(app->cfg.simd, max_bits, &capped, err,
		sizeof(err));
	if (level < 0) {
		fprintf(stderr, "tickwire: [run] simd = '%s': %s\n",
			tw_simd_name(app->cfg.simd), err);
		return -ENOTSUP;
	}
	/*
	 * The EAL's cap was set on purpose: an explicit wider level is
	 * refused, both named (the default cap gives way to an explicit
	 * level, as said below).
	 */
	if (capped && strstr(app->eal_line, "--force-max-simd-bitwidth")) {
		fprintf(stderr, "tickwire: --simd %s needs %u-bit vectors, but "
			"the EAL options cap them at %u "
			"(--force-max-simd-bitwidth): drop one of the two\n",
			tw_simd_name(level), tw_simd_bits(level), max_bits);
		return -ENOTSUP;
	}
	app->simd = level;
	printf("simd: %s (%s; EAL max SIMD bitwidth %u)\n",
		tw_simd_name(app->simd),
		app->cfg.simd == TW_SIMD_AUTO ? "auto" : "requested", max_bits);
	if (capped)
		TW_LOG(app, WARNING, "simd %s is wider than the EAL max SIMD "
			"bitwidth %u; using it because it was asked for\n",
			tw_simd_name(app->simd), max_bits);
	return 0;
}

static int
check_lcore(unsigned int lcore, const char *what)
{
	if (lcore >= RTE_MAX_LCORE || !rte_lcore_is_enabled(lcore)) {
		TW_LOG(app, ERR, "%s lcore %u is not among the EAL lcores; "
			"give it in [eal] args (-l or --lcores)\n", what,
			lcore);
		return -EINVAL;
	}
	if (lcore == rte_get_main_lcore()) {
		TW_LOG(app, ERR, "%s lcore %u is the main lcore, which stays "
			"free for control\n", what, lcore);
		return -EINVAL;
	}
	return 0;
}

int
tw_app_port_index(const struct tw_app *app, uint16_t port_id)
{
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++)
		if (app->ports[i] == port_id)
			return (int)i;
	return -ENOENT;
}

static int
add_port(struct tw_app *app, uint16_t port_id)
{
	int i = tw_app_port_index(app, port_id);

	if (i >= 0)
		return i;
	if (!rte_eth_dev_is_valid_port(port_id)) {
		TW_LOG(app, ERR, "port %u does not exist (%u ports found); "
			"check the vdev or PCI arguments in [eal] args\n",
			port_id, rte_eth_dev_count_avail());
		return -ENODEV;
	}
	app->ports[app->nb_ports] = port_id;
	return (int)app->nb_ports++;
}

int
tw_app_plan(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	struct tw_topo_input *in = &app->tin;
	unsigned int i;
	int idx, rc;

	memset(in, 0, sizeof(*in));
	if (cfg->gen_enabled) {
		uint32_t gen[TW_MAX_GEN_LCORES];
		unsigned int nb_gen = tw_config_gen_lcores(cfg, gen);

		for (i = 0; i < nb_gen; i++) {
			rc = check_lcore(gen[i], "[generator]");
			if (rc != 0)
				return rc;
			if (rte_lcore_to_socket_id(gen[i]) !=
			    rte_lcore_to_socket_id(gen[0]))
				TW_LOG(app, WARNING, "generator lcores %u and "
					"%u are on different sockets; the "
					"model and its mempool are on %u's\n",
					gen[0], gen[i], gen[0]);
		}
		idx = add_port(app, cfg->gen_port);
		if (idx < 0)
			return idx;
		in->gen_enabled = 1;
		in->gen.lcore_id = gen[0];
		in->gen.socket = (int)rte_lcore_to_socket_id(gen[0]);
		in->gen_port_id = cfg->gen_port;
		in->gen_port_socket = tw_port_socket(cfg->gen_port);
		if (cfg->nb_mirror_ports > 0) {
			idx = add_port(app, (uint16_t)cfg->mirror_ports[0]);
			if (idx < 0)
				return idx;
		}
	}
	if (cfg->rx_enabled) {
		for (i = 0; i < cfg->nb_rx_lcores; i++) {
			rc = check_lcore(cfg->rx_lcores[i], "[rx]");
			if (rc != 0)
				return rc;
			in->rx[i].lcore_id = cfg->rx_lcores[i];
			in->rx[i].socket =
				(int)rte_lcore_to_socket_id(cfg->rx_lcores[i]);
		}
		in->nb_rx = cfg->nb_rx_lcores;
		for (i = 0; i < cfg->nb_rx_ports; i++) {
			idx = add_port(app, (uint16_t)cfg->rx_ports[i]);
			if (idx < 0)
				return idx;
			in->ports[in->nb_ports++] = (struct tw_topo_port){
				.port_id = (uint16_t)cfg->rx_ports[i],
				.socket = tw_port_socket(cfg->rx_ports[i]),
				.nb_rxq = cfg->rx_queues,
			};
		}
	}
	rc = tw_topo_plan(in, &app->plan);
	if (rc != 0) {
		TW_LOG(app, ERR, "placement: no plan for %u RX queues on %u "
			"RX lcores\n", cfg->nb_rx_ports * cfg->rx_queues,
			in->nb_rx);
		return rc;
	}
	tw_topo_print(in, &app->plan, stdout);
	for (i = 0; i < app->plan.nb_warnings; i++)
		TW_LOG(app, WARNING, "placement: %s\n", app->plan.warnings[i]);
	return 0;
}

struct rte_mempool *
tw_app_pool(const struct tw_app *app, int socket)
{
	unsigned int i;

	for (i = 0; i < app->plan.nb_pool_sockets; i++)
		if (app->plan.pool_sockets[i] == socket)
			return app->pools[i];
	return NULL;
}

int
tw_app_memory(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	unsigned int i;

	for (i = 0; i < app->plan.nb_pool_sockets; i++) {
		/* Room for the largest frame of [feed] mtu, tagged or not. */
		app->pools[i] = tw_port_pool_create(app->plan.pool_sockets[i],
			cfg->mbufs, cfg->mbuf_cache, TW_ETH_HDR_LEN +
			TW_VLAN_HDR_LEN + cfg->mtu);
		if (app->pools[i] == NULL)
			return -ENOMEM;
	}
	for (i = 0; i < app->plan.nb_cache_sockets; i++) {
		int socket = app->plan.cache_sockets[i];
		char name[RTE_MEMZONE_NAMESIZE];
		const struct rte_memzone *mz;

		/* Named so that a secondary process can find it. */
		snprintf(name, sizeof(name), "tickwire_cache_s%d", socket);
		mz = rte_memzone_reserve_aligned(name,
			tw_cache_memsize(cfg->symbols),
			socket == TW_SOCKET_ANY ? SOCKET_ID_ANY : socket, 0,
			RTE_CACHE_LINE_SIZE);
		if (mz == NULL) {
			TW_LOG(app, ERR, "symbol cache %s (%zu bytes): %s\n",
				name, tw_cache_memsize(cfg->symbols),
				rte_strerror(rte_errno));
			return -ENOMEM;
		}
		app->cache_mz[i] = mz;
		app->caches[i] = tw_cache_init(mz->addr, cfg->symbols, socket);
		TW_LOG(app, INFO, "symbol cache on socket %d: %u symbols, %zu "
			"bytes\n", socket, cfg->symbols, mz->len);
	}
	return 0;
}

bool
tw_app_is_rx_port(const struct tw_app *app, uint16_t port_id)
{
	unsigned int i;

	for (i = 0; i < app->cfg.nb_rx_ports; i++)
		if (app->cfg.rx_ports[i] == port_id)
			return true;
	return false;
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

/* Channel c to RX queue c % queues: rte_flow where the port has it. */
static void
steer(struct tw_app *app, uint16_t port_id)
{
	const struct tw_config *cfg = &app->cfg;
	int rc = tw_port_steer(port_id, cfg->group, cfg->channels,
		cfg->udp_port, cfg->rx_queues);

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
		if (cfg->gen_enabled && (cfg->gen_port == pc.port_id ||
		    (cfg->nb_mirror_ports > 0 &&
		     cfg->mirror_ports[0] == pc.port_id))) {
			pc.nb_txq = cfg->gen_port == pc.port_id ?
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
		 * either side's recovery settings (unpolled when unused).
		 */
		if (cfg->gen_enabled && (cfg->reply_every > 0 ||
		    cfg->store_messages > 0 || port_is_memif(pc.port_id)) &&
		    cfg->gen_port == pc.port_id) {
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
			pc.nb_txq = (cfg->gen_enabled && cfg->gen_port ==
				pc.port_id ? cfg->gen_queues : 0) +
				app->tin.nb_rx;
		rc = tw_port_start(&pc, &app->port_state[i]);
		if (rc != 0)
			return rc;
		app->port_started[i] = true;
		if (pc.nb_rxq > 0) {
			tw_port_join(pc.port_id, cfg->group, cfg->channels,
				cfg->lines == 2 ? cfg->group_b : 0,
				&app->port_state[i]);
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

void *
tw_app_zalloc(int socket, size_t size)
{
	return rte_zmalloc_socket("tickwire", size, RTE_CACHE_LINE_SIZE,
		socket == TW_SOCKET_ANY ? SOCKET_ID_ANY : socket);
}

/*
 * What tools see while we run: the view (lib/view) in shared memory for
 * tickwire-top and for our own telemetry and reports, the /tickwire/...
 * telemetry commands, and the pdump server that lets dpdk-dumpcap
 * capture our ports.
 */
int
tw_app_publish(struct tw_app *app)
{
	struct tw_view *v = &app->local;
	unsigned int i;
	int rc;

	memset(v, 0, sizeof(*v));
	v->nb_rx = app->nb_rx;
	v->nb_channels = app->cfg.channels;
	v->nb_caches = app->plan.nb_cache_sockets;
	v->group_base = app->cfg.group;
	v->udp_port = app->cfg.udp_port;
	v->tsc_hz = tw_clock_hz(&app->clock);
	v->nb_gen = app->nb_gen;
	for (i = 0; i < app->nb_gen; i++) {
		v->gen[i] = &app->gen[i]->ctr;
		v->gen_lcore[i] = app->gen[i]->lcore_id;
		v->gen_noise[i] = &app->gen[i]->noise;
	}
	if (app->nb_gen > 0) {
		/* One lcore has orders back; all share the sequences. */
		v->rtt = &app->gen[0]->rtt;
		v->gen_chans = app->gen[0]->fr.ch;
	}
	for (i = 0; i < app->nb_rx; i++) {
		v->rx_lcore[i] = app->rx[i]->lcore_id;
		v->rx[i] = &app->rx[i]->path.ctr;
		v->channels[i] = app->rx[i]->path.ctx.channels;
		v->lat[i] = app->rx[i]->path.lat;
		v->rx_noise[i] = &app->rx[i]->noise;
		v->touched[i] = app->rx[i]->path.touched;
	}
	for (i = 0; i < app->plan.nb_cache_sockets; i++) {
		v->cache[i] = app->caches[i];
		snprintf(v->cache_mz[i], sizeof(v->cache_mz[i]), "%s",
			app->cache_mz[i]->name);
	}
	snprintf(v->simd, sizeof(v->simd), "%s", tw_simd_name(app->simd));
	v->nb_ports = (uint16_t)app->nb_ports;
	for (i = 0; i < app->nb_ports; i++) {
		tw_port_report_init(app->ports[i], &v->ports[i]);
		tw_memif_port[app->ports[i]] =
			strcmp(v->ports[i].driver, "net_memif") == 0;
	}
	rc = tw_view_publish(v, &app->view_mz);
	if (rc != 0) {
		TW_LOG(app, ERR, "memzone %s: %s (another tickwire with this "
			"file prefix?)\n", TW_VIEW_MZ, rte_strerror(-rc));
		return rc;
	}
	app->view = tw_view_of(app->view_mz);
	/* The main lcore keeps the published reports; LSC counts there. */
	for (i = 0; i < app->nb_ports; i++)
		if (tw_port_watch_lsc(&app->port_state[i],
				&tw_view_of(app->view_mz)->ports[i]) != 0)
			TW_LOG(app, WARNING, "port %u: no link status events; "
				"polling the link\n", app->ports[i]);

	rc = tw_telemetry_register(app);
	if (rc != 0)
		TW_LOG(app, WARNING, "telemetry commands not registered: %s\n",
			rte_strerror(-rc));
	rc = rte_pdump_init();
	if (rc != 0)
		TW_LOG(app, WARNING, "pdump server not started (%s): "
			"dpdk-dumpcap cannot attach\n", rte_strerror(rte_errno));
	else
		app->pdump = true;
	return 0;
}

void
tw_app_teardown(struct tw_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++)
		if (app->port_started[i])
			tw_port_stop(app->ports[i]);
	if (app->pdump)
		rte_pdump_uninit();
	rte_memzone_free(app->view_mz);
	{
		struct rte_rcu_qsbr *qsv = tw_qsv;

		__atomic_store_n(&tw_qsv, NULL, __ATOMIC_RELEASE);
		rte_free(qsv);
	}
	for (i = 0; i < app->plan.nb_cache_sockets; i++)
		rte_memzone_free(app->cache_mz[i]);
}
