/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tw_itch_gen.h"
#include "tw_itch_rx.h"
#include "tw_protocol.h"

static const struct tw_protocol protocol_tickwire = {
	.name = "tickwire",
	.caps = {
		.snapshots = true,
		.tick_to_trade = true,
		.two_lines = true,
		.replay = true,
		.several_gen_lcores = true,
		.max_symbols = UINT32_MAX,
	},
	.gen_open = tw_emit_directory,
	.gen_ticks = tw_emit_ticks,
	.gen_count = tw_count_sent,
	.rx_init = tw_rx_ctx_init,
	.rx_datagram = tw_rx_datagram,
};

static const struct tw_protocol protocol_itch50 = {
	.name = "itch50",
	.caps = {
		/* An execution of an order whose add is missing cannot
		 * apply: nothing past a gap does until it is filled. */
		.in_order = true,
		.books = true,
		.day_file = true,
		/* Stock locates are 16 bits, 0 meaning none. */
		.max_symbols = 65534,
	},
	.gen_open = tw_itch_emit_open,
	.gen_ticks = tw_itch_emit_ticks,
	.gen_close = tw_itch_emit_close,
	.gen_count = tw_itch_count_sent,
	.rx_init = tw_itch_rx_init,
};

static const struct tw_protocol *const protocols[] = {
	&protocol_tickwire,
	&protocol_itch50,
};

static const char *const names[] = { "tickwire", "itch50", NULL };

const struct tw_protocol *
tw_protocol_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (strcmp(protocols[i]->name, name) == 0)
			return protocols[i];
	return NULL;
}

const char *const *
tw_protocol_names(void)
{
	return names;
}

/* The first key the profile sets that the protocol cannot do, or NULL. */
static const char *
beyond_caps(const struct tw_protocol_caps *c, const struct tw_config *cfg)
{
	if (cfg->reply_every != 0 && !c->tick_to_trade)
		return "[generator] reply_every";
	if (cfg->lines == 2 && !c->two_lines)
		return "[feed] lines = 2";
	if (cfg->replay_file[0] != '\0' && !c->replay)
		return "[replay] file";
	if (cfg->gen_enabled && cfg->nb_gen_lcores > 1 &&
	    !c->several_gen_lcores)
		return "[generator] lcores (more than one)";
	if (cfg->itch_file[0] != '\0' && !c->day_file)
		return "[generator] itch_file";
	return NULL;
}

const struct tw_protocol *
tw_protocol_for(const struct tw_config *cfg, char *err, size_t errlen)
{
	const char *o = cfg->path[0] != '\0' ? cfg->path : "configuration";
	const struct tw_protocol *p = tw_protocol_find(cfg->protocol);
	const char *what;

	if (p == NULL) {
		snprintf(err, errlen, "%s: [feed] protocol: '%s' is not one of "
			"tickwire, itch50", o, cfg->protocol);
		return NULL;
	}
	if (cfg->symbols > p->caps.max_symbols) {
		snprintf(err, errlen, "%s: [feed] symbols: %u; protocol %s "
			"names at most %u", o, cfg->symbols, p->name,
			p->caps.max_symbols);
		return NULL;
	}
	what = beyond_caps(&p->caps, cfg);
	if (what != NULL) {
		snprintf(err, errlen, "%s: [feed] protocol: %s is not built "
			"for %s", o, what, p->name);
		return NULL;
	}
	return p;
}

int
tw_protocol_rx_feed(const struct tw_protocol *p, const struct tw_config *cfg,
		struct tw_rx_feed *feed)
{
	int rc = tw_config_rx_feed(cfg, feed);

	if (rc != 0)
		return rc;
	feed->hold_back = p->caps.in_order;
	if (!p->caps.snapshots)
		feed->snapshot_port = 0;
	return 0;
}
