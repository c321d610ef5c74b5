/**
 * Decoding parity with strace, argument by argument (issue #13, defect 6).
 *
 * Each program runs under `strace -f -qq` and under `seccomp-policy run
 * --permissive` (no filter), both under `setarch -R` (same addresses) with the
 * same environment and descriptors. Each task's calls are aligned (longest
 * common subsequence of names; tasks are matched through the tids that
 * clone/fork returned in already matched calls), and every aligned pair must
 * print the same name, the same arguments and the same result. A difference
 * passes only when a rule of ACCEPTED below explains it; every rule says why
 * the difference is not a decoding defect. Calls present on one side only
 * must be calls whose occurrence depends on timing (UNMATCHED_OK).
 *
 * `-X raw` runs are used where strace's symbolic form and ours differ in
 * spelling only: the raw form must then give the same number as ours.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, policyFile, prepare, skipReason, work } from './harness';
import { blocker, machine } from '../helpers/machine';
import { getSyscall } from '../../server/src/kernel/syscalls';
import { readOurs, readStrace, type Call } from './strace-text';
import { RETURNS_BYTES } from '../../server/src/kernel/generated/decoding';

const skip = skipReason || (blocker(machine.strace(), machine.gcc()) ?? false);
before(() => { if (!skip) prepare(); });

// ---- alignment ------------------------------------------------------------------

function byTask(calls: readonly Call[]): Map<number, Call[]> {
  const m = new Map<number, Call[]>();
  for (const c of calls) {
    let l = m.get(c.pid);
    if (!l) m.set(c.pid, (l = []));
    l.push(c);
  }
  return m;
}

/**
 * What must be equal for two calls to be paired: the name, and for futex the
 * word and the operation (a waiter's futex is never paired with a waker's,
 * which may be missing on one side).
 */
function key(c: Call): string {
  return c.name === 'futex' ? `futex ${c.args[0]} ${c.args[1]}` : c.name;
}

/** Longest common subsequence of call keys: pairs of indexes, and what is left on each side. */
function align(a: readonly Call[], b: readonly Call[]): { pairs: Array<[number, number]>; onlyA: number[]; onlyB: number[] } {
  const ka = a.map(key);
  const kb = b.map(key);
  const n = a.length;
  const w = b.length + 1;
  const len = new Int32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      len[i * w + j] = ka[i] === kb[j] ? len[(i + 1) * w + j + 1]! + 1 : Math.max(len[(i + 1) * w + j]!, len[i * w + j + 1]!);
    }
  }
  const pairs: Array<[number, number]> = [];
  const onlyA: number[] = [];
  const onlyB: number[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < b.length) {
    if (ka[i] === kb[j]) pairs.push([i++, j++]);
    else if (len[(i + 1) * w + j]! >= len[i * w + j + 1]!) onlyA.push(i++);
    else onlyB.push(j++);
  }
  while (i < n) onlyA.push(i++);
  while (j < b.length) onlyB.push(j++);
  return { pairs, onlyA, onlyB };
}

/** Calls that create a task; their result is the new task's id on each side. */
const SPAWNS = new Set(['clone', 'clone3', 'fork', 'vfork']);

// ---- what may differ, and why ------------------------------------------------------

interface Context { readonly task: number; readonly call: string; readonly index: number; readonly ours: string; readonly theirs: string; readonly raw: string | undefined }
interface Rule { readonly name: string; readonly why: string; readonly accepts: (c: Context) => boolean }

const ADDRESS = /^(0x[0-9a-f]+|NULL)$/;
/** Syscalls whose buffer the helper copies and we show as strace does (never accepted as an address). */
const OUTPUT_BUFFERS = new Set(RETURNS_BYTES);

/**
 * Every accepted difference, with its reason. Anything else fails the test.
 */
const ACCEPTED: readonly Rule[] = [
  {
    name: 'memory behind a pointer',
    why: 'strace reads the struct, array or string a pointer argument points to ({st_mode=…}, [3, 4], ~[RTMIN RT_1], {tv_sec=…}, 0x… /* 12 entries */); we show the address. Not for the buffers the helper copies (OUTPUT_BUFFERS): those must match',
    accepts: (c) => ADDRESS.test(c.ours) && /^(\{|\[|~\[|&|"|0x[0-9a-f]+ \/\*)/.test(c.theirs) && !(c.theirs.startsWith('"') && OUTPUT_BUFFERS.has(c.call)),
  },
  {
    name: 'execve environment',
    why: 'strace prints the environment pointer with a count comment (`0x7ffe… /* 20 vars */`); the pointer is in the stack of the process that called execve (strace or our helper), so only its presence is compared',
    accepts: (c) => (c.call === 'execve' || c.call === 'execveat') && ADDRESS.test(c.ours) && /^0x[0-9a-f]+ \/\* \d+ vars? \*\/$/.test(c.theirs),
  },
  {
    name: 'clone arguments',
    why: 'strace names clone\'s arguments and leaves out the ones its flags do not use (`child_stack=NULL, flags=…, child_tidptr=…`), and prints clone3\'s struct; we print every register. The flags are compared below (clone flags rule); the rest are addresses',
    accepts: (c) => (c.call === 'clone' && (ADDRESS.test(c.ours) || /^\w+=/.test(c.theirs))) || (c.call === 'clone3' && ADDRESS.test(c.ours) && c.theirs.startsWith('{')),
  },
  {
    name: 'random bytes',
    why: 'getrandom\'s bytes differ from run to run; both must be the same number of \\x escapes',
    accepts: (c) => c.call === 'getrandom' && c.index === 0 && /^"(\\x[0-9a-f]{2})*"(\.\.\.)?$/.test(c.ours) && c.ours.length === c.theirs.length,
  },
  {
    name: 'signal frame',
    why: 'rt_sigreturn takes no argument; strace reads the signal mask from the frame on the stack and shows it as one ({mask=[]})',
    accepts: (c) => c.call === 'rt_sigreturn' && c.index === 0 && c.ours === '(none)' && c.theirs.startsWith('{mask='),
  },
  {
    name: 'parent of the first process',
    why: 'the first process\'s parent is strace in one run and our helper in the other',
    accepts: (c) => c.call === 'getppid' && c.index === -1 && c.task === 0,
  },
  {
    name: 'timing-dependent results',
    why: 'a futex wait returns 0, EAGAIN or ETIMEDOUT depending on when the other thread changed the word; how many waiters a wake finds likewise. rt_sigreturn returns what the interrupted code had in its register, which depends on where the signal arrived',
    accepts: (c) => c.index === -1 && (c.call === 'futex' || c.call === 'rt_sigreturn'),
  },
];

/**
 * Calls that may appear on one side only: whether they happen depends on
 * scheduling (a contended lock waits on a futex or not; a thread that has
 * already exited is joined without waiting).
 */
const UNMATCHED_OK = new Set(['futex', 'sched_yield', 'rt_sigreturn']);

/** glibc's malloc heaps for threads (arenas): 64 MiB, reserved as 128 MiB when an aligned hint fails. */
const ARENA_SIZES = new Set(['67108864', '134217728']);

/**
 * The calls that place and open glibc's per-thread malloc heaps, left out on
 * both sides: a new thread takes the arena a finished thread left or creates
 * one, and creates it at the hinted address or not, depending on which thread
 * ran first. An arena is a PROT_NONE, MAP_NORESERVE mapping of 64 or 128 MiB;
 * the munmap, mprotect and madvise calls inside one go with it.
 */
function withoutArenas(calls: readonly Call[]): { kept: Call[]; dropped: number } {
  const arenas: Array<[bigint, bigint]> = [];
  for (const c of calls) {
    if (c.name === 'mmap' && ARENA_SIZES.has(c.args[1] ?? '') && c.args[2] === 'PROT_NONE' && /MAP_NORESERVE/.test(c.args[3] ?? '') && /^0x[0-9a-f]+$/.test(c.ret)) {
      arenas.push([BigInt(c.ret), BigInt(c.ret) + BigInt(c.args[1]!)]);
    }
  }
  const inArena = (c: Call) => {
    const at = c.name === 'mmap' ? c.ret : c.args[0] ?? '';
    if (!/^0x[0-9a-f]+$/.test(at)) return false;
    const v = BigInt(at);
    return arenas.some(([lo, hi]) => v >= lo && v < hi);
  };
  const kept = calls.filter((c) => !(['mmap', 'munmap', 'mprotect', 'madvise'].includes(c.name) && inArena(c)));
  return { kept, dropped: calls.length - kept.length };
}

/**
 * Counted, not a rule: with `racingDescriptors` (a program whose threads open
 * descriptors at the same time, like Node's), a call that returned another
 * descriptor number records the pair, and every fd argument is compared
 * through it. Only fd arguments (the syscall table's kind) and results are
 * translated.
 */
const RACING_DESCRIPTORS = 'descriptor numbers taken by racing threads (compared translated)';
/** Calls that return a new descriptor. */
const RETURNS_FD = new Set(['open', 'openat', 'openat2', 'creat', 'socket', 'accept', 'accept4', 'eventfd', 'eventfd2', 'epoll_create', 'epoll_create1',
  'timerfd_create', 'signalfd', 'signalfd4', 'inotify_init', 'inotify_init1', 'memfd_create', 'pidfd_open', 'dup', 'io_uring_setup', 'fanotify_init']);

/**
 * Counted, not a rule: with `randomAddresses`, an mmap whose result differs
 * records the two mappings, and every address inside them is compared
 * translated (a program that picks its own random hints, like V8).
 */
const RANDOM_ADDRESSES = 'addresses the program picked at random (compared translated)';

interface Difference { task: number; call: string; ours: string; theirs: string; what: string }

/**
 * Mappings a program placed at addresses it picked at random (V8 chooses its
 * own mmap hints, which setarch -R does not fix): ours → strace's, with length.
 */
class Regions {
  private readonly list: Array<{ ours: bigint; theirs: bigint; len: bigint }> = [];
  add(ours: string, theirs: string, len: string): void {
    if (/^0x[0-9a-f]+$/.test(ours) && /^0x[0-9a-f]+$/.test(theirs) && ours !== theirs) this.list.push({ ours: BigInt(ours), theirs: BigInt(theirs), len: BigInt(len) });
  }
  /** `s` with every address inside a recorded mapping of ours moved to strace's. */
  translate(s: string): string {
    if (!this.list.length) return s;
    return s.replace(/0x[0-9a-f]+/g, (h) => {
      const v = BigInt(h);
      for (let k = this.list.length - 1; k >= 0; k--) {
        const r = this.list[k]!;
        if (v >= r.ours && v < r.ours + r.len) return '0x' + (r.theirs + (v - r.ours)).toString(16);
      }
      return h;
    });
  }
}

interface Leeway { readonly randomAddresses?: boolean; readonly racingDescriptors?: boolean }

function compareTraces(ours: Call[], theirs: Call[], raw: Call[] | undefined, leeway: Leeway): { differences: Difference[]; used: Map<string, number>; compared: number } {
  const regions = new Regions();
  const fds = new Map<string, string>();
  const a = byTask(ours);
  const b = byTask(theirs);
  const rawByTask = raw ? byTask(raw) : undefined;
  const differences: Difference[] = [];
  const used = new Map<string, number>();
  let compared = 0;
  // Task ids: ours → strace's, from the root and every matched spawn.
  const tasks: Array<[number, number]> = [[ours[0]!.pid, theirs[0]!.pid]];
  const oursToTheirs = new Map<string, string>([[String(ours[0]!.pid), String(theirs[0]!.pid)]]);
  const rawPidOrder = raw ? [...rawByTask!.keys()] : [];
  const theirsOrder = [...b.keys()];
  for (let t = 0; t < tasks.length; t++) {
    const [po, pt] = tasks[t]!;
    // Each task's own arena calls (a thread sets up the heap it mallocs from).
    const oa = withoutArenas(a.get(po) ?? []);
    const ob = withoutArenas(b.get(pt) ?? []);
    if (oa.dropped + ob.dropped) used.set('malloc arenas (left out)', (used.get('malloc arenas (left out)') ?? 0) + oa.dropped + ob.dropped);
    const ca = oa.kept;
    const cb = ob.kept;
    // The -X raw run is another run: its tasks are matched by order of appearance.
    const rawCalls = rawByTask?.get(rawPidOrder[theirsOrder.indexOf(pt)] ?? -1);
    const rawAlign = rawCalls ? align(cb, rawCalls) : undefined;
    const rawOf = new Map(rawAlign?.pairs ?? []);
    const { pairs, onlyA, onlyB } = align(ca, cb);
    for (const i of onlyA) if (!UNMATCHED_OK.has(ca[i]!.name)) differences.push({ task: t, call: ca[i]!.name, ours: ca[i]!.line, theirs: '(not in strace\'s trace)', what: 'call' });
    for (const j of onlyB) if (!UNMATCHED_OK.has(cb[j]!.name)) differences.push({ task: t, call: cb[j]!.name, ours: '(not in our trace)', theirs: cb[j]!.line, what: 'call' });
    for (const [i, j] of pairs) {
      const x = ca[i]!;
      const y = cb[j]!;
      const r = rawOf.has(j) ? rawCalls![rawOf.get(j)!] : undefined;
      compared++;
      if (SPAWNS.has(x.name) && /^\d+$/.test(x.ret) && /^\d+/.test(y.ret)) {
        const child = y.ret.split(' ')[0]!;
        if (!oursToTheirs.has(x.ret)) {
          oursToTheirs.set(x.ret, child);
          tasks.push([Number(x.ret), Number(child)]);
        }
      }
      if (leeway.racingDescriptors && RETURNS_FD.has(x.name) && /^\d+$/.test(x.ret) && /^\d+$/.test(y.ret) && x.ret !== y.ret) {
        fds.set(x.ret, y.ret);
        used.set(RACING_DESCRIPTORS, (used.get(RACING_DESCRIPTORS) ?? 0) + 1);
      }
      const info = getSyscall(x.name);
      const fdArg = (k: number) => leeway.racingDescriptors && k >= 0 && (info?.args[k]?.kind === 'fd' || info?.args[k]?.kind === 'dirfd');
      if (leeway.randomAddresses && (x.name === 'mmap' || x.name === 'mremap') && x.ret !== y.ret) {
        regions.add(x.ret, y.ret.split(' ')[0]!, x.name === 'mmap' ? x.args[1]! : x.args[2]!);
        used.set(RANDOM_ADDRESSES, (used.get(RANDOM_ADDRESSES) ?? 0) + 1);
      }
      const norm = (s: string) => regions.translate(s.replace(/\b\d+\b/g, (d) => oursToTheirs.get(d) ?? d));
      const check = (index: number, o: string, th: string, rawText: string | undefined) => {
        if (norm(o) === th) return;
        if ((fdArg(index) || (index === -1 && leeway.racingDescriptors && RETURNS_FD.has(x.name))) && fds.get(o) === th) return;
        const ctx: Context = { task: t, call: x.name, index, ours: norm(o), theirs: th, raw: rawText };
        const rule = ACCEPTED.find((rl) => rl.accepts(ctx)) ?? spelling(ctx);
        if (rule) used.set(rule.name, (used.get(rule.name) ?? 0) + 1);
        else differences.push({ task: t, call: x.name, ours: x.line, theirs: y.line, what: index < 0 ? 'result' : `argument ${index + 1}: ${o} vs ${th}` });
      };
      if (x.name === 'clone') {
        // clone: the flags, wherever strace put them.
        const flags = y.args.find((s) => s.startsWith('flags='))?.slice(6);
        if (flags !== undefined) check(0, x.args[0]!, flags, undefined);
        for (let k = 1; k < x.args.length; k++) check(k, x.args[k]!, y.args[k] ?? '', undefined);
      } else {
        const n = Math.max(x.args.length, y.args.length);
        for (let k = 0; k < n; k++) check(k, x.args[k] ?? '(none)', y.args[k] ?? '(none)', r?.args[k]);
      }
      check(-1, x.ret, y.ret, r?.ret);
    }
  }
  const unmatchedTasks = [...b.keys()].filter((p) => !tasks.some(([, q]) => q === p));
  for (const p of unmatchedTasks) differences.push({ task: -1, call: '-', ours: '(no task)', theirs: `strace task ${p} (${b.get(p)!.length} calls) has no counterpart`, what: 'task' });
  return { differences, used, compared };
}

/**
 * strace spells a value differently but `-X raw` shows the same number we
 * decoded (a constant we print by another name, or as a number).
 */
function spelling(c: Context): Rule | undefined {
  if (c.raw === undefined || !/^(0x[0-9a-f]+|-?\d+)$/.test(c.raw)) return undefined;
  // A name on one side only; two numbers in different bases are a defect (rseq's signature in decimal).
  if (!/[A-Z][A-Z0-9_]+/.test(c.ours + c.theirs)) return undefined;
  const v = BigInt(c.raw);
  const ours = /^-?\d+$/.test(c.ours) ? BigInt(c.ours) : /^0x[0-9a-f]+$/.test(c.ours) ? BigInt(c.ours) : undefined;
  if (ours === undefined || (ours !== v && BigInt.asUintN(64, ours) !== BigInt.asUintN(64, v))) return undefined;
  return { name: 'same number, spelled otherwise', why: 'strace prints a name where we print the number (or the reverse); -X raw shows the same value', accepts: () => true };
}

// ---- running both tracers --------------------------------------------------------

let built: { decode: string; threads: string } | undefined;
function programs(): { decode: string; threads: string } {
  if (built) return built;
  const dir = join(work(), 'parity');
  mkdirSync(dir, { recursive: true });
  const out = { decode: join(dir, 'parity-decode'), threads: join(dir, 'parity-threads') };
  for (const [name, exe] of Object.entries(out)) {
    const r = spawnSync('gcc', ['-O1', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', exe, join(__dirname, 'fixtures', `parity-${name}.c`)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building parity-${name}.c failed:\n${r.stderr}`);
  }
  return (built = out);
}

/** The same environment for strace and for us, small and fixed: stack addresses depend on it. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C', HOME: work(), ...extra };
}

let runs = 0;
function traceBoth(cmd: string[], opts: { raw?: boolean; env?: Record<string, string>; cwd?: string } = {}) {
  const n = ++runs;
  // A directory nothing writes to while both run (python lists its working directory; the traces go to work()).
  const cwd = opts.cwd ?? join(work(), 'parity-cwd');
  mkdirSync(cwd, { recursive: true });
  const straceOut = join(work(), `parity-strace-${n}.txt`);
  const e = env(opts.env);
  const s = spawnSync('setarch', ['-R', 'strace', '-f', '-qq', '-o', straceOut, ...cmd], { encoding: 'utf8', env: e, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(s.status, 0, `strace ${cmd.join(' ')}: ${s.stderr}`);
  let raw: Call[] | undefined;
  if (opts.raw) {
    const rawOut = join(work(), `parity-strace-raw-${n}.txt`);
    const sr = spawnSync('setarch', ['-R', 'strace', '-f', '-qq', '-X', 'raw', '-o', rawOut, ...cmd], { encoding: 'utf8', env: e, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(sr.status, 0, sr.stderr);
    raw = readStrace(readFileSync(rawOut, 'latin1'));
  }
  const oursOut = join(work(), `parity-ours-${n}.txt`);
  const policy = policyFile('default allow\n', `parity-${n}.seccomp`);
  const r = spawnSync('setarch', ['-R', process.execPath, CLI, 'run', '--permissive', '--no-pin', '-o', oursOut, policy, '--', ...cmd], {
    encoding: 'utf8', env: e, cwd, stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(r.status, 0, `run ${cmd.join(' ')}: ${r.stderr}`);
  return { ours: readOurs(readFileSync(oursOut, 'latin1')), theirs: readStrace(readFileSync(straceOut, 'latin1')), raw };
}

function parity(cmd: string[], opts: Leeway & { raw?: boolean; env?: Record<string, string>; cwd?: string; minCalls?: number } = {}) {
  const { ours, theirs, raw } = traceBoth(cmd, opts);
  assert.ok(theirs.length >= (opts.minCalls ?? 10), `strace saw the program (${theirs.length} calls)`);
  assert.ok(ours.length > 0, 'we saw the program');
  const { differences, used, compared } = compareTraces(ours, theirs, raw, opts);
  if (process.env.PARITY_VERBOSE) console.log(cmd.join(' '), { compared, used: Object.fromEntries(used) });
  const shown = differences.slice(0, process.env.PARITY_VERBOSE ? 1000 : 15).map((d) => `task #${d.task} ${d.call} (${d.what})\n  ours:   ${d.ours}\n  strace: ${d.theirs}`);
  assert.equal(differences.length, 0, `${differences.length} differences from strace not in the accepted list (${compared} calls compared):\n${shown.join('\n')}`);
  return { compared, used };
}

// ---- the programs ------------------------------------------------------------------

function scratchFiles(): string {
  const dir = join(work(), 'parity-files');
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.txt'), 'one\ntwo\nthree\n');
    writeFileSync(join(dir, 'b.bin'), Buffer.from([0, 1, 2, 0xff, 0x7f, 10, 0x22, 0x5c]));
  }
  return dir;
}

test('decoders: futex, epoll_ctl, fcntl, rseq, getcwd, getrandom', { skip }, () => {
  // getcwd's path is longer than a data buffer's 32 bytes: it must still be shown whole.
  const deep = join(work(), 'a-directory-whose-path-is-longer', 'than-thirty-two-bytes');
  mkdirSync(deep, { recursive: true });
  const { used } = parity([programs().decode, deep], { raw: true });
  assert.ok(!used.has('timing-dependent results'), 'a single thread has no timing-dependent futex results');
});
test('pthreads: two threads, started and joined', { skip }, () => { parity([programs().threads]); });
test('ls -l', { skip }, () => { parity(['ls', '-l', scratchFiles()]); });
test('cat', { skip }, () => { parity(['cat', join(scratchFiles(), 'a.txt'), join(scratchFiles(), 'b.bin')]); });
test('sh pipeline', { skip }, () => { parity(['sh', '-c', `cat ${join(scratchFiles(), 'a.txt')} | wc -l`]); });
test('python3', { skip: skip || (existsSync('/usr/bin/python3') ? false : 'no /usr/bin/python3') }, () => {
  parity(['/usr/bin/python3', '-c', 'import os; print(os.getcwd())'], { env: { PYTHONHASHSEED: '0' } });
});
test('node -e', { skip }, () => {
  // V8 picks its heap's addresses itself, at random: those are compared through the mappings they belong to.
  // Node's threads open descriptors while the main thread does: their numbers are compared through what each call returned.
  parity([process.execPath, '-e', 'require("fs").readFileSync("/etc/hostname")'], { randomAddresses: true, racingDescriptors: true });
});
