/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire's set-up on the main lcore, in the order main() calls it:
 * the SIMD level, the placement plan (the lcores checked against the
 * EAL's, the ports gathered, lib/topo's plan printed), mempools and
 * symbol caches on their sockets, what is published for tools; and the
 * teardown. The ports themselves (queues, offloads, multicast, link)
 * and their NIC clocks are ports.c's; this file never configures one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
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

/* The port the profile's key (section and key) names, in the plan. */
static int
add_port(struct tw_app *app, uint16_t port_id, const char *key)
{
	int i = tw_app_port_index(app, port_id);

	if (i >= 0)
		return i;
	if (!rte_eth_dev_is_valid_port(port_id)) {
		TW_LOG(app, ERR, "%s: %s: port %u does not exist (%u ports "
			"found); check the vdev or PCI arguments in [eal] "
			"args\n", app->cfg.path[0] != '\0' ? app->cfg.path :
			"configuration", key, port_id,
			rte_eth_dev_count_avail());
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
	uint16_t line_b_port = 0;
	bool line_b = tw_config_line_b_port(cfg, &line_b_port);
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
		idx = add_port(app, cfg->gen_port, "[generator] port");
		if (idx < 0)
			return idx;
		in->gen_enabled = 1;
		in->gen.lcore_id = gen[0];
		in->gen.socket = (int)rte_lcore_to_socket_id(gen[0]);
		in->gen_port_id = cfg->gen_port;
		in->gen_port_socket = tw_port_socket(cfg->gen_port);
		if (cfg->nb_mirror_ports > 0) {
			idx = add_port(app, (uint16_t)cfg->mirror_ports[0],
				"[generator] mirror_port");
			if (idx < 0)
				return idx;
		}
		if (line_b) {
			idx = add_port(app, line_b_port, "[feed] line_b_port");
			if (idx < 0)
				return idx;
			in->gen_line_b = 1;
			in->gen_line_b_port = line_b_port;
			in->gen_line_b_socket = tw_port_socket(line_b_port);
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
			idx = add_port(app, (uint16_t)cfg->rx_ports[i],
				"[rx] ports");
			if (idx < 0)
				return idx;
			in->ports[in->nb_ports++] = (struct tw_topo_port){
				.port_id = (uint16_t)cfg->rx_ports[i],
				.socket = tw_port_socket(cfg->rx_ports[i]),
				.nb_rxq = cfg->rx_queues,
			};
		}
		/* Line B's port: each queue with line A's of the first port,
		 * where its channels are arbitrated. */
		if (line_b) {
			idx = add_port(app, line_b_port, "[feed] line_b_port");
			if (idx < 0)
				return idx;
			in->ports[in->nb_ports++] = (struct tw_topo_port){
				.port_id = line_b_port,
				.socket = tw_port_socket(line_b_port),
				.nb_rxq = cfg->rx_queues,
				.line_b = 1,
				.line_a = (uint16_t)cfg->rx_ports[0],
			};
		}
	}
	rc = tw_topo_plan(in, &app->plan);
	if (rc != 0) {
		TW_LOG(app, ERR, "placement: no plan for %u RX queues on %u "
			"RX lcores\n", in->nb_ports * cfg->rx_queues,
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
