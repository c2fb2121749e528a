/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire: generator lcore -> multicast MoldUDP64 feed -> poll-mode RX
 * lcores -> per-socket symbol cache.
 *
 * The main lcore reads the profile, initialises EAL, plans placement,
 * sets up mempools, caches and ports, launches the workers, prints a
 * stats line per interval, decides when the run is over, and tears
 * everything down. It never touches the data path.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_pdump.h>
#include <rte_vect.h>

#include "tickwire.h"
#include "tw_stats.h"

RTE_LOG_REGISTER(tw_logtype_app, tickwire.app, INFO);
RTE_LOG_REGISTER(tw_logtype_gen, tickwire.gen, INFO);
RTE_LOG_REGISTER(tw_logtype_rx, tickwire.rx, INFO);

#ifndef TW_CONFIG_DIR
#define TW_CONFIG_DIR "drivers-config"
#endif
#define DEFAULT_PROFILE TW_CONFIG_DIR "/loopback.ini"
#define MAX_EAL_ARGS 64
#define MAIN_TICK_US 50000

volatile bool tw_force_quit;


static void
signal_handler(int signum)
{
	if (signum == SIGINT || signum == SIGTERM)
		tw_force_quit = true;
}

/* ---- command line ---- */

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
		"Runs the profile (default %s): a generator lcore multicasting a\n"
		"MoldUDP64 feed and RX lcores applying it to a symbol cache.\n\n"
		"Options (each overrides the profile):\n"
		"  --config FILE        profile to run\n"
		"  --duration SECONDS   stop after this long (0: when done)\n"
		"  --count MESSAGES     ticks to send, then end the session\n"
		"  --rate MSGS_PER_S    generator pace, 0 = unlimited\n"
		"  --symbols N          symbols in the universe\n"
		"  --channels N         multicast channels\n"
		"  --seed N             generator seed (same seed, same feed)\n"
		"  --simd LEVEL         auto, scalar, sse, avx2 or avx512\n"
		"  --stats-json FILE    write final counters as JSON\n"
		"  --latency-csv PREFIX write the latency histograms as CSV\n"
		"  --dump-cache FILE    write the symbol cache as CSV\n"
		"  --dump-truth FILE    write the generator's truth as CSV\n"
		"  --set SEC.KEY=VALUE  set any profile key\n"
		"  --quiet              no periodic stats line\n"
		"  --list-keys          print every profile key and exit\n"
		"  --help               this text\n\n"
		"EAL options before -- are added after the profile's [eal] "
		"args.\n", prog, DEFAULT_PROFILE);
}

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, 'd' },
	{ "count", required_argument, NULL, 'n' },
	{ "rate", required_argument, NULL, 'r' },
	{ "symbols", required_argument, NULL, 's' },
	{ "channels", required_argument, NULL, 'C' },
	{ "seed", required_argument, NULL, 'S' },
	{ "simd", required_argument, NULL, 'V' },
	{ "stats-json", required_argument, NULL, 'j' },
	{ "latency-csv", required_argument, NULL, 'L' },
	{ "dump-cache", required_argument, NULL, 'D' },
	{ "dump-truth", required_argument, NULL, 'T' },
	{ "set", required_argument, NULL, 'x' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "list-keys", no_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *
opt_name(int opt)
{
	const struct option *o;

	for (o = long_opts; o->name != NULL; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

/* Which profile key each option sets. */
static int
option_key(int opt, const char **sec, const char **key)
{
	static const struct { int opt; const char *sec, *key; } map[] = {
		{ 'd', "run", "duration" },
		{ 'n', "generator", "count" },
		{ 'r', "generator", "rate" },
		{ 's', "feed", "symbols" },
		{ 'C', "feed", "channels" },
		{ 'S', "generator", "seed" },
		{ 'V', "run", "simd" },
		{ 'j', "run", "stats_json" },
		{ 'L', "run", "latency_csv" },
		{ 'D', "run", "dump_cache" },
		{ 'T', "run", "dump_truth" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(map); i++)
		if (map[i].opt == opt) {
			*sec = map[i].sec;
			*key = map[i].key;
			return 0;
		}
	return -ENOENT;
}

static int
apply_set(struct tw_config *cfg, const char *arg, char *err, size_t len)
{
	char buf[TW_EAL_ARGS_MAX + 64], *dot, *eq;

	snprintf(buf, sizeof(buf), "%s", arg);
	dot = strchr(buf, '.');
	eq = strchr(buf, '=');
	if (dot == NULL || eq == NULL || dot > eq) {
		snprintf(err, len, "command line: --set '%s': expected "
			"SECTION.KEY=VALUE", arg);
		return -EINVAL;
	}
	*dot = '\0';
	*eq = '\0';
	return tw_config_set(cfg, "command line (--set)", buf, dot + 1,
		eq + 1, err, len);
}

/* Profile, then options over it, then the checks across keys. */
static int
load_config(struct tw_config *cfg, int argc, char **argv)
{
	const char *profile = DEFAULT_PROFILE;
	char err[TW_ERR_MAX], origin[64];
	const char *sec, *key;
	int opt, rc;

	tw_config_defaults(cfg);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (opt == 'c')
			profile = optarg;
		if (opt == 'h') {
			usage(argv[0]);
			exit(0);
		}
		if (opt == 'k') {
			tw_config_print_keys(stdout);
			exit(0);
		}
	}
	rc = tw_config_load(cfg, profile, err, sizeof(err));
	if (rc != 0)
		goto fail;

	opterr = 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			break;
		case 'q':
			cfg->quiet = true;
			break;
		case 'x':
			rc = apply_set(cfg, optarg, err, sizeof(err));
			if (rc != 0)
				goto fail;
			break;
		case '?':
			usage(argv[0]);
			return -EINVAL;
		default:
			if (option_key(opt, &sec, &key) != 0)
				break;
			snprintf(origin, sizeof(origin), "command line (--%s)",
				opt_name(opt));
			rc = tw_config_set(cfg, origin, sec, key, optarg, err,
				sizeof(err));
			if (rc != 0)
				goto fail;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tickwire: command line: unexpected argument "
			"'%s'\n", argv[optind]);
		return -EINVAL;
	}
	rc = tw_config_check(cfg, err, sizeof(err));
	if (rc != 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "tickwire: %s\n", err);
	return rc;
}

/* EAL argv: program name, the profile's [eal] args, then the user's. */
static int
eal_argv(const struct tw_config *cfg, char *prog, char **user, int nb_user,
		char **out)
{
	static char buf[TW_EAL_ARGS_MAX];
	char *tok, *save = NULL;
	int n = 0, i;

	out[n++] = prog;
	snprintf(buf, sizeof(buf), "%s", cfg->eal_args);
	for (tok = strtok_r(buf, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_EAL_ARGS - 1)
			return -E2BIG;
		out[n++] = tok;
	}
	for (i = 0; i < nb_user; i++) {
		if (n == MAX_EAL_ARGS - 1)
			return -E2BIG;
		out[n++] = user[i];
	}
	out[n] = NULL;
	return n;
}

/* ---- set-up ---- */

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

static int
add_port(struct tw_app *app, uint16_t port_id)
{
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++)
		if (app->ports[i] == port_id)
			return (int)i;
	if (!rte_eth_dev_is_valid_port(port_id)) {
		TW_LOG(app, ERR, "port %u does not exist (%u ports found); "
			"check the vdev or PCI arguments in [eal] args\n",
			port_id, rte_eth_dev_count_avail());
		return -ENODEV;
	}
	app->ports[app->nb_ports] = port_id;
	return (int)app->nb_ports++;
}

static int
plan_placement(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	struct tw_topo_input *in = &app->tin;
	unsigned int i;
	int idx, rc;

	memset(in, 0, sizeof(*in));
	if (cfg->gen_enabled) {
		rc = check_lcore(cfg->gen_lcore, "[generator]");
		if (rc != 0)
			return rc;
		idx = add_port(app, cfg->gen_port);
		if (idx < 0)
			return idx;
		in->gen_enabled = 1;
		in->gen.lcore_id = cfg->gen_lcore;
		in->gen.socket = (int)rte_lcore_to_socket_id(cfg->gen_lcore);
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

static struct rte_mempool *
pool_of(struct tw_app *app, int socket)
{
	unsigned int i;

	for (i = 0; i < app->plan.nb_pool_sockets; i++)
		if (app->plan.pool_sockets[i] == socket)
			return app->pools[i];
	return NULL;
}

static int
setup_memory(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	unsigned int i;

	for (i = 0; i < app->plan.nb_pool_sockets; i++) {
		app->pools[i] = tw_port_pool_create(app->plan.pool_sockets[i],
			cfg->mbufs, cfg->mbuf_cache);
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

static bool
is_rx_port(const struct tw_app *app, uint16_t port_id)
{
	unsigned int i;

	for (i = 0; i < app->cfg.nb_rx_ports; i++)
		if (app->cfg.rx_ports[i] == port_id)
			return true;
	return false;
}

/* Our ns at the moment the port's clock reads *dev; -errno. */
static int
devclock_pair(struct tw_app *app, uint16_t port_id, uint64_t *dev,
		uint64_t *ns)
{
	uint64_t t0 = rte_rdtsc(), t1;
	int rc = rte_eth_read_clock(port_id, dev);

	t1 = rte_rdtsc();
	*ns = tw_clock_ns(&app->clock, t0 + (t1 - t0) / 2);
	return rc;
}

/* Start the NIC clock mappings of ports that give RX timestamps. */
static void
devclocks_init(struct tw_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++) {
		uint64_t dev, ns;
		int rc;

		if (!app->port_state[i].rx_ts)
			continue;
		rc = devclock_pair(app, app->ports[i], &dev, &ns);
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
static void
devclocks_refresh(struct tw_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++) {
		uint64_t dev, ns;

		if (app->port_state[i].rx_ts &&
		    devclock_pair(app, app->ports[i], &dev, &ns) == 0)
			tw_clock_counter_update(&app->devclk[i], dev, ns);
	}
}

/*
 * Where orders come back to the generator: the first RX queue of its
 * port that no RX lcore polls. On net_ring a frame sent on TX queue q
 * arrives on RX queue q, and over memif the peer's TX queue q is our
 * RX queue q: the reflecting RX lcore i sends on TX queue 1 + i when it
 * shares the generator's port, on i otherwise (see setup_rx).
 */
static uint16_t
reply_rxq(const struct tw_app *app)
{
	return is_rx_port(app, app->cfg.gen_port) && app->cfg.rx_enabled ?
		app->cfg.rx_queues : 0;
}

static int
setup_ports(struct tw_app *app)
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
		};

		for (q = 0; q < app->plan.nb_rxq; q++) {
			const struct tw_topo_rxq *r = &app->plan.rxq[q];

			if (r->port_id != pc.port_id)
				continue;
			pc.rxq_pool[r->queue] = pool_of(app, r->pool_socket);
			pc.nb_rxq = RTE_MAX(pc.nb_rxq, r->queue + 1);
		}
		if (cfg->gen_enabled && (cfg->gen_port == pc.port_id ||
		    (cfg->nb_mirror_ports > 0 &&
		     cfg->mirror_ports[0] == pc.port_id))) {
			pc.nb_txq = 1;
			pc.idle_rx_pool = pool_of(app,
				app->plan.gen_pool_socket);
		}
		/* Tick to trade: the generator's queue for the orders ... */
		if (cfg->gen_enabled && cfg->reply_every > 0 &&
		    cfg->gen_port == pc.port_id) {
			q = reply_rxq(app);
			pc.rxq_pool[q] = pool_of(app, app->plan.gen_pool_socket);
			pc.nb_rxq = RTE_MAX(pc.nb_rxq, q + 1);
		}
		/* ... and one TX queue per reflecting RX lcore. */
		if (cfg->rx_enabled && cfg->reflect && is_rx_port(app,
				pc.port_id))
			pc.nb_txq = (cfg->gen_enabled && cfg->gen_port ==
				pc.port_id ? 1 : 0) + app->tin.nb_rx;
		rc = tw_port_start(&pc, &app->port_state[i]);
		if (rc != 0)
			return rc;
		app->port_started[i] = true;
		if (pc.nb_rxq > 0) {
			tw_port_join(pc.port_id, cfg->group, cfg->channels,
				&app->port_state[i]);
			TW_LOG(app, INFO, "port %u receives the groups by %s\n",
				pc.port_id, app->port_state[i].mcast_mode);
		}
	}
	for (i = 0; i < app->nb_ports; i++) {
		rc = tw_port_wait_link(app->ports[i], cfg->link_wait_s,
			&tw_force_quit);
		if (rc != 0) {
			TW_LOG(app, ERR, "port %u: link still down after %u s "
				"(for memif: is the peer process running?)\n",
				app->ports[i], cfg->link_wait_s);
			return rc;
		}
	}
	return 0;
}

static void *
zalloc_on(int socket, size_t size)
{
	return rte_zmalloc_socket("tickwire", size, RTE_CACHE_LINE_SIZE,
		socket == TW_SOCKET_ANY ? SOCKET_ID_ANY : socket);
}

static int
setup_rx(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	struct tw_channel_state *channels;
	unsigned int i, q, c;

	memcpy(app->feed.session, cfg->session, TW_MOLD_SESSION_LEN);
	app->feed.group_base = cfg->group;
	app->feed.nb_channels = cfg->channels;
	app->feed.udp_port = cfg->udp_port;
	app->feed.vlan = cfg->vlan;
	if (tw_rx_feed_prepare(&app->feed) != 0)
		return -EINVAL;

	for (i = 0; i < app->tin.nb_rx; i++) {
		int socket = app->tin.rx[i].socket;
		struct tw_rx_lcore *rx = zalloc_on(socket, sizeof(*rx));
		int ci = tw_topo_cache_index(&app->plan, socket);

		if (rx == NULL)
			return -ENOMEM;
		app->rx[app->nb_rx++] = rx;
		rx->lcore_id = app->tin.rx[i].lcore_id;
		rx->socket = socket;
		rx->burst = cfg->rx_burst;
		rx->clock = &app->clock;
		for (q = 0; q < app->plan.nb_rxq; q++)
			if (app->plan.rxq[q].rx_index == i)
				rx->queues[rx->nb_queues++] =
					(struct tw_rx_queue_ref){
					.port_id = app->plan.rxq[q].port_id,
					.queue = app->plan.rxq[q].queue,
				};
		channels = zalloc_on(socket,
			cfg->channels * sizeof(struct tw_channel_state));
		if (channels == NULL)
			return -ENOMEM;
		for (c = 0; c < cfg->channels; c++)
			tw_channel_init(&channels[c]);
		if (tw_rx_ctx_init(&rx->ctx, &app->feed,
				ci >= 0 ? app->caches[ci] : NULL, channels,
				&rx->ctr, app->simd) != 0)
			return -ENOTSUP;
		for (c = 0; c < TW_SPAN_MAX; c++)
			tw_hist_init(&rx->lat[c]);
		rx->ctx.lat = &rx->lat[TW_SPAN_SEND_POLL];
		rx->ctx.sent = rx->sent;
		rx->ctx.late = rx->late;
		for (q = 0; rx->nb_queues > 0 && q < app->nb_ports; q++)
			if (app->ports[q] == rx->queues[0].port_id &&
			    app->port_state[q].rx_ts) {
				rx->devclk = &app->devclk[q];
				rx->ts_offset = app->port_state[q].ts_offset;
				rx->ts_flag = app->port_state[q].ts_flag;
			}
		if (cfg->reflect && rx->nb_queues > 0) {
			rx->reply_port = rx->queues[0].port_id;
			rx->reply_txq = (uint16_t)((cfg->gen_enabled &&
				cfg->gen_port == rx->reply_port ? 1 : 0) + i);
			rx->reply_pool = pool_of(app, socket);
			rx->reflect_ip = cfg->reflect_ip;
			if (rte_eth_macaddr_get(rx->reply_port,
					&rx->reply_mac) != 0)
				return -ENODEV;
			rx->ctx.replies = rx->replies;
			rx->ctx.reply_cap = RTE_DIM(rx->replies);
		}
		rx->ctx.sent_cap = RTE_DIM(rx->sent);
	}
	return 0;
}

static int
setup_gen(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	int socket = app->tin.gen.socket;
	struct tw_frame_params fp;
	struct tw_gen_params gp;
	struct tw_gen_lcore *g;
	uint64_t hz = tw_clock_hz(&app->clock);
	unsigned int pi, c;
	void *mem;

	tw_config_gen_params(cfg, &gp);
	tw_config_frame_params(cfg, &fp);
	if (tw_frame_params_check(&fp) != 0) {
		TW_LOG(app, ERR, "%s: [feed]: group, vlan or mtu unusable\n",
			cfg->path);
		return -EINVAL;
	}
	g = zalloc_on(socket, sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	app->gen = g;
	mem = zalloc_on(socket, tw_gen_memsize(&gp));
	g->gen = tw_gen_init(mem, &gp);
	if (g->gen == NULL || tw_gen_set_simd(g->gen, app->simd) != 0)
		return -EINVAL;
	/* The ground truth costs a cache update per tick: only if asked. */
	if (cfg->dump_truth[0] != '\0') {
		mem = zalloc_on(socket, tw_cache_memsize(cfg->symbols));
		g->truth = tw_cache_init(mem, cfg->symbols, socket);
		if (g->truth == NULL)
			return -ENOMEM;
	}
	g->tmpl = zalloc_on(socket, cfg->channels * sizeof(*g->tmpl));
	g->open = zalloc_on(socket, cfg->channels * sizeof(*g->open));
	g->open_mbuf = zalloc_on(socket, cfg->channels *
		sizeof(*g->open_mbuf));
	g->next_seq = zalloc_on(socket, cfg->channels * sizeof(uint64_t));
	g->last_tx_tsc = zalloc_on(socket, cfg->channels * sizeof(uint64_t));
	if (g->tmpl == NULL ||
	    g->open == NULL || g->open_mbuf == NULL || g->next_seq == NULL ||
	    g->last_tx_tsc == NULL)
		return -ENOMEM;
	for (c = 0; c < cfg->channels; c++) {
		tw_pkt_tmpl_init(&g->tmpl[c], &fp, (uint16_t)c);
		g->next_seq[c] = TW_MOLD_FIRST_SEQ;
	}
	for (pi = 0; pi < app->nb_ports; pi++)
		if (app->ports[pi] == cfg->gen_port)
			break;
	g->lcore_id = cfg->gen_lcore;
	g->port_id = cfg->gen_port;
	g->burst = cfg->gen_burst;
	g->nb_channels = cfg->channels;
	g->pool = pool_of(app, app->plan.gen_pool_socket);
	g->csum = app->port_state[pi].tx_csum ? TW_CSUM_OFFLOAD :
		TW_CSUM_SOFTWARE;
	if (cfg->nb_mirror_ports > 0) {
		/* One frame, two ports: its checksums must be in the bytes. */
		g->mirror = true;
		g->mirror_port = (uint16_t)cfg->mirror_ports[0];
		g->csum = TW_CSUM_SOFTWARE;
	}
	g->rate = cfg->rate;
	g->count = cfg->count;
	g->reply_every = cfg->reply_every;
	g->quotes_to_request = cfg->reply_every;
	g->reply_rxq = reply_rxq(app);
	tw_reply_init(&g->replies);
	tw_hist_init(&g->rtt);
	g->flush_tsc = hz / 1000000 * cfg->flush_us;
	g->heartbeat_tsc = hz / 1000 * cfg->heartbeat_ms;
	g->tx_retry_tsc = hz / 1000000 * cfg->tx_retry_us;
	g->clock = &app->clock;
	return 0;
}

/* ---- run ---- */

static void
collect(struct tw_app *app, struct tw_stats *s, uint64_t start_tsc)
{
	struct tw_channel_report *ch = s->channels;
	unsigned int i, sp;

	memset(s, 0, sizeof(*s));
	s->channels = ch;
	s->nb_channels = app->cfg.channels;
	memset(ch, 0, s->nb_channels * sizeof(*ch));
	for (i = 0; i < s->nb_channels; i++) {
		ch[i].group = app->cfg.group + i;
		ch[i].udp_port = app->cfg.udp_port;
	}
	s->elapsed_s = (double)(rte_rdtsc() - start_tsc) /
		(double)tw_clock_hz(&app->clock);
	if (app->gen != NULL)
		tw_stats_add_gen(&s->gen, &app->gen->ctr);
	for (sp = 0; sp < TW_SPAN_MAX; sp++)
		tw_hist_init(&app->lat_merged[sp]);
	for (i = 0; i < app->nb_rx; i++) {
		tw_stats_add_rx(&s->rx, &app->rx[i]->ctr);
		tw_stats_add_channels(s, app->rx[i]->ctx.channels,
			app->cfg.channels);
		for (sp = 0; sp < TW_SPAN_MAX; sp++)
			tw_hist_merge(&app->lat_merged[sp],
				&app->rx[i]->lat[sp]);
	}
	for (sp = 0; sp < TW_SPAN_MAX; sp++)
		tw_hist_summarize(&app->lat_merged[sp], &s->span[sp]);
	s->lat = s->span[TW_SPAN_SEND_CACHE];
	tw_hist_init(&app->rtt_merged);
	if (app->gen != NULL)
		tw_hist_merge(&app->rtt_merged, &app->gen->rtt);
	tw_hist_summarize(&app->rtt_merged, &s->rtt);
	tw_stats_finish(s);
}

/*
 * The session is over when every channel has ended, or the generator
 * ended drain_s ago (RX-less runs: at once).
 */
static bool
session_over(struct tw_app *app, const struct tw_stats *now, uint64_t t,
		uint64_t gen_done_tsc)
{
	const struct tw_config *cfg = &app->cfg;
	uint64_t hz = tw_clock_hz(&app->clock);

	if (app->nb_rx > 0 && now->channels_ended == cfg->channels &&
	    (app->gen == NULL || gen_done_tsc != 0))
		return true;
	if (gen_done_tsc != 0 && (app->nb_rx == 0 ||
	    t - gen_done_tsc >= (uint64_t)(cfg->drain_s * hz))) {
		if (app->nb_rx > 0)
			TW_LOG(app, WARNING, "RX saw the end of session on %u "
				"of %u channels within %.1f s of the "
				"generator's end\n", now->channels_ended,
				cfg->channels, cfg->drain_s);
		return true;
	}
	return false;
}

/* Poll for the end of the run; print the stats line on its period. */
static void
main_loop(struct tw_app *app, uint64_t start_tsc, struct tw_stats *now,
		struct tw_stats *prev)
{
	const struct tw_config *cfg = &app->cfg;
	uint64_t hz = tw_clock_hz(&app->clock);
	uint64_t interval = hz / 1000 * cfg->stats_interval_ms;
	uint64_t next_print = start_tsc + interval, gen_done_tsc = 0;
	uint64_t end_tsc = 0;
	bool lingering = false;

	collect(app, prev, start_tsc);
	while (!tw_force_quit) {
		uint64_t t;

		usleep(MAIN_TICK_US);
		/* Keep this process's stamps on the kernel's clock. */
		tw_clock_refresh(&app->clock);
		devclocks_refresh(app);
		t = rte_rdtsc();
		if (cfg->duration > 0 &&
		    t - start_tsc >= (uint64_t)(cfg->duration * hz))
			break;
		if (t >= next_print || app->nb_rx > 0) {
			collect(app, now, start_tsc);
			if (t >= next_print) {
				if (!cfg->quiet)
					tw_stats_print_line(stdout, now, prev);
				memcpy(prev, now, offsetof(struct tw_stats,
					channels));
				next_print += interval;
			}
		}
		if (app->gen != NULL && gen_done_tsc == 0 &&
		    __atomic_load_n(&app->gen->done, __ATOMIC_ACQUIRE))
			gen_done_tsc = t;
		if (end_tsc == 0 && session_over(app, now, t, gen_done_tsc))
			end_tsc = t;
		if (end_tsc != 0) {
			if (t - end_tsc >= (uint64_t)(cfg->linger_s * hz))
				break;
			if (!lingering && cfg->linger_s > 0) {
				TW_LOG(app, INFO, "session over; serving tools "
					"for %.1f s more\n", cfg->linger_s);
				lingering = true;
			}
		}
	}
	tw_force_quit = true;
}

static int
launch(struct tw_app *app)
{
	unsigned int i;
	int rc;

	for (i = 0; i < app->nb_rx; i++) {
		rc = rte_eal_remote_launch(tw_rx_lcore_main, app->rx[i],
			app->rx[i]->lcore_id);
		if (rc != 0)
			return rc;
	}
	if (app->gen != NULL)
		return rte_eal_remote_launch(tw_gen_lcore_main, app->gen,
			app->gen->lcore_id);
	return 0;
}

static int
write_file(const char *path, const char *what,
		int (*fn)(struct tw_app *, FILE *), struct tw_app *app)
{
	FILE *f;
	int rc;

	if (path[0] == '\0')
		return 0;
	f = fopen(path, "w");
	if (f == NULL) {
		TW_LOG(app, ERR, "%s: cannot write %s: %s\n", path, what,
			strerror(errno));
		return -errno;
	}
	rc = fn(app, f);
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc != 0)
		TW_LOG(app, ERR, "%s: writing %s failed\n", path, what);
	return rc;
}

/*
 * What tools see while we run: the shared memzone for tickwire-top,
 * the /tickwire/... telemetry commands, and the pdump server that lets
 * dpdk-dumpcap capture our ports.
 */
static int
publish(struct tw_app *app)
{
	struct tw_shared *sh;
	unsigned int i;
	int rc;

	app->shared_mz = rte_memzone_reserve(TW_SHARED_MZ, sizeof(*sh),
		SOCKET_ID_ANY, 0);
	if (app->shared_mz == NULL) {
		TW_LOG(app, ERR, "memzone %s: %s (another tickwire with this "
			"file prefix?)\n", TW_SHARED_MZ,
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	sh = app->shared_mz->addr;
	memset(sh, 0, sizeof(*sh));
	sh->nb_rx = app->nb_rx;
	sh->nb_channels = app->cfg.channels;
	sh->nb_caches = app->plan.nb_cache_sockets;
	sh->group_base = app->cfg.group;
	sh->tsc_hz = tw_clock_hz(&app->clock);
	sh->start_tsc = rte_rdtsc();
	sh->gen = app->gen != NULL ? &app->gen->ctr : NULL;
	for (i = 0; i < app->nb_rx; i++) {
		sh->rx[i] = &app->rx[i]->ctr;
		sh->channels[i] = app->rx[i]->ctx.channels;
		sh->lat[i] = &app->rx[i]->lat[TW_SPAN_SEND_CACHE];
	}
	for (i = 0; i < app->plan.nb_cache_sockets; i++)
		snprintf(sh->cache_mz[i], sizeof(sh->cache_mz[i]), "%s",
			app->cache_mz[i]->name);
	snprintf(sh->simd, sizeof(sh->simd), "%s", tw_simd_name(app->simd));
	__atomic_store_n(&sh->magic, TW_SHARED_MAGIC, __ATOMIC_RELEASE);

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

/*
 * The SIMD level of both hot loops: [run] simd (or --simd), or the best
 * the CPU has within the EAL's max SIMD bitwidth.
 */
static int
choose_simd(struct tw_app *app)
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
dump_cache(struct tw_app *app, FILE *f)
{
	return tw_cache_dump_csv(app->caches, app->plan.nb_cache_sockets, f);
}

static int
dump_truth(struct tw_app *app, FILE *f)
{
	if (app->gen == NULL || app->gen->truth == NULL)
		return -EINVAL;
	return tw_cache_dump_csv(&app->gen->truth, 1, f);
}

/* PREFIX.send-cache.csv, PREFIX.send-poll.csv, PREFIX.poll-cache.csv */
static int
write_latency_csv(struct tw_app *app)
{
	char err[TW_PATH_MAX + 64];
	int rc;

	if (app->cfg.latency_csv[0] == '\0' || app->nb_rx == 0)
		return 0;
	rc = tw_stats_write_latency_csv(app->cfg.latency_csv,
		app->lat_merged, err, sizeof(err));
	if (rc != 0)
		TW_LOG(app, ERR, "%s\n", err);
	return rc;
}

static struct tw_stats *final_stats;

static int
dump_stats(struct tw_app *app, FILE *f)
{
	struct tw_stats_meta meta = {
		.version = TW_VERSION,
		.profile = app->cfg.path,
		.simd = tw_simd_name(app->simd),
	};

	return tw_stats_write_json(f, final_stats, &meta);
}

static void
teardown(struct tw_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++)
		if (app->port_started[i])
			tw_port_stop(app->ports[i]);
	if (app->pdump)
		rte_pdump_uninit();
	rte_memzone_free(app->shared_mz);
	for (i = 0; i < app->plan.nb_cache_sockets; i++)
		rte_memzone_free(app->cache_mz[i]);
}

int
main(int argc, char **argv)
{
	static struct tw_app app;
	char *eal_args[MAX_EAL_ARGS];
	struct tw_stats now, prev;
	int i, dd = -1, nb_eal, rc;
	uint64_t start_tsc;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dd = i;
			break;
		}
	/* App options: after --, or all arguments when there is no --. */
	argv[dd < 0 ? 0 : dd] = argv[0];
	rc = load_config(&app.cfg, dd < 0 ? argc : argc - dd,
		dd < 0 ? argv : argv + dd);
	if (rc != 0)
		return 2;
	nb_eal = eal_argv(&app.cfg, argv[0], argv + 1, dd < 0 ? 0 : dd - 1,
		eal_args);
	if (nb_eal < 0) {
		fprintf(stderr, "tickwire: too many EAL arguments\n");
		return 2;
	}
	rc = rte_eal_init(nb_eal, eal_args);
	if (rc < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed (%s); EAL args were: "
			"%s\n", rte_strerror(rte_errno), app.cfg.eal_args);

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);
	/* A memif peer that left first must not kill us at teardown. */
	signal(SIGPIPE, SIG_IGN);
	tw_clock_init(&app.clock, 100);
	printf("tickwire %s: profile %s\n", TW_VERSION, app.cfg.path);
	if (choose_simd(&app) != 0) {
		rte_eal_cleanup();
		return 2;
	}

	now.channels = calloc(app.cfg.channels, sizeof(*now.channels));
	prev.channels = calloc(app.cfg.channels, sizeof(*prev.channels));
	if (now.channels == NULL || prev.channels == NULL)
		rte_exit(EXIT_FAILURE, "out of memory\n");

	rc = plan_placement(&app);
	if (rc == 0)
		rc = setup_memory(&app);
	if (rc == 0)
		rc = setup_ports(&app);
	if (rc == 0)
		devclocks_init(&app);
	if (rc == 0 && app.cfg.rx_enabled)
		rc = setup_rx(&app);
	if (rc == 0 && app.cfg.gen_enabled)
		rc = setup_gen(&app);
	if (rc == 0)
		rc = publish(&app);
	if (rc == 0 && !tw_force_quit) {
		start_tsc = rte_rdtsc();
		app.start_tsc = start_tsc;
		((struct tw_shared *)app.shared_mz->addr)->start_tsc =
			start_tsc;
		rc = launch(&app);
		if (rc == 0)
			main_loop(&app, start_tsc, &now, &prev);
		tw_force_quit = true;
		rte_eal_mp_wait_lcore();
		collect(&app, &now, start_tsc);
		tw_stats_print_summary(stdout, &now);
		final_stats = &now;
		if (write_file(app.cfg.stats_json, "stats", dump_stats,
				&app) != 0 ||
		    write_file(app.cfg.dump_cache, "cache", dump_cache,
				&app) != 0 ||
		    write_file(app.cfg.dump_truth, "truth", dump_truth,
				&app) != 0 ||
		    write_latency_csv(&app) != 0)
			rc = -EIO;
	} else if (rc != 0) {
		TW_LOG(app, ERR, "set-up failed: %s\n", rte_strerror(-rc));
	}
	teardown(&app);
	free(now.channels);
	free(prev.channels);
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}
