/**
 * Differential tests against libseccomp (Debian's libseccomp-dev): the same
 * rules are compiled by us and by libseccomp (a small C program built at test
 * time calls seccomp_init / seccomp_rule_add_array / seccomp_export_bpf), and
 * both filters are run in our BPF interpreter and in the kernel (the runner of
 * test/kernel/harness.ts) on the same probe events.
 *
 * Where both compilers mean the same thing they must agree everywhere. Where
 * libseccomp compares differently, the test asserts the specific difference
 * and that ours is the one that matches what the kernel does with the
 * argument:
 *  - a 32-bit argument on x86_64 is compared by libseccomp on all 64 bits of
 *    the register, even with SCMP_A<n>_32 (2.5.x only truncates the datum), so
 *    garbage in the upper half, which the kernel ignores, changes its answer;
 *  - with SCMP_A<n> instead of SCMP_A<n>_32, a negative constant is
 *    sign-extended to 64 bits and misses a zero-extended register;
 *  - on x32, libseccomp compares only the low words, truncating 64-bit data;
 *  - on x86_64, libseccomp sends every number >= 0x40000000 (but -1) to
 *    badarch, while §7 treats only numbers with bit 30 as x32.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Instruction } from '../../server/src/bpf/instructions';
import { runProgram } from '../../server/src/bpf/interpreter';
import { validateProgram } from '../../server/src/bpf/validator';
import { disassemble } from '../../server/src/bpf/disassembler';
import { explain } from '../../server/src/compiler/attribute';
import { toDisassembly, toRaw } from '../../server/src/compiler/output';
import { decide } from '../../server/src/policy/semantics/decide';
import { abiInfo, type Abi } from '../../server/src/kernel/abi';
import { syscallNumber } from '../../server/src/kernel/syscalls';
import {
  BAD_FD, SYSCALLS, actionFromRet, calibrate, underOuterFilter, buildRunner, probeKernel, bogus, compileText, describe, expectedOutcome, pick, prng, rand32,
  randomArgValue, randomConst, runInKernel, seenArgs, sys, u64, type ArgSpec, type KEvent, type KernelFacts, type Kind,
  type R, type Runner, type SysSpec,
} from './harness';
import { C_DIR, C_FLAGS } from './harness';
import { blocker, machine } from '../helpers/machine';
import { abiOfEvent } from '../../server/src/kernel/seccomp';

// ---------------------------------------------------------------------------
// The libseccomp side (C11, -Wall -Wextra -Werror, linked with -lseccomp).

let dir = '';
let lsc = '';
let r64: Runner | undefined;
let r32: Runner | undefined;
let skipReason: string | undefined;
let skip32: string | undefined;
let int80 = false;
let outer = false;
const facts: KernelFacts = { x32: false };
const tally = { policies: 0, events: 0, agreed: 0, differed: 0, differedClean: 0, kernelRuns: 0, kinds: new Set<string>(), dropped: 0 };

before(() => {
  skipReason = blocker(machine.libseccomp());
  if (skipReason !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'libseccomp-diff-'));
  const b = buildRunner(dir, 64);
  if ('skip' in b) {
    skipReason = b.skip;
    return;
  }
  r64 = b;
  outer = underOuterFilter();
  lsc = join(dir, 'lsc');
  const cc = spawnSync('gcc', [...C_FLAGS, '-o', lsc, join(C_DIR, 'libseccomp-filter.c'), '-lseccomp'], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc (libseccomp helper) failed:\n${cc.stderr}`);
  const allow = toRaw(compileText('arch x86_64, i386\ndefault allow\n').program);
  const probe = probeKernel(dir, r64, allow);
  if ('skip' in probe) {
    skipReason = probe.skip;
    return;
  }
  facts.x32 = probe.x32;
  int80 = probe.int80;
  r32 = probe.r32;
  skip32 = probe.skip32;
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (lsc && r64) {
    console.log(`# libseccomp-diff: ${tally.policies} policies, ${tally.events} events run on both filters ` +
      `(interpreter and kernel, ${tally.kernelRuns} runner invocations): ${tally.agreed} agreed, ${tally.differed} differed ` +
      `(all where libseccomp compares a 32-bit argument on 64 bits); ` +
      `${outer ? `under an outer seccomp filter: ${tally.dropped} events left out that it refuses; ` : ''}-m32 runner ${r32 ? 'built' : `skipped: ${skip32}`}`);
  }
});

/** The process runs under a seccomp filter (a container's) that refuses events a test needs. */
class OuterFilterRefusal extends Error {}

/** Runs a demonstration; skips it (with the reason) when an outer filter refuses its events. */
function demo(t: { skip: (reason: string) => void }, body: () => void): void {
  if (skipped(t)) return;
  try {
    body();
  } catch (err) {
    if (err instanceof OuterFilterRefusal) t.skip(err.message);
    else throw err;
  }
}

function skipped(t: { skip: (reason: string) => void }): boolean {
  if (skipReason !== undefined) {
    t.skip(skipReason);
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Structured policies that both languages can express.

type Op = 'EQ' | 'NE' | 'LT' | 'LE' | 'GT' | 'GE' | 'MASKED_EQ';
interface Act { kind: Kind; data: number }
interface Cmp {
  arg: ArgSpec;
  op: Op;
  /** Datum (MASKED_EQ: the mask), as the unsigned value of the argument's width on x86_64. */
  a: bigint;
  /** MASKED_EQ: the value. */
  b?: bigint;
  /** Write the constant negatively in our text (same bits). */
  negative?: boolean;
}
interface LRule { act: Act; sys: SysSpec; cmps: Cmp[] }
interface LPolicy { abis: Abi[]; def: Act; bad: Act; rules: LRule[] }

const is32 = (a: ArgSpec) => a.kind !== 'any64';

function ourAction(a: Act): string {
  switch (a.kind) {
    case 'errno': return `errno(${a.data})`;
    case 'trace': return `trace(${a.data})`;
    case 'trap': return 'trap';
    default: return a.kind;
  }
}

function lscAction(a: Act): string {
  switch (a.kind) {
    case 'errno': return `ERRNO ${a.data}`;
    case 'trace': return `TRACE ${a.data}`;
    default: return a.kind.toUpperCase();
  }
}

function ourConst(v: bigint, width: 32 | 64, negative: boolean): string {
  if (negative) {
    const s = width === 32 ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
    if (s < 0n) return `-0x${(-s).toString(16)}`;
  }
  return `0x${v.toString(16)}`;
}

const OUR_OP: Record<Exclude<Op, 'MASKED_EQ'>, string> = { EQ: '==', NE: '!=', LT: '<', LE: '<=', GT: '>', GE: '>=' };

function ourText(p: LPolicy): string {
  const lines = [`arch ${p.abis.join(', ')}`, `default ${ourAction(p.def)}`, `badarch ${ourAction(p.bad)}`];
  for (const r of p.rules) {
    const conds = r.cmps.map((c) => {
      const w = is32(c.arg) ? 32 : 64;
      // `argN` always means register N (spec §6); prctl's man-page names arg2..arg5 sit in registers 1..4.
      const name = /^arg\d$/.test(c.arg.name) ? `arg${c.arg.index}` : c.arg.name;
      if (c.op === 'MASKED_EQ') return `${name} & ${ourConst(c.a, w, false)} == ${ourConst(c.b!, w, !!c.negative)}`;
      return `${name} ${OUR_OP[c.op]} ${ourConst(c.a, w, !!c.negative)}`;
    });
    lines.push(`${ourAction(r.act)} ${r.sys.name}${conds.length ? ` if ${conds.join(' && ')}` : ''}`);
  }
  return lines.join('\n') + '\n';
}

/** libseccomp's description; `width64` lists arguments given as SCMP_A<n> although 32-bit. */
function lscText(p: LPolicy, width64 = new Set<string>()): string {
  const arch = p.abis.map((a) => (a === 'i386' ? 'x86' : a));
  const lines = [`DEFAULT ${lscAction(p.def)}`, `ARCH ${arch.join(' ')}`, `BADARCH ${lscAction(p.bad)}`];
  for (const r of p.rules) {
    const cmps = r.cmps.map((c) => {
      const w = is32(c.arg) && !width64.has(`${r.sys.name}/${c.arg.index}`) ? 32 : 64;
      const val = (v: bigint) => (w === 64 && is32(c.arg) && c.negative ? BigInt.asUintN(64, BigInt.asIntN(32, v)) : v);
      return `${c.arg.index} ${w} ${c.op} ${u64(val(c.a))}${c.op === 'MASKED_EQ' ? ` ${u64(val(c.b!))}` : ''}`;
    });
    lines.push(`RULE ${lscAction(r.act)} ${r.sys.name}${cmps.length ? ' ' + cmps.join(' ') : ''}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The reference meaning of a structured policy for one event. `compare`:
 * 'kernel' is §6/§7: a 32-bit argument's low half is compared (what the
 * kernel uses), and only bit 30 makes an x86_64-arch number x32.
 * 'libseccomp-x86_64' is what libseccomp 2.5 generates for x86_64: all 64
 * bits compared against the zero-extended datum even for SCMP_A<n>_32 (the
 * sign-extended one for arguments listed in `width64`), and every number
 * >= 0x40000000 but -1 sent to badarch. (i386 filters compare low words in both.)
 */
function reference(p: LPolicy, e: KEvent, args: readonly bigint[], compare: 'kernel' | 'libseccomp-x86_64',
  width64 = new Set<string>()): Act {
  const arch = abiInfo(e.abi).auditArch;
  const nr = e.nr >>> 0;
  let abi = abiOfEvent(arch, nr);
  if (compare === 'libseccomp-x86_64' && arch === abiInfo('x86_64').auditArch && nr >= 0x40000000 && nr !== 0xffffffff) abi = 'x32';
  if (!abi || !p.abis.includes(abi)) return p.bad;
  for (const r of p.rules) {
    if (syscallNumber(abi, r.sys.name) !== nr) continue;
    const holds = r.cmps.every((c) => {
      const full = BigInt.asUintN(64, args[c.arg.index]!);
      const v = abi === 'i386' || (is32(c.arg) && compare === 'kernel') ? BigInt.asUintN(32, full) : full;
      const ext = (d: bigint) =>
        compare === 'libseccomp-x86_64' && abi !== 'i386' && c.negative && width64.has(`${r.sys.name}/${c.arg.index}`)
          ? BigInt.asUintN(64, BigInt.asIntN(32, d)) : d;
      const a = ext(c.a);
      switch (c.op) {
        case 'EQ': return v === a;
        case 'NE': return v !== a;
        case 'LT': return v < a;
        case 'LE': return v <= a;
        case 'GT': return v > a;
        case 'GE': return v >= a;
        case 'MASKED_EQ': return (v & a) === ext(c.b!);
      }
    });
    if (holds) return r.act;
  }
  return p.def;
}

function readProgram(path: string): Instruction[] {
  const b = readFileSync(path);
  const out: Instruction[] = [];
  for (let i = 0; i < b.length; i += 8) out.push({ code: b.readUInt16LE(i), jt: b[i + 2]!, jf: b[i + 3]!, k: b.readUInt32LE(i + 4) });
  return out;
}

let fileId = 0;
function buildWithLibseccomp(desc: string): { raw: Uint8Array; prog: Instruction[] } {
  const id = fileId++;
  const rules = join(dir, `rules-${id}.txt`);
  const out = join(dir, `lsc-${id}.bin`);
  writeFileSync(rules, desc);
  const r = spawnSync(lsc, [rules, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`libseccomp helper failed (${r.status}): ${r.stderr}\n${desc}`);
  const raw = readFileSync(out);
  return { raw, prog: readProgram(out) };
}

const same = (a: Act, b: Act) => a.kind === b.kind && a.data === b.data;
const show = (a: Act) => (a.kind === 'errno' || a.kind === 'trace' || a.kind === 'trap' ? `${a.kind}(${a.data})` : a.kind);

interface PerEvent {
  e: KEvent;
  runner: 'r64' | 'r32';
  ours: Act;
  theirs: Act;
  kernelOurs: string;
  kernelTheirs: string;
}

/**
 * Builds both filters and runs every event through both in the interpreter
 * and the kernel. Checks each filter against its own reference meaning and
 * the kernel against each filter's interpreter run; returns per-event results.
 */
function runBoth(label: string, p: LPolicy, events: readonly KEvent[], width64?: Set<string>, mayDrop = false): PerEvent[] {
  const text = ourText(p);
  const desc = lscText(p, width64);
  const { model, program } = compileText(text, `/k/${label}.seccomp`);
  const ours = toRaw(program);
  const theirs = buildWithLibseccomp(desc);
  assert.deepEqual(validateProgram(theirs.prog), { ok: true }, `${label}: libseccomp's program should pass our validator`);
  tally.policies++;
  const problems: string[] = [];
  const results: PerEvent[] = [];
  const runners: [Runner, 'r64' | 'r32', readonly KEvent[]][] = [[r64!, 'r64', events.filter((e) => e.abi !== 'i386' || int80)]];
  if (r32) runners.push([r32, 'r32', events.filter((e) => e.abi === 'i386')]);
  for (const [runner, key, all] of runners) {
    let evs = all;
    if (outer) {
      // an outer seccomp filter (container runtime) may refuse some probes whatever ours says
      const c = calibrate(dir, runner, evs, facts);
      if (c.dropped.length && !mayDrop) {
        throw new OuterFilterRefusal(`${label}: an outer seccomp filter refuses probe events this test needs: ${c.dropped.map(describe).join('; ')}`);
      }
      tally.dropped += c.dropped.length;
      evs = c.kept;
    }
    if (!evs.length) continue;
    const kOurs = runInKernel(dir, runner, ours, evs);
    const kTheirs = runInKernel(dir, runner, theirs.raw, evs);
    tally.kernelRuns += 2;
    evs.forEach((e, i) => {
      const args = seenArgs(e, runner.bits);
      const data = { nr: e.nr, arch: abiInfo(e.abi).auditArch, instructionPointer: 0n, args };
      const o = actionFromRet(explain(program, data).ret);
      const th = actionFromRet(runProgram(theirs.prog, data).action);
      const d = decide(model, { arch: data.arch, nr: e.nr >>> 0, args });
      const meant = { kind: d.action.kind as Kind, data: ['errno', 'trap', 'trace'].includes(d.action.kind) ? d.action.data : 0 };
      const where = `${key}: ${describe(e)}`;
      if (!same(o, meant)) problems.push(`${where}: explain() ${show(o)} but decide() ${show(meant)}`);
      const refK = reference(p, e, args, 'kernel');
      if (!same(o, refK)) problems.push(`${where}: ours ${show(o)}, reference meaning ${show(refK)}`);
      // libseccomp's x32 filters compare low words only; not modelled here (see the x32 test)
      if (e.abi !== 'x32' || !p.abis.includes('x32')) {
        const refL = reference(p, e, args, 'libseccomp-x86_64', width64);
        if (!same(th, refL)) problems.push(`${where}: libseccomp ${show(th)}, expected of libseccomp ${show(refL)}`);
      }
      const wantOurs = expectedOutcome(o, e, kOurs.info, facts);
      const wantTheirs = expectedOutcome(th, e, kTheirs.info, facts);
      if (kOurs.outcomes[i] !== wantOurs) problems.push(`${where}: kernel with our filter ${kOurs.outcomes[i]}, interpreter predicts ${wantOurs}`);
      if (kTheirs.outcomes[i] !== wantTheirs) problems.push(`${where}: kernel with libseccomp's filter ${kTheirs.outcomes[i]}, interpreter predicts ${wantTheirs}`);
      tally.kinds.add(o.kind).add(th.kind);
      results.push({ e, runner: key, ours: o, theirs: th, kernelOurs: kOurs.outcomes[i]!, kernelTheirs: kTheirs.outcomes[i]! });
      tally.events++;
    });
  }
  if (problems.length) {
    assert.fail(`${label}: ${problems.length} problem(s)\n--- ours ---\n${text}--- libseccomp ---\n${desc}--- problems ---\n` +
      `${problems.slice(0, 30).join('\n')}\n--- our program ---\n${toDisassembly(program)}\n--- libseccomp's program ---\n${disassemble(theirs.prog)}`);
  }
  return results;
}

/** True when every 32-bit argument of the event has a zero upper half (or the ABI has 32-bit registers). */
function clean(p: PerEvent): boolean {
  if (p.e.abi === 'i386') return true;
  const spec = SYSCALLS.find((s) => s.name === p.e.what);
  return !spec || spec.args.every((a) => !is32(a) || BigInt.asUintN(64, p.e.args[a.index]!) >> 32n === 0n);
}

// ---------------------------------------------------------------------------
// Random policies.

const OPS: Op[] = ['EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'MASKED_EQ'];

function randomAct(r: R, not: Act[] = []): Act {
  for (;;) {
    let a: Act;
    switch (r(8)) {
      case 0: a = { kind: 'allow', data: 0 }; break;
      case 1: a = { kind: 'log', data: 0 }; break;
      case 2: a = { kind: 'errno', data: pick(r, [1, 13, 95, 1000, 4094, 2 + r(300)]) }; break; // libseccomp refuses ERRNO(4095)
      case 3: a = { kind: 'trap', data: 0 }; break;
      case 4: a = { kind: 'trace', data: r(65536) }; break;
      case 5: a = { kind: 'notify', data: 0 }; break;
      case 6: a = { kind: 'kill_thread', data: 0 }; break;
      default: a = { kind: 'kill_process', data: 0 };
    }
    if (!not.some((n) => same(n, a))) return a;
  }
}

function randomPolicy(r: R): { p: LPolicy; consts: Map<string, bigint[]> } {
  const abis = pick(r, [['x86_64'], ['x86_64'], ['x86_64', 'i386'], ['i386'], ['i386', 'x86_64']] as Abi[][]);
  const narrow = abis.includes('i386');
  const def = randomAct(r);
  const bad = randomAct(r);
  const consts = new Map<string, bigint[]>();
  const rules: LRule[] = [];
  const actOf = new Map<string, Act>(); // libseccomp: one action per syscall
  const n = 1 + r(6);
  for (let i = 0; i < n; i++) {
    const s = pick(r, SYSCALLS);
    let act = actOf.get(s.name);
    if (!act) {
      act = randomAct(r, [def]);
      actOf.set(s.name, act);
    }
    const cmps: Cmp[] = [];
    const args = [...s.args].filter(() => r(2) === 0).slice(0, 3);
    for (const a of args) {
      const op = pick(r, OPS);
      const width = is32(a) || narrow ? 32 : 64;
      const norm = (v: bigint) => BigInt.asUintN(width, v);
      const key = `${s.name}/${a.index}`;
      const remember = (v: bigint) => consts.set(key, [...(consts.get(key) ?? []), v]);
      const raw = randomConst(r, a.kind, narrow);
      if (op === 'MASKED_EQ') {
        const mask = norm(width === 64 && r(2) ? pick(r, [0xff_0000_00ffn, 0xffff_ffff_0000_0000n, rand32(r) << 32n | rand32(r)]) : pick(r, [0xffn, 0xf0n, 0xffff0000n, 0x80000000n, 1n, rand32(r)]));
        const value = norm(raw) & mask;
        remember(value);
        cmps.push({ arg: a, op, a: mask, b: value, negative: r(2) === 0 });
      } else {
        remember(raw);
        cmps.push({ arg: a, op, a: norm(raw), negative: raw < 0n || r(3) === 0 });
      }
    }
    rules.push({ act, sys: s, cmps });
  }
  return { p: { abis, def, bad, rules }, consts };
}

test('libseccomp: random policies agree with libseccomp on every probe event with clean registers', (t) => {
  if (skipped(t)) return;
  const r = prng(0x5eed_11b5);
  let differed = 0;
  for (let i = 0; i < 60; i++) {
    const { p, consts } = randomPolicy(r);
    const evs: KEvent[] = [];
    const targets = [...new Set(p.rules.map((x) => x.sys)), pick(r, SYSCALLS)];
    for (const s of targets) {
      for (const abi of ['x86_64', 'i386', 'x32'] as Abi[]) {
        const n = abi === 'x32' ? 1 : p.abis.includes(abi) ? 4 : 1;
        for (let k = 0; k < n; k++) {
          const args = [0n, 0n, 0n, 0n, 0n, 0n];
          for (const a of s.args) args[a.index] = randomArgValue(r, a, consts.get(`${s.name}/${a.index}`) ?? []);
          evs.push(sys(abi, s.name, ...args));
        }
      }
    }
    evs.push(bogus('x86_64', 1000), bogus('i386', 1000));
    const results = runBoth(`random-${i}`, p, evs, undefined, true);
    for (const x of results) {
      if (same(x.ours, x.theirs)) tally.agreed++;
      else {
        tally.differed++;
        differed++;
        // a difference is only allowed where the register's upper half is garbage
        if (clean(x)) {
          tally.differedClean++;
          assert.fail(`random-${i}: ours ${show(x.ours)} and libseccomp ${show(x.theirs)} differ on a clean event ${describe(x.e)}\n${ourText(p)}`);
        }
      }
    }
  }
  // the random events include upper-half garbage, so some differences must have shown up
  assert.ok(differed > 0, 'no event showed libseccomp comparing a 32-bit argument on 64 bits');
});

// ---------------------------------------------------------------------------
// The specific differences, shown on purpose.

const X = 'x86_64' as const;

test('libseccomp: upper-half garbage in a 32-bit argument slips past libseccomp\'s deny rule (even with SCMP_A0_32), not ours', (t) => demo(t, () => {
  const umask = SYSCALLS.find((s) => s.name === 'umask')!;
  const p: LPolicy = {
    abis: [X], def: { kind: 'allow', data: 0 }, bad: { kind: 'kill_process', data: 0 },
    rules: [{ act: { kind: 'errno', data: 1 }, sys: umask, cmps: [{ arg: umask.args[0]!, op: 'EQ', a: 0o22n }] }],
  };
  const res = runBoth('garbage-deny', p, [sys(X, 'umask', 0o22n), sys(X, 'umask', 0xdead_beef_0000_0012n), sys(X, 'umask', 0o23n)]);
  // clean register: both deny
  assert.deepEqual([res[0]!.kernelOurs, res[0]!.kernelTheirs], ['ret:-1', 'ret:-1']);
  // garbage above 022: the kernel's umask sees 022; ours denies it, libseccomp's filter lets it run
  assert.equal(res[1]!.kernelOurs, 'ret:-1', 'ours denies umask(022) whatever the upper half holds');
  assert.equal(res[1]!.kernelTheirs, `ret:${0o22}`, 'libseccomp lets umask(0xdeadbeef00000012) run: the kernel executed umask(022)');
  assert.deepEqual([res[2]!.kernelOurs, res[2]!.kernelTheirs], [`ret:${0o22}`, `ret:${0o22}`]);

  // the allow-list direction: libseccomp kills a call the kernel would run as umask(022)
  const q: LPolicy = { ...p, def: { kind: 'kill_process', data: 0 }, rules: [{ ...p.rules[0]!, act: { kind: 'allow', data: 0 } }] };
  const res2 = runBoth('garbage-allow', q, [sys(X, 'umask', 0xffff_ffff_0000_0012n)]);
  assert.equal(res2[0]!.kernelOurs, `ret:${0o22}`);
  assert.equal(res2[0]!.kernelTheirs, 'signal:31');
}));

test('libseccomp: a negative constant on a 32-bit argument needs SCMP_A<n>_32; ours matches both register forms', (t) => demo(t, () => {
  const sg = SYSCALLS.find((s) => s.name === 'sched_getscheduler')!;
  const p: LPolicy = {
    abis: [X], def: { kind: 'allow', data: 0 }, bad: { kind: 'kill_process', data: 0 },
    rules: [{ act: { kind: 'errno', data: 1 }, sys: sg, cmps: [{ arg: sg.args[0]!, op: 'EQ', a: 0xffffff9cn, negative: true }] }],
  };
  const zeroExt = sys(X, 'sched_getscheduler', 0xffffff9cn); // int -100 passed in a zero-extended register
  const signExt = sys(X, 'sched_getscheduler', -100n); // sign-extended
  const a32 = runBoth('negative-A0_32', p, [zeroExt, signExt]);
  const a64 = runBoth('negative-A0', p, [zeroExt, signExt], new Set(['sched_getscheduler/0']));
  // the kernel sees pid -100 both times (EINVAL when it runs)
  assert.deepEqual(a32.map((x) => x.kernelOurs), ['ret:-1', 'ret:-1'], 'ours: `pid == -100` denies both');
  assert.deepEqual(a32.map((x) => x.kernelTheirs), ['ret:-1', 'ret:-22'], 'SCMP_A0_32(EQ, -100): zero-extended only');
  assert.deepEqual(a64.map((x) => x.kernelTheirs), ['ret:-22', 'ret:-1'], 'SCMP_A0(EQ, -100): sign-extended only');
}));

test('libseccomp: i386 filters compare low words only, so both agree even with int $0x80 garbage from 64-bit code', (t) => demo(t, () => {
  if (!int80) {
    t.skip('int $0x80 from 64-bit code is unavailable on this kernel');
    return;
  }
  const umask = SYSCALLS.find((s) => s.name === 'umask')!;
  const p: LPolicy = {
    abis: ['i386'], def: { kind: 'allow', data: 0 }, bad: { kind: 'kill_process', data: 0 },
    rules: [{ act: { kind: 'errno', data: 1 }, sys: umask, cmps: [{ arg: umask.args[0]!, op: 'EQ', a: 0o22n }] }],
  };
  const res = runBoth('i386-garbage', p, [sys('i386', 'umask', 0xdead_beef_0000_0012n), sys('i386', 'umask', 0o22n)]);
  for (const x of res) {
    assert.equal(x.kernelOurs, 'ret:-1', `${x.runner}: ours`);
    assert.equal(x.kernelTheirs, 'ret:-1', `${x.runner}: libseccomp`);
  }
}));

test('libseccomp: on x32, libseccomp truncates 64-bit data to the low word; ours compares 64 bits', (t) => demo(t, () => {
  const lseek = SYSCALLS.find((s) => s.name === 'lseek')!;
  const prctl = SYSCALLS.find((s) => s.name === 'prctl')!;
  const p: LPolicy = {
    abis: [X, 'x32'], def: { kind: 'allow', data: 0 }, bad: { kind: 'kill_process', data: 0 },
    rules: [
      { act: { kind: 'errno', data: 7 }, sys: lseek, cmps: [{ arg: lseek.args[1]!, op: 'MASKED_EQ', a: 0xff_0000_0000n, b: 0x12_0000_0000n }] },
      { act: { kind: 'errno', data: 6 }, sys: prctl, cmps: [{ arg: prctl.args[1]!, op: 'GT', a: 0x1_0000_0000n }] },
    ],
  };
  const evs = [
    sys('x32', 'lseek', BAD_FD, 0n), sys('x32', 'lseek', BAD_FD, 0x12_0000_0000n),
    sys('x32', 'prctl', 3n, 5n), sys('x32', 'prctl', 3n, 0x1_0000_0001n),
    sys(X, 'lseek', BAD_FD, 0n), sys(X, 'lseek', BAD_FD, 0x12_0000_0000n), sys(X, 'prctl', 3n, 5n), sys(X, 'prctl', 3n, 0x1_0000_0001n),
  ];
  const res = runBoth('x32-truncation', p, evs);
  const ran = (e: KEvent) => (facts.x32 || e.abi !== 'x32' ? (e.what === 'lseek' ? 'ret:-9' : 'ret:0') : 'ret:-38');
  // ours: exact 64-bit comparisons on both ABIs
  assert.deepEqual(res.map((x) => x.kernelOurs), [ran(evs[0]!), 'ret:-7', ran(evs[2]!), 'ret:-6', 'ret:-9', 'ret:-7', 'ret:0', 'ret:-6']);
  // libseccomp on x32: `offset & 0xff00000000 == 0x1200000000` became `lo & 0 == 0` (always), `arg2 > 0x100000000` became `lo > 0`
  assert.deepEqual(res.map((x) => x.kernelTheirs), ['ret:-7', 'ret:-7', 'ret:-6', 'ret:-6', 'ret:-9', 'ret:-7', 'ret:0', 'ret:-6']);
}));

test('libseccomp: numbers >= 0x80000000 without bit 30 are x86_64 numbers for us (§7), badarch for libseccomp', (t) => demo(t, () => {
  const p: LPolicy = { abis: [X], def: { kind: 'errno', data: 5 }, bad: { kind: 'trap', data: 0 }, rules: [] };
  const evs = [bogus(X, 0x8000_0027), bogus(X, 0xbfff_ffff), bogus(X, 0xc000_0027), bogus(X, 0x4000_0027), bogus(X, 1000)];
  const res = runBoth('high-numbers', p, evs);
  assert.deepEqual(res.map((x) => show(x.ours)), ['errno(5)', 'errno(5)', 'trap(0)', 'trap(0)', 'errno(5)']);
  assert.deepEqual(res.map((x) => show(x.theirs)), ['trap(0)', 'trap(0)', 'trap(0)', 'trap(0)', 'errno(5)']);
  assert.deepEqual(res.map((x) => x.kernelOurs), ['ret:-5', 'ret:-5', `trap:${0xc0000027}:0`, `trap:${0x40000027}:0`, 'ret:-5']);
}));

test('libseccomp: enough events, every action kind, no difference on clean registers', (t) => {
  if (skipped(t)) return;
  assert.ok(tally.events >= 400, `only ${tally.events} events`);
  assert.deepEqual([...tally.kinds].sort(), ['allow', 'errno', 'kill_process', 'kill_thread', 'log', 'notify', 'trace', 'trap']);
  assert.equal(tally.differedClean, 0);
  t.diagnostic(`${tally.events} events, ${tally.agreed} agreed, ${tally.differed} differed on upper-half garbage`);
});

// ---------------------------------------------------------------------------
// Arguments where the kernel puts them (per-ABI layout). libseccomp knows no
// argument names, only registers (SCMP_A<n>): written with the registers the
// i386 kernel really uses (arch/x86/kernel/sys_ia32.c, kernel/fork.c), its
// filter must decide exactly as ours, compiled from the parameter names.

test('libseccomp: on i386, named arguments compile to the registers the kernel uses (clone backwards, 64-bit pairs)', (t) => demo(t, () => {
  const ours = [
    'arch i386', 'default errno(1)', 'badarch kill_process',
    'errno(11) clone if tls == 0x1234',
    'errno(12) clone if child_tid == 0x99',
    'errno(13) sync_file_range if flags & SYNC_FILE_RANGE_WRITE',
    'errno(14) fadvise64_64 if advice == 4',
    'errno(15) pread64 if offset > 0x7fffffff',
    'errno(16) fallocate if len == 0x100000002',
  ].join('\n') + '\n';
  // clone(flags, newsp, parent_tid, tls, child_tid); sync_file_range(fd, off lo/hi, nbytes lo/hi, flags);
  // fadvise64_64(fd, off lo/hi, len lo/hi, advice); pread64(fd, buf, count, pos lo/hi);
  // fallocate(fd, mode, off lo/hi, len lo/hi). A 64-bit comparison across a pair is two rules in libseccomp.
  const theirs = [
    'DEFAULT ERRNO 1', 'ARCH x86', 'BADARCH KILL_PROCESS',
    'RULE ERRNO 11 clone 3 32 EQ 0x1234',
    'RULE ERRNO 12 clone 4 32 EQ 0x99',
    'RULE ERRNO 13 sync_file_range 5 32 MASKED_EQ 0x2 0x2',
    'RULE ERRNO 14 fadvise64_64 5 32 EQ 0x4',
    'RULE ERRNO 15 pread64 4 32 GT 0x0',
    'RULE ERRNO 15 pread64 4 32 EQ 0x0 3 32 GT 0x7fffffff',
    'RULE ERRNO 16 fallocate 4 32 EQ 0x2 5 32 EQ 0x1',
  ].join('\n') + '\n';
  const I = 'i386' as const;
  const events = [
    sys(I, 'clone', 0n, 0n, 0n, 0x1234n, 0n), sys(I, 'clone', 0n, 0n, 0n, 0n, 0x1234n),
    sys(I, 'clone', 0n, 0n, 0n, 0n, 0x99n), sys(I, 'clone', 0n, 0n, 0n, 0x99n, 0n),
    sys(I, 'sync_file_range', 3n, 0n, 0n, 2n, 0n, 0n), sys(I, 'sync_file_range', 3n, 0n, 0n, 0n, 0n, 2n),
    sys(I, 'fadvise64_64', 3n, 0n, 0n, 0n, 4n, 0n), sys(I, 'fadvise64_64', 3n, 0n, 0n, 0n, 0n, 4n),
    sys(I, 'pread64', 3n, 0n, 1n, 0n, 1n), sys(I, 'pread64', 3n, 0n, 1n, 0x80000000n, 0n), sys(I, 'pread64', 3n, 0n, 1n, 0x7fffffffn, 0n),
    sys(I, 'fallocate', 3n, 0n, 0n, 0n, 2n, 1n), sys(I, 'fallocate', 3n, 0n, 0n, 0n, 2n, 0n), sys(I, 'fallocate', 3n, 0n, 2n, 1n, 0n, 0n),
  ];
  const want = [11, 1, 12, 1, 1, 13, 1, 14, 15, 15, 1, 16, 1, 1];
  const { model, program } = compileText(ours, '/k/i386-layout.seccomp');
  const lsc = buildWithLibseccomp(theirs);
  const problems: string[] = [];
  events.forEach((e, i) => {
    const args = seenArgs(e, 32);
    const data = { nr: e.nr, arch: abiInfo(I).auditArch, instructionPointer: 0n, args };
    const o = actionFromRet(explain(program, data).ret);
    const th = actionFromRet(runProgram(lsc.prog, data).action);
    const d = decide(model, { arch: data.arch, nr: e.nr >>> 0, args });
    const line = `${describe(e)}: ours ${show(o)}, libseccomp ${show(th)}, model ${d.action.kind}(${'data' in d.action ? d.action.data : ''}), expected errno(${want[i]})`;
    if (o.kind !== 'errno' || o.data !== want[i] || !same(o, th)) problems.push(line);
  });
  assert.deepEqual(problems, [], `\n${problems.join('\n')}\n--- ours ---\n${toDisassembly(program)}`);
  // The same in the kernel, where this machine runs i386 calls (int $0x80 or a -m32 runner).
  const runner = r32 ?? (int80 ? r64 : undefined);
  if (!runner) return;
  const kOurs = runInKernel(dir, runner, toRaw(program), events);
  const kTheirs = runInKernel(dir, runner, lsc.raw, events);
  assert.deepEqual(kOurs.outcomes, want.map((n) => `ret:-${n}`));
  assert.deepEqual(kTheirs.outcomes, kOurs.outcomes);
}));
