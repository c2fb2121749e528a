#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmarks of the hot loops, every SIMD level side by side in one run:
# writes out/bench.json and out/bench.md (or into the directory given as
# the first argument). Extra arguments go to tickwire-bench, e.g.
#   ./scripts/bench.sh out --quick
#   ./scripts/bench.sh out --levels avx2 --reps 9
# The measured loops run on lcore 0 (core 0); cache_read_with_writer puts
# a writer on lcore 1 (core 1).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
out=${1:-out}
shift || true
mkdir -p "$out"
# shellcheck disable=SC2046
./build/app/tickwire-bench/tickwire-bench --no-pci --lcores 0@0,1@1 \
	--file-prefix tickwire-bench $(cat build/eal-extra) -- \
	--json "$out/bench.json" --markdown "$out/bench.md" "$@"
echo "bench: wrote $out/bench.json and $out/bench.md"
