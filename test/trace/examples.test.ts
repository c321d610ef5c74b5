/**
 * The example policies in examples/ are real: each compiles with no error or
 * warning, and where it names a program, that program runs under it on this
 * machine through the native helper (`seccomp-policy run`) and succeeds,
 * while a forbidden action by it is stopped.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { ROOT, cli, cliAsync, hasCommand, prepare, skipReason, work } from './harness';
import { skipUnless, type Missing } from '../helpers/machine';

const skip = skipReason;
const EXAMPLES = join(ROOT, 'examples');
const example = (name: string) => join(EXAMPLES, name);

before(() => { if (!skip) prepare(); });

test('every example policy compiles with no error and no warning', { skip }, () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.seccomp') && f !== 'mistakes.seccomp');
  assert.ok(files.length >= 7, files.join(' '));
  for (const f of files) {
    const r = cli(['check', '--json', example(f)]);
    const found = (JSON.parse(r.stdout) as { severity: string; code: string; line: number }[]).filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(found, [], f);
    assert.equal(r.status, 0, f);
    const c = cli(['compile', '--format', 'json', '-o', join(work(), `${f}.json`), example(f)]);
    assert.equal(c.status, 0, `${f}: ${c.stderr}`);
  }
});

/** The interpreter itself, not a shim (pyenv's python3 is a shell script that runs bash first). */
function python(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** python3 is a tool .ci/run installs: missing under CI fails the test, elsewhere it skips. */
const NO_PYTHON: Missing = { kind: 'tool', reason: 'python3 is not installed' };

function built(name: string, flags: string[]): string {
  const out = join(work(), name);
  const r = spawnSync('gcc', ['-O1', '-Wall', '-Wextra', '-Werror', ...flags, '-o', out, join(ROOT, 'test', 'trace', 'fixtures', 'strict-hello.c')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building strict-hello.c failed:\n${r.stderr}`);
  return out;
}

describe('examples/strict.seccomp: strict mode plus exit_group', { skip }, () => {
  const flags = ['-static', '-nostdlib', '-fno-stack-protector'];
  test('a program with no libc start-up runs; asking for its pid kills it', () => {
    const ok = cli(['run', '--install', 'after-exec', example('strict.seccomp'), '--', built('strict-hello', flags)], { trace: true });
    assert.equal(ok.status, 0, ok.stderr + ok.trace);
    assert.equal(ok.stdout, 'hello from strict mode\n');
    assert.match(ok.trace, /^exit_group\(0\) = \? +# allow /m);
    const bad = cli(['run', '--install', 'after-exec', example('strict.seccomp'), '--', built('strict-forbidden', [...flags, '-DFORBIDDEN'])], { trace: true });
    assert.equal(bad.status, 159, bad.stderr);
    assert.match(bad.trace, /^getpid\(\) = \? +# kill_process .*strict\.seccomp:3 \(default\)$/m);
  });
});

describe('examples/coreutils.seccomp: ls and cat', { skip }, () => {
  test('ls and cat work; touch is killed before it creates anything', () => {
    const file = join(work(), 'hello.txt');
    writeFileSync(file, 'hello, cat\n');
    const ls = cli(['run', example('coreutils.seccomp'), '--', 'ls', '-l', work()], { trace: true });
    assert.equal(ls.status, 0, ls.trace);
    assert.match(ls.stdout, /hello\.txt/);
    const cat = cli(['run', example('coreutils.seccomp'), '--', 'cat', file], { trace: true });
    assert.equal(cat.status, 0, cat.trace);
    assert.equal(cat.stdout, 'hello, cat\n');
    // With its output a file, cat copies in the kernel (copy_file_range to fd 1).
    const copy = join(work(), 'copy.txt');
    const fd = openSync(copy, 'w');
    const toFile = spawnSync(process.execPath, [join(ROOT, 'bin', 'seccomp-policy'), 'run', example('coreutils.seccomp'), '--', 'cat', file], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    closeSync(fd);
    assert.equal(toFile.status, 0, toFile.stderr);
    assert.equal(readFileSync(copy, 'utf8'), 'hello, cat\n');
    const created = join(work(), 'created-by-touch');
    const touch = cli(['run', example('coreutils.seccomp'), '--', 'touch', created], { trace: true });
    assert.equal(touch.status, 159, touch.trace);
    assert.match(touch.trace, /^openat\(.*O_CREAT.*# kill_process .*coreutils\.seccomp:\d+ \(default\)$/m);
    assert.equal(existsSync(created), false);
  });
});

describe('examples/python-script.seccomp: a Python interpreter running a script', { skip }, () => {
  test('the script runs; opening a socket raises PermissionError', (t) => {
    const py = python();
    if (!py) { skipUnless(t, NO_PYTHON); return; }
    const script = join(work(), 'script.py');
    writeFileSync(script, 'import json, sys, hashlib\nwith open(sys.argv[0]) as f: n = len(f.read().splitlines())\nprint(json.dumps({"lines": n, "sha": hashlib.sha256(b"x").hexdigest()[:6]}))\n');
    const ok = cli(['run', example('python-script.seccomp'), '--', py, script], { trace: true });
    assert.equal(ok.status, 0, ok.trace.split('\n').filter((l) => /errno|kill/.test(l)).join('\n'));
    assert.deepEqual(JSON.parse(ok.stdout), { lines: 3, sha: '2d7116' });
    const bad = cli(['run', example('python-script.seccomp'), '--', py, '-c', 'import socket; socket.socket()'], { trace: true });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /PermissionError: \[Errno 1\] Operation not permitted/);
    assert.match(bad.trace, /^socket\(AF_INET, SOCK_STREAM.*= -1 EPERM .*# errno\(EPERM\) .*python-script\.seccomp:\d+ \(default\)$/m);
  });
});

describe('examples/node-script.seccomp: Node.js running a script', { skip }, () => {
  test('the script runs; starting a child process fails with EPERM', () => {
    const script = join(work(), 'script.js');
    writeFileSync(script, "const fs = require('fs');\nconst n = fs.readFileSync(__filename, 'utf8').split('\\n').length;\nconsole.log(JSON.stringify({ n, sq: [1, 2, 3].map((x) => x * x) }));\n");
    // Options a test runner may put in NODE_OPTIONS (a loader) are not part of the script.
    const env = { ...process.env, NODE_OPTIONS: '' };
    const ok = cli(['run', example('node-script.seccomp'), '--', process.execPath, script], { trace: true, env });
    assert.equal(ok.status, 0, ok.trace.split('\n').filter((l) => /errno|kill/.test(l)).join('\n'));
    assert.deepEqual(JSON.parse(ok.stdout), { n: 4, sq: [1, 4, 9] });
    const bad = cli(['run', example('node-script.seccomp'), '--', process.execPath, '-e', "require('child_process').execFileSync('/bin/true')"], { trace: true, env });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /EPERM/);
    assert.match(bad.trace, /# errno\(EPERM\) .*node-script\.seccomp:\d+ \(default\)$/m);
  });
});

describe('examples/container-denylist.seccomp: a deny-list for containers', { skip }, () => {
  test('a shell and ls run; a new user namespace is refused', (t) => {
    const ok = cli(['run', example('container-denylist.seccomp'), '--', 'sh', '-c', 'ls / && echo done'], { trace: true });
    assert.equal(ok.status, 0, ok.trace);
    assert.match(ok.stdout, /done\n$/);
    if (!hasCommand('unshare')) { t.skip('unshare (util-linux) is not installed'); return; }
    const bad = cli(['run', example('container-denylist.seccomp'), '--', 'unshare', '-U', 'true'], { trace: true });
    assert.notEqual(bad.status, 0);
    assert.match(bad.trace, /^unshare\(CLONE_NEWUSER\) = -1 EPERM .*# errno\(EPERM\) .*container-denylist\.seccomp:\d+$/m);
  });
});

describe('examples/web-server.seccomp: a static file server', { skip }, () => {
  test('python3 -m http.server serves a file; it cannot start a shell', async (t) => {
    const py = python();
    if (!py) { skipUnless(t, NO_PYTHON); return; }
    const root = join(work(), 'www');
    spawnSync('mkdir', ['-p', root]);
    writeFileSync(join(root, 'index.txt'), 'served under seccomp\n');
    const child = cliAsync(['run', '-o', join(work(), 'web.trace'), example('web-server.seccomp'), '--', py, '-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root]);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /port (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
      });
      const body = await new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/index.txt' }, (res) => {
          let s = '';
          res.on('data', (b: Buffer) => { s += b.toString(); });
          res.on('end', () => resolve(`${res.statusCode} ${s}`));
        }).on('error', reject).end();
      });
      assert.equal(body, '200 served under seccomp\n');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
    const shell = cli(['run', example('web-server.seccomp'), '--', py, '-c', "import os, sys; sys.exit(0 if os.system('true') != 0 else 3)"], { trace: true });
    assert.equal(shell.status, 0, shell.trace.split('\n').filter((l) => /clone|fork|execve|kill/.test(l)).join('\n'));
    assert.match(shell.trace, /^clone\(.*= -1 EPERM .*# errno\(EPERM\) .*web-server\.seccomp:\d+ \(default\)$/m);
  });
});
