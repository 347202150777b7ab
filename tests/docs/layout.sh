#!/usr/bin/env bash
# The shape of src/ (issue 28 item 4), checked from the sources alone:
# - no include cycle: a module is a .c and its .h (src/front/mountplan.c and .h); module A
#   depends on module B when a file of A includes B's header, directly or through other
#   headers. No two modules may depend on each other, through any chain. src/front/config.h
#   is the hub every room reads (the read-only struct config): including it is no dependency,
#   and what it includes belongs to it; its driver, config_finish, is the one place that
#   calls each feature's finish step.
# - no file over 600 lines without a sentence in its first comment saying why ("... over 600
#   lines: ..."): a long file is two concerns until it says otherwise.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

cd "$HUTCH_SRCDIR" || bail_out "cannot enter $HUTCH_SRCDIR"
command -v python3 >/dev/null || skip_all "python3 not found"
[ -d src/front ] || bail_out "no src/front in $HUTCH_SRCDIR"

cycles=$(python3 - <<'PY'
import os, re, sys
HUB = {'front/config'}
inc = {}
for d, _, fs in os.walk('src'):
    for f in fs:
        if f.endswith(('.c', '.h')):
            p = os.path.join(d, f)[len('src/'):]
            with open(os.path.join(d, f), encoding='utf-8', errors='replace') as fh:
                inc[p] = re.findall(r'^#\s*include\s+"([^"]+)"', fh.read(), re.M)
mod = lambda p: p.rsplit('.', 1)[0]

def reach(p, seen):
    for h in inc.get(p, []):
        if h in inc and h not in seen:
            seen.add(h)
            if mod(h) not in HUB:
                reach(h, seen)
    return seen

deps, via = {}, {}
for p in sorted(inc):
    for h in sorted(reach(p, set())):
        a, b = mod(p), mod(h)
        if a != b and b not in HUB:
            deps.setdefault(a, set()).add(b)
            via.setdefault((a, b), p + ' includes ' + h)

# Tarjan's strongly connected components: each one of more than one module is a cycle.
index, low, stack, on, n = {}, {}, [], set(), [0]
sys.setrecursionlimit(100000)
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1
    stack.append(v); on.add(v)
    for w in sorted(deps.get(v, ())):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            print('cycle: ' + ' '.join(sorted(comp)))
            for a in sorted(comp):
                for b in sorted(deps.get(a, ())):
                    if b in comp:
                        print('  ' + via[(a, b)])
for v in sorted(deps):
    if v not in index:
        visit(v)
PY
) || bail_out "the include graph could not be read"
if [ -z "$cycles" ]; then
	ok "no include cycle between the modules of src/"
else
	not_ok "no include cycle between the modules of src/" "$cycles"
fi

long=()
while read -r lines file; do
	[ "$file" = total ] && continue
	[ "$lines" -gt 600 ] || continue
	sed -n '1,/\*\//p' "$file" | tr '\n' ' ' | grep -qiE 'over 600 lines:' || long+=("$file ($lines lines)")
done < <(find src -name '*.[ch]' -exec wc -l {} + | sort -k2)
is "$(printf '%s\n' "${long[@]}")" "" \
	"every file over 600 lines says why in its first comment (\"Over 600 lines: ...\")"

done_testing
