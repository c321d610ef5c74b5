/**
 * native/seccomp-run on the real kernel: hand-written filters, C fixtures built at test time,
 * and the JSON event stream checked event by event. Run `make -C native` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, HELPER, NR, RET, alive, fx, fx32, parseEvents, policy, ret, runHelper,
  spawnHelper, syscalls, work, writeFilter, type Event,
} from './harness';
import { blocker, machine, skipUnless } from '../helpers/machine';

// Under CI a missing helper fails (blocker throws) instead of skipping every test.
const skip = blocker(machine.linuxX64(), machine.helper()) ?? false;

const EPERM = 1;
const allowAll = () => writeFilter('allow.bpf', policy([]));

function one(events: Event[], type: string): Event {
  const found = events.filter((e) => e.type === type);
  assert.equal(found.length, 1, `expected one ${type} event, got ${found.length}`);
  return found[0];
}

test('the stream starts with a versioned hello and ends with done', { skip }, () => {
  const r = runHelper(['--filter', allowAll(), '--', fx(), 'getpid']);
  assert.equal(r.status, 0, r.stderr);
  const hello = r.events[0];
  assert.equal(hello.type, 'hello');
  assert.equal(hello.version, 1);
  assert.equal(hello.mode, 'enforce');
  assert.equal(hello.install, 'before-exec');
  assert.equal(hello.arch, 'x86_64');
  assert.equal(hello.abi, AUDIT_ARCH_X86_64);
  assert.equal(typeof hello.pid, 'number');
  assert.deepEqual(r.events.at(-1), { type: 'done', status: 0, reason: 'exit', program: 0 });
  const install = one(r.events, 'install');
  assert.equal(install.how, 'before-exec');
});

test('getpid is reported with its number, arguments and return value', { skip }, () => {
  const r = runHelper(['--filter', allowAll(), '--', fx(), 'getpid']);
  assert.equal(r.status, 0, r.stderr);
  const pid = r.events[0].pid;
  const calls = syscalls(r.events, NR.getpid);
  assert.equal(calls.length, 1);
  const g = calls[0];
  assert.equal(g.pid, pid);
  assert.equal(g.abi, AUDIT_ARCH_X86_64);
  assert.equal(g.ret, String(pid));
  assert.equal(g.args.length, 6);
  assert.match(g.ip, /^0x[0-9a-f]+$/);
  assert.match(r.stdout, new RegExp(`pid=${pid}`));
  assert.deepEqual(one(r.events, 'exit'), { type: 'exit', pid, status: 0 });
});

test('the helper start-up is marked and the execve is the program\'s', { skip }, () => {
  const r = runHelper(['--filter', allowAll(), '--', fx(), 'getpid']);
  const startup = syscalls(r.events).filter((e) => e.startup);
  // prctl(PR_SET_NO_NEW_PRIVS) and seccomp(SECCOMP_SET_MODE_FILTER), nothing else.
  assert.deepEqual(startup.map((e) => e.nr), [157, 317]);
  assert.equal(startup[0].args[0], '0x26');
  const exec = syscalls(r.events, NR.execve)[0];
  assert.equal(exec.ret, '0');
  assert.equal(exec.startup, undefined);
  assert.equal(exec.str['0'], fx());
  assert.deepEqual(exec.argv, [fx(), 'getpid']);
  assert.equal(one(r.events, 'exec').path, fx());
});

test('an errno action makes the call fail with that errno (enforce)', { skip }, () => {
  const f = writeFilter('errno.bpf', policy([[NR.getpid, RET.ERRNO | EPERM]]));
  const r = runHelper(['--filter', f, '--', fx(), 'errno']);
  assert.equal(r.status, 0, r.stderr);
  const g = syscalls(r.events, NR.getpid)[0];
  assert.equal(g.ret, '-1');
  assert.equal(g.errno, EPERM);
  assert.match(r.stdout, /ret=-1 errno=1/);
});

test('kill_process: killed by SIGSYS and the helper exits 128+31', { skip }, () => {
  const f = writeFilter('kill.bpf', policy([[NR.getpid, RET.KILL_PROCESS]]));
  const r = runHelper(['--filter', f, '--', fx(), 'getpid']);
  assert.equal(r.status, 159, r.stderr);
  const g = syscalls(r.events, NR.getpid)[0];
  assert.equal(g.ret, null);
  assert.equal(g.noreturn, true);
  const k = one(r.events, 'killed');
  assert.equal(k.signal, 31);
  assert.equal(r.events.at(-1)!.status, 159);
  assert.equal(r.events.at(-1)!.reason, 'signal');
});

test('a policy that kills execve kills the program at its exec (before-exec install)', { skip }, () => {
  const f = writeFilter('noexec.bpf', policy([[NR.execve, RET.KILL_PROCESS]]));
  const r = runHelper(['--filter', f, '--', fx(), 'getpid']);
  assert.equal(r.status, 159, r.stderr);
  const e = syscalls(r.events, NR.execve);
  assert.equal(e.length, 1);
  assert.equal(e[0].noreturn, true);
  assert.equal(r.events.filter((x) => x.type === 'exec').length, 0);
});

test('trap: a SIGSYS signal event with the seccomp siginfo', { skip }, () => {
  const f = writeFilter('trap.bpf', policy([[NR.getpid, RET.TRAP | 7]]));
  const r = runHelper(['--filter', f, '--', fx(), 'trap']);
  assert.equal(r.status, 42, r.stderr);
  const s = one(r.events, 'signal');
  assert.equal(s.sig, 31);
  assert.equal(s.code, 1); // SYS_SECCOMP
  assert.equal(s.syscall, NR.getpid);
  assert.equal(s.arch, AUDIT_ARCH_X86_64);
  assert.equal(s.errno, 7);
  assert.match(r.stdout, /SIGSYS code=1 syscall=39 arch=0xc000003e errno=7/);
});

test('threads and forked processes are followed', { skip }, () => {
  for (const mode of ['threads', 'fork', 'clone3']) {
    const r = runHelper(['--filter', allowAll(), '--', fx(), mode]);
    assert.equal(r.status, 0, `${mode}: ${r.stderr}`);
    const pids = new Set(syscalls(r.events, NR.getpid).map((e) => e.pid));
    const expected = mode === 'threads' ? 3 : 1;
    assert.equal(pids.size, expected, `${mode}: getpid from ${[...pids]}`);
    assert.ok(!pids.has(r.events[0].pid), `${mode}: getpid came from a new task`);
    const spawns = r.events.filter((e) => e.type === 'spawn');
    assert.ok(spawns.length >= expected, `${mode}: spawn events`);
    for (const p of pids) assert.ok(spawns.some((s) => s.pid === p), `${mode}: spawn of ${p}`);
    // The kernel reports a clone with exit signal SIGCHLD as a fork (kernel/fork.c: kernel_clone).
    const how = mode === 'threads' ? 'clone' : 'fork';
    assert.ok(spawns.every((s) => s.how === how && s.parent === r.events[0].pid), JSON.stringify(spawns));
  }
});

test('vfork and exec in the child are followed', { skip }, () => {
  const r = runHelper(['--filter', allowAll(), '--', fx(), 'vfork']);
  assert.equal(r.status, 0, r.stderr);
  const spawn = one(r.events, 'spawn');
  assert.equal(spawn.how, 'vfork');
  const execs = r.events.filter((e) => e.type === 'exec');
  assert.deepEqual(execs.map((e) => e.path), [fx(), '/usr/bin/true']);
  assert.equal(execs[1].pid, spawn.pid);
  assert.ok(r.events.some((e) => e.type === 'exit' && e.pid === spawn.pid && e.status === 0));
});

test('a thread that execs takes over the process id', { skip }, () => {
  const r = runHelper(['--filter', allowAll(), '--', fx(), 'thread-exec']);
  assert.equal(r.status, 0, r.stderr);
  const pid = r.events[0].pid;
  const thread = r.events.find((e) => e.type === 'spawn')!.pid;
  const exec = r.events.filter((e) => e.type === 'exec')[1];
  assert.deepEqual(exec, { type: 'exec', pid, old_pid: thread, path: '/usr/bin/true' });
  const execve = syscalls(r.events, NR.execve)[1];
  assert.equal(execve.pid, pid);
  assert.equal(execve.ret, '0');
  assert.deepEqual(r.events.filter((e) => e.type === 'exit').map((e) => [e.pid, e.status]), [[pid, 0]]);
  // The leader was in pause(); its call ends without a return.
  assert.ok(syscalls(r.events, 34).some((e) => e.pid === pid && e.noreturn));
});

test('a crash is reported as a signal and a killed process', { skip }, () => {
  const r = runHelper(['--filter', allowAll(), '--', fx(), 'segv']);
  assert.equal(r.status, 128 + 11);
  const s = one(r.events, 'signal');
  assert.equal(s.sig, 11);
  assert.equal(s.addr, '0x8');
  assert.equal(one(r.events, 'killed').signal, 11);
});

test('signals pass through, group-stop and SIGCONT work, ignored signals stay ignored', { skip }, () => {
  const r = runHelper(['--filter', allowAll(), '--', fx(), 'stopcont'], { timeoutMs: 10000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /continued/);
  const sigs = r.events.filter((e) => e.type === 'signal').map((e) => e.sig);
  assert.ok(sigs.includes(15) && sigs.includes(19) && sigs.includes(18), `signals ${sigs}`);
  assert.ok(r.events.some((e) => e.type === 'stop' && e.sig === 19));
});

test('a 32-bit program: events carry the i386 audit arch', { skip }, (t) => {
  const exe = fx32();
  if (skipUnless(t, exe ? undefined : { kind: 'tool', reason: 'no 32-bit assembler and linker (binutils as --32, ld -m elf_i386)' })) return;
  // The kernel must run it at all: a VM guest without IA32 emulation answers ENOEXEC.
  if (skipUnless(t, machine.runsExe(exe!, 7, 'i386'))) return;
  const r = runHelper(['--mode', 'permissive', '--', exe!]);
  assert.equal(r.status, 7, r.stderr);
  const after = syscalls(r.events).filter((e) => e.nr !== NR.execve);
  assert.deepEqual(after.map((e) => [e.abi, e.nr]), [[AUDIT_ARCH_I386, 20], [AUDIT_ARCH_I386, 1]]);
  assert.equal(after[0].ret, String(r.events[0].pid));
});

test('permissive mode installs nothing and runs to completion', { skip }, () => {
  const r = runHelper(['--mode', 'permissive', '--', fx(), 'getpid']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.events[0].install, 'none');
  assert.equal(r.events.filter((e) => e.type === 'install').length, 0);
  assert.equal(syscalls(r.events).filter((e) => e.startup).length, 0);
  assert.equal(syscalls(r.events, NR.getpid)[0].ret, String(r.events[0].pid));
});

test('string arguments: the openat path is read', { skip }, () => {
  const target = join(work(), 'a "quoted"\tname\u00e9');
  writeFileSync(target, 'x');
  const r = runHelper(['--filter', allowAll(), '--', fx(), 'open', target]);
  assert.equal(r.status, 0, r.stderr);
  const o = syscalls(r.events, NR.openat).find((e) => e.str['1'] === Buffer.from(target).toString('latin1'));
  assert.ok(o, 'openat of the target');
  assert.match(o.ret, /^\d+$/);
  assert.match(r.raw, /a \\"quoted\\"\\tname\\u00c3\\u00a9/);
});

test('--strings bounds the strings and marks the cut', { skip }, () => {
  const r = runHelper(['--strings', '4', '--filter', allowAll(), '--', fx(), 'open', '/etc/hostname']);
  const o = syscalls(r.events, NR.openat).find((e) => e.str['1'] === '/etc');
  assert.ok(o);
  assert.deepEqual(o.truncated, [1]);
});

test('read buffers: the first bytes read are reported', { skip }, () => {
  const r = runHelper(['--mode', 'permissive', '--', '/bin/cat', '/etc/hostname']);
  assert.equal(r.status, 0);
  const host = readFileSync('/etc/hostname', 'latin1');
  const open = syscalls(r.events, NR.openat).find((e) => e.str['1'] === '/etc/hostname')!;
  const fd = `0x${Number(open.ret).toString(16)}`;
  const rd = syscalls(r.events.slice(r.events.indexOf(open)), 0).find((e) => Number(e.ret) > 0 && e.args[0] === fd);
  assert.ok(rd);
  assert.equal(rd.buf['1'], host.slice(0, 32));
  const wr = syscalls(r.events, 1).find((e) => Number(e.ret) > 0);
  assert.equal(wr!.buf['1'], host.slice(0, 32));
});

test('after-exec install: a policy without execve still runs the program', { skip }, () => {
  const f = writeFilter('noexec2.bpf', policy([[NR.execve, RET.KILL_PROCESS], [NR.getpid, RET.ERRNO | EPERM]]));
  const r = runHelper(['--install', 'after-exec', '--filter', f, '--', fx(), 'errno']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.events[0].install, 'after-exec');
  const install = one(r.events, 'install');
  assert.equal(install.how, 'after-exec');
  assert.equal(install.ret, '0');
  // The install comes after the exec and before the program's first syscall.
  const order = r.events.map((e) => e.type === 'syscall' ? `syscall:${e.nr}` : e.type);
  const iExec = order.indexOf('exec'), iInstall = order.indexOf('install');
  assert.ok(iExec < iInstall && order[iInstall - 1] === `syscall:${NR.execve}`, order.slice(0, 8).join(' '));
  assert.equal(syscalls(r.events, NR.getpid)[0].ret, '-1');
  assert.match(r.stdout, /ret=-1 errno=1/);
  // ...and the filter is in force: a second execve is killed.
  const r2 = runHelper(['--install', 'after-exec', '--filter', f, '--', fx(), 'exec']);
  assert.equal(r2.status, 159, r2.stderr);
});

test('--only-decisions stops only on the traced calls and applies their actions', { skip }, () => {
  // getpid -> TRACE|0 (real action: errno EPERM); everything else allowed.
  const f = writeFilter('fast.bpf', policy([[NR.getpid, RET.TRACE | 0]]));
  const actions = `0x${(RET.ERRNO | EPERM).toString(16)}`;
  const r = runHelper(['--only-decisions', '--actions', actions, '--filter', f, '--', fx(), 'loop', '50']);
  assert.equal(r.status, 0, r.stderr);
  const calls = syscalls(r.events);
  assert.equal(calls.length, 50, `only the 50 getpid calls: ${calls.map((e) => e.nr)}`);
  for (const c of calls) {
    assert.equal(c.nr, NR.getpid);
    assert.equal(c.ret, '-1');
    assert.deepEqual(c.seccomp, { data: 0, action: '0x50001' });
  }
  // Permissive: the same stops, nothing applied.
  const p = runHelper(['--mode', 'permissive', '--only-decisions', '--filter', f, '--', fx(), 'getpid']);
  assert.equal(p.status, 0, p.stderr);
  const g = syscalls(p.events);
  assert.equal(g.length, 1);
  assert.equal(g[0].ret, String(p.events[0].pid));
  assert.deepEqual(g[0].seccomp, { data: 0 });
});

test('--only-decisions: kill and trap actions behave as in the kernel', { skip }, () => {
  const f = writeFilter('fast2.bpf', policy([[NR.getpid, RET.TRACE | 1]]));
  const actions = (a: number) => `0x${RET.ALLOW.toString(16)},0x${a.toString(16)}`;
  const k = runHelper(['--only-decisions', '--actions', actions(RET.KILL_PROCESS), '--filter', f, '--', fx(), 'getpid']);
  assert.equal(k.status, 159, k.stderr);
  assert.equal(one(k.events, 'killed').signal, 31);
  const g = syscalls(k.events, NR.getpid)[0];
  assert.equal(g.noreturn, true);
  assert.deepEqual(g.seccomp, { data: 1, action: '0x80000000' });
  const t = runHelper(['--only-decisions', '--actions', actions(RET.TRAP | 9), '--filter', f, '--', fx(), 'trap']);
  assert.equal(t.status, 42, t.stderr);
  assert.match(t.stdout, /SIGSYS code=1 syscall=39 arch=0xc000003e errno=9/);
  const s = one(t.events, 'signal');
  assert.equal(s.emulated, true);
  assert.equal(s.syscall, NR.getpid);
});

test('--timeout kills a sleeping program', { skip }, () => {
  const t0 = Date.now();
  const r = runHelper(['--timeout', '0.5', '--mode', 'permissive', '--', 'sleep', '100']);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(r.status, 124, r.stderr);
  assert.match(r.stderr, /^seccomp-run: timed out after 0.5 s; killed the traced processes\n$/);
  assert.ok(r.events.some((e) => e.type === 'limit' && e.what === 'timeout'));
  assert.equal(one(r.events, 'killed').signal, 9);
  assert.equal(r.events.at(-1)!.reason, 'timeout');
});

test('--max-procs ends a fork bomb cleanly', { skip }, () => {
  const r = runHelper(['--max-procs', '20', '--mode', 'permissive', '--strings', '0', '--', fx(), 'bomb'], { timeoutMs: 30000 });
  assert.equal(r.status, 125, r.stderr);
  assert.ok(r.events.some((e) => e.type === 'limit' && e.what === 'max-procs' && e.value === 20));
  const spawned = new Set(r.events.filter((e) => e.type === 'spawn').map((e) => e.pid));
  const ended = new Set(r.events.filter((e) => e.type === 'exit' || e.type === 'killed').map((e) => e.pid));
  for (const p of spawned) assert.ok(ended.has(p), `process ${p} has no end`);
  for (const p of spawned) assert.ok(!alive(p), `process ${p} survived`);
});

test('killing the helper with SIGKILL leaves no traced process alive', { skip }, async () => {
  const child = spawnHelper(['--mode', 'permissive', '--', fx(), 'spawn-sleepers']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const deadline = Date.now() + 10000;
  while ((out.match(/\n/g) ?? []).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const pids = [...out.matchAll(/(?:child|parent) (\d+)/g)].map((m) => Number(m[1]));
  assert.equal(pids.length, 4, out);
  assert.ok(pids.every(alive));
  child.kill('SIGKILL');
  await once(child, 'exit');
  await new Promise((r) => setTimeout(r, 300));
  for (const p of pids) assert.ok(!alive(p), `traced process ${p} survived the helper`);
});

test('errors: one line on stderr and a distinct exit code', { skip }, () => {
  const empty = writeFilter('empty.bpf', Buffer.alloc(0));
  const odd = writeFilter('odd.bpf', Buffer.alloc(12));
  const long = writeFilter('long.bpf', Buffer.concat(Array.from({ length: 4097 }, () => ret(RET.ALLOW))));
  // Rejected by the kernel: a jump past the end.
  const bad = writeFilter('bad.bpf', Buffer.concat([insnJump(), ret(RET.ALLOW)]));
  const noexec = writeFilter('noexec-file', Buffer.from('#!/bin/sh\n'));
  const cases: Array<[string[], number, RegExp]> = [
    [['--bogus', '--', '/bin/true'], 64, /unknown option --bogus/],
    [['--filter', allowAll()], 64, /no command/],
    [['--', '/bin/true'], 64, /enforce mode needs a filter/],
    [['--filter', join(work(), 'missing.bpf'), '--', '/bin/true'], 66, /cannot open filter/],
    [['--filter', empty, '--', '/bin/true'], 65, /is empty/],
    [['--filter', odd, '--', '/bin/true'], 65, /not a multiple of 8/],
    [['--filter', long, '--', '/bin/true'], 65, /more than 4096 instructions/],
    [['--filter', bad, '--', '/bin/true'], 67, /rejected the filter \(EINVAL\)/],
    [['--install', 'after-exec', '--filter', bad, '--', '/bin/true'], 67, /rejected the filter \(EINVAL\)/],
    [['--filter', allowAll(), '--', 'no-such-command-xyz'], 127, /command not found/],
    [['--filter', allowAll(), '--', '/no/such/file'], 127, /No such file/],
    [['--filter', allowAll(), '--', noexec], 126, /not executable/],
    [['--filter', allowAll(), '--', '/etc'], 126, /is a directory/],
  ];
  for (const [args, code, msg] of cases) {
    const r = runHelper(args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], /^seccomp-run: /);
    assert.match(lines[0], msg);
    if (r.events.length) assert.deepEqual(r.events.at(-1)!.type, 'done');
  }
});

test('exec failures after start-up are reported through the child (ENOEXEC)', { skip }, () => {
  const junk = writeFilter('junk-exe', Buffer.from('\x7fELF garbage garbage garbage'));
  chmodSync(junk, 0o755);
  const r = runHelper(['--filter', allowAll(), '--', junk]);
  assert.equal(r.status, 126, r.stderr);
  assert.match(r.stderr, /^seccomp-run: cannot execute .*: Exec format error\n$/);
  assert.equal(syscalls(r.events, NR.execve)[0].errno, 8);
});

test('the helper is linked statically when musl-gcc is installed', { skip: skip || (blocker(machine.muslGcc()) ?? false) }, () => {
  // No PT_INTERP program header: nothing to load at run time.
  const elf = readFileSync(HELPER);
  assert.equal(elf.subarray(0, 4).toString('latin1'), '\x7fELF');
  const phoff = Number(elf.readBigUInt64LE(0x20)), phentsize = elf.readUInt16LE(0x36), phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) assert.notEqual(elf.readUInt32LE(phoff + i * phentsize), 3, 'PT_INTERP present');
});

test('--filter-fd with --only-decisions and the after-exec install', { skip }, () => {
  const fd = openSync(writeFilter('fd.bpf', policy([[NR.execve, RET.TRACE | 1], [NR.getpid, RET.TRACE | 0]])), 'r');
  const run = (mode: string) => {
    const r = spawnSync(HELPER, ['--events-fd', '3', '--filter-fd', '4', '--only-decisions', '--actions', '0x50001,0x80000000',
      '--install', 'after-exec', '--', fx(), mode], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', fd], cwd: work(), timeout: 20000 });
    return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString(), events: parseEvents(r.output[3]!.toString('latin1')) };
  };
  const ok = run('errno');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /ret=-1 errno=1/);
  assert.deepEqual(syscalls(ok.events).map((e) => [e.nr, e.ret]), [[NR.getpid, '-1']]);
  closeSync(fd);
  const fd2 = openSync(join(work(), 'fd.bpf'), 'r');
  const r2 = spawnSync(HELPER, ['--events-fd', '3', '--filter-fd', '4', '--only-decisions', '--actions', '0x50001,0x80000000',
    '--install', 'after-exec', '--', fx(), 'exec'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', fd2], cwd: work(), timeout: 20000 });
  closeSync(fd2);
  assert.equal(r2.status, 159, r2.stderr.toString());
  const ev = parseEvents(r2.output[3]!.toString('latin1'));
  assert.deepEqual(syscalls(ev).map((e) => [e.nr, e.noreturn]), [[NR.execve, true]]);
});

/** BPF_JMP|BPF_JA with k = 5: past the end of a 2-instruction program, which the kernel rejects. */
function insnJump(): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(0x05, 0);
  b.writeUInt32LE(5, 4);
  return b;
}
