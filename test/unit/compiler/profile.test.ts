/**
 * Profile-guided compiling (`compile --profile TRACE.json`): a saved trace
 * becomes call counts and argument samples, and they make the hot paths
 * shorter in instructions the kernel runs. That decisions do not change is
 * the property test's job (property.test.ts, with random profiles).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { abiInfo } from '../../../server/src/kernel/abi';
import { getSyscall } from '../../../server/src/kernel/syscalls';
import { runProgram } from '../../../server/src/bpf/interpreter';
import { compilePolicy, type CompiledProgram } from '../../../server/src/compiler/compile';
import { toDisassembly } from '../../../server/src/compiler/output';
import { profileFromTrace } from '../../../server/src/trace/profile';
import type { SyscallProfile } from '../../../server/src/compiler/profile';
import { modelOf } from '../../helpers/compile';
import { runCli, tempFiles } from '../../helpers/cli';

const X86_64 = abiInfo('x86_64').auditArch;
const DOCKER = readFileSync('bench/policies/docker-default.seccomp', 'utf8');

interface Call { name: string; count: number; args?: bigint[] }

/** A trace as `run --json -o FILE` writes it (only the fields the profile reads, plus a few it must skip). */
function traceOf(calls: readonly Call[], hello: Record<string, unknown> = {}): string {
  const lines = [JSON.stringify({ type: 'hello', version: 1, mode: 'permissive', only_decisions: false, abi: X86_64, ...hello })];
  // The helper's own calls before the filter: not the program's, so not counted.
  lines.push(JSON.stringify({ type: 'syscall', pid: 1, abi: X86_64, nr: getSyscall('seccomp')!.numbers.x86_64, args: ['0x1', '0x0', '0x0', '0x0', '0x0', '0x0'], startup: true }));
  for (const c of calls) {
    const nr = getSyscall(c.name)!.numbers.x86_64!;
    const args = (c.args ?? [3n, 0x7ffc0000n, 832n, 0n, 0n, 0n]).map((a) => `0x${a.toString(16)}`);
    for (let i = 0; i < c.count; i++) lines.push(JSON.stringify({ type: 'syscall', pid: 1, abi: X86_64, nr, args, ret: '0', name: c.name, decision: { action: 'allow' } }));
  }
  lines.push(JSON.stringify({ type: 'summary', mode: 'permissive', syscalls: calls.length, denied: [], disagreements: [] }));
  return lines.join('\n') + '\n';
}

/** Call counts shaped like a Python one-liner's run under the Docker profile (bench/profile.mjs traces real ones). */
const PYTHON_LIKE: Call[] = [
  { name: 'newfstatat', count: 465 }, { name: 'read', count: 137 }, { name: 'lseek', count: 121 }, { name: 'openat', count: 117 },
  { name: 'close', count: 96 }, { name: 'mmap', count: 87 }, { name: 'rt_sigaction', count: 66 }, { name: 'ioctl', count: 62 },
  { name: 'getdents64', count: 26 }, { name: 'mprotect', count: 19 }, { name: 'brk', count: 17 }, { name: 'munmap', count: 8 },
  { name: 'fcntl', count: 4 }, { name: 'getrandom', count: 3 }, { name: 'write', count: 2 }, { name: 'execve', count: 1 },
];

function profileOf(text: string): SyscallProfile {
  const r = profileFromTrace(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.profile;
}

function steps(program: CompiledProgram, name: string, args: bigint[] = [3n, 0n, 0n, 0n, 0n, 0n]): number {
  return runProgram(program.instructions, { arch: X86_64, nr: getSyscall(name)!.numbers.x86_64!, instructionPointer: 0n, args }).steps;
}

function docker(profile?: SyscallProfile): CompiledProgram {
  const { model, errors } = modelOf(DOCKER);
  assert.deepEqual(errors, []);
  const r = compilePolicy(model, profile ? { profile } : {});
  assert.ok(r.ok);
  return r.program;
}

test('a trace becomes call counts per ABI and syscall, without the helper\'s own calls', () => {
  const x32read = getSyscall('read')!.numbers.x32!;
  const text = traceOf([{ name: 'read', count: 3 }, { name: 'futex', count: 2 }])
    + JSON.stringify({ type: 'syscall', pid: 1, abi: X86_64, nr: x32read, args: ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'] }) + '\n';
  const r = profileFromTrace(text);
  assert.ok(r.ok);
  assert.equal(r.calls, 6);
  assert.deepEqual([...r.profile.calls.get('x86_64')!], [[0, 3], [getSyscall('futex')!.numbers.x86_64!, 2]]);
  // An x32 call shares x86_64's audit arch: its bit makes it x32's.
  assert.deepEqual([...r.profile.calls.get('x32')!], [[x32read, 1]]);
  assert.equal(r.profile.calls.get('x86_64')!.has(getSyscall('seccomp')!.numbers.x86_64!), false);
  // Identical argument vectors are one sample with a count.
  assert.deepEqual(r.profile.args!.get('x86_64')!.get(0), [{ args: [3n, 0x7ffc0000n, 832n, 0n, 0n, 0n], count: 3 }]);
});

test('what is not a usable trace is a one-line reason', () => {
  const reason = (text: string) => { const r = profileFromTrace(text); assert.ok(!r.ok); assert.ok(!r.error.includes('\n')); return r.error; };
  assert.match(reason('allow read\n'), /line 1 is not JSON/);
  assert.match(reason(''), /no trace events/);
  assert.match(reason('[1, 2]\n'), /line 1 is not a trace event/);
  assert.match(reason(traceOf([])), /no system calls/);
  assert.match(reason(traceOf([{ name: 'read', count: 1 }], { only_decisions: true })), /--only-decisions/);
  assert.match(reason(traceOf([]) + '{"type":"syscall","abi":3221225534,"nr":"read"}\n'), /line 4: a syscall event without a numeric abi and nr/);
});

test('without a profile, or with one for another ABI, the program is the unweighted one', () => {
  const plain = toDisassembly(docker());
  const aarch64Only: SyscallProfile = { calls: new Map([['aarch64', new Map([[63, 1000]])]]) };
  assert.equal(toDisassembly(docker(aarch64Only)), plain);
  assert.equal(toDisassembly(docker({ calls: new Map() })), plain);
});

test('on the Docker profile, a run\'s hottest syscall gets a strictly shorter path, and the run a shorter mean', () => {
  const plain = docker();
  const weighted = docker(profileOf(traceOf(PYTHON_LIKE)));
  const hottest = PYTHON_LIKE[0]!.name;
  assert.ok(steps(weighted, hottest) < steps(plain, hottest), `${hottest}: ${steps(weighted, hottest)} vs ${steps(plain, hottest)} instructions`);
  const mean = (p: CompiledProgram) => PYTHON_LIKE.reduce((s, c) => s + c.count * steps(p, c.name), 0) / PYTHON_LIKE.reduce((s, c) => s + c.count, 0);
  assert.ok(mean(weighted) < mean(plain), `mean path ${mean(weighted)} vs ${mean(plain)}`);
});

test('the argument check that settles the run\'s calls goes first within a rule', () => {
  // `persona in (0, 8, 0x20000, 0x20008, 0xffffffff)`: a run that queries with 0xffffffff
  // has that value tested first, and personality itself dispatched early.
  const query = [0xffff_ffffn, 0n, 0n, 0n, 0n, 0n];
  const plain = docker();
  const weighted = docker(profileOf(traceOf([...PYTHON_LIKE, { name: 'personality', count: 300, args: query }])));
  assert.ok(steps(weighted, 'personality', query) < steps(plain, 'personality', query));
  // Only the order changed: the other values are still allowed, and the rest still denied.
  const ret = (p: CompiledProgram, v: bigint) => runProgram(p.instructions, { arch: X86_64, nr: getSyscall('personality')!.numbers.x86_64!, instructionPointer: 0n, args: [v] }).action;
  for (const v of [0n, 8n, 0x20000n, 0x20008n, 0xffff_ffffn, 1n, 0x40000n]) assert.equal(ret(weighted, v), ret(plain, v), `personality(${v})`);
});

test('compile --profile: the weighted program; a missing or malformed trace is one line and exit 1', async () => {
  const dir = tempFiles({ 'docker.seccomp': DOCKER, 'trace.json': traceOf(PYTHON_LIKE), 'bad.json': '{"type":"hello"\n' });
  const policy = join(dir, 'docker.seccomp');
  const plain = await runCli(['compile', policy, '--format', 'disasm']);
  const weighted = await runCli(['compile', policy, '--format', 'disasm', '--profile', join(dir, 'trace.json')]);
  assert.equal(weighted.code, 0, weighted.err);
  assert.notEqual(weighted.out, plain.out);
  assert.match(weighted.out, /newfstatat \(hot\)/);

  const missing = await runCli(['compile', policy, '--format', 'disasm', '--profile', join(dir, 'nope.json')]);
  assert.equal(missing.code, 1);
  assert.equal(missing.out, '');
  assert.equal(missing.err, `seccomp-policy compile: cannot read profile ${join(dir, 'nope.json')}: no such file or directory`);

  const bad = await runCli(['compile', policy, '--format', 'disasm', '--profile', join(dir, 'bad.json')]);
  assert.equal(bad.code, 1);
  assert.equal(bad.err.split('\n').length, 1, bad.err);
  assert.match(bad.err, /bad\.json: line 1 is not JSON/);

  writeFileSync(join(dir, 'dir.json'), '');
  const empty = await runCli(['compile', policy, '--format', 'disasm', '--profile', join(dir, 'dir.json')]);
  assert.equal(empty.code, 1);
  assert.match(empty.err, /^seccomp-policy compile: .*dir\.json: no trace events/);
  const directory = await runCli(['compile', policy, '--format', 'disasm', '--profile', dir]);
  assert.equal(directory.code, 1);
  assert.equal(directory.err.split('\n').length, 1, directory.err);
});
