#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmarks of the hot loops, every SIMD level side by side in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
TW_SCRIPT=bench.sh
. scripts/lib/common.sh

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
  --groups a,b     only these groups of cases (parse, gen, itch, mdp3,
                   cache)
  -h, --help       this text

DIR is checked before anything runs. bench.json and bench.md are
written as tickwire writes its reports: a symlink's target, a FIFO or
device in place, a regular file replaced whole once the run is done.

TW_PREFIX=NAME gives the run its own DPDK file prefix
(tickwire-bench-NAME), so it can run beside another tickwire.

Exit status: 0 done, 1 it could not run (set-up, EAL, a file it cannot
write), 2 a bad argument.
USAGE
}

# A comma list whose every word is one of the allowed.
check_list()
{
	local opt=$1 list=$2 allowed=$3 w

	[ -n "$list" ] || usage_error "$opt: an empty list"
	for w in ${list//,/ }; do
		[[ " $allowed " == *" $w "* ]] ||
			usage_error "$opt: '$w' is not one of: $allowed"
	done
}

out=out
out_given=no
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0;;
	--out) need_value "$1" $#; out=$2; out_given=yes; shift 2;;
	--out=*) out=${1#--out=}; out_given=yes; shift;;
	--quick) args+=("$1"); shift;;
	--reps|--levels|--groups)
		need_value "$1" $#; set -- "$1=$2" "${@:3}";;
	--reps=*)
		check_positive --reps "${1#*=}"; args+=("$1"); shift;;
	--levels=*)
		check_list --levels "${1#*=}" "scalar sse avx2 avx512"
		args+=("$1"); shift;;
	--groups=*)
		check_list --groups "${1#*=}" "parse gen itch mdp3 cache"
		args+=("$1"); shift;;
	-*) usage_error "unknown option '$1'";;
	*)
		# A bare first word is the output directory (the old form).
		[ "$out_given" = no ] && [ ${#args[@]} -eq 0 ] ||
			usage_error "unexpected argument '$1'"
		out=$1; out_given=yes; shift;;
	esac
done
check_out_dir --out "$out"
if [ -d "$out" ]; then
	TW_SCRIPT=$TW_SCRIPT python3 scripts/lib/report_file.py check \
		"$out/bench.json" "$out/bench.md" || exit 1
fi
./scripts/setup.sh || exit 1
mkdir -p "$out"
# tickwire-bench writes into a directory only this run can have made;
# the results then go to their places by the report-file rules.
tmp=$(mktemp -d "$out/.bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=tickwire-bench${TW_PREFIX:+-$TW_PREFIX}
rc=0
# shellcheck disable=SC2046
./build/app/tickwire-bench/tickwire-bench --no-pci --lcores 0@0,1@1 \
	--file-prefix "$prefix" $(cat build/eal-extra) -- \
	--json "$tmp/bench.json" --markdown "$tmp/bench.md" \
	${args[@]+"${args[@]}"} || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
for f in bench.json bench.md; do
	TW_SCRIPT=$TW_SCRIPT python3 scripts/lib/report_file.py install \
		"$tmp/$f" "$out/$f" || exit 1
done
echo "bench: wrote $out/bench.json and $out/bench.md"
