#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# CME MDP 3.0's recovery time, on the real binary: the feed of
# drivers-config/mdp3-loopback.ini (1,000 instruments, 4 channels, lines
# A and B over net_ring, the snapshot loop every [mdp3]
# snapshot_interval_ms) with LOSS of each line's packets lost,
# independently, once per SEED. What both lines lost makes its
# channel's instruments stale; the receiver records, per instrument,
# the time from the gap seen to the instrument recovered from the
# snapshot loop (its gap->fill span, tickwire's --latency-csv and stats
# JSON). tickwire-bench cannot measure this: it needs the feed's real
# time and the loops, which only a running generator has.
# Writes into OUT (default out/mdp3-recovery):
#   seed-S.json, seed-S.log, seed-S.gap-fill.csv   each run's
#   recovery.json   per run: packets lost on A, B, both, recoveries,
#                   instruments recovered, the span's count, p50, p90,
#                   p99, max (ns); over all runs: the same from the
#                   merged buckets, and the buckets (lo_ns, hi_ns, count)
#   recovery.md     the table, also printed
set -euo pipefail
cd "$(dirname "$0")/.."
TW_SCRIPT=mdp3-recovery
. scripts/lib/common.sh

usage() {
	cat <<'USAGE'
Usage: ./scripts/mdp3-recovery.sh [options] [OUT]

CME MDP 3.0's recovery time (gap seen -> instrument recovered from the
snapshot loop) at a loss on both lines, from tickwire's own histogram.

  --out DIR        the output directory (or OUT; default out/mdp3-recovery)
  --count N        ticks a run (2000000)
  --loss L         each line's packet loss share, 0..0.5 (0.01)
  --seeds "S ..."  one run a faults seed ("5 6 7")
  --interval MS    [mdp3] snapshot_interval_ms (100)
  -h, --help       this text

Environment: TW_PREFIX=NAME gives the runs their own DPDK file prefix.
Exit status: 0 done, 1 a run failed (its log is named), 2 a bad argument.
USAGE
}

out=out/mdp3-recovery
count=2000000
loss=0.01
seeds="5 6 7"
interval=100
while [ $# -gt 0 ]; do
	case $1 in
	--out) need_value "$1" $#; out=$2; shift ;;
	--count) need_value "$1" $#; check_positive "$1" "$2"; count=$2
		shift ;;
	--loss) need_value "$1" $#; check_number "$1" "$2" 0 0.5; loss=$2
		shift ;;
	--seeds) need_value "$1" $#; seeds=$2; shift ;;
	--interval) need_value "$1" $#; check_positive "$1" "$2"
		interval=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	-*) usage_error "unknown option '$1'" ;;
	*) out=$1 ;;
	esac
	shift
done
[ -n "$seeds" ] || usage_error "--seeds: none given"
for s in $seeds; do
	check_whole --seeds "$s"
done
check_out_dir --out "$out"
bin=./build/app/tickwire/tickwire
[ -x "$bin" ] || die 1 "$bin: not built (meson setup build && ninja -C build)"
mkdir -p "$out"

for s in $seeds; do
	log=$out/seed-$s.log
	echo "mdp3-recovery: seed $s, $count ticks, loss $loss a line" >&2
	rc=0
	"$bin" -- --config drivers-config/mdp3-loopback.ini \
		--count "$count" --duration 300 --quiet \
		--set generator.tx_retry_us=1000000 \
		--set faults.loss="$loss" --set faults.loss_b="$loss" \
		--set faults.seed="$s" \
		--set mdp3.snapshot_interval_ms="$interval" \
		--stats-json "$out/seed-$s.json" \
		--latency-csv "$out/seed-$s" >"$log" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || die 1 "seed $s: tickwire exited $rc, see $log"
done

python3 - "$out" "$count" "$loss" "$interval" $seeds <<'PY'
import csv
import json
import sys

out, count, loss, interval = sys.argv[1], int(sys.argv[2]), sys.argv[3], \
    int(sys.argv[4])
seeds = sys.argv[5:]
runs, buckets = [], {}
for s in seeds:
    with open(f"{out}/seed-{s}.json") as f:
        j = json.load(f)
    span = j["latency_spans_ns"]["gap->fill"]
    g, rx = j["generator"], j["rx"]
    runs.append({
        "seed": int(s),
        "lost_a": g["faults_lost"], "lost_b": g["faults_lost_b"],
        "lost_both": g["faults_lost_both"],
        "recoveries": rx["mdp3_recoveries"],
        "instruments_recovered": rx["mdp3_instruments_recovered"],
        "count": span["count"], "p50_ns": span["p50"],
        "p90_ns": span["p90"], "p99_ns": span["p99"],
        "max_ns": span["max"],
    })
    with open(f"{out}/seed-{s}.gap-fill.csv") as f:
        for row in csv.DictReader(f):
            k = (int(row["lo_ns"]), int(row["hi_ns"]))
            buckets[k] = buckets.get(k, 0) + int(row["count"])
keys = sorted(buckets)
total = sum(buckets.values())


def quantile(q):
    # The bucket holding it, as tw_hist: its midpoint.
    seen = 0
    for k in keys:
        seen += buckets[k]
        if seen >= q * total:
            return (k[0] + k[1]) // 2
    return 0


merged = {
    "count": total,
    "p50_ns": quantile(0.5), "p90_ns": quantile(0.9),
    "p99_ns": quantile(0.99), "max_ns": max(r["max_ns"] for r in runs),
    "buckets": [{"lo_ns": k[0], "hi_ns": k[1], "count": buckets[k]}
                for k in keys],
}
doc = {"profile": "drivers-config/mdp3-loopback.ini", "ticks": count,
       "loss_per_line": float(loss), "snapshot_interval_ms": interval,
       "span": "gap seen -> instrument recovered from the snapshot loop",
       "runs": runs, "all": merged}
with open(f"{out}/recovery.json", "w") as f:
    json.dump(doc, f, indent=1)
ms = 1e6
lines = ["| seed | lost A / B / both | recoveries | instruments | "
         "p50 ms | p90 ms | p99 ms | max ms |", "|---|---|---|---|---|---|"
         "---|---|"]
for r in runs:
    lines.append(f"| {r['seed']} | {r['lost_a']} / {r['lost_b']} / "
                 f"{r['lost_both']} | {r['recoveries']} | {r['count']} | "
                 f"{r['p50_ns'] / ms:.1f} | {r['p90_ns'] / ms:.1f} | "
                 f"{r['p99_ns'] / ms:.1f} | {r['max_ns'] / ms:.1f} |")
lines.append(f"| all | | | {total} | {merged['p50_ns'] / ms:.1f} | "
             f"{merged['p90_ns'] / ms:.1f} | {merged['p99_ns'] / ms:.1f} | "
             f"{merged['max_ns'] / ms:.1f} |")
with open(f"{out}/recovery.md", "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
