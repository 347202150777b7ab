#!/usr/bin/env bash
# A real review of a conflict in a git repository (issue 23 item 4): the sandbox edits a file
# and stages a rename with git, the host edits the same file elsewhere and runs git status
# (which rewrites .git/index). `changes --diff` shows each side's change against the start
# content, kept when the sandbox first wrote the file, not the host's edit as the sandbox's; a
# file the host changed before the sandbox first wrote it is said to have an unknown start;
# `apply --merge` merges both edits, `--overwrite` keeps the staged rename, and the repository
# then holds both sides' work. $1: the overlay driver (kernel, the default, or fuse).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
driver=${1:-kernel}
[ "$driver" = fuse ] && ! fuse_available && skip_all "fuse-overlayfs or /dev/fuse missing"
N=gitrev-$driver # one name per variant: sandbox names are shared by the runs of one user
command -v git >/dev/null || skip_all "git is not installed"
command -v diff3 >/dev/null || skip_all "diff3 (diffutils) is not installed"
plan 24

W=$TEST_TMP/repo
CTL=$TEST_TMP/ctl
mkdir -p "$CTL" "$W"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
git() { command git -C "$W" -c user.name=t -c user.email=t@t "$@"; }
git init -q
seq -f 'line %g' 1 12 >"$W/README.md"
echo 'int main(void) { return 0; }' >"$W/main.c"
echo notes >"$W/notes.txt"
echo early >"$W/early.txt"
printf 'a\nb\nc\n' >"$W/both.txt"
git add . && git commit -qm start || bail_out "cannot make a git repository"

fifo_open go1 "$CTL/go1" || bail_out "cannot make a fifo"
fifo_open go2 "$CTL/go2" || bail_out "cannot make a fifo"
fifo_open ready "$CTL/ready" || bail_out "cannot make a fifo"
spawn_hutch --overlay-driver "$driver" --workspace "$W" --bind "$CTL:$CTL" --name "$N" -- sh -c '
	cd "$1"
	echo started >"$2/ready"
	read -r x <"$2/go1"
	sed -i "s/^line 2\$/line 2 (sandbox)/" README.md
	echo sandbox >>early.txt
	sed -i "s/^b\$/b sandbox/" both.txt
	git mv notes.txt notes.md
	echo ready >"$2/ready"
	read -r x <"$2/go2"' sh "$W" "$CTL"
read_line "$ready" 20 || bail_out "the sandbox never started: $(_last_run_diag)"
echo host >>"$W/early.txt" # before the sandbox's first change to it
echo go >&"$go1"
read_line "$ready" 20 || bail_out "the sandbox never got ready: $(_last_run_diag)"
# The launcher keeps the start content a moment after the sandbox's write (its loop reads the
# watch's event); a host write before that makes it unknown, as early.txt's shows. Wait for it
# here (no fd tells this test when; bounded).
for _ in $(seq 500); do
	[ -e "$STATE/$N/0/base/.git/index" ] && [ -e "$STATE/$N/0/base/README.md" ] && break
	sleep 0.02
done
sed -i 's/^line 11$/line 11 (host)/' "$W/README.md"
sed -i 's/^b$/b host/' "$W/both.txt"
index_before=$(stat -c %i.%Y.%Z "$W/.git/index")
touch -d '2001-01-01' "$W/main.c" # same content, new times: git status refreshes its index entry
git status --porcelain >/dev/null
check "the host's git status rewrote .git/index" test "$(stat -c %i.%Y.%Z "$W/.git/index")" != "$index_before"
echo go >&"$go2"
wait_hutch 30
is "$rc" 0 "the sandbox ends"

is "$(changes_list "$N" "$W" | grep -v '^M dir')" "C file .git/index (modified in the sandbox, changed on the host too)
C file README.md (modified in the sandbox, changed on the host too)
C file both.txt (modified in the sandbox, changed on the host too)
C file early.txt (modified in the sandbox, changed on the host too)
A file notes.md
D file notes.txt" "changes: C for the paths both sides changed"

"$HUTCH" changes "$N" --diff >"$TEST_TMP/diff" 2>"$TEST_TMP/diff.err"
# the two sections of README.md's conflict: from its header to the next header or diff
section() {
	awk -v h="# README.md: the $1's change" 'index($0, h) == 1 { on = 1; next }
		on && (/^# / || (/^--- / && $0 != "--- start/README.md")) { exit } on' "$TEST_TMP/diff"
}
sandbox_part=$(section sandbox)
host_part=$(section host)
like "$sandbox_part" "^\+line 2 \(sandbox\)$" "--diff: the sandbox's edit, against the start"
check "--diff: the host's edit is not shown as the sandbox's" \
	test -n "$sandbox_part" -a "${sandbox_part/line 11/}" = "$sandbox_part"
like "$sandbox_part" "--- start/README.md" "--diff: labelled start/ and sandbox/"
like "$host_part" "^\+line 11 \(host\)$" "--diff: the host's edit, against the start"
check "--diff: the sandbox's edit is not in the host's" \
	test -n "$host_part" -a "${host_part/sandbox/}" = "$host_part"
like "$(cat "$TEST_TMP/diff")" "# early\.txt: its start content is unknown \(the host changed it before the sandbox first did" \
	"--diff: a file the host changed first: its start content is said to be unknown"
like "$(cat "$TEST_TMP/diff")" "Binary files start/\.git/index and sandbox/\.git/index differ" \
	"--diff: .git/index, both sides against its kept start"
"$HUTCH" changes "$N" --json >"$TEST_TMP/ch.json"
is "$(python3 -c 'import json, sys; print(sorted((e["relative"], e["start"]) for e in json.load(open(sys.argv[1])) if e.get("conflict")))' "$TEST_TMP/ch.json")" \
	"[('.git/index', 'kept'), ('README.md', 'kept'), ('both.txt', 'kept'), ('early.txt', 'unknown')]" \
	"changes --json: what is known of each conflict's start"

"$HUTCH" apply "$N" >"$TEST_TMP/o" 2>"$TEST_TMP/e"
is "$?" 1 "apply: the conflicts are left, exit 1"
like "$(cat "$TEST_TMP/e")" "README\.md: changed on the host since the start: not applied; --overwrite README\.md takes the sandbox's, --drop README\.md keeps the host's, --merge README\.md merges both line by line" \
	"apply names the three ways to resolve a conflict"
"$HUTCH" apply "$N" --merge early.txt >"$TEST_TMP/o" 2>"$TEST_TMP/e"
is "$?" 1 "apply --merge of a file whose start is unknown: left, exit 1"
like "$(cat "$TEST_TMP/e")" "early\.txt: changed on the host since the start, and not merged: its start content is unknown" \
	"apply --merge: why it was not merged"
"$HUTCH" apply "$N" --merge README.md --overwrite .git/index >"$TEST_TMP/o" 2>"$TEST_TMP/e"
is "$?" 0 "apply --merge README.md --overwrite .git/index: exit 0"
like "$(cat "$TEST_TMP/o")" "merged M $W/README\.md" "apply says what it merged"
is "$(sed -n '2p;11p' "$W/README.md")" $'line 2 (sandbox)\nline 11 (host)' \
	"the host's README.md holds both edits"
is "$(git status --porcelain | sort)" " M README.md
 M both.txt
 M early.txt
R  notes.txt -> notes.md" "git on the host: the sandbox's staged rename, both edits unstaged"
"$HUTCH" apply "$N" --merge both.txt >"$TEST_TMP/o" 2>"$TEST_TMP/e"
is "$?:$(cat "$W/both.txt")" $'1:a\nb host\nc' "apply --merge of the same line changed on both sides: left, the host's kept"
like "$(cat "$TEST_TMP/e")" "both\.txt: changed on the host since the start, and not merged: both sides changed the same lines" \
	"apply --merge: overlapping changes are named"
"$HUTCH" apply "$N" --overwrite both.txt >"$TEST_TMP/o" 2>"$TEST_TMP/e"
is "$?:$(cat "$W/both.txt")" $'0:a\nb sandbox\nc' "apply --overwrite takes the sandbox's"
"$HUTCH" apply "$N" --drop early.txt >"$TEST_TMP/o" 2>"$TEST_TMP/e"
is "$?:$(cat "$W/early.txt")" $'0:early\nhost' "--drop keeps the host's early.txt"
check "nothing is left: the workspace is removed" test ! -e "$STATE/$N"
