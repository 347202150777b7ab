# zsh-complete.zsh FPATH_DIR LINE: complete LINE (then TAB) in an interactive zsh on a
# pseudo-terminal, with compinit loading the completion functions of FPATH_DIR, and print the
# matches zsh offered, one a line. A compadd wrapper records them; a key bound to a widget
# that prints a marker tells when the completion is over. No sleeping: the zpty reads block
# on the pattern (the caller puts a time limit on the whole run).
zmodload zsh/zpty || exit 2
local dir=$1 line=$2 out=${TMPDIR:-/tmp}/zsh-complete.$$ text
: >$out
zpty z zsh -f -i || exit 2
zpty -w z "PS1='>'; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "compadd() { local -a __m; builtin compadd -O __m \"\$@\"; print -rl -- \$__m >>${(q)out}; builtin compadd \"\$@\"; }"
zpty -w z "_hutch_test_done() { zle -M MATCHES-\$((6*7))-DONE; }; zle -N _hutch_test_done; bindkey '^X' _hutch_test_done"
# The marker is spelled differently in the command above, so only the widget prints it.
zpty -w -n z "$line"$'\t\x18'
zpty -r -m z text '*MATCHES-42-DONE*'
zpty -d z
sort -u $out
rm -f $out
