# fish completion for hutch(1)
#
# The options come from hutch itself when fish loads this file (on the first completion of
# hutch in a session): `hutch --dump-options` prints the option table (name, short,
# arg|noarg, metavar, fixed values, directive, help), so an option added to the table
# completes without an edit here. An option's argument completes from the same table: its
# fixed values; files for a metavar naming a path (SRC, DST, PATH, FILE, TARGET, LINK) or a
# help text offering a FILE; directories for DIR; capability names for CAPS; variable names
# for NAME=VALUE and --unsetenv; profile names for --profile. After `--` or the first word
# that is not an option comes the command, completed as fish completes it; `profile
# show|check` completes profile names, `join`/`stop` the names of running sandboxes,
# `changes`/`apply`/`discard` workspace names, `desktop` install|remove and profile names.

# Where `meson install` put the profiles (substituted at build time).
set -g __hutch_datadir_profiles '@PROFILEDIR@'

# Capability names as libcap spells them, without "cap_" (checked against libcap by
# tests/docs/capabilities.sh).
set -g __hutch_capabilities chown dac_override dac_read_search fowner fsetid kill setgid setuid \
    setpcap linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner \
    sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource \
    sys_time sys_tty_config mknod lease audit_write audit_control setfcap mac_override mac_admin \
    syslog wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore

# Long and short names of the options that take an argument (filled below).
set -g __hutch_arg_long
set -g __hutch_arg_short

# The words of the command line from the command on (empty while options may still come).
function __hutch_command_words
    set -l tokens (commandline -opc) (commandline -ct)
    set -e tokens[1]
    set -l skip 0
    for i in (seq (count $tokens))
        set -l t $tokens[$i]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case --
                set -q tokens[(math $i + 1)]; and printf '%s\n' $tokens[(math $i + 1)..-1]
                return
            case '--*=*'
                continue
            case '--*'
                contains -- (string sub -s 3 -- $t) $__hutch_arg_long; and set skip 1
            case '-?'
                contains -- (string sub -s 2 -- $t) $__hutch_arg_short; and set skip 1
            case '-*'
                continue
            case '*'
                # The last token is the one being typed: it is a command only once it is
                # past the options.
                printf '%s\n' $tokens[$i..-1]
                return
        end
    end
end

function __hutch_in_command
    set -l words (__hutch_command_words)
    set -q words[1]
end

# The command, or a subcommand's arguments: only the first word of the line names one
# (`hutch -- profile` runs a program).
function __hutch_complete_command
    set -l words (__hutch_command_words)
    set -l line (commandline -opc)
    if test "$line[2]" = "$words[1]"
        switch $words[1]
            case profile
                if test (count $words) -eq 2
                    printf '%s\n' show check list import
                else if test "$words[2]" = import
                    switch (count $words)
                        case 3
                            printf '%s\n' firejail
                        case 4
                            for f in $HOME/.config/firejail/*.profile /etc/firejail/*.profile
                                string replace -r '.*/(.*)\.profile$' '$1' -- $f
                            end
                        case 5
                            printf '%s\n' -o
                        case '*'
                            __fish_complete_path (commandline -ct)
                    end
                else if contains -- $words[2] show check
                    __hutch_profiles
                    string match -qr '/|^[.~]' -- (commandline -ct); and __fish_complete_path (commandline -ct)
                end
                return
            case join stop
                test (count $words) -eq 2; and __hutch_sandboxes
                return
            case list doctor
                test (count $words) -eq 2; and printf '%s\n' --json
                return
            case changes apply discard
                if test (count $words) -eq 2
                    __hutch_workspaces
                else if test $words[1] = changes
                    printf '%s\n' --diff --json
                else if test $words[1] = apply
                    string match -q -- '-*' (commandline -ct); and printf '%s\n' --overwrite --drop --merge
                    __fish_complete_path (commandline -ct)
                end
                return
            case desktop
                if test (count $words) -eq 2
                    printf '%s\n' install remove
                else if contains -- $words[2] install remove
                    printf '%s\n' --all
                    __hutch_profiles
                end
                return
        end
    end
    set -l escaped (string escape -- $words)
    complete -C (string join ' ' -- $escaped)
end

function __hutch_profiles
    # The user's, /etc's, then the shipped set ($HUTCH_PROFILE_PATH stands in for it when set).
    set -l dirs (set -q XDG_CONFIG_HOME; and echo $XDG_CONFIG_HOME; or echo $HOME/.config)/hutch/profiles \
        /etc/hutch/profiles
    if set -q HUTCH_PROFILE_PATH
        set -a dirs (string split : -- $HUTCH_PROFILE_PATH)
    else
        set -a dirs $__hutch_datadir_profiles /usr/share/hutch/profiles
    end
    for d in $dirs
        string match -q '/*' -- $d; or continue
        for f in $d/*.profile
            string replace -r '\.profile$' '' -- (path basename -- $f)
        end
    end | sort -u
end

# --profile: profile names, or paths once the word looks like one.
function __hutch_profile_arg
    set -l word (commandline -ct)
    string replace -r '^--profile=' '' -- $word | read -l val
    if string match -qr '^[./~]|/' -- "$val"
        __fish_complete_path $val
    else
        __hutch_profiles
    end
end

function __hutch_workspaces
    set -l state (set -q XDG_STATE_HOME; and echo $XDG_STATE_HOME; or echo $HOME/.local/state)
    for d in $state/hutch/workspaces/*/
        path basename -- $d
    end
end

function __hutch_sandboxes
    set -q XDG_RUNTIME_DIR; or return
    for d in $XDG_RUNTIME_DIR/hutch/*/
        path basename -- $d
    end
end

# Directories; in a colon-separated list (DIR[:DIR...]), for its last element.
function __hutch_dirs
    set -l word (string replace -r '^--[^=]*=' '' -- (commandline -ct))
    set -l head (string match -r '^.*:' -- $word)
    __fish_complete_directories (string replace -r '^.*:' '' -- $word) | string replace -r '^' "$head"
end

function __hutch_etc
    path basename /etc/*
end

function __hutch_bin
    path basename /usr/bin/*
end

function __hutch_caps
    echo ALL
    printf '%s\n' $__hutch_capabilities
end

function __hutch_register_options
    command -q hutch; or return
    set -l table (command hutch --dump-options 2>/dev/null)
    for line in $table
        set -l f (string split \t -- $line)
        set -q f[7]; or continue
        set -l name $f[1]
        set -l short $f[2]
        set -l metavar $f[4]
        set -l values (string split ' ' -- $f[5])
        set -l help $f[7]
        set -l spec -c hutch -n 'not __hutch_in_command' -l $name -d $help
        test $short != -; and set -a spec -s $short
        if test $f[3] = noarg
            complete $spec
            continue
        end
        set -a __hutch_arg_long $name
        test $short != -; and set -a __hutch_arg_short $short
        set -l args
        test "$values" != -; and set args $values
        if test $name = profile
            complete $spec -x -a '(__hutch_profile_arg)'
        else if string match -q '*CAPS*' -- $metavar
            complete $spec -x -a '(__fish_complete_list , __hutch_caps)'
        else if string match -q '*=VALUE*' -- $metavar
            complete $spec -x -a '(set -xn | string replace -r \'$\' =)'
        else if test $name = unsetenv
            complete $spec -x -a '(set -xn)'
        else if test $name = private-etc
            complete $spec -x -a '(__fish_complete_list , __hutch_etc)'
        else if test $name = private-bin
            complete $spec -x -a '(__fish_complete_list , __hutch_bin)'
        else if string match -q '*DIR*' -- $metavar
            complete $spec -x -a "$args (__hutch_dirs)"
        else if string match -qr 'SRC|DST|PATH|FILE|TARGET|LINK|UPPER' -- $metavar; or string match -q '*FILE*' -- $help
            complete $spec -r -F -a "$args"
        else if set -q args[1]
            complete $spec -x -a "$args"
        else
            complete $spec -x
        end
    end
end

complete -c hutch -e
__hutch_register_options
complete -c hutch -n __hutch_in_command -x -a '(__hutch_complete_command)'
complete -c hutch -n 'not __hutch_in_command' -x -a '(__fish_complete_command)'
