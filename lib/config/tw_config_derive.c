/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checks across keys, and what the profile gives each module: the
 * generator's parameters, the frame parameters, the RX feed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_cfgfile.h>
#include <rte_common.h>
#include "tw_config.h"
#include "tw_simd.h"

void
tw_config_beside(const char *profile, const char *file, char *out,
		size_t len)
{
	const char *slash = strrchr(profile, '/');

	if (file[0] != '/' && slash != NULL)
		snprintf(out, len, "%.*s/%s", (int)(slash - profile), profile,
			file);
	else
		snprintf(out, len, "%s", file);
}

unsigned int
tw_config_gen_lcores(const struct tw_config *cfg, uint32_t *out)
{
	if (cfg->nb_gen_lcores == 0) {
		out[0] = cfg->gen_lcore;
		return 1;
	}
	memcpy(out, cfg->gen_lcores, cfg->nb_gen_lcores * sizeof(out[0]));
	return cfg->nb_gen_lcores;
}

/*
 * Several generator lcores split the channels (lcore i of n: c % n ==
 * i) and the TX queues (queue q: q % n == i); what only one lcore can
 * own (the store, the orders coming back, the mirror, a capture) stays
 * with one.
 */
static int
gen_lcores_check(const struct tw_config *cfg, const uint32_t *gen,
		unsigned int n, const char *o, char *err, size_t errlen)
{
	const char *alone = NULL;
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (gen[i] == gen[j]) {
				snprintf(err, errlen, "%s: [generator] lcores: "
					"lcore %u listed twice", o, gen[i]);
				return -EINVAL;
			}
	if (n == 1)
		return 0;
	if (cfg->channels < n) {
		snprintf(err, errlen, "%s: [generator] lcores: %u lcores for "
			"%u channels; each needs a channel", o, n,
			cfg->channels);
		return -EINVAL;
	}
	if (cfg->gen_queues % n != 0) {
		snprintf(err, errlen, "%s: [generator] queues: %u is not a "
			"multiple of the %u [generator] lcores (a queue has one "
			"lcore)", o, cfg->gen_queues, n);
		return -EINVAL;
	}
	if (cfg->store_messages != 0)
		alone = "[recovery] store_messages (the request server)";
	else if (cfg->reply_every != 0)
		alone = "[generator] reply_every (tick to trade)";
	else if (cfg->nb_mirror_ports != 0)
		alone = "[generator] mirror_port";
	else if (cfg->replay_file[0] != '\0')
		alone = "[replay] file";
	if (alone != NULL) {
		snprintf(err, errlen, "%s: [generator] lcores: %s needs one "
			"generator lcore; %u are given", o, alone, n);
		return -EINVAL;
	}
	return 0;
}

/* The ITCH model's message mix: its shares add up to 100, in
 * hundredths of a percent (the model draws basis points). */
static int
itch_mix_check(const struct tw_config *cfg, const char *o, char *err,
		size_t errlen)
{
	static const char *const mix_keys = "add_pct, add_mpid_pct, "
		"delete_pct, cancel_pct, replace_pct, execute_pct, "
		"execute_price_pct, trade_pct, noii_pct";
	unsigned int i;
	long sum = 0;

	for (i = 0; i < 9; i++)
		sum += lround(cfg->itch_mix[i] * 100);
	if (sum != 10000 || lround((cfg->itch_mix[0] + cfg->itch_mix[1]) *
			100) == 0) {
		snprintf(err, errlen, "%s: [itch] %s add up to %.2f, not 100%s",
			o, mix_keys, sum / 100.0, sum == 10000 ?
			" with an add" : "");
		return -EINVAL;
	}
	if (lround(cfg->itch_close_cancel_pct * 100) >
	    lround(cfg->itch_mix[2] * 100)) {
		snprintf(err, errlen, "%s: [itch] close_cancel_pct %.2f is "
			"more than delete_pct %.2f (it is a part of it)", o,
			cfg->itch_close_cancel_pct, cfg->itch_mix[2]);
		return -EINVAL;
	}
	return 0;
}

/*
 * [feed] line_b_port: line B's own port, with two lines only, and a
 * port no other role of the feed has (line A's, the mirror). Whether
 * the port exists is for the EAL to say (setup.c, with the key).
 */
static int
line_b_port_check(const struct tw_config *cfg, const char *o, char *err,
		size_t errlen)
{
	uint32_t b = cfg->line_b_ports[0];
	unsigned int i;

	if (cfg->nb_line_b_ports == 0)
		return 0;
	if (cfg->lines != 2) {
		snprintf(err, errlen, "%s: [feed] line_b_port: %u is given but "
			"[feed] lines is %u; line B exists with lines = 2", o,
			b, cfg->lines);
		return -EINVAL;
	}
	if (cfg->gen_enabled && b == cfg->gen_port) {
		snprintf(err, errlen, "%s: [feed] line_b_port: %u is [generator] "
			"port, line A's; line B's port is another one (unset: "
			"both lines on port %u)", o, b, cfg->gen_port);
		return -EINVAL;
	}
	if (cfg->gen_enabled && cfg->nb_mirror_ports > 0 &&
	    b == cfg->mirror_ports[0]) {
		snprintf(err, errlen, "%s: [feed] line_b_port: %u is also "
			"[generator] mirror_port", o, b);
		return -EINVAL;
	}
	for (i = 0; cfg->rx_enabled && i < cfg->nb_rx_ports; i++)
		if (cfg->rx_ports[i] == b) {
			snprintf(err, errlen, "%s: [feed] line_b_port: %u is "
				"in [rx] ports, line A's; receivers poll line "
				"B's port without it being listed there", o, b);
			return -EINVAL;
		}
	return 0;
}

/*
 * [clock]: a port only for phc (whether it has a PTP clock is known
 * once it is started); tai and realtime need the kernel to give them.
 */
static int
clock_check(const struct tw_config *cfg, const char *o, char *err,
		size_t errlen)
{
	static const clockid_t ids[] = {
		[TW_DOMAIN_TAI] = CLOCK_TAI,
		[TW_DOMAIN_REALTIME] = CLOCK_REALTIME,
	};
	struct timespec ts;

	if (cfg->nb_clock_ports > 0 && cfg->clock_domain != TW_DOMAIN_PHC) {
		snprintf(err, errlen, "%s: [clock] port: only domain = phc "
			"reads a port's clock", o);
		return -EINVAL;
	}
	if ((cfg->clock_domain == TW_DOMAIN_TAI ||
	     cfg->clock_domain == TW_DOMAIN_REALTIME) &&
	    clock_gettime(ids[cfg->clock_domain], &ts) != 0) {
		snprintf(err, errlen, "%s: [clock] domain: this host's kernel "
			"gives no %s (%s)", o, cfg->clock_domain ==
			TW_DOMAIN_TAI ? "CLOCK_TAI" : "CLOCK_REALTIME",
			strerror(errno));
		return -EINVAL;
	}
	return 0;
}

int
tw_config_check(const struct tw_config *cfg, char *err, size_t errlen)
{
	const char *o = cfg->path[0] != '\0' ? cfg->path : "configuration";
	uint32_t gen[TW_MAX_GEN_LCORES];
	struct tw_gen_params gp;
	unsigned int i, j, nb_gen;

	if (!cfg->gen_enabled && !cfg->rx_enabled) {
		snprintf(err, errlen, "%s: [generator] enabled and [rx] "
			"enabled are both false: nothing to run", o);
		return -EINVAL;
	}
	if ((uint64_t)cfg->group + cfg->channels - 1 >
	    TW_IPV4(239, 255, 255, 255)) {
		snprintf(err, errlen, "%s: [feed] group: groups of %u channels "
			"run past 239.255.255.255", o, cfg->channels);
		return -EINVAL;
	}
	nb_gen = tw_config_gen_lcores(cfg, gen);
	if (cfg->gen_enabled && gen_lcores_check(cfg, gen, nb_gen, o, err,
			errlen) != 0)
		return -EINVAL;
	/* What the protocol can do is its registry's to check
	 * (tw_protocol_check); here only the values of [itch]. */
	if (itch_mix_check(cfg, o, err, errlen) != 0)
		return -EINVAL;
	if (clock_check(cfg, o, err, errlen) != 0)
		return -EINVAL;
	/* A reply budget smaller than one frame would send no full one. */
	if (cfg->reply_bytes_per_s != 0 &&
	    cfg->reply_burst_bytes < (uint64_t)cfg->mtu + 18) {
		snprintf(err, errlen, "%s: [recovery] reply_burst_bytes: %"
			PRIu64 " is less than one frame of [feed] mtu %u (%u "
			"bytes with its Ethernet header and a VLAN tag)", o,
			cfg->reply_burst_bytes, cfg->mtu, cfg->mtu + 18);
		return -EINVAL;
	}
	if (cfg->rx_enabled) {
		if (cfg->nb_rx_lcores == 0) {
			snprintf(err, errlen, "%s: [rx] lcores: empty while "
				"[rx] enabled is true", o);
			return -EINVAL;
		}
		if (cfg->nb_rx_ports == 0) {
			snprintf(err, errlen, "%s: [rx] ports: empty while "
				"[rx] enabled is true", o);
			return -EINVAL;
		}
		for (i = 0; i < cfg->nb_rx_lcores; i++) {
			for (j = 0; cfg->gen_enabled && j < nb_gen; j++)
				if (cfg->rx_lcores[i] == gen[j]) {
					snprintf(err, errlen, "%s: [rx] lcores: "
						"lcore %u is also a [generator] "
						"lcore", o, cfg->rx_lcores[i]);
					return -EINVAL;
				}
			for (j = 0; j < i; j++)
				if (cfg->rx_lcores[j] == cfg->rx_lcores[i]) {
					snprintf(err, errlen, "%s: [rx] lcores: "
						"lcore %u listed twice", o,
						cfg->rx_lcores[i]);
					return -EINVAL;
				}
		}
	}
	if (cfg->gen_enabled) {
		tw_config_gen_params(cfg, &gp);
		if (tw_gen_params_check(&gp) != 0) {
			snprintf(err, errlen, "%s: [generator]: volatility "
				"must be >= 0, dt and init_price > 0, zipf_s "
				"> 0 with activity zipf", o);
			return -EINVAL;
		}
	}
	if (cfg->nb_mirror_ports > 0 && cfg->mirror_ports[0] == cfg->gen_port) {
		snprintf(err, errlen, "%s: [generator] mirror_port: %u is the "
			"generator's own port", o, cfg->mirror_ports[0]);
		return -EINVAL;
	}
	{
		const struct { const char *key; double v; } shares[] = {
			{ "loss", cfg->faults[0].loss },
			{ "dup", cfg->faults[0].dup },
			{ "reorder", cfg->faults[0].reorder },
			{ "corrupt", cfg->faults[0].corrupt },
			{ "loss_b", cfg->faults[1].loss },
			{ "dup_b", cfg->faults[1].dup },
			{ "reorder_b", cfg->faults[1].reorder },
			{ "corrupt_b", cfg->faults[1].corrupt },
		};

		for (i = 0; i < RTE_DIM(shares); i++)
			if (!(shares[i].v < 1.0)) {
				snprintf(err, errlen, "%s: [faults] %s: %g must "
					"be below 1", o, shares[i].key,
					shares[i].v);
				return -EINVAL;
			}
	}
	if (cfg->lines == 2) {
		if (cfg->channels > TW_RX_MAX_CHANNELS / 2) {
			snprintf(err, errlen, "%s: [feed] channels: %u with "
				"lines = 2; at most %u", o, cfg->channels,
				TW_RX_MAX_CHANNELS / 2);
			return -EINVAL;
		}
		if ((uint64_t)cfg->group_b + cfg->channels - 1 >
		    TW_IPV4(239, 255, 255, 255) ||
		    (cfg->group_b < cfg->group + cfg->channels &&
		     cfg->group < cfg->group_b + cfg->channels)) {
			snprintf(err, errlen, "%s: [feed] group_b: line B's "
				"%u groups overlap line A's or run past "
				"239.255.255.255", o, cfg->channels);
			return -EINVAL;
		}
	}
	if (line_b_port_check(cfg, o, err, errlen) != 0)
		return -EINVAL;
	if ((uint32_t)cfg->request_port + cfg->channels - 1 > 65535) {
		snprintf(err, errlen, "%s: [recovery] request_port: ports of "
			"%u channels run past 65535", o, cfg->channels);
		return -EINVAL;
	}
	if (cfg->snapshot_port != 0 &&
	    ((uint32_t)cfg->snapshot_port + cfg->channels - 1 > 65535 ||
	     (cfg->snapshot_port < cfg->request_port + cfg->channels &&
	      cfg->request_port < cfg->snapshot_port + cfg->channels) ||
	     (cfg->snapshot_port <= cfg->udp_port &&
	      cfg->udp_port < cfg->snapshot_port + cfg->channels))) {
		snprintf(err, errlen, "%s: [recovery] snapshot_port: the ports "
			"of %u channels run past 65535 or meet request_port's "
			"or [feed] udp_port", o, cfg->channels);
		return -EINVAL;
	}
	if (strcmp(cfg->transport, "mdp3") == 0) {
		/* The loops' groups: inside the multicast range, apart from
		 * each other and from lines A and B. */
		const struct { const char *key; uint32_t g; } loops[] = {
			{ "snapshot_group", tw_config_mdp3_snapshot_group(cfg) },
			{ "definition_group",
			  tw_config_mdp3_definition_group(cfg) },
		};
		uint32_t n = cfg->channels;
		unsigned int i;

		for (i = 0; i < RTE_DIM(loops); i++) {
			uint32_t g = loops[i].g;

			if ((uint64_t)g + n - 1 > TW_IPV4(239, 255, 255, 255) ||
			    (g < cfg->group + n && cfg->group < g + n) ||
			    (cfg->lines == 2 && g < cfg->group_b + n &&
			     cfg->group_b < g + n) ||
			    (i == 1 && g < loops[0].g + n &&
			     loops[0].g < g + n)) {
				snprintf(err, errlen, "%s: [mdp3] %s: the "
					"groups of %u channels overlap another "
					"feed's or run past 239.255.255.255",
					o, loops[i].key, n);
				return -EINVAL;
			}
		}
	}
	if (cfg->request_port <= cfg->udp_port &&
	    cfg->udp_port < cfg->request_port + cfg->channels) {
		snprintf(err, errlen, "%s: [recovery] request_port: channel "
			"%u's request port is [feed] udp_port %u", o,
			cfg->udp_port - cfg->request_port, cfg->udp_port);
		return -EINVAL;
	}
	{
		const struct { const char *key; double v; } secs[] = {
			{ "duration", cfg->duration },
			{ "drain_s", cfg->drain_s },
			{ "linger_s", cfg->linger_s },
		};
		unsigned int i;

		for (i = 0; i < RTE_DIM(secs); i++)
			if (!(secs[i].v >= 0)) {
				snprintf(err, errlen, "%s: [run] %s: %g must "
					"not be negative", o, secs[i].key,
					secs[i].v);
				return -EINVAL;
			}
	}
	return 0;
}

void
tw_config_gen_params(const struct tw_config *cfg, struct tw_gen_params *p)
{
	*p = (struct tw_gen_params){
		.nb_symbols = cfg->symbols,
		.nb_channels = cfg->channels,
		.seed = cfg->seed,
		.quote_pct = cfg->quote_pct,
		.activity = (enum tw_activity)cfg->activity,
		.zipf_s = cfg->zipf_s,
		.drift = cfg->drift,
		.volatility = cfg->volatility,
		.dt = cfg->dt,
		.init_price = cfg->init_price,
		.price_decimals = cfg->price_decimals,
	};
}

void
tw_config_frame_params(const struct tw_config *cfg, struct tw_frame_params *fp)
{
	*fp = (struct tw_frame_params){
		.src_mac = cfg->src_mac,
		.src_ip = cfg->src_ip,
		.group_base = cfg->group,
		.src_port = cfg->udp_port,
		.dst_port = cfg->udp_port,
		.vlan = cfg->vlan,
		.mtu = cfg->mtu,
		.ttl = cfg->ttl,
	};
	memcpy(fp->session, cfg->session, TW_MOLD_SESSION_LEN);
}

int
tw_config_rx_feed(const struct tw_config *cfg, struct tw_rx_feed *feed)
{
	memset(feed, 0, sizeof(*feed));
	memcpy(feed->session, cfg->session, TW_MOLD_SESSION_LEN);
	feed->group_base = cfg->group;
	feed->nb_channels = cfg->channels;
	feed->udp_port = cfg->udp_port;
	feed->vlan = cfg->vlan;
	feed->session_any = cfg->session_auto;
	feed->max_gap = cfg->max_gap;
	feed->session_idle_ns = (uint64_t)cfg->session_idle_ms * 1000000;
	feed->max_latency_ns = (uint64_t)(cfg->max_latency_s * 1e9);
	feed->rerequest = cfg->rerequest;
	feed->request_port = cfg->request_port;
	/* Whether the protocol takes snapshots and needs its messages in
	 * order is its capabilities' to say (tw_protocol_rx_feed). */
	feed->snapshot_port = cfg->snapshot_port;
	feed->hold_back = false;
	feed->unicast_ip = cfg->reflect_ip;
	/* The servers: the profile's, or the feed's own source. */
	feed->server_ip = cfg->server_ip != 0 ? cfg->server_ip : cfg->src_ip;
	feed->server_mac_set = !rte_is_zero_ether_addr(&cfg->server_mac);
	memcpy(feed->server_mac, cfg->server_mac.addr_bytes, 6);
	feed->max_ip_len = cfg->mtu;
	feed->gap_timeout_ns = (uint64_t)cfg->timeout_us * 1000;
	feed->gap_retries = cfg->retries;
	feed->hold_max_ns = (uint64_t)cfg->hold_max_ms * 1000000;
	feed->hold_max_pkts = cfg->hold_max_packets;
	feed->request_max = (uint16_t)cfg->max_count;
	feed->reply_max_pkts = (uint16_t)cfg->max_packets;
	feed->lines = cfg->lines;
	feed->group_b = cfg->group_b;
	feed->ab_wait_ns = (uint64_t)cfg->ab_wait_us * 1000;
	return tw_rx_feed_prepare(feed);
}
