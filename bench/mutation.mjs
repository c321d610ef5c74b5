// Mutation check of the compiler: does the project's checking catch a compiler that is wrong by
// one comparison, one jump target or one width rule?
//
// Two kinds of mutants:
//   - in compiled programs: for random policies (the property test's generator, half compiled with
//     a random profile), every conditional jump negated (jeq ↔ "jne", i.e. targets swapped),
//     jgt ↔ jge, jeq ↔ jset, each jump target one off either way, each compared constant one off,
//     and every load of an argument word moved to the other half of its register (the width rule).
//     Killed by the BPF validator (the kernel's load checks), or by the property test's oracle —
//     `explain(program)` in the interpreter against `decide(model)`, same action and same deciding
//     rule — on the 60 events the property test gives that policy, or on 2,000 more from the same
//     generator. The rest are run on boundary events (every compared constant and its neighbours in
//     the word it is compared with): a difference there is a mutant the generator missed; none at
//     all, a mutant no input we tried tells apart (equivalent, or masked by the instructions
//     before it, e.g. a jump one further that lands on a reload of the word A already holds).
//   - in the compiler's source (conditions, emitter, dispatch, profile): one wrong operator, target
//     or width rule patched in as the core is bundled; killed when a program it compiles for one of
//     300 random policies fails the oracle, else when the compiler's unit tests (test/unit/compiler,
//     bundled with the same patch) fail.
// Usage: node bench/mutation.mjs [SEED]   (about a minute of CPU)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mutation-'));
const require = createRequire(import.meta.url);
const SEED = Number(process.argv[2] ?? 20261202);
const t0 = Date.now();

const ENTRY = `export { modelOf } from './test/helpers/compile';
  export { Random } from './test/helpers/random';
  export { randomPolicy, randomEvents, randomProfile } from './test/helpers/random-policy';
  export { compilePolicy } from './server/src/compiler/compile';
  export { explain } from './server/src/compiler/attribute';
  export { validateProgram } from './server/src/bpf/validator';
  export { decide } from './server/src/policy/semantics/decide';
  export { retValue } from './server/src/kernel/seccomp';
  export { ABIS, abiInfo } from './server/src/kernel/abi';
  export { runProgram } from './server/src/bpf/interpreter';`;

/** The core, bundled from the sources; `patch` rewrites one file's text as it is loaded. */
let bundles = 0;
async function loadCore(patch) {
  const outfile = join(dir, `core-${bundles++}.cjs`);
  let applied = !patch;
  const plugins = patch ? [{
    name: 'mutate',
    setup(b) {
      b.onLoad({ filter: new RegExp(`${patch.file.replace(/[.]/g, '\\.')}$`) }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes(patch.find)) return undefined;
        applied = true;
        return { contents: text.replace(patch.find, patch.replace), loader: 'ts' };
      });
    },
  }] : [];
  await build({ stdin: { contents: ENTRY, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent', plugins });
  return applied ? require(outfile) : undefined;
}

const core = await loadCore();

/** The property test's policies and events, reproducible from SEED: half compiled with a random profile. */
function cases(c, count, seed) {
  const r = new c.Random(seed);
  const out = [];
  while (out.length < count) {
    const { text } = c.randomPolicy(r);
    const { model, errors } = c.modelOf(text);
    if (errors.length) continue;
    const events = c.randomEvents(r, model, 60);
    const profile = out.length % 2 === 1 ? c.randomProfile(r, events) : undefined;
    out.push({ text, model, events, profile });
  }
  return out;
}

/** Why the checks reject `program` for `model`, or undefined when they accept it. */
function verdict(c, model, program, events) {
  const valid = c.validateProgram(program.instructions);
  if (!valid.ok) return 'validator';
  for (const e of events) {
    let got;
    try {
      got = c.explain(program, { ...e, instructionPointer: 0n });
    } catch {
      return 'interpreter';
    }
    const want = c.decide(model, e);
    if (got.ret !== c.retValue(want.action)) return 'oracle: action';
    const w = want.origin.kind === 'rule' ? `rule ${want.origin.entry.rule.index}` : want.origin.kind;
    const g = got.origin.kind === 'rule' ? `rule ${got.origin.rule}` : got.origin.kind;
    if (g !== w) return 'oracle: deciding rule';
  }
  return undefined;
}

/**
 * Events to look for a difference the generator missed: each (word, constant) a jump compares
 * (the word is the one the closest `ld` before it loads), with the constant and its neighbours in
 * that word, garbage or not in the other half of the register, on every syscall the policy has
 * rules for; and every compared syscall number and its neighbours.
 */
function boundaryEvents(model, program) {
  const pairs = [];
  // Values that tell bit tests from equality and signed-looking from unsigned order, in every word loaded.
  const ANY = [0, 1, 2, 3, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff];
  let word = 0;
  for (const ins of program.instructions) {
    if (ins.code === 0x20) { word = ins.k; for (const v of ANY) pairs.push([word, v]); }
    else if ((ins.code & 0x07) === 0x05 && (ins.code & 0xf0) !== 0) for (const v of [ins.k - 1, ins.k, ins.k + 1, ins.k | 0x80000000]) pairs.push([word, v >>> 0]);
  }
  const events = [];
  const zero = [0n, 0n, 0n, 0n, 0n, 0n];
  for (const abi of model.abis) {
    const arch = core.abiInfo(abi).auditArch;
    for (const [w, v] of pairs) if (w === 0) events.push({ arch, nr: v, args: zero });
    for (const nr of model.tables.get(abi)?.bySyscall.keys() ?? []) {
      for (const [w, v] of pairs) {
        if (w < 16) continue;
        const arg = (w - 16) >> 3;
        const high = (w & 4) !== 0;
        for (const other of [0n, 0xffffffffn]) {
          const args = [...zero];
          args[arg] = high ? (BigInt(v) << 32n) | other : (other << 32n) | BigInt(v);
          events.push({ arch, nr, args });
        }
      }
    }
  }
  return events;
}

/**
 * The original program's answer for each event, and for each instruction the events whose run
 * passes through it: a mutant of one instruction can only answer differently for those.
 */
function indexEvents(program, events) {
  const answers = [];
  const through = program.instructions.map(() => []);
  events.forEach((e, i) => {
    const data = { ...e, instructionPointer: 0n };
    answers.push(key(core.explain(program, data)));
    for (const pc of new Set(core.runProgram(program.instructions, data, { recordPath: true }).path)) through[pc].push(i);
  });
  return { events, answers, through };
}

/** Whether the mutant of instruction `pc` answers differently from the original for one of the indexed events. */
function differs(mutant, pc, index) {
  for (const i of index.through[pc]) {
    const data = { ...index.events[i], instructionPointer: 0n };
    let got;
    try { got = key(core.explain(mutant, data)); } catch { return index.events[i]; }
    if (got !== index.answers[i]) return index.events[i];
  }
  return undefined;
}

const key = (x) => `${x.ret}:${x.origin.kind}:${x.origin.rule ?? ''}`;

// ---------------------------------------------------------------------------------------------
// Mutants of compiled programs.
const JMP = 0x05, JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, LD_ABS_W = 0x20;

function* programMutants(insns) {
  const at = (pc, change) => insns.map((ins, i) => (i === pc ? { ...ins, ...change } : ins));
  for (let pc = 0; pc < insns.length; pc++) {
    const ins = insns[pc];
    if ((ins.code & 0x07) === JMP && (ins.code & 0xf0) !== JA) {
      const op = ins.code & 0xf0;
      yield ['comparison negated (jeq ↔ jne, jgt ↔ jle, …)', pc, at(pc, { jt: ins.jf, jf: ins.jt })];
      if (op === JGT) yield ['jgt ↔ jge', pc, at(pc, { code: (ins.code & ~0xf0) | JGE })];
      if (op === JGE) yield ['jgt ↔ jge', pc, at(pc, { code: (ins.code & ~0xf0) | JGT })];
      if (op === JEQ || op === JSET) yield [op === JEQ ? 'jeq → jset' : 'jset → jeq', pc, at(pc, { code: (ins.code & ~0xf0) | (op === JEQ ? JSET : JEQ) })];
      for (const d of [-1, 1]) {
        if (ins.jt + d >= 0 && ins.jt + d <= 255) yield ['jump target one off', pc, at(pc, { jt: ins.jt + d })];
        if (ins.jf + d >= 0 && ins.jf + d <= 255) yield ['jump target one off', pc, at(pc, { jf: ins.jf + d })];
        if (ins.k + d >= 0 && ins.k + d <= 0xffffffff) yield ['compared constant one off', pc, at(pc, { k: ins.k + d })];
      }
    } else if (ins.code === (JMP | JA)) {
      for (const d of [-1, 1]) if (ins.k + d >= 0) yield ['jump target one off', pc, at(pc, { k: ins.k + d })];
    } else if (ins.code === LD_ABS_W && ins.k >= 16) {
      // seccomp_data.args[i] is 8 bytes at 16 + 8i: the other half of the same register.
      yield ['width rule: other half of the argument', pc, at(pc, { k: ins.k ^ 4 })];
    }
  }
}

const POLICIES = 30;
const MORE_EVENTS = 2000;
const programCases = cases(core, POLICIES, SEED);
const byKind = new Map();
const missed = [];
let programTotal = 0;
for (const [n, cse] of programCases.entries()) {
  const r = core.compilePolicy(cse.model, cse.profile ? { profile: cse.profile } : {});
  if (!r.ok) continue;
  const program = r.program;
  // The original must pass the oracle itself, or the comparison below means nothing.
  if (verdict(core, cse.model, program, cse.events)) throw new Error(`the original program fails the oracle:\n${cse.text}`);
  const tiers = [
    indexEvents(program, cse.events),
    indexEvents(program, core.randomEvents(new core.Random(SEED * 31 + n), cse.model, MORE_EVENTS)),
    indexEvents(program, boundaryEvents(cse.model, program)),
  ];
  for (const [kind, pc, insns] of programMutants(program.instructions)) {
    programTotal++;
    const mutant = { ...program, instructions: insns };
    const k = byKind.get(kind) ?? { total: 0, validator: 0, first: 0, more: 0, boundary: 0, same: 0 };
    byKind.set(kind, k);
    k.total++;
    if (!core.validateProgram(insns).ok) { k.validator++; continue; }
    if (differs(mutant, pc, tiers[0])) { k.first++; continue; }
    if (differs(mutant, pc, tiers[1])) { k.more++; continue; }
    const diff = differs(mutant, pc, tiers[2]);
    if (diff) { k.boundary++; missed.push({ kind, pc, text: cse.text, profile: !!cse.profile, diff }); } else k.same++;
  }
}

console.log(`Mutants of compiled programs (${programCases.length} random policies of the property test, seed ${SEED}, half with a random profile).`);
console.log('Killed by the validator, or by the oracle on the 60 events the property test gives the policy, or on');
console.log(`${MORE_EVENTS} more from its generator; the rest are run on boundary events (see boundaryEvents): a difference`);
console.log('there is a mutant the generator missed ("missed"); none, one no input we tried tells apart ("equiv.").');
console.log(`  ${'mutation'.padEnd(44)} ${'mutants'.padStart(7)} ${'valid.'.padStart(6)} ${'60 ev.'.padStart(6)} ${`+${MORE_EVENTS}`.padStart(6)} ${'missed'.padStart(6)} ${'equiv.'.padStart(6)}`);
let killedP = 0, equivalentP = 0, missedP = 0;
for (const [kind, k] of byKind) {
  killedP += k.validator + k.first + k.more;
  equivalentP += k.same;
  missedP += k.boundary;
  console.log(`  ${kind.padEnd(44)} ${String(k.total).padStart(7)} ${String(k.validator).padStart(6)} ${String(k.first).padStart(6)} ${String(k.more).padStart(6)} ${String(k.boundary).padStart(6)} ${String(k.same).padStart(6)}`);
}
console.log(`  score: ${killedP}/${programTotal - equivalentP} non-equivalent mutants killed (${programTotal} mutants, ${equivalentP} equivalent, ${missedP} missed)`);
for (const s of missed.slice(0, 2)) {
  const e = s.diff;
  console.log(`  MISSED ${s.kind} at ${s.pc}${s.profile ? ' (with a profile)' : ''}, told apart by arch 0x${e.arch.toString(16)} nr ${e.nr} args ${e.args.map((a) => '0x' + a.toString(16)).join(',')}:\n    ${s.text.trim().split('\n').join('\n    ')}`);
}
console.log(`[${Math.round((Date.now() - t0) / 1000)} s]`);

// ---------------------------------------------------------------------------------------------
// Mutants of the compiler's source. Each is one edit; `why` says what an equivalent one would mean.
const SOURCE_MUTANTS = [
  // (Only widening the mask makes this one real: emitWide on a 32-bit mask already skips the high word.)
  ['width: 32-bit arguments compared on all 64 bits', 'compiler/conditions.ts', 'return cond.width === 32 ? emitWord(', 'return cond.width === 32 ? emitWide(e, { ...cond, mask: cond.mask | 0xffffffff00000000n }, t, f, src) : 0 ? emitWord('],
  ['width: 64-bit arguments compared on the low word only', 'compiler/conditions.ts', 'return cond.width === 32 ? emitWord(', 'return true ? emitWord('],
  ['width: split 64-bit value read from the high half of its first register', 'compiler/conditions.ts', 'c.hi !== undefined ? argLowOffset(c.hi) : argHighOffset(c.arg)', 'argHighOffset(c.arg)'],
  ['width: mask not applied before a comparison', 'compiler/conditions.ts', 'if (mask !== U32) next = e.and(mask, next, src);', ''],
  ['comparison: == emitted as !=', 'compiler/conditions.ts', "case '==': next = e.jump(BPF_JEQ, value, t, f, src)", "case '==': next = e.jump(BPF_JEQ, value, f, t, src)"],
  ['comparison: > emitted as >=', 'compiler/conditions.ts', "case '>': next = e.jump(BPF_JGT,", "case '>': next = e.jump(BPF_JGE,"],
  ['comparison: < emitted as <=', 'compiler/conditions.ts', "case '<': next = e.jump(BPF_JGE,", "case '<': next = e.jump(BPF_JGT,"],
  ['comparison: bit test polarity', 'compiler/conditions.ts', "const setMeansTrue = (op === '!=') === (value === 0);", "const setMeansTrue = (op === '==') === (value === 0);"],
  ['comparison: 64-bit order, high words > as >=', 'compiler/conditions.ts', 'if (hi < hiMask) entry = e.jump(BPF_JGT, hi, t, eq, src);', 'if (hi < hiMask) entry = e.jump(BPF_JGE, hi, t, eq, src);'],
  ['comparison: 64-bit order, high words equal goes to false', 'compiler/conditions.ts', 'const eqLabel = e.jump(BPF_JEQ, hi, low, f, src);', 'const eqLabel = e.jump(BPF_JEQ, hi, f, low, src);'],
  ['target: reload skipped for a different word', 'compiler/emitter.ts', 'return this.loads.get(target) === offset ? target - 1 : target;', 'return this.loads.has(target) ? target - 1 : target;'],
  ['target: no `ja` before a straight-line instruction', 'compiler/emitter.ts', 'if (target !== this.here - 1) this.push(', 'if (false) this.push('],
  ['target: RETs shared across different deciding rules', 'compiler/emitter.ts', 'return a.label === b.label && sameOrigin(a.origin, b.origin);', 'return a.label === b.label;'],
  ['target: trampoline one past its target', 'compiler/emitter.ts', "k: this.here - target - 1 }, { origin: source.origin, note: 'far jump' }", "k: this.here - target }, { origin: source.origin, note: 'far jump' }"],
  ['target: far-jump limit 256', 'compiler/emitter.ts', 'const MAX_JUMP = 255;', 'const MAX_JUMP = 256;'],
  ['dispatch: split one number off', 'compiler/compile.ts', 'e.jump(BPF_JGE, node.at, above, below,', 'e.jump(BPF_JGE, node.at + 1, above, below,'],
  ['dispatch: jeq chain targets swapped', 'compiler/compile.ts', 'next = { label: e.jump(BPF_JEQ, test.nr, target(test.target), next, { origin: { kind: \'dispatch\' }, note: nameOf(abis, test.nr) }) };', 'next = { label: e.jump(BPF_JEQ, test.nr, next, target(test.target), { origin: { kind: \'dispatch\' }, note: nameOf(abis, test.nr) }) };'],
  ['dispatch: hot-number test targets swapped', 'compiler/compile.ts', "next = { label: e.jump(BPF_JEQ, test.nr, target(test.target), next, { origin: { kind: 'dispatch' }, note: `${nameOf(abis, test.nr) ?? test.nr} (hot)` }) };", "next = { label: e.jump(BPF_JEQ, test.nr, next, target(test.target), { origin: { kind: 'dispatch' }, note: `${nameOf(abis, test.nr) ?? test.nr} (hot)` }) };"],
  ['dispatch: x32 bit test polarity', 'compiler/compile.ts', 'e.jump(BPF_JSET, t.bit, set, clear,', 'e.jump(BPF_JSET, t.bit, clear, set,'],
  ['dispatch: hot numbers peeled from the wrong segment', 'compiler/dispatch.ts', 'target: segs[segmentOf(segs, h.nr)]!.target', 'target: segs[Math.max(0, segmentOf(segs, h.nr) - 1)]!.target'],
  ['profile: `or` items reordered with a false one dropped', 'compiler/profile.ts', 'return changed ? { kind: cond.kind, items: order.map((k) => items[k]!) } : cond;', 'return changed ? { kind: cond.kind, items: order.slice(0, Math.max(1, order.length - 1)).map((k) => items[k]!) } : cond;'],
];

/**
 * The second line of defence for a source mutant the oracle did not catch: the compiler's unit
 * tests (test/unit/compiler, which include hand-written cases such as far jumps and split
 * arguments), bundled with the mutation and run by node's test runner. Returns the first failing
 * test's name, or undefined when they all pass.
 */
async function unitTestsFail(patch) {
  const tests = readdirSync(join(root, 'test', 'unit', 'compiler')).filter((f) => f.endsWith('.test.ts'));
  const out = join(dir, `unit-${bundles++}`);
  mkdirSync(out);
  for (const t of tests) {
    let applied = false;
    await build({
      entryPoints: [join(root, 'test', 'unit', 'compiler', t)], bundle: true, platform: 'node', format: 'cjs',
      outfile: join(out, t.replace(/\.ts$/, '.cjs')), logLevel: 'silent', packages: 'external',
      plugins: [{
        name: 'mutate',
        setup(b) {
          b.onLoad({ filter: new RegExp(`${patch.file.replace(/[.]/g, '\\.')}$`) }, (args) => {
            const text = readFileSync(args.path, 'utf8');
            applied = true;
            return { contents: text.replace(patch.find, patch.replace), loader: 'ts' };
          });
        },
      }],
    });
    if (!applied) rmSync(join(out, t.replace(/\.ts$/, '.cjs')));
  }
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...readdirSync(out).map((f) => join(out, f))], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status === 0) return undefined;
  const failed = /^\s*not ok \d+ - (.*)$/m.exec(r.stdout);
  return `unit test: ${failed ? failed[1] : `exit ${r.status}`}`;
}

const SOURCE_POLICIES = 300;
const sourceCases = cases(core, SOURCE_POLICIES, SEED + 1);
console.log(`\nMutants of the compiler's source (up to ${SOURCE_POLICIES} random policies each, half with a random profile):`);
let sourceKilled = 0, sourceTotal = 0;
const sourceSurvivors = [];
for (const [name, file, find, replace] of SOURCE_MUTANTS) {
  const c = await loadCore({ file, find, replace });
  if (!c) { console.log(`  ${name.padEnd(72)} not applied: the source changed`); continue; }
  sourceTotal++;
  let why, n = 0;
  for (const cse of sourceCases) {
    n++;
    const { model } = c.modelOf(cse.text);
    let r;
    try {
      r = c.compilePolicy(model, cse.profile ? { profile: cse.profile } : {});
    } catch {
      why = 'compiler threw'; break;
    }
    if (!r.ok) continue;
    why = verdict(c, model, r.program, cse.events);
    if (why) break;
  }
  if (!why) why = await unitTestsFail({ file, find, replace });
  if (why) sourceKilled++;
  else sourceSurvivors.push(name);
  console.log(`  ${name.padEnd(72)} ${why ? `killed (${why}${why.startsWith('oracle') || why.startsWith('compiler') ? `, policy ${n}` : ''})` : 'SURVIVED'}`);
}
console.log(`  score: ${sourceKilled}/${sourceTotal} killed`);
console.log(`\nTotal: ${killedP + sourceKilled}/${programTotal - equivalentP + sourceTotal} non-equivalent mutants killed; ${Math.round((Date.now() - t0) / 1000)} s`);
rmSync(dir, { recursive: true, force: true });
