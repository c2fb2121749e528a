/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a tickwire process publishes about itself, and the one way to
 * read it: the final summary, the periodic line, telemetry,
 * tickwire-top and tickwire-sockrx all read through here.
 *
 * Owns: the published layout (in a primary, the memzone TW_VIEW_MZ,
 * which secondary processes attach to; DPDK maps hugepages at the same
 * addresses in every process of a file prefix, so its pointers hold
 * there too), and the readers: a stats snapshot, the channel listing,
 * merged histograms, the top-N symbols of the caches.
 * Never touches: what it points to, except to read it (relaxed loads,
 * seqcount snapshots): every counter keeps its one writer.
 */
#ifndef TW_VIEW_H
#define TW_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_memzone.h>

#include "tw_cache.h"
#include "tw_feed.h"
#include "tw_framer.h"
#include "tw_gen.h"
#include "tw_hist.h"
#include "tw_noise.h"
#include "tw_parse.h"
#include "tw_port.h"
#include "tw_stats.h"
#include "tw_topo.h"

#define TW_VIEW_MZ "tickwire_shared"
#define TW_VIEW_MAGIC 0x74777368u       /* "twsh" */

struct tw_view {
	uint32_t magic;                 /* set last, with release */
	uint32_t nb_rx;
	uint16_t nb_channels;
	uint16_t nb_caches;
	uint16_t udp_port;
	uint32_t group_base;            /* channel c is group_base + c */
	uint64_t tsc_hz;
	uint64_t start_tsc;             /* 0 until the lcores run */
	uint32_t nb_gen;                        /* generator lcores, or 0 */
	const struct tw_gen_counters *gen[TW_MAX_GEN_LCORES];
	unsigned int gen_lcore[TW_MAX_GEN_LCORES];
	const struct tw_hist *rtt;              /* generator's; or NULL */
	const struct tw_framer_chan *gen_chans; /* its sequences; or NULL */
	unsigned int rx_lcore[TW_MAX_RX_LCORES];
	const struct tw_rx_counters *rx[TW_MAX_RX_LCORES];
	const struct tw_channel_state *channels[TW_MAX_RX_LCORES];
	const struct tw_hist *lat[TW_MAX_RX_LCORES]; /* TW_SPAN_MAX each */
	/* Each poller's interruptions (lib/noise); the RX lcores' samples
	 * that waited through one (TW_SPAN_MAX each, or NULL). */
	const struct tw_noise *rx_noise[TW_MAX_RX_LCORES];
	/* What the receivers are called in the reports: "rx" (RX lcores)
	 * when NULL; tickwire-sockrx's thread is "sockrx". */
	const char *rx_role;
	const struct tw_hist *touched[TW_MAX_RX_LCORES];
	const struct tw_noise *gen_noise[TW_MAX_GEN_LCORES];
	struct tw_cache *cache[TW_MAX_SOCKETS]; /* read only to readers */
	char cache_mz[TW_MAX_SOCKETS][RTE_MEMZONE_NAMESIZE];
	char simd[16];
	/*
	 * The ports, written in place (in the memzone) by the primary's
	 * main lcore under each report's seqcount.
	 */
	uint16_t nb_ports;
	struct tw_port_report ports[TW_MAX_PORTS];
};

/*
 * Reserve the memzone, copy v into it and set its magic; *mz for
 * freeing at teardown. 0, or -rte_errno (EEXIST: another tickwire with
 * this file prefix).
 */
int tw_view_publish(const struct tw_view *v, const struct rte_memzone **mz);

/* The published view, so that the primary can set start_tsc. */
static inline struct tw_view *
tw_view_of(const struct rte_memzone *mz)
{
	return mz->addr;
}

/*
 * In a secondary process: the primary's view, waiting up to wait_ms for
 * a primary still setting up, with the caches looked up by name. NULL
 * with the reason in err.
 */
const struct tw_view *tw_view_attach(unsigned int wait_ms,
		const volatile bool *quit, struct tw_cache **caches,
		char *err, size_t errlen);

/* Every channel's report, merged over the RX lcores (nb_channels). */
void tw_view_channels(const struct tw_view *v, struct tw_channel_report *out);

/* The RX lcores' counters summed. */
void tw_view_rx_total(const struct tw_view *v, struct tw_rx_counters *sum);

/* One span's histograms merged over the RX lcores. */
void tw_view_latency(const struct tw_view *v, enum tw_lat_span span,
		struct tw_hist *out);

/*
 * Every poller's interruptions (RX lcores, then generator lcores) into
 * s->noise; with rx_gaps, the RX lcores' gaps merged there.
 */
void tw_view_noise(const struct tw_view *v, struct tw_stats *s,
		struct tw_hist *rx_gaps);

/*
 * Everything a report shows, read now: counters, totals, channels
 * (s->channels: nb_channels entries, caller's memory), histogram
 * summaries. merged (TW_SPAN_MAX) and rtt are the caller's scratch and
 * hold the merged histograms afterwards.
 */
void tw_view_collect(const struct tw_view *v, struct tw_stats *s,
		struct tw_hist *merged, struct tw_hist *rtt);

/* ---- the most active symbols ---- */

struct tw_top_item {
	uint32_t locate;
	uint32_t score;                 /* updates (since prev, if given) */
};

/*
 * The want (at most TW_VIEW_TOP_MAX) symbols with the most updates over
 * the caches, best first, ties by locate; with prev (nb_symbols
 * entries), updates since the counts in prev, which are then brought up
 * to date. Symbols with no update are left out. Returns how many.
 */
#define TW_VIEW_TOP_MAX 1024
unsigned int tw_view_top(struct tw_cache *const *caches, unsigned int nb,
		uint32_t nb_symbols, unsigned int want, uint32_t *prev,
		struct tw_top_item *out);

#endif /* TW_VIEW_H */
