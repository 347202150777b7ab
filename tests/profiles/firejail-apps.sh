#!/usr/bin/env bash
# Real apps under Debian's real firejail profiles (issue 26): a few command-line tools with a
# profile in /etc/firejail and none of hutch's run as `hutch APP`, do their job on a file in
# the directory they start in, and, started from the home (the whole home visible, as
# firejail shows it), cannot read ~/.ssh nor write ~/.bashrc or ~/.profile. Skips without the
# firejail-profiles package; each app skips when it is not installed.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

[ -f /etc/firejail/gzip.profile ] || skip_all "no /etc/firejail (Debian package firejail-profiles)"
[ -x "${PROBE:-}" ] || skip_all "the probe is not built"
unset HUTCH_FIREJAIL_PATH
mkdir -p "$HOME/.ssh" "$HOME/work"
echo secret >"$HOME/.ssh/id_test"
echo '# rc' >"$HOME/.bashrc"
echo '# profile' >"$HOME/.profile"
echo 'hello world' >"$HOME/work/t.txt"
before=$(cat "$HOME/.bashrc" "$HOME/.profile" | md5sum)

# app, its command line (run in ~/work), what its output must match
apps=(
	"gzip|gzip -k t.txt|"
	"file|file t.txt|t.txt: ASCII text"
	"less|less t.txt|hello world"
	"strings|strings t.txt|hello world"
	"xz|xz -k t.txt|"
	"bzip2|bzip2 -k t.txt|"
)
for a in "${apps[@]}"; do
	IFS='|' read -r app cmd want <<<"$a"
	if ! command -v "$app" >/dev/null || [ ! -f "/etc/firejail/$app.profile" ] ||
		[ -f "$SHIPPED/$app.profile" ]; then
		skip_n 4 "$app: not installed, or no firejail profile, or a hutch profile of its own"
		continue
	fi
	read -ra words <<<"$cmd"
	cd "$HOME/work" || bail_out "no work dir"
	run_hutch -v "${words[@]}"
	if [ "$rc" = 0 ] && [[ $out =~ $want ]] && [[ $err =~ profile:\ /etc/firejail/$app\.profile\ \(firejail\'s ]]; then
		ok "$app: runs under /etc/firejail/$app.profile and does its job"
	else
		not_ok "$app: runs under /etc/firejail/$app.profile and does its job" "rc=$rc out=$out" "err=$(head -c 600 <<<"$err")"
	fi
	case $app in gzip | xz | bzip2)
		ext=${app/gzip/gz}
		ext=${ext/bzip2/bz2}
		check "$app: wrote t.txt.$ext beside t.txt" test -s "$HOME/work/t.txt.$ext"
		;;
	*) ok "$app: nothing to write" ;;
	esac
	cd "$HOME" || bail_out "no home"
	run_hutch --firejail-profile "/etc/firejail/$app.profile" --ro-bind "$PROBE:/probe" -- /probe read "$HOME/.ssh/id_test"
	[ "$rc" = 1 ] && ok "$app: cannot read ~/.ssh ($out)" || not_ok "$app: cannot read ~/.ssh" "rc=$rc out=$out err=$err"
	run_hutch --firejail-profile "/etc/firejail/$app.profile" --ro-bind "$PROBE:/probe" -- /probe write "$HOME/.bashrc"
	r1=$rc o1=$out
	run_hutch --firejail-profile "/etc/firejail/$app.profile" --ro-bind "$PROBE:/probe" -- /probe write "$HOME/.profile"
	if [ "$r1" = 1 ] && [ "$rc" = 1 ]; then
		ok "$app: cannot write ~/.bashrc or ~/.profile ($o1; $out)"
	else
		not_ok "$app: cannot write ~/.bashrc or ~/.profile" "$o1" "$out"
	fi
done

# private-bin in a real profile (nano's: private-bin nano,rnano): the app runs, a program the
# profile does not name is absent, and /usr/bin holds what firejail's own sandbox shows.
if command -v nano >/dev/null && grep -q '^private-bin nano' /etc/firejail/nano.profile 2>/dev/null &&
	[ ! -f "$SHIPPED/nano.profile" ]; then
	cd "$HOME/work" || bail_out "no work dir"
	run_hutch -v nano --version
	like "$out" "GNU nano" "nano: runs under /etc/firejail/nano.profile (private-bin nano,rnano)"
	run_hutch --firejail-profile /etc/firejail/nano.profile --ro-bind "$PROBE:/probe" -- /probe read /usr/bin/cat
	is "$out" "read /usr/bin/cat: ENOENT" "nano: cat, not in its private-bin, is absent"
	run_hutch --firejail-profile /etc/firejail/nano.profile --private-bin ls -- ls /usr/bin
	hl=$out
	if command -v firejail >/dev/null && [ "$(id -u)" != 0 ] &&
		fl=$(firejail --quiet --profile=/etc/firejail/nano.profile --private-bin=ls ls /usr/bin 2>/dev/null) &&
		[ -n "$fl" ]; then
		is "$hl" "$fl" "nano: /usr/bin (with ls added) is what firejail shows"
	else
		is "$hl" $'ls\nnano\nrnano' "nano: /usr/bin holds nano, rnano (and the ls added)"
	fi
	cd "$HOME" || bail_out "no home"
else
	skip_n 3 "nano: not installed, or its firejail profile has no private-bin, or hutch ships one"
fi
is "$(cat "$HOME/.bashrc" "$HOME/.profile" | md5sum)" "$before" "the home's shell start-up files are unchanged"
done_testing
