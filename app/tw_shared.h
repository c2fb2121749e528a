/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a tickwire primary publishes for its secondary processes.
 */
#ifndef TW_SHARED_H
#define TW_SHARED_H

#include <stdint.h>

#include <rte_memzone.h>

#include "tw_feed.h"
#include "tw_gen.h"
#include "tw_hist.h"
#include "tw_parse.h"
#include "tw_topo.h"

/*
 * Published in the memzone TW_SHARED_MZ for secondary processes
 * (tickwire-top): where the primary's counters, channel states and
 * caches are. The pointers are into hugepage memory, which DPDK maps at
 * the same addresses in every process of the file prefix. Readers only
 * read, with relaxed loads.
 */
#define TW_SHARED_MZ "tickwire_shared"
#define TW_SHARED_MAGIC 0x74777368u     /* "twsh" */

struct tw_shared {
	uint32_t magic;
	uint32_t nb_rx;
	uint16_t nb_channels;
	uint16_t nb_caches;
	uint32_t group_base;
	uint64_t tsc_hz;
	uint64_t start_tsc;
	const struct tw_gen_counters *gen;              /* or NULL */
	const struct tw_rx_counters *rx[TW_MAX_RX_LCORES];
	const struct tw_channel_state *channels[TW_MAX_RX_LCORES];
	const struct tw_hist *lat[TW_MAX_RX_LCORES];
	char cache_mz[TW_MAX_SOCKETS][RTE_MEMZONE_NAMESIZE];
	char simd[16];
};

#endif /* TW_SHARED_H */
