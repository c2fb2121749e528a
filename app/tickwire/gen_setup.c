/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generator lcores, their creation on the main lcore before the run:
 * the model shared by every generator lcore, the channel templates and
 * sequences, the ground truth, and each lcore's share (channels, rate,
 * count, TX queues), faults, line B, store and servers, and its source
 * (the model, a capture, an ITCH day file). Prints what it set up.
 * Never runs on a generator lcore, never sends: the loop is
 * gen_send.c's.
 */
#include <stdio.h>
#include <time.h>

#include <rte_cycles.h>

#include "gen_lcore.h"

/* [faults] and [recovery] of the generator: the line and the server. */
static int
gen_recovery_create(struct tw_app *app, struct tw_gen_lcore *g,
		const struct tw_frame_params *fp, int socket)
{
	const struct tw_config *cfg = &app->cfg;
	unsigned int c, line;
	void *mem;

	for (line = 0; line < 2; line++) {
		/* Each generator lcore its own stream of faults. */
		struct tw_fault_params fault = cfg->faults[line];

		fault.seed += g->index;
		if (tw_faults_init(&g->faults[line], &fault,
				&g->ctr.faults[line]) != 0) {
			TW_LOG(app, ERR, "%s: [faults]: a share%s outside "
				"[0, 1) or a burst%s below 1\n", cfg->path,
				line ? " of line B" : "", line ? "_b" : "");
			return -EINVAL;
		}
	}
	/*
	 * A flipped bit must be caught, and line B's copy carries its own
	 * sums: both are computed here, not by the NIC.
	 */
	if (cfg->faults[0].corrupt > 0 || cfg->faults[1].corrupt > 0 ||
	    cfg->lines == 2)
		g->csum = TW_CSUM_SOFTWARE;
	if (cfg->lines == 2) {
		struct tw_frame_params fpb = *fp;

		fpb.group_base = cfg->group_b;
		g->tmpl_b = tw_app_zalloc(socket,
			cfg->channels * sizeof(*g->tmpl_b));
		if (g->tmpl_b == NULL)
			return -ENOMEM;
		for (c = 0; c < cfg->channels; c++)
			tw_pkt_tmpl_init_framing(&g->tmpl_b[c], &fpb,
				(uint16_t)c, app->framing);
		g->line_b = true;
	}
	g->back = cfg->reply_every > 0;
	/* The request server is MoldUDP64's: a transport that re-sends. */
	if (cfg->store_messages == 0 ||
	    !tw_transport_find(cfg->transport)->caps.rerequest)
		return 0;
	mem = tw_app_zalloc(socket, tw_store_memsize(cfg->channels,
		cfg->store_messages));
	g->store = tw_store_init(mem, cfg->channels, cfg->store_messages);
	if (g->store == NULL)
		return -ENOMEM;
	memcpy(g->rules.session, fp->session, TW_MOLD_SESSION_LEN);
	g->rules.server_ip = cfg->src_ip;
	g->rules.client_mask = cfg->client_prefix == 0 ? 0 :
		~UINT32_C(0) << (32 - cfg->client_prefix);
	g->rules.client_net = cfg->client_net & g->rules.client_mask;
	g->rules.max_count = cfg->max_count;
	g->rules.max_packets = cfg->max_packets;
	tw_rate_limit_init(&g->req_rate, tw_clock_hz(&app->clock),
		cfg->request_rate, cfg->request_burst);
	tw_rate_limit_total(&g->req_rate, tw_clock_hz(&app->clock),
		cfg->request_rate_total, cfg->request_burst);
	tw_reply_budget_init(&g->reply_budget, tw_clock_hz(&app->clock),
		cfg->reply_bytes_per_s, cfg->reply_burst_bytes);
	/* Serving may take serve_share_pct of any millisecond. */
	g->serve_window = tw_clock_hz(&app->clock) / 1000;
	g->serve_allowed = g->serve_window * cfg->serve_share_pct / 100;
	g->request_port = cfg->request_port;
	/* Snapshots are tickwire's messages: none for another protocol. */
	g->snapshot_port = app->proto->caps.snapshots ? cfg->snapshot_port : 0;
	g->back = true;
	g->serve_mirror = tw_app_serves_mirror(app);
	printf("generator: request server on UDP ports %u-%u, the last %u "
		"messages of each channel%s\n", cfg->request_port,
		cfg->request_port + cfg->channels - 1, g->store->mask + 1,
		g->serve_mirror ? "; on the mirror port too" : "");
	if (g->snapshot_port != 0)
		printf("generator: snapshots on UDP ports %u-%u\n",
			cfg->snapshot_port,
			cfg->snapshot_port + cfg->channels - 1);
	return 0;
}

/*
 * A transport's loops (MDP 3.0's snapshot and definition loops), when
 * the transport has them and the protocol sends them: a framer of
 * their own over 2 x channels templates, channel c's snapshot loop at
 * [mdp3] snapshot_group + c, its definition loop at definition_group +
 * c, on line A's port only and never faulted.
 */
static int
gen_loops_create(struct tw_app *app, struct tw_gen_lcore *g,
		const uint16_t *own, uint16_t nb_own, int socket)
{
	const struct tw_config *cfg = &app->cfg;
	uint16_t lown[TW_GEN_MAX_CHANNELS];
	struct tw_framer_chan *chans;
	struct tw_frame_params fp;
	struct tw_frame_src src = {
		.get = tw_gen_frame_get, .put = tw_gen_loop_put, .arg = g,
	};
	unsigned int c, n = cfg->channels;

	if (!tw_transport_find(cfg->transport)->caps.snapshot_loop ||
	    app->proto->gen_idle == NULL)
		return 0;
	if (2 * n > TW_GEN_MAX_CHANNELS) {
		TW_LOG(app, ERR, "%s: [feed] channels: %u; a transport with "
			"loops takes at most %u\n", cfg->path, n,
			TW_GEN_MAX_CHANNELS / 2);
		return -EINVAL;
	}
	g->tmpl_loop = tw_app_zalloc(socket, 2 * n * sizeof(*g->tmpl_loop));
	chans = tw_app_zalloc(socket, 2 * n * sizeof(*chans));
	if (g->tmpl_loop == NULL || chans == NULL)
		return -ENOMEM;
	tw_config_frame_params(cfg, &fp);
	for (c = 0; c < 2 * n; c++) {
		fp.group_base = c < n ? tw_config_mdp3_snapshot_group(cfg) :
			tw_config_mdp3_definition_group(cfg) - n;
		tw_pkt_tmpl_init_framing(&g->tmpl_loop[c], &fp, (uint16_t)c,
			app->framing);
	}
	tw_framer_init(&g->loops_fr, g->tmpl_loop, chans, (uint16_t)(2 * n),
		g->csum, &src, &g->ctr);
	tw_framer_framing(&g->loops_fr, app->framing, &app->clock);
	for (c = 0; c < nb_own; c++) {
		lown[c] = own[c];
		lown[nb_own + c] = (uint16_t)(n + own[c]);
	}
	tw_framer_own(&g->loops_fr, lown, (uint16_t)(2 * nb_own));
	g->em.loops = &g->loops_fr;
	{
		uint32_t s = tw_config_mdp3_snapshot_group(cfg);
		uint32_t d = tw_config_mdp3_definition_group(cfg);

		printf("generator: snapshot loop every %u ms from group "
			"%u.%u.%u.%u, definition loop every %u ms from group "
			"%u.%u.%u.%u\n", cfg->mdp3_snapshot_interval_ms,
			s >> 24, (s >> 16) & 255, (s >> 8) & 255, s & 255,
			cfg->mdp3_definition_interval_ms, d >> 24,
			(d >> 16) & 255, (d >> 8) & 255, d & 255);
	}
	return 0;
}

/* The capture [replay] file names, loaded for lcore g. */
static int
gen_replay_create(const struct tw_config *cfg, struct tw_gen_lcore *g)
{
	char path[TW_PATH_MAX * 2], err[TW_PATH_MAX + 128], a[32];

	tw_config_beside(cfg->path, cfg->replay_file, path, sizeof(path));
	if (tw_pcap_load(&g->replay, path, err, sizeof(err)) != 0) {
		TW_LOG(app, ERR, "%s: [replay] file: %s\n", cfg->path, err);
		return -EINVAL;
	}
	g->replay_speed = cfg->replay_speed;
	g->replay_rate = cfg->replay_rate;
	g->replay_restamp = cfg->replay_restamp;
	printf("generator: replaying %s frames of %s, %s; send times %s\n",
		tw_grouped(a, sizeof(a), g->replay.nb), path, g->replay_rate ? "at a rate" :
		g->replay_speed > 0 ? "at the capture's timing" :
		"as fast as the port takes them", g->replay_restamp ?
		"the replay's own" : "the recording's (latency is then the "
		"recording's age, not a latency)");
	return 0;
}

/*
 * [generator] itch_file, loaded and checked against the feed's size;
 * once: the other generator lcores read the first one's copy (each
 * sends its own channels' messages).
 */
static int
gen_itch_file_create(const struct tw_app *app, struct tw_gen_lcore *g)
{
	const struct tw_config *cfg = &app->cfg;
	char path[TW_PATH_MAX * 2], err[TW_PATH_MAX * 2 + 128], a[32];
	int rc;

	if (g->index > 0) {
		g->itch_file = app->gen[0]->itch_file;
		g->itch_speed = app->gen[0]->itch_speed;
		return 0;
	}
	tw_config_beside(cfg->path, cfg->itch_file, path, sizeof(path));
	rc = tw_itch_file_load(&g->itch_file, path, err, sizeof(err));
	if (rc != 0) {
		TW_LOG(app, ERR, "%s: [generator] itch_file: %s\n", cfg->path,
			err);
		return rc;
	}
	if (g->itch_file.max_locate > cfg->symbols) {
		TW_LOG(app, ERR, "%s: [feed] symbols: %u, but %s has stock "
			"locates up to %u\n", cfg->path, cfg->symbols, path,
			g->itch_file.max_locate);
		return -EINVAL;
	}
	g->itch_speed = cfg->itch_speed;
	printf("generator: sending %s messages of %s (%.3f s of its time) "
		"%s, timestamps the send time\n",
		tw_grouped(a, sizeof(a), g->itch_file.msgs), path, (double)(g->itch_file.last_ts -
		g->itch_file.first_ts) / 1e9, g->itch_speed > 0 ?
		"at its own timing" : "as fast as the port takes them");
	if (g->itch_speed > 0 && g->itch_speed != 1)
		printf("generator: ... %g times as fast\n", g->itch_speed);
	if (app->nb_gen > 1)
		printf("generator: ... each of %u generator lcores its own "
			"channels' messages\n", app->nb_gen);
	return 0;
}

/*
 * The TX queues: line A's on [generator] port, then, with [feed]
 * line_b_port, line B's as many on that port (queue q of each port for
 * channel c with c % queues = q).
 */
static void
gen_txqs(const struct tw_config *cfg, struct tw_gen_lcore *g)
{
	uint16_t b = 0, q;

	g->txq_b = tw_config_line_b_port(cfg, &b) ? g->nb_txq : 0;
	g->nb_txq_all = g->nb_txq + g->txq_b;
	for (q = 0; q < g->nb_txq_all; q++) {
		g->txq[q].port_id = q < g->nb_txq ? cfg->gen_port : b;
		g->txq[q].queue = q < g->nb_txq ? q : q - g->nb_txq;
	}
}

/*
 * Generator lcore i of n: the channels c with c % n == i (so, with
 * queues a multiple of n, the TX queues q with q % n == i), their
 * share of the rate and of the count, its own framer over the shared
 * channel sequences, its own faults.
 */
static int
gen_lcore_one(struct tw_app *app, struct tw_gen_lcore *g,
		const struct tw_frame_params *fp, struct tw_framer_chan *chans,
		int socket)
{
	const struct tw_config *cfg = &app->cfg;
	uint64_t hz = tw_clock_hz(&app->clock);
	uint16_t own[TW_GEN_MAX_CHANNELS], nb_own = 0;
	struct tw_frame_src src;
	int pi, rc;
	unsigned int c;

	for (c = g->index; c < cfg->channels; c += app->nb_gen)
		own[nb_own++] = (uint16_t)c;
	if (tw_gen_sched_init(&g->sched, g->gen, own, nb_own,
			cfg->count) != 0)
		return -EINVAL;
	pi = tw_app_port_index(app, cfg->gen_port);
	g->port_id = cfg->gen_port;
	g->burst = cfg->gen_burst;
	g->nb_txq = cfg->gen_queues;
	gen_txqs(cfg, g);
	g->proto = app->proto;
	g->pool = tw_app_pool(app, app->plan.gen_pool_socket);
	g->csum = pi >= 0 && app->port_state[pi].tx_csum ? TW_CSUM_OFFLOAD :
		TW_CSUM_SOFTWARE;
	if (cfg->nb_mirror_ports > 0) {
		/* One frame, two ports: its checksums must be in the bytes. */
		g->mirror = true;
		g->mirror_port = (uint16_t)cfg->mirror_ports[0];
		g->csum = TW_CSUM_SOFTWARE;
	}
	g->rate = cfg->rate == 0 ? 0 : RTE_MAX((uint64_t)1,
		(uint64_t)((double)cfg->rate * g->sched.share + 0.5));
	g->send_ready = cfg->send == TW_SEND_READY;
	g->start_delay_tsc = hz / 1000 * cfg->start_delay_ms;
	g->reply_rxq = tw_app_reply_rxq(app);
	g->nb_reply_rxq = tw_app_reply_nb_rxq(app);
	g->tx_retry_tsc = hz / 1000000 * cfg->tx_retry_us;
	g->clock = &app->clock;
	tw_noise_init(&g->noise, cfg->stall_threshold_ns, hz);
	rc = gen_recovery_create(app, g, fp, socket);
	if (rc != 0)
		return rc;
	if (cfg->replay_file[0] != '\0') {
		rc = gen_replay_create(cfg, g);
		if (rc != 0)
			return rc;
	}
	tw_reply_init(&g->replies);
	tw_hist_init(&g->rtt);

	src = (struct tw_frame_src){
		.get = tw_gen_frame_get, .put = tw_gen_frame_put, .arg = g,
	};
	tw_framer_init(&g->fr, g->tmpl, chans, cfg->channels, g->csum, &src,
		&g->ctr);
	tw_framer_framing(&g->fr, app->framing, &app->clock);
	tw_framer_own(&g->fr, own, nb_own);
	g->fr.flush_tsc = hz / 1000000 * cfg->flush_us;
	g->fr.heartbeat_tsc = hz / 1000 * cfg->heartbeat_ms;
	g->em = (struct tw_emitter){
		.fr = &g->fr,
		.gen = g->gen,
		.sched = &g->sched,
		.ctr = &g->ctr,
		.truth = g->truth,
		.replies = &g->replies,
		.reply_every = cfg->reply_every,
		.quotes_to_request = cfg->reply_every,
		.quit = &tw_force_quit,
	};
	rc = gen_loops_create(app, g, own, nb_own, socket);
	if (rc != 0)
		return rc;
	if (app->proto->gen_model_create != NULL) {
		struct tw_gen_model_env env = {
			.socket = socket,
			.index = g->index,
			.nb = app->nb_gen,
			.out = app->out[APP_OUT_ITCH].f,
		};
		char err[TW_PATH_MAX + 128];

		g->model = app->proto->gen_model_create(cfg, &env, err,
			sizeof(err));
		if (g->model == NULL) {
			TW_LOG(app, ERR, "%s\n", err);
			return -ENOMEM;
		}
		g->em.proto_state = g->model;
		if (cfg->itch_file[0] != '\0') {
			rc = gen_itch_file_create(app, g);
			if (rc != 0)
				return rc;
		}
		if (env.out != NULL && app->nb_gen > 1) {
			/* A day file is one stream in the order it was sent:
			 * one lcore's. */
			TW_LOG(app, ERR, "%s: [itch] out: a day file is written "
				"by one generator lcore; [generator] lcores "
				"names %u\n", cfg->path, app->nb_gen);
			return -EINVAL;
		}
		/* Opened before the run (run.c), closed after it. */
		g->model_out = env.out != NULL;
		if (g->model_out)
			printf("generator: writing the feed as an %s to %s\n",
				app->proto->recording, cfg->itch_out);
	}
	if (app->nb_gen > 1) {
		char list[256];
		int len = 0;

		for (c = 0; c < nb_own && len < (int)sizeof(list) - 8; c++)
			len += snprintf(list + len, sizeof(list) - len, "%s%u",
				c ? "," : "", own[c]);
		printf("generator: lcore %u sends channels %s (%.1f %% of the "
			"ticks) on TX queues %u.. step %u\n", g->lcore_id, list,
			100.0 * g->sched.share, g->index, app->nb_gen);
	}
	/* The source, once: a capture, else a day file, else the model. */
	if (g->replay.nb != 0)
		g->src = &tw_gen_src_pcap;
	else if (g->itch_file.msgs != 0)
		g->src = &tw_gen_src_itch;
	else
		g->src = &tw_gen_src_model;
	return 0;
}

int
tw_gen_lcore_create(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	uint32_t lcores[TW_MAX_GEN_LCORES];
	int socket = app->tin.gen.socket;
	struct tw_framer_chan *chans;
	struct tw_frame_params fp;
	struct tw_gen_params gp;
	struct tw_pkt_tmpl *tmpl;
	struct tw_cache *truth = NULL;
	struct tw_gen *gen;
	unsigned int c, i;
	void *mem;
	int rc;

	tw_config_gen_params(cfg, &gp);
	tw_config_frame_params(cfg, &fp);
	if (cfg->session_auto) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		tw_gen_session_name(fp.session, (uint64_t)ts.tv_sec * 1000 +
			(uint64_t)ts.tv_nsec / 1000000);
	}
	printf("generator: session %.*s%s\n", TW_MOLD_SESSION_LEN, fp.session,
		cfg->session_auto ? " (from the start time)" : "");
	if (cfg->lines == 2) {
		uint16_t b;

		if (tw_config_line_b_port(cfg, &b))
			printf("generator: line B on port %u, TX queues 0-%u "
				"of its own\n", b, cfg->gen_queues - 1);
		else
			printf("generator: line B on port %u, line A's TX "
				"queues\n", cfg->gen_port);
	}
	if (tw_frame_params_check(&fp) != 0) {
		TW_LOG(app, ERR, "%s: [feed]: group, vlan or mtu unusable\n",
			cfg->path);
		return -EINVAL;
	}
	/*
	 * Shared by the generator lcores, each writing only its own
	 * channels' parts: the model (per-channel streams, per-symbol
	 * prices), the channel sequences and the ground truth.
	 */
	mem = tw_app_zalloc(socket, tw_gen_memsize(&gp));
	gen = tw_gen_init(mem, &gp);
	if (gen == NULL || tw_gen_set_simd(gen, app->simd) != 0)
		return -EINVAL;
	/*
	 * The ground truth costs a cache update per tick: only if asked,
	 * or to serve snapshots from.
	 */
	if (cfg->dump_truth[0] != '\0' || (cfg->store_messages > 0 &&
	    cfg->snapshot_port != 0 && app->proto->caps.snapshots)) {
		mem = tw_app_zalloc(socket, tw_cache_memsize(cfg->symbols));
		truth = tw_cache_init(mem, cfg->symbols, socket);
		if (truth == NULL)
			return -ENOMEM;
	}
	tmpl = tw_app_zalloc(socket, cfg->channels * sizeof(*tmpl));
	chans = tw_app_zalloc(socket, cfg->channels * sizeof(*chans));
	if (tmpl == NULL || chans == NULL)
		return -ENOMEM;
	/* The transport's frames (its registration's framing). */
	app->framing = tw_transport_find(cfg->transport)->framing;
	if (app->framing == NULL) {
		TW_LOG(app, ERR, "%s: [feed] transport: %s has no generator "
			"side\n", cfg->path, cfg->transport);
		return -EINVAL;
	}
	for (c = 0; c < cfg->channels; c++)
		tw_pkt_tmpl_init_framing(&tmpl[c], &fp, (uint16_t)c,
			app->framing);
	/* Every frame is written into one mbuf: it must fit its room. */
	if (tmpl[0].max_len > tw_port_pool_frame_room(tw_app_pool(app,
			app->plan.gen_pool_socket))) {
		TW_LOG(app, ERR, "%s: [feed] mtu: %u gives %u-byte frames; the "
			"mbufs hold %u\n", cfg->path, cfg->mtu, tmpl[0].max_len,
			tw_port_pool_frame_room(tw_app_pool(app,
				app->plan.gen_pool_socket)));
		return -EINVAL;
	}
	app->nb_gen = tw_config_gen_lcores(cfg, lcores);
	for (i = 0; i < app->nb_gen; i++) {
		struct tw_gen_lcore *g = tw_app_zalloc(socket, sizeof(*g));

		if (g == NULL)
			return -ENOMEM;
		app->gen[i] = g;
		g->index = i;
		g->lcore_id = lcores[i];
		g->gen = gen;
		g->truth = truth;
		g->tmpl = tmpl;
		rc = gen_lcore_one(app, g, &fp, chans, socket);
		if (rc != 0)
			return rc;
	}
	return 0;
}
