/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0 in the registry: its capabilities and ops (the
 * generator's model, messages and loops, tw_mdp3_gen.h; the receiver's
 * message layer, state and books, tw_mdp3_msg_rx.h; the books' CSV,
 * tw_mdp3_book.h). Owns only what turns the
 * profile's [mdp3] keys into the model's parameters.
 */
#include <stdio.h>

#include <rte_malloc.h>

#include "tw_mdp3_gen.h"
#include "tw_mdp3_msg_rx.h"
#include "tw_protocol.h"

static const char *
profile_name(const struct tw_config *cfg)
{
	return cfg->path[0] != '\0' ? cfg->path : "configuration";
}

static void *
mdp3_model_create(const struct tw_config *cfg,
		const struct tw_gen_model_env *env, char *err, size_t errlen)
{
	/* The loops' cycles are counted in the TSC's cycles. */
	double hz = (double)rte_get_tsc_hz();
	struct tw_mdp3_gen_params p = {
		.nb_symbols = cfg->symbols,
		.nb_channels = cfg->channels,
		.depth = cfg->mdp3_depth,
		.reset_after = cfg->mdp3_reset_after,
		.snapshot_tsc = (uint64_t)(hz / 1000 *
			cfg->mdp3_snapshot_interval_ms),
		.definition_tsc = (uint64_t)(hz / 1000 *
			cfg->mdp3_definition_interval_ms),
		.seed = cfg->seed,
	};
	struct tw_mdp3_gen *g;

	g = tw_mdp3_gen_init(rte_zmalloc_socket("tickwire",
		tw_mdp3_gen_memsize(&p), RTE_CACHE_LINE_SIZE,
		env->socket < 0 ? SOCKET_ID_ANY : env->socket), &p);
	if (g == NULL)
		snprintf(err, errlen, "%s: [mdp3]: no room for the books of "
			"%u instruments on socket %d", profile_name(cfg),
			cfg->symbols, env->socket);
	return g;
}

static void
mdp3_truth_csv_row(const void *model, uint32_t l, FILE *f)
{
	tw_mdp3_book_csv_row(&((const struct tw_mdp3_gen *)model)->books[l],
		f);
}

static const char *const transports[] = { "mdp3", NULL };

static const struct tw_protocol protocol_mdp3 = {
	.name = "mdp3",
	.transports = transports,
	.caps = {
		.books = true,
		.two_lines = true,
		.max_symbols = TW_MDP3_GEN_MAX_SYMBOLS,
	},
	.gen_open = tw_mdp3_emit_open,
	.gen_ticks = tw_mdp3_emit_ticks,
	.gen_idle = tw_mdp3_emit_idle,
	.gen_count = tw_mdp3_count_sent,
	.gen_model_create = mdp3_model_create,
	.gen_books_csv_row = mdp3_truth_csv_row,
	.rx_init = tw_mdp3_rx_init,
	.rx_state_create = tw_mdp3_rx_state_create,
	.books_csv_header = tw_mdp3_books_csv_header,
	.books_csv_row = tw_mdp3_rx_books_csv_row,
};

TW_PROTOCOL_REGISTER(protocol_mdp3);
