/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-itch's synthetic day: tickwire's own market model (lib/itch
 * through lib/gen's framer, as tickwire's generator sends it) makes the
 * ticks in memory a chunk at a time, each chunk written to --write's
 * day file if asked and decoded (itch_decode.c), so that only the
 * decoding is timed. Never reads a file and never reports.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "itch.h"
#include "tw_gen.h"
#include "tw_itch_gen.h"
#include "tw_outfile.h"
#include "tw_stats.h"

static uint8_t frame_buf[TW_FRAME_HDR_MAX + 9000];

static uint8_t *
frame_get(void *arg, uint16_t ch, void **handle, uint16_t *max_msgs)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(ch);
	RTE_SET_USED(max_msgs);
	*handle = frame_buf;
	return frame_buf;
}

static void
frame_put(void *arg, void *handle, uint16_t ch, uint16_t len, uint16_t msgs)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(handle);
	RTE_SET_USED(ch);
	RTE_SET_USED(len);
	RTE_SET_USED(msgs);
}

int
itch_decode_generated(struct run *r, const struct opts *o)
{
	const uint16_t nb_ch = 8;
	struct tw_gen_params gp = {
		.nb_symbols = o->symbols, .nb_channels = nb_ch,
		.seed = o->seed, .quote_pct = 70,
		.activity = TW_ACTIVITY_UNIFORM, .drift = 0.05,
		.volatility = 0.2, .dt = 1.0 / (252.0 * 23400.0),
		.init_price = 100.0, .price_decimals = 4, .zipf_s = 1,
	};
	struct tw_itch_gen_params ip;
	struct tw_frame_params fp = {
		.group_base = 0xef010101, .src_port = 30000,
		.dst_port = 30001, .mtu = 1500, .ttl = 1,
		.session = "TWITCHDAY ",
	};
	const struct tw_frame_src src = {
		.get = frame_get, .put = frame_put,
	};
	struct tw_pkt_tmpl *tmpl = calloc(nb_ch, sizeof(*tmpl));
	struct tw_framer_chan *chans = calloc(nb_ch, sizeof(*chans));
	struct tw_gen_sched *sched = malloc(sizeof(*sched));
	void *gmem = aligned_alloc(64, RTE_ALIGN_CEIL(tw_gen_memsize(&gp), 64));
	void *imem;
	struct tw_gen_counters gctr = { 0 };
	uint16_t all[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, c;
	struct tw_framer fr;
	struct tw_emitter em;
	struct tw_itch_gen *ig;
	static struct tw_outfile wout;
	char err[PATH_MAX + 128];
	FILE *mem, *out = NULL;
	char *chunk = NULL;
	size_t chunk_len = 0, used;
	uint64_t done = 0, ns = UINT64_C(9) * 3600 * 1000000000;

	if (tmpl == NULL || chans == NULL || sched == NULL || gmem == NULL)
		return -1;
	/* The real-day defaults (docs/protocol.md), the whole day over the
	 * ticks asked for. */
	memset(&ip, 0, sizeof(ip));
	tw_itch_gen_defaults(&ip);
	ip.nb_symbols = o->symbols;
	ip.nb_channels = nb_ch;
	ip.orders_per_symbol = o->orders_per_symbol;
	ip.hash_key = o->seed;
	imem = itch_big_alloc(tw_itch_gen_memsize(&ip),
		tw_itch_gen_memsize(&ip));
	if (imem == NULL)
		return -1;
	ig = tw_itch_gen_init(imem, &ip);
	em = (struct tw_emitter){
		.fr = &fr, .gen = tw_gen_init(gmem, &gp), .sched = sched,
		.ctr = &gctr, .proto_state = ig,
	};
	if (ig == NULL || em.gen == NULL) {
		fprintf(stderr, "tickwire-itch: --symbols %u, "
			"--orders-per-symbol %u: unusable\n", o->symbols,
			o->orders_per_symbol);
		return -1;
	}
	{
		char err[128];
		bool capped;
		int level = tw_simd_resolve(TW_SIMD_AUTO, 0, &capped, err,
			sizeof(err));

		if (level >= 0)
			tw_gen_set_simd(em.gen, (enum tw_simd)level);
	}
	for (c = 0; c < nb_ch; c++)
		tw_pkt_tmpl_init(&tmpl[c], &fp, c);
	tw_gen_sched_init(sched, em.gen, all, nb_ch, o->generate);
	tw_framer_init(&fr, tmpl, chans, nb_ch, TW_CSUM_OFFLOAD, &src, &gctr);
	if (o->write != NULL) {
		/* tickwire's rules for a report file (lib/stats). */
		if (tw_outfile_open(&wout, o->write, err, sizeof(err)) != 0) {
			fprintf(stderr, "tickwire-itch: --write %s\n", err);
			return -1;
		}
		out = wout.f;
	}
	mem = open_memstream(&chunk, &chunk_len);
	if (mem == NULL)
		return -1;
	ig->out = mem;
	tw_itch_emit_open(&em, 0, ns);
	for (;;) {
		uint64_t n = RTE_MIN(o->generate - done, (uint64_t)1 << 20);

		while (n > 0) {
			unsigned int k = (unsigned int)RTE_MIN(n,
				(uint64_t)TW_GEN_BATCH);

			tw_itch_emit_ticks(&em, k, 0, 0, ns, 1000);
			ns += 1000 * (uint64_t)k;
			n -= k;
		}
		done = gctr.ticks;
		if (done >= o->generate)
			tw_itch_emit_close(&em, 0, ns);
		fflush(mem);
		if (out != NULL && fwrite(chunk, 1, chunk_len, out) !=
		    chunk_len) {
			tw_outfile_discard(&wout);
			return -1;
		}
		used = itch_decode(r, (const uint8_t *)chunk, chunk_len);
		if (used != chunk_len)
			return -1;
		rewind(mem);
		if (done >= o->generate)
			break;
	}
	fclose(mem);
	free(chunk);
	if (out != NULL && tw_outfile_close(&wout, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "tickwire-itch: --write %s\n", err);
		return -1;
	}
	printf("generated: %s ticks on %s symbols (at most %s orders "
		"resting a symbol on average), peak %s orders resting\n",
		tw_grp(gctr.ticks),
		tw_grp(o->symbols), tw_grp(o->orders_per_symbol),
		tw_grp(ig->books->peak));
	return 0;
}
