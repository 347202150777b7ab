# shellcheck shell=bash
# Shared by the podman comparisons (tests/oci/podman.sh on the test machines,
# tests/cgroup/oci-podman.sh in the systemd VM), after lib-oci.sh: rootless podman with its own
# storage, configuration and home in $TEST_TMP, its pause process ended at the end.
#   podman_setup MANAGER   MANAGER is podman's --cgroup-manager: with cgroupfs podman also gets
#                          a runtime dir of its own; with systemd it keeps the session's (and
#                          its bus). Skips without podman, runc or the user's subordinate range.
#                          Sets RUNC and PODMAN.
#   podman_import TAR      TAR imported as localhost/hutch-oci-test, named in IMG (skips when
#                          podman cannot import here); on vfs storage where a container on
#                          overlay fails
#   pm RUNTIME ARGS...     one podman command with that runtime: $out, $rc, $err (stderr);
#                          PM_TIMEOUT seconds (default 60)
podman_setup() {
	local manager=$1
	command -v podman >/dev/null || skip_all "needs podman"
	RUNC=$(command -v runc || echo /usr/sbin/runc)
	[ -x "$RUNC" ] || skip_all "needs runc to compare with"
	grep -q "^$(id -un):" /etc/subuid || skip_all "needs a range of $(id -un) in /etc/subuid (podman's rootless mode)"
	export HOME=$TEST_TMP/home XDG_CONFIG_HOME=$TEST_TMP/home/.config XDG_DATA_HOME=$TEST_TMP/home/.local/share
	mkdir -p "$HOME" "$XDG_CONFIG_HOME"
	if [ "$manager" = cgroupfs ]; then
		export XDG_RUNTIME_DIR=$TEST_TMP/run
		mkdir -m 700 "$XDG_RUNTIME_DIR"
	fi
	# (overlay, the kernel's in podman's user namespace: vfs copied the whole image for each
	# container, 200 MB for the Debian one, which took most of the test's time under load;
	# podman_import falls back to vfs where overlay fails)
	PODMAN=(podman --cgroup-manager="$manager" --events-backend=file --storage-driver=overlay
		--root "$TEST_TMP/storage" --runroot "$TEST_TMP/runroot" --tmpdir "$TEST_TMP/ptmp")
	# podman's pause process, last (defers run last registered first; the podman commands of
	# the one below would start another): its pid is under --tmpdir, else under the runtime
	# dir when that is our own (the session's may name a pause process the test did not start)
	PODMAN_PAUSE_PIDS=("$TEST_TMP/ptmp/pause.pid")
	[ "$manager" != cgroupfs ] || PODMAN_PAUSE_PIDS+=("$XDG_RUNTIME_DIR/libpod/tmp/pause.pid")
	defer 'for f in "${PODMAN_PAUSE_PIDS[@]}"; do p=$(cat "$f" 2>/dev/null) && kill -KILL "$p" 2>/dev/null; done'
	# the storage holds files of the user namespace's other ids: removed from inside it
	defer '"${PODMAN[@]}" pod rm -af -t 0 >/dev/null 2>&1; "${PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1
		"${PODMAN[@]}" unshare rm -rf "$TEST_TMP/storage" "$TEST_TMP/runroot" 2>/dev/null'
}

podman_import() {
	local driver
	IMG=localhost/hutch-oci-test
	for driver in overlay vfs; do
		PODMAN=("${PODMAN[@]/#--storage-driver=*/--storage-driver=$driver}")
		"${PODMAN[@]}" import "$1" "$IMG" >/dev/null 2>"$TEST_TMP/import.err" ||
			skip_all "podman cannot import an image here: $(tail -1 "$TEST_TMP/import.err")"
		# where podman cannot run a container on overlay storage, vfs, said
		[ "$driver" = overlay ] || return 0
		with_timeout 60 "${PODMAN[@]}" --runtime "$RUNC" run --rm "$IMG" true >/dev/null 2>"$TEST_TMP/overlay.err" &&
			return 0
		diag "podman's overlay storage fails here ($(grep -m1 -i error "$TEST_TMP/overlay.err" ||
			tail -1 "$TEST_TMP/overlay.err")): vfs storage"
		"${PODMAN[@]}" unshare rm -rf "$TEST_TMP/storage" "$TEST_TMP/runroot" 2>/dev/null
	done
}

pm() {
	local rt=$1
	shift
	out=$(with_timeout "${PM_TIMEOUT:-60}" "${PODMAN[@]}" --runtime "$rt" "$@" 2>"$TEST_TMP/.pm-err" </dev/null)
	rc=$?
	err=$(cat "$TEST_TMP/.pm-err")
	# (a command that hangs is named, so that the test's log says which one)
	[ "$rc" != 124 ] || diag "no answer in ${PM_TIMEOUT:-60} s: podman --runtime $(basename "$rt") $*"
}
