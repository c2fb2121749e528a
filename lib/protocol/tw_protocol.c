/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "tw_protocol.h"

/*
 * The registry: every protocol and transport linked into the binary,
 * registered before main from its own folder. Lists kept sorted by
 * name, so messages and listings do not depend on the link order.
 */
static struct {
	const struct tw_protocol *p[TW_REGISTRY_MAX];
	const char *names[TW_REGISTRY_MAX + 1];
	unsigned int n;
} protocols;

static struct {
	const struct tw_transport *t[TW_REGISTRY_MAX];
	const char *names[TW_REGISTRY_MAX + 1];
	unsigned int n;
} transports;

/* Insert name (and its entry) into a sorted list of n. Refuses, loudly
 * and before main, a duplicate name or a full list: a build mistake. */
static void
insert_sorted(const void **entries, const char **names, unsigned int *n,
		const void *entry, const char *name, const char *kind)
{
	unsigned int i, at = 0;

	if (*n == TW_REGISTRY_MAX) {
		fprintf(stderr, "tickwire: %s %s: more than %u registered\n",
			kind, name, TW_REGISTRY_MAX);
		abort();
	}
	for (i = 0; i < *n; i++) {
		if (strcmp(names[i], name) == 0) {
			fprintf(stderr, "tickwire: %s %s registered twice\n",
				kind, name);
			abort();
		}
		if (strcmp(names[i], name) < 0)
			at = i + 1;
	}
	for (i = *n; i > at; i--) {
		entries[i] = entries[i - 1];
		names[i] = names[i - 1];
	}
	entries[at] = entry;
	names[at] = name;
	names[++*n] = NULL;
}

void
tw_protocol_register(const struct tw_protocol *p)
{
	insert_sorted((const void **)protocols.p, protocols.names,
		&protocols.n, p, p->name, "protocol");
}

void
tw_transport_register(const struct tw_transport *t)
{
	insert_sorted((const void **)transports.t, transports.names,
		&transports.n, t, t->name, "transport");
}

const struct tw_transport *
tw_transport_find(const char *name)
{
	size_t i;

	for (i = 0; i < transports.n; i++)
		if (strcmp(transports.t[i]->name, name) == 0)
			return transports.t[i];
	return NULL;
}

const char *const *
tw_transport_names(void)
{
	return transports.names;
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
	const char *const *on;
	char names[128];

	if (t == NULL) {
		snprintf(err, errlen, "%s: [feed] transport: '%s' is not one "
			"of %s", profile_name(cfg), cfg->transport,
			joined(transports.names, names, sizeof(names)));
		return NULL;
	}
	for (on = p->transports; *on != NULL; on++)
		if (strcmp(*on, t->name) == 0)
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

	for (i = 0; i < protocols.n; i++)
		if (strcmp(protocols.p[i]->name, name) == 0)
			return protocols.p[i];
	return NULL;
}

const char *const *
tw_protocol_names(void)
{
	return protocols.names;
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
			joined(protocols.names, names_buf,
				sizeof(names_buf)));
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
	if (cfg->rx_enabled && p->rx_init == NULL) {
		snprintf(err, errlen, "%s: [rx] enabled: protocol %s has no "
			"receiver yet; run its generator alone", o, p->name);
		return NULL;
	}
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
	feed->no_send_stamps = p->caps.session_clock &&
		cfg->itch_timestamps == 0;
	if (!t->caps.rerequest)
		feed->request_port = 0;
	if (!p->caps.snapshots || !t->caps.snapshot_on_request)
		feed->snapshot_port = 0;
	if (t->caps.snapshot_loop) {
		/* MDP 3.0's loops: the groups the generator sends them to. */
		feed->snap_group = tw_config_mdp3_snapshot_group(cfg);
		feed->def_group = tw_config_mdp3_definition_group(cfg);
	}
	return 0;
}
