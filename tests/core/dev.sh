#!/usr/bin/env bash
# The minimal /dev: null zero full random urandom tty, pts with ptmx, shm, fd and the std links;
# no other node of the host (no block device, no fuse, no tun).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

required="null zero full random urandom tty pts ptmx shm fd stdin stdout stderr"
allowed="$required console core mqueue"

run_hutch -- ls -A /dev
expect_exit 0 "ls /dev runs"
listing=$(printf '%s\n' "$out" | sort | tr '\n' ' ')
diag "/dev inside: $listing"
for e in $required; do
	case " $listing " in
	*" $e "*) ok "/dev/$e is there" ;;
	*) not_ok "/dev/$e is there" "/dev: $listing" ;;
	esac
done
extra=
for e in $listing; do
	case " $allowed " in *" $e "*) ;; *) extra="$extra $e" ;; esac
done
is "$extra" "" "nothing else from the host's /dev"

run_hutch -- find /dev -type b
is "$out" "" "no block device in /dev"

run_sh 'echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1 | tr -d " "'
expect_exit 0 "/dev/null and /dev/zero work"
is "$out" 00000000 "/dev/zero reads zeros"
run_sh 'head -c 16 /dev/urandom | wc -c; head -c 16 /dev/random | wc -c'
is "$out" "16"$'\n'"16" "/dev/urandom and /dev/random read"
run_sh 'head -c 1 /dev/zero > /dev/full'
like "$err" "No space left on device" "/dev/full is full"
run_sh 'touch /dev/shm/x && echo ok'
is "$out" ok "/dev/shm is writable"

run_sh 'for l in fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done'
is "$out" "fd /proc/self/fd"$'\n'"stdin /proc/self/fd/0"$'\n'"stdout /proc/self/fd/1"$'\n'"stderr /proc/self/fd/2" \
	"/dev/fd, stdin, stdout, stderr link into /proc/self/fd"

run_sh 'awk '\''{ for (i = 7; i <= NF; i++) if ($i == "-") { print $5, $(i + 1); break } }'\'' /proc/self/mountinfo'
like "$out" '^/dev/pts devpts$' "/dev/pts is a devpts"
like "$out" '^/dev/shm tmpfs$' "/dev/shm is a tmpfs"

# A new pseudo-terminal through /dev/ptmx lands in this sandbox's own /dev/pts.
if command -v python3 >/dev/null; then
	run_hutch -- python3 -c 'import os; m, s = os.openpty(); print(os.ttyname(s))'
	like "$out" '^/dev/pts/0$' "/dev/ptmx opens a pty numbered from 0 (a private devpts)"
else
	skip "python3 is not installed"
fi

done_testing
