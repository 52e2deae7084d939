#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""mutate.py - mutation testing of one source file against the host tests

usage: scripts/mutate.py [-j JOBS] [--timeout S] [--only ID,ID...]
                         [--survivors] [--list] [--fresh] [FILE]

Makes one small change at a time to FILE (default buddy_core.c): a
comparison turned (< to <=, == to !=), && to ||, + 1 or - 1 dropped, true
to false, a ! or a ~ dropped, ++ to --, << to >>, |= to &=, or a statement
deleted.  Each mutant is built and tested in a copy of the working tree of
its own (build/mutate/wN, JOBS of them, default 2): the user-space tests
(tools/test, without sanitizers), and for the parser and the views
(buddy_cmd.c, buddy_view.c, buddy_pool.c) the pool layer's and the views'
tests, the parser's KUnit suite on the host, the textbook scenarios in the
twin and buddyctl's host tests (20 s a mutant that the others let
through).  A test that fails, or runs past the timeout (default 40 s), kills
the mutant; a mutant whose object code is byte for byte the original's is
"same-code" (dead code, or what the compiler folds), one that does not
build "invalid".  What survives is a change that no test notices: a gap in
the tests, or a change that only costs speed (a fast path's choice where
the slow one gives the same results), or one in code no pool reaches.

Results go to build/mutate/FILE.jsonl, one line per mutant (a run goes on
where the last one stopped; --fresh starts again; --survivors runs again
the mutants that survived, as after new tests), and the survivors are
listed at the end.  --list prints the mutants and runs nothing.  The
buddy_core.c run takes about 35 minutes on 2 CPUs; make mutate runs it
(MUTATE_FILE, MUTATE_JOBS).
"""
import argparse
import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name, pattern (in code, comments and strings blanked), replacement
OPS = [
    ('<=', r'<=', '<'),
    ('<', r'(?<![<\-])<(?![<=])', '<='),
    ('>=', r'(?<!>)>=', '>'),
    ('>', r'(?<![>\-])>(?![>=])', '>='),
    ('==', r'==', '!='),
    ('!=', r'!=', '=='),
    ('&&', r'&&', '||'),
    ('||', r'\|\|', '&&'),
    ('+1', r' \+ 1\b', ''),
    ('-1', r' - 1\b', ''),
    ('true', r'\btrue\b', 'false'),
    ('false', r'\bfalse\b', 'true'),
    ('!', r'!(?!=)', ''),
    ('~', r'~', ''),
    ('++', r'\+\+', '--'),
    ('--', r'--', '++'),
    ('<<', r'<<(?!=)', '>>'),
    ('>>', r'>>(?!=)', '<<'),
    ('|=', r'\|=', '&='),
    ('&=', r'&=', '|='),
]

# A statement on a line of its own: an assignment, an increment or a call.
STMT = re.compile(r'^\s+(?!return\b|break\b|continue\b|goto\b|case\b|'
                  r'default\b)[A-Za-z_][\w.\->\[\]\s*()]*?'
                  r'(=|\+=|-=|\|=|&=|\^=|<<=|>>=|\+\+|--|\()[^;]*;\s*$')
DECL = re.compile(r'^\s+(const\s+|static\s+|struct\s+|unsigned\s+|enum\s+)*'
                  r'(int|long|bool|char|u8|u16|u32|u64|size_t|unsigned|'
                  r'struct\s+\w+|enum\s+\w+)\b')

# What tests each file: the build targets (tools/Makefile) and the
# commands, in order, the quick first (a mutant they kill skips the rest);
# the core's KUnit suite after its tests in tools/test.
# "pool_*" stands for buddy_test's tests of the pool layer and the views
# (pool_*, view_*).
# buddyctl's host tests take the buddyctl built here, not one of their own
# with sanitizers: 20 s a mutant, not 40.
TESTS = {
    'default': (['../build/user/buddy_test', '../build/user/buddy_kunit_core'],
                [['./build/user/buddy_test'],
                 ['./build/user/buddy_kunit_core']]),
    'views': (['../build/user/buddy_test', '../build/user/buddy_kunit_cmd',
               '../build/user/buddyctl'],
              [['./build/user/buddy_test', 'pool_*'],
               ['./build/user/buddy_kunit_cmd'],
               ['./scripts/scenarios.sh'],
               ['env', 'BUDDYCTL=build/user/buddyctl',
                './tools/buddyctl/tests/run.sh']]),
}
VIEWS = ('buddy_cmd.c', 'buddy_view.c', 'buddy_pool.c')


def code_only(lines):
    """Each line with its comments and the insides of its strings blanked."""
    out, in_comment = [], False
    for line in lines:
        s, i, n, quote = list(line), 0, len(line), None
        while i < n:
            if in_comment:
                if line.startswith('*/', i):
                    s[i] = s[i + 1] = ' '
                    in_comment = False
                    i += 2
                    continue
                s[i] = ' '
            elif quote:
                if line[i] == '\\':
                    s[i:i + 2] = '  '[:len(s[i:i + 2])]
                    i += 2
                    continue
                if line[i] == quote:
                    quote = None
                else:
                    s[i] = ' '
            elif line.startswith('/*', i):
                in_comment = True
                s[i] = s[i + 1] = ' '
                i += 2
                continue
            elif line.startswith('//', i):
                s[i:] = ' ' * (n - i)
                break
            elif line[i] in '"\'':
                quote = line[i]
            i += 1
        out.append(''.join(s))
    return out


def mutants(path):
    """The file's lines and its mutants: id, line, op, the line mutated."""
    lines = open(path, encoding='utf-8').read().split('\n')
    found, prev_end = [], ';'
    for nr, (line, code) in enumerate(zip(lines, code_only(lines)), 1):
        if code.lstrip().startswith('#'):
            continue
        for name, pattern, repl in OPS:
            for m in re.finditer(pattern, code):
                found.append({'line': nr, 'op': name,
                              'new': line[:m.start()] + repl +
                              line[m.end():]})
        if (STMT.match(code) and not DECL.match(code) and
                prev_end in ';{}:' and code.count('(') == code.count(')')):
            found.append({'line': nr, 'op': 'del',
                          'new': re.match(r'\s*', line).group(0) + ';'})
        if code.strip():
            prev_end = code.strip()[-1]
    for i, m in enumerate(found):
        m['id'] = i
    return lines, found


def code_hash(obj):
    """The object's code, constants and relocations, not its debug info."""
    tmp = obj + '.text'
    subprocess.run(['objcopy', '-O', 'binary', '-j', '.text', '-j',
                    '.text.*', '-j', '.rodata', '-j', '.rodata.*', obj, tmp],
                   check=True)
    with open(tmp, 'rb') as f:
        data = f.read()
    os.unlink(tmp)
    rel = subprocess.run(['readelf', '-rW', obj], capture_output=True,
                         check=True).stdout
    keep, kept = False, []
    for line in rel.split(b'\n'):
        if line.startswith(b'Relocation section'):
            keep = b"'.rela.text" in line or b"'.rela.rodata" in line
        if keep:
            kept.append(line)
    return hashlib.sha1(data + b'\n'.join(kept)).hexdigest()


class Copy:
    """A copy of the working tree, where one mutant at a time is tried."""

    def __init__(self, path, rel, targets, tests, timeout):
        self.path, self.rel, self.timeout = path, rel, timeout
        self.targets, self.tests = targets, tests
        self.obj = os.path.join(path, 'build/user/obj/test',
                                os.path.basename(rel)[:-2] + '.o')
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        # The tracked files as they are now (one deleted in the working
        # tree stays out), modes kept: the scripts must run.
        files = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT,
                               capture_output=True, check=True).stdout
        for name in files.decode().split('\0'):
            src = os.path.join(ROOT, name)
            if not name or not os.path.isfile(src):
                continue
            os.makedirs(os.path.dirname(os.path.join(path, name)),
                        exist_ok=True)
            shutil.copy2(src, os.path.join(path, name))
        self.base = None

    def build(self, text):
        with open(os.path.join(self.path, self.rel), 'w',
                  encoding='utf-8') as f:
            f.write(text)
        r = subprocess.run(['make', '-s', '-C', 'tools', 'SAN=0'] +
                           self.targets, cwd=self.path,
                           capture_output=True)
        return r.returncode == 0

    def expand(self):
        """buddy_test's pool_* and view_* as the names it lists (-l)."""
        names = subprocess.run([os.path.join(self.path, 'build/user/buddy_test'),
                                '-l'], capture_output=True, text=True,
                               check=True).stdout.split()
        self.tests = [[w for a in cmd for w in
                       ([n for n in names if n.startswith(('pool_', 'view_'))]
                        if a == 'pool_*' else [a])] for cmd in self.tests]

    def test(self):
        for cmd in self.tests:
            p = subprocess.Popen(cmd,
                                 cwd=self.path, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL,
                                 start_new_session=True)
            try:
                if p.wait(timeout=self.timeout):
                    return 'killed'
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, 9)
                p.wait()
                return 'timeout'
        return 'survived'

    def run(self, lines, m):
        mutated = list(lines)
        mutated[m['line'] - 1] = m['new']
        if not self.build('\n'.join(mutated)):
            return 'invalid'
        if code_hash(self.obj) == self.base:
            return 'same-code'
        return self.test()


def main():
    ap = argparse.ArgumentParser(
        description='Mutation testing of one file against the host tests.')
    ap.add_argument('file', nargs='?', default='buddy_core.c')
    ap.add_argument('-j', '--jobs', type=int, default=2)
    ap.add_argument('--timeout', type=int, default=40)
    ap.add_argument('--only', help='mutant ids, comma separated')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--fresh', action='store_true')
    ap.add_argument('--survivors', action='store_true',
                    help='run again the mutants that survived')
    args = ap.parse_args()

    rel = os.path.relpath(os.path.abspath(args.file), ROOT)
    if not os.path.isfile(os.path.join(ROOT, rel)) or not rel.endswith('.c') \
            or rel.startswith('..') or '/' in rel:
        sys.exit(f'mutate.py: {args.file}: not a C file at the top of the '
                 'project (buddy_core.c, buddy_cmd.c, ...)')
    if args.jobs < 1 or args.timeout < 1:
        sys.exit('mutate.py: --jobs and --timeout take a number >= 1')
    lines, found = mutants(os.path.join(ROOT, rel))
    if args.list:
        for m in found:
            print(m['id'], m['line'], m['op'], m['new'].strip())
        return 0
    targets, tests = TESTS['views' if rel in VIEWS else 'default']
    if rel not in VIEWS and rel != 'buddy_core.c':
        sys.exit(f'mutate.py: {rel}: no host test builds it; '
                 f'try buddy_core.c or {", ".join(VIEWS)}')

    out_dir = os.path.join(ROOT, 'build', 'mutate')
    os.makedirs(out_dir, exist_ok=True)
    results = os.path.join(out_dir, rel[:-2] + '.jsonl')
    if args.fresh and os.path.exists(results):
        os.unlink(results)
    done = set()
    if os.path.exists(results):
        with open(results, encoding='utf-8') as f:
            rs = [json.loads(line) for line in f]
        if args.survivors:
            # Their old verdicts go: the new ones are written as they come.
            rs = [r for r in rs if r['status'] != 'survived']
            with open(results, 'w', encoding='utf-8') as f:
                f.writelines(json.dumps(r) + '\n' for r in rs)
        done = {r['id'] for r in rs}
    only = set(int(x) for x in args.only.split(',')) if args.only else None
    todo = queue.Queue()
    for m in found:
        if m['id'] not in done and (only is None or m['id'] in only):
            todo.put(m)
    total = todo.qsize()
    print(f'mutate: {rel}: {len(found)} mutants, {total} to run, '
          f'{args.jobs} at a time', flush=True)

    original = '\n'.join(lines)
    copies = []
    for j in range(args.jobs if total else 0):
        c = Copy(os.path.join(out_dir, f'w{j}'), rel, targets, tests,
                 args.timeout)
        if not c.build(original):
            sys.exit(f'mutate.py: the copy in {c.path} does not build')
        c.expand()
        if c.test() != 'survived':
            sys.exit(f'mutate.py: the tests fail without a mutant in {c.path}')
        c.base = code_hash(c.obj)
        copies.append(c)
    lock, start, count = threading.Lock(), time.time(), [0]

    def work(copy):
        while True:
            try:
                m = todo.get_nowait()
            except queue.Empty:
                return
            r = dict(m, status=copy.run(lines, m))
            with lock:
                count[0] += 1
                with open(results, 'a', encoding='utf-8') as f:
                    f.write(json.dumps(r) + '\n')
                if count[0] % 50 == 0 or count[0] == total:
                    print(f'mutate: {count[0]}/{total} in '
                          f'{time.time() - start:.0f} s', flush=True)

    threads = [threading.Thread(target=work, args=(c,)) for c in copies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    with open(results, encoding='utf-8') as f:
        rs = [json.loads(line) for line in f]
    tally = {}
    for r in rs:
        tally[r['status']] = tally.get(r['status'], 0) + 1
    print('mutate: ' + ', '.join(f'{n} {s}' for s, n in sorted(tally.items())))
    for r in sorted(rs, key=lambda r: (r['line'], r['id'])):
        if r['status'] == 'survived':
            print(f"survived {r['id']:4} {rel}:{r['line']} {r['op']:5} "
                  f"{r['new'].strip()}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
