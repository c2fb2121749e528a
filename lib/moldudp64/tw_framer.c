/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "tw_clock.h"
#include "tw_framer.h"

void
tw_framer_init(struct tw_framer *fr, const struct tw_pkt_tmpl *tmpl,
		struct tw_framer_chan *chans, uint16_t nb_channels,
		enum tw_csum_mode csum, const struct tw_frame_src *src,
		struct tw_gen_counters *ctr)
{
	uint16_t c;

	*fr = (struct tw_framer){
		.tmpl = tmpl,
		.framing = &tw_mold_framing,
		.seq_mask = UINT16_MAX,
		.ch = chans,
		.nb_channels = nb_channels,
		.csum = csum,
		.flush_tsc = UINT64_MAX,
		.heartbeat_tsc = UINT64_MAX,
		.src = *src,
		.ctr = ctr,
	};
	for (c = 0; c < nb_channels; c++) {
		chans[c] = (struct tw_framer_chan){
			.next_seq = TW_MOLD_FIRST_SEQ,
		};
		fr->own[c] = c;
	}
	fr->nb_own = nb_channels;
}

void
tw_framer_framing(struct tw_framer *fr, const struct tw_framing *f,
		const struct tw_clock *clock)
{
	fr->framing = f;
	fr->clock = clock;
	fr->seq_mask = f->seq_per_packet ? 0 : UINT16_MAX;
}

void
tw_framer_own(struct tw_framer *fr, const uint16_t *own, uint16_t nb)
{
	memcpy(fr->own, own, nb * sizeof(own[0]));
	fr->nb_own = nb;
}

int
tw_framer_open(struct tw_framer *fr, uint16_t ch, uint64_t now)
{
	struct tw_framer_chan *c = &fr->ch[ch];
	uint16_t max_msgs = TW_PKT_MAX_MSGS;
	uint8_t *buf = fr->src.get(fr->src.arg, ch, &c->handle, &max_msgs);

	if (unlikely(buf == NULL))
		return -ENOBUFS;
	tw_pkt_open(&c->b, &fr->tmpl[ch], buf, c->next_seq, now);
	c->b.max_msgs = RTE_MIN(max_msgs, fr->framing->max_msgs);
	return 0;
}

/* The transport's header sealed (count in it), then IPv4 and UDP. */
static uint16_t
framer_seal(struct tw_framer *fr, uint16_t ch, uint16_t count, uint64_t now)
{
	struct tw_framer_chan *c = &fr->ch[ch];
	const struct tw_pkt_tmpl *t = &fr->tmpl[ch];
	uint64_t send_ns = 0;

	if (fr->framing->stamp && fr->clock != NULL)
		send_ns = tw_clock_ns(fr->clock, now);
	fr->framing->seal(c->b.buf + t->thdr_off, c->b.first_seq, count,
		send_ns);
	return tw_pkt_close_ip(&c->b, t, fr->csum);
}

void
tw_framer_close(struct tw_framer *fr, uint16_t ch, uint64_t now)
{
	struct tw_framer_chan *c = &fr->ch[ch];
	uint16_t count = c->b.count;
	uint16_t len = framer_seal(fr, ch, count, now);

	c->next_seq += fr->framing->seq_per_packet ? 1 : count;
	c->last_tx_tsc = now;
	fr->src.put(fr->src.arg, c->handle, ch, len, count);
	c->handle = NULL;
}

int
tw_framer_control(struct tw_framer *fr, uint16_t ch, uint16_t mold_count,
		uint64_t now)
{
	const struct tw_framing *f = fr->framing;
	struct tw_framer_chan *c = &fr->ch[ch];
	uint16_t len;

	if (c->b.buf != NULL)
		tw_framer_close(fr, ch, now);
	if (mold_count == TW_MOLD_COUNT_END_OF_SESSION && !f->end_of_session)
		return -ENOTSUP;
	if (tw_framer_open(fr, ch, now) != 0)
		return -ENOBUFS;
	if (mold_count == TW_MOLD_COUNT_HEARTBEAT && f->heartbeat_msg != NULL) {
		/* A message of its own, under a sequence of its own. */
		memcpy(tw_pkt_reserve(&c->b, &fr->tmpl[ch], f->heartbeat_len),
			f->heartbeat_msg, f->heartbeat_len);
		len = framer_seal(fr, ch, 1, now);
		c->next_seq++;
	} else {
		len = framer_seal(fr, ch, mold_count ==
			TW_MOLD_COUNT_HEARTBEAT ? f->heartbeat_count :
			f->end_count, now);
	}
	c->last_tx_tsc = now;
	fr->src.put(fr->src.arg, c->handle, ch, len, 0);
	c->handle = NULL;
	return 0;
}

void
tw_framer_housekeeping(struct tw_framer *fr, uint64_t now)
{
	uint16_t i;

	for (i = 0; i < fr->nb_own; i++) {
		uint16_t ch = fr->own[i];
		struct tw_framer_chan *c = &fr->ch[ch];

		if (c->b.buf != NULL) {
			if (now - c->b.open_tsc >= fr->flush_tsc)
				tw_framer_close(fr, ch, now);
		} else if (now - c->last_tx_tsc >= fr->heartbeat_tsc) {
			tw_framer_control(fr, ch, TW_MOLD_COUNT_HEARTBEAT, now);
			fr->ctr->heartbeats++;
		}
	}
}

void
tw_framer_close_all(struct tw_framer *fr, uint64_t now)
{
	uint16_t i;

	for (i = 0; i < fr->nb_own; i++)
		if (fr->ch[fr->own[i]].b.buf != NULL)
			tw_framer_close(fr, fr->own[i], now);
}

void
tw_framer_end_session(struct tw_framer *fr, uint64_t now)
{
	uint16_t i;

	for (i = 0; i < fr->nb_own; i++)
		if (tw_framer_control(fr, fr->own[i],
				TW_MOLD_COUNT_END_OF_SESSION, now) == 0)
			fr->ctr->end_of_session++;
}
