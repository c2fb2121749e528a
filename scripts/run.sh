#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up if needed, then run tickwire.
#   ./scripts/run.sh [tickwire options]
#   ./scripts/run.sh [EAL options] -- [tickwire options]
# With no arguments it runs the default profile
# (drivers-config/loopback.ini). EAL options given before -- replace the
# profile's of the same name (./scripts/run.sh --file-prefix=x -- --count
# 1000). TW_PREFIX=NAME tags the file prefix, memif socket and tap name,
# so two users (or clones) can run at once on one host.
# The first run builds build/ (a minute or more), showing its progress.
# The exit status is tickwire's (docs/man/tickwire.1, EXIT STATUS); a
# failed set-up is 1.
set -euo pipefail
cd "$(dirname "$0")/.."
case " $* " in
*" -h "*|*" --help "*)
	sed -n '3,13p' scripts/run.sh | sed 's/^# \{0,1\}//'
	if [ -x build/app/tickwire/tickwire ]; then
		echo
		./build/app/tickwire/tickwire --help
	else
		echo "tickwire's own options: man -l docs/man/tickwire.1"
	fi
	exit 0;;
esac
./scripts/setup.sh || exit 1
dd=no
for a in "$@"; do [ "$a" = "--" ] && dd=yes; done
# shellcheck disable=SC2046
if [ "$dd" = yes ]; then
	exec ./build/app/tickwire/tickwire $(cat build/eal-extra) "$@"
fi
# shellcheck disable=SC2046
exec ./build/app/tickwire/tickwire $(cat build/eal-extra) -- "$@"
