/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NASDAQ TotalView-ITCH 5.0 in the registry: its capabilities and ops
 * (the order-level model's emitters and its making from the profile,
 * the books' RX burst, the books an RX context keeps and their CSV).
 * Owns only what turns the profile's [itch] keys into the model's and
 * the books' parameters; never touches the app's lcores or files.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "tw_itch_gen.h"
#include "tw_itch_rx.h"
#include "tw_protocol.h"

static void *
zalloc(int socket, size_t size)
{
	return rte_zmalloc_socket("tickwire", size, RTE_CACHE_LINE_SIZE,
		socket < 0 ? SOCKET_ID_ANY : socket);
}

static const char *
profile_name(const struct tw_config *cfg)
{
	return cfg->path[0] != '\0' ? cfg->path : "configuration";
}

/* The generator's model and its truth books, from [itch] and [feed]. */
static void *
itch_model_create(const struct tw_config *cfg,
		const struct tw_gen_model_env *env, char *err, size_t errlen)
{
	struct tw_itch_gen_params ip = {
		.nb_symbols = cfg->symbols,
		.nb_channels = cfg->channels,
		.orders_per_symbol = cfg->itch_orders_per_symbol,
		.depth = cfg->itch_depth,
		.zipf_s = cfg->itch_zipf_s,
		.day_speed = cfg->itch_day_speed,
		.send_timestamps = cfg->itch_timestamps == 1,
		.halts = cfg->itch_halts,
		.close_cancel = (uint16_t)lround(
			cfg->itch_close_cancel_pct * 100),
		.hash_key = cfg->seed * UINT64_C(0x9e3779b97f4a7c15),
	};
	struct tw_itch_gen *g;
	unsigned int c;

	/* No count to spread the day over: the run's duration, if it
	 * has one, takes the whole day (04:00 to 20:00). */
	if (ip.day_speed == 0 && cfg->count == 0 && cfg->duration > 0)
		ip.day_speed = 16.0 * 3600 / cfg->duration;
	/* A day file's truth needs what its orders need. */
	if (cfg->itch_file[0] != '\0') {
		ip.max_orders = cfg->itch_max_orders;
		ip.levels = cfg->itch_levels;
	}
	for (c = 0; c < TW_ITCH_ACTS; c++)
		ip.mix[c] = (uint16_t)lround(cfg->itch_mix[c] * 100);
	g = tw_itch_gen_init(zalloc(env->socket, tw_itch_gen_memsize(&ip)),
		&ip);
	if (g == NULL) {
		snprintf(err, errlen, "%s: [itch]: no room for the model of "
			"%u symbols x %u orders on socket %d",
			profile_name(cfg), cfg->symbols,
			cfg->itch_orders_per_symbol, env->socket);
		return NULL;
	}
	if (env->out != NULL) {
		g->out = env->out;
		/* A recording: large writes, few of them. */
		setvbuf(g->out, NULL, _IOFBF, 1 << 20);
	}
	return g;
}

static void
itch_truth_csv_row(const void *model, uint32_t l, FILE *f)
{
	tw_books_csv_row(((const struct tw_itch_gen *)model)->books, l, f);
}

/* The day file is whole once the session is. */
static uint64_t
itch_model_end(void *model)
{
	struct tw_itch_gen *g = model;
	uint64_t n = g->out_msgs;

	g->out = NULL;
	return n;
}

/* An RX context's books: its symbols have no other writer. */
static void *
itch_rx_state_create(const struct tw_config *cfg, int socket, char *err,
		size_t errlen)
{
	struct tw_book_params bp = {
		.nb_symbols = cfg->symbols,
		.max_orders = cfg->itch_max_orders,
		.pool_levels = cfg->itch_levels,
	};
	void *mem = zalloc(socket, tw_books_memsize(&bp));
	void *books;

	bp.hash_key = rte_rdtsc() * UINT64_C(0x9e3779b97f4a7c15) ^
		(uint64_t)(uintptr_t)mem;
	books = tw_books_init(mem, &bp);
	if (books == NULL)
		snprintf(err, errlen, "%s: [itch] max_orders, levels: no "
			"room for %" PRIu64 " orders and %u levels on socket "
			"%d", profile_name(cfg), (uint64_t)cfg->itch_max_orders,
			cfg->itch_levels, socket);
	return books;
}

static void
itch_books_csv_row(const void *rx_state, uint32_t l, FILE *f)
{
	tw_books_csv_row(rx_state, l, f);
}

static const char *const transports[] = { "moldudp64", NULL };

static const struct tw_protocol protocol_itch50 = {
	.name = "itch50",
	.transports = transports,
	.caps = {
		/* An execution of an order whose add is missing cannot
		 * apply: nothing past a gap does until it is filled. */
		.in_order = true,
		.books = true,
		.day_file = true,
		.session_clock = true,
		/* Each generator lcore's own model over its own channels'
		 * stocks (locate % channels): its own streams, references
		 * and match numbers (a progression per channel), its own
		 * truth; the System Events on its own channels. */
		.several_gen_lcores = true,
		/* Stock locates are 16 bits, 0 meaning none. */
		.max_symbols = 65534,
	},
	.gen_open = tw_itch_emit_open,
	.gen_ticks = tw_itch_emit_ticks,
	.gen_close = tw_itch_emit_close,
	.gen_count = tw_itch_count_sent,
	.gen_model_create = itch_model_create,
	.gen_books_csv_row = itch_truth_csv_row,
	.gen_model_end = itch_model_end,
	.recording = "ITCH 5.0 day file",
	.rx_init = tw_itch_rx_init,
	.rx_state_create = itch_rx_state_create,
	.books_csv_header = tw_books_csv_header,
	.books_csv_row = itch_books_csv_row,
};

TW_PROTOCOL_REGISTER(protocol_itch50);
