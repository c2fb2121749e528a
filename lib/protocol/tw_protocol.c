/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tw_itch_gen.h"
#include "tw_itch_rx.h"
#include "tw_protocol.h"

/* ---- transports ---- */

static const struct tw_transport transport_moldudp64 = {
	.name = "moldudp64",
	.caps = {
		.rerequest = true,
		.snapshot_on_request = true,
		.sessions = true,
		.two_lines = true,
	},
	.hdr_len = TW_MOLD_HDR_LEN,
	.msg_hdr_len = TW_MOLD_BLOCK_HDR_LEN,
};

static const struct tw_transport *const transports[] = {
	&transport_moldudp64,
};

static const char *const transport_names[] = { "moldudp64", NULL };

/* The transports a protocol's bursts are composed with. */
static const struct tw_transport *const on_moldudp64[] = {
	&transport_moldudp64, NULL,
};

/* ---- message protocols ---- */

static const struct tw_protocol protocol_tickwire = {
	.name = "tickwire",
	.transports = on_moldudp64,
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
	.transports = on_moldudp64,
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

const struct tw_transport *
tw_transport_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (strcmp(transports[i]->name, name) == 0)
			return transports[i];
	return NULL;
}

const char *const *
tw_transport_names(void)
{
	return transport_names;
}

/* names, joined by ", " into buf. */
static const char *
joined(const char *const *names, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; *names != NULL && used < len; names++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
			used == 0 ? "" : ", ", *names);
	return buf;
}

static const char *
profile_name(const struct tw_config *cfg)
{
	return cfg->path[0] != '\0' ? cfg->path : "configuration";
}

const struct tw_transport *
tw_transport_for(const struct tw_config *cfg, const struct tw_protocol *p,
		char *err, size_t errlen)
{
	const struct tw_transport *t = tw_transport_find(cfg->transport);
	const struct tw_transport *const *on;
	char names[128];

	if (t == NULL) {
		snprintf(err, errlen, "%s: [feed] transport: '%s' is not one "
			"of %s", profile_name(cfg), cfg->transport,
			joined(transport_names, names, sizeof(names)));
		return NULL;
	}
	for (on = p->transports; *on != NULL; on++)
		if (*on == t)
			break;
	if (*on == NULL) {
		snprintf(err, errlen, "%s: [feed] transport: protocol %s is "
			"not built on %s", profile_name(cfg), p->name, t->name);
		return NULL;
	}
	if (cfg->lines == 2 && !t->caps.two_lines) {
		snprintf(err, errlen, "%s: [feed] lines: 2 lines need a "
			"transport that arbitrates them; %s does not",
			profile_name(cfg), t->name);
		return NULL;
	}
	return t;
}

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
	const char *o = profile_name(cfg);
	const struct tw_protocol *p = tw_protocol_find(cfg->protocol);
	const char *what;
	char names_buf[128];

	if (p == NULL) {
		snprintf(err, errlen, "%s: [feed] protocol: '%s' is not one of "
			"%s", o, cfg->protocol,
			joined(names, names_buf, sizeof(names_buf)));
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
	if (tw_transport_for(cfg, p, err, errlen) == NULL)
		return NULL;
	return p;
}

int
tw_protocol_rx_feed(const struct tw_protocol *p, const struct tw_config *cfg,
		struct tw_rx_feed *feed)
{
	const struct tw_transport *t = tw_transport_find(cfg->transport);
	int rc = tw_config_rx_feed(cfg, feed);

	if (rc != 0)
		return rc;
	if (t == NULL)
		return -EINVAL;
	feed->hold_back = p->caps.in_order;
	if (!t->caps.rerequest)
		feed->request_port = 0;
	if (!p->caps.snapshots || !t->caps.snapshot_on_request)
		feed->snapshot_port = 0;
	return 0;
}
