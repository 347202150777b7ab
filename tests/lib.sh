# shellcheck shell=bash
# TAP helpers for hutch's shell integration tests. Sourced (by bash) from tests/*/*.sh, which
# meson runs with protocol 'tap' and this environment (tests/meson.build):
#   HUTCH           the hutch executable under test
#   PROBE           the static probe, when it is built
#   HUTCH_SRCDIR, HUTCH_BUILDDIR, HUTCH_VERSION
#   HUTCH_TEST_IDMAP  set to single (or subid, auto) to add `--idmap MODE` to every hutch run;
#                     tests/run runs the rootless suite once without it and once with "single".
#
# A test: source this file, `plan N` (or `done_testing` at the end), then checks:
#   ok DESC | not_ok DESC [DIAG...] | skip REASON | check DESC CMD... | is GOT WANT DESC
#   like GOT ERE DESC | unlike GOT ERE DESC
#   run_hutch [OPTS...] -- CMD...   sets $out, $err, $rc (stdin is /dev/null, 30 s limit)
#   expect_exit N DESC              checks $rc of the last run_hutch
#   spawn_hutch [OPTS...] -- CMD... starts one in the background; $hutch_pid
#   wait_hutch SECS                 waits for it; sets $rc (and $out, $err)
# Nothing here sleeps to wait for an event: readiness comes through fifos (fifo_open,
# read_line, wait_eof); the only timers are limits (timeout(1), read -t).

set -u
export LC_ALL=C

# Each test starts with every signal at its default disposition, whatever its caller ignored
# (nohup ignores SIGHUP; a shell's background jobs ignore SIGINT and SIGQUIT; meson passes
# both on): a shell can neither trap nor reset a signal ignored on entry, and every command
# inherits it, so the checks of signal delivery would test the caller instead of hutch. The
# script is started again, once, under env --default-signal (coreutils 9).
if [ -z "${_HUTCH_TEST_SIGNALS:-}" ] && ! grep -q '^SigIgn:[[:space:]]*0*$' "/proc/$$/status" 2>/dev/null; then
	export _HUTCH_TEST_SIGNALS=1
	exec env --default-signal "$BASH" "$0" "$@"
fi

# ---- TAP ------------------------------------------------------------------------------------

_tap_n=0
_tap_failed=0
_tap_planned=

plan() {
	_tap_planned=$1
	echo "1..$1"
}

# A trailing plan, for tests whose count depends on the machine.
done_testing() {
	[ -n "$_tap_planned" ] || echo "1..$_tap_n"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}

# Print each line of the arguments as a TAP comment.
diag() {
	local line
	printf '%s\n' "$@" | while IFS= read -r line; do
		printf '# %s\n' "$line"
	done
}

# '#' would start a TAP directive inside a description.
_tap_desc() {
	local d=$*
	printf '%s' "${d//#/\\#}"
}

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $(_tap_desc "$*")"
}

not_ok() {
	local desc=$1
	shift
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $(_tap_desc "$desc")"
	[ $# -eq 0 ] || diag "$@"
	return 0
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

# Skip N checks at once (a plan was already announced).
skip_n() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do skip "$@"; done
}

# check DESC CMD...: ok when CMD succeeds; its output goes to the diagnostics otherwise.
check() {
	local desc=$1 output status
	shift
	output=$("$@" 2>&1)
	status=$?
	if [ "$status" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc" "command: $*" "exit status: $status" "$output"
	fi
}

is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3" "got:" "$1" "expected:" "$2" "$(_last_run_diag)"
	fi
}

# A pattern of several lines must match those lines in sequence: grep would take each line as an
# alternative of its own (any one enough), so the whole text is matched with bash's ERE instead.
_matches() {
	case $2 in
	*$'\n'*) [[ $1 =~ $2 ]] ;;
	*) printf '%s\n' "$1" | grep -Eq -- "$2" ;;
	esac
}

like() {
	if _matches "$1" "$2"; then
		ok "$3"
	else
		not_ok "$3" "got:" "$1" "expected to match: $2" "$(_last_run_diag)"
	fi
}

unlike() {
	if _matches "$1" "$2"; then
		not_ok "$3" "got:" "$1" "expected not to match: $2" "$(_last_run_diag)"
	else
		ok "$3"
	fi
}

# ---- the test's own scratch space and processes ---------------------------------------------

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tap.hutch.XXXXXX") || bail_out "cannot create a temp dir"
chmod 755 "$TEST_TMP"
# No shipped profile applies unless a test asks for the set (HUTCH_PROFILE_PATH, as
# tests/profiles does): a binary run from its build directory would otherwise take the source
# tree's, and a test of one option would meet default.profile or the command's own profile.
# A session has a runtime dir (hutch keeps its records there; --name needs one): a test started
# without one (runuser, cron, CI) gets its own. Not root's tests: they run hutch as a normal
# user through runuser, which would inherit a directory of root's.
if [ "$(id -u)" != 0 ] && { [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ] ||
	[ ! -w "$XDG_RUNTIME_DIR" ]; }; then
	mkdir -m 0700 "$TEST_TMP/.run" && export XDG_RUNTIME_DIR=$TEST_TMP/.run
fi
if [ -z "${HUTCH_PROFILE_PATH+set}" ]; then
	mkdir "$TEST_TMP/.no-shipped-profiles" && export HUTCH_PROFILE_PATH=$TEST_TMP/.no-shipped-profiles
fi
_pids=()
_cleanups=()

# Run CMD (one string, eval'd) when the test ends, last registered first.
defer() {
	_cleanups=("$1" "${_cleanups[@]}")
}

# Kill at exit, if still alive, a process this test started.
track_pid() {
	_pids+=("$1")
}

_cleanup() {
	local pid c
	# Only the test's own shell cleans up: a subshell or a background job inherits this trap.
	[ "${BASHPID:-$$}" = "$_main_shell" ] || return 0
	for pid in "${_pids[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		fi
	done
	for c in "${_cleanups[@]}"; do
		eval "$c" || true
	done
	chmod -R u+rwX "$TEST_TMP" 2>/dev/null
	rm -rf "$TEST_TMP"
}
_main_shell=${BASHPID:-$$}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Run CMD with a limit: timeout(1)'s status 124 when it runs out, killed 5 s after TERM.
with_timeout() {
	local secs=$1
	shift
	timeout -k 5 "$secs" "$@"
}

# ---- fifos: readiness without sleeping ------------------------------------------------------

# fifo_open VAR PATH: make a fifo and open it read-write on a new fd stored in VAR (opening
# read-write never blocks, and keeps the fifo alive until a writer inside has opened it).
fifo_open() {
	mkfifo "$2" || return 1
	chmod 666 "$2"
	eval "exec {$1}<>\"\$2\""
}

# read_line FD SECS: read one line into $line. 0: a line; 1: end of file; 2: timed out.
read_line() {
	line=
	IFS= read -r -t "$2" -u "$1" line
	local s=$?
	[ $s -eq 0 ] && return 0
	[ $s -gt 128 ] && return 2
	return 1
}

# fifo_reader_only VAR PATH RWFD: open PATH read-only on a new fd in VAR, then close RWFD, so
# that end of file on VAR means every writer outside this test has gone.
fifo_reader_only() {
	eval "exec {$1}<\"\$2\""
	eval "exec $3>&-"
}

# wait_eof FD SECS: drain FD until end of file. 0: end of file; 2: timed out.
wait_eof() {
	local l s
	while :; do
		IFS= read -r -t "$2" -u "$1" l
		s=$?
		[ $s -eq 0 ] && continue
		[ $s -gt 128 ] && return 2
		return 0
	done
}

# ---- hutch --------------------------------------------------------------------------------

[ -n "${HUTCH:-}" ] || bail_out "HUTCH is not set (run the tests through meson or tests/run)"
[ -x "$HUTCH" ] || bail_out "$HUTCH is not an executable"

# The command line every run starts with: the id-map mode under test, if any.
HUTCH_CMD=("$HUTCH")
case "${HUTCH_TEST_IDMAP:-}" in
'' | auto) ;;
single | subid) HUTCH_CMD+=(--idmap "$HUTCH_TEST_IDMAP") ;;
*) bail_out "HUTCH_TEST_IDMAP=$HUTCH_TEST_IDMAP: expected auto, subid or single" ;;
esac

# Something outside the test removing or covering its temp dir is reported once, with what
# is mounted at /tmp, so that a red run says why.
_tmp_gone=0
_check_tmp() {
	[ -d "$TEST_TMP" ] && return 0
	[ "$_tmp_gone" = 1 ] && return 1
	_tmp_gone=1
	diag "the test's temp dir $TEST_TMP has vanished (removed or covered from outside)" \
		"mounts at /tmp: $(awk '$5 ~ "^/tmp($|/)" { print $5, $9, $10 }' /proc/self/mountinfo | tr '\n' ';')"
	return 1
}

_last_cmd=
_last_run_diag() {
	[ -n "$_last_cmd" ] || return 0
	printf 'last run: %s\nexit status: %s\nstderr: %s\n' "$_last_cmd" "${rc:-}" \
		"$(printf '%s' "${err:-}" | head -c 2000)"
}

# run_hutch [OPTS...] -- CMD...: sets $out, $err (trailing newlines stripped) and $rc.
run_hutch() {
	_last_cmd="${HUTCH_CMD[*]} $*"
	_check_tmp
	with_timeout "${HUTCH_TIMEOUT:-30}" "${HUTCH_CMD[@]}" "$@" </dev/null \
		>"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
	return 0
}

# run_sh [OPTS...] SCRIPT: run_hutch OPTS -- sh -c SCRIPT.
run_sh() {
	local script=${*: -1}
	run_hutch "${@:1:$#-1}" -- sh -c "$script"
}

expect_exit() {
	if [ "$rc" = "$1" ]; then
		ok "$2"
	else
		not_ok "$2" "expected exit status $1" "$(_last_run_diag)" "stdout: $(printf '%s' "$out" | head -c 1000)"
	fi
}

# spawn_hutch [OPTS...] -- CMD...: start hutch in the background (its pid in $hutch_pid, which
# is hutch itself, not a wrapper, so that signals sent to it reach the launcher).
spawn_hutch() {
	_last_cmd="${HUTCH_CMD[*]} $*"
	_check_tmp
	"${HUTCH_CMD[@]}" "$@" </dev/null >"$TEST_TMP/.out" 2>"$TEST_TMP/.err" &
	hutch_pid=$!
	track_pid "$hutch_pid"
}

# wait_hutch SECS: wait for $hutch_pid, killing it after SECS; sets $rc, $out, $err.
# rc is 124 when it had to be killed.
wait_hutch() {
	local timer done_pid
	sleep "$1" &
	timer=$!
	wait -n -p done_pid "$hutch_pid" "$timer"
	rc=$?
	if [ "${done_pid:-}" = "$hutch_pid" ]; then
		# SIGKILL: a timer not yet exec'd into sleep is a copy of this shell, and SIGTERM would
		# run its traps (and the cleanup of this test's temp dir) there.
		kill -KILL "$timer" 2>/dev/null
		wait "$timer" 2>/dev/null
	else
		kill -KILL "$hutch_pid" 2>/dev/null
		wait "$hutch_pid" 2>/dev/null
		rc=124
	fi
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
	return 0
}

# ---- what the machine offers -----------------------------------------------------------------

require_userns() {
	unshare -U true 2>/dev/null ||
		skip_all "this machine does not let $(id -un) create user namespaces"
}

require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
}

# subid_ranges FILE: "start count" lines of the caller's ranges in /etc/subuid or /etc/subgid.
# Both files are keyed by login name or by uid (subuid(5), subgid(5)); comments are skipped.
subid_ranges() {
	[ -r "$1" ] || return 0
	awk -F: -v n="$(id -un)" -v u="$(id -u)" \
		'$0 !~ /^[ \t]*#/ && ($1 == n || $1 == u) && NF >= 3 { print $2, $3 }' "$1"
}

# Which map a sandbox that needs ranges (--uid 0, --rootfs, --persist...) gets: "subid"
# (helpers and ranges) or "single".
expected_idmap() {
	case "${HUTCH_TEST_IDMAP:-auto}" in
	single) echo single ;;
	subid) echo subid ;;
	*)
		if command -v newuidmap >/dev/null && command -v newgidmap >/dev/null &&
			[ -n "$(subid_ranges /etc/subuid)" ] && [ -n "$(subid_ranges /etc/subgid)" ]; then
			echo subid
		else
			echo single
		fi
		;;
	esac
}

# Which map the default sandbox (one owner's files, no change of ids) gets: --idmap auto
# gives it the single map; HUTCH_TEST_IDMAP=subid forces the ranges on every run.
default_idmap() {
	case "${HUTCH_TEST_IDMAP:-auto}" in
	subid) echo subid ;;
	*) echo single ;;
	esac
}

# ---- namespaces ---------------------------------------------------------------------------

NAMESPACES="user mnt pid ipc uts net cgroup"

# Shell code that prints "NAME TYPE:[INODE]" for each namespace of the shell running it.
NS_SCRIPT='for n in '"$NAMESPACES"'; do echo "$n $(readlink /proc/$$/ns/$n)"; done'

# ns_of TYPE [PID]: the namespace link of PID (default: this test).
ns_of() {
	readlink "/proc/${2:-$$}/ns/$1"
}

# host_ns: the lines NS_SCRIPT prints, for this test's own namespaces.
host_ns() {
	local n
	for n in $NAMESPACES; do echo "$n $(ns_of "$n")"; done
}

# pids_in_ns TYPE LINK: the host pids whose TYPE namespace is LINK (e.g. "user:[4026532]").
# One find(1) reads every link: a readlink(1) per process would take seconds.
pids_in_ns() {
	local pat=${2//[/\\[}
	pat=${pat//]/\\]}
	find /proc/[0-9]*/ns/"$1" -maxdepth 0 -lname "$pat" 2>/dev/null | cut -d/ -f3
	return 0
}

# not_zombies PID...: the ones still running. A zombie is dead already; re-parented to the
# host's init, it waits for that init to reap it, which is no business of hutch's.
not_zombies() {
	local p st
	for p in "$@"; do
		st=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		st=${st##*) }
		[ "${st%% *}" = Z ] || echo "$p"
	done
	return 0
}

# The mount ids of this test's mount namespace.
mount_ids() {
	awk '{ print $1 }' /proc/self/mountinfo | sort
}
