#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmarks of the hot loops, every SIMD level side by side in one run.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
	cat <<'USAGE'
Usage: ./scripts/bench.sh [--out DIR] [tickwire-bench options]
       ./scripts/bench.sh DIR [tickwire-bench options]

Runs tickwire-bench and writes DIR/bench.json and DIR/bench.md (DIR:
out by default). The measured loops run on lcore 0 (core 0);
cache_read_with_writer puts a writer on lcore 1 (core 1).

  --out DIR        where the results go
  --quick          fewer passes (a smoke run)
  --reps N         repetitions per case (the median is reported)
  --levels a,b     SIMD levels (scalar, sse, avx2, avx512)
  --groups a,b     only these groups of cases (parse, gen, cache)
  -h, --help       this text

TW_PREFIX=NAME gives the run its own DPDK file prefix
(tickwire-bench-NAME), so it can run beside another tickwire.
USAGE
}

out=out
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0;;
	--out) [ $# -ge 2 ] || { usage >&2; exit 2; }; out=$2; shift 2;;
	--out=*) out=${1#--out=}; shift;;
	-*) args+=("$1"); shift;;
	*)
		# A bare first word is the output directory (the old form);
		# after an option it is that option's value.
		if [ ${#args[@]} -eq 0 ] && [ "$out" = out ]; then
			out=$1
		else
			args+=("$1")
		fi
		shift;;
	esac
done
./scripts/setup.sh
mkdir -p "$out"
prefix=tickwire-bench${TW_PREFIX:+-$TW_PREFIX}
# shellcheck disable=SC2046
./build/app/tickwire-bench/tickwire-bench --no-pci --lcores 0@0,1@1 \
	--file-prefix "$prefix" $(cat build/eal-extra) -- \
	--json "$out/bench.json" --markdown "$out/bench.md" "${args[@]}"
echo "bench: wrote $out/bench.json and $out/bench.md"
