/**
 * The conditions of a tight learned policy (server/src/trace/learnConditions.ts),
 * from recorded and hand-made events: what each rule says, that the policy
 * passes `check` with no diagnostic at all, that its filter allows every call
 * of the run, and that it refuses what a careful reviewer would (a request,
 * flag, family or mode the run never used).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { abiInfo, type Abi } from '../../../server/src/kernel/abi';
import { checkModel } from '../../../server/src/policy/check';
import { syscallNumber } from '../../../server/src/kernel/syscalls';
import { Attributor } from '../../../server/src/trace/attribute';
import { parseEventLines, type SyscallEvent, type TraceEvent } from '../../../server/src/trace/events';
import { LearnCollector, learnPolicy, type LearnOptions } from '../../../server/src/trace/learn';
import { runCli } from '../../helpers/cli';
import { compileText, modelOf } from '../../helpers/compile';

const FIXTURES = join(__dirname, 'fixtures');
const X86_64 = abiInfo('x86_64').auditArch;
const I386 = abiInfo('i386').auditArch;

const hex = (v: bigint | number) => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

function call(name: string, args: (bigint | number)[], ret: bigint | number = 0, abi: Abi = 'x86_64', extra: Partial<SyscallEvent> = {}): SyscallEvent {
  const nr = syscallNumber(abi, name);
  if (nr === undefined) throw new Error(`${name} on ${abi}`);
  const six = args.map(hex);
  while (six.length < 6) six.push('0x0');
  return { type: 'syscall', pid: 100, abi: abiInfo(abi).auditArch, nr, args: six, ip: '0x1000', ret: String(ret), ...extra };
}

const hello: TraceEvent = {
  type: 'hello', version: 1, pid: 100, tracer: 99, mode: 'permissive', install: 'none', only_decisions: false, arch: 'x86_64',
  abi: X86_64, instructions: 0, kill_prefix: false, cpu: null, path: '/bin/prog', argv: ['prog'],
};
const done: TraceEvent = { type: 'done', status: 0, reason: 'exit', program: 0 };

/** A run: the program's start (execve), then `calls`, then exit_group. */
function learned(calls: (SyscallEvent | TraceEvent)[], options: LearnOptions = {}) {
  const c = new LearnCollector();
  const events: TraceEvent[] = [hello, call('execve', [0x1000, 0x2000, 0x3000]), ...calls, call('exit_group', [0]), done];
  for (const e of events) c.handle(e);
  return learnPolicy(c, options);
}

/** The diagnostics `check` prints for a policy (every severity). */
function problems(text: string): string[] {
  return checkModel(modelOf(text).model).map((d) => `${d.severity} ${d.code}: ${d.message}`);
}

/** What the learned policy's filter does to one call (`errno(38)` with its data). */
function decide(text: string, e: SyscallEvent): string {
  const d = new Attributor(compileText(text).program).decideEvent(e);
  return d.action === 'errno' ? `errno(${d.data})` : d.action;
}

// Values from the kernel's UAPI headers (x86_64), written out so the test does not read them from the code under test.
const TCGETS = 0x5401, TIOCGWINSZ = 0x5413, TIOCGPGRP = 0x540f, TIOCSTI = 0x5412;
const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000, CLONE_SYSVSEM = 0x40000;
const CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;
const CLONE_NEWUSER = 0x10000000, CLONE_NEWNS = 0x20000, SIGCHLD = 17;
const THREAD = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
const FORK = CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD;
const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_TRUNC = 0o1000, O_CLOEXEC = 0o2000000;
const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
const AT_FDCWD = -100n & 0xffffffffn;

test('ls: ioctl by request name, open modes, no writable and executable memory; check has nothing to say', () => {
  const c = new LearnCollector();
  const events = parseEventLines(readFileSync(join(FIXTURES, 'ls-permissive.jsonl'), 'latin1'));
  for (const e of events) c.handle(e);
  const { text } = learnPolicy(c);
  assert.match(text, /^allow ioctl if request == TCGETS +# 2 calls: TCGETS 2$/m);
  assert.match(text, /^allow openat if flags & O_ACCMODE == O_RDONLY && flags & \(O_CREAT\|O_TRUNC\) == 0 +# 34 calls: O_RDONLY 34$/m);
  assert.match(text, /^allow mmap if prot & \(PROT_WRITE\|PROT_EXEC\) != PROT_WRITE\|PROT_EXEC +# 30 calls: PROT_READ 20, PROT_READ\|PROT_WRITE 7, PROT_READ\|PROT_EXEC 3$/m);
  assert.match(text, /^allow execve +# 1 call: the program's start/m);
  assert.deepEqual(problems(text), []);
  // Every call of the run is allowed…
  const a = new Attributor(compileText(text).program);
  for (const e of events) if (e.type === 'syscall' && !e.startup) assert.equal(a.decideEvent(e).action, 'allow', `nr ${e.nr}`);
  // …and what ls did not do is not.
  assert.equal(decide(text, call('ioctl', [1, TIOCSTI, 0x1000])), 'kill_process');
  assert.equal(decide(text, call('openat', [AT_FDCWD, 0x1000, O_WRONLY])), 'kill_process');
  assert.equal(decide(text, call('openat', [AT_FDCWD, 0x1000, O_RDONLY | O_TRUNC])), 'kill_process');
  assert.equal(decide(text, call('mmap', [0, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, 0x22, -1, 0])), 'kill_process');
  assert.equal(decide(text, call('mprotect', [0x1000, 0x1000, PROT_WRITE | PROT_EXEC])), 'kill_process');
  assert.equal(decide(text, call('mmap', [0, 0x1000, PROT_READ | PROT_EXEC, 0x2, 3, 0])), 'allow');
});

test('--loose keeps learn\'s first output byte for byte', () => {
  const c = new LearnCollector();
  for (const e of parseEventLines(readFileSync(join(FIXTURES, 'ls-permissive.jsonl'), 'latin1'))) c.handle(e);
  // ls-loose.seccomp was written by learn before tight conditions existed.
  assert.equal(learnPolicy(c, { style: 'loose' }).text, readFileSync(join(FIXTURES, 'ls-loose.seccomp'), 'utf8'));
  // Without conditions, tight and loose are the same plain list.
  assert.equal(learnPolicy(c, { conditions: false }).text, learnPolicy(c, { conditions: false, style: 'loose' }).text);
});

test('ioctl: the requests seen as an `in` set of names; a value without a name stays a number', () => {
  const { text } = learned([
    call('ioctl', [0, TCGETS, 0x1000]), call('ioctl', [0, TIOCGPGRP, 0x1000]), call('ioctl', [1, TIOCGWINSZ, 0x1000]),
    call('ioctl', [1, TCGETS, 0x1000]), call('ioctl', [3, 0xdead0001, 0x1000], -25),
  ]);
  assert.match(text, /^allow ioctl if request in \(TCGETS, TIOCGPGRP, TIOCGWINSZ, 0xdead0001\) +# 5 calls: TCGETS 2, /m);
  assert.deepEqual(problems(text), []);
  assert.equal(decide(text, call('ioctl', [1, TIOCGWINSZ, 0])), 'allow');
  // The kernel reads request as an unsigned int: the upper half of the register does not matter.
  assert.equal(decide(text, call('ioctl', [1, 0xffffffff00005401n, 0])), 'allow');
  assert.equal(decide(text, call('ioctl', [1, TIOCSTI, 0])), 'kill_process');
});

test('clone: a mask of the flags seen, so no namespace flag passes unless the run used it', () => {
  const { text } = learned([call('clone', [THREAD, 0x7000, 0x8000, 0x9000, 0xa000], 101), call('clone', [FORK, 0, 0, 0x9000, 0], 102)]);
  assert.match(text, /^allow clone if flags & ~\(CLONE_VM\|CLONE_FS\|CLONE_FILES\|CLONE_SIGHAND\|CLONE_THREAD\|CLONE_SYSVSEM\|CLONE_SETTLS\|CLONE_PARENT_SETTID\|CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD\) == 0 +# 2 calls: /m);
  assert.deepEqual(problems(text), []);
  assert.equal(decide(text, call('clone', [THREAD, 0, 0, 0, 0])), 'allow');
  assert.equal(decide(text, call('clone', [FORK, 0, 0, 0, 0])), 'allow');
  assert.equal(decide(text, call('clone', [SIGCHLD, 0, 0, 0, 0])), 'allow');
  assert.equal(decide(text, call('clone', [FORK | CLONE_NEWUSER, 0, 0, 0, 0])), 'kill_process');
  assert.equal(decide(text, call('clone', [CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0])), 'kill_process');
  // A namespace flag the run used is allowed, and only that one.
  const ns = learned([call('clone', [CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0], 101)]).text;
  assert.match(ns, /^allow clone if flags & ~\(CLONE_NEWUSER\|SIGCHLD\) == 0 /m);
  assert.equal(decide(ns, call('clone', [CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0])), 'kill_process');
});

test('clone3: answered ENOSYS (libc falls back to clone); allowed, and said why, when it succeeded in the run', () => {
  const enosys = learned([call('clone3', [0x7000, 88], -38, 'x86_64', { errno: 38 }), call('clone', [THREAD, 0, 0, 0, 0], 101)]).text;
  assert.match(enosys, /^errno\(ENOSYS\) clone3 +# 1 call, answered ENOSYS while learning: .*falls back to `clone`/m);
  assert.deepEqual(problems(enosys), []);
  assert.equal(decide(enosys, call('clone3', [0x7000, 88])), 'errno(38)');
  const ran = learned([call('clone3', [0x7000, 88], 101)]).text;
  assert.match(ran, /^allow clone3 +# 1 call; its flags are behind a pointer/m);
});

test('execve: the start only is allowed before exec and left out after exec; later execs are allowed either way', () => {
  const start = learned([call('getpid', [], 100)]);
  assert.match(start.text, /^allow execve +# 1 call: the program's start/m);
  const after = learned([call('getpid', [], 100)], { install: 'after-exec' });
  assert.doesNotMatch(after.text, /execve/);
  assert.match(after.text, /^# For a filter installed after exec/m);
  assert.equal(decide(after.text, call('execve', [0x1000, 0x2000, 0x3000])), 'kill_process');
  // The only hint: the policy cannot start a program before exec, which is the point.
  assert.deepEqual(problems(after.text).map((p) => p.split(':')[0]), ['information execve-denied']);
  const later = learned([call('execve', [0x1000, 0x2000, 0x3000], -2, 'x86_64', { errno: 2 }), call('execve', [0x1000, 0x2000, 0x3000])], { install: 'after-exec' });
  assert.match(later.text, /^allow execve +# 3 calls: the program's start and 2 later$/m);
  assert.deepEqual(problems(later.text), []);
});

test('mmap, mprotect: writable and executable together only when the run asked for it', () => {
  const jit = learned([call('mprotect', [0x1000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC]), call('mmap', [0, 0x1000, PROT_READ, 0x22, -1, 0], 0x7000)]);
  assert.match(jit.text, /^allow mprotect +# 1 call: PROT_READ\|PROT_WRITE\|PROT_EXEC 1 \(writable and executable memory was asked for\)$/m);
  assert.match(jit.text, /^allow mmap if prot & \(PROT_WRITE\|PROT_EXEC\) != PROT_WRITE\|PROT_EXEC +# 1 call: PROT_READ 1$/m);
  assert.deepEqual(problems(jit.text), []);
});

test('socket: the families seen, each with its types, socket flags aside', () => {
  const { text } = learned([
    call('socket', [AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0], 3), call('socket', [AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0], 4),
    call('socket', [AF_INET6, SOCK_DGRAM, 0], 5), call('socketpair', [AF_UNIX, SOCK_STREAM, 0, 0x1000]),
  ]);
  assert.match(text, /^allow socket if \(domain == AF_UNIX && type & ~\(SOCK_NONBLOCK\|SOCK_CLOEXEC\) == SOCK_STREAM\) \|\| \(domain in \(AF_INET, AF_INET6\) && type & ~\(SOCK_NONBLOCK\|SOCK_CLOEXEC\) == SOCK_DGRAM\) +# 3 calls: /m);
  assert.match(text, /^allow socketpair if domain == AF_UNIX && type & ~\(SOCK_NONBLOCK\|SOCK_CLOEXEC\) == SOCK_STREAM +# 1 call: AF_UNIX SOCK_STREAM 1$/m);
  assert.deepEqual(problems(text), []);
  assert.equal(decide(text, call('socket', [AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0])), 'allow');
  assert.equal(decide(text, call('socket', [AF_INET, SOCK_STREAM, 0])), 'kill_process');
  assert.equal(decide(text, call('socket', [AF_NETLINK, SOCK_DGRAM, 0])), 'kill_process');
});

test('open modes: per access mode, creating and truncating only where seen', () => {
  const { text } = learned([
    call('openat', [AT_FDCWD, 0x1000, O_RDONLY | O_CLOEXEC], 3), call('openat', [AT_FDCWD, 0x1000, O_WRONLY | O_CREAT | O_TRUNC], 4),
    call('openat', [AT_FDCWD, 0x1000, O_RDWR], 5),
  ]);
  assert.match(text, /^allow openat if \(flags & O_ACCMODE in \(O_RDONLY, O_RDWR\) && flags & \(O_CREAT\|O_TRUNC\) == 0\) \|\| flags & O_ACCMODE == O_WRONLY +# 3 calls: /m);
  assert.deepEqual(problems(text), []);
  assert.equal(decide(text, call('openat', [AT_FDCWD, 0x1000, O_WRONLY | O_CREAT])), 'allow');
  assert.equal(decide(text, call('openat', [AT_FDCWD, 0x1000, O_RDWR | O_CREAT])), 'kill_process');
  // openat2's flags are out of sight: allowed as used, and the comment says the modes do not bind it.
  const two = learned([call('openat2', [AT_FDCWD, 0x1000, 0x2000, 24], 3)]).text;
  assert.match(two, /^allow openat2 +# 1 call; its flags are behind a pointer seccomp cannot read: the open modes checked on openat do not bind it$/m);
});

test('i386: arguments come from the ABI\'s own registers; old mmap, whose arguments seccomp cannot see, stays unconditioned', () => {
  const c = new LearnCollector();
  const i386 = (name: string, args: number[], ret = 0) => call(name, args, ret, 'i386');
  for (const e of [
    { ...hello, abi: I386 } as TraceEvent, i386('execve', [0x1000, 0x2000, 0x3000]),
    i386('clone', [FORK, 0, 0, 0, 0], 101), i386('ioctl', [1, TCGETS, 0]), i386('mmap2', [0, 0x1000, PROT_READ, 0x22, -1, 0], 0x7000),
    i386('mmap', [0xbf000000], 0x7000), i386('socket', [AF_UNIX, SOCK_STREAM, 0], 3), i386('exit_group', [0]), done,
  ]) c.handle(e);
  const { text } = learnPolicy(c);
  assert.match(text, /^arch i386$/m);
  // The helper cannot install a filter after exec into a 32-bit program: execve stays, and says why.
  const after = learnPolicy(c, { install: 'after-exec' }).text;
  assert.match(after, /^allow execve +# 1 call: the program's start; i386 programs get their filter before exec/m);
  assert.doesNotMatch(after, /^# For a filter installed after exec/m);
  assert.match(text, /^allow clone if flags & ~\(CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD\) == 0 /m);
  assert.match(text, /^allow ioctl if request == TCGETS /m);
  assert.match(text, /^allow mmap2 if prot & /m);
  assert.match(text, /^allow mmap +# 1 call$/m);
  assert.match(text, /^allow socket if domain == AF_UNIX && /m);
  assert.deepEqual(modelOf(text).errors, []);
  assert.equal(decide(text, call('clone', [FORK | CLONE_NEWUSER, 0, 0, 0, 0], 0, 'i386')), 'kill_process');
});

test('a run that started threads also gets sched_yield, which waiting threads may or may not call', () => {
  const threaded = learned([call('clone', [THREAD, 0, 0, 0, 0], 101), { type: 'spawn', pid: 101, parent: 100, how: 'clone' } as TraceEvent]);
  assert.match(threaded.text, /^allow sched_yield +# not seen: threads may yield/m);
  assert.deepEqual(problems(threaded.text), []);
  const forked = learned([call('clone', [FORK, 0, 0, 0, 0], 101), { type: 'spawn', pid: 101, parent: 100, how: 'fork' } as TraceEvent]);
  assert.doesNotMatch(forked.text, /sched_yield/);
});

test('learn\'s options: --install takes before-exec or after-exec, and means nothing with --loose or --no-conditions', async () => {
  const bad = await runCli(['learn', '--install', 'later', '--', 'true']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--install is before-exec or after-exec, not 'later'/);
  const loose = await runCli(['learn', '--loose', '--install', 'after-exec', '--', 'true']);
  assert.equal(loose.code, 2);
  assert.match(loose.err, /--install has no effect with --loose/);
  const help = await runCli(['learn', '--help']);
  assert.match(help.out, /--install MODE/);
  assert.match(help.out, /--loose/);
});
