#!/usr/bin/env bash
# hutch list: each running sandbox with its launcher's pid and the host pid of its pid 1, as a
# table and as JSON; a record whose launcher was SIGKILLed (reaped, or a zombie its parent has
# not reaped) is gone from the list and from the disk; what is not a record is left alone.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cmd.sh"
require_userns

hutch_sub list
expect_exit 0 "list with no sandbox: exit 0"
is "$(printf '%s\n' "$out" | wc -l)" 1 "list with no sandbox: only the header"
hutch_sub list --json
is "$(printf '%s' "$out" | json 'd["sandboxes"]')" "[]" "list --json with no sandbox: an empty array"

SCRIPT="$SAY_READY; exec sleep 1000"
sandbox_start alpha -- "$SCRIPT" || bail_out "the first sandbox did not start"
sandbox_start beta -- "$SCRIPT" || bail_out "the second sandbox did not start"
a_pid1=$(pid1_of "${sb_pid[alpha]}")
b_pid1=$(pid1_of "${sb_pid[beta]}")
[ -n "$a_pid1" ] && [ -n "$b_pid1" ] && ok "each launcher has a child that is pid 1 of its namespace" ||
	not_ok "each launcher has a child that is pid 1 of its namespace" "alpha: '$a_pid1', beta: '$b_pid1'"

hutch_sub list
expect_exit 0 "list: exit 0"
is "$(printf '%s\n' "$out" | awk '$1 == "alpha" { print $2, $3 }')" "${sb_pid[alpha]} $a_pid1" \
	"list: alpha with its launcher pid and pid 1"
is "$(printf '%s\n' "$out" | awk '$1 == "beta" { print $2, $3 }')" "${sb_pid[beta]} $b_pid1" \
	"list: beta with its launcher pid and pid 1"
is "$(printf '%s\n' "$out" | awk 'NR > 1 { print $1 }' | tr '\n' ' ')" "alpha beta " "list: in order of start"
like "$(printf '%s\n' "$out" | awk '$1 == "alpha"')" "sh -c '$SAY_READY; exec sleep 1000'\$" \
	"list: the command, a word with spaces quoted"

hutch_sub list --json
expect_exit 0 "list --json: exit 0"
printf '%s' "$out" >"$TEST_TMP/list.json"
check "list --json is JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TEST_TMP/list.json"
entry='[e for e in d["sandboxes"] if e["name"] == "alpha"][0]'
is "$(json "$entry[\"launcher-pid\"], $entry[\"pid1\"], $entry[\"uid\"]" <"$TEST_TMP/list.json")" \
	"${sb_pid[alpha]} $a_pid1 $(id -u)" "list --json: alpha's launcher-pid, pid1 and uid"
is "$(json "$entry[\"command\"] == [\"sh\", \"-c\", sys.argv[1]]" "$SCRIPT" <"$TEST_TMP/list.json")" True \
	"list --json: alpha's command, word for word"
is "$(json "type($entry[\"age\"]) is int and $entry[\"age\"] >= 0 and $entry[\"started\"] > 0" <"$TEST_TMP/list.json")" \
	True "list --json: its start time and age"

# The bash completion names the running sandboxes after join and stop.
completion=$HUTCH_BUILDDIR/completions/hutch
if [ -r "$completion" ]; then
	. "$HUTCH_TESTS/docs/lib-docs.sh"
	source_bash_completion
	is "$(bash_complete "hutch join " | sort | tr '\n' ' ')" "alpha beta " "the bash completion offers the sandboxes after join"
	is "$(bash_complete "hutch stop b" | tr '\n' ' ')" "beta " "the bash completion offers the sandboxes after stop"
	is "$(bash_complete "hutch stop beta --t")" "--timeout" "the bash completion offers stop --timeout"
	is "$(bash_complete "hutch list --")" "--json" "the bash completion offers list --json"
	like "$(bash_complete "hutch join beta -- printen")" "^printenv\$" "the bash completion offers a command after join NAME --"
else
	skip_n 5 "the bash completion is not built ($completion)"
fi

# A launcher killed with SIGKILL cannot remove its record: list does.
kill -KILL "${sb_pid[beta]}"
sandbox_wait beta 10
hutch_sub list
is "$(printf '%s\n' "$out" | awk 'NR > 1 { print $1 }' | tr '\n' ' ')" "alpha " "list: a SIGKILLed sandbox is gone from the list"
[ ! -e "$STATE/beta" ] && ok "list: its record is removed" || not_ok "list: its record is removed" "$(ls -la "$STATE/beta")"

# The same while the killed launcher is a zombie: its pid and start time stay until its parent
# reaps it. Here the parent is a sleep(1) that never does.
sh -c '"$@" & exec sleep 1000' sh "${HUTCH_CMD[@]}" --name gamma --info-fd "$INFO_FD" --bind "$SHARE:/share" \
	-- sh -c "$SCRIPT" </dev/null >/dev/null 2>"$TEST_TMP/gamma.err" 3>"$TEST_TMP/info" &
reaper=$!
track_pid "$reaper"
if await_sandbox gamma; then
	g=$(children_of "$reaper")
	hutch_sub list
	like "$out" "^gamma +$g " "list: gamma runs (launcher $g, its parent a sleep)"
	kill -KILL "$g"
	wait_exit "$g" 10
	is "$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$g/stat" 2>/dev/null)" Z "list: the killed launcher is a zombie"
	hutch_sub list
	unlike "$out" "^gamma " "list: a zombie launcher's sandbox is gone from the list"
	[ ! -e "$STATE/gamma" ] && ok "list: the zombie's record is removed" || not_ok "list: the zombie's record is removed"
else
	skip_n 4 "the sandbox under a non-reaping parent never got ready"
fi

# What is not a sandbox record stays.
mkdir -m 0700 "$STATE/not-a-record" "$STATE/garbled"
echo '{"name": "garbled", ' >"$STATE/garbled/info.json"
hutch_sub list
expect_exit 0 "list: exit 0 beside a directory without a record and a garbled record"
unlike "$out" "not-a-record|garbled" "list: neither is listed"
[ -d "$STATE/not-a-record" ] && [ -f "$STATE/garbled/info.json" ] && ok "list: neither is removed" ||
	not_ok "list: neither is removed"

hutch_sub list --bogus
expect_exit 2 "list --bogus: usage error, exit 2"
_last_cmd="env -u XDG_RUNTIME_DIR $HUTCH list"
out=$(env -u XDG_RUNTIME_DIR "$HUTCH" list 2>&1)
rc=$?
expect_exit 0 "list without XDG_RUNTIME_DIR: exit 0 (no sandbox can have a record)"

done_testing
