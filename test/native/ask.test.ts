/**
 * The helper's ask mode (--ask --answers-fd N) on the real kernel: hand-written filters whose
 * not-allowed calls return SECCOMP_RET_USER_NOTIF, test/native/c/ask-prog.c as the program,
 * and answers written back per "ask" event. Run `make -C native` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { HELPER, NR, ROOT, RET, askProg, parseEvents, policy, work, writeFilter, type Event } from './harness';
import { blocker, machine } from '../helpers/machine';
import { alive } from '../helpers/processes';

const USER_NOTIF = 0x7fc00000;
const NR_MKDIRAT = 258;
const NR_UNAME = 63;
const NR_MKDIR = 83;
const EACCES = 13;

const skip = blocker(machine.linuxX64(), machine.helper(), machine.gcc()) ?? false;


interface AskRun { status: number | null; stdout: string; stderr: string; events: Event[]; asks: Event[] }

/**
 * Runs the helper in ask mode with events on fd 3 and answers on fd 4; `answer` gives the
 * line for each ask event (without the id), null to close the answers stream, or undefined
 * to leave the call waiting.
 */
function runAsk(filter: Buffer, command: string[], answer: (e: Event, reply: (id: string, line: string) => void, signal: (s: NodeJS.Signals) => void) => string | null | undefined, extra: string[] = []): Promise<AskRun> {
  const child = spawn(HELPER, ['--events-fd', '3', '--filter', writeFilter('ask.bpf', filter), '--ask', '--answers-fd', '4', ...extra, '--', ...command],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], cwd: work() });
  const answers = child.stdio[4] as Writable;
  answers.on('error', () => { /* the helper is gone; its status says why */ });
  let raw = '', pending = '', stdout = '', stderr = '';
  const asks: Event[] = [];
  child.stdout!.on('data', (b: Buffer) => { stdout += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
  child.stdio[3]!.on('data', (b: Buffer) => {
    const text = b.toString('latin1');
    raw += text;
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const e = JSON.parse(pending.slice(0, nl)) as Event;
      pending = pending.slice(nl + 1);
      if (e.type !== 'ask') continue;
      asks.push(e);
      const a = answer(e, (id, line) => answers.write(`${id} ${line}\n`), (sig) => child.kill(sig));
      if (a === null) answers.end();
      else if (a !== undefined) answers.write(`${e.id} ${a}\n`);
    }
  });
  return new Promise((resolve) => {
    child.on('close', (status) => resolve({ status, stdout, stderr, events: parseEvents(raw), asks }));
  });
}

/** Notify on getpid, mkdirat and uname; allow the rest. */
const notifyThree = () => policy([[NR.getpid, USER_NOTIF], [NR_MKDIRAT, USER_NOTIF], [NR_UNAME, USER_NOTIF]]);

test('ask-abi.c: the helper spells the notification ABI as <linux/seccomp.h> does', { skip: blocker(machine.gcc()) ?? false }, () => {
  const src = join(ROOT, 'test', 'native', 'c', 'ask-abi.c');
  const r = spawnSync('gcc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', src], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('ask-abi.c: the same against the aarch64 headers the cross build uses', (t) => {
  const flags = ['--target=aarch64-linux-gnu', '-std=c11', '-Wall', '-Wextra', '-Werror'];
  const probe = spawnSync('sh', ['-c', `printf '#include <linux/seccomp.h>\n' | clang ${flags.join(' ')} -fsyntax-only -x c -`], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('no aarch64 cross headers for clang (libc6-dev-arm64-cross); the aarch64 helper is not built here either');
    return;
  }
  const r = spawnSync('clang', [...flags, '-fsyntax-only', join(ROOT, 'test', 'native', 'c', 'ask-abi.c')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('each notification is asked once, with its registers, and each answer is applied', { skip }, async () => {
  const dir = mkdtempSync(join(work(), 'ask-'));
  const r = await runAsk(notifyThree(), [askProg(), dir], (e) =>
    e.nr === NR.getpid ? 'allow' : e.nr === NR_MKDIRAT ? `errno ${EACCES}` : 'kill');
  assert.equal(r.status, 137, r.stderr);
  assert.deepEqual(r.asks.map((e) => e.nr), [NR.getpid, NR.getpid, NR_MKDIRAT, NR_MKDIRAT, NR_UNAME]);
  const hello = r.events[0]!;
  assert.equal(hello.type, 'hello');
  assert.equal(hello.ask, true);
  for (const a of r.asks) {
    assert.equal(a.pid, hello.pid);
    assert.equal(a.args.length, 6);
    assert.match(a.id, /^\d+$/);
  }
  // mkdirat(AT_FDCWD, path, mode): the registers as the kernel saw them.
  assert.equal(r.asks[2]!.args[0], '0xffffff9c');
  assert.equal(r.asks[2]!.args[2], '0x1c0');
  assert.equal(r.asks[3]!.args[2], '0x1ed');
  assert.equal(r.stdout, 'getpid: ok\ngetpid again: ok\nmkdir 0700: error EACCES\nmkdir 0755: error EACCES\n');
  assert.equal(existsSync(join(dir, 'a')), false, 'a denied mkdir must not have run');
  assert.deepEqual(r.events.filter((e) => e.type === 'killed'), [{ type: 'killed', pid: hello.pid, signal: 9, core: false }]);
  assert.deepEqual(r.events.at(-1), { type: 'done', status: 137, reason: 'signal', program: 137 });
});

test('allow continues the call itself: mkdir really makes the directory', { skip }, async () => {
  const dir = mkdtempSync(join(work(), 'ask-'));
  const r = await runAsk(notifyThree(), [askProg(), dir], () => 'allow');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mkdir 0700: ok\nmkdir 0755: error EEXIST\nuname: ok\nend\n$/);
  assert.equal(existsSync(join(dir, 'a')), true);
  assert.deepEqual(r.events.at(-1), { type: 'done', status: 0, reason: 'exit', program: 0 });
});

test('the helper\'s own calls are never asked: with every call notified, execve comes first', { skip }, async () => {
  const r = await runAsk(policy([], USER_NOTIF), ['/bin/true'], () => 'allow');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.asks[0]!.nr, NR.execve);
  const types = r.events.map((e) => e.type);
  // The exec is reported once the program runs, before any of its own calls is asked.
  assert.ok(types.indexOf('exec') > types.indexOf('ask') && types.indexOf('exec') < types.lastIndexOf('ask'), types.join(' '));
});

test('a failed execve reports why, whatever the filter, and asks nothing but the execve', { skip }, async () => {
  const script = join(work(), 'bad-interp.sh');
  writeFileSync(script, '#!/nonexistent/interp\n');
  chmodSync(script, 0o755);
  const r = await runAsk(policy([], USER_NOTIF), [script], () => 'allow');
  assert.equal(r.status, 127);
  assert.deepEqual(r.asks.map((e) => e.nr), [NR.execve]);
  const err = r.events.find((e) => e.type === 'error')!;
  assert.equal(err.message, `cannot execute ${script}: No such file or directory`);
  assert.equal(err.code, 127);

  const denied = await runAsk(policy([], USER_NOTIF), ['/bin/true'], () => 'errno 1');
  assert.equal(denied.status, 126);
  assert.match(denied.stderr, /cannot execute \/bin\/true: Operation not permitted/);
});

test('a kill answer to the execve kills before the program runs', { skip }, async () => {
  const r = await runAsk(policy([[NR.execve, USER_NOTIF]]), ['/bin/true'], () => 'kill');
  assert.equal(r.status, 137, r.stderr);
  assert.equal(r.events.some((e) => e.type === 'exec'), false);
});

test('closing the answers stream kills the program (exit 70)', { skip }, async () => {
  const dir = mkdtempSync(join(work(), 'ask-'));
  const r = await runAsk(notifyThree(), [askProg(), dir], () => null);
  assert.equal(r.status, 70);
  assert.match(r.stderr, /the answers stream closed/);
  assert.equal(r.stdout, '');
});

test('bad answers and bad option combinations are usage errors', { skip }, async () => {
  const dir = mkdtempSync(join(work(), 'ask-'));
  const r = await runAsk(notifyThree(), [askProg(), dir], () => 'errno 0');
  assert.equal(r.status, 64);
  const lone = spawnSync(HELPER, ['--filter', writeFilter('a.bpf', policy([])), '--ask', '--', '/bin/true'], { encoding: 'utf8' });
  assert.equal(lone.status, 64);
  assert.match(lone.stderr, /--ask and --answers-fd go together/);
  const fast = spawnSync(HELPER, ['--filter', writeFilter('a.bpf', policy([])), '--ask', '--answers-fd', '0', '--only-decisions', '--actions', '0x7fff0000', '--', '/bin/true'], { encoding: 'utf8' });
  assert.equal(fast.status, 64);
});

test('without notifications the program just runs (an allow-all filter asks nothing)', { skip }, async () => {
  const r = await runAsk(policy([], RET.ALLOW), ['/bin/echo', 'hi'], () => 'allow');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hi\n');
  assert.equal(r.asks.length, 0);
  assert.deepEqual(r.events.map((e) => e.type), ['hello', 'install', 'exec', 'exit', 'done']);
});

test('children inherit the filter: a forked process is asked under its own pid', { skip }, async () => {
  const dir = mkdtempSync(join(work(), 'ask-'));
  let n = 0;
  const r = await runAsk(policy([[NR_MKDIR, USER_NOTIF], [NR_MKDIRAT, USER_NOTIF]]), ['/bin/sh', '-c', `mkdir ${dir}/x; mkdir ${dir}/y; exit 3`],
    () => (n++ === 0 ? 'allow' : `errno ${EACCES}`));
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.asks.length, 2);
  const main = r.events[0]!.pid;
  assert.ok(r.asks.every((a) => a.pid !== main), 'mkdir runs in a child of the shell');
  assert.equal(existsSync(join(dir, 'x')), true);
  assert.equal(existsSync(join(dir, 'y')), false);
  assert.match(r.stderr, /Permission denied/);
});

test('--timeout kills a program waiting for an answer (exit 124)', { skip }, async () => {
  const dir = mkdtempSync(join(work(), 'ask-'));
  const r = await runAsk(notifyThree(), [askProg(), dir], () => undefined, ['--timeout', '0.5']);
  assert.equal(r.status, 124, r.stderr);
  assert.equal(r.asks.length, 1);
  assert.deepEqual(r.events.find((e) => e.type === 'limit'), { type: 'limit', what: 'timeout', value: 0.5 });
  assert.deepEqual(r.events.at(-1), { type: 'done', status: 124, reason: 'timeout', program: 137 });
});

test('calls asked at once each wait for their own answer, answered in any order', { skip }, async () => {
  // Two background mkdirs ask at the same time; neither is answered until both are asked.
  const dir = mkdtempSync(join(work(), 'ask-'));
  const held: Event[] = [];
  const r = await runAsk(policy([[NR_MKDIR, USER_NOTIF], [NR_MKDIRAT, USER_NOTIF]]), ['/bin/sh', '-c', `mkdir ${dir}/x & mkdir ${dir}/y & wait`], (e, reply) => {
    held.push(e);
    if (held.length === 2) {
      reply(held[1]!.id, 'allow'); // the later one first
      reply(held[0]!.id, `errno ${EACCES}`);
    }
    return undefined;
  });
  assert.equal(r.asks.length, 2);
  assert.notEqual(r.asks[0]!.pid, r.asks[1]!.pid);
  assert.equal(r.stderr.match(/Permission denied/g)?.length, 1, r.stderr);
  assert.equal([existsSync(join(dir, 'x')), existsSync(join(dir, 'y'))].filter(Boolean).length, 1);
});

test('SIGTERM to the helper kills the program, its children and its orphans, then the helper dies of it', { skip }, async () => {
  const dir = mkdtempSync(join(work(), 'ask-'));
  const script = `(sleep 100 & echo $! > ${dir}/orphan); sleep 100 & echo $! > ${dir}/child; mkdir ${dir}/x; wait`;
  const r = await runAsk(policy([[NR_MKDIR, USER_NOTIF], [NR_MKDIRAT, USER_NOTIF]]), ['/bin/sh', '-c', script], (_e, _reply, signal) => {
    signal('SIGTERM');
    return undefined;
  });
  assert.equal(r.status, null);
  const pids = ['orphan', 'child'].map((f) => Number(readFileSync(join(dir, f), 'utf8')));
  for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} outlived the helper`);
  assert.equal(existsSync(join(dir, 'x')), false);
});
