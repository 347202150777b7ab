#!/usr/bin/env bash
# --report with the egress policy (issue 11): a name outside allow-domain and a connect to an
# address no allowed name gave are each one report line with the rule; `hutch learn` turns the
# names a run resolved into allow-domain lines, and the learned profile passes a second run
# with an empty report. Runs in a network namespace of its own, with the egress tests' DNS and
# HTTP servers (tests/egress/lib-egress.sh); nothing leaves the machine.
EGRESS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/../egress" 2>/dev/null && pwd)/lib-egress.sh
if [ -z "${HUTCH_EGRESS_ISOLATED:-}" ]; then
	if [ ! -f "$EGRESS_LIB" ] || ! "$HUTCH" --dump-options | grep -q '^allow-domain	'; then
		echo "1..0 # SKIP the egress policy (issue 11) is not in this build yet"
		exit 0
	fi
	unshare -Urnm true 2>/dev/null || { echo "1..0 # SKIP cannot unshare -Urnm" && exit 0; }
	HUTCH_EGRESS_ISOLATED=1 exec unshare -Urnm --propagation private bash "${BASH_SOURCE[0]}"
fi
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$EGRESS_LIB"
. "$(dirname "${BASH_SOURCE[0]}")/lib-report.sh"

egress_outside 192.0.2.11 192.0.2.12 || bail_out "cannot make the test's network"
egress_servers 60 a.test=192.0.2.11 b.test=192.0.2.12 || bail_out "the test servers never said ready"
POLICY=(--net slirp --dns-upstream 127.0.0.1:5353 --allow-domain a.test)
rep=$TEST_TMP/r.jsonl

report_in "$rep" "${POLICY[@]}" -- getent hosts b.test
is "$rc" 2 "a name outside allow-domain does not resolve"
is "$(jq -r 'select(.kind == "dns") | .detail' "$rep")" b.test "exactly one dns line, naming it"
is "$(jq -r 'select(.kind == "dns") | "\(.rule)/\(.result)"' "$rep")" allow-domain/NXDOMAIN "rule allow-domain, NXDOMAIN"

report_in "$rep" "${POLICY[@]}" -- python3 -c "$RAW_CONNECT" 192.0.2.12 80
like "$out" "refused" "a connect to an address of no allowed name is refused"
is "$(jq -r 'select(.kind == "connect") | .detail' "$rep" | grep -c '192\.0\.2\.12:80')" 1 "exactly one connect line for it"
check "every line is whole JSON" valid_json "$rep"

prof=$TEST_TMP/curl.profile
with_timeout 60 "$HUTCH" learn -o "$prof" --idmap single --dns-upstream 127.0.0.1:5353 -- curl -sS -m 10 http://a.test/ \
	>"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
is "$?/$(cat "$TEST_TMP/.out")" "0/hello from 192.0.2.11" "learn: curl reaches a.test through the recording resolver"
like "$(cat "$prof")" '^allow-domain a\.test$' "the learned profile allows the name it resolved"
unlike "$(cat "$prof")" 'b\.test' "and no other"
report_in "$rep" --profile "$prof" -- curl -sS -m 10 http://a.test/
is "$out" "hello from 192.0.2.11" "the second run under the learned profile passes"
is "$(lines "$rep")" 0 "with an empty report"

done_testing
