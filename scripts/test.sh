#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up if needed, then run every test: cmocka unit tests and the
# integration tests that run the real binary over real virtual devices.
# Extra arguments go to meson test (e.g. --suite unit). TW_PREFIX=NAME
# names its processes' file prefixes, memif sockets and taps (default:
# t and the shell's pid).
set -euo pipefail
cd "$(dirname "$0")/.."
TW_SCRIPT="test"
. scripts/lib/common.sh

usage()
{
	cat <<'USAGE'
Usage: ./scripts/test.sh [meson test options] [TEST ...]

Sets up if needed (./scripts/setup.sh), then runs the tests one at a
time: the cmocka unit tests, the integration tests (the real binary over
real virtual devices) and the fuzz harnesses for 5 s each. Arguments go
to meson test, e.g. --suite unit, or test names (meson test -C build
--list). Prints a pass/fail count; the output is kept in
build/test-output.txt.

TW_PREFIX=NAME names the suite's DPDK file prefixes, memif sockets and
taps (default: t and this shell's pid), so it runs beside another
tickwire.

Exit status: 0 every test passed, 1 a test failed or set-up failed,
2 a bad argument.
USAGE
}

for a in "$@"; do
	case "$a" in
	-h|--help) usage; exit 0;;
	esac
done
# meson test's own options, checked before set-up builds anything.
known=$(meson test --help 2>/dev/null | grep -o -- '-\{1,2\}[a-zA-Z][-a-zA-Z0-9]*' |
	sort -u)
for a in "$@"; do
	case "$a" in
	--) break;;
	-*)
		grep -qxF -- "${a%%=*}" <<< "$known" ||
			usage_error "unknown option '$a' (meson test's options:" \
				"meson test --help)";;
	esac
done
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
if grep -qx 'No suitable tests defined.' build/test-output.txt; then
	usage_error "no test matches '$*' (the names: meson test -C" \
		"build --list)"
fi
ok=$(awk '/^Ok:/ {print $2}' build/test-output.txt)
fail=$(awk '/^Fail:/ {print $2}' build/test-output.txt)
echo "tests: ${ok:-0} passed, ${fail:-0} failed"
exit "$rc"
