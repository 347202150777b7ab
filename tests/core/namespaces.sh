#!/usr/bin/env bash
# Every namespace is new by default (compared by /proc/PID/ns inode), and each --share-* option
# keeps exactly that one of the host's.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

host=$(host_ns)
diag "host:" "$host"

# ns_line TEXT TYPE: the link of TYPE in NS_SCRIPT output.
ns_line() {
	printf '%s\n' "$1" | awk -v t="$2" '$1 == t { print $2 }'
}

run_sh "$NS_SCRIPT"
expect_exit 0 "hutch prints its namespaces"
inside=$out
for n in $NAMESPACES; do
	h=$(ns_line "$host" "$n")
	i=$(ns_line "$inside" "$n")
	if [ -n "$i" ] && [ "$i" != "$h" ]; then
		ok "$n namespace is new ($i, host $h)"
	else
		not_ok "$n namespace is new" "inside: '$i'" "host: '$h'" "$(_last_run_diag)"
	fi
done

for ns in net ipc pid uts; do
	run_sh "--share-$ns" "$NS_SCRIPT"
	expect_exit 0 "--share-$ns runs"
	is "$(ns_line "$out" "$ns")" "$(ns_line "$host" "$ns")" "--share-$ns keeps the host's $ns namespace"
	others=
	for n in $NAMESPACES; do
		[ "$n" = "$ns" ] && continue
		i=$(ns_line "$out" "$n")
		{ [ -n "$i" ] && [ "$i" != "$(ns_line "$host" "$n")" ]; } || others="$others $n"
	done
	is "$others" "" "--share-$ns: every other namespace is still new"
done

done_testing
