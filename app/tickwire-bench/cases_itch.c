/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-bench's gen_itch50 case: the generator lcore's path with the
 * ITCH 5.0 model (lib/itch) as tickwire sets it up from the profile's
 * defaults, on the two-process lab's feed (drivers-config/memif-gen.ini:
 * 1,000 symbols, 4 channels), a whole day over the case's count of
 * ticks (the session clock from the count, as with --count): the
 * model's draw, its order actions, its truth books and lib/gen's
 * framer into mbufs, freed in bursts where the lcore would hand them to
 * tx_burst. The open (directories) and the close are outside the timed
 * loop. Owns its own templates and frame sink; cases.c's are
 * tickwire's protocol's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "bench.h"
#include "tw_config.h"
#include "tw_gen.h"
#include "tw_itch_gen.h"
#include "tw_protocol.h"

#define ITCH_SYMBOLS 1000
#define ITCH_CHANNELS 4

void
bench_gen_itch_run(struct rte_mempool *pool, enum tw_simd level,
		uint64_t ticks)
{
	const struct tw_protocol *proto = tw_protocol_find("itch50");
	const uint16_t all[ITCH_CHANNELS] = { 0, 1, 2, 3 };
	struct tw_pkt_tmpl tmpl[ITCH_CHANNELS];
	struct tw_framer_chan chans[ITCH_CHANNELS];
	struct bench_sink sink = { .pool = pool };
	const struct tw_frame_src src = {
		.get = bench_sink_get, .put = bench_sink_put, .arg = &sink,
	};
	uint64_t hz = tw_clock_hz(&clk), house_period, next_house;
	struct tw_gen_counters ctr = { 0 };
	struct tw_frame_params fp;
	struct tw_gen_params gp;
	struct tw_gen_sched sched;
	const struct tw_gen_model_env env = {
		.socket = SOCKET_ID_ANY, .nb = 1,
	};
	struct tw_config cfg;
	char err[256] = "";
	struct tw_framer fr;
	struct tw_emitter em;
	struct tw_itch_gen *ig;
	struct tw_gen *g;
	struct result *r;
	uint64_t t0, t1, a0, start;
	uint16_t c;

	tw_config_defaults(&cfg);
	snprintf(cfg.protocol, sizeof(cfg.protocol), "itch50");
	cfg.symbols = ITCH_SYMBOLS;
	cfg.channels = ITCH_CHANNELS;
	memcpy(cfg.session, "BENCH00001", TW_MOLD_SESSION_LEN);
	tw_config_frame_params(&cfg, &fp);
	tw_config_gen_params(&cfg, &gp);
	g = tw_gen_init(rte_zmalloc(NULL, tw_gen_memsize(&gp), 64), &gp);
	cfg.itch_timestamps = 1;        /* send: as the wire runs measure */
	/* The model as tickwire's generator lcore makes it. */
	ig = proto == NULL ? NULL : proto->gen_model_create(&cfg, &env, err,
		sizeof(err));
	if (proto == NULL || g == NULL || ig == NULL ||
	    tw_gen_set_simd(g, level) != 0 ||
	    tw_gen_sched_init(&sched, g, all, ITCH_CHANNELS, ticks) != 0)
		rte_exit(EXIT_FAILURE, "gen_itch50: set-up failed%s%s\n",
			ig == NULL ? ": " : "", ig == NULL ? err : "");
	for (c = 0; c < ITCH_CHANNELS; c++)
		tw_pkt_tmpl_init(&tmpl[c], &fp, c);
	tw_framer_init(&fr, tmpl, chans, ITCH_CHANNELS, TW_CSUM_SOFTWARE, &src,
		&ctr);
	fr.flush_tsc = hz / 1000000 * 20;
	fr.heartbeat_tsc = hz / 1000 * 100;
	em = (struct tw_emitter){
		.fr = &fr, .gen = g, .sched = &sched, .ctr = &ctr,
		.proto_state = ig,
	};
	house_period = RTE_MAX(fr.flush_tsc / 2, hz / 1000000);
	proto->gen_open(&em, rte_rdtsc(), tw_clock_ns(&clk, rte_rdtsc()));
	tw_framer_close_all(&fr, rte_rdtsc());
	start = ctr.ticks;
	a0 = allocs();
	t0 = next_house = rte_rdtsc();
	while (ctr.ticks - start < ticks) {
		uint64_t now = rte_rdtsc();
		uint64_t now_ns = tw_clock_ns(&clk, now);
		unsigned int n = (unsigned int)RTE_MIN(ticks - (ctr.ticks -
			start), (uint64_t)TW_GEN_BATCH);
		uint64_t before = ctr.ticks;

		proto->gen_ticks(&em, n, now, now_ns, now_ns, 0);
		if (now >= next_house) {
			tw_framer_housekeeping(&fr, now);
			next_house = now + house_period;
		}
		if (unlikely(ctr.ticks == before))
			rte_exit(EXIT_FAILURE, "gen_itch50: out of mbufs\n");
	}
	tw_framer_close_all(&fr, rte_rdtsc());
	t1 = rte_rdtsc();
	proto->gen_close(&em, rte_rdtsc(), tw_clock_ns(&clk, rte_rdtsc()));
	tw_framer_close_all(&fr, rte_rdtsc());
	rte_pktmbuf_free_bulk(sink.done, sink.n);
	if (ctr.truth_refused != 0)
		rte_exit(EXIT_FAILURE, "gen_itch50: %lu messages the truth "
			"refused\n", (unsigned long)ctr.truth_refused);
	r = result_of("gen_itch50", level, "Mticks/s");
	r->allocs += allocs() - a0;
	r->ops = ticks;
	r->samples[r->nb_samples++] = ticks / (tsc_to_ns(t1 - t0) / 1e9) / 1e6;
	rte_free(ig);
	rte_free(g);
}
