# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Sourced by the scripts (which set TW_SCRIPT to their name first). The
# exit status of every script follows tickwire's: 2 for a usage error
# (a bad option, argument or number), 1 when it could not run (a path it
# cannot write, no root, set-up failed), and tickwire's own status passed
# on. Every argument is checked before anything is installed, set up or
# built, so a typo costs nothing.

# One line on stderr, then exit with STATUS.
die()
{
	local rc=$1

	shift
	echo "$TW_SCRIPT: $*" >&2
	exit "$rc"
}

usage_error()
{
	die 2 "$* (--help for usage)"
}

# need_value OPTION ARGC: the option is followed by its value.
need_value()
{
	[ "$2" -ge 2 ] || usage_error "$1 needs a value"
}

check_whole()
{
	[[ $2 =~ ^[0-9]+$ ]] || usage_error "$1: '$2' is not a whole number"
}

check_positive()
{
	[[ $2 =~ ^[0-9]+$ ]] && [ "$((10#$2))" -gt 0 ] ||
		usage_error "$1: '$2' is not a whole number above 0"
}

# A decimal number within [LO, HI].
check_number()
{
	local opt=$1 v=$2 lo=$3 hi=$4

	[[ $v =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] &&
		awk -v v="$v" -v lo="$lo" -v hi="$hi" \
			'BEGIN { exit !(v + 0 >= lo && v + 0 <= hi) }' ||
		usage_error "$opt: '$v' is not a number from $lo to $hi"
}

# check_out_dir OPTION DIR: DIR is a directory this user can write, or
# one that can be made; anything else is refused now, in one line, not
# after minutes of work. The results are several files: no "-".
check_out_dir()
{
	local opt=$1 dir=$2 up

	[ -n "$dir" ] || usage_error "$opt: an empty path"
	[ "$dir" != - ] || usage_error "$opt -: the results are several" \
		"files, give a directory"
	if [ -e "$dir" ] || [ -L "$dir" ]; then
		[ -d "$dir" ] || die 1 "$opt $dir: not a directory"
		{ [ -w "$dir" ] && [ -x "$dir" ]; } ||
			die 1 "$opt $dir: not writable"
		return 0
	fi
	up=$(dirname -- "$dir")
	while [ ! -e "$up" ] && [ ! -L "$up" ]; do
		up=$(dirname -- "$up")
	done
	[ -d "$up" ] || die 1 "$opt $dir: $up is not a directory"
	{ [ -w "$up" ] && [ -x "$up" ]; } ||
		die 1 "$opt $dir: cannot be made in $up (not writable)"
}

# check_in_file OPTION FILE: an input that is there and readable.
check_in_file()
{
	[ -f "$2" ] && [ -r "$2" ] ||
		die 1 "$1 $2: $( [ -e "$2" ] && echo "not a readable file" ||
			echo "no such file")"
}
