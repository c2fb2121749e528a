/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire app: the state the main lcore builds and the worker lcores
 * run on. One struct per lcore role, cache aligned, each written by its
 * own lcore only; the main lcore and the tools read counters through
 * the published view (lib/view) with relaxed loads.
 *
 *   main.c       main(): the order of things
 *   options.c    command line over the profile, EAL arguments
 *   setup.c      SIMD, placement, mempools, caches, what is published,
 *                teardown
 *   ports.c      the ports: queues, offloads, multicast, steering, link;
 *                the back path's queues; NIC clocks
 *   gen_setup.c  the generator lcores' creation and their source
 *   gen_send.c   the generator lcore's loop and sender: TX queues,
 *                faults, line B, mirror (its units: gen_lcore.h)
 *   gen_serve.c  what comes back to it: requests, snapshots, orders
 *   gen_src_*.c  its sources: the model, a capture, an ITCH day file
 *   rx_lcore.c   the RX lcores: their creation and their loop
 *   run.c        launch, the main lcore's loop, the end of the run
 *   report.c     report paths checked and opened, the verdict, the
 *                summary and every report written at the end
 *   telemetry.c  /tickwire/... commands: registration and the counters;
 *                its units (telemetry.h): the latency histograms
 *                (telemetry_latency.c), the symbols (telemetry_cache.c)
 *   control.c    commands that change the run (rate, pause, mark, ...):
 *                the frame each runs in (its units: control.h); their
 *                bodies (control_cmds.c), the phases they open
 *                (control_phase.c), how the generator applies them
 *                (control_apply.c)
 *   memif_guard.c  keeps lcores off a memif port its PMD is unmapping
 *   host.c       the host check: the pollers' cores and the machine; its
 *                units (host_check.h): each core (host_cpu.c), the
 *                machine (host_machine.c), the spin probe (host_probe.c)
 */
#ifndef TICKWIRE_H
#define TICKWIRE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>
#include <rte_rcu_qsbr.h>

#include "tw_cache.h"
#include "tw_clock.h"
#include "tw_config.h"
#include "tw_feed.h"
#include "tw_framer.h"
#include "tw_gen.h"
#include "tw_hist.h"
#include "tw_order.h"
#include "tw_pcap.h"
#include "tw_faults.h"
#include "tw_port.h"
#include "tw_request.h"
#include "tw_store.h"
#include "tw_itch.h"
#include "tw_itch_gen.h"
#include "tw_protocol.h"
#include "tw_rx_path.h"
#include "tw_outfile.h"
#include "tw_stats.h"
#include "tw_verdict.h"
#include "tw_topo.h"
#include "tw_view.h"

struct tw_gen_source;

#define TW_GEN_TXBUF (2 * 64)
#define TW_GEN_MAX_TXQ TW_MAX_GEN_TXQ

/* Frames waiting for one TX queue of a port the generator sends on. */
struct tw_gen_txq {
	uint16_t port_id;
	uint16_t queue;                 /* the port's TX queue */
	struct rte_mbuf *buf[TW_GEN_TXBUF];
	uint16_t msgs[TW_GEN_TXBUF];    /* messages in each frame */
	uint16_t n;
	uint16_t held_msgs;
	uint8_t held_line;
	struct rte_mbuf *held;          /* [faults] reorder: goes after the
					 * next frame of the queue */
};

extern int tw_logtype_gen;
extern int tw_logtype_rx;
extern int tw_logtype_app;

#define TW_LOG(type, level, ...) \
	rte_log(RTE_LOG_ ## level, tw_logtype_ ## type, \
		"tickwire." #type ": " __VA_ARGS__)

/*
 * Stopping. The first SIGINT / SIGTERM, or --duration, requests a stop:
 * the generator ends its session and the RX lcores drain until every
 * channel has ended (or [run] drain_s passes). A second signal, or the
 * main lcore when the run is over, forces the quit every loop tests.
 */
extern volatile bool tw_stop_requested;
extern volatile bool tw_force_quit;
extern volatile int tw_signals;         /* SIGINT / SIGTERM seen */

/*
 * Taking a port away from the lcores (to restart it when its link is
 * lost, e.g. a memif peer that left; or while the memif PMD unmaps its
 * rings, memif_guard.c): the taker sets its bit of the port's paused
 * flags, then waits on DPDK's RCU (QSBR) until every lcore has passed a
 * quiescent point; from then on no lcore calls the port until every
 * bit is clear again. Each lcore loop reports quiescent once per
 * iteration. Each taker has its own bit, so one never gives back a
 * port the other still holds.
 */
#define TW_PAUSE_RELINK 0x1     /* the main lcore, restarting the port */
#define TW_PAUSE_UNMAP 0x2      /* memif_guard.c, around an unmap */

extern uint8_t tw_port_paused[RTE_MAX_ETHPORTS];
extern struct rte_rcu_qsbr *tw_qsv;
/* memif ports: see memif_guard.c (set at set-up). */
extern uint8_t tw_memif_port[RTE_MAX_ETHPORTS];

static inline bool
tw_port_is_paused(uint16_t port_id)
{
	return __atomic_load_n(&tw_port_paused[port_id], __ATOMIC_RELAXED)
		!= 0;
}

/* Take (set) or give back (clear) one taker's hold on a port. */
static inline void
tw_port_hold(uint16_t port_id, uint8_t taker)
{
	__atomic_fetch_or(&tw_port_paused[port_id], taker, __ATOMIC_RELEASE);
}

static inline void
tw_port_release(uint16_t port_id, uint8_t taker)
{
	__atomic_fetch_and(&tw_port_paused[port_id], (uint8_t)~taker,
		__ATOMIC_RELEASE);
}

static inline void
tw_lcore_quiescent(unsigned int lcore_id)
{
	rte_rcu_qsbr_quiescent(tw_qsv, lcore_id);
}

/*
 * Control through telemetry (control_apply.c). A command thread writes the
 * wanted state, then bumps epoch (release); each generator lcore loads
 * epoch once per burst (acquire: a plain load on x86) and, when it moved,
 * applies the state there. No lock and no wait on the hot path; the
 * lcores never write here.
 */
struct tw_ctl {
	uint64_t epoch;
	uint64_t rate;          /* messages/s, every generator lcore; 0: none */
	uint32_t paused;
	uint32_t faults_line;   /* bit 0: line A, bit 1: line B, to re-arm */
	struct tw_fault_params faults;
	/* /tickwire/burst: burst messages back to back, then paused; a
	 * generator lcore starts one burst per burst_seq it sees. */
	uint64_t burst;
	uint64_t burst_seq;
} __rte_cache_aligned;

extern struct tw_ctl tw_ctl;

#define TW_CTL_RATE_MAX UINT64_C(1000000000)    /* as [generator] rate */
#define TW_CTL_BURST_MAX UINT64_C(1000000000)   /* messages in one burst */

struct tw_rx_queue_ref {
	uint16_t port_id;
	uint16_t queue;
};

struct tw_rx_lcore {
	unsigned int lcore_id;
	int socket;
	uint16_t burst;
	uint16_t nb_queues;
	struct tw_rx_queue_ref queues[TW_MAX_RXQ];
	uint16_t reply_port;            /* orders go out here ... */
	uint16_t reply_txq;             /* ... on this queue, if reflecting */
	struct rte_mempool *reply_pool; /* NULL: not reflecting */
	uint32_t reflect_ip;            /* source of the orders */
	struct rte_ether_addr reply_mac; /* the reply port's address */
	struct tw_rx_path path;         /* the poll step (lib/rx) */
	uint8_t idle;                   /* enum tw_idle */
	uint32_t idle_polls;            /* empty passes before idling */
	uint64_t idle_sleeps;           /* interrupt waits / pause rounds */
	bool rerequest;                 /* [recovery] rerequest */
	uint64_t check_tsc;             /* gap timers looked at this often */
	uint64_t next_check;
	uint64_t asks_checked;          /* asks_now at the last check */
	struct tw_noise noise;          /* the loop's own interruptions */
} __rte_cache_aligned;

struct tw_gen_lcore {
	unsigned int lcore_id;
	unsigned int index;             /* i of n: sends channels c % n == i */
	uint16_t port_id;
	uint16_t burst;
	const struct tw_protocol *proto;
	struct rte_mempool *pool;
	struct tw_gen *gen;
	struct tw_cache *truth;         /* what was sent; NULL unless dumped */
	struct tw_pkt_tmpl *tmpl;       /* per channel */
	struct tw_framer fr;            /* open frames, sequences (lib/gen) */
	struct tw_emitter em;           /* the protocol's messages */
	struct tw_gen_sched sched;      /* this lcore's channels and count */
	void *model;                    /* the protocol's model (gen_model_create) */
	bool model_out;                 /* the model records the feed (--itch-out) */
	struct tw_itch_file itch_file;  /* itch50: a day file sent instead */
	double itch_speed;
	enum tw_csum_mode csum;
	uint64_t rate;                  /* this lcore's share of [generator] rate */
	bool send_ready;                /* paced: send once caught up */
	uint64_t start_delay_tsc;       /* before the session starts */
	/* [replay]: a capture instead of the model (nb == 0: none). */
	struct tw_pcap replay;
	double replay_speed;
	uint64_t replay_rate;
	bool replay_restamp;
	uint64_t tx_retry_tsc;
	const struct tw_clock *clock;
	/*
	 * Channel c leaves on TX queue c % nb_txq: on net_ring it arrives
	 * on RX queue c % nb_txq, over memif on the peer's; on a NIC the
	 * receiver's rte_flow rules steer it.
	 */
	struct tw_gen_txq txq[2 * TW_GEN_MAX_TXQ];
	uint16_t nb_txq;
	/*
	 * [feed] line_b_port: line B's queues follow line A's in txq[],
	 * channel c on txq[nb_txq + c % nb_txq] (queue c % nb_txq of line
	 * B's port); 0 when line B shares line A's queues.
	 */
	uint16_t txq_b;
	uint16_t nb_txq_all;            /* txq[] in use: nb_txq, or twice */
	uint32_t nb_tx;                 /* pending over every queue */
	bool mirror;                    /* every frame also on mirror_port */
	uint16_t mirror_port;
	uint16_t nb_mirror;
	struct rte_mbuf *mirror_buf[TW_GEN_TXBUF];
	bool serve_mirror;              /* requests also on mirror_port's RX queue 0 */
	bool reply_mirror;              /* the one being served came from there */
	struct tw_gen_counters ctr;
	uint32_t done;                  /* session ended (release store) */
	uint16_t reply_rxq;             /* orders and requests arrive on */
	uint16_t nb_reply_rxq;          /* these queues from reply_rxq */
	bool back;                      /* poll them at all */
	bool ended;                     /* the session ended: serving only */
	struct tw_faults faults[2];     /* [faults], on line A's and B's data frames */
	/* [feed] lines = 2: every frame again to line B's groups (on
	 * line_b_port's queues when it is set, see txq_b). */
	bool line_b;
	struct tw_pkt_tmpl *tmpl_b;     /* per channel */
	/* A transport's loops (MDP 3.0): channel c's snapshot loop on
	 * template c, its definition loop on channels + c; line A only. */
	struct tw_framer loops_fr;
	struct tw_pkt_tmpl *tmpl_loop;  /* 2 x channels; NULL: no loops */

	/* [recovery]: the store and its MoldUDP64 request server. */
	struct tw_store *store;         /* NULL: no server */
	struct tw_request_rules rules;
	struct tw_rate_limit req_rate;
	/* What serving may take: reply bytes, and lcore time a window. */
	struct tw_reply_budget reply_budget;
	uint64_t serve_window;          /* cycles of a window */
	uint64_t serve_allowed;         /* cycles serving may take in it */
	uint64_t serve_window_start;
	uint64_t serve_spent;
	uint16_t request_port;
	uint16_t snapshot_port;         /* 0: no snapshots */
	struct tw_reply_table replies;
	struct tw_hist rtt;             /* quote sent -> order back */
	/* Control (control_apply.c): the epoch applied, what it said, and the
	 * counters where it was applied (a phase's boundary). */
	uint64_t ctl_epoch;
	bool paused;
	uint64_t burst_seq;             /* the last /tickwire/burst started */
	uint64_t burst_left;            /* its ticks still to send */
	struct tw_gen_counters ctl_ctr;
	struct tw_noise noise;          /* the loop's own interruptions */
	/*
	 * Where the data comes from (gen_lcore.h), chosen at set-up, and
	 * its place between two batches. Last, so the fields above keep
	 * their places.
	 */
	const struct tw_gen_source *src;
	union {
		struct {
			struct tw_pace pace;
			uint64_t next_house;
			uint64_t house_period;
		} model;
		struct {
			uint64_t start;
			uint32_t next;          /* the next frame */
			bool quit;              /* left while waiting */
		} pcap;
		struct {
			uint64_t start;
			uint64_t next_house;
			size_t off;             /* the next message */
		} itch;
	} at;
} __rte_cache_aligned;

/* The report files a run may be asked for (run.c). */
enum tw_app_out {
	APP_OUT_STATS, APP_OUT_CACHE, APP_OUT_TRUTH, APP_OUT_BOOKS,
	APP_OUT_TRUTH_BOOKS, APP_OUT_ITCH, APP_OUT_LAT,
	/* Beside the latency CSVs: PREFIX.interruptions.csv. */
	APP_OUT_NOISE = APP_OUT_LAT + TW_SPAN_MAX,
	APP_OUT_MAX
};

/* Everything the main lcore builds; the workers see their own part. */
struct tw_app {
	struct tw_config cfg;
	struct tw_clock clock;
	const struct tw_protocol *proto;
	const struct tw_framing *framing;       /* the transport's frames */
	struct tw_topo_input tin;
	struct tw_topo_plan plan;
	struct rte_mempool *pools[TW_MAX_SOCKETS]; /* by plan.pool_sockets */
	struct tw_cache *caches[TW_MAX_SOCKETS];   /* by plan.cache_sockets */
	const struct rte_memzone *cache_mz[TW_MAX_SOCKETS];
	struct tw_rx_feed feed;
	enum tw_simd simd;              /* level of the hot loops */
	struct tw_rx_lcore *rx[TW_MAX_RX_LCORES];
	unsigned int nb_rx;
	struct tw_gen_lcore *gen[TW_MAX_GEN_LCORES];
	unsigned int nb_gen;
	uint16_t ports[TW_MAX_PORTS];
	unsigned int nb_ports;
	bool port_started[TW_MAX_PORTS];
	struct tw_port_state port_state[TW_MAX_PORTS];
	uint64_t relink_tsc[TW_MAX_PORTS]; /* link lost, or last restart */
	struct tw_clock devclk[TW_MAX_PORTS]; /* NIC clocks, by port index */
	struct tw_view local;           /* what is published, built here */
	const struct tw_view *view;     /* the published copy */
	const struct rte_memzone *view_mz;
	bool pdump;                     /* rte_pdump_init succeeded */
	/* Reports: checked before the EAL starts, written at the end. */
	struct tw_outfile out[APP_OUT_MAX];
	struct tw_outstream lines_out;  /* --stats-interval */
	struct tw_outstream csv_out;    /* --stats-csv */
	bool stopped_early;             /* asked to stop before the end */
	bool duration_ended;            /* ... by --duration */
	bool owns_run_files;            /* a primary with files of its own */
	bool control_stopped;           /* ... by /tickwire/stop */
	char file_prefix[64];
	/* For the run record of the stats JSON (main.c). */
	char command_line[1024];
	char eal_line[1024];
	char started_utc[32];
	char host_json[8192];           /* the host check's; "" if none */
};

/* options.c */
int tw_app_options(struct tw_config *cfg, int argc, char **argv);
int tw_app_eal_argv(const struct tw_config *cfg, char *prog, char **user,
		int nb_user, char **out, int max);

/* setup.c */
int tw_app_choose_simd(struct tw_app *app);
int tw_app_plan(struct tw_app *app);
int tw_app_memory(struct tw_app *app);
int tw_app_publish(struct tw_app *app);
void tw_app_teardown(struct tw_app *app);
struct rte_mempool *tw_app_pool(const struct tw_app *app, int socket);
void *tw_app_zalloc(int socket, size_t size);
int tw_app_port_index(const struct tw_app *app, uint16_t port_id);

/* clock_domain.c: [clock] domain, set once the ports are started. */
#define TW_APP_CLOCK_REFRESH_MS 50      /* run.c's main tick refreshes */
int tw_app_clock_domain(struct tw_app *app);
void tw_app_clock_print(const struct tw_app *app, FILE *f);
void tw_app_clock_json(const struct tw_app *app, char *buf, size_t len);

/* ports.c */
int tw_app_ports(struct tw_app *app);
void tw_app_devclocks_init(struct tw_app *app);
void tw_app_devclocks_refresh(struct tw_app *app);
bool tw_app_is_rx_port(const struct tw_app *app, uint16_t port_id);
/* Line B's own port ([feed] line_b_port, lines = 2)? */
bool tw_app_is_line_b_port(const struct tw_app *app, uint16_t port_id);
uint16_t tw_app_reply_rxq(const struct tw_app *app);
uint16_t tw_app_reply_nb_rxq(const struct tw_app *app);
bool tw_app_serves_mirror(const struct tw_app *app);

/* rx_lcore.c: every symbol's book, each from the RX lcore that owns it. */
int tw_app_dump_books(const struct tw_app *app, FILE *f);
int tw_app_dump_truth_books(const struct tw_app *app, FILE *f);

/* report.c: the transport has an end of session (MoldUDP64's; MDP
 * 3.0 has none), and the symbols marked stale now. */
bool tw_app_transport_ends(const struct tw_app *app);
uint32_t tw_app_stale_count(const struct tw_app *app);

/* gen_setup.c / gen_send.c, rx_lcore.c: each role's creation and loop. */
int tw_gen_lcore_create(struct tw_app *app);
int tw_gen_lcore_main(void *arg);
int tw_rx_lcores_create(struct tw_app *app);
int tw_rx_lcore_main(void *arg);

/* run.c */
/* Check and open the report paths (before the EAL): 0, -errno, or
 * -EINVAL for a usage error; printed. */
int tw_app_open_outputs(struct tw_app *app);
void tw_app_discard_outputs(struct tw_app *app);
/* The run: TW_EXIT_WHOLE or TW_EXIT_NOT_WHOLE, or -errno. */
int tw_app_run(struct tw_app *app);

/* report.c: the summary, the verdict and every report at the end (lat:
 * the merged latency histograms); the exit status, or -EIO when a
 * report was not written. */
int tw_app_report(struct tw_app *app, struct tw_stats *now,
		const struct tw_hist *lat);

/* telemetry.c: /tickwire/... commands for dpdk-telemetry.py. */
int tw_telemetry_register(struct tw_app *app);

/*
 * control.c: the commands that change a run, and its phases. begin at
 * the run's start (phase 0), finish once the session is ending (closes
 * the last phase; every command is refused from then on); idempotent.
 */
int tw_control_register(struct tw_app *app);
int tw_control_begin(struct tw_app *app);
void tw_control_finish(struct tw_app *app);
/* The running phase's name into buf ("" before begin). */
void tw_control_phase_name(char *buf, size_t len);
/* The phases and the command log, for the stats JSON (run.c). */
void tw_control_meta(struct tw_stats_meta *meta);

/* A change of tw_ctl not yet applied by this generator lcore. */
static inline bool
tw_gen_ctl_changed(const struct tw_gen_lcore *g)
{
	return __atomic_load_n(&tw_ctl.epoch, __ATOMIC_ACQUIRE) !=
		g->ctl_epoch;
}

/* Apply tw_ctl at a burst boundary: rate (re-paced from now), pause,
 * faults. The generator lcore's own call. */
void tw_gen_ctl_apply(struct tw_gen_lcore *g, struct tw_pace *pace,
		uint64_t now);

#endif /* TICKWIRE_H */
