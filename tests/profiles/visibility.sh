#!/usr/bin/env bash
# What a sandbox under a shipped profile can and cannot see, in a home with secrets in it:
# dev (project rw, ~/.gitconfig ro, cache of its own, network), ssh (only ~/.ssh, read-only),
# curl (network, the directory, no home), python3 (no network), firefox (its own profile kept,
# every other secret hidden even with --home host), shell (home read-only, secrets hidden).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

mkdir -p "$HOME/project" "$HOME/.ssh" "$HOME/.gnupg" "$HOME/.aws" "$HOME/.mozilla/ff" "$HOME/Documents"
echo notes >"$HOME/notes.txt"
echo private-key >"$HOME/.ssh/id_ed25519"
echo gpg-secret >"$HOME/.gnupg/secring"
echo aws-secret >"$HOME/.aws/credentials"
echo history >"$HOME/.bash_history"
echo cookies >"$HOME/.mozilla/ff/cookies"
printf '[user]\n\tname = Test\n' >"$HOME/.gitconfig"
echo source >"$HOME/project/main.c"
cd "$HOME/project" || bail_out "cd"
HOST_NET=$(readlink /proc/self/ns/net)
# A network of its own (inc/network.inc: user-mode, issue 21): another namespace than the
# host's, with an interface besides lo.
OWN_NET='n=$(readlink /proc/self/ns/net); [ "$n" != "$1" ] && tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | grep -qv "^lo$" && echo own-net'

# shows PATH: prints "yes" when the file can be read inside
SEE='for f in "$@"; do if cat "$f" >/dev/null 2>&1; then echo "$f yes"; else echo "$f no"; fi; done'

# ---- dev
run_hutch --profile dev -- sh -c 'echo built >out.txt; cat main.c; '"$OWN_NET" - "$HOST_NET"
expect_exit 0 "dev: runs in the project"
is "$out" "source"$'\n'"own-net" "dev: reads the project, and has a network of its own"
is "$(cat out.txt 2>/dev/null)" built "dev: the project is writable (the write shows on the host)"
run_hutch --profile dev -- sh -c "$SEE" - ~/.gitconfig ~/notes.txt ~/.ssh/id_ed25519 ~/.aws/credentials
is "$out" "$HOME/.gitconfig yes"$'\n'"$HOME/notes.txt no"$'\n'"$HOME/.ssh/id_ed25519 no"$'\n'"$HOME/.aws/credentials no" \
	"dev: ~/.gitconfig and nothing else of the home"
run_hutch --profile dev -- sh -c 'echo x >>~/.gitconfig'
like "$err" "Read-only file system" "dev: ~/.gitconfig is read-only"
run_hutch --profile dev -- sh -c 'echo cached >"$HOME/.cache/item"'
is "$(cat "$HOME/.cache/hutch/dev/item" 2>/dev/null)" cached "dev: the cache is writable, and kept in a place of its own"
check "dev: the user's own ~/.cache is not written" test ! -e "$HOME/.cache/item"
run_hutch --profile dev -- cat "$HOME/.cache/item"
is "$out" cached "dev: the cache persists to the next run"

# ---- ssh
run_hutch ssh -V
expect_exit 0 "ssh: runs under its profile"
run_hutch --profile ssh -- sh -c "$SEE" - ~/.ssh/id_ed25519 ~/notes.txt ~/.gnupg/secring ~/project/main.c
is "$out" "$HOME/.ssh/id_ed25519 yes"$'\n'"$HOME/notes.txt no"$'\n'"$HOME/.gnupg/secring no"$'\n'"$HOME/project/main.c no" \
	"ssh: ~/.ssh and nothing else of the home (not even the current directory)"
run_hutch --profile ssh -- sh -c 'echo evil >>~/.ssh/authorized_keys'
like "$err" "Read-only file system" "ssh: ~/.ssh is read-only"
check "ssh: authorized_keys was not written" test ! -e "$HOME/.ssh/authorized_keys"
run_hutch --profile ssh -- sh -c "$OWN_NET" - "$HOST_NET"
is "$out" own-net "ssh: has a network of its own"

# ---- curl
run_hutch curl -s -o fetched.txt "file://$HOME/project/main.c"
is "$(cat fetched.txt 2>/dev/null)" source "curl: saves into the current directory"
run_hutch curl -s "file://$HOME/notes.txt"
isnt_out=$out
is "$isnt_out" "" "curl: a file of the home outside the directory is not there"
run_hutch --profile curl -- sh -c "$OWN_NET" - "$HOST_NET"
is "$out" own-net "curl: has a network of its own"

# ---- python3, no network
run_hutch --profile python3 -- sh -c 'readlink /proc/self/ns/net; ls /sys/class/net 2>/dev/null || cat /proc/net/dev | tail -n +3 | cut -d: -f1'
first=$(printf '%s\n' "$out" | head -1)
if [ -n "$first" ] && [ "$first" != "$HOST_NET" ]; then
	ok "python3: a network namespace of its own"
else
	not_ok "python3: a network namespace of its own" "got: $out"
fi
is "$(printf '%s\n' "$out" | tail -n +2 | tr -d ' ' | sort | tr '\n' ' ')" "lo " "python3: only lo in it"

# ---- firefox: its profile taken back from the secrets list; the rest hidden even with the
# real home shown (--home host on the command line, which comes after the profile)
run_hutch --profile firefox --home host -- sh -c "$SEE" - ~/.mozilla/ff/cookies ~/notes.txt ~/.ssh/id_ed25519 \
	~/.gnupg/secring ~/.aws/credentials ~/.bash_history
is "$out" "$HOME/.mozilla/ff/cookies yes"$'\n'"$HOME/notes.txt yes"$'\n'"$HOME/.ssh/id_ed25519 no"$'\n'"$HOME/.gnupg/secring no"$'\n'"$HOME/.aws/credentials no"$'\n'"$HOME/.bash_history no" \
	"firefox --home host: ~/.mozilla (ignore blacklist) and notes; keys, gpg, aws, history hidden"
run_hutch --profile firefox -- sh -c 'echo new >~/.mozilla/ff/prefs; ls ~/Downloads >/dev/null && echo dl'
is "$out" dl "firefox: ~/Downloads exists inside"
is "$(cat "$HOME/.mozilla/ff/prefs" 2>/dev/null)" new "firefox: its profile is writable and kept"
run_hutch --profile firefox -- sh -c "$SEE" - ~/notes.txt
is "$out" "$HOME/notes.txt no" "firefox: the rest of the home is not there"

# ---- a symlink in the project pointing at a secret shows nothing
ln -sf "$HOME/.ssh/id_ed25519" "$HOME/project/link"
run_hutch --profile dev -- sh -c "$SEE" - ./link
is "$out" "./link no" "dev: a symlink to a hidden secret reads nothing"
rm -f "$HOME/project/link"

# ---- shell: the home read-only, its secrets hidden
run_hutch --profile shell -- sh -c "$SEE" - ~/notes.txt ~/.ssh/id_ed25519 ~/.bash_history
is "$out" "$HOME/notes.txt yes"$'\n'"$HOME/.ssh/id_ed25519 no"$'\n'"$HOME/.bash_history no" \
	"shell: the home is there, its secrets are not"
run_hutch --profile shell -- sh -c 'echo x >~/notes.txt'
like "$err" "Read-only file system" "shell: the home is read-only"
run_hutch --profile shell -- sh -c 'echo y >here.txt'
is "$(cat here.txt 2>/dev/null)" y "shell: the current directory is writable"

done_testing
