/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Run configuration: an INI profile (read with rte_cfgfile) and the
 * command-line options that override it.
 *
 * Owns: struct tw_config, its defaults, the schema of every section and
 * key, and error messages that name the file (or the command line), the
 * section and the key. Needs no EAL: it runs before rte_eal_init, since
 * the profile holds the EAL arguments.
 * Never touches: ports, lcores or memory of the data path.
 */
#ifndef TW_CONFIG_H
#define TW_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>

#include "tw_faults.h"
#include "tw_gen.h"
#include "tw_mold_frame.h"
#include "tw_parse.h"
#include "tw_proto.h"
#include "tw_topo.h"

#define TW_PATH_MAX 256
#define TW_EAL_ARGS_MAX 256
#define TW_ERR_MAX 512

enum tw_csum_offload {
	TW_OFFLOAD_AUTO,        /* use what the port offers */
	TW_OFFLOAD_OFF,         /* always in software */
};

struct tw_config {
	char path[TW_PATH_MAX]; /* the profile read, or "" */

	/* [eal] */
	char eal_args[TW_EAL_ARGS_MAX];

	/* [feed] */
	uint32_t symbols;
	uint16_t channels;
	char session[TW_MOLD_SESSION_LEN + 1];
	bool session_auto;      /* session = auto (the default) */
	uint32_t group;         /* channel 0's group, host order */
	uint8_t lines;          /* 1, or 2: A and B, the same frames */
	uint32_t group_b;       /* line B's channel 0 group, host order */
	uint32_t line_b_ports[1];       /* [feed] line_b_port, if set: line B
					 * on its own port */
	uint32_t nb_line_b_ports;
	uint16_t udp_port;
	uint32_t src_ip;
	struct rte_ether_addr src_mac;
	uint16_t vlan;
	uint16_t mtu;
	uint8_t price_decimals;
	uint8_t ttl;

	char protocol[16];      /* a name in lib/protocol's registry */
	char transport[16];     /* a transport's name in that registry */

	/* [itch]: ITCH 5.0's books and market model */
	uint64_t itch_max_orders;       /* RX books: resting orders at most */
	uint32_t itch_levels;           /* RX books: price levels, all sides */
	uint32_t itch_orders_per_symbol; /* generator: resting a symbol */
	uint32_t itch_depth;            /* generator: levels from the touch */
	double itch_mix[9];             /* A F D X U E C P I, percent of the
					 * ticks (enum tw_itch_act's order) */
	double itch_zipf_s;             /* generator: activity across stocks */
	double itch_day_speed;          /* generator: session s a second;
					 * 0: the day over [generator] count */
	uint8_t itch_timestamps;        /* 0 session clock, 1 send time */
	uint32_t itch_halts;            /* generator: LULD pauses a day */
	double itch_close_cancel_pct;   /* generator: of delete_pct, the
					 * day orders cancelled after 16:00 */
	char itch_out[TW_PATH_MAX];     /* the generator's day file */

	/* [mdp3]: CME MDP 3.0's books, loops and resets */
	uint32_t mdp3_depth;            /* generator: levels a side */
	uint32_t mdp3_snapshot_group;   /* channel 0's snapshot loop; 0: group + 512 */
	uint32_t mdp3_definition_group; /* ... definition loop; 0: group + 768 */
	uint32_t mdp3_snapshot_interval_ms;     /* a cycle; 0: no loop */
	uint32_t mdp3_definition_interval_ms;
	uint64_t mdp3_reset_after;      /* ticks; 0: no ChannelReset */
	char itch_file[TW_PATH_MAX];    /* [generator]: a day file to send */
	double itch_speed;              /* its timing, this many times faster
					 * (0: as fast as the port takes) */
	char dump_books[TW_PATH_MAX];   /* every symbol's book, CSV */
	char dump_truth_books[TW_PATH_MAX]; /* the generator's books */

	/* [generator] */
	bool gen_enabled;
	uint32_t gen_lcore;             /* [generator] lcore */
	uint32_t gen_lcores[TW_MAX_GEN_LCORES]; /* [generator] lcores */
	uint32_t nb_gen_lcores;         /* 0: lcore alone (tw_config_gen_lcores) */
	uint16_t gen_port;
	uint32_t reply_every;           /* [generator] reply_every */
	bool reflect;                   /* [rx] reflect */
	uint32_t reflect_ip;            /* host order */
	uint64_t max_gap;               /* [rx] */
	uint32_t session_idle_ms;
	double max_latency_s;
	uint32_t mirror_ports[1];       /* [generator] mirror_port, if set */
	uint32_t nb_mirror_ports;
	uint64_t rate;          /* messages/s; 0 = unlimited */
	uint64_t count;         /* ticks, then end of session; 0 = no end */
	uint64_t seed;
	uint8_t quote_pct;
	uint8_t activity;       /* enum tw_activity */
	double zipf_s;
	double drift;
	double volatility;
	double dt;
	double init_price;
	uint8_t send;           /* enum tw_send */
	uint32_t flush_us;
	uint32_t heartbeat_ms;
	uint32_t tx_retry_us;
	uint16_t gen_burst;
	uint16_t gen_queues;    /* TX queues; channel c on c % gen_queues */
	uint32_t start_delay_ms; /* wait this long after the links are up */

	/* [rx] */
	bool rx_enabled;
	uint32_t rx_lcores[TW_MAX_RX_LCORES];
	uint32_t nb_rx_lcores;
	uint32_t rx_ports[TW_MAX_PORTS];
	uint32_t nb_rx_ports;
	uint16_t rx_queues;     /* per RX port */
	uint16_t rx_burst;
	uint8_t idle;           /* enum tw_idle */
	uint32_t idle_polls;

	/* [port] */
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint32_t mbufs;         /* per mempool */
	uint32_t mbuf_cache;
	uint32_t link_wait_s;
	uint32_t relink_ms;     /* restart period of a lost memif link */
	uint8_t csum_offload;   /* enum tw_csum_offload */
	uint8_t rx_timestamps;  /* enum tw_csum_offload: auto or off */

	/* [faults]: done to the generator's data frames of line A, and of
	 * line B (the _b keys), independently */
	struct tw_fault_params faults[2];
	uint32_t ab_wait_us;    /* [recovery]: a gap waits for the other line */

	/* [recovery] */
	uint32_t store_messages; /* per channel; 0: no request server */
	uint16_t request_port;  /* channel c's server: request_port + c */
	uint16_t snapshot_port; /* channel c's snapshots: snapshot_port + c */
	bool rerequest;         /* RX asks for its gaps */
	uint32_t server_ip;     /* host order; 0: src_ip */
	struct rte_ether_addr server_mac; /* zero: learnt */
	uint32_t timeout_us;
	uint32_t retries;
	uint32_t max_count;     /* messages per request */
	uint32_t hold_max_ms;   /* a held-back gap gives up after this ... */
	uint32_t hold_max_packets; /* ... or this many packets held */
	uint32_t request_rate;  /* requests/s per source; 0: no limit */
	uint32_t request_rate_total; /* over all sources; 0: no limit */
	uint64_t reply_bytes_per_s; /* the server's reply budget; 0: none */
	uint64_t reply_burst_bytes;
	uint32_t max_packets;   /* reply packets per request */
	uint32_t serve_share_pct; /* of the generator lcore's time */
	uint32_t request_burst;
	uint32_t client_net;    /* host order */
	uint8_t client_prefix;  /* 0: any source */

	/* [replay]: the generator sends a capture instead of its model */
	char replay_file[TW_PATH_MAX];
	double replay_speed;    /* the capture's timing / speed; 0: at once */
	uint64_t replay_rate;   /* frames/s instead; 0: by the timing */
	bool replay_restamp;    /* send times set to the replay's own */

	/* [run] */
	double duration;        /* seconds; 0 = until done or signalled */
	double drain_s;         /* wait for RX after the generator ends */
	uint32_t stats_interval_ms;
	uint8_t simd;           /* enum tw_simd, TW_SIMD_AUTO by default */
	double linger_s;
	char stats_json[TW_PATH_MAX];
	char stats_lines[TW_PATH_MAX];  /* JSON Lines, one per period */
	char stats_csv[TW_PATH_MAX];    /* the same periods, CSV rows */
	char latency_csv[TW_PATH_MAX];  /* prefix of the histogram CSVs */
	char dump_cache[TW_PATH_MAX];
	char dump_truth[TW_PATH_MAX];
	bool quiet;             /* no per-interval stats line */
	bool accept_loss;       /* data not whole still exits 0 */

	/* [clock]: the clock send and arrival times are stamped in */
	uint8_t clock_domain;   /* enum tw_clock_domain */
	uint32_t clock_ports[1]; /* [clock] port (phc), if set */
	uint32_t nb_clock_ports;
	char ptp_uds[TW_PATH_MAX]; /* ptp4l's socket, asked with pmc */

	/* [host]: the pollers' interruptions and the host check */
	uint32_t stall_threshold_ns; /* a longer loop gap is an interruption */
	uint32_t sockrx_stall_threshold_ns; /* the same, tickwire-sockrx */
	bool host_check;        /* check the pollers' cores at start */
	uint32_t probe_ms;      /* spin probe per poller core at start */
	bool host_check_only;   /* --host-check: check, probe, exit */
};

/* [rx] idle: what an RX lcore does when its queues are empty. */
enum tw_idle {
	TW_IDLE_POLL,           /* spin: the lowest latency (default) */
	TW_IDLE_PAUSE,          /* pause instructions, backing off */
	TW_IDLE_INTERRUPT,      /* sleep until an RX interrupt */
};

/*
 * [clock] domain: the clock every stamp (send, poll, cache) is in.
 * tsc: the TSC at its raw rate from a CLOCK_REALTIME anchor (one host);
 * tai, realtime: that clock, followed; phc: a port's PTP clock.
 */
enum tw_clock_domain {
	TW_DOMAIN_TSC,
	TW_DOMAIN_TAI,
	TW_DOMAIN_REALTIME,
	TW_DOMAIN_PHC,
};

/* [generator] send: when a paced generator's frames leave. */
enum tw_send {
	TW_SEND_READY,  /* as soon as no more ticks are due now (default) */
	TW_SEND_FILL,   /* when full, or flush_us after the first message */
};

void tw_config_defaults(struct tw_config *cfg);

/* Read a profile over cfg. 0, or -errno with err filled. */
int tw_config_load(struct tw_config *cfg, const char *path, char *err,
		size_t errlen);

/*
 * Set one key from text, as the file would; origin names where it came
 * from in errors ("command line" or the file path).
 */
int tw_config_set(struct tw_config *cfg, const char *origin,
		const char *section, const char *key, const char *value,
		char *err, size_t errlen);

/*
 * --set SECTION.KEY=VALUE, as tw_config_set from the command line; a
 * malformed argument is named in err. 0, or -errno.
 */
int tw_config_set_arg(struct tw_config *cfg, const char *arg, char *err,
		size_t errlen);

/* Checks across keys, after all sources are applied. */
int tw_config_check(const struct tw_config *cfg, char *err, size_t errlen);

/*
 * A file a profile names (a capture to replay, a day file): beside the
 * profile when relative, as it belongs with it. Into out (len bytes).
 */
void tw_config_beside(const char *profile, const char *file, char *out,
		size_t len);

/*
 * The generator lcores: [generator] lcores when given, else lcore.
 * Returns how many, at most TW_MAX_GEN_LCORES, into out.
 */
unsigned int tw_config_gen_lcores(const struct tw_config *cfg, uint32_t *out);

/* Parameters for the gen module, derived from the config. */
void tw_config_gen_params(const struct tw_config *cfg,
		struct tw_gen_params *p);
void tw_config_frame_params(const struct tw_config *cfg,
		struct tw_frame_params *fp);

/*
 * What an RX lcore (or the kernel receiver) subscribes to, from the
 * profile: session, groups, port, VLAN; templates prepared. 0 or
 * -EINVAL.
 */
int tw_config_rx_feed(const struct tw_config *cfg, struct tw_rx_feed *feed);

/*
 * The first groups of MDP 3.0's snapshot and definition loops (channel c
 * at first + c): the profile's, or [feed] group + 512 and + 768.
 */
static inline uint32_t
tw_config_mdp3_snapshot_group(const struct tw_config *cfg)
{
	return cfg->mdp3_snapshot_group != 0 ? cfg->mdp3_snapshot_group :
		cfg->group + 512;
}

static inline uint32_t
tw_config_mdp3_definition_group(const struct tw_config *cfg)
{
	return cfg->mdp3_definition_group != 0 ?
		cfg->mdp3_definition_group : cfg->group + 768;
}

/*
 * Line B's own port ([feed] line_b_port, with lines = 2): true and
 * *port set, or false when line B rides line A's port.
 */
static inline bool
tw_config_line_b_port(const struct tw_config *cfg, uint16_t *port)
{
	if (cfg->lines != 2 || cfg->nb_line_b_ports == 0)
		return false;
	*port = (uint16_t)cfg->line_b_ports[0];
	return true;
}

/* Print every section and key with its type and default. */
void tw_config_print_keys(FILE *f);

#endif /* TW_CONFIG_H */
