#!/usr/bin/env bash
# --device dri|snd|video: each group the host has is bound into the sandbox's /dev as it is
# (same nodes, same device numbers), one missing on the host is refused with the option named,
# and any other device name is refused by the parser. Without the option, none of them is there.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
plan 8

# dev_list PATH...: "name major:minor" of each node beneath, as stat prints them.
dev_list() {
	find "$@" \( -type c -o -type b \) -exec stat -c '%n %t:%T' {} + 2>/dev/null | sort
}

device_check() { # device_check KIND PATH...
	local kind=$1
	shift
	if [ ! -e "$1" ]; then
		run_hutch --device "$kind" -- true
		like "$rc $err" "^125 hutch: --device $kind: (no )?/dev/$kind.* (does not exist on this host|device on this host)" \
			"--device $kind without $1 on this host is refused, the option named"
		return
	fi
	run_hutch --device "$kind" -- sh -c "$(declare -f dev_list); dev_list $*"
	is "$out" "$(dev_list "$@")" "--device $kind: the host's nodes are inside, with their device numbers"
}

device_check dri /dev/dri
device_check snd /dev/snd
# shellcheck disable=SC2046
if compgen -G '/dev/video[0-9]*' >/dev/null; then
	device_check video $(compgen -G '/dev/video[0-9]*')
else
	device_check video /dev/video0
fi

run_hutch -- sh -c 'ls -d /dev/dri /dev/snd /dev/video* 2>/dev/null; true'
is "$out" "" "without --device, the sandbox's /dev has none of them"

run_hutch --device input -- true
like "$rc $err" "^125 hutch: --device: 'input' is not one of: dri snd video" "--device input is refused (allowlist: dri snd video)"
run_hutch --device /dev/sda -- true
expect_exit 125 "--device with a path is refused"
run_hutch --socket ssh-agent -- true
like "$rc $err" "^125 hutch: --socket: 'ssh-agent' is not one of: wayland x11 pulseaudio pipewire" \
	"--socket accepts only the display and sound servers"
run_hutch --dbus-user.talk 'org..bad' -- true
like "$rc $err" "^125 hutch: --dbus-user.talk: 'org..bad' is not a bus name" "a malformed bus name is refused"
