#!/usr/bin/env bash
# What bubblewrap 0.11's own test suite and Flatpak found hutch-bwrap doing differently (issue
# 22), each checked here against bwrap's documented behaviour, without the suite: sources
# under /proc/self resolved in the sandbox's own context, destinations through symlinks the
# setup made, bwrap's refusals and messages.
. "$HUTCH_TESTS/bwrap/lib-bwrap.sh"

D=$TEST_TMP
B=("$HUTCH_BWRAP" "${BASE[@]}" --proc /proc)

# ---- /proc/self/... sources: the sandbox's own, as Flatpak binds them ----
bw_run "${B[@]}" --ro-bind-try /proc/self/ns/user /run/.userns \
	sh -c 'stat -L -c %i /run/.userns /proc/self/ns/user'
is "$rc $(echo $out)" "0 $(echo "$out" | tail -1) $(echo "$out" | tail -1)" \
	"--ro-bind-try /proc/self/ns/user: the sandbox's own user namespace is bound"
like "$(echo "$out" | head -1)" "^[0-9]+$" "--ro-bind-try /proc/self/ns/user: something is bound"
unlike "$out" "$(stat -L -c %i /proc/self/ns/user)" "--ro-bind-try /proc/self/ns/user: not the caller's namespace"
bw_run "${B[@]}" --ro-bind /proc/self/ns/user /userns true
is "$rc $err" "0 " "--ro-bind of a magic link under /proc/self works without -try too"

done_testing
