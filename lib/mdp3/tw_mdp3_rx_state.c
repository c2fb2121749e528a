/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An RX lcore's CME MDP 3.0 state (books, recovery) from the config,
 * on its socket: built with the registry, which has the config's
 * headers (lib/mdp3's libraries come before lib/config).
 * Owns: the allocation at start. Never touches: the data path.
 */
#include <stdio.h>

#include <rte_malloc.h>

#include "tw_config.h"
#include "tw_mdp3_msg_rx.h"

void *
tw_mdp3_rx_state_create(const struct tw_config *cfg, int socket, char *err,
		size_t errlen)
{
	size_t size = tw_mdp3_rx_state_memsize(cfg->symbols, cfg->channels);
	void *mem = rte_zmalloc_socket("tw_mdp3_books", size, 64, socket);
	struct tw_mdp3_rx_state *st;

	if (mem == NULL) {
		snprintf(err, errlen, "%s: [feed] symbols: no room for %u "
			"MDP 3.0 books (%zu bytes) on socket %d", cfg->path,
			cfg->symbols, size, socket);
		return NULL;
	}
	st = tw_mdp3_rx_state_init(mem, cfg->symbols, cfg->channels);
	if (st == NULL) {
		snprintf(err, errlen, "%s: [feed] symbols, channels: %u "
			"symbols on %u channels is no MDP 3.0 receiver",
			cfg->path, cfg->symbols, cfg->channels);
		rte_free(mem);
	}
	return st;
}
