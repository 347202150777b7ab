#!/usr/bin/env bash
# Privileges inside: every capability set empty whatever the uid, no_new_privs, --cap-add keeps
# exactly the named capabilities across execve, and a setuid binary gains nothing.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-confine.sh"
require_userns

ZERO=0000000000000000
ALL_ZERO="CapInh=$ZERO
CapPrm=$ZERO
CapEff=$ZERO
CapBnd=$ZERO
CapAmb=$ZERO"

probe_in -- caps
is "$out" "$ALL_ZERO" "the command's capability sets are all empty"
probe_in -- nnp
is "$out" "NoNewPrivs=1" "no_new_privs is set"

probe_in --uid 0 -- caps
is "$out" "$ALL_ZERO" "uid 0 inside: capability sets all empty too"

# chown is bit 0, net_raw bit 13.
KEPT=0000000000002001
probe_in --cap-add chown,CAP_NET_RAW -- caps
is "$out" "CapInh=$KEPT
CapPrm=$KEPT
CapEff=$KEPT
CapBnd=$KEPT
CapAmb=$KEPT" "--cap-add chown,CAP_NET_RAW: exactly those, surviving execve for uid $(id -u)"
probe_in --uid 0 --cap-add chown,net_raw -- caps
like "$out" "CapEff=$KEPT" "--cap-add with uid 0: the same set"

# A setuid copy of the probe owned by another uid of the sandbox, made by a fake root inside
# (the caller cannot chown to a subordinate uid on the host), then run by the default uid:
# without no_new_privs (and nosuid on the bind) it would run as uid 4242. Needs a subordinate
# range: with a single-id map there is no other uid to own it.
mkdir "$TEST_TMP/suid"
run_hutch --uid 0 --cap-add chown,fowner --bind "$TEST_TMP/suid:/suid" --ro-bind "$PROBE:/probe" -- \
	sh -c 'cp /probe /suid/probe && chown 4242 /suid/probe && chmod 4755 /suid/probe'
if [ "$rc" -ne 0 ]; then
	skip "no uid 4242 in the sandbox to own a setuid binary (single-id map)"
else
	run_hutch --ro-bind "$TEST_TMP/suid/probe:/suid-probe" -- /suid-probe ids
	me=$(id -u)
	like "$out" "^uid=$me euid=$me suid=$me " "a setuid binary owned by another uid does not change the uid"
	like "$out" "CapEff=$ZERO" "a setuid binary inside gains no capability"
fi

done_testing
