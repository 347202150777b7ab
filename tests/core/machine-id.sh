#!/usr/bin/env bash
# --machine-id and the profile directive (firejail's machine-id): /etc/machine-id holds a new
# random id in systemd's format for each sandbox, read-only, not the host's; with --private-etc
# only where the list names machine-id; refused with an image root and in the restricted tier.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
[ -s /etc/machine-id ] || skip_all "this host has no /etc/machine-id"
host_id=$(cat /etc/machine-id)

run_hutch --machine-id -- cat /etc/machine-id
expect_exit 0 "--machine-id runs"
like "$out" '^[0-9a-f]{32}$' "--machine-id: 32 hex digits, systemd's format"
first=$out
[ "$first" != "$host_id" ] && ok "--machine-id: not the host's id" || not_ok "--machine-id: not the host's id"
run_hutch --machine-id -- cat /etc/machine-id
[ "$out" != "$first" ] && ok "each sandbox gets a new one" || not_ok "each sandbox gets a new one" "$out"
run_hutch --machine-id -- sh -c 'echo x >/etc/machine-id 2>/dev/null || echo read-only'
is "$out" read-only "the id is read-only"
run_hutch -- cat /etc/machine-id
is "$out" "$host_id" "without it the host's id shows (the control)"
run_hutch --machine-id --private-etc passwd -- ls /etc
is "$out" passwd "--private-etc without machine-id: no /etc/machine-id"
run_hutch --machine-id --private-etc passwd,machine-id -- cat /etc/machine-id
like "$out" '^[0-9a-f]{32}$' "--private-etc naming machine-id: the random one"
[ "$out" != "$host_id" ] && ok "… not the host's" || not_ok "… not the host's"

printf 'machine-id\n' >"$TEST_TMP/m.profile"
run_hutch --profile "$TEST_TMP/m.profile" -- cat /etc/machine-id
[ "$out" != "$host_id" ] && [[ $out =~ ^[0-9a-f]{32}$ ]] && ok "the profile directive machine-id does the same" ||
	not_ok "the profile directive machine-id does the same" "$out"

mkdir -p "$TEST_TMP/root"
run_hutch --rootfs-bind "$TEST_TMP/root" --machine-id -- true
expect_exit 125 "--machine-id with --rootfs-bind is refused"
like "$err" "^hutch: --machine-id: applies to the host view" "… in one line"
run_hutch --tier restricted --machine-id -- true
expect_exit 125 "--tier restricted refuses --machine-id"
like "$err" "cannot give machine-id" "… naming it"

done_testing
