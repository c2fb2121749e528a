#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up if needed, then run every test: cmocka unit tests and the
# integration tests that run the real binary over real virtual devices.
# Extra arguments go to meson test (e.g. --suite unit). TW_PREFIX=NAME
# names its processes' file prefixes, memif sockets and taps (default:
# t and the shell's pid).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
TW_EAL_EXTRA="$(cat build/eal-extra)"
export TW_EAL_EXTRA
# The suite's own file prefixes, memif sockets and taps: it passes while
# another tickwire (or another suite) runs on this host.
TW_PREFIX=${TW_PREFIX:-t$$}
export TW_PREFIX
echo "test: TW_PREFIX=$TW_PREFIX"
set +e
meson test -C build --print-errorlogs --num-processes 1 "$@" 2>&1 |
	tee build/test-output.txt
rc=${PIPESTATUS[0]}
set -e
ok=$(awk '/^Ok:/ {print $2}' build/test-output.txt)
fail=$(awk '/^Fail:/ {print $2}' build/test-output.txt)
echo "tests: ${ok:-0} passed, ${fail:-0} failed"
exit "$rc"
