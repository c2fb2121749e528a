#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Make this machine ready for tickwire: Debian packages, 2 MB hugepages,
# and a release build in build/. Safe to run again: it only does what is
# missing. Writes build/eal-extra: EAL options the run needs here
# (--no-huge when no hugepages could be reserved).
set -euo pipefail
cd "$(dirname "$0")/.."
TW_SCRIPT=setup
. scripts/lib/common.sh

usage()
{
	cat <<'USAGE'
Usage: ./scripts/setup.sh [-h|--help]

Makes this machine ready for tickwire, doing only what is missing:
installs the Debian packages it needs (apt-get, as root or with sudo),
reserves 2 MB hugepages (TW_HUGEPAGES, default 512) and mounts
hugetlbfs, then configures and builds build/ (release, -O3), showing
the build's progress when there is anything to build. Writes
build/eal-extra (--no-huge where no hugepages could be reserved).
run.sh, test.sh and the benchmarks call it first.

Exit status: 0 ready, 1 a step failed (said in one line), 2 a bad
argument.
USAGE
}

while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0;;
	*) usage_error "unknown argument '$1'";;
	esac
done

HUGEPAGES=${TW_HUGEPAGES:-512}         # 2 MB pages: 1 GiB
PACKAGES="build-essential pkg-config meson ninja-build dpdk dpdk-dev
libdpdk-dev libnuma-dev libcmocka-dev libpcap-dev zlib1g-dev tshark tcpdump iproute2
python3 python3-matplotlib python3-pytest prometheus tmux clang libclang-rt-14-dev man-db
librte-mempool-ring23 librte-net-ring23 librte-net-memif23 librte-net-pcap23
librte-net-tap23 librte-net-af-packet23 linuxptp"
# The poll-mode drivers above are only Recommends of dpdk: name them, since
# the install below skips recommends. linuxptp: the clockdomain test runs
# ptp4l over a veth and tickwire asks it with pmc.

say() { echo "setup: $*"; }

missing=()
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]}"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q || die 1 "apt-get update failed"
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		die 1 "apt-get install failed"
fi

mkdir -p build
extra=""
free_pages() { awk '/HugePages_Free/ {print $2}' /proc/meminfo; }
if [ "$(free_pages)" -lt 64 ]; then
	total=$(awk '/HugePages_Total/ {print $2}' /proc/meminfo)
	want=$((total + HUGEPAGES))
	echo "$want" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
fi
if ! grep -q '^[^ ]* [^ ]* hugetlbfs ' /proc/mounts; then
	mkdir -p /dev/hugepages 2>/dev/null || true
	mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
fi
if [ "$(free_pages)" -ge 64 ] && grep -q ' hugetlbfs ' /proc/mounts; then
	say "hugepages: $(free_pages) free 2 MB pages"
else
	extra="--no-huge -m 1024"
	say "no hugepages could be reserved: running with --no-huge"
fi
echo "$extra" > build/eal-extra

if [ ! -f build/build.ninja ]; then
	say "configuring build/ (meson setup, release, -O3)"
	meson setup build --buildtype=release -Doptimization=3 >/dev/null ||
		die 1 "meson setup failed (rm -rf build, then run again to" \
			"see why)"
fi
# Quiet when there is nothing to do; otherwise the first build takes a
# minute or more, and a silent minute looks like a hang: ninja's own
# line a step, after one saying what goes on. The revision stamp
# (tw_git.h) is made again on every run and is not news.
ninja -C build | awk -v head="setup: building build/ (the first build \
takes a minute or more)" '
	/^ninja: (Entering directory|no work to do)/ { next }
	/tw_git\.h with a custom command$/ { next }
	!shown { print head; shown = 1 }
	{ print; fflush() }
	END { if (shown) print "setup: built build/app/tickwire/tickwire" }' ||
	die 1 "the build failed (above)"
