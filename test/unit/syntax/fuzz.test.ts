/**
 * Property tests: random text and random mutations of valid policies never
 * make the lexer or parser throw, always finish, and always give
 * well-formed ranges (see `checkRanges`). Deterministic: every case has its
 * own seed, printed on failure; rerun one case with
 * `SYNTAX_FUZZ_SEED=<seed> node --import tsx --test test/unit/syntax/fuzz.test.ts`
 * (with the same `SYNTAX_FUZZ_BASE`, if one was given).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../../server/src/policy/syntax/parser';
import { tokenize } from '../../../server/src/policy/syntax/lexer';
import { SPEC_EXAMPLE, checkRanges, parseClean } from './helpers';

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

const CORPUS = [
  SPEC_EXAMPLE,
  `arch x86_64, i386, x32, aarch64, arm, riscv64
default kill
badarch trap(7)
include "a \\"quoted\\" \\\\ path.seccomp"
define A = 1 << 4 | 0x10 & ~0b1 | -0o7 >> 1
define BIG = 0xffff_ffff_ffff_ffff
group @io = read, write,
            readv, writev except syscall(0x13)
group @all = @io, @net-io, syscall(1)
allow @io except write if fd not in (0, 1, 2) && count <= A ||
      !(fd == 3) && (flags & O_CREAT) == 0
trace(1) ptrace, kill
trap getpid
notify openat if dirfd == AT_FDCWD
kill_thread tkill
errno(13) open, creat
log kill if sig == 9
errno(
  EPERM
) clone3
`,
  'allow read\r\nallow write if fd > 2\r\n# crlf\r\n',
];

const FRAGMENTS = [
  'allow', 'log', 'errno', 'trap', 'trace', 'notify', 'kill', 'kill_process', 'kill_thread', 'arch', 'default',
  'badarch', 'include', 'define', 'group', 'if', 'in', 'not', 'except', 'syscall', 'and', 'or', 'read', 'flags',
  'O_CREAT', 'EPERM', '@net', '@', '@Bad', '0', '42', '0x1f', '0x', '0b102', '1_000', '0755', '"s"', '"', '\\', '"\\q"',
  '==', '!=', '<', '<=', '>', '>=', '<<', '>>', '&', '|', '~', '!', '&&', '||', '-', '=', ',', '(', ')', '((', '))',
  '#', '# c', ' ', '  ', '\t', '\n', '\r\n', '\r', '\n\n', '$', ';', '.', '\u0000', '\ufeff', '\u00a0', '🙂', 'é',
];

function randomChar(rng: Rng): string {
  switch (int(rng, 6)) {
    case 0: return String.fromCharCode(int(rng, 128));
    case 1: return String.fromCharCode(int(rng, 0x10000)); // includes lone surrogates
    case 2: return String.fromCodePoint(0x10000 + int(rng, 0x100000));
    case 3: return String.fromCharCode(32 + int(rng, 95));
    default: return pick(rng, FRAGMENTS);
  }
}

function randomText(rng: Rng, maxLength: number, newlines = true): string {
  const target = int(rng, maxLength + 1);
  const parts: string[] = [];
  let n = 0;
  while (n < target) {
    let s = rng() < 0.5 ? pick(rng, FRAGMENTS) : randomChar(rng);
    if (!newlines) s = s.replace(/[\r\n]/g, ' ');
    if (rng() < 0.6) s += ' ';
    parts.push(s);
    n += s.length;
  }
  return parts.join('');
}

/** Applies 1..8 random edits at token or character granularity. */
function mutate(rng: Rng, text: string): string {
  const edits = 1 + int(rng, 8);
  for (let e = 0; e < edits; e++) {
    const toks = tokenize(text).tokens.filter((t) => t.kind !== 'eof');
    const t = toks.length > 0 ? pick(rng, toks) : undefined;
    const at = int(rng, text.length + 1);
    switch (int(rng, 9)) {
      case 0: // delete a token
        if (t) text = text.slice(0, t.start) + text.slice(t.end);
        break;
      case 1: // insert a token before a token
        if (t) text = text.slice(0, t.start) + pick(rng, FRAGMENTS) + (rng() < 0.5 ? ' ' : '') + text.slice(t.start);
        break;
      case 2: // duplicate a token
        if (t) text = text.slice(0, t.end) + ' ' + text.slice(t.start, t.end) + text.slice(t.end);
        break;
      case 3: { // swap two tokens
        const u = toks.length > 0 ? pick(rng, toks) : undefined;
        if (t && u && t !== u) {
          const [a, b] = t.start < u.start ? [t, u] : [u, t];
          if (a.end <= b.start) {
            text = text.slice(0, a.start) + text.slice(b.start, b.end) + text.slice(a.end, b.start) + text.slice(a.start, a.end) + text.slice(b.end);
          }
        }
        break;
      }
      case 4: // delete a character
        text = text.slice(0, at) + text.slice(at + 1);
        break;
      case 5: // insert a character
        text = text.slice(0, at) + randomChar(rng) + text.slice(at);
        break;
      case 6: // replace a character
        text = text.slice(0, at) + randomChar(rng) + text.slice(at + 1);
        break;
      case 7: // delete a newline (joins two statements)
      {
        const nl = text.indexOf('\n', at);
        if (nl >= 0) text = text.slice(0, nl) + text.slice(nl + 1);
        break;
      }
      default: // truncate
        text = text.slice(0, at);
    }
  }
  return text;
}

/** `SYNTAX_FUZZ_BASE` and `SYNTAX_FUZZ_SCALE` explore further (other seeds, more cases). */
const BASE_SEED = Number(process.env.SYNTAX_FUZZ_BASE ?? 0x5ecc0);
const SCALE = Number(process.env.SYNTAX_FUZZ_SCALE ?? 1);
const ONLY = process.env.SYNTAX_FUZZ_SEED ? Number(process.env.SYNTAX_FUZZ_SEED) : undefined;

function check(seed: number, text: string): void {
  let ok = false;
  try {
    // Speed is measured in bench/check.mjs, not asserted here: a loaded machine must not fail a test.
    checkRanges(text, parsePolicy(text));
    ok = true;
  } finally {
    if (!ok) {
      const shown = text.length > 400 ? `${JSON.stringify(text.slice(0, 400))}…` : JSON.stringify(text);
      console.error(`fuzz failure: seed ${seed} (rerun with SYNTAX_FUZZ_SEED=${seed}); input ${shown}`);
    }
  }
}

function cases(count: number, stream: number, make: (rng: Rng) => string): void {
  for (let i = 0; i < count * SCALE; i++) {
    const seed = (BASE_SEED + stream * 1_000_000 + i) >>> 0;
    if (ONLY !== undefined && seed !== ONLY) continue;
    check(seed, make(prng(seed)));
  }
}

describe('parser properties', () => {
  it('the corpus itself parses clean', () => {
    for (const text of CORPUS) parseClean(text);
  });

  it('random text (bytes, unicode, NULs, lone surrogates, fragments) up to 10 KB', () => {
    cases(400, 1, (rng) => randomText(rng, rng() < 0.1 ? 10_000 : 600));
  });

  it('huge single lines', () => {
    cases(30, 2, (rng) => randomText(rng, 10_000, false));
    cases(10, 3, (rng) => pick(rng, ['(', '!', '-', '~', ',', 'a ', '&& ', 'a || ', '"', '@', '0', 'allow ']).repeat(2_000 + int(rng, 8_000)));
  });

  it('random mutations of valid policies', () => {
    cases(600, 4, (rng) => mutate(rng, pick(rng, CORPUS)));
  });

  it('mutations of a 10 KB policy', () => {
    const big = (CORPUS[1]! + SPEC_EXAMPLE).repeat(8).slice(0, 10_000);
    cases(60, 5, (rng) => mutate(rng, big));
  });

  it('is deterministic', () => {
    const rng = prng(BASE_SEED);
    for (let i = 0; i < 50; i++) {
      const text = mutate(rng, pick(rng, CORPUS));
      assert.deepEqual(parsePolicy(text), parsePolicy(text));
    }
  });

  it('parses a 10,000-line policy clean, every statement kept', () => {
    const lines: string[] = [];
    for (let i = 0; lines.length < 10_000; i++) lines.push(...SPEC_EXAMPLE.split('\n').slice(1, -1));
    const text = lines.slice(0, 10_000).join('\n');
    const r = parsePolicy(text);
    assert.equal(r.diagnostics.length, 0);
    const once = parsePolicy(SPEC_EXAMPLE.split('\n').slice(1, -1).join('\n'));
    assert.ok(r.file.statements.length >= once.file.statements.length * Math.floor(10_000 / (SPEC_EXAMPLE.split('\n').length - 2)));
  });
});
