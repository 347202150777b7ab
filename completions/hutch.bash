# bash completion for hutch(1)                                      -*- shell-script -*-
#
# The options come from the hutch being completed, at completion time: `hutch --dump-options`
# prints the option table (name, short, arg|noarg, metavar, fixed values, directive, help), so
# an option added to the table completes without an edit here. What an option's argument
# completes to is read from that table too: its fixed values; files for a metavar naming a path
# (SRC, DST, PATH, FILE, TARGET, LINK) or a help text offering a FILE; directories for DIR;
# capability names for CAPS; variable names for NAME=VALUE and --unsetenv; profile names for
# --profile. After `--` or the first word that is not an option comes the command, completed
# as bash-completion completes it (its own completion takes over), or as files without it;
# `profile show|check` completes profile names, `join`/`stop` the names of running sandboxes
# (then `join` a command, `stop` --timeout), `list` and `doctor` --json, `changes`, `apply` and
# `discard` the names of workspaces (then `changes` --diff and --json, `apply` paths),
# `desktop` install|remove then profile names and --all, `learn` -o FILE then hutch's options
# and the command. The first word offers the subcommands beside the commands.
#
# Works with and without the bash-completion package; tests/docs/bash-completion.sh drives it
# by setting COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT and calling _hutch.

# Where `meson install` put the profiles (substituted at build time; unset in the source).
_hutch_datadir_profiles='@PROFILEDIR@'

# Capability names as libcap spells them, without "cap_"; tests/docs/capabilities.sh checks
# this list against the installed libcap.
_hutch_capabilities='chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap
linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module
sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time
sys_tty_config mknod lease audit_write audit_control setfcap mac_override mac_admin syslog
wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore'

# _hutch_table BIN: the option table of BIN into the associative arrays _hutch_opt_* (long
# name → field) and _hutch_short (letter → long name).
_hutch_table() {
	local name short arg metavar values directive help
	_hutch_opt_arg=() _hutch_opt_metavar=() _hutch_opt_values=() _hutch_opt_help=() _hutch_short=()
	while IFS=$'\t' read -r name short arg metavar values directive help; do
		[[ -n $name && $arg == @(arg|noarg) ]] || continue
		_hutch_opt_arg[$name]=$arg
		_hutch_opt_metavar[$name]=${metavar#-}
		_hutch_opt_values[$name]=${values#-}
		_hutch_opt_help[$name]=$help
		[[ $short != - ]] && _hutch_short[$short]=$name
	done < <("$1" --dump-options 2>/dev/null)
}

# _hutch_words: COMP_WORDS as typed. bash splits "--bind=/a:/b" at each COMP_WORDBREAKS
# character; the pieces with no blank between them in COMP_LINE are joined again. Sets words,
# cword, and rawidx (each word's first index in COMP_WORDS).
_hutch_words() {
	local line=${COMP_LINE-} pos=0 i w blank
	words=() rawidx=() cword=-1
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		blank=0
		while [[ ${line:pos:1} == [[:blank:]] ]]; do
			((pos++, blank = 1))
		done
		if [[ -n $line && ${line:pos:${#w}} != "$w" ]]; then
			# COMP_LINE does not match (quoting, or a caller that set only COMP_WORDS).
			words=("${COMP_WORDS[@]}") rawidx=("${!COMP_WORDS[@]}") cword=$COMP_CWORD
			return
		fi
		((pos += ${#w}))
		if ((i == 0 || blank)) || [[ -z $line ]]; then
			words+=("$w")
			rawidx+=("$i")
		else
			words[-1]+=$w
		fi
		((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
	done
	if ((cword < 0)); then # the cursor is past the last word
		words+=("")
		rawidx+=("$COMP_CWORD")
		cword=$((${#words[@]} - 1))
	fi
}

# _hutch_reply PREFIX CANDIDATE...: set COMPREPLY to the candidates that extend the current
# word; PREFIX is what comes before the value in the word ("--bind=", "/src:", "net_raw,").
# readline replaces only the text after the word's last COMP_WORDBREAKS character, so that
# much of the word is cut off each candidate.
_hutch_reply() {
	local prefix=$1 c cut=$cur
	shift
	[[ -n ${COMP_WORDBREAKS-} ]] && cut=${cur##*["$COMP_WORDBREAKS"]}
	for c in "$@"; do
		c=$prefix$c
		[[ $c == "$cur"* ]] || continue
		COMPREPLY+=("${c:${#cur}-${#cut}}")
	done
}

# Profile names, from the directories hutch searches: the user's, /etc's, then the shipped
# set ($HUTCH_PROFILE_PATH, a colon-separated list, stands in for it when set).
_hutch_profiles() {
	local d f
	local -a dirs=("${XDG_CONFIG_HOME:-$HOME/.config}/hutch/profiles" /etc/hutch/profiles)
	if [[ -n ${HUTCH_PROFILE_PATH-} ]]; then
		IFS=: read -ra f <<<"$HUTCH_PROFILE_PATH"
		dirs+=("${f[@]}")
	else
		dirs+=("$_hutch_datadir_profiles" /usr/share/hutch/profiles)
	fi
	for d in "${dirs[@]}"; do
		[[ $d == /* && -d $d ]] || continue
		for f in "$d"/*.profile; do
			[[ -e $f ]] || continue
			f=${f##*/}
			printf '%s\n' "${f%.profile}"
		done
	done | sort -u
}

_hutch_workspaces() {
	local d
	for d in "${XDG_STATE_HOME:-$HOME/.local/state}"/hutch/workspaces/*/; do
		[[ -d $d ]] || continue
		d=${d%/}
		printf '%s\n' "${d##*/}"
	done
}

_hutch_sandboxes() {
	local d
	[[ -n ${XDG_RUNTIME_DIR-} ]] || return 0
	for d in "$XDG_RUNTIME_DIR"/hutch/*/; do
		[[ -d $d ]] || continue
		d=${d%/}
		printf '%s\n' "${d##*/}"
	done
}

# _hutch_files PREFIX WORD [-f|-d]: paths that extend WORD (directories only with -d);
# readline quotes them and marks directories (-o filenames).
_hutch_files() {
	local -a found
	compopt -o filenames 2>/dev/null
	mapfile -t found < <(compgen "${3:--f}" -- "$2")
	_hutch_reply "$1" "${found[@]}"
}

# _hutch_value OPTION PREFIX VALUE: complete VALUE, the argument of --OPTION.
_hutch_value() {
	local opt=$1 prefix=$2 val=$3
	local metavar=${_hutch_opt_metavar[$opt]-} help=${_hutch_opt_help[$opt]-}
	local -a list more

	read -ra list <<<"${_hutch_opt_values[$opt]-}"
	case $opt in
	profile)
		if [[ $val == @(*/*|.*|'~'*) ]]; then
			_hutch_files "$prefix" "$val"
			return
		fi
		mapfile -t more < <(_hutch_profiles)
		;;
	unsetenv) mapfile -t more < <(compgen -e) ;;
	esac
	list+=("${more[@]}")
	case $metavar in
	*CAPS*)
		_hutch_caps "$prefix" "$val"
		return
		;;
	*=VALUE*)
		if [[ $val != *=* ]]; then
			compopt -o nospace 2>/dev/null
			mapfile -t more < <(compgen -e -S =)
			_hutch_reply "$prefix" "${more[@]}"
		fi
		return
		;;
	esac
	if [[ $opt == private-etc ]]; then # a comma-separated list of names in /etc
		mapfile -t more < <(compgen -f -- "/etc/${val##*,}")
		[[ $val == *,* ]] && prefix+=${val%,*},
		_hutch_reply "$prefix" "${more[@]#/etc/}"
		return
	fi
	if [[ $opt == private-bin ]]; then # a comma-separated list of programs in /usr/bin
		mapfile -t more < <(compgen -f -- "/usr/bin/${val##*,}")
		[[ $val == *,* ]] && prefix+=${val%,*},
		_hutch_reply "$prefix" "${more[@]#/usr/bin/}"
		return
	fi
	_hutch_reply "$prefix" "${list[@]}"
	local kind=
	[[ $metavar == *@(SRC|DST|PATH|FILE|TARGET|LINK|UPPER)* || $help == *FILE* ]] && kind=-f
	[[ $metavar == *DIR* ]] && kind=-d
	[[ -n $kind ]] || return 0
	# SRC[:DST], TARGET:LINK, DIR[:DIR...]: after a colon comes the next path.
	if [[ $metavar == *:* && $val == *:* ]]; then
		_hutch_files "$prefix${val%:*}:" "${val##*:}" $kind
	else
		_hutch_files "$prefix" "$val" $kind
	fi
}

# _hutch_caps PREFIX VALUE: the last element of a comma-separated list of capabilities, in
# the spelling begun (net_raw, NET_RAW, cap_net_raw, CAP_NET_RAW), or ALL.
_hutch_caps() {
	local head= last=${2##*,} c
	local -a list=()
	[[ $2 == *,* ]] && head=${2%,*},
	[[ $last == [Cc][Aa][Pp]_* ]] || list+=(ALL)
	for c in $_hutch_capabilities; do
		[[ $last == [Cc][Aa][Pp]_* ]] && c=${last:0:4}$c
		[[ $last == [[:upper:]]* ]] && c=${c^^}
		list+=("$c")
	done
	_hutch_reply "$1$head" "${list[@]}"
}

# _hutch_subcommand: the arguments of a subcommand (only the first word of the command line
# names one: `hutch -- profile` runs a program). 1 when words[1] is none.
_hutch_subcommand() {
	local -a names
	case ${words[1]} in
	profile)
		if ((cword == 2)); then
			_hutch_reply "" show check list import
		elif [[ ${words[2]} == @(show|check) ]]; then
			mapfile -t names < <(_hutch_profiles)
			_hutch_reply "" "${names[@]}"
			[[ $cur == @(*/*|.*|'~'*) ]] && _hutch_files "" "$cur"
		elif [[ ${words[2]} == import ]]; then
			# import firejail NAME|PATH [-o FILE]: firejail's profile names (issue 26)
			if ((cword == 3)); then
				_hutch_reply "" firejail
			elif ((cword == 4)); then
				mapfile -t names < <(compgen -G "${XDG_CONFIG_HOME:-$HOME/.config}/firejail/*.profile"
					compgen -G "/etc/firejail/*.profile")
				names=("${names[@]##*/}")
				_hutch_reply "" "${names[@]%.profile}"
				[[ $cur == @(*/*|.*|'~'*) ]] && _hutch_files "" "$cur"
			elif ((cword == 5)); then
				_hutch_reply "" -o
			else
				_hutch_files "" "$cur"
			fi
		fi
		;;
	list | doctor)
		((cword == 2)) && _hutch_reply "" --json
		;;
	changes | apply | discard)
		if ((cword == 2)); then
			mapfile -t names < <(_hutch_workspaces)
			_hutch_reply "" "${names[@]}"
		elif [[ ${words[1]} == changes ]]; then
			_hutch_reply "" --diff --json
		elif [[ ${words[1]} == apply && $cur == -* ]]; then
			_hutch_reply "" --overwrite --drop --merge
		elif [[ ${words[1]} == apply ]]; then
			_hutch_files "" "$cur"
		fi
		;;
	desktop)
		if ((cword == 2)); then
			_hutch_reply "" install remove
		elif [[ ${words[2]} == @(install|remove) ]]; then
			mapfile -t names < <(_hutch_profiles)
			_hutch_reply "" --all "${names[@]}"
		fi
		;;
	learn)
		if [[ ${words[cword - 1]} == @(-o|--output) ]]; then
			_hutch_files "" "$cur"
		else
			_hutch_args 2 -o
		fi
		;;
	join | stop)
		if ((cword == 2)); then
			mapfile -t names < <(_hutch_sandboxes)
			_hutch_reply "" "${names[@]}"
		elif [[ ${words[1]} == stop ]]; then
			[[ ${words[cword - 1]} == --timeout ]] || _hutch_reply "" --timeout
		elif [[ ${words[3]} == -- ]] && ((cword > 3)); then
			_hutch_command 4 # join NAME -- COMMAND
		else
			_hutch_command 3
		fi
		;;
	*) return 1 ;;
	esac
	return 0
}

# What the first word may name besides a program (main.c's table; absent ones say so).
_hutch_subcommands='profile list join stop desktop doctor learn changes apply discard'

# _hutch_command IDX: complete the command that starts at words[IDX].
_hutch_command() {
	local idx=$1
	((idx == 1 && cword > 1)) && _hutch_subcommand && return
	if declare -F _comp_command_offset >/dev/null; then
		_comp_command_offset "${rawidx[idx]}"
	elif declare -F _command_offset >/dev/null; then
		_command_offset "${rawidx[idx]}"
	elif ((cword == idx)); then
		local -a cmds
		mapfile -t cmds < <(compgen -c -- "$cur")
		_hutch_reply "" "${cmds[@]}"
	else
		_hutch_files "" "$cur"
	fi
	# shellcheck disable=SC2086 # a list of words
	((idx == 1 && cword == 1)) && _hutch_reply "" $_hutch_subcommands
	return 0
}

# _hutch_args START [EXTRA...]: hutch's options from words[START] on, then the command; EXTRA
# are more options to offer (learn's -o, whose argument the caller completes).
_hutch_args() {
	local start=$1 i w name
	shift
	# Where the options end: at `--` or at the first word that is not an option.
	for ((i = start; i < cword; i++)); do
		w=${words[i]}
		if [[ $w == @(-o|--output) ]] && ((start > 1)); then
			((i += 1))
			continue
		fi
		if [[ $w == -- ]]; then
			_hutch_command $((i + 1))
			return
		elif [[ $w == --*=* ]]; then
			continue
		elif [[ $w == --?* ]]; then
			[[ ${_hutch_opt_arg[${w#--}]-} == arg ]] && ((i++))
		elif [[ $w == -? ]]; then
			name=${_hutch_short[${w#-}]-}
			[[ -n $name && ${_hutch_opt_arg[$name]} == arg ]] && ((i++))
		elif [[ $w != -* ]]; then
			_hutch_command "$i"
			return
		fi
	done

	# The argument of an option: --opt=VALUE, or --opt VALUE / -o VALUE.
	if [[ $cur == --*=* && ${_hutch_opt_arg[${cur%%=*}]-} != noarg ]]; then
		name=${cur%%=*}
		name=${name#--}
		[[ ${_hutch_opt_arg[$name]-} == arg ]] && _hutch_value "$name" "--$name=" "${cur#*=}"
		return
	fi
	name=
	[[ $prev == --?* ]] && name=${prev#--}
	[[ $prev == -? ]] && name=${_hutch_short[${prev#-}]-}
	if [[ -n $name && ${_hutch_opt_arg[$name]-} == arg ]]; then
		_hutch_value "$name" "" "$cur"
		return
	fi

	if [[ $cur == -* ]]; then
		local -a opts=(-- "$@")
		for name in "${!_hutch_opt_arg[@]}"; do
			opts+=("--$name")
		done
		for w in "${!_hutch_short[@]}"; do
			opts+=("-$w")
		done
		_hutch_reply "" "${opts[@]}"
		return
	fi
	_hutch_command "$cword"
}

_hutch() {
	local -a words rawidx
	local cword cur prev bin
	local -A _hutch_opt_arg _hutch_opt_metavar _hutch_opt_values _hutch_opt_help _hutch_short
	COMPREPLY=()
	_hutch_words
	cur=${words[cword]}
	prev=
	((cword > 0)) && prev=${words[cword - 1]}
	bin=${words[0]}
	[[ $bin == '~/'* ]] && bin=$HOME/${bin#'~/'}
	_hutch_table "$bin"
	((${#_hutch_opt_arg[@]})) || _hutch_table hutch
	_hutch_args 1
}

complete -F _hutch hutch
