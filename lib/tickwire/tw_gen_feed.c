/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A whole feed as frames in memory, for tests, benchmarks and capture
 * tools: the generator lcore's framer and emitter over plain buffers,
 * without ports or clocks.
 */
#include <errno.h>
#include <stdlib.h>

#include "tw_tickwire_gen.h"

struct feed_src {
	tw_gen_frame_buf_t get_buf;
	tw_gen_frame_done_t done;
	void *arg;
	struct tw_gen *g;
	const struct tw_gen_feed_opts *o;
};

static uint8_t *
feed_get(void *arg, uint16_t ch, void **handle, uint16_t *max_msgs)
{
	struct feed_src *fs = arg;
	uint8_t *buf = fs->get_buf(fs->arg);

	RTE_SET_USED(ch);
	*handle = buf;
	if (buf != NULL)
		*max_msgs = fs->o->vary ? 1 + (uint16_t)(tw_rng_u64(
			&fs->g->rng) % fs->o->max_msgs) : fs->o->max_msgs;
	return buf;
}

static void
feed_put(void *arg, void *handle, uint16_t ch, uint16_t len, uint16_t msgs)
{
	struct feed_src *fs = arg;

	RTE_SET_USED(ch);
	fs->done(fs->arg, handle, len, msgs);
}

int
tw_gen_feed_frames(struct tw_gen *g, const struct tw_pkt_tmpl *tmpl,
		const struct tw_gen_feed_opts *o, tw_gen_frame_buf_t get_buf,
		tw_gen_frame_done_t done, void *arg)
{
	struct feed_src fs = {
		.get_buf = get_buf, .done = done, .arg = arg, .g = g, .o = o,
	};
	const struct tw_frame_src src = {
		.get = feed_get, .put = feed_put, .arg = &fs,
	};
	uint16_t nb_ch = g->p.nb_channels;
	struct tw_framer_chan *chans = calloc(nb_ch, sizeof(*chans));
	struct tw_gen_sched *sched = malloc(sizeof(*sched));
	uint16_t all[TW_GEN_MAX_CHANNELS];
	struct tw_gen_counters ctr = { 0 };
	struct tw_framer fr;
	struct tw_emitter em = {
		.fr = &fr, .gen = g, .sched = sched, .ctr = &ctr,
	};
	uint64_t first = o->send_ns, done_ticks = 0;
	int rc = 0;
	uint16_t c;

	if (chans == NULL || sched == NULL) {
		free(chans);
		free(sched);
		return -ENOMEM;
	}
	for (c = 0; c < nb_ch; c++)
		all[c] = c;
	tw_gen_sched_init(sched, g, all, nb_ch, o->nb_ticks);
	tw_framer_init(&fr, tmpl, chans, nb_ch, TW_CSUM_SOFTWARE, &src, &ctr);
	if (o->directory) {
		tw_emit_directory(&em, 0, o->send_ns);
		first += g->p.nb_symbols;
		if (ctr.directories != g->p.nb_symbols)
			rc = -ENOBUFS;
	}
	/* Message i is stamped send_ns + i, as one paced step per tick. */
	while (rc == 0 && done_ticks < o->nb_ticks) {
		unsigned int n = (unsigned int)RTE_MIN(o->nb_ticks - done_ticks,
			(uint64_t)TW_GEN_BATCH);

		tw_emit_ticks(&em, n, 0, 0, first + done_ticks, 1);
		done_ticks += n;
		if (ctr.ticks != done_ticks)
			rc = -ENOBUFS;
	}
	if (rc == 0)
		tw_framer_close_all(&fr, 0);
	free(chans);
	free(sched);
	return rc;
}
