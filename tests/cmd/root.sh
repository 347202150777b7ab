#!/usr/bin/env bash
# Neither of two users can join or stop the other's sandbox: not through the other's runtime
# dir, and not through a forged record of their own that names the other's processes (the
# check is on pid 1's credentials through its pidfd, not on the record alone). Needs root to
# run sandboxes as two users: root and the test user.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_root
. "$(dirname "${BASH_SOURCE[0]}")/lib-cmd.sh"
require_userns

user=
for u in hutch-test hutchtest; do
	id -u "$u" >/dev/null 2>&1 && user=$u && break
done
[ -n "$user" ] || skip_all "no test user (hutch-test or hutchtest) to run a second sandbox as"
uid=$(id -u "$user")
gid=$(id -g "$user")
as_user() {
	setpriv --reuid "$uid" --regid "$gid" --clear-groups -- env HOME=/ XDG_RUNTIME_DIR="$USER_RUN" "$@"
}
USER_RUN=$TEST_TMP/user-run
install -d -m 0700 -o "$uid" -g "$gid" "$USER_RUN"
as_user test -x "$HUTCH" || skip_all "$user cannot run $HUTCH"

# The user's sandbox. Not through the as_user function: a function in the background is a copy
# of this shell, and killing that at the end would leave hutch running. setpriv and env exec,
# so $! is hutch's own pid.
setpriv --reuid "$uid" --regid "$gid" --clear-groups -- env HOME=/ XDG_RUNTIME_DIR="$USER_RUN" \
	"${HUTCH_CMD[@]}" --name theirs --info-fd "$INFO_FD" --bind "$SHARE:/share" -- sh -c "$SAY_READY; exec sleep 1000" \
	</dev/null >"$TEST_TMP/theirs.out" 2>"$TEST_TMP/theirs.err" 3>"$TEST_TMP/info" &
sb_pid[theirs]=$!
track_pid "$!"
await_sandbox theirs || bail_out "$user's sandbox did not start"

# Root's own sandbox.
sandbox_start mine -- "$SAY_READY; exec sleep 1000" || bail_out "root's sandbox did not start"

# The owner can: the control for the refusals below.
_last_cmd="(as $user) $HUTCH join theirs true"
as_user "$HUTCH" join theirs true </dev/null
rc=$?
expect_exit 0 "$user joins their own sandbox"

# Root through the user's runtime dir: refused at the record.
XDG_RUNTIME_DIR=$USER_RUN hutch_sub join theirs touch /tmp/pwned
expect_exit 125 "root cannot join $user's sandbox through $user's runtime dir"
like "$err" "not yours" "and is told it is not root's"
XDG_RUNTIME_DIR=$USER_RUN hutch_sub stop theirs
expect_exit 125 "root cannot stop $user's sandbox through $user's runtime dir"

# Root with a record of its own that names the user's sandbox as root's: refused at pid 1.
mkdir -m 0700 "$STATE/theirs"
json 'json.dumps(dict(d, uid=0))' <"$USER_RUN/hutch/theirs/info.json" >"$STATE/theirs/info.json"
chmod 0600 "$STATE/theirs/info.json"
hutch_sub join theirs touch /tmp/pwned
expect_exit 125 "root cannot join $user's sandbox through a forged record"
like "$err" "runs as uid $uid, not as you" "refused on pid 1's credentials"
hutch_sub stop theirs
expect_exit 125 "root cannot stop $user's sandbox through a forged record"
kill -0 "${sb_pid[theirs]}" 2>/dev/null && ok "$user's sandbox still runs" || not_ok "$user's sandbox still runs"
_last_cmd="(as $user) $HUTCH join theirs test ! -e /tmp/pwned"
as_user "$HUTCH" join theirs test ! -e /tmp/pwned </dev/null
rc=$?
expect_exit 0 "nothing of root's ran in $user's sandbox"

# The user with a forged record of root's sandbox in the user's own runtime dir.
install -d -m 0700 -o "$uid" -g "$gid" "$USER_RUN/hutch/mine"
json "json.dumps(dict(d, uid=$uid))" <"$STATE/mine/info.json" >"$USER_RUN/hutch/mine/info.json"
chown "$uid:$gid" "$USER_RUN/hutch/mine/info.json"
chmod 0600 "$USER_RUN/hutch/mine/info.json"
_last_cmd="(as $user) $HUTCH join mine true"
err=$(as_user "$HUTCH" join mine touch /tmp/pwned 2>&1 </dev/null)
rc=$?
expect_exit 125 "$user cannot join root's sandbox through a forged record"
like "$err" "runs as uid 0, not as you" "refused on pid 1's credentials"
_last_cmd="(as $user) $HUTCH stop mine"
err=$(as_user "$HUTCH" stop mine 2>&1 </dev/null)
rc=$?
expect_exit 125 "$user cannot stop root's sandbox through a forged record"
kill -0 "${sb_pid[mine]}" 2>/dev/null && ok "root's sandbox still runs" || not_ok "root's sandbox still runs"
hutch_sub join mine test ! -e /tmp/pwned
expect_exit 0 "nothing of $user's ran in root's sandbox"

done_testing
