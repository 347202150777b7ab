#!/usr/bin/env bash
# hutch stop: SIGTERM reaches the command through pid 1 and the sandbox ends; a command that
# ignores SIGTERM is killed after --timeout; the record is gone when stop returns; the record of
# a sandbox whose launcher was SIGKILLed is cleaned up; bad use is refused.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cmd.sh"
require_userns

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

sandbox_start st1 -- "trap 'echo term >/share/st1; exit 42' TERM; $SAY_READY; sleep 1000 & wait" ||
	bail_out "the sandbox did not start"
hutch_sub stop st1
expect_exit 0 "stop NAME: exit 0"
[ ! -e "$STATE/st1" ] && ok "stop: the state dir is gone when stop returns" ||
	not_ok "stop: the state dir is gone when stop returns" "$(ls -la "$STATE/st1" 2>&1)"
kill -0 "${sb_pid[st1]}" 2>/dev/null && [ "$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/${sb_pid[st1]}/stat")" != Z ] &&
	not_ok "stop: the launcher has exited when stop returns" || ok "stop: the launcher has exited when stop returns"
sandbox_wait st1 10
is "$rc" 42 "stop: the command got SIGTERM (the launcher returns its status)"
is "$(cat "$SHARE/st1" 2>/dev/null)" term "stop: the command's SIGTERM trap ran"
hutch_sub list
unlike "$out" "^st1 " "stop: the sandbox is gone from the list"

# SIGTERM ignored (and so for sleep too, across exec): SIGKILL after the timeout.
sandbox_start st2 -- "trap '' TERM; $SAY_READY; exec sleep 1000" || bail_out "the sandbox did not start"
t0=$(now_ms)
hutch_sub stop st2 --timeout 1
elapsed=$(($(now_ms) - t0))
expect_exit 0 "stop --timeout 1 of a command that ignores SIGTERM: exit 0"
like "$err" "did not end within 1 s of SIGTERM; killed" "stop: says it had to kill"
[ "$elapsed" -ge 1000 ] && [ "$elapsed" -lt 9000 ] && ok "stop: SIGKILL after the timeout (${elapsed} ms), not the default 10 s" ||
	not_ok "stop: SIGKILL after the timeout" "took ${elapsed} ms"
[ ! -e "$STATE/st2" ] && ok "stop: the state dir of the killed sandbox is gone" ||
	not_ok "stop: the state dir of the killed sandbox is gone"
sandbox_wait st2 10
is "$rc" 137 "stop: the launcher reports the SIGKILL (137)"

sandbox_start st3 -- "$SAY_READY; exec sleep 1000" || bail_out "the sandbox did not start"
hutch_sub stop --timeout=2.5 st3
expect_exit 0 "stop --timeout=SECS NAME: exit 0"
sandbox_wait st3 10
is "$rc" 143 "stop: a command without a trap ends by SIGTERM (143)"

# A launcher killed with SIGKILL leaves its record behind; stop removes it.
sandbox_start st4 -- "$SAY_READY; exec sleep 1000" || bail_out "the sandbox did not start"
kill -KILL "${sb_pid[st4]}"
sandbox_wait st4 10
hutch_sub stop st4
expect_exit 0 "stop of a sandbox whose launcher was SIGKILLed: exit 0"
like "$err" "not running" "stop: says it was not running"
[ ! -e "$STATE/st4" ] && ok "stop: its stale record is removed" || not_ok "stop: its stale record is removed"

hutch_sub stop st4
expect_exit 125 "stop of no such sandbox: exit 125"
like "$err" "no sandbox named st4" "stop of no such sandbox: says so"
hutch_sub stop
expect_exit 2 "stop without a name: usage error, exit 2"
for bad in abc -1 1e9; do
	hutch_sub stop x --timeout "$bad"
	expect_exit 2 "stop --timeout $bad: usage error, exit 2"
done

done_testing
