#!/usr/bin/env bash
# hutch join: the joined command is inside the running sandbox (its /tmp, host name, every
# namespace, its pid namespace's processes) and confined exactly as the sandbox's own command
# (capability sets, NoNewPrivs, seccomp mode and filter, Landlock, ids, environment, working
# directory); it gets stdin, its exit status comes back, and signals sent to join reach it.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cmd.sh"
require_userns

# Run by the sandbox's command at its start and by each joined command: what the two must
# share. Writing /proc/self/comm is allowed by procfs and refused by hutch's Landlock rules;
# unshare(CLONE_NEWUSER) is refused by the default seccomp filter.
CHECK='grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status
id -u; id -g; pwd; echo "FOO=$FOO"
if printf x 2>/dev/null >/proc/self/comm; then echo comm-writable; else echo comm-refused; fi
if unshare -U true 2>/dev/null; then echo userns-allowed; else echo userns-refused; fi'

token=join-$$-$RANDOM
sandbox_start jn --hostname joinhost --setenv FOO=bar --chdir /share -- \
	"{ $CHECK; } >/share/sandbox-check; echo \$\$ >/share/cmdpid; echo $token >/tmp/marker; $SAY_READY; exec sleep 1000" ||
	bail_out "the sandbox did not start"
pid1=$(pid1_of "${sb_pid[jn]}")

hutch_sub join jn cat /tmp/marker
expect_exit 0 "join NAME CMD: exit 0"
is "$out" "$token" "join: sees the file the sandbox wrote in its /tmp"
[ ! -e /tmp/marker ] || [ "$(cat /tmp/marker)" != "$token" ] && ok "join: that /tmp is the sandbox's, not the host's" ||
	not_ok "join: that /tmp is the sandbox's, not the host's"

hutch_sub join jn hostname
is "$out" joinhost "join: the sandbox's host name"

hutch_sub join jn sh -c "$NS_SCRIPT"
for ns in $NAMESPACES; do
	is "$(printf '%s\n' "$out" | awk -v n="$ns" '$1 == n { print $2 }')" "$(ns_of "$ns" "$pid1")" \
		"join: in pid 1's $ns namespace"
done

# Only shell built-ins, so that the list holds the sandbox's processes and the joined shell.
hutch_sub join jn sh -c 'echo $$; for p in /proc/[0-9]*; do printf "%s " "${p#/proc/}"; done'
self=$(printf '%s\n' "$out" | sed -n 1p)
procs=" $(printf '%s\n' "$out" | sed -n 2p)"
cmdpid=$(cat "$SHARE/cmdpid")
like "$procs" " 1 " "join: sees the sandbox's pid 1 in its /proc"
like "$procs" " $cmdpid " "join: sees the sandbox's command (pid $cmdpid) in its /proc"
like "$procs" " $self " "join: is itself in the sandbox's pid namespace (pid $self)"

hutch_sub join jn sh -c "$CHECK"
expect_exit 0 "join: the check runs"
is "$out" "$(cat "$SHARE/sandbox-check")" \
	"join: the same capability sets, NoNewPrivs, seccomp, Landlock, ids, directory and environment as the sandbox's command"
like "$out" "Seccomp:[[:space:]]+2" "join: seccomp filter mode (2)"
like "$out" "NoNewPrivs:[[:space:]]+1" "join: NoNewPrivs"
is "$(printf '%s\n' "$out" | grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' | grep -vc '0000000000000000$')" 0 \
	"join: every capability set is empty"
like "$out" "comm-refused" "join: Landlock refuses a write outside the writable paths"
like "$out" "userns-refused" "join: the seccomp filter refuses a new user namespace"

hutch_sub join jn sh -c 'exit 7'
expect_exit 7 "join: the command's exit status"
hutch_sub join jn -- sh -c 'exit 3'
expect_exit 3 "join NAME -- CMD: the command's exit status"
hutch_sub join jn sh -c 'kill -TERM $$'
expect_exit 143 "join: a command killed by a signal: 128+N"
hutch_sub join jn /no/such/program
expect_exit 127 "join: a missing command: 127"
like "$err" "no/such/program" "join: a missing command is named"

printf 'hello\n' >"$TEST_TMP/stdin"
HUTCH_STDIN=$TEST_TMP/stdin hutch_sub join jn cat
is "$out" hello "join: the command reads join's stdin"
printf 'echo "shell:$FOO"; exit 5\n' >"$TEST_TMP/script"
HUTCH_STDIN=$TEST_TMP/script hutch_sub join jn
expect_exit 5 "join NAME: a shell, reading its stdin, with its exit status"
is "$out" "shell:bar" "join NAME: the shell has the sandbox's environment"

# A signal sent to join goes on to the command.
"$HUTCH" join jn sh -c "trap 'echo term >/share/jterm; exit 42' TERM; $SAY_READY; sleep 1000 & wait" \
	</dev/null >/dev/null 2>"$TEST_TMP/jsig.err" &
jpid=$!
track_pid "$jpid"
if read_line "$READY" 20; then
	kill -TERM "$jpid"
	wait "$jpid"
	rc=$?
	expect_exit 42 "join: the command's status after SIGTERM to join"
	is "$(cat "$SHARE/jterm" 2>/dev/null)" term "join: SIGTERM sent to join reaches the command"
else
	skip_n 2 "the joined command never got ready: $(cat "$TEST_TMP/jsig.err")"
fi

# Namespaces the sandbox shares with the host are left as they are; --as-pid-1 is joined too.
if sandbox_start shared --share-net -- "$SAY_READY; exec sleep 1000"; then
	hutch_sub join shared readlink /proc/self/ns/net
	expect_exit 0 "join of a --share-net sandbox: exit 0"
	is "$out" "$(ns_of net)" "join of a --share-net sandbox: the host's network namespace"
else
	skip_n 2 "the --share-net sandbox did not start"
fi
if sandbox_start asp1 --as-pid-1 -- "echo \$\$ >/share/asp1; $SAY_READY; exec sleep 1000"; then
	# (ready is said just before the exec of sleep: read again for at most 5 s until it is done)
	hutch_sub join asp1 sh -c 'for i in $(seq 50); do c=$(tr "\0" " " </proc/1/cmdline)
		[ "$c" = "sleep 1000 " ] && break; sleep 0.1; done; echo "$c"'
	is "$out" "sleep 1000 " "join of an --as-pid-1 sandbox: its pid 1 is the command"
else
	skip "the --as-pid-1 sandbox did not start"
fi

hutch_sub join nope true
expect_exit 125 "join of no such sandbox: 125"
like "$err" "no sandbox named nope" "join of no such sandbox: says so"
hutch_sub join
expect_exit 2 "join without a name: a usage error, 2"
like "$err" "usage: hutch join" "join without a name: the usage"

# A sandbox whose launcher was SIGKILLed is not joined.
kill -KILL "${sb_pid[shared]}"
sandbox_wait shared 10
hutch_sub join shared true
expect_exit 125 "join of a sandbox whose launcher was SIGKILLed: 125"
like "$err" "not running" "join of a dead sandbox: says it is not running"

done_testing
