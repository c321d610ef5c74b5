/**
 * The pure engine: the fast-path rewrite (RET_TRACE exactly where the
 * original program does not allow), the attribution cache (same answers as
 * `explain`), the session (annotations, summary, agreement check) and learn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABIS, abiInfo } from '../../../server/src/kernel/abi';
import { getSyscall } from '../../../server/src/kernel/syscalls';
import { runProgram } from '../../../server/src/bpf/interpreter';
import { validateProgram } from '../../../server/src/bpf/validator';
import { explain } from '../../../server/src/compiler/attribute';
import { rewriteForDecisions, actionsArgument } from '../../../server/src/trace/fastpath';
import { Attributor } from '../../../server/src/trace/attribute';
import { parseEventLines } from '../../../server/src/trace/events';
import { TraceSession } from '../../../server/src/trace/session';
import { LearnCollector, learnPolicy } from '../../../server/src/trace/learn';
import { compileText, modelOf } from '../../helpers/compile';
import { Random, seedFromEnv } from '../../helpers/random';
import { actionOf, SECCOMP_RET_TRACE } from '../../../server/src/kernel/seccomp';

const FIXTURES = join(__dirname, 'fixtures');
const SYSCALLS = ['read', 'write', 'openat', 'close', 'mmap', 'ioctl', 'socket', 'clone', 'getpid', 'kill', 'getppid', 'uname', 'exit_group', 'execve', 'open'];
const ACTIONS = ['allow', 'log', 'errno(EPERM)', 'errno(ENOSYS)', 'trap', 'trap(7)', 'trace(3)', 'notify', 'kill_thread', 'kill_process'];

function randomPolicy(r: Random): string {
  const abis = ABIS.map((a) => a.name).filter(() => r.chance(0.4));
  if (abis.length === 0) abis.push('x86_64');
  const lines = [`arch ${abis.join(', ')}`, `default ${r.pick(ACTIONS)}`];
  if (r.chance(0.5)) lines.push(`badarch ${r.pick(ACTIONS)}`);
  for (let i = 0, n = 1 + r.int(10); i < n; i++) {
    const names = [...new Set(Array.from({ length: 1 + r.int(3) }, () => r.pick(SYSCALLS)))].filter((s) => abis.some((a) => getSyscall(s)?.numbers[a] !== undefined));
    if (!names.length) continue;
    const cond = r.chance(0.5) ? ` if arg${r.int(3)} ${r.pick(['==', '!=', '>', '&'])} ${r.pick(['0', '1', '2', '0x80000000', '0x100'])}` : '';
    lines.push(`${r.pick(ACTIONS)} ${names.join(', ')}${cond}`);
  }
  return lines.join('\n') + '\n';
}

function randomEvent(r: Random, numbers: number[]) {
  const abi = r.pick(ABIS);
  const args = Array.from({ length: 6 }, () => BigInt(r.pick([0, 1, 2, 0x100, 0x80000000, r.u32()])) | (r.chance(0.2) ? BigInt(r.u32()) << 32n : 0n));
  return { arch: abi.auditArch, nr: r.chance(0.8) ? r.pick(numbers) : r.u32(), instructionPointer: BigInt(r.u32()), args };
}

test('fast path: RET_TRACE|i exactly where the original does not allow, and actions[i] is the original', () => {
  const seed = seedFromEnv();
  const r = new Random(seed);
  let policies = 0;
  while (policies < 200) {
    const text = randomPolicy(r);
    const { model, errors } = modelOf(text);
    if (errors.length) continue;
    policies++;
    const { program } = compileText(text);
    const d = rewriteForDecisions(program);
    assert.equal(d.program.instructions.length, program.instructions.length);
    assert.ok(validateProgram(d.program.instructions).ok);
    assert.equal(new Set(d.actions).size, d.actions.length, 'one index per distinct action');
    const numbers = [0, 1, 39, 110, 0x40000027];
    for (const rule of model.rules) for (const name of rule.syscalls) for (const n of Object.values(getSyscall(name)!.numbers)) numbers.push(n!);
    for (let i = 0; i < 50; i++) {
      const ev = randomEvent(r, numbers);
      const before = runProgram(program.instructions, ev).action >>> 0;
      const after = runProgram(d.program.instructions, ev).action >>> 0;
      if (actionOf(before).action === 'allow') assert.equal(after, before, `seed ${seed}`);
      else {
        assert.equal((after & 0xffff0000) >>> 0, SECCOMP_RET_TRACE, `seed ${seed}\n${text}`);
        assert.equal(d.actions[after & 0xffff], before);
      }
    }
  }
  assert.match(actionsArgument([0x80000000, 0x50001]), /^0x80000000,0x50001$/);
});

test('attribution cache: the same decision and origin as explain, for every event', () => {
  const r = new Random(seedFromEnv());
  for (let p = 0; p < 100; p++) {
    const text = randomPolicy(r);
    if (modelOf(text).errors.length) continue;
    const { program } = compileText(text);
    const a = new Attributor(program);
    for (let i = 0; i < 100; i++) {
      const ev = randomEvent(r, [0, 1, 39, 110, 257, 41, 16]);
      const hex = (v: bigint) => '0x' + v.toString(16);
      const got = a.decide(ev.arch, ev.nr, ev.args.map(hex), hex(ev.instructionPointer));
      const want = explain(program, ev);
      assert.equal(got.ret, want.ret);
      assert.deepEqual(got.origin, want.origin);
    }
    assert.ok(a.hits > 0);
  }
});

function session(policy: string, stream: string, output: 'text' | 'json' | 'none' = 'text') {
  const { model, program } = compileText(policy);
  const s = new TraceSession({ program, model, output });
  const lines: string[] = [];
  for (const e of parseEventLines(stream)) {
    const l = s.handle(e);
    if (l !== undefined) lines.push(l);
  }
  return { s, lines };
}

const recorded = readFileSync(join(FIXTURES, 'tfx-enforce.jsonl'), 'latin1');
const recordedPolicy = readFileSync(join(FIXTURES, 'tfx.seccomp'), 'utf8');

test('session on a recorded enforce run: annotations, pids, signals, summary, no disagreement', () => {
  const { s, lines } = session(recordedPolicy, recorded);
  const text = lines.join('\n');
  assert.deepEqual(s.disagreements, []);
  assert.match(text, /^# pid \d+: \/tmp\/tfx \(enforce, filter installed before exec\)$/m);
  assert.match(text, /^prctl\(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0\) = 0 +# before the filter$/m);
  assert.match(text, /^uname\(0x[0-9a-f]+\) = -1 EPERM \(Operation not permitted\) +# errno\(EPERM\)  \/t\/policy\.seccomp:2$/m);
  assert.match(text, /^getppid\(\) = 110 +# trap\(7\)  \/t\/policy\.seccomp:3$/m);
  assert.match(text, /^\[pid \d+\] gettid\(\) = \? +# kill_thread  \/t\/policy\.seccomp:4\n\[pid \d+\] \+\+\+ killed by SIGSYS \+\+\+$/m);
  assert.match(text, /^\[pid \d+\] --- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=\d+, si_status=3\} ---$/m);
  assert.match(text, /^write\(1, "getppid=1\\n", 10\) = 10 +# allow  \/t\/policy\.seccomp:1 \(default\)$/m);
  const summary = s.summary()!;
  assert.match(summary, /^# denied syscalls:$/m);
  assert.match(summary, /^ +2 +getppid +trap\(7\) +\/t\/policy\.seccomp:3 +trap\(7\) getppid$/m);
  assert.match(summary, /^ +1 +uname +errno\(EPERM\) +\/t\/policy\.seccomp:2/m);
  assert.match(summary, /^ +1 +gettid +kill_thread/m);
});

test('session: a policy that does not match what the kernel did is flagged', () => {
  const { s } = session('default allow\nerrno(EACCES) uname\nkill_process getppid\n', recorded, 'none');
  const reasons = s.disagreements.map((d) => `${d.name}: ${d.reason}`);
  assert.ok(reasons.some((r) => /^uname: the filter returns -13, but the call returned -1$/.test(r)), reasons.join('\n'));
  assert.ok(reasons.some((r) => /^getppid: the filter kills on this call \(kill_process\), but it returned 110$/.test(r)), reasons.join('\n'));
  // A SIGSYS death with no kill or trap decision anywhere is flagged too.
  const { s: s2 } = session('default allow\n', recorded, 'none');
  assert.ok(s2.disagreements.some((d) => /killed by SIGSYS but the filter killed or trapped no call/.test(d.reason)));
});

test('session: JSON lines carry the decision; bytes ≥ 0x7f stay \\u00XX', () => {
  const { lines } = session(recordedPolicy, recorded, 'json');
  const events = lines.map((l) => JSON.parse(l));
  const uname = events.find((e) => e.type === 'syscall' && e.nr === 63);
  assert.deepEqual({ action: uname.decision.action, where: uname.decision.where, applied: uname.decision.applied, name: uname.name },
    { action: 'errno(EPERM)', where: '/t/policy.seccomp:2', applied: 'enforced', name: 'uname' });
  assert.ok(lines.every((l) => !/[\u007f-\uffff]/.test(l)));
});

test('learn: one rule per syscall, grouped, counted, valid; conditions; start-up needs', () => {
  const c = new LearnCollector();
  for (const e of parseEventLines(readFileSync(join(FIXTURES, 'ls-permissive.jsonl'), 'latin1'))) c.handle(e);
  // --loose: learn's first output (tight conditions: test/unit/trace/learn-conditions.test.ts).
  const l = learnPolicy(c, { style: 'loose' });
  assert.match(l.text, /^arch x86_64$/m);
  assert.match(l.text, /^default kill_process$/m);
  assert.match(l.text, /^allow openat if flags & O_ACCMODE == O_RDONLY +# 34 calls: O_RDONLY 34$/m);
  assert.match(l.text, /^allow mmap +# 30 calls$/m);
  assert.match(l.text, /^allow execve +# 1 call$/m);
  assert.match(l.text, /^# @basic-io: /m);
  const { errors } = modelOf(l.text);
  assert.deepEqual(errors, []);
  // Every syscall of the run is allowed by the learned policy, none more.
  const { program } = compileText(l.text);
  const a = new Attributor(program);
  for (const e of parseEventLines(readFileSync(join(FIXTURES, 'ls-permissive.jsonl'), 'latin1'))) {
    if (e.type === 'syscall') assert.equal(a.decideEvent(e).action, 'allow', `nr ${e.nr}`);
  }
  assert.equal(a.decide(abiInfo('x86_64').auditArch, 41, ['0x2', '0x1', '0x0', '0x0', '0x0', '0x0'], '0x0').action, 'kill_process');

  // Signals seen: rt_sigreturn is added even if the run did not return from a handler.
  const c2 = new LearnCollector();
  for (const e of parseEventLines(recorded)) c2.handle(e);
  const l2 = learnPolicy(c2, { conditions: false });
  assert.match(l2.text, /^allow rt_sigreturn +# (\d+ calls?|not seen: .*)$/m);
  assert.match(l2.text, /^allow openat +# \d+ calls$/m);
  assert.deepEqual(modelOf(l2.text).errors, []);
  // --arch: calls of other ABIs are left out and said so.
  const l3 = learnPolicy(c, { abis: ['aarch64'] });
  assert.ok(l3.dropped.length > 0);
  assert.deepEqual(modelOf(l3.text).errors, []);
});
