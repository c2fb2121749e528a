/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A whole feed as frames in memory, for tests, benchmarks and capture
 * tools: the same generator, builder and encoders the generator lcore
 * uses, without ports or clocks.
 */
#include <errno.h>

#include "tw_gen.h"

int
tw_gen_feed_frames(struct tw_gen *g, const struct tw_pkt_tmpl *tmpl,
		const struct tw_gen_feed_opts *o, tw_gen_frame_buf_t get_buf,
		tw_gen_frame_done_t done, void *arg)
{
	uint16_t nb_ch = g->p.nb_channels;
	struct tw_pkt_builder b[nb_ch];
	uint64_t seq[nb_ch];
	uint16_t quota[nb_ch];
	uint64_t nb_msgs = o->nb_ticks + (o->directory ? g->p.nb_symbols : 0);
	uint64_t i;
	uint16_t ch;

	for (ch = 0; ch < nb_ch; ch++) {
		b[ch].buf = NULL;
		seq[ch] = TW_MOLD_FIRST_SEQ;
		quota[ch] = 0;
	}
	/* Then one pass per channel to close what is still open. */
	for (i = 0; i < nb_msgs + nb_ch; i++) {
		bool dir = o->directory && i < g->p.nb_symbols;
		struct tw_directory d;
		struct tw_tick t;
		uint16_t mlen = 0;
		uint8_t *p = NULL;

		if (i >= nb_msgs) {
			ch = (uint16_t)(i - nb_msgs);
			quota[ch] = 0;
		} else if (dir) {
			tw_gen_directory(g, (uint32_t)i, &d);
			d.send_ns = o->send_ns;
			ch = tw_gen_channel_of(g, (uint32_t)i);
			mlen = TW_MSG_DIRECTORY_LEN;
		} else {
			tw_gen_next(g, &t);
			ch = t.channel;
			mlen = tw_msg_len(t.type);
		}
		if (b[ch].buf != NULL && quota[ch] > 0)
			p = tw_pkt_reserve(&b[ch], &tmpl[ch], mlen);
		if (p == NULL && b[ch].buf != NULL) {
			uint16_t n = b[ch].count;
			uint8_t *buf = b[ch].buf;

			seq[ch] += n;
			done(arg, buf, tw_pkt_close(&b[ch], &tmpl[ch], n,
				TW_CSUM_SOFTWARE), n);
		}
		if (i >= nb_msgs)
			continue;
		if (p == NULL) {
			uint8_t *buf = get_buf(arg);

			if (buf == NULL)
				return -ENOBUFS;
			tw_pkt_open(&b[ch], &tmpl[ch], buf, seq[ch], 0);
			quota[ch] = o->vary ? 1 + (uint16_t)(tw_rng_u64(&g->rng) %
				o->max_msgs) : o->max_msgs;
			p = tw_pkt_reserve(&b[ch], &tmpl[ch], mlen);
		}
		quota[ch]--;
		if (dir) {
			tw_encode_directory(p, &d);
		} else if (t.type == TW_MSG_QUOTE) {
			t.quote.send_ns = o->send_ns + i;
			tw_encode_quote(p, &t.quote);
		} else {
			t.trade.send_ns = o->send_ns + i;
			tw_encode_trade(p, &t.trade);
		}
	}
	return 0;
}
