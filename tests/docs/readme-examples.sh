#!/usr/bin/env bash
# README.md's examples run as written. Every command line of its fenced ```sh blocks (outside
# "Two commands", which tests/newcomer/run runs on a fresh root) is either run here, word for
# word, with the build's hutch and hutch-bwrap first in PATH, in a scratch home and directory
# holding the files it names (a Makefile, tool.py, ./untrusted, ...), or listed below with the
# reason it cannot run on a test machine (a display, the internet, a server that never ends).
# A line in neither list fails: a new example must be sorted into one of them.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# the examples run as a user runs them: the build's binary with the shipped profiles it finds
unset HUTCH_PROFILE_PATH
require_userns

# The examples that need what a test cannot have, by their first words, with the reason.
declare -A NOT_HERE=(
	["hutch --uid 0 --share-net --rootfs ~/images/debian"]="needs a Debian image in ~/images/debian and the internet"
	["hutch firefox"]="needs firefox and a display"
	["hutch --net slirp --port 8080:8000"]="a server that runs until stopped (tests/net checks --port)"
	["hutch --bind \"\$PWD\" --memory-max 512M"]="needs cgroup v2 with a systemd user manager or a delegated subtree (tests/cgroup, in the VM of tests/vm/run)"
	["hutch --socket wayland --socket pulseaudio"]="needs a Wayland compositor, a sound server and a session bus, and an app"
	["hutch --name web -- python3 -m http.server &"]="a server left in the background, joined and stopped (tests/cmd checks list, join and stop)"
	["hutch --allow-domain github.com"]="needs the internet (tests/egress checks --allow-domain against local servers)"
	["hutch --deny-lan --allow-host-port 5432"]="needs npm, a project and a postgres on the host (tests/egress checks the LAN guard)"
	["hutch --via socks5h://127.0.0.1:9050"]="needs a SOCKS proxy on the host and the internet (tests/egress checks --via)"
	["hutch learn -o myapp.profile -- myapp"]="myapp stands for a program installed in /usr (tests/report checks hutch learn)"
)

# The README's fenced sh blocks after "Two commands", one command a line (continuations joined),
# and the indented hutch command lines of its prose sections.
mapfile -t lines < <(awk '/^## / { skip = ($0 == "## Two commands") }
	/^```/ { if (!skip) { in_sh = !in_sh && ($0 == "```sh") } ; next }
	in_sh { if (sub(/\\$/, "")) { cont = cont $0; next } print cont $0; cont = ""; next }
	!skip && /^    hutch/ { sub(/^    /, ""); print }' "$HUTCH_SRCDIR/README.md")
[ "${#lines[@]}" -gt 10 ] || bail_out "found only ${#lines[@]} example lines in README.md"

# CI installs every package the README's first command does (.ci/packages), so that what CI
# builds and tests is at least what a newcomer gets.
readme_packages=$("$HUTCH_TESTS/newcomer/run" --print-commands | head -n 1 |
	sed -n 's/.*apt-get install -y \([^&]*\)&&.*/\1/p' | tr ' ' '\n' | sed '/^$/d' | sort)
ci_packages=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$HUTCH_SRCDIR/.ci/packages" | sort)
missing=$(comm -23 <(printf '%s\n' "$readme_packages") <(printf '%s\n' "$ci_packages"))
if [ -n "$readme_packages" ] && [ -z "$missing" ]; then
	ok "every package of the README's first command is in .ci/packages"
else
	not_ok "every package of the README's first command is in .ci/packages" "missing: ${missing:-(no package list found in the README)}"
fi
# each entry as .ci/run hands it to apt-get: one package name, nothing else on its line (an
# entry with a space after it was once one apt-get could not find, and CI stopped there)
is "$(sed -e 's/#.*//' -e '/^$/d' "$HUTCH_SRCDIR/.ci/packages" | grep -v -E '^[a-z0-9][a-z0-9+.-]*(:[a-z0-9]+)?$')" "" \
	".ci/packages: one package name a line, no blank or space beside it"

# The scratch machine: hutch and hutch-bwrap first in PATH, a home and a current directory
# with the files the examples name.
bin=$TEST_TMP/bin home=$TEST_TMP/home cwd=$TEST_TMP/cwd
mkdir -p "$bin" "$home/.ssh" "$home/src/foo" "$home/proj" "$cwd" "$TEST_TMP/run"
chmod 700 "$TEST_TMP/run"
ln -s "$HUTCH" "$bin/hutch"
ln -s "$(dirname "$HUTCH")/hutch-bwrap" "$bin/hutch-bwrap"
printf 'all:\n\t@echo built\n' | tee "$home/src/foo/Makefile" "$home/proj/Makefile" "$cwd/Makefile" >/dev/null
echo 'print("tool ran")' >"$cwd/tool.py"
printf '#!/bin/sh\necho "$0 ran"\n' >"$cwd/untrusted"
printf '#!/bin/sh\necho "$0 ran" >>ran.txt\n' | tee "$cwd/build.sh" "$home/proj/agent.sh" >/dev/null
chmod +x "$cwd/untrusted" "$cwd/build.sh" "$home/proj/agent.sh"
echo 'SECRET=1' >"$home/proj/.env"
make_ok=1
command -v make >/dev/null || make_ok=

for line in "${lines[@]}"; do
	cmd=${line%%#*} # the comment after the command
	cmd=${cmd%"${cmd##*[! ]}"}
	reason=
	for key in "${!NOT_HERE[@]}"; do
		[[ $cmd == "$key"* ]] && reason=${NOT_HERE[$key]}
	done
	if [ -z "$reason" ] && [ -z "$make_ok" ] && [[ $cmd == *make* ]]; then
		reason="make is not installed"
	fi
	if [ -n "$reason" ]; then
		skip "README: $cmd: $reason"
		continue
	fi
	# The workspace examples are run from the project, as their ./agent.sh says.
	dir=$cwd
	[[ $cmd == *"~/proj"* ]] && dir=$home/proj
	got=$(cd "$dir" && env -i HOME="$home" PATH="$bin:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 \
		XDG_RUNTIME_DIR="$TEST_TMP/run" USER="$(id -un)" timeout -k 5 60 bash -c "$line" </dev/null 2>&1)
	status=$?
	if [ "$status" = 0 ]; then
		ok "README runs as written: $cmd"
	else
		not_ok "README runs as written: $cmd" "exit status $status" "$got"
	fi
done

done_testing
