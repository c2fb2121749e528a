#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run the libFuzzer harnesses of tests/fuzz, each for SECONDS (default
# 60), built with clang, ASan and UBSan in build-fuzz/. Prints, per
# harness, the inputs executed and the findings (crashes, sanitizer
# reports, invariant or differential failures, hangs), each saved under
# build-fuzz/findings/HARNESS/. Exit 1 when anything was found.
#
#   ./scripts/fuzz.sh                # every harness, 60 s each
#   ./scripts/fuzz.sh 600 fuzz_frame # one harness, 10 minutes
#
# The corpus each run grows is kept in build-fuzz/corpus/HARNESS and
# starts from the seeds in tests/fuzz/corpus/HARNESS.
set -euo pipefail
cd "$(dirname "$0")/.."
TW_SCRIPT=fuzz.sh
. scripts/lib/common.sh

ALL=(fuzz_frame fuzz_datagram fuzz_config fuzz_cmdline fuzz_request fuzz_itch fuzz_mdp3 fuzz_mdp3_rx)

usage()
{
	cat <<USAGE
Usage: ./scripts/fuzz.sh [SECONDS [HARNESS ...]]

Builds the libFuzzer harnesses of tests/fuzz with clang, ASan and UBSan
in build-fuzz/ (installing clang when missing) and runs each for
SECONDS (default 60; 0: until stopped): every harness, or those named. Prints per harness
the inputs executed and the findings, saved under
build-fuzz/findings/HARNESS/; the corpus grows in build-fuzz/corpus/.

Harnesses: ${ALL[*]}

Exit status: 0 nothing found, 1 a finding (or the build failed), 2 a
bad argument.
USAGE
}

for a in "$@"; do
	case "$a" in
	-h|--help) usage; exit 0;;
	-*) usage_error "unknown option '$a'";;
	esac
done
SECONDS_EACH=${1:-60}
shift || true
HARNESSES=("$@")
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=("${ALL[@]}")
check_whole SECONDS "$SECONDS_EACH"
for h in "${HARNESSES[@]}"; do
	[[ " ${ALL[*]} " == *" $h "* ]] ||
		usage_error "no harness '$h' (${ALL[*]})"
done

if ! command -v clang >/dev/null ||
   ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null |
	grep -q 'ok installed'; then
	echo "fuzz.sh: installing clang and its sanitizer runtimes"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q >/dev/null || die 1 "apt-get update failed"
	$SUDO apt-get install -y -q --no-install-recommends clang \
		libclang-rt-14-dev >/dev/null || die 1 "apt-get install failed"
fi
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dwerror=false --buildtype=debugoptimized >/dev/null
fi
# Only the harnesses asked for (and the libraries they link), not the
# apps: the suite's 5-second run spends most of its time building.
ninja -C build-fuzz "${HARNESSES[@]/#/tests/fuzz/}" >build-fuzz/build.log \
	2>&1 ||
	die 1 "the build of build-fuzz/ failed: build-fuzz/build.log"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
total=0
printf '%-14s %12s %9s %s\n' harness execs findings saved
for h in "${HARNESSES[@]}"; do
	bin=build-fuzz/tests/fuzz/$h
	[ -x "$bin" ] || die 1 "$bin was not built"
	corpus=build-fuzz/corpus/$h
	found=build-fuzz/findings/$h
	log=build-fuzz/findings/$h.log
	mkdir -p "$corpus" "$found"
	# Findings: crash-, leak-, timeout- and oom- inputs (not slow-unit).
	count() { find "$found" -type f \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) | wc -l; }
	before=$(count)
	# A harness stops at its first finding, saved to $found (crash-*,
	# leak-*, timeout-*, oom-*); the others still run.
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$found/" "$corpus" "tests/fuzz/corpus/$h" \
		>"$log" 2>&1 || true
	execs=$(awk -F: '/stat::number_of_executed_units/ {s += $NF}
		END {print s + 0}' "$log")
	after=$(count)
	n=$((after - before))
	total=$((total + n))
	printf '%-14s %12s %9s %s\n' "$h" "$execs" "$n" \
		"$([ "$n" -gt 0 ] && echo "$found (log: $log)" || echo -)"
	if [ "$n" -gt 0 ]; then
		grep -E 'ERROR|runtime error|invariant failed|SUMMARY' "$log" |
			head -5 | sed 's/^/    /'
	fi
done
echo "fuzz: $total finding(s)"
[ "$total" -eq 0 ]
