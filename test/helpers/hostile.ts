/**
 * Hostile policies and include trees, for the fuzz test and bench/fuzz.mjs
 * (issue 14): the shapes that once hung the checker, blew its stack or
 * compiled a wrong value, with random sizes and random noise.
 */
import assert from 'node:assert/strict';
import { checkPolicyText } from '../../server/src/driver/policy';
import { MAX_SPLICED_STATEMENTS } from '../../server/src/policy/semantics/build';
import type { PolicyHost } from '../../server/src/policy/semantics/model';
import type { Random } from './random';

export interface HostileCase {
  /** Which generator made it, for the figures and failure messages. */
  readonly shape: string;
  /** The root file's text, at `ROOT`. */
  readonly text: string;
  /** Other files, by absolute path. */
  readonly files: Readonly<Record<string, string>>;
}

export const ROOT = '/p/root.seccomp';
const H = 'default kill_process\nallow execve\n';

/**
 * `scale` multiplies the sizes: 1 keeps a case to a few milliseconds (the
 * test), 10 reaches the sizes of the issue's reports (the bench).
 */
export type Generator = (r: Random, scale: number) => HostileCase;

const deepIncludes: Generator = (r) => {
  // Chains around the depth limit (16), some closing on an earlier file.
  const n = 1 + r.int(24);
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const next = i === n - 1 ? (r.chance(0.3) ? `include "d${r.int(n)}.seccomp"\n` : 'allow read\n') : `include "d${i + 1}.seccomp"\n`;
    files[`/p/d${i}.seccomp`] = `allow getpid\n${next}`;
  }
  return { shape: 'deep includes', text: `${H}include "d0.seccomp"\n`, files };
};

const fanOut: Generator = (r, scale) => {
  // Each file includes the next `times` times: times^levels splices without the limit.
  const times = 2 + r.int(5);
  let levels = 2 + r.int(15);
  // Trees that splice many statements but stay under the limit are checked in full (tens of
  // thousands of rules): keep them to the bench's scale, and send the test's over the limit.
  if (times ** (levels - 1) > 5000 * scale) levels = 16;
  const pad = r.int(4);
  const files: Record<string, string> = {};
  for (let i = 0; i < levels; i++) {
    const body = i === levels - 1 ? 'allow read\n' : `include "f${i + 1}.seccomp"\n`.repeat(times);
    files[`/p/f${i}.seccomp`] = body + 'allow getpid\n'.repeat(pad);
  }
  return { shape: 'fan-out', text: `${H}${'include "f0.seccomp"\n'.repeat(1 + r.int(times))}allow write\n`, files };
};

const defineChain: Generator = (r, scale) => {
  const n = 1 + r.int(2000 * scale);
  const cycle = r.chance(0.3);
  const op = () => r.pick(['', '', ' | 1', ' & 0xff', ' << 1', ' >> 1']);
  const lines = Array.from({ length: n }, (_, i) => `define D${i} = ${i === n - 1 ? (cycle ? 'D0' : '1') : `${r.chance(0.1) ? '~' : ''}D${i + 1}${op()}`}`);
  if (r.chance(0.5)) lines.reverse();
  return { shape: 'define chain', text: `${H}${lines.join('\n')}\nallow read if fd == D0\n`, files: {} };
};

const groupChain: Generator = (r, scale) => {
  const n = 1 + r.int(2000 * scale);
  const cycle = r.chance(0.3);
  const lines = Array.from({ length: n }, (_, i) => `group @g${i} = ${i === n - 1 ? (cycle ? '@g0' : 'read, write') : `@g${i + 1}${r.chance(0.2) ? ', close' : ''}${r.chance(0.1) ? ' except write' : ''}`}`);
  if (r.chance(0.5)) lines.reverse();
  return { shape: 'group chain', text: `${H}${lines.join('\n')}\nallow @g0\n`, files: {} };
};

function literal(r: Random): string {
  switch (r.int(6)) {
    case 0: return `${r.int(70)}`;
    case 1: return `-${r.int(130)}`;
    case 2: return `0x${'f'.repeat(1 + r.int(20))}`;
    case 3: return `0x8${'0'.repeat(15)}`;
    case 4: return `${r.pick(['1', '2', '3'])}${'0'.repeat(r.int(40))}`;
    default: return r.pick(['O_RDONLY', 'PROT_EXEC', 'D', 'EPERM']);
  }
}

function expression(r: Random, depth: number): string {
  if (depth <= 0 || r.chance(0.3)) return literal(r);
  switch (r.int(6)) {
    case 0: return `${expression(r, depth - 1)} << ${r.pick([literal(r), `${r.int(200) - 10}`, '100000', '-1', '63', '64'])}`;
    case 1: return `${expression(r, depth - 1)} >> ${r.pick([literal(r), `${r.int(200) - 10}`, '-1'])}`;
    case 2: return `(${expression(r, depth - 1)})`;
    case 3: return `${r.pick(['-', '~'])}${expression(r, depth - 1)}`;
    case 4: return `${expression(r, depth - 1)} | ${expression(r, depth - 1)}`;
    default: return `${expression(r, depth - 1)} & ${expression(r, depth - 1)}`;
  }
}

const bigShifts: Generator = (r) => {
  const lines = [`define D = ${expression(r, 3)}`];
  for (let i = 0, n = 1 + r.int(8); i < n; i++) {
    lines.push(r.pick([
      `kill write if count == ${expression(r, 4)}`,
      `allow mmap if prot & ${expression(r, 3)}`,
      `errno(${expression(r, 2)}) read`,
      `trap(${expression(r, 2)}) openat if flags in (${expression(r, 2)}, ${expression(r, 2)})`,
      `define X${i} = ${expression(r, 5)}`,
      `allow syscall(${expression(r, 1).replace(/[^0-9x]/g, '') || '0'})`,
    ]));
  }
  return { shape: 'big shifts', text: `arch ${r.pick(['x86_64', 'i386', 'x86_64, i386, aarch64'])}\n${H}${lines.join('\n')}\n`, files: {} };
};

const longNames: Generator = (r, scale) => {
  const long = () => `${r.pick(['x', 'O_', 'E', 'arg'])}${'y'.repeat(r.int(20_000 * scale))}`;
  const lines = [];
  for (let i = 0, n = 1 + r.int(4); i < n; i++) {
    lines.push(r.pick([
      `allow ${long()}`,
      `allow read if ${long()} == 1`,
      `allow openat if flags == ${long()}`,
      `errno(${long()}) read`,
      `define ${long()} = ${long()}`,
      `group @${long().toLowerCase()} = ${long()}`,
      `allow @${long().toLowerCase()}`,
      `include "${long()}.seccomp"`,
      `include "${'../'.repeat(r.int(5000))}x"`,
      `arch ${long()}`,
      `${long()} read`,
    ]));
  }
  return { shape: 'long names', text: `${H}${lines.join('\n')}\n`, files: {} };
};

const PIECES = ['allow', 'errno(', 'EPERM', ')', 'if', '&&', '||', '!', '(', ')', ',', 'in', 'not', '@io', 'flags', '==', '<<', '>>',
  '-1', '0x', '\n', '#', 'include "', 'include "r.txt"', 'include "r.seccomp"', 'define', 'group', '=', '~', '"', '\\', '\0', '\r', '\u2028'];

function bytes(r: Random, n: number): string {
  return Array.from({ length: n }, () => String.fromCharCode(r.int(256))).join('');
}

const randomBytes: Generator = (r, scale) => {
  const soup = () => Array.from({ length: r.int(400 * scale) }, () => r.pick(PIECES)).join(r.pick([' ', '', '\n']));
  const text = r.chance(0.5) ? bytes(r, r.int(3000 * scale)) : soup();
  // Included files of noise: a .txt is "not a policy", a .seccomp has its errors reported.
  const files = { '/p/r.txt': bytes(r, r.int(2000)), '/p/r.seccomp': r.chance(0.5) ? bytes(r, r.int(2000)) : soup() };
  return { shape: 'random bytes', text: r.chance(0.5) ? `${H}include "r.txt"\ninclude "r.seccomp"\n${text}` : text, files };
};

const longChains: Generator = (r, scale) => {
  const n = 1 + r.int(5000 * scale);
  const op = r.pick(['||', '&&', '|', '&', '<<', '==']);
  const operand = (i: number) => (op === '||' || op === '&&' ? `fd == ${i}` : `${i % 7}`);
  const chain = Array.from({ length: n }, (_, i) => operand(i)).join(` ${op} `);
  const where = r.pick([`allow read if ${chain}`, `define C = ${chain}`, `allow read if fd == (${chain})`, `allow read if ${'('.repeat(r.int(300))}${chain}`]);
  return { shape: 'long chains', text: `${H}${where}\n`, files: {} };
};

export const GENERATORS: readonly Generator[] = [deepIncludes, fanOut, defineChain, groupChain, bigShifts, longNames, randomBytes, longChains];

/** Longest message a diagnostic may have: a few names of 80 characters and their sentence. */
const MAX_MESSAGE = 2000;

/** Checks one case, asserting the bounds; returns what was read. */
export function checkBounded(c: HostileCase): { reads: number } {
  const reads = new Map<string, number>();
  const host: PolicyHost = {
    readFile(path) {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      const text = c.files[path];
      return text === undefined ? { error: 'no such file or directory' } : { text };
    },
    // Confined as on disk: to the root's folder, /p.
    includeDirectories: () => [],
  };
  const loaded = checkPolicyText(ROOT, c.text, host);
  const { model, diagnostics } = loaded;
  for (const [path, n] of reads) assert.equal(n, 1, `${path} read ${n} times`);
  const rootStatements = model.files.get(ROOT)!.ast.statements.length;
  assert.ok(model.statements.length <= rootStatements + MAX_SPLICED_STATEMENTS, `${model.statements.length} statements placed`);
  for (const d of diagnostics) {
    assert.ok(d.message.length <= MAX_MESSAGE, `${d.code}: a message of ${d.message.length} characters`);
    const file = model.files.get(d.file);
    assert.ok(file, `${d.code} in a file the model does not hold: ${d.file.slice(0, 100)}`);
    assert.ok(d.range.start >= 0 && d.range.start <= d.range.end && d.range.end <= file.text.length, `bad range in ${d.code}`);
  }
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.equal(loaded.program === undefined, errors.length > 0 || diagnostics.some((d) => d.code === 'filter-too-large'));
  return { reads: reads.size };
}
