/**
 * `seccomp-policy run` as a careful user meets it (issue 13, defects 1, 2, 4, 5): a command
 * that cannot be executed, descriptors passed by the caller, `-o` taking the summary, and a
 * helper that dies or a stream cut short never reported as a clean run. Through the built CLI
 * on the real kernel.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, cli, policyFile, prepare, skipReason, sleep, work } from './harness';

const skip = skipReason;

before(() => { if (!skip) prepare(); });

/** A script whose `#!` interpreter does not exist. */
function badScript(): string {
  const p = join(work(), 'bad-interp.sh');
  writeFileSync(p, '#!/nonexistent/interp\necho hi\n');
  chmodSync(p, 0o755);
  return p;
}

describe('run: a command that cannot be executed', { skip }, () => {
  const policies: Array<[string, string]> = [
    ['kill_process by default', 'default kill_process\nallow execve\n'],
    ['errno(EPERM) by default', 'default errno(EPERM)\nallow execve\n'],
    ['allow-all', 'default allow\n'],
  ];
  for (const [name, text] of policies) {
    for (const extra of [[], ['--only-decisions']]) {
      test(`${name}${extra.length ? ', fast path' : ''}: 127, the reason, none of the helper's calls`, () => {
        const script = badScript();
        const r = cli(['run', ...extra, policyFile(text), '--', script], { trace: true, timeoutMs: 30000 });
        assert.equal(r.signal, null, 'hung');
        assert.equal(r.status, 127, r.stderr + r.trace);
        assert.match(r.stderr, /cannot execute .*bad-interp\.sh: its interpreter \/nonexistent\/interp: No such file or directory/);
        assert.doesNotMatch(r.stderr + r.trace, /warning|kernel did not do/);
        // Nothing after the program's execve: no write to a pipe, no _exit, no death.
        const lines = r.trace.split('\n');
        const at = lines.findIndex((l) => l.startsWith('execve('));
        const after = lines.slice(at + 1).filter((l) => l && !l.startsWith('# '));
        assert.deepEqual(after, [], r.trace);
        if (!extra.length) assert.match(lines[at]!, /= -1 ENOENT/);
        assert.match(r.trace, /^# no syscall was denied/m);
      });
    }
  }

  test('an execve the policy fails with errno(EACCES): 126, and the summary names it', () => {
    const r = cli(['run', policyFile('default allow\nerrno(EACCES) execve\n'), '--', '/bin/true'], { trace: true });
    assert.equal(r.status, 126, r.stderr);
    assert.match(r.stderr, /cannot execute \/bin\/true: Permission denied/);
    assert.match(r.trace, /^execve\("\/bin\/true".* = -1 EACCES .*# errno\(EACCES\)/m);
    assert.match(r.trace, /^ +1 +execve +errno\(EACCES\)/m);
  });
});

describe('run: descriptors the caller passes', { skip }, () => {
  test('3, 5 and 17 reach the program at their numbers; the trace is intact', () => {
    const files = [3, 5, 17].map((fd) => join(work(), `passed-${fd}.txt`));
    const fds = files.map((f) => openSync(f, 'w'));
    const trace = join(work(), 'passed.trace');
    const p = policyFile('default allow\n');
    const stdio: Array<'ignore' | 'pipe' | number> = ['ignore', 'pipe', 'pipe'];
    [3, 5, 17].forEach((n, i) => { while (stdio.length < n) stdio.push('ignore'); stdio[n] = fds[i]!; });
    const script = 'echo three >&3; echo five >&5; readlink /proc/self/fd/17';
    const r = spawnSync(process.execPath, [CLI, 'run', '-o', trace, p, '--', 'sh', '-c', script], { stdio, encoding: 'utf8', cwd: work(), timeout: 60000 });
    fds.forEach((fd) => closeSync(fd));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(files[0]!, 'utf8'), 'three\n');
    assert.equal(readFileSync(files[1]!, 'utf8'), 'five\n');
    assert.equal(r.stdout, `${files[2]}\n`);
    const text = readFileSync(trace, 'utf8');
    assert.match(text, /^write\(1, "three\\n", 6\) = 6/m); // sh's `>&3` is a dup2(3, 1)
    assert.match(text, /^# no syscall was denied/m);
  });
});

describe('learn: descriptors the caller passes', { skip }, () => {
  test('3 reaches the program being learned', () => {
    const file = join(work(), 'learn-passed-3.txt');
    const fd = openSync(file, 'w');
    const out = join(work(), 'learned-fd.seccomp');
    const r = spawnSync(process.execPath, [CLI, 'learn', '-o', out, '--', 'sh', '-c', 'echo three >&3'], { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8', cwd: work(), timeout: 60000 });
    closeSync(fd);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'three\n');
  });
});

describe('run: the program\'s descriptor table', { skip }, () => {
  /** `fd -> target` lines of the shell's own table, pipes and sockets without their inode. */
  const table = (stdout: string) => stdout.split('\n').map((l) => /(\d+) -> (.*)$/.exec(l)).filter((m) => m !== null)
    .map((m) => `${m![1]} -> ${m![2]!.replace(/^(pipe|socket):\[\d+\]$/, '$1')}`).sort();
  test('exactly what it has without us, with one pipe end passed twice (3>&1 4>&1)', () => {
    const inner = 'ls -l /proc/$$/fd; true';
    const p = policyFile('default allow\n');
    const quoted = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    // `| cat`: the program's stdout, 3 and 4 are one real pipe's write end (Node's 'pipe' is a socket).
    const bare = spawnSync('sh', ['-c', `sh -c ${quoted(inner)} 3>&1 4>&1 | cat`], { encoding: 'utf8', cwd: work() });
    const traced = spawnSync('sh', ['-c', `${quoted(process.execPath)} ${quoted(CLI)} run -o /dev/null ${quoted(p)} -- sh -c ${quoted(inner)} 3>&1 4>&1 | cat`], { encoding: 'utf8', cwd: work(), timeout: 60000 });
    assert.equal(traced.status, 0, traced.stderr);
    const want = table(bare.stdout);
    assert.ok(want.includes('3 -> pipe') && want.includes('4 -> pipe'), bare.stdout);
    assert.deepEqual(table(traced.stdout), want);
  });
});

describe('run -o FILE', { skip }, () => {
  test('the summary goes to the file instead of standard error', () => {
    const r = cli(['run', policyFile('default allow\nerrno(EPERM) getppid\n'), '--', 'sh', '-c', 'echo $PPID'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.trace, /^# denied syscalls:/m);
    assert.equal(r.stderr, '');
  });
});

describe('run: a broken run never reads as a clean one', { skip }, () => {
  test('the helper killed with SIGKILL: its death and 70, no summary', async () => {
    const trace = join(work(), 'helper-killed.trace');
    const child = spawn(process.execPath, [CLI, 'run', '-o', trace, policyFile('default allow\n'), '--', 'sleep', '30'], { cwd: work(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const closed = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    // The helper is our CLI's child, the program the helper's; wait until the program has
    // run a while (its calls are in the trace).
    let helper: number | undefined;
    for (let i = 0; i < 100 && helper === undefined; i++) {
      await sleep(100);
      const kids = readChildren(child.pid!);
      if (kids.length && readChildren(kids[0]!).length && existsSync(trace) && /^execve\(.* = 0 /m.test(readFileSync(trace, 'utf8'))) helper = kids[0];
    }
    assert.ok(helper !== undefined, 'the program started');
    process.kill(helper, 'SIGKILL');
    assert.equal(await closed, 70);
    assert.match(stderr, /the trace helper was killed by SIGKILL/);
    assert.doesNotMatch(stderr + readFileSync(trace, 'utf8'), /no syscall was denied|denied syscalls/);
  });

  /** A stand-in helper that writes `lines` on its events fd and exits 0 without `done`. */
  function fakeHelper(name: string, lines: string): string {
    const p = join(work(), name);
    writeFileSync(p, `#!${process.execPath}\nconst a = process.argv.indexOf('--events-fd');\nrequire('fs').writeSync(Number(process.argv[a + 1]), ${JSON.stringify(lines)});\n`);
    chmodSync(p, 0o755);
    return p;
  }
  const hello = JSON.stringify({ type: 'hello', version: 1, pid: 4242, tracer: 4241, mode: 'enforce', install: 'before-exec', only_decisions: false, arch: 'x86_64', abi: 0xc000003e, instructions: 6, kill_prefix: false, cpu: null, path: '/bin/true', argv: ['/bin/true'] });
  const call = JSON.stringify({ type: 'syscall', pid: 4242, abi: 0xc000003e, nr: 39, args: ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'], ip: '0x1', ret: '4242' });

  for (const [name, stream, message] of [
    ['a stream that stops without its done line', `${hello}\n${call}\n`, /exited with 0 without finishing its report/],
    ['a stream cut in the middle of a line', `${hello}\n${call}\n{"type":"sysc`, /report could not be read/],
  ] as const) {
    test(`${name}: 70, no summary`, () => {
      const helper = fakeHelper(`fake-${name.length}.js`, stream);
      const r = cli(['run', policyFile('default allow\n'), '--', '/bin/true'], { trace: true, env: { ...process.env, SECCOMP_RUN_HELPER: helper } });
      assert.equal(r.status, 70, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.trace, /^getpid\(\) = 4242/m);
      assert.doesNotMatch(r.stderr + r.trace, /no syscall was denied|denied syscalls/);
    });
  }
});

function readChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
