/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The profile's schema and its defaults: every section and key, the
 * field of struct tw_config it sets, its type, range or names, and its
 * help (what --print-keys shows); and the value of every field before
 * a profile or the command line sets it.
 *
 * Owns: the key table (a key added here is read, checked, printed and
 * fuzzed with no other change) and the defaults. Never touches: a
 * value's syntax (tw_config_value.c), setting keys and reading files
 * (tw_config_load.c), checks across keys (tw_config_derive.c).
 */
#include <stddef.h>
#include <string.h>

#include <rte_common.h>

#include "tw_config.h"
#include "tw_config_private.h"
#include "tw_simd.h"

_Static_assert(TW_SIMD_SCALAR == 0 && TW_SIMD_SSE == 1 && TW_SIMD_AVX2 == 2 &&
	TW_SIMD_AVX512 == 3 && TW_SIMD_AUTO == 4, "simd_names order");

static const char *const activity_names[] = { "uniform", "zipf", NULL };
static const char *const timestamps_names[] = { "session", "send", NULL };
static const char *const offload_names[] = { "auto", "off", NULL };
static const char *const send_names[] = { "ready", "fill", NULL };
static const char *const idle_names[] = { "poll", "pause", "interrupt",
	NULL };
/* In the order of enum tw_clock_domain. */
static const char *const domain_names[] = { "tsc", "tai", "realtime", "phc",
	NULL };
/* In the order of enum tw_simd. */
static const char *const simd_names[] = {
	"scalar", "sse", "avx2", "avx512", "auto", NULL
};

#define F(field) offsetof(struct tw_config, field), \
	sizeof(((struct tw_config *)0)->field)
#define U(sec, k, field, lo, hi, h) \
	{ sec, k, KT_UINT, F(field), lo, hi, 0, NULL, h }
#define T(sec, k, type, field, h) \
	{ sec, k, type, F(field), 0, 0, 0, NULL, h }
#define L(sec, k, field, nfield, hi, h) \
	{ sec, k, KT_LIST, F(field), 0, hi, \
	  offsetof(struct tw_config, nfield), NULL, h }
#define D(sec, k, field, lo, hi, h) \
	{ sec, k, KT_DOUBLE, F(field), lo, hi, 0, NULL, h }
#define E(sec, k, field, names, h) \
	{ sec, k, KT_ENUM, F(field), 0, 0, 0, names, h }

static const struct key_def keys[] = {
	T("eal", "args", KT_STR, eal_args,
		"EAL arguments; an option also given before -- is replaced "
		"by the command line's"),

	U("feed", "symbols", symbols, 1, 1000000, "symbols in the universe"),
	U("feed", "channels", channels, 1, 256,
		"channels; symbol locate L rides channel L % channels"),
	T("feed", "session", KT_SESSION, session,
		"MoldUDP64 session name; auto: the generator names each run "
		"from its start time, receivers adopt each channel's session"),
	T("feed", "group", KT_MCAST, group,
		"multicast group of channel 0; channel c uses group + c"),
	U("feed", "lines", lines, 1, 2,
		"2: every frame is sent on line A (group) and line B "
		"(group_b) and receivers take the first copy"),
	T("feed", "group_b", KT_MCAST, group_b,
		"multicast group of line B's channel 0 (lines = 2)"),
	L("feed", "line_b_port", line_b_ports, nb_line_b_ports,
		TW_MAX_PORTS - 1,
		"lines = 2: line B on this port (its index, as [generator] "
		"port), not line A's: the generator sends it there on TX "
		"queues of its own, receivers poll it too; unset: both lines "
		"on one port"),
	U("feed", "udp_port", udp_port, 1, 65535, "UDP destination port"),
	T("feed", "src_ip", KT_IPV4, src_ip, "generator source address"),
	T("feed", "src_mac", KT_MAC, src_mac, "generator source MAC"),
	U("feed", "vlan", vlan, 0, 4094, "802.1Q VLAN ID, 0 = untagged"),
	U("feed", "mtu", mtu, 128, 9000, "largest IP datagram sent"),
	U("feed", "price_decimals", price_decimals, 0, 9,
		"fixed-point decimals of prices"),
	U("feed", "ttl", ttl, 1, 255, "IPv4 TTL of sent datagrams"),

	T("feed", "protocol", KT_STR, protocol,
		"the feed's messages: tickwire (top of book) or itch50 "
		"(NASDAQ TotalView-ITCH 5.0, order level); lib/protocol's "
		"registry names them"),
	T("feed", "transport", KT_STR, transport,
		"how the messages are framed, sequenced and recovered: "
		"moldudp64 (MoldUDP64: sessions, re-requests, snapshots on "
		"request) or mdp3 (CME MDP 3.0: no protocol on it yet); "
		"lib/protocol's registry names them"),

	U("itch", "max_orders", itch_max_orders, 16, UINT64_C(1) << 32,
		"RX books: resting orders at most, each RX lcore"),
	U("itch", "levels", itch_levels, 64, UINT32_MAX / 4,
		"RX books: price levels of every symbol's sides together, "
		"each RX lcore"),
	U("itch", "orders_per_symbol", itch_orders_per_symbol, 1, 65536,
		"generator: resting orders a symbol keeps at most, on "
		"average (a stock's own cap follows its share of the ticks)"),
	U("itch", "depth", itch_depth, 1, 1000,
		"generator: price steps from the touch an order is placed at, "
		"at most"),
	D("itch", "add_pct", itch_mix[0], 0, 100,
		"generator: percent of ticks that add an order (A)"),
	D("itch", "add_mpid_pct", itch_mix[1], 0, 100,
		"generator: ... that add one with an MPID (F)"),
	D("itch", "delete_pct", itch_mix[2], 0, 100,
		"generator: ... that delete one (D)"),
	D("itch", "cancel_pct", itch_mix[3], 0, 100,
		"generator: ... that cancel part of one (X)"),
	D("itch", "replace_pct", itch_mix[4], 0, 100,
		"generator: ... that replace one (U)"),
	D("itch", "execute_pct", itch_mix[5], 0, 100,
		"generator: ... that execute the best order (E)"),
	D("itch", "execute_price_pct", itch_mix[6], 0, 100,
		"generator: ... that execute it strictly inside the spread "
		"(C; E when the spread is a tick)"),
	D("itch", "trade_pct", itch_mix[7], 0, 100,
		"generator: ... that are non-displayed trades (P)"),
	D("itch", "noii_pct", itch_mix[8], 0, 100,
		"generator: ... that are NOII (I), all in the crosses' "
		"windows; the nine add up to 100, in hundredths"),
	D("itch", "zipf_s", itch_zipf_s, 0, 10,
		"generator: a stock's share of its channel's ticks falls as "
		"its rank to this power (0: as [generator] activity)"),
	D("itch", "day_speed", itch_day_speed, 0, 1e9,
		"generator: the session clock (04:00 to 20:00 Eastern) runs "
		"this many seconds a second of the run; 0: the whole day "
		"over [generator] count's ticks, else over [run] duration"),
	E("itch", "timestamps", itch_timestamps, timestamps_names,
		"generator: the messages' timestamps: session (the session "
		"clock) or send (the send time, for latency from them)"),
	D("itch", "close_cancel_pct", itch_close_cancel_pct, 0, 100,
		"generator: of delete_pct, the percent of the ticks that "
		"cancel the day's resting orders after 16:00; the day's adds "
		"outnumber its other deletes by as much, so books deepen "
		"through the day"),
	U("itch", "halts", itch_halts, 0, 1000,
		"generator: LULD pauses a day (every fourth an operational "
		"halt)"),
	T("itch", "out", KT_STR, itch_out,
		"generator: also write every message to this ITCH 5.0 day file "
		"(2-byte length, then the message)"),

	U("mdp3", "depth", mdp3_depth, 1, 10,
		"generator: price levels a side of each instrument's book"),
	T("mdp3", "snapshot_group", KT_MCAST, mdp3_snapshot_group,
		"multicast group of channel 0's snapshot loop (channel c: + "
		"c); unset: [feed] group + 512"),
	T("mdp3", "definition_group", KT_MCAST, mdp3_definition_group,
		"multicast group of channel 0's definition loop (channel c: + "
		"c); unset: [feed] group + 768"),
	U("mdp3", "snapshot_interval_ms", mdp3_snapshot_interval_ms, 0,
		3600000, "generator: a full cycle of each channel's snapshot "
		"loop this often; 0: no snapshot loop"),
	U("mdp3", "definition_interval_ms", mdp3_definition_interval_ms, 0,
		3600000, "generator: a full cycle of each channel's "
		"definition loop this often; 0: no definition loop"),
	U("mdp3", "reset_after", mdp3_reset_after, 0, UINT64_MAX,
		"generator: a ChannelReset on every channel after this many "
		"ticks (books emptied, then built again); 0: never"),

	T("generator", "enabled", KT_BOOL, gen_enabled,
		"run the generator lcore"),
	U("generator", "lcore", gen_lcore, 0, RTE_MAX_LCORE - 1,
		"lcore of the generator (when lcores is not given)"),
	L("generator", "lcores", gen_lcores, nb_gen_lcores, RTE_MAX_LCORE - 1,
		"generator lcores, comma separated: lcore i of n sends the "
		"channels c with c % n = i (queues a multiple of n)"),
	L("generator", "mirror_port", mirror_ports, nb_mirror_ports, TW_MAX_PORTS - 1,
		"also send every frame on this port (at most one), e.g. a "
		"net_tap to the kernel, so two receivers get the same feed"),
	U("generator", "port", gen_port, 0, TW_MAX_PORTS - 1,
		"port the feed is sent on"),
	U("generator", "rate", rate, 0, UINT64_C(1000000000),
		"messages per second, 0 = unlimited"),
	U("generator", "count", count, 0, UINT64_MAX,
		"ticks to send before ending the session, 0 = no end"),
	U("generator", "seed", seed, 0, UINT64_MAX, "random seed"),
	U("generator", "quote_pct", quote_pct, 0, 100,
		"percentage of ticks that are quotes"),
	E("generator", "activity", activity, activity_names,
		"symbol activity: uniform or zipf"),
	T("generator", "zipf_s", KT_DOUBLE, zipf_s, "Zipf exponent"),
	T("generator", "drift", KT_DOUBLE, drift, "GBM annual drift"),
	T("generator", "volatility", KT_DOUBLE, volatility,
		"GBM annual volatility"),
	T("generator", "dt", KT_DOUBLE, dt,
		"model time per tick of a symbol, in years"),
	T("generator", "init_price", KT_DOUBLE, init_price,
		"typical starting price"),
	E("generator", "send", send, send_names,
		"paced: ready sends a frame as soon as no more ticks are due; "
		"fill holds it open for more until full or flush_us"),
	U("generator", "flush_us", flush_us, 0, 10000000,
		"an open frame is closed at the latest this long after its "
		"first message"),
	U("generator", "heartbeat_ms", heartbeat_ms, 1, 60000,
		"heartbeat on a channel idle this long"),
	U("generator", "tx_retry_us", tx_retry_us, 0, 10000000,
		"retry refused frames this long before counting them dropped"),
	U("generator", "burst", gen_burst, 1, 64, "frames per tx_burst"),
	U("generator", "queues", gen_queues, 1, TW_MAX_GEN_TXQ,
		"TX queues; channel c leaves on queue c % queues (net_ring and "
		"memif deliver it to RX queue c % queues)"),
	U("generator", "start_delay_ms", start_delay_ms, 0, 600000,
		"wait this long after the links are up before the session "
		"starts (a kernel receiver on a fresh tap needs a moment)"),
	T("generator", "itch_file", KT_STR, itch_file,
		"itch50: send this ITCH 5.0 day file (2-byte length, message; "
		"gzip too) instead of the model, each stock's messages on its "
		"channel, System Events on every channel, timestamps set to "
		"the send time; found beside the profile when relative"),
	D("generator", "itch_speed", itch_speed, 0, 1000000,
		"itch_file at its own timing this many times faster (1: as "
		"recorded); 0: as fast as the port takes it"),
	U("generator", "reply_every", reply_every, 0, 1000000,
		"every Nth quote asks the receiver for an order (tick to "
		"trade); 0 = none"),

	T("rx", "enabled", KT_BOOL, rx_enabled, "run RX lcores"),
	L("rx", "lcores", rx_lcores, nb_rx_lcores, RTE_MAX_LCORE - 1,
		"RX lcores, comma separated"),
	L("rx", "ports", rx_ports, nb_rx_ports, TW_MAX_PORTS - 1,
		"ports to receive on, comma separated"),
	U("rx", "queues", rx_queues, 1, TW_MAX_RXQ_PER_PORT,
		"RX queues per port"),
	U("rx", "burst", rx_burst, 1, 512, "frames per rx_burst"),
	E("rx", "idle", idle, idle_names,
		"an RX lcore with nothing to do: poll (spin), pause (back off "
		"with pause instructions) or interrupt (sleep until the port's "
		"RX interrupt, where the driver has them)"),
	U("rx", "idle_polls", idle_polls, 1, 1000000,
		"empty polls of every queue before an RX lcore idles"),
	T("rx", "reflect", KT_BOOL, reflect,
		"answer quotes that ask for an order (tick to trade)"),
	T("rx", "reflect_ip", KT_IPV4, reflect_ip,
		"this receiver's unicast address: source of its orders and "
		"re-requests, destination of retransmissions"),
	U("rx", "max_gap", max_gap, 1, 1ull << 40,
		"largest sequence jump taken as a gap at once; a larger one "
		"only when the next packet continues it"),
	U("rx", "session_idle_ms", session_idle_ms, 1, 3600000,
		"silence after which a channel may start a new session"),
	D("rx", "max_latency_s", max_latency_s, 0, 3600,
		"latency samples above this are counted, not recorded"),

	D("faults", "loss", faults[0].loss, 0, 1,
		"share of the generator's data frames lost, below 1"),
	D("faults", "burst", faults[0].burst, 1, 1000000,
		"mean length of a run of lost frames (1: independent losses)"),
	D("faults", "dup", faults[0].dup, 0, 1,
		"share of data frames sent twice, below 1"),
	D("faults", "reorder", faults[0].reorder, 0, 1,
		"share of data frames sent after the next frame of their "
		"queue, below 1"),
	D("faults", "corrupt", faults[0].corrupt, 0, 1,
		"share of data frames with one bit flipped after the "
		"checksums (receivers drop them), below 1"),
	U("faults", "seed", faults[0].seed, 0, UINT64_MAX,
		"random seed of the faults"),
	D("faults", "loss_b", faults[1].loss, 0, 1, "loss on line B"),
	D("faults", "burst_b", faults[1].burst, 1, 1000000, "burst on line B"),
	D("faults", "dup_b", faults[1].dup, 0, 1, "dup on line B"),
	D("faults", "reorder_b", faults[1].reorder, 0, 1, "reorder on line B"),
	D("faults", "corrupt_b", faults[1].corrupt, 0, 1, "corrupt on line B"),
	U("faults", "seed_b", faults[1].seed, 0, UINT64_MAX,
		"random seed of line B's faults"),

	U("recovery", "store_messages", store_messages, 0, 1u << 24,
		"the generator keeps the last N messages of each channel (a "
		"power of two at least) and serves MoldUDP64 re-requests; "
		"0: no request server"),
	U("recovery", "request_port", request_port, 1, 65535,
		"channel c's request server listens on UDP port "
		"request_port + c"),
	U("recovery", "snapshot_port", snapshot_port, 0, 65535,
		"channel c's state is served on UDP port snapshot_port + c "
		"(with the store) and asked for by late joiners and for gaps "
		"the store no longer holds; 0: no snapshots"),
	T("recovery", "server_ip", KT_IPV4, server_ip,
		"the request and snapshot servers' address: fills and "
		"snapshots from any other are dropped; 0.0.0.0: [feed] "
		"src_ip"),
	T("recovery", "server_mac", KT_MAC, server_mac,
		"and their MAC, if set (00:00:00:00:00:00: learnt from the "
		"feed's frames from server_ip)"),
	T("recovery", "rerequest", KT_BOOL, rerequest,
		"RX asks the channel's server for every gap"),
	U("recovery", "timeout_us", timeout_us, 1, 60000000,
		"a gap is asked for again after this long"),
	U("recovery", "retries", retries, 0, 1000,
		"requests for a gap after the first; then it is given up and "
		"its channel's symbols marked stale"),
	U("recovery", "hold_max_ms", hold_max_ms, 1, 3600000,
		"what follows a gap is held back (itch50) for this long at "
		"most: then the gap is given up, its channel's symbols marked "
		"stale, and the live feed applies again"),
	U("recovery", "hold_max_packets", hold_max_packets, 1, 1u << 30,
		"and for this many packets at most"),
	U("recovery", "ab_wait_us", ab_wait_us, 0, 60000000,
		"with two lines, a gap waits this long for the other line's "
		"copy before it is declared and asked for"),
	U("recovery", "max_count", max_count, 1, 65534,
		"messages asked for, and served, per request at most"),
	U("recovery", "rate", request_rate, 0, 100000000,
		"requests a second the server takes from one source; 0: any"),
	U("recovery", "rate_total", request_rate_total, 0, 100000000,
		"requests a second the server takes from all sources together "
		"(spoofed rotating sources do not escape it); 0: any"),
	U("recovery", "reply_bytes_per_s", reply_bytes_per_s, 0,
		UINT64_C(100000000000),
		"bytes a second the server may send in reply, to everyone "
		"together (a token bucket of reply_burst_bytes); 0: no cap"),
	U("recovery", "reply_burst_bytes", reply_burst_bytes, 1500,
		UINT64_C(1) << 32, "the reply budget's burst, in bytes"),
	U("recovery", "max_packets", max_packets, 1, 1024,
		"reply packets per request at most (the server's); a receiver "
		"asks again for the rest once this many are in (its server's "
		"value), so a request is never multiplied"),
	U("recovery", "serve_share_pct", serve_share_pct, 1, 100,
		"share of the generator lcore's time serving may take in "
		"any millisecond; requests beyond it are refused"),
	U("recovery", "burst", request_burst, 1, 1000000,
		"requests one source may send at once over the rate"),
	T("recovery", "client_net", KT_IPV4, client_net,
		"the server answers sources in client_net/client_prefix only"),
	U("recovery", "client_prefix", client_prefix, 0, 32,
		"prefix length of client_net; 0: any source"),

	T("replay", "file", KT_STR, replay_file,
		"a capture (pcap) the generator sends instead of its model, "
		"found beside the profile when relative"),
	D("replay", "speed", replay_speed, 0, 1000,
		"the capture's own timing, this many times faster (0: as fast "
		"as the port takes)"),
	U("replay", "rate", replay_rate, 0, UINT64_C(1000000000),
		"frames a second instead of the capture's timing (0: by it)"),
	T("replay", "restamp", KT_BOOL, replay_restamp,
		"set each tickwire message's send time to the replay's own, "
		"so latency is measured from the replay, not the recording"),

	U("port", "rx_desc", rx_desc, 64, 16384, "RX descriptors per queue"),
	U("port", "tx_desc", tx_desc, 64, 16384, "TX descriptors per queue"),
	U("port", "mbufs", mbufs, 1023, 4194303, "mbufs per mempool"),
	U("port", "mbuf_cache", mbuf_cache, 0, 512, "mempool lcore cache"),
	U("port", "link_wait_s", link_wait_s, 0, 600,
		"wait this long for link up"),
	U("port", "relink_ms", relink_ms, 0, 600000,
		"a net_memif port whose link is lost is restarted this often "
		"until its peer is back (0: never)"),
	E("port", "csum_offload", csum_offload, offload_names,
		"checksum offload: auto or off"),
	E("port", "rx_timestamps", rx_timestamps, offload_names,
		"the NIC's RX timestamps as the wire arrival: auto or off"),

	D("run", "duration", duration, 0, 1000000,
		"stop after this many seconds, 0 = when done"),
	D("run", "drain_s", drain_s, 0, 86400,
		"after the generator ends, wait this long for RX to finish"),
	D("run", "linger_s", linger_s, 0, 86400,
		"after the session ends, keep serving telemetry and shared "
		"memory this long"),
	U("run", "stats_interval_ms", stats_interval_ms, 100, 60000,
		"period of the stats line"),
	T("run", "stats_json", KT_STR, stats_json, "write stats JSON here"),
	T("run", "stats_lines", KT_STR, stats_lines,
		"write one JSON line per stats period here (and one at the "
		"end): the period's counters, rates, latency"),
	T("run", "stats_csv", KT_STR, stats_csv,
		"write one CSV row per stats period here (and one at the "
		"end), under one header of stable columns"),
	T("run", "dump_cache", KT_STR, dump_cache, "write the cache as CSV"),
	T("run", "latency_csv", KT_STR, latency_csv,
		"write each latency histogram as PREFIX.<span>.csv"),
	T("run", "dump_truth", KT_STR, dump_truth,
		"write the generator's ground truth as CSV"),
	T("run", "dump_books", KT_STR, dump_books,
		"itch50, mdp3: write every symbol's book (levels, orders for "
		"itch50, digest) as CSV, as the RX lcores built them"),
	T("run", "dump_truth_books", KT_STR, dump_truth_books,
		"itch50, mdp3: write the generator's books (its ground truth) "
		"as CSV, in the form of dump_books"),
	T("run", "quiet", KT_BOOL, quiet, "no periodic stats line"),
	T("run", "accept_loss", KT_BOOL, accept_loss,
		"exit 0 even when the data is not whole (loss, gaps given up, "
		"stale symbols): for runs that lose data on purpose"),
	E("run", "simd", simd, simd_names,
		"SIMD level of the hot loops: auto, scalar, sse, avx2, avx512"),

	E("clock", "domain", clock_domain, domain_names,
		"the clock send and arrival times are stamped in: tsc (the "
		"TSC from a CLOCK_REALTIME anchor, comparable on one host), "
		"tai or realtime (that clock followed: comparable across hosts "
		"whose clocks phc2sys or NTP keep on one master), phc (the PTP "
		"clock of [clock] port; ports without one refuse it)"),
	L("clock", "port", clock_ports, nb_clock_ports, TW_MAX_PORTS - 1,
		"domain = phc: the port whose PTP clock is read (default: "
		"the generator's port, else the first [rx] port)"),
	T("clock", "ptp_uds", KT_STR, ptp_uds,
		"ptp4l's management socket: pmc asks it for the offset from "
		"the master and the path delay, stated in the run record "
		"(domains other than tsc)"),

	U("host", "stall_threshold_ns", stall_threshold_ns, 100, 100000000,
		"a gap in a poller's loop (RX, generator) longer than this is "
		"an interruption: counted, its length recorded, its time lost"),
	U("host", "sockrx_stall_threshold_ns", sockrx_stall_threshold_ns, 100,
		100000000, "the same for tickwire-sockrx's loop, whose "
		"every turn makes a system call per channel (microseconds), "
		"so a gap is counted from a longer one"),
	T("host", "check", KT_BOOL, host_check,
		"at start, check each poller's core (isolation, IRQs, other "
		"threads, SMT sibling, governor, TSC, hugepages, NUMA) and "
		"warn; the findings go into the run record"),
	U("host", "probe_ms", probe_ms, 0, 600000,
		"at start, a spin probe (a loop that only reads the TSC) this "
		"long on each poller's core, all at once; 0: none (--host-check "
		"probes 2000 ms unless given)"),
};

const struct key_def *
tw_config_keys(unsigned int *n)
{
	*n = RTE_DIM(keys);
	return keys;
}

void
tw_config_defaults(struct tw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->protocol, sizeof(cfg->protocol), "tickwire");
	snprintf(cfg->transport, sizeof(cfg->transport), "moldudp64");
	cfg->symbols = 1000;
	cfg->channels = 4;
	cfg->session_auto = true;     /* a new name every run */
	cfg->group = TW_IPV4(239, 1, 1, 1);
	cfg->lines = 1;
	cfg->group_b = TW_IPV4(239, 1, 2, 1);
	cfg->udp_port = 30001;
	cfg->src_ip = TW_IPV4(192, 0, 2, 1);
	cfg->src_mac = (struct rte_ether_addr){
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
	cfg->mtu = 1500;
	cfg->price_decimals = 4;
	cfg->ttl = 16;

	cfg->itch_max_orders = UINT64_C(1) << 20;
	cfg->itch_levels = 1u << 20;
	/* lib/itch tw_itch_gen_defaults' (docs/protocol.md). */
	cfg->itch_orders_per_symbol = 256;
	cfg->itch_depth = 10;
	cfg->itch_mix[0] = 44.0;
	cfg->itch_mix[1] = 0.7;
	cfg->itch_mix[2] = 43.0;
	cfg->itch_mix[3] = 1.5;
	cfg->itch_mix[4] = 6.5;
	cfg->itch_mix[5] = 2.6;
	cfg->itch_mix[6] = 0.04;
	cfg->itch_mix[7] = 0.4;
	cfg->itch_mix[8] = 1.26;
	cfg->itch_zipf_s = 1.0;
	cfg->itch_halts = 4;
	cfg->mdp3_depth = 10;
	cfg->mdp3_snapshot_interval_ms = 100;
	cfg->mdp3_definition_interval_ms = 500;
	cfg->itch_close_cancel_pct = 3.0;

	cfg->gen_enabled = true;
	cfg->gen_lcore = 1;
	cfg->seed = 1;
	cfg->quote_pct = 70;
	cfg->activity = TW_ACTIVITY_UNIFORM;
	cfg->zipf_s = 1.0;
	cfg->drift = 0.05;
	cfg->volatility = 0.2;
	cfg->dt = 1.0 / (252.0 * 23400.0);
	cfg->init_price = 100.0;
	cfg->flush_us = 20;
	cfg->heartbeat_ms = 1000;
	cfg->tx_retry_us = 100000;
	cfg->gen_burst = 32;
	cfg->gen_queues = 1;

	cfg->rx_enabled = true;
	cfg->reflect_ip = TW_IPV4(192, 0, 2, 3);
	cfg->rx_lcores[0] = 2;
	cfg->nb_rx_lcores = 1;
	cfg->rx_ports[0] = 0;
	cfg->nb_rx_ports = 1;
	cfg->rx_queues = 1;
	cfg->rx_burst = 32;
	cfg->idle_polls = 256;
	cfg->stall_threshold_ns = 1000;
	cfg->sockrx_stall_threshold_ns = 50000;
	cfg->host_check = true;

	cfg->rx_desc = 1024;
	cfg->tx_desc = 1024;
	cfg->mbufs = 16383;
	cfg->mbuf_cache = 256;
	cfg->link_wait_s = 10;
	cfg->relink_ms = 1000;
	cfg->csum_offload = TW_OFFLOAD_AUTO;
	cfg->simd = TW_SIMD_AUTO;

	cfg->replay_speed = 1.0;
	cfg->replay_restamp = true;
	cfg->faults[0].burst = 1.0;
	cfg->faults[1].burst = 1.0;
	cfg->faults[1].seed = 2;
	cfg->ab_wait_us = 200;
	cfg->request_port = 30100;
	cfg->snapshot_port = 30300;
	cfg->timeout_us = 1000;
	cfg->retries = 10;
	/* A server nobody on the segment can turn into an amplifier or
	 * against the feed: a reply packet a request (the receiver asks
	 * again at once for the rest), 10 MB/s of replies in all, a tenth
	 * of the generator lcore (docs/protocol.md). */
	cfg->max_count = 8192;
	cfg->request_rate_total = 50000;
	cfg->reply_bytes_per_s = 10000000;
	cfg->reply_burst_bytes = 262144;
	cfg->max_packets = 1;
	cfg->serve_share_pct = 10;
	cfg->hold_max_ms = 2000;
	cfg->hold_max_packets = 100000;
	cfg->request_rate = 10000;
	cfg->request_burst = 64;

	cfg->drain_s = 5.0;
	cfg->max_gap = TW_RX_MAX_GAP_DEFAULT;
	cfg->session_idle_ms = 1000;
	cfg->max_latency_s = 10.0;
	cfg->stats_interval_ms = 1000;
	snprintf(cfg->ptp_uds, sizeof(cfg->ptp_uds), "/var/run/ptp4l");
}
