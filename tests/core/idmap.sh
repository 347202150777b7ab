#!/usr/bin/env bash
# The id maps inside: the caller keeps its own ids and the subordinate ranges fill the rest
# from 0 (newuidmap/newgidmap), or one line written directly (single); --uid/--gid choose the
# identity inside. Run once per id-map mode by tests/run (HUTCH_TEST_IDMAP).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

mode=$(expected_idmap)
default_mode=$(default_idmap)
U=$(id -u)
G=$(id -g)
diag "id-map mode expected: $default_mode by default, $mode where ranges are needed (caller $U:$G)"

# Print the maps, the identity and setgroups, separated by "--" lines.
MAPS='cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; id -u; id -g; cat /proc/self/setgroups'

# part N: the Nth "--"-separated section of $out, with whitespace squeezed.
part() {
	printf '%s\n' "$out" | awk -v n="$1" '/^--$/ { s++; next } s == n - 1 { $1 = $1; print }'
}

# check_single MAP INSIDE OUTSIDE DESC: exactly one line, INSIDE OUTSIDE 1.
check_single() {
	is "$1" "$2 $3 1" "$4"
}

# check_ranges MAP INSIDE OUTSIDE SUBIDFILE DESC: the caller's OUTSIDE id is INSIDE (count 1);
# every other line maps into the caller's subordinate ranges; no inside id is mapped twice;
# inside ids 0 up to the size of the ranges (at most 65536) are all mapped.
check_ranges() {
	local problems
	problems=$(
		{
			subid_ranges "$4" | sed 's/^/R /'
			printf '%s\n' "$1" | sed 's/^/M /'
		} | awk -v in_id="$2" -v out_id="$3" '
		$1 == "R" { rs[++nr] = $2; rc[nr] = $3; total += $3; next }
		$1 == "M" {
			nm++; mi[nm] = $2; mo[nm] = $3; mc[nm] = $4
			if ($2 == in_id && $3 == out_id && $4 == 1) { own = 1; next }
			inside = 0
			for (r = 1; r <= nr; r++)
				if ($3 >= rs[r] && $3 + $4 <= rs[r] + rc[r]) inside = 1
			if (!inside) print "line outside the subordinate ranges: " $2, $3, $4
		}
		END {
			if (!own) print "no line " in_id " " out_id " 1"
			for (a = 1; a <= nm; a++)
				for (b = a + 1; b <= nm; b++)
					if (mi[a] < mi[b] + mc[b] && mi[b] < mi[a] + mc[a])
						print "inside ids mapped twice: lines " a " and " b
			want = total < 65536 ? total : 65536
			for (id = 0; id < want; id++) {
				found = 0
				for (a = 1; a <= nm; a++)
					if (id >= mi[a] && id < mi[a] + mc[a]) { found = 1; break }
				if (!found) { print "inside id " id " is not mapped"; break }
			}
		}' 2>&1
	) || problems="$problems (the check itself failed)"
	if [ -z "$problems" ]; then
		ok "$5"
	else
		not_ok "$5" "$problems" "map:" "$1"
	fi
}

# check_map KIND MAP INSIDE OUTSIDE DESC: the map of the mode in $want.
check_map() {
	if [ "$want" = single ]; then
		check_single "$2" "$3" "$4" "$5"
	else
		check_ranges "$2" "$3" "$4" "/etc/sub$1" "$5"
	fi
}

# --- default: keep-id
want=$default_mode
run_sh "$MAPS"
expect_exit 0 "hutch runs the map dump"
diag "uid_map inside:" "$(part 1)" "gid_map inside:" "$(part 2)"
check_map uid "$(part 1)" "$U" "$U" "uid_map ($want): $U stays $U"
check_map gid "$(part 2)" "$G" "$G" "gid_map ($want): $G stays $G"
is "$(part 3 | sed -n 1p)" "$U" "id -u inside is the caller's uid"
is "$(part 3 | sed -n 2p)" "$G" "id -g inside is the caller's gid"
if [ "$want" = single ]; then
	is "$(part 3 | sed -n 3p)" "deny" "single map: setgroups is denied"
else
	skip "setgroups stays allowed with newgidmap"
fi

# --- a fake root: other ids inside need the ranges
want=$mode
run_sh --uid 0 --gid 0 "$MAPS"
expect_exit 0 "--uid 0 --gid 0 runs"
check_map uid "$(part 1)" 0 "$U" "--uid 0: uid_map ($mode) maps $U to 0"
check_map gid "$(part 2)" 0 "$G" "--gid 0: gid_map ($mode) maps $G to 0"
is "$(part 3 | sed -n 1p)" 0 "--uid 0: id -u is 0"
is "$(part 3 | sed -n 2p)" 0 "--gid 0: id -g is 0"

# --- any other id
run_sh --uid 4321 --gid 4322 "$MAPS"
expect_exit 0 "--uid 4321 --gid 4322 runs"
check_map uid "$(part 1)" 4321 "$U" "--uid 4321: uid_map ($mode) maps $U to 4321"
check_map gid "$(part 2)" 4322 "$G" "--gid 4322: gid_map ($mode) maps $G to 4322"
is "$(part 3 | sed -n 1,2p | tr '\n' ' ')" "4321 4322 " "--uid/--gid: the identity inside"

# --- files of the host keep their owners where the map covers them
run_hutch -- stat -c '%u %g' /usr
expect_exit 0 "stat /usr inside"
if [ "$U" -ne 0 ]; then
	is "$out" "65534 65534" "host root shows as the overflow id (it is not mapped)"
else
	skip "the caller is root"
fi

# --- explicit modes, and auto's own choices: hutch as the user starts it (no --idmap added)
if [ "${HUTCH_TEST_IDMAP:-auto}" != single ]; then
	HUTCH_CMD=("$HUTCH")
	mode=$(HUTCH_TEST_IDMAP= expected_idmap)
	run_hutch --idmap single -- cat /proc/self/uid_map
	expect_exit 0 "--idmap single runs"
	is "$(printf '%s\n' "$out" | awk '{ $1 = $1; print }')" "$U $U 1" "--idmap single: one line"
	run_hutch --idmap subid -- cat /proc/self/uid_map
	if [ "$mode" = subid ]; then
		expect_exit 0 "--idmap subid runs where the helpers and ranges exist"
	else
		expect_exit 125 "--idmap subid fails (125) without helpers or ranges"
	fi
	# No helpers on PATH: auto falls back to the single map and says so under --verbose.
	mkdir "$TEST_TMP/nobin"
	saved=("${HUTCH_CMD[@]}")
	HUTCH_CMD=(env PATH="$TEST_TMP/nobin" "$HUTCH")
	run_hutch --verbose --uid 0 -- /bin/cat /proc/self/uid_map
	HUTCH_CMD=("${saved[@]}")
	expect_exit 0 "auto without newuidmap on PATH runs (--uid 0 wants ranges)"
	is "$(printf '%s\n' "$out" | awk '{ $1 = $1; print }')" "0 $U 1" "auto without newuidmap: the single map"
	like "$err" "single-id fallback" "auto without newuidmap: --verbose says it fell back to a single map"
	# --idmap auto's rule: ranges only where the sandbox uses them (f9983ce took them always).
	run_hutch --verbose -- cat /proc/self/uid_map
	is "$(printf '%s\n' "$out" | awk '{ $1 = $1; print }')" "$U $U 1" "auto: the default sandbox gets the single map"
	like "$err" "id map: single \\(auto: " "auto: --verbose says the single map was chosen, and why"
	run_hutch --verbose --uid 0 -- cat /proc/self/uid_map
	if [ "$mode" = subid ]; then
		unlike "$(printf "%s\n" "$out" | wc -l)" "^ *1$" "auto: --uid 0 gets the subordinate ranges"
		like "$err" "subordinate ranges \\(auto: --uid/--gid" "auto: --verbose names --uid as the reason for the ranges"
	else
		skip_n 2 "no helpers or ranges here"
	fi
	# the choice is made before the clone: a root image that cannot run anything still shows it
	mkdir "$TEST_TMP/image"
	run_hutch --verbose --rootfs-bind "$TEST_TMP/image" -- /no/such/command
	like "$err" "id map: subordinate ranges \\(auto: a root file system image" "auto: --rootfs-bind asks for the ranges"
	run_hutch --verbose --persist "$TEST_TMP/upper" --rootfs "$TEST_TMP/image" -- /no/such/command
	like "$err" "id map: subordinate ranges \\(auto: " "auto: --rootfs with --persist asks for the ranges"
else
	skip_n 12 "explicit --idmap checks run where the test run does not force the single map"
fi

done_testing
