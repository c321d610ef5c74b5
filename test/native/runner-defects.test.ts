/**
 * The helper's exec failures and its process limit (issue 13, defects 1 and 7), on the real
 * kernel: a failed execve is reported by the tracer and never runs the child's own error path
 * under the filter, whatever the filter says; --max-procs counts zombies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELPER, NR, RET, parseEvents, policy, runHelper, syscalls, work, writeFilter, type Event } from './harness';
import { blocker, machine } from '../helpers/machine';

const skip = blocker(machine.linuxX64(), machine.helper()) ?? false;
const C_DIR = join(dirname(fileURLToPath(import.meta.url)), 'c');

let spawnerExe: string | undefined;
/** test/native/c/spawner.c, built with the helper's warnings. */
function spawner(): string {
  if (spawnerExe) return spawnerExe;
  const out = join(work(), 'spawner');
  const r = spawnSync('gcc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-O1', '-o', out, join(C_DIR, 'spawner.c')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building spawner.c failed:\n${r.stderr}`);
  spawnerExe = out;
  return out;
}

/** A script whose interpreter does not exist: execve fails with ENOENT. */
function badScript(): string {
  const p = join(work(), 'bad-interp.sh');
  writeFileSync(p, '#!/nonexistent/interp\necho hi\n');
  chmodSync(p, 0o755);
  return p;
}

/**
 * Everything after the program's execve that is not the report of its failure (on the fast
 * path, where an allowed execve is not reported, every syscall event).
 */
function afterExec(events: Event[]): Event[] {
  const at = events.findIndex((e) => e.type === 'syscall' && e.nr === NR.execve);
  if (at < 0) return syscalls(events);
  return events.slice(at + 1).filter((e) => e.type !== 'error' && e.type !== 'done');
}

const EXEC_ONLY = (dflt: number) => policy([[NR.execve, RET.ALLOW]], dflt);

test('a failed execve under any filter: 127, "cannot execute", no call of the helper after it', { skip }, () => {
  const script = badScript();
  const cases: Array<[string, string[]]> = [
    ['kill_process by default', ['--filter', writeFilter('exec-kill.bpf', EXEC_ONLY(RET.KILL_PROCESS))]],
    ['errno(EPERM) by default', ['--filter', writeFilter('exec-eperm.bpf', EXEC_ONLY(RET.ERRNO | 1))]],
    ['allow-all', ['--filter', writeFilter('exec-allow.bpf', policy([]))]],
    ['permissive', ['--mode', 'permissive']],
    ['after-exec, kill by default', ['--install', 'after-exec', '--filter', writeFilter('exec-kill2.bpf', EXEC_ONLY(RET.KILL_PROCESS))]],
    ['fast path, kill by default', ['--only-decisions', '--actions', '0x80000000', '--filter', writeFilter('exec-fast-kill.bpf', EXEC_ONLY(RET.TRACE | 0))]],
    ['fast path, errno by default', ['--only-decisions', '--actions', '0x50001', '--filter', writeFilter('exec-fast-eperm.bpf', EXEC_ONLY(RET.TRACE | 0))]],
  ];
  for (const [name, args] of cases) {
    const r = runHelper([...args, '--', script], { timeoutMs: 10000 });
    assert.equal(r.signal, null, `${name}: the helper hung`);
    assert.equal(r.status, 127, `${name}: ${r.stderr}`);
    assert.equal(r.stderr, `seccomp-run: cannot execute ${script}: its interpreter /nonexistent/interp: No such file or directory\n`, name);
    assert.deepEqual(afterExec(r.events), [], `${name}: events after the execve`);
    assert.ok(!r.events.some((e) => e.type === 'killed' || e.type === 'exit'), `${name}: a death was reported for a program that never ran`);
    assert.deepEqual(r.events.at(-1), { type: 'done', status: 127, reason: 'error' }, name);
    const exec = syscalls(r.events, NR.execve);
    // The fast path reports only the calls the filter traces; the others show the failed execve.
    if (!args.includes('--only-decisions')) assert.deepEqual(exec.map((e) => e.errno), [2], name);
  }
});

test('an execve the filter fails with an errno: 126 and the reason', { skip }, () => {
  const deny = writeFilter('exec-eacces.bpf', policy([[NR.execve, RET.ERRNO | 13]]));
  const r = runHelper(['--filter', deny, '--', '/bin/true'], { timeoutMs: 10000 });
  assert.equal(r.status, 126, r.stderr);
  assert.equal(r.stderr, 'seccomp-run: cannot execute /bin/true: Permission denied\n');
  assert.deepEqual(syscalls(r.events, NR.execve).map((e) => e.errno), [13]);
  assert.deepEqual(afterExec(r.events), []);
  const fast = runHelper(['--only-decisions', '--actions', '0x5000d', '--filter', writeFilter('exec-fast-eacces.bpf', policy([[NR.execve, RET.TRACE | 0]])), '--', '/bin/true']);
  assert.equal(fast.status, 126, fast.stderr);
  assert.deepEqual(syscalls(fast.events).map((e) => [e.nr, e.errno]), [[NR.execve, 13]]);
});

test('--max-procs counts zombies: 200 unreaped children under --max-procs 50 are stopped', { skip }, () => {
  const r = runHelper(['--mode', 'permissive', '--max-procs', '50', '--', spawner(), '200', 'noreap'], { timeoutMs: 30000 });
  assert.equal(r.status, 125, r.stderr);
  assert.doesNotMatch(r.stdout, /forked/);
  assert.ok(r.events.some((e) => e.type === 'limit' && e.what === 'max-procs' && e.value === 50));
  const spawned = r.events.filter((e) => e.type === 'spawn').length;
  assert.ok(spawned <= 51, `${spawned} children before the limit`);
});

test('--max-procs: children reaped one by one do not add up', { skip }, () => {
  const r = runHelper(['--mode', 'permissive', '--max-procs', '50', '--strings', '0', '--', spawner(), '200', 'reap'], { timeoutMs: 30000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^forked 200$/m);
  assert.ok(!r.events.some((e) => e.type === 'limit'));
});

test('the program inherits the caller\'s descriptors and none of the helper\'s', { skip }, () => {
  // fd 3: events (made close-on-exec), fd 4: the filter (closed once read), fd 5: the caller's.
  const filterFd = openSync(writeFilter('fds.bpf', policy([])), 'r');
  const passed = join(work(), 'passed-5.txt');
  const five = openSync(passed, 'w');
  const r = spawnSync(HELPER, ['--events-fd', '3', '--filter-fd', '4', '--', 'sh', '-c', 'echo five >&5; ls /proc/self/fd'],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe', filterFd, five], cwd: work(), timeout: 20000, encoding: 'latin1' });
  closeSync(filterFd);
  closeSync(five);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(passed, 'utf8'), 'five\n');
  // ls's own directory descriptor is the lowest free one: 3 when neither 3 nor 4 reached it,
  // so a 4 in the list means one of the helper's descriptors did.
  const open = r.stdout.trim().split(/\s+/).map(Number);
  assert.ok(open.includes(5), r.stdout);
  assert.ok(!open.includes(4), `the events or filter fd reached the program: ${r.stdout}`);
  assert.ok(parseEvents(r.output[3] as string).some((e) => e.type === 'done'));
});
