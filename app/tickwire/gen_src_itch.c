/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generator source: an ITCH 5.0 day file ([generator] itch_file) sent
 * instead of the model, each message through the framer on its stock's
 * channel (those of no stock, System Events, on every channel), of the
 * channels this lcore sends (with several generator lcores each reads
 * the whole file and sends its own channels' messages), at the
 * file's timing scaled by itch_speed or as fast as the port takes them.
 * The file's System Events open and close the session. Owns only its
 * place in the file and its timing; never touches the model, the TX
 * queues but to flush them, or the servers. The file was loaded at
 * set-up (gen_setup.c). Its loop's gaps are recorded as the model
 * source's are (lib/noise): each message's clock read (and each of a
 * wait's) is a tick; frames closed and bursts sent are its own work.
 */
#include <rte_cycles.h>
#include <rte_pause.h>

#include "gen_lcore.h"

/* Channel c is one this lcore sends (gen_setup.c: its schedule's). */
static bool
itch_owns(const struct tw_gen_lcore *g, uint16_t c)
{
	uint16_t i;

	for (i = 0; i < g->sched.nb; i++)
		if (g->sched.ch[i] == c)
			return true;
	return false;
}

static void
itch_begin(struct tw_gen_lcore *g, uint64_t now)
{
	g->at.itch.start = now;
	g->at.itch.next_house = now;
	g->at.itch.off = 0;
	tw_noise_begin(&g->noise, now);
}

/*
 * Up to a batch of the file's messages; each frame leaves once the next
 * message is not due. False once the file is spent.
 */
static bool
itch_emit(struct tw_gen_lcore *g)
{
	const struct tw_itch_file *f = &g->itch_file;
	uint64_t hz = tw_clock_hz(g->clock), start = g->at.itch.start;
	uint16_t nch = g->fr.nb_channels, i;
	size_t off = g->at.itch.off;
	unsigned int k;

	for (k = 0; k < TW_GEN_BATCH && off < f->len && !tw_force_quit &&
	     !tw_stop_requested; k++) {
		uint16_t len = (uint16_t)(f->data[off] << 8 | f->data[off + 1]);
		const uint8_t *m = f->data + off + 2;
		uint16_t wl = tw_itch_locate(m), c;
		uint64_t now = rte_rdtsc(), now_ns;
		uint32_t pending = g->nb_tx;

		tw_noise_tick(&g->noise, now);
		tw_lcore_quiescent(g->lcore_id);
		off += 2 + (size_t)len;
		c = wl == 0 ? 0 : (uint16_t)((wl - 1) % nch);
		/* Another lcore's stock: neither waited for nor sent. */
		if (wl != 0 && !itch_owns(g, c))
			continue;
		if (g->itch_speed > 0) {
			uint64_t ts = tw_itch_timestamp(m);
			uint64_t due = start + (uint64_t)((double)(ts >
				f->first_ts ? ts - f->first_ts : 0) /
				g->itch_speed * (double)hz / 1e9);

			if (now < due) {
				tw_framer_close_all(&g->fr, now);
				/* The wait starts after the frames' work. */
				tw_noise_mark(&g->noise, rte_rdtsc());
				while ((now = rte_rdtsc()) < due &&
				       !tw_force_quit) {
					bool worked = g->nb_tx > 0;

					tw_noise_tick(&g->noise, now);
					if (g->nb_tx > 0)
						tw_gen_tx_flush(g, false);
					if (now >= g->at.itch.next_house) {
						tw_framer_housekeeping(&g->fr,
							now);
						g->at.itch.next_house =
							now + hz / 1000;
						worked = true;
					}
					if (worked)
						tw_noise_mark(&g->noise,
							rte_rdtsc());
					rte_pause();
				}
				pending = g->nb_tx;
			}
		}
		now_ns = tw_clock_ns(g->clock, now);
		if (wl == 0) {
			for (i = 0; i < g->sched.nb; i++)
				tw_itch_emit_raw(&g->em, g->sched.ch[i], m, len,
					now, now_ns);
		} else {
			tw_itch_emit_raw(&g->em, c, m, len, now, now_ns);
		}
		/* A burst left: the send was the loop's work, not a gap. */
		if (g->nb_tx < pending)
			tw_noise_mark(&g->noise, rte_rdtsc());
	}
	/* The truth whole between batches, as the model's is. */
	tw_itch_emit_raw_flush(&g->em);
	g->at.itch.off = off;
	return off < f->len;
}

/* The last messages' frames close, however the file stopped. */
static void
itch_drain(struct tw_gen_lcore *g)
{
	tw_framer_close_all(&g->fr, rte_rdtsc());
}

/* No close: the file's own System Events end the session. */
const struct tw_gen_source tw_gen_src_itch = {
	.name = "itch_file",
	.begin = itch_begin,
	.emit = itch_emit,
	.drain = itch_drain,
	.report = tw_gen_session_report,
};
