/**
 * `seccomp-policy run` and `learn` on the real kernel, through the built CLI
 * (node bin/seccomp-policy), as a user runs them: real programs (/bin/true,
 * ls, sh, python3) and a C fixture under policies with every action, checking
 * what the trace shows against what really happened.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ROOT, alive, cli, cliAsync, hasCommand, jsonLines, policyFile, prepare, skipReason, sleep, tfx, work, type Json } from './harness';

const skip = skipReason;

before(() => { if (!skip) prepare(); });

/** Syscall events of a --json trace. */
const syscalls = (events: Json[]) => events.filter((e) => e.type === 'syscall');
const summaryOf = (events: Json[]) => events.find((e) => e.type === 'summary')!;

describe('run: every action', { skip }, () => {
  const cases: Array<{ action: string; status: number; stdout: RegExp; line: RegExp; kernel: (events: Json[]) => void }> = [
    { action: 'allow', status: 0, stdout: /^getppid=1\ngetpid=1\n$/, line: /^getppid\(\) = \d+ +# allow  \S+:2$/m, kernel: () => {} },
    { action: 'log', status: 0, stdout: /^getppid=1\ngetpid=1\n$/, line: /^getppid\(\) = \d+ +# log  \S+:2$/m, kernel: () => {} },
    {
      action: 'errno(EACCES)', status: 0, stdout: /^getppid=-1 errno=13\ngetpid=1\n$/,
      line: /^getppid\(\) = -1 EACCES \(Permission denied\) +# errno\(EACCES\)  \S+:2$/m, kernel: () => {},
    },
    { action: 'trace(5)', status: 0, stdout: /^getppid=-1 errno=38\n/, line: /^getppid\(\) = -1 ENOSYS \(Function not implemented\) +# trace\(5\)  \S+:2$/m, kernel: () => {} },
    { action: 'notify', status: 0, stdout: /^getppid=-1 errno=38\n/, line: /^getppid\(\) = -1 ENOSYS \(Function not implemented\) +# notify  \S+:2$/m, kernel: () => {} },
    {
      action: 'kill_process', status: 159, stdout: /^$/, line: /^getppid\(\) = \? +# kill_process  \S+:2\n\+\+\+ killed by SIGSYS( \(core dumped\))? \+\+\+$/m,
      kernel: (ev) => assert.ok(ev.some((e) => e.type === 'killed' && e.signal === 31)),
    },
    {
      action: 'kill_thread', status: 159, stdout: /^$/, line: /^getppid\(\) = \? +# kill_thread  \S+:2\n\+\+\+ killed by SIGSYS( \(core dumped\))? \+\+\+$/m,
      kernel: (ev) => assert.ok(ev.some((e) => e.type === 'killed' && e.signal === 31)),
    },
    {
      action: 'trap', status: 159, stdout: /^$/,
      line: /^getppid\(\) = 110 +# trap  \S+:2\n--- SIGSYS \{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x[0-9a-f]+, si_syscall=__NR_getppid, si_arch=AUDIT_ARCH_X86_64\} ---\n\+\+\+ killed by SIGSYS/m,
      kernel: (ev) => assert.ok(ev.some((e) => e.type === 'signal' && e.sig === 31 && e.code === 1 && e.syscall === 110)),
    },
  ];
  for (const c of cases) {
    test(c.action, () => {
      const p = policyFile(`default allow\n${c.action} getppid\n`);
      const r = cli(['run', p, '--', tfx(), 'getppid', 'getpid'], { trace: true });
      assert.equal(r.status, c.status, r.stderr);
      assert.match(r.stdout, c.stdout);
      assert.match(r.trace, c.line);
      // The same run as JSON: the kernel's view, and no disagreement with the attribution.
      const j = cli(['run', '--json', p, '--', tfx(), 'getppid', 'getpid'], { trace: true });
      const events = jsonLines(j.trace);
      c.kernel(events);
      assert.deepEqual(summaryOf(events).disagreements, []);
      const denied = summaryOf(events).denied as Json[];
      if (c.action === 'allow' || c.action === 'log') assert.deepEqual(denied, []);
      else assert.equal(denied[0]!.syscall, 'getppid');
    });
  }

  test('trap with a SIGSYS handler: the program goes on', () => {
    const p = policyFile('default allow\ntrap(7) getppid\n');
    const r = cli(['run', p, '--', tfx(), 'sigsys', 'getppid', 'getpid'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /caught SIGSYS syscall=110 errno=7\n/);
    assert.match(r.trace, /--- SIGSYS \{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_errno=7, /);
    assert.match(r.trace, /^rt_sigreturn\(\) = 110 /m);
  });

  test('kill_thread in a thread: the thread dies, the process goes on', () => {
    const p = policyFile('default allow\nkill_thread getppid\n');
    const r = cli(['run', p, '--', tfx(), 'thread-getppid', 'getpid'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^thread=0\ngetpid=1\n$/);
    // The thread's own lines: its call, then its death. Other threads' lines may come between
    // (the main thread's futex wakes as the thread dies, and may be reported first).
    const call = /^\[pid (\d+)\] getppid\(\) = \? +# kill_thread .*$/m.exec(r.trace);
    assert.ok(call, r.trace);
    const own = r.trace.split('\n').filter((l) => l.startsWith(`[pid ${call[1]}] `));
    assert.match(own.at(-1)!, /^\[pid \d+\] \+\+\+ killed by SIGSYS/, own.join('\n'));
    assert.match(own.at(-2)!, /getppid\(\) = \? +# kill_thread/, own.join('\n'));
    assert.match(r.trace, /\+\+\+ exited with 0 \+\+\+/);
  });
});

describe('run: real programs', { skip }, () => {
  test('/bin/true under allow-all', () => {
    const p = policyFile('default allow\n');
    const r = cli(['run', p, '--', '/bin/true'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.trace, /^execve\("\/bin\/true", \["\/bin\/true"\], 0x[0-9a-f]+\) = 0 +# allow  \S+:1 \(default\)$/m);
    assert.match(r.trace, /^exit_group\(0\) = \? +# allow/m);
    assert.match(r.trace, /^\+\+\+ exited with 0 \+\+\+$/m);
    assert.match(r.trace, /# no syscall was denied/);
  });

  test('ls / with errno on openat of anything but O_RDONLY, and on statx', () => {
    const p = policyFile('default allow\nerrno(EPERM) openat if flags & O_ACCMODE != O_RDONLY\nerrno(ENOSYS) statx\n');
    const r = cli(['run', p, '--', 'ls', '/'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usr$/m);
    assert.match(r.trace, /^openat\(AT_FDCWD, "\/etc\/ld.so.cache", O_RDONLY\|O_CLOEXEC\) = 3 +# allow  \S+:1 \(default\)$/m);
    assert.match(r.trace, /^statx\(AT_FDCWD, "\/", AT_STATX_SYNC_AS_STAT\|AT_NO_AUTOMOUNT, STATX_MODE, 0x[0-9a-f]+\) = -1 ENOSYS \(Function not implemented\) +# errno\(ENOSYS\)  \S+:3$/m);
  });

  test('sh -c "echo hi": the program keeps its own stdout', () => {
    const p = policyFile('default allow\n');
    const r = cli(['run', p, '--', 'sh', '-c', 'echo hi'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    assert.match(r.trace, /^write\(1, "hi\\n", 3\) = 3 /m);
  });

  test('exit status and 128+signal', () => {
    const p = policyFile('default allow\n');
    assert.equal(cli(['run', p, '--', 'sh', '-c', 'exit 7']).status, 7);
    assert.equal(cli(['run', p, '--', 'sh', '-c', 'kill -TERM $$']).status, 128 + 15);
  });

  test('python3 -c "print(1)" learned, then enforced', { skip: hasCommand('python3') ? false : 'no python3' }, () => {
    const out = join(work(), 'python.seccomp');
    const l = cli(['learn', '-o', out, '--', 'python3', '-c', 'print(1)']);
    assert.equal(l.status, 0, l.stderr);
    assert.equal(l.stdout, '1\n');
    const r = cli(['run', out, '--', 'python3', '-c', 'print(1)'], { trace: true });
    assert.equal(r.status, 0, r.stderr + r.trace.slice(-2000));
    assert.equal(r.stdout, '1\n');
  });

  test('fork, threads and exec: pids are shown, each decision attributed', () => {
    const p = policyFile('default allow\nerrno(EPERM) uname\n');
    const r = cli(['run', p, '--', tfx(), 'fork', 'thread', `exec:${tfx()}`, 'uname'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /fork-child-status=3\nthread=1\nuname=-1 errno=1\n$/);
    assert.match(r.trace, /^\[pid \d+\] getppid\(\) = \d+ +# allow/m);
    assert.match(r.trace, /^\[pid \d+\] uname\(0x[0-9a-f]+\) = -1 EPERM \(Operation not permitted\) +# errno\(EPERM\)  \S+:2$/m);
    assert.match(r.trace, /^\[pid \d+\] clone\(SIGCHLD\|CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID|^\[pid \d+\] clone\(CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD/m);
    assert.match(r.trace, /^\[pid \d+\] \+\+\+ exited with 3 \+\+\+$/m);
  });
});

describe('attribution agrees with the kernel (enforce)', { skip }, () => {
  const policy = `default allow
errno(ENOENT) openat if flags & O_ACCMODE == O_WRONLY
errno(EPERM) uname, getppid
errno(ENOSYS) statx, clone3
errno(EACCES) socket if domain == AF_INET6
log getpid
trace(3) getrandom
notify sched_getaffinity
`;
  const programs: Array<[string, string[]]> = [
    ['ls -la /', ['ls', '-la', '/']],
    ['sh -c', ['sh', '-c', 'echo a; cat /etc/hostname >/dev/null; true']],
    ['fixture', ['FX', 'getpid', 'getppid', 'uname', 'open:/etc/passwd', 'openw:/tmp/nope', 'socket:10', 'socket:1', 'fork', 'thread', 'thread-getppid']],
  ];
  for (const [name, cmd] of programs) {
    test(name, () => {
      const p = policyFile(policy);
      const argv = cmd.map((a) => (a === 'FX' ? tfx() : a));
      const r = cli(['run', '--json', p, '--', ...argv], { trace: true });
      assert.equal(r.status, 0, r.stderr);
      const events = jsonLines(r.trace);
      assert.deepEqual(summaryOf(events).disagreements, []);
      // Our own check, event by event: errno decisions are the return values seen.
      let checked = 0;
      for (const e of syscalls(events)) {
        if (e.decision.applied !== 'enforced') continue;
        checked++;
        const kind = e.decision.kind as string;
        if (kind === 'errno') {
          const m = /^errno\((\w+)\)$/.exec(e.decision.action)!;
          const want = { ENOENT: 2, EPERM: 1, ENOSYS: 38, EACCES: 13 }[m[1]!]!;
          assert.equal(e.ret, String(-want), `${e.name}: ${JSON.stringify(e)}`);
        } else if (kind === 'trace' || kind === 'user_notif') {
          assert.equal(e.ret, '-38', `${e.name}`);
        } else {
          assert.ok(kind === 'allow' || kind === 'log', kind);
          assert.ok(e.noreturn || e.ret !== null);
        }
      }
      assert.ok(checked > 10, `only ${checked} events checked`);
    });
  }

  test('a disagreement is reported (attribution against another policy than the one enforced)', async () => {
    // Attribution against a different program than the one installed: run the engine on a
    // recorded enforce trace with a policy that says allow where the kernel returned EPERM.
    const { parseEventLines } = await import('../../server/src/trace/events');
    const { TraceSession } = await import('../../server/src/trace/session');
    const { compileText } = await import('../helpers/compile');
    const p = policyFile('default allow\nerrno(EPERM) uname\n');
    const r = cli(['run', '--json', p, '--', tfx(), 'uname'], { trace: true });
    const raw = r.trace.split('\n').filter((l) => l && !l.includes('"summary"')).map((l) => {
      const o = JSON.parse(l);
      delete o.decision;
      delete o.name;
      return JSON.stringify(o);
    }).join('\n');
    const { model, program } = compileText('default allow\nerrno(EACCES) uname\n');
    const s = new TraceSession({ program, model, output: 'none' });
    for (const e of parseEventLines(raw)) s.handle(e);
    assert.equal(s.disagreements.length, 1);
    assert.match(s.disagreements[0]!.reason, /the filter returns -13, but the call returned -1/);
  });
});

describe('permissive', { skip }, () => {
  test('lists every violation an enforce run stops at, and the program completes', () => {
    const p = policyFile('default allow\nkill_process uname\nerrno(EPERM) getppid\nkill_process socket\n');
    const argv = [tfx(), 'getppid', 'uname', 'socket:1', 'getpid'];
    const per = cli(['run', '--permissive', '--json', p, '--', ...argv], { trace: true });
    assert.equal(per.status, 0, per.stderr);
    assert.match(per.stdout, /^getppid=1\nuname=0\nsocket=0\ngetpid=1\n$/);
    const denied = (summaryOf(jsonLines(per.trace)).denied as Json[]).map((d) => `${d.syscall} ${d.action}`).sort();
    assert.deepEqual(denied, ['getppid errno(EPERM)', 'socket kill_process', 'uname kill_process']);
    // Enforce stops at the first kill; it is in the permissive list, and so is every denial before it.
    const enf = cli(['run', '--json', p, '--', ...argv], { trace: true });
    assert.equal(enf.status, 159);
    const stopped = (summaryOf(jsonLines(enf.trace)).denied as Json[]).map((d) => `${d.syscall} ${d.action}`).sort();
    assert.deepEqual(stopped, ['getppid errno(EPERM)', 'uname kill_process']);
    for (const s of stopped) assert.ok(denied.includes(s));
    const text = cli(['run', '--permissive', p, '--', ...argv], { trace: true });
    assert.match(text.trace, /^uname\(0x[0-9a-f]+\) = 0 +# would kill_process  \S+:2$/m);
    assert.match(text.trace, /^# syscalls the policy would deny/m);
  });
});

describe('fast path (--only-decisions)', { skip }, () => {
  test('shows only the decisions, applies them like the kernel', () => {
    const p = policyFile('default allow\nerrno(EPERM) getppid\nlog uname\n');
    const r = cli(['run', '--only-decisions', p, '--', tfx(), 'getppid', 'uname', 'getpid'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^getppid=-1 errno=1\nuname=0\ngetpid=1\n$/);
    const lines = r.trace.split('\n').filter((l) => /^\w+\(/.test(l));
    assert.deepEqual(lines.map((l) => l.split('(')[0]), ['getppid', 'uname']);
    assert.match(r.trace, /^getppid\(\) = -1 EPERM \(Operation not permitted\) +# errno\(EPERM\)  \S+:2$/m);
    const j = cli(['run', '--only-decisions', '--json', p, '--', tfx(), 'getppid', 'uname'], { trace: true });
    assert.deepEqual(summaryOf(jsonLines(j.trace)).disagreements, []);
  });

  test('kill actions kill with SIGSYS', () => {
    const p = policyFile('default allow\nkill_process getppid\n');
    const r = cli(['run', '--only-decisions', p, '--', tfx(), 'getpid', 'getppid', 'getpid'], { trace: true });
    assert.equal(r.status, 159, r.stderr);
    assert.match(r.trace, /^getppid\(\) = \? +# kill_process/m);
  });

  test('permissive fast path lists the violations and completes', () => {
    const p = policyFile('default allow\nkill_process getppid\n');
    const r = cli(['run', '--only-decisions', '--permissive', p, '--', tfx(), 'getppid', 'getpid'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.trace, /^getppid\(\) = \d+ +# would kill_process/m);
  });
});

describe('the issue\'s "done when": strict policy, permissive, learn', { skip }, () => {
  const strict = join(ROOT, 'examples', 'strict.seccomp');
  test('ls is killed, the trace names the syscall and the rule', () => {
    const r = cli(['run', '--install', 'after-exec', strict, '--', '/bin/ls'], { trace: true });
    assert.equal(r.status, 159);
    assert.match(r.trace, /^# seccomp filter installed after exec/m);
    assert.match(r.trace, /^brk\(NULL\) = \? +# kill_process  \S*strict\.seccomp:3 \(default\)$/m);
    assert.match(r.trace, /^\+\+\+ killed by SIGSYS/m);
    assert.match(r.trace, /1 +brk +kill_process +\S*strict\.seccomp:3 \(default\) +default kill_process/);
    // Before-exec (the default) stops at ls's own execve and says why.
    const b = cli(['run', strict, '--', '/bin/ls']);
    assert.equal(b.status, 159);
    assert.match(b.stderr, /^execve\("\/bin\/ls", \["\/bin\/ls"\], 0x[0-9a-f]+\) = \? +# kill_process  \S*strict\.seccomp:3 \(default\)$/m);
    assert.match(b.stderr, /note: the policy does not allow execve/);
  });

  test('--permissive lists every syscall ls needs', () => {
    const r = cli(['run', '--permissive', '--json', strict, '--', '/bin/ls', '/'], { trace: true });
    assert.equal(r.status, 0, r.stderr);
    const events = jsonLines(r.trace);
    const needed = new Set(syscalls(events).map((e) => e.name as string));
    const denied = new Set((summaryOf(events).denied as Json[]).map((d) => d.syscall as string));
    for (const n of needed) {
      if (['read', 'write', 'exit', 'exit_group', 'rt_sigreturn'].includes(n)) assert.ok(!denied.has(n), n);
      else assert.ok(denied.has(n), `${n} is needed but not listed`);
    }
    assert.ok(denied.has('openat') && denied.has('mmap') && denied.has('getdents64'));
  });

  test('learn writes a policy under which ls runs to completion', () => {
    const out = join(work(), 'ls.seccomp');
    const l = cli(['learn', '-o', out, '--', '/bin/ls', '/']);
    assert.equal(l.status, 0, l.stderr);
    assert.match(l.stdout, /^usr$/m);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^default kill_process$/m);
    assert.match(text, /^arch x86_64$/m);
    assert.match(text, /^allow openat if flags & O_ACCMODE == O_RDONLY && flags & \(O_CREAT\|O_TRUNC\) == 0 +# \d+ calls/m);
    assert.match(text, /^allow execve +# 1 call: the program's start/m);
    const check = cli(['check', out]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.doesNotMatch(check.stdout + check.stderr, /error/);
    const r = cli(['run', out, '--', '/bin/ls', '/'], { trace: true });
    assert.equal(r.status, 0, r.trace.slice(-3000));
    assert.match(r.stdout, /^usr$/m);
    assert.match(r.trace, /# no syscall was denied/);
    // Without -o the policy goes to stdout and the program's output to stderr.
    const s = cli(['learn', '--', 'sh', '-c', 'echo hi; ls / >/dev/null']);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /^default kill_process$/m);
    assert.match(s.stderr, /^hi$/m);
    const p = join(work(), 'sh.seccomp');
    writeFileSync(p, s.stdout);
    const r2 = cli(['run', p, '--', 'sh', '-c', 'echo hi; ls / >/dev/null']);
    assert.equal(r2.status, 0, r2.stderr.slice(-2000));
  });

  test('learn with sockets: a condition on the domains seen', () => {
    const out = join(work(), 'sock.seccomp');
    const l = cli(['learn', '-o', out, '--', tfx(), 'socket:1', 'socket:2']);
    assert.equal(l.status, 0, l.stderr);
    assert.match(readFileSync(out, 'utf8'), /^allow socket if domain in \(AF_UNIX, AF_INET\) && type & ~\(SOCK_NONBLOCK\|SOCK_CLOEXEC\) == SOCK_STREAM +# 2 calls: AF_INET SOCK_STREAM 1, AF_UNIX SOCK_STREAM 1$/m);
    assert.equal(cli(['run', out, '--', tfx(), 'socket:1', 'socket:2']).status, 0);
    // A domain the run did not use is killed.
    assert.equal(cli(['run', out, '--', tfx(), 'socket:10']).status, 159);
  });
});

describe('robustness', { skip }, () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    test(`${sig} to our CLI mid-run: no traced process survives`, async () => {
      const p = policyFile('default allow\n');
      const trace = join(work(), `kill-${sig}.jsonl`);
      const child = cliAsync(['run', '--json', '-o', trace, p, '--', tfx(), 'fork', 'sleep:30']);
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      const closed = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
      let pids: number[] = [];
      for (let i = 0; i < 100; i++) {
        await sleep(100);
        if (existsSync(trace)) {
          const text = readFileSync(trace, 'utf8');
          pids = [...text.matchAll(/"pid":(\d+)/g)].map((m) => Number(m[1]));
          if (text.includes('"nr":35')) break; // nanosleep
        }
      }
      assert.ok(pids.length > 0, 'the program started');
      child.kill(sig);
      const code = await closed;
      assert.equal(code, 128 + (sig === 'SIGINT' ? 2 : 15));
      assert.match(stderr, /interrupted .*the traced program was killed/);
      await sleep(300);
      for (const pid of new Set(pids)) assert.ok(!alive(pid), `pid ${pid} survived`);
    });
  }

  test('SIGKILL to our CLI mid-run: the helper dies with it and takes the program along', async () => {
    // No chance to clean up here: the helper's parent-death signal does it.
    const p = policyFile('default allow\n');
    const marker = `${30 + Math.floor(Math.random() * 1000) / 1000}`; // a unique `sleep` argument to find the process by
    // Our own stdio, not pipes: a broken pipe must not be what ends the helper here.
    const child = spawn(process.execPath, [join(ROOT, 'bin/seccomp-policy'), 'run', '-o', join(work(), 'sigkill.txt'), p, '--', 'sleep', marker], { stdio: 'ignore' });
    const closed = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    const running = () => spawnSync('pgrep', ['-f', `^sleep ${marker}$`]).status === 0;
    for (let i = 0; i < 50 && !running(); i++) await sleep(100);
    assert.ok(running(), 'the program started');
    child.kill('SIGKILL');
    assert.equal(await closed, null);
    for (let i = 0; i < 20 && running(); i++) await sleep(100);
    assert.ok(!running(), 'the traced program survived its tracer');
  });

  test('a fork bomb under --max-procs ends cleanly', () => {
    const p = policyFile('default allow\n');
    const r = cli(['run', '--max-procs', '20', '--timeout', '20', '--json', p, '--', tfx(), 'bomb'], { trace: true, timeoutMs: 60000 });
    assert.equal(r.status, 125, r.stderr);
    const events = jsonLines(r.trace);
    assert.ok(events.some((e) => e.type === 'limit' && e.what === 'max-procs'));
    const pids = new Set(events.filter((e) => e.pid).map((e) => e.pid as number));
    for (const pid of pids) assert.ok(!alive(pid), `pid ${pid} survived`);
  });

  test('timeout', () => {
    const p = policyFile('default allow\n');
    const r = cli(['run', '--timeout', '0.5', p, '--', tfx(), 'sleep:30']);
    assert.equal(r.status, 124);
    assert.match(r.stderr, /time limit reached|timed out/);
  });

  test('one-line errors with distinct exit codes', () => {
    const p = policyFile('default allow\n');
    const nf = cli(['run', p, '--', '/nonexistent/program']);
    assert.equal(nf.status, 127);
    assert.equal(nf.stderr.trim().split('\n').length, 1, nf.stderr);
    assert.doesNotMatch(nf.stderr, /\n\s+at /);
    const bad = policyFile('default allow\nallow nosuchcall\n');
    const b = cli(['run', bad, '--', '/bin/true']);
    assert.equal(b.status, 1);
    assert.match(b.stderr, /nosuchcall/);
    const usage = cli(['run', p]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /expected a command after `--`/);
    const missing = cli(['run', p, '--', '/bin/true'], { env: { ...process.env, SECCOMP_RUN_HELPER: '/nonexistent/helper' } });
    assert.equal(missing.status, 0, 'falls back to the built helper');
    const ne = cli(['run', p, '--', 'true'], { cwd: work() });
    assert.equal(ne.status, 0);
  });
});
