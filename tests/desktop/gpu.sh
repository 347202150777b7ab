#!/usr/bin/env bash
# --gpu and the gpu directive: without them no GPU device (no /dev/dri, no /dev/nvidia*, no DRM
# node's sysfs) is visible, also under a desktop profile; with them the render nodes, each
# node's sysfs device (what libdrm's drmGetDevice2 reads, through /sys/dev/char/M:m) and
# NVIDIA's nodes are there, nothing else of /sys or /dev. On a host without a GPU --gpu is a
# note under --verbose (profiles run headless too), and that is what is checked here then.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
require_userns
export HUTCH_PROFILE_PATH=$HUTCH_SRCDIR/profiles
plan 9

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
