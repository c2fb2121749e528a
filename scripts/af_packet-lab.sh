#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run tickwire over a veth pair inside its own network namespace with
# drivers-config/af_packet.ini: the generator sends on tw-veth0, the RX
# lcore reads tw-veth1 through AF_PACKET. Extra arguments go to tickwire.
# Needs root; the namespace is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
TW_SCRIPT=af_packet-lab
. scripts/lib/common.sh

usage()
{
	cat <<'USAGE'
Usage: ./scripts/af_packet-lab.sh [tickwire options]

Sets up if needed, then runs tickwire with drivers-config/af_packet.ini
across a veth pair (tw-veth0 -> tw-veth1) in a network namespace of its
own (tickwire-lab, or tickwire-lab-NAME under TW_PREFIX=NAME), removed
on exit. The arguments go to tickwire (./build/app/tickwire/tickwire
-- --help). Needs root and iproute2.

Exit status: tickwire's (docs/man/tickwire.1); 1 when it cannot run
(not root, set-up failed).
USAGE
}

for a in "$@"; do
	case "$a" in
	-h|--help) usage; exit 0;;
	esac
done
[ "$(id -u)" -eq 0 ] || die 1 "needs root (it makes a network namespace)"
./scripts/setup.sh || exit 1
command -v ip >/dev/null || die 1 "needs ip (Debian package iproute2)"
NS=tickwire-lab${TW_PREFIX:+-$TW_PREFIX}
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add "$NS" || die 1 "cannot make network namespace $NS"
ip -n "$NS" link add tw-veth0 type veth peer name tw-veth1
ip -n "$NS" link set tw-veth0 up
ip -n "$NS" link set tw-veth1 up
# Not exec: the namespace goes when tickwire ends; its status is ours.
rc=0
# shellcheck disable=SC2046
ip netns exec "$NS" ./build/app/tickwire/tickwire $(cat build/eal-extra) -- \
	--config drivers-config/af_packet.ini "$@" || rc=$?
exit "$rc"
