#!/usr/bin/env bash
# --gpu and the gpu directive: without them no GPU device (no /dev/dri, no /dev/nvidia*, no DRM
# node's sysfs) is visible, also under a desktop profile; with them the render nodes, each
# node's sysfs device (what libdrm's drmGetDevice2 reads, through /sys/dev/char/M:m) and
# NVIDIA's nodes are there, nothing else of /sys or /dev. On a host without a GPU --gpu is a
# note under --verbose (profiles run headless too), and that is what is checked here then.
# Whatever the host has, OpenGL through Mesa on an Xvfb (software rendering: llvmpipe, or the
# GPU's driver where --gpu passes one) works under a profile that asks for the GPU as on the
# host: same renderer, direct rendering, nothing new on stderr.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
require_userns
export HUTCH_PROFILE_PATH=$HUTCH_SRCDIR/profiles
plan 12

gpu_view='ls -A /dev | grep -E "^(dri|nvidia)" | sed "s/^/dev:/"; ls -A /sys 2>/dev/null | sed "s/^/sys:/"; ls /sys/dev/char 2>/dev/null | sed "s/^/char:/"; true'

run_sh "$gpu_view"
is "$rc $out" "0 " "without --gpu: no GPU node in /dev and nothing of /sys"
run_sh --profile mousepad "$gpu_view"
is "$rc $out" "0 " "a desktop profile without gpu (mousepad): no GPU either"

host_nodes=$(ls -A /dev 2>/dev/null | grep -E '^(dri|nvidia)' | sort | sed 's/^/dev:/')
run_sh -v --gpu "$gpu_view"
expect_exit 0 "--gpu runs"
if [ -z "$host_nodes" ]; then
	like "$err" "hutch: skipped: --gpu: no GPU on this host \(no /dev/dri, no /dev/nvidiactl\)" \
		"no GPU on this host: --gpu says so under --verbose"
	is "$out" "" "... and nothing is passed"
	skip_n 3 "no /dev/dri or /dev/nvidia* on this host: the passed nodes cannot be checked"
else
	is "$(printf '%s\n' "$out" | grep '^dev:' | sort)" "$host_nodes" "--gpu: exactly the host's GPU nodes in /dev"
	is "$(printf '%s\n' "$out" | grep '^sys:' | sort -u | tr '\n' ' ')" \
		"$([ -d /dev/dri ] && echo 'sys:dev sys:devices ')" "... and of /sys only dev/ and devices/"
	node=$(ls /dev/dri/renderD* /dev/dri/card* 2>/dev/null | head -1)
	if [ -n "$node" ]; then
		mm=$(printf '%d:%d' "0x$(stat -c %t "$node")" "0x$(stat -c %T "$node")")
		run_sh --gpu "cat /sys/dev/char/$mm/device/vendor"
		is "$out" "$(cat "/sys/dev/char/$mm/device/vendor")" "$node's sysfs device (vendor id) is readable inside"
		run_sh --gpu "ls /sys/dev/char"
		is "$out" "$(for n in /dev/dri/*; do [ -c "$n" ] && printf '%d:%d\n' "0x$(stat -c %t "$n")" "0x$(stat -c %T "$n")"; done | sort -t: -k1,1n -k2,2n)" \
			"/sys/dev/char holds only the DRM nodes"
		run_sh --gpu "ls /sys/devices | wc -l"
		is "$out" 1 "... and /sys/devices only the GPU's bus"
	else
		skip_n 3 "only NVIDIA nodes here"
	fi
fi

printf 'gpu\n' >"$TEST_TMP/gpu.profile"
run_sh -v --profile "$TEST_TMP/gpu.profile" "$gpu_view"
expect_exit 0 "the gpu directive in a profile is accepted and runs"

# OpenGL on an X server of the test's own, under the parole profile (it says gpu), as on the host.
if ! command -v glxinfo >/dev/null; then
	skip_n 3 "glxinfo is not installed (Debian: mesa-utils)"
elif ! command -v Xvfb >/dev/null || ! command -v xauth >/dev/null || ! command -v mcookie >/dev/null; then
	skip_n 3 "Xvfb is not installed (Debian: xvfb xauth util-linux)"
else
	start_xvfb || bail_out "Xvfb did not start: $(cat "$TEST_TMP/xvfb.log")"
	host_gl=$(glxinfo -B 2>"$TEST_TMP/gl.host.err" | grep -E '^(direct rendering|OpenGL renderer string):')
	run_hutch --profile parole --dbus-user none -- glxinfo -B
	expect_exit 0 "glxinfo -B runs under a profile that says gpu"
	is "$(printf '%s\n' "$out" | grep -E '^(direct rendering|OpenGL renderer string):')" "$host_gl" \
		"... with the host's renderer and direct rendering ($(printf '%s' "$host_gl" | tail -1 | cut -d: -f2))"
	is "$(printf '%s\n' "$err" | grep -v '^hutch: ' | sort -u | comm -23 - <(sort -u "$TEST_TMP/gl.host.err"))" "" \
		"... and prints nothing the host's run does not"
fi
