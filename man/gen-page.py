#!/usr/bin/env python3
"""Prepare a man page's scdoc source for scdoc(1): replace @VERSION@ with the version and
@SECCOMP_TABLE@ with the default system call filter, read from src/command/seccomp-table.h, the same
rows seccomp.c builds the filter from, so the page cannot drift from the code.

usage: gen-page.py --version V [--seccomp-table FILE] INPUT.scd OUTPUT.scd
       gen-page.py --seccomp-table FILE --list     (the system call names, one a line)

Run by man/meson.build at build time; the table's C is parsed here, not compiled: a row is
{ "name", KIND, GATE, ERRNO, "reason" "continued" }, inside seccomp_default_rows[].
"""
import argparse
import re
import sys

# How a row's kind and gate read in the page. A kind or gate added to the header without a
# line here still builds: it gets the generic text and a warning on stderr.
KINDS = {
    'SCR_PLAIN': '',
    'SCR_PERSONALITY': 'for most arguments',
    'SCR_TTY_IOCTL': 'for the requests TIOCSTI and TIOCLINUX',
    'SCR_NEWUSER': 'when the flags ask for CLONE_NEWUSER',
}
GATES = {
    'SCG_NONE': '',
    'SCG_PTRACE': '--allow-ptrace',
    'SCG_USERNS': '--allow-userns',
}

TOKEN = re.compile(r'''\s+|//[^\n]*|/\*.*?\*/|("(?:[^"\\\n]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*|\d+)|([{},])''',
                   re.S)


def c_string(lit):
    """The value of one C string literal (only the escapes a reason may use)."""
    body = lit[1:-1]
    return re.sub(r'\\(.)', lambda m: {'n': ' ', 't': ' '}.get(m.group(1), m.group(1)), body)


def tokens(text):
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise ValueError(f'unexpected text at offset {pos}: {text[pos:pos + 30]!r}')
        pos = m.end()
        if m.group(1):
            yield ('str', c_string(m.group(1)))
        elif m.group(2):
            yield ('word', m.group(2))
        elif m.group(3):
            yield (m.group(3), m.group(3))


def read_rows(path):
    text = open(path, encoding='utf-8').read()
    m = re.search(r'seccomp_default_rows\s*\[\s*\]\s*=\s*{', text)
    if not m:
        raise ValueError(f'{path}: no seccomp_default_rows[] initializer')
    rows, row, field, depth = [], None, [], 1
    for kind, val in tokens(text[m.end():]):
        if kind == '{':
            depth += 1
            row, field = [], []
        elif kind == ',' and depth == 2:
            row.append(field)
            field = []
        elif kind == '}':
            depth -= 1
            if depth == 0:
                break
            if field:
                row.append(field)
            rows.append(row)
            field = []
        elif depth == 2:
            field.append((kind, val))
    out = []
    for r in rows:
        if len(r) != 5 or r[0][0][0] != 'str':
            raise ValueError(f'{path}: a row is not {{ "name", KIND, GATE, ERRNO, "reason" }}: {r}')
        out.append({
            'name': r[0][0][1],
            'kind': r[1][0][1],
            'gate': r[2][0][1],
            'errno': ' '.join(v for _, v in r[3]),
            'reason': ''.join(v for k, v in r[4] if k == 'str'),
        })
    if not out:
        raise ValueError(f'{path}: seccomp_default_rows[] is empty')
    return out


def scd_escape(s):
    """Text taken as it is by scdoc: its markup characters escaped."""
    return re.sub(r'([\\*_])', r'\\\1', s)


def describe(table, what, key):
    if key in table:
        return table[key]
    print(f'gen-page.py: warning: no wording for {what} {key}; using a generic one', file=sys.stderr)
    return 'under some conditions' if what == 'kind' else 'an option'


def seccomp_section(rows):
    lines = []
    for r in rows:
        when = describe(KINDS, 'kind', r['kind'])
        gate = describe(GATES, 'gate', r['gate'])
        head = f'*{scd_escape(r["name"])}*'
        if when:
            head += f' ({scd_escape(when)})'
        head += f': *{scd_escape(r["errno"])}*'
        reason = r['reason'].strip().rstrip('.')
        body = scd_escape(reason) + '.'
        if gate and gate not in reason:
            body += f' Lifted by *{scd_escape(gate)}*.'
        lines += [head, '\t' + body, '']
    return '\n'.join(lines).rstrip('\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--version', default='')
    ap.add_argument('--seccomp-table')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('input', nargs='?')
    ap.add_argument('output', nargs='?')
    a = ap.parse_args()
    try:
        rows = read_rows(a.seccomp_table) if a.seccomp_table else None
    except (OSError, ValueError) as e:
        sys.exit(f'gen-page.py: {e}')
    if a.list:
        if rows is None:
            sys.exit('gen-page.py: --list needs --seccomp-table')
        print('\n'.join(r['name'] for r in rows))
        return
    if not a.input or not a.output:
        ap.error('INPUT and OUTPUT are needed')
    text = open(a.input, encoding='utf-8').read().replace('@VERSION@', a.version)
    if '@SECCOMP_TABLE@' in text:
        if rows is None:
            sys.exit(f'gen-page.py: {a.input} has @SECCOMP_TABLE@ but no --seccomp-table was given')
        text = text.replace('@SECCOMP_TABLE@', seccomp_section(rows))
    with open(a.output, 'w', encoding='utf-8') as out:
        out.write(text)


if __name__ == '__main__':
    main()
