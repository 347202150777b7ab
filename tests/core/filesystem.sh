#!/usr/bin/env bash
# The minimal root: a tmpfs / with read-only /usr and /etc (and /opt), the host's /bin, /sbin,
# /lib* symlinks, fresh /proc, tmpfs /tmp and /run, an empty home owned by the user; nothing
# else of the host: not /etc/shadow's content, not $HOME's, not the source tree.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
U=$(id -u)

# mounts: "MOUNTPOINT FSTYPE OPTIONS" for each line of a mountinfo.
MOUNTS='awk '\''{ for (i = 7; i <= NF; i++) if ($i == "-") { print $5, $(i + 1), $6; break } }'\'' /proc/self/mountinfo'

# --- /etc/shadow
if [ ! -e /etc/shadow ]; then
	skip_n 3 "the host has no /etc/shadow"
elif [ "$U" -eq 0 ]; then
	skip_n 3 "the caller is root: /etc/shadow is the caller's own file"
else
	run_hutch -- test -e /etc/shadow
	expect_exit 0 "/etc/shadow is there"
	run_hutch -- cat /etc/shadow
	if [ "$rc" -ne 0 ] && [ -z "$out" ]; then ok "/etc/shadow is unreadable"; else not_ok "/etc/shadow is unreadable" "$(_last_run_diag)"; fi
	run_hutch --uid 0 -- cat /etc/shadow
	if [ "$rc" -ne 0 ] && [ -z "$out" ]; then ok "/etc/shadow is unreadable with --uid 0"; else not_ok "/etc/shadow is unreadable with --uid 0" "$(_last_run_diag)"; fi
fi

# --- $HOME: there, empty, writable, the user's; the host's content stays outside
marker="$HOME/.hutch-test-marker.$$"
if touch "$marker" 2>/dev/null; then
	defer "rm -f '$marker'"
	have_marker=1
else
	have_marker=0
fi
written=".hutch-test-written.$$"
defer "rm -f '$HOME/$written'"
HOMECHECK='echo "$HOME"; ls -A "$HOME" | wc -l; stat -c %u "$HOME"; id -u; touch "$HOME/'"$written"'" && echo writable'
run_sh "$HOMECHECK"
expect_exit 0 "home check runs"
is "$(printf '%s\n' "$out" | sed -n 1p)" "$HOME" "\$HOME is the caller's"
if [ "$have_marker" = 1 ]; then
	is "$(printf '%s\n' "$out" | sed -n 2p)" 0 "\$HOME is empty (the host's files are not visible)"
else
	skip "cannot write a marker into the host's \$HOME"
fi
is "$(printf '%s\n' "$out" | sed -n 3p)" "$(printf '%s\n' "$out" | sed -n 4p)" "\$HOME is owned by the user inside"
is "$(printf '%s\n' "$out" | sed -n 5p)" writable "\$HOME is writable"
check "what is written in \$HOME stays inside" test ! -e "$HOME/$written"

run_sh --uid 0 "$HOMECHECK"
expect_exit 0 "--uid 0: home check runs"
is "$(printf '%s\n' "$out" | sed -n 3,5p | tr '\n' ' ')" "0 0 writable " "--uid 0: \$HOME is owned by 0 and writable"

# --- ls /
expected="dev etc proc run tmp usr"
home_top=${HOME#/}
home_top=${home_top%%/*}
[ -n "$home_top" ] && expected="$expected $home_top"
[ -d /opt ] && expected="$expected opt"
links=
for e in bin sbin lib lib32 lib64 libx32; do
	if [ -L "/$e" ]; then
		expected="$expected $e"
		links="$links$e $(readlink "/$e")"$'\n'
	elif [ -d "/$e" ]; then
		expected="$expected $e"
	fi
done
expected=$(printf '%s\n' $expected | sort -u | tr '\n' ' ')
run_hutch -- ls -A /
expect_exit 0 "ls / runs"
is "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$expected" "ls / shows the minimal root"

run_sh 'for e in bin sbin lib lib32 lib64 libx32; do [ -L "/$e" ] && echo "$e $(readlink "/$e")"; done; true'
is "$out" "${links%$'\n'}" "/bin, /sbin, /lib* are the host's symlinks into /usr"

run_hutch -- test -e "$HUTCH_SRCDIR"
expect_exit 1 "the source tree is not in the sandbox"

# --- what is mounted where
run_sh "$MOUNTS"
expect_exit 0 "reads /proc/self/mountinfo"
mounts=$out
diag "mounts inside:" "$mounts"
fs_of() { printf '%s\n' "$mounts" | awk -v m="$1" '$1 == m { t = $2 } END { print t }'; }
opts_of() { printf '%s\n' "$mounts" | awk -v m="$1" '$1 == m { o = $3 } END { print o }'; }
is "$(fs_of /)" tmpfs "/ is a tmpfs"
is "$(fs_of /proc)" proc "/proc is a fresh proc"
is "$(fs_of /tmp)" tmpfs "/tmp is a tmpfs"
is "$(fs_of /run)" tmpfs "/run is a tmpfs"
like "$(opts_of /usr)" '^ro(,|$)' "/usr is mounted read-only"
like "$(opts_of /etc)" '^ro(,|$)' "/etc is mounted read-only"
others=$(printf '%s\n' work root srv var mnt media boot sys | grep -vx "$home_top" | paste -sd'|')
unlike "$mounts" "^/($others)( |/)" "no other host tree is mounted"

run_hutch -- touch /usr/.hutch-test
if [ "$rc" -ne 0 ]; then ok "/usr cannot be written"; else not_ok "/usr cannot be written"; fi
run_sh 'ls -A /tmp /run | grep -v ":$" | grep -c . ; touch /tmp/a /run/a && echo writable'
is "$out" "0"$'\n'"writable" "/tmp and /run are empty and writable"

done_testing
