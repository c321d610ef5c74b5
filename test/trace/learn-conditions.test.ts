/**
 * Tight learned policies on real programs (issue 13, defect 3): for ls, cat,
 * shell pipelines, python3, node and a C program with threads and
 * posix_spawn, `learn` → `check` (nothing to say) → `run` under the learned
 * policy: the same standard output and exit status as the program alone,
 * and no syscall denied. Then a few refusals the conditions must make.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, hasCommand, prepare, skipReason, tfx, work } from './harness';

const skip = skipReason;

before(() => { if (!skip) prepare(); });

let spawner: string | undefined;
/** test/trace/c/learn-spawn.c, built once. */
function learnSpawn(): string {
  if (spawner) return spawner;
  const out = join(work(), 'learn-spawn');
  const r = spawnSync('gcc', ['-std=c11', '-D_GNU_SOURCE', '-O1', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', out, join(__dirname, 'c', 'learn-spawn.c')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building learn-spawn.c failed:\n${r.stderr}`);
  return (spawner = out);
}

let counter = 0;

/**
 * learn → check → run for `cmd`: returns the policy's text. `install` is
 * passed to both learn and run.
 */
function learnCheckRun(cmd: string[], install?: 'after-exec'): string {
  const plain = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', cwd: work() });
  assert.equal(plain.status, 0, `${cmd.join(' ')} alone: ${plain.stderr}`);
  const out = join(work(), `learned${++counter}.seccomp`);
  const opts = install ? ['--install', install] : [];
  const l = cli(['learn', '-o', out, ...opts, '--', ...cmd]);
  assert.equal(l.status, 0, l.stderr);
  assert.equal(l.stdout, plain.stdout, 'the program\'s output while learning');
  const text = readFileSync(out, 'utf8');
  const check = cli(['check', out]);
  assert.equal(check.status, 0);
  if (install === 'after-exec' && !/^allow execve /m.test(text)) {
    // Without execve the policy cannot start a program before exec: the one thing check says.
    assert.match(check.stdout + check.stderr, /^\S+: information: .*\[execve-denied\]\n?$/);
  } else {
    assert.equal(check.stdout + check.stderr, '', `check on:\n${text}`);
  }
  const r = cli(['run', ...opts, out, '--', ...cmd], { trace: true });
  assert.equal(r.status, plain.status, `${r.stderr}\n${r.trace.slice(-3000)}\n${text}`);
  assert.equal(r.stdout, plain.stdout, 'the program\'s output under the learned policy');
  // Nothing denied, except clone3's ENOSYS where the policy says so (libc then uses clone).
  const denied = r.trace.split('\n# denied syscalls:\n')[1];
  if (/^errno\(ENOSYS\) clone3 /m.test(text) && denied !== undefined) {
    const rows = denied.trim().split('\n').slice(1);
    assert.deepEqual(rows.map((row) => row.trim().split(/ +/).slice(1, 3)), [['clone3', 'errno(ENOSYS)']], denied);
  } else {
    assert.match(r.trace, /# no syscall was denied/);
  }
  return text;
}

describe('learn → check → run on real programs', { skip }, () => {
  test('ls', () => {
    const text = learnCheckRun(['/bin/ls', '-a', '/']);
    assert.match(text, /^allow openat if flags & O_ACCMODE == O_RDONLY && flags & \(O_CREAT\|O_TRUNC\) == 0 /m);
    assert.match(text, /^allow mmap if prot & \(PROT_WRITE\|PROT_EXEC\) != PROT_WRITE\|PROT_EXEC /m);
    assert.doesNotMatch(text, /^allow ioctl +#/m);
  });

  test('ls, installed after exec: no execve in the policy', () => {
    const text = learnCheckRun(['/bin/ls', '/'], 'after-exec');
    assert.doesNotMatch(text, /^allow execve/m);
  });

  test('cat', () => {
    const file = join(work(), 'cat-input.txt');
    writeFileSync(file, 'one\ntwo\n');
    learnCheckRun(['/bin/cat', file]);
  });

  test('sh -c pipelines, with a file written and read back', () => {
    const text = learnCheckRun(['sh', '-c', 'ls / | sort -r | head -3; echo done | tr a-z A-Z; echo x > sh-out.txt; cat sh-out.txt']);
    assert.match(text, /^allow execve +# \d+ calls: the program's start and \d+ later$/m);
    assert.match(text, /^allow clone if flags & ~\([A-Z_|]+\) == 0 /m);
    assert.doesNotMatch(text, /CLONE_NEW/);
    // The shell's redirection opens for writing, creating and truncating; reading never does.
    assert.match(text, /^allow openat if \(flags & O_ACCMODE == O_RDONLY && flags & \(O_CREAT\|O_TRUNC\) == 0\) \|\| flags & O_ACCMODE == O_WRONLY /m);
  });

  test('python3 -c', { skip: hasCommand('python3') ? false : 'no python3' }, () => {
    learnCheckRun(['python3', '-c', 'import json, os, sys; print(json.dumps({"cwd": os.getcwd(), "tty": sys.stdout.isatty()}))']);
  });

  test('node -e', { skip: hasCommand('node') ? false : 'no node' }, () => {
    const text = learnCheckRun(['node', '-e', 'console.log([1, 2, 3].map((x) => x * 2).join(","))']);
    // Node starts its threads with clone3: answered ENOSYS, then clone with the thread flags.
    assert.match(text, /^errno\(ENOSYS\) clone3 /m);
    assert.match(text, /^allow clone if flags & ~\(CLONE_VM\|[A-Z_|]*CLONE_THREAD[A-Z_|]*\) == 0 /m);
  });

  test('a C program with threads and posix_spawn', () => {
    const text = learnCheckRun([learnSpawn()]);
    assert.match(text, /^allow clone if flags & ~\([A-Z_|]*CLONE_VFORK[A-Z_|]*\) == 0 /m);
    assert.match(text, /^allow clone if flags & ~\([A-Z_|]*CLONE_THREAD[A-Z_|]*\) == 0 /m);
  });
});

describe('what a tight learned policy refuses on the real kernel', { skip }, () => {
  test('clone flags the run did not use: a policy learned from threads kills a fork', () => {
    const out = join(work(), 'threads.seccomp');
    const l = cli(['learn', '-o', out, '--', tfx(), 'thread']);
    assert.equal(l.status, 0, l.stderr);
    assert.equal(cli(['run', out, '--', tfx(), 'thread']).status, 0);
    const r = cli(['run', out, '--', tfx(), 'fork'], { trace: true });
    assert.equal(r.status, 159, r.trace.slice(-2000));
    assert.match(r.trace, /^clone\(.*SIGCHLD.*\) = \? +# kill_process  \S+ \(default\)$/m);
  });

  test('--loose writes learn\'s first policy: ioctl without a condition, which check points out', () => {
    const out = join(work(), 'loose.seccomp');
    const l = cli(['learn', '--loose', '-o', out, '--', '/bin/ls', '/']);
    assert.equal(l.status, 0, l.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^allow openat if flags & O_ACCMODE == O_RDONLY +# \d+ calls: O_RDONLY \d+$/m);
    assert.match(text, /^allow execve +# 1 call$/m);
    assert.match(cli(['check', out]).stdout, /\[dangerous-syscall\]/);
    assert.equal(cli(['run', out, '--', '/bin/ls', '/']).status, 0);
  });
});
