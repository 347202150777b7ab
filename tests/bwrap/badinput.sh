#!/usr/bin/env bash
# Bad input: every error path gives bwrap's message (the first line of stderr, "bwrap: ...")
# and its exit status. Where Debian's bwrap has the option, its own answer is the expected
# one; for the options it lacks (0.11's), bwrap(1)'s wording. Nothing may be left running.
. "$HUTCH_TESTS/bwrap/lib-bwrap.sh"

D=$TEST_TMP
mkdir -p "$D/ro"
# Every process of this test carries the mark, so that what outlives a run can be found.
export HUTCH_BWRAP_BADINPUT_MARK=$$

first_line() {
	sed -E -e '1!d' -e 's/^usage: [^ ]+ /usage: BWRAP /'
}

# Options | the expected first line (regex) when Debian's bwrap lacks the option or
# hutch-bwrap words it differently on purpose; empty: bwrap's own answer.
rows=(
	"|"
	"--foo|"
	"--bind /x|"
	"--setenv A|"
	"--overlay /a /b|^bwrap: --overlay takes three arguments$"
	"--ro-bind /usr /usr|"
	"--unshare-all --die-with-parent|"
	"--|"
	"--bind /nonexistent /x true|"
	"--uid x true|"
	"--gid -1 true|"
	"--info-fd x true|"
	"--hostname x true|"
	"--perms 999 --tmpfs /x true|"
	"--perms 0700 --bind /usr /usr true|"
	"--size 10 --dir /x true|"
	"--size x --tmpfs /x true|"
	"--size 0 --tmpfs /x true|"
	"--chmod 999 /x true|"
	"--chmod 0700 /nonexistent true|"
	"${BASE[*]} --symlink a /x --symlink b /x true|^bwrap: Can't make symlink at /x: existing destination is a$"
	"--ro-bind /usr /usr --bind /etc /usr/newdir true|"
	"--ro-bind /usr /usr --bind /etc/passwd /usr/newfile true|"
	"--seccomp 99 true|"
	"--args 99 true|"
	"--file 99 /x true|"
	"--bind-data 99 /x true|"
	"--cap-add FOO true|"
	"--cap-drop CAP_NOPE true|"
	"--bind / / --chdir /nonexistent true|"
	"--lock-file /nonexistent --bind / / true|"
	"--as-pid-1 true|"
	"--disable-userns true|"
	"--assert-userns-disabled --bind / / true|"
	"--unshare-user --userns 3 true|"
	"--exec-label foo true|"
	"--file-label foo true|"
	"--bind / / --mqueue /mq true|"
	"--seccomp 0 --add-seccomp-fd 0 true|"
	"--bind / / --dir /proc/x true|"
	"${BASE[*]} --bind $D/ro /ro --remount-ro /ro --dir /ro/x true|"
	"${BASE[*]} /nonexistent/cmd|"
	"${BASE[*]} /usr|"
	"--bind / / --bind-fd 99 /x true|"
	"--remount-ro /nonexistent true|^bwrap: Can't remount readonly on /newroot/nonexistent: No such file or directory$"
	"--overlay-src /usr --ro-overlay /x true|^bwrap: --ro-overlay requires at least two --overlay-src$"
	"--tmp-overlay /x true|^bwrap: --tmp-overlay requires at least one --overlay-src$"
	"--argv0|^bwrap: --argv0 takes an argument$"
	"--level-prefix --foo|^<3>bwrap: Unknown option --foo$"
	"--level-prefix --bind /nonexistent /x true|^<3>bwrap: Can't find source path /nonexistent: No such file or directory$"
)

for row in "${rows[@]}"; do
	opts=${row%%|*}
	want=${row#*|}
	# shellcheck disable=SC2086
	bw_run "$HUTCH_BWRAP" $opts
	got="$rc $(printf '%s\n' "$err" | first_line)"
	if [ -n "$want" ]; then
		like "$got" "^1 ${want#^}" "'$opts': $want"
		continue
	fi
	if [ -z "$REAL_BWRAP" ]; then
		skip "'$opts': no bwrap to compare with"
		continue
	fi
	# shellcheck disable=SC2086
	bw_run "$REAL_BWRAP" $opts
	is "$got" "$rc $(printf '%s\n' "$err" | first_line)" "'$opts': bwrap's message and status"
done

# Not setuid: a copy with the set-user-id bit, where the kernel honours it, refuses to run.
cp "$HUTCH_BWRAP" "$D/hutch-bwrap-suid"
chmod 4755 "$D/hutch-bwrap-suid"
bw_run "$D/hutch-bwrap-suid" --bind / / true
if [ "$(id -u)" != 0 ]; then
	is "$rc $(printf '%s\n' "$err" | first_line)" "0 " "a set-user-id bit of one's own changes nothing (euid = uid)"
else
	skip "running as root"
fi

# --help and --version
bw_run "$HUTCH_BWRAP" --help
like "$rc $(printf '%s\n' "$out" | head -1)" "^0 usage: .*hutch-bwrap \[OPTIONS\.\.\.\] \[--\] COMMAND \[ARGS\.\.\.\]$" "--help: bwrap's usage line"
like "$out" "--overlay-src SRC" "--help lists 0.11's options"
bw_run "$HUTCH_BWRAP" --version
like "$rc $out" "^0 bubblewrap 0\.11\.0 \(hutch-bwrap " "--version"

# Nothing left running: every run above has ended with its sandbox.
left=$(grep -l "HUTCH_BWRAP_BADINPUT_MARK=$$" /proc/[0-9]*/environ 2>/dev/null |
	grep -v -e "^/proc/$$/" -e "^/proc/$BASHPID/" -e "^/proc/self/" -e "^/proc/thread-self/" |
	while read -r f; do p=${f#/proc/}; p=${p%%/*}; grep -q hutch-bwrap "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done)
is "$left" "" "no hutch-bwrap process is left behind"

done_testing
