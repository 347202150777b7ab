#!/usr/bin/env bash
# --net veth and hutch-veth, as root, in a network and mount namespace this test makes: two
# bridges (br-h6 allowed for the test user, br-h6x not), /etc overlaid so that
# /etc/hutch/veth.conf exists only in here, and a setuid-root copy of the helper that the
# test user's hutch finds in $PATH. The helper is the build's, unchanged: its policy path is
# compiled in, and nothing a caller passes can point it elsewhere.
#   - the user's sandbox gets eth0 on br-h6 and pings across, both ways; the pair is gone
#     when the sandbox ends, and when the launcher is SIGKILLed;
#   - the helper refuses a bridge not allowed, a quota exceeded, a pid whose namespace the
#     user does not own, and removing an interface that is not the user's;
#   - root uses the bridge without the helper;
#   - /dev/net/tun not accessible: --net slirp and --net pasta say so in one line.
if [ -z "${HUTCH_NET_VETH:-}" ] && [ "$(id -u)" = 0 ]; then
	HUTCH_NET_VETH=1 exec unshare -nm --propagation private bash "${BASH_SOURCE[0]}"
fi
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-net.sh"
require_root
command -v ip >/dev/null || skip_all "ip (iproute2) is needed"

for u in ${HUTCH_TEST_USER:-} hutch-test hutchtest; do
	id -u "$u" >/dev/null 2>&1 && USER_NAME=$u && break
done
[ -n "${USER_NAME:-}" ] || skip_all "no test user (hutch-test or hutchtest; or set HUTCH_TEST_USER)"
USER_ID=$(id -u "$USER_NAME")
USER_HOME=$(getent passwd "$USER_NAME" | cut -d: -f6)
HELPER_BUILT=$HUTCH_BUILDDIR/src/veth/hutch-veth
[ -x "$HELPER_BUILT" ] || bail_out "$HELPER_BUILT is not built"
setpriv --reuid="$USER_ID" --regid="$(id -g "$USER_NAME")" --init-groups test -x "$HUTCH" || skip_all "$USER_NAME cannot run $HUTCH"

# ---- the test's network, policy and helper ------------------------------------------------------

ip link set lo up
for br in br-h6:10.199.0.1/24 br-h6x:10.198.0.1/24; do
	ip link add "${br%%:*}" type bridge && ip addr add "${br#*:}" dev "${br%%:*}" &&
		ip link set "${br%%:*}" up || bail_out "cannot make bridge $br"
done

# /etc with an upper layer of the test's own (on a tmpfs: the upper cannot be on an overlay).
mkdir "$TEST_TMP/ovl"
mount -t tmpfs tmpfs "$TEST_TMP/ovl" && mkdir -p "$TEST_TMP/ovl/upper/hutch" "$TEST_TMP/ovl/work" &&
	mount -t overlay overlay -o "lowerdir=/etc,upperdir=$TEST_TMP/ovl/upper,workdir=$TEST_TMP/ovl/work" /etc ||
	bail_out "cannot overlay /etc"
# (unmounted before the temp dir goes: the tmpfs's mount point would stay behind, empty, on the
# host's /tmp once this namespace ends)
defer 'umount /etc; umount "$TEST_TMP/ovl"'
printf '# test policy\n%s br-h6 1\n' "$USER_NAME" >/etc/hutch/veth.conf
chmod 644 /etc/hutch/veth.conf

# The helper's lock file under /run (left as the host has it) goes again if it
# was not there before.
[ -e /run/hutch-veth.lock ] || defer 'rm -f /run/hutch-veth.lock'

mkdir -m 755 "$TEST_TMP/bin"
install -o root -g root -m 4755 "$HELPER_BUILT" "$TEST_TMP/bin/hutch-veth"
HELPER=$TEST_TMP/bin/hutch-veth

net_share

# "${AS_USER[@]}" CMD...: the test user, with the helper first in $PATH. setpriv and env exec,
# so that $! of a command started so in the background is CMD itself.
AS_USER=(setpriv --reuid="$USER_ID" --regid="$(id -g "$USER_NAME")" --init-groups
	env -i HOME="$USER_HOME" USER="$USER_NAME" LOGNAME="$USER_NAME"
	PATH="$TEST_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin")
as_user() {
	"${AS_USER[@]}" "$@"
}

# user_hutch OPTS... -- CMD...: like run_hutch, as the test user.
user_hutch() {
	_last_cmd="(as $USER_NAME) hutch $*"
	as_user timeout -k 5 60 "$HUTCH" "$@" </dev/null >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
}

# helper_as_user ARGS...: the setuid helper, run by the test user.
helper_as_user() {
	_last_cmd="(as $USER_NAME) hutch-veth $*"
	as_user "$HELPER" "$@" </dev/null >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
}

ports_of() {
	ip -o link show master "$1" 2>/dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//'
}

# hold NAME WHO OPTS...: a sandbox (as WHO: user or root) that writes its eth0 address to
# /share/NAME.addr, says ready, and waits until /share/NAME.go is written. Sets $hold_pid, the
# launcher's pid.
hold() {
	local name=$1 who=$2 fd
	shift 2
	fifo_open fd "$share/$name.ready" || return 1
	fifo_open "go_$name" "$share/$name.go" || return 1
	local cmd=("$HUTCH" "$@" --bind "$share:/share" -- sh -c \
		"ip -4 -o addr show dev eth0 | awk '{ print \$4 }' > /share/$name.addr; echo ready > /share/$name.ready; read x < /share/$name.go")
	if [ "$who" = user ]; then
		"${AS_USER[@]}" "${cmd[@]}" </dev/null >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" &
	else
		PATH=/usr/sbin:/usr/bin:/sbin:/bin "${cmd[@]}" </dev/null >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" &
	fi
	hold_pid=$!
	track_pid "$hold_pid"
	if ! read_line "$fd" 30; then
		diag "sandbox $name never got ready: $(cat "$TEST_TMP/$name.err")"
		return 1
	fi
}

release() {
	local v="go_$1"
	echo go >&"${!v}"
	wait "$2"
}

# ---- the user's sandbox on the bridge ------------------------------------------------------------

user_hutch --net veth --bridge br-h6 --cap-add NET_RAW -- ping -c 1 -W 10 10.199.0.1
expect_exit 0 "as $USER_NAME: --net veth --bridge br-h6 runs"
like "$out" "1 received" "the sandbox pings the bridge's address"
is "$(ports_of br-h6)" "" "the pair is gone when the sandbox has ended"

if hold A user --net veth --bridge br-h6; then
	addr=$(cat "$share/A.addr")
	like "$addr" '^10\.199\.0\.[0-9]+/24$' "the sandbox's eth0 has an address from br-h6's range"
	check "the bridge's side pings the sandbox at ${addr%/*}" ping -c 1 -W 10 "${addr%/*}"
	port=$(ports_of br-h6)
	like "$(ip -d -o link show dev "$port" 2>&1)" "alias hutch-veth uid=$USER_ID addr=${addr%/*}" \
		"the host end $port records its owner and address in its alias"

	user_hutch --net veth --bridge br-h6 -- true
	expect_exit 125 "a second sandbox over the quota of 1: exit 125"
	is "$err" "hutch: net: hutch-veth: bridge br-h6: you have 1 of the 1 interfaces you are allowed" \
		"over the quota: one clear line"

	release A "$hold_pid"
	is "$?" 0 "the sandbox on the bridge ends cleanly"
	is "$(ports_of br-h6)" "" "its pair is removed at exit"
else
	not_ok "a sandbox on br-h6 for the quota and ping checks"
fi

# ---- refusals ------------------------------------------------------------------------------------

user_hutch --net veth --bridge br-h6x -- true
expect_exit 125 "a bridge not allowed: exit 125"
is "$err" "hutch: net: hutch-veth: bridge br-h6x is not allowed for $USER_NAME in /etc/hutch/veth.conf" \
	"a bridge not allowed: one clear line"

helper_as_user add 1 br-h6
is "$rc" 1 "the helper refuses pid 1 (root's)"
like "$err" "^hutch-veth: pid 1: cannot open its network namespace: Permission denied$" \
	"pid 1: opened with the caller's rights, refused by the kernel"

# A process of the user's own, but in a network namespace root made (this test's). It says
# ready only once it runs a program of its own: until that exec, a process that changed its
# uid is not dumpable, and the kernel would refuse the helper's open for that reason.
fifo_open ownfd "$share/own.ready"
"${AS_USER[@]}" sh -c 'echo ready > "$1"; exec sleep 1000' sh "$share/own.ready" &
own=$!
track_pid "$own"
read_line "$ownfd" 20 || diag "the user's process never said ready"
helper_as_user add "$own" br-h6
is "$rc" 1 "the helper refuses a pid of the user's in a namespace the user does not own"
like "$err" "its network namespace is not yours \\(it belongs to uid 0\\)" "and says whose it is"
kill "$own"

helper_as_user add 12abc br-h6
is "$rc" 2 "the helper refuses a pid that is not a number"
helper_as_user add "$$" ../br
is "$rc" 2 "the helper refuses a bridge name with a slash"

if hold R root --net veth --bridge br-h6; then
	rport=$(ports_of br-h6)
	like "$(ip -d -o link show dev "$rport" 2>&1)" "alias hutch-veth uid=0 " "as root, without the helper: on br-h6"
	ridx=$(ip -o link show dev "$rport" | cut -d: -f1)
	helper_as_user del "$ridx"
	is "$rc" 1 "the helper refuses to remove root's interface"
	is "$err" "hutch-veth: interface $ridx is not one of yours" "and says so"
	helper_as_user del "$(ip -o link show dev lo | cut -d: -f1)"
	is "$err" "hutch-veth: interface 1 is not one of yours" "nor lo, which has no alias of ours"
	release R "$hold_pid"
	is "$?" 0 "root's sandbox on the bridge ends cleanly"
	is "$(ports_of br-h6)" "" "and its pair is removed"
else
	not_ok "root's sandbox on br-h6"
fi

# ---- SIGKILL of the launcher ---------------------------------------------------------------------

if hold K user --net veth --bridge br-h6; then
	port=$(ports_of br-h6)
	# Wait for the kernel's event, not a while: ip monitor, made sure to be listening first.
	fifo_open mon "$TEST_TMP/monitor"
	ip -o monitor link >"$TEST_TMP/monitor" &
	track_pid $!
	for _ in 1 2 3 4 5 6; do
		ip link set dev br-h6x alias "probe-$RANDOM"
		read_line "$mon" 5 && [[ $line == *br-h6x* ]] && break
	done
	kill -KILL "$hold_pid"
	gone=
	while read_line "$mon" 20; do
		[[ $line == Deleted* && $line == *"$port"* ]] && gone=1 && break
	done
	if [ -n "$gone" ] && [ -z "$(ports_of br-h6)" ]; then
		ok "the pair $port is gone after the launcher is SIGKILLed"
	else
		not_ok "the pair $port is gone after the launcher is SIGKILLed" "ports on br-h6: $(ports_of br-h6)"
	fi
	wait "$hold_pid" 2>/dev/null
else
	not_ok "a sandbox on br-h6 for SIGKILL"
fi

# ---- root, without the helper ------------------------------------------------------------------

PATH=/usr/sbin:/usr/bin:/sbin:/bin run_hutch --net veth --bridge br-h6 --cap-add NET_RAW -- \
	ping -c 1 -W 10 10.199.0.1
expect_exit 0 "as root, no helper in PATH: --net veth runs"
like "$out" "1 received" "as root: the sandbox pings the bridge"

# ---- /dev/net/tun not accessible (only in this mount namespace) ------------------------------------

touch "$TEST_TMP/tun"
chmod 600 "$TEST_TMP/tun"
mount --bind "$TEST_TMP/tun" /dev/net/tun
for b in slirp pasta; do
	if have_backend "$b"; then
		user_hutch --net "$b" -- true
		expect_exit 125 "/dev/net/tun not accessible: --net $b: exit 125"
		like "$err" "^hutch: net: /dev/net/tun is not accessible \\(needed by --net $b\\): Permission denied$" \
			"--net $b: one clear line"
	else
		skip_n 2 "$b is not installed"
	fi
done
umount /dev/net/tun

done_testing
