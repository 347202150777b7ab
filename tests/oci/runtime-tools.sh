#!/usr/bin/env bash
# runtime-tools' validation suite (opencontainers/runtime-tools, issue 29) against hutch-oci as a
# normal user: the validation programs that run rootless, each a TAP program that runs
# hutch-oci as $RUNTIME from the runtime-tools tree (its runtimetest goes into each bundle and
# checks the container from inside). Debian 12 packages only the library
# (golang-github-opencontainers-runtime-tools-dev has no validation/ nor cmd/runtimetest), so
# the suite is a tree built by hand, named by RUNTIME_TOOLS_DIR; without it, skipped. The tree
# must be the test user's: every program copies runtimetest into its bundle keeping its owner
# (an lchown a normal user may not make to another's file).
# Left out, each for its reason (runc 1.1.5 rootless runs none of them: it wants a user
# namespace in config.json):
# - root or a cgroup: the linux_cgroups_* ones, delete_resources and
#   delete_only_create_resources (limits a rootless user without a delegated cgroup v2 cannot
#   set, cgroup v1 files the programs read, or fields refused by name: blockIO.leafWeight,
#   cpu.mems, hugepageLimits, network, memory.reservation), linux_devices (a node /dev/test1
#   the host lacks: hutch-oci binds the host's node where root would mknod it);
# - an engine's user namespace (as a normal user they are refused; under `podman unshare` the
#   first three pass): linux_sysctl and config_updates_without_affect (net.* only in a network
#   namespace of such a root), process_user (uid 10 and additional gid 5: a normal user's
#   single map allows no setgroups, which create refuses, naming process.user.additionalGids,
#   as runc rootless refuses it; before, pid 1 failed at setgroups after create and start
#   returned 0), linux_ns_path (an unshare(1) of the program's own; 5 of 5 there by hand,
#   since the mount namespace is joined itself rather than copied),
#   linux_uid_mappings and linux_ns_nopath (maps written as given only
#   there; there the container's root, the engine's uid 1000, cannot enter the 0700 bundle
#   directory of the engine's root: runc fails the same);
# - refused by design, by the issue's rule or by name: linux_ns_itype (no namespace at all:
#   hutch-oci needs a mount namespace), misc_props and start (an unknown field and a config
#   without process are errors here), linux_mount_label (SELinux), linux_process_apparmor_profile
#   where AppArmor is off (its profile cannot be applied there: an error, as runc's; where it
#   is on, tests/oci/apparmor.sh checks the profile entered), process_rlimits (the soft RLIMIT_NOFILE that the Go 1.19 runtime of runtimetest itself
#   raises to the hard limit);
# - the program, not the runtime: hooks (it wants "post-start1" where its hooks write
#   "post-start1 called": fails on every runtime), prestart (prestart hooks at start, runtime-spec
#   1.0's wording: hutch-oci, like runc, runs them at create);
# - racy: pidfile (kills a `true` container that may have ended: passed 3 of 10 rounds, runc
#   refuses the same), killsig (signals as soon as the state says running, maybe before sh,
#   the container's pid 1, has set its trap: pid 1 drops a signal it has no handler for; 8 of
#   10 rounds, under runc as here), poststart (wants the container's `sh -c 'echo >>'` to have
#   written before its hook does: the hook runs once start has let the container's process
#   go, which has not written yet most times: 2 of 13 rounds passed).
. "$HUTCH_TESTS/lib.sh"
require_userns

HUTCH_OCI=${HUTCH_OCI:-$(dirname "$HUTCH")/hutch-oci}
RT=${RUNTIME_TOOLS_DIR:-}
[ -n "$RT" ] || skip_all "needs RUNTIME_TOOLS_DIR, a runtime-tools tree with runtimetest and validation/*/*.t built (Debian 12 packages no validation suite)"
[ -x "$RT/runtimetest" ] && [ -f "$RT/rootfs-amd64.tar.gz" ] || skip_all "no runtimetest or rootfs-amd64.tar.gz in $RT"
[ -O "$RT/runtimetest" ] || skip_all "$RT/runtimetest is not $(id -un)'s: each program copies it into its bundle keeping its owner"

# (masked and read-only paths: a second part makes device nodes, which needs root: it ends
# the program with "operation not permitted" after the rootless part passed)
tests=(create default delete hooks_stdin hostname kill kill_no_effect linux_ns_path_type linux_rootfs_propagation
	linux_seccomp mounts process process_capabilities process_capabilities_fail process_oom_score_adj
	process_rlimits_fail root_readonly_true state linux_masked_paths linux_readonly_paths poststop
	prestart_fail poststart_fail poststop_fail)
# (the hook programs print no TAP point: a failure is a diagnostic naming an "error")
hook_programs=" poststop prestart_fail poststart_fail poststop_fail "
plan $((${#tests[@]} + 1))
mkdir -m 700 "$TEST_TMP/run"
# a program that fails halfway leaves its container: none is left running
defer 'for d in "$TEST_TMP"/run/hutch-oci/*/; do [ -d "$d" ] &&
	"$HUTCH_OCI" --root "$TEST_TMP/run/hutch-oci" delete --force "$(basename "$d")" 2>/dev/null; done'
for t in "${tests[@]}"; do
	prog=$RT/validation/$t/$t.t
	if [ ! -x "$prog" ]; then
		skip "$t: not built in $RT"
		continue
	fi
	out=$(cd "$RT" && RUNTIME=$HUTCH_OCI TMPDIR=$TEST_TMP XDG_RUNTIME_DIR=$TEST_TMP/run with_timeout 120 "$prog" 2>&1)
	rc=$?
	nok=$(printf '%s\n' "$out" | grep -c '^not ok')
	oks=$(printf '%s\n' "$out" | grep -c '^ok')
	root_part=false
	[ "$rc" = 1 ] && [[ $t == linux_*_paths ]] && [ "$(printf '%s\n' "$out" | tail -1)" = "operation not permitted" ] &&
		root_part=true
	# (a *_fail program passes when the runtime refused the config: it prints no check then)
	diag_ok=true
	[[ $hook_programs == *" $t "* ]] && printf '%s\n' "$out" | grep -q '"error":' && diag_ok=false
	if [ "$nok" = 0 ] && $diag_ok && { [ "$oks" -gt 0 ] || [[ $t == *_fail ]] || [[ $hook_programs == *" $t "* ]]; } &&
		{ [ "$rc" = 0 ] || $root_part; }; then
		ok "runtime-tools $t: $oks ok, none failed"
	else
		not_ok "runtime-tools $t: exit $rc, $nok failed$($diag_ok || echo ', an error in its diagnostic')" \
			"$(printf '%s\n' "$out" | grep -v '^ok' | head -20)"
	fi
done
is "$(ls "$TEST_TMP/run/hutch-oci" 2>/dev/null)$(pgrep -f -- "$TEST_TMP/" | tr '\n' ' ')" "" \
	"no container left: no state, no process"
