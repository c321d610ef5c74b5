/**
 * The helper's syscall tables (native/sysent_*.h, generated: which registers hold strings,
 * argv arrays or buffers) against the core's tables, syscall by syscall and ABI by ABI, and
 * against the installed kernel headers: every number must match its name. Syscalls newer
 * than the headers (linux-libc-dev 6.1 here) must lie beyond the headers' last number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness';
import type { Abi } from '../../server/src/kernel/abi';
import { allSyscalls, argPlace } from '../../server/src/kernel/syscalls';
import { RETURNS_BYTES } from '../../server/src/kernel/generated/decoding';

interface Entry { nr: number; name: string; str: number; argv: number; buf: number }

function entries(file: string): Map<string, Entry[]> {
  const text = readFileSync(join(ROOT, 'native', file), 'utf8');
  const out = new Map<string, Entry[]>();
  for (const [, name, body] of text.matchAll(/static const struct sysent (\w+)\[\] = \{([\s\S]*?)\n\};/g)) {
    out.set(name!, [...body!.matchAll(/\{(\d+), "(\w+)", ([^,]+), (\d+), (\d+)\}/g)].map((m) => ({
      nr: Number(m[1]), name: m[2]!, argv: Number(m[4]), buf: Number(m[5]),
      str: m[3]!.trim() === '0' ? 0 : m[3]!.split('|').reduce((acc, b) => acc | (1 << Number(b.trim().slice(1))), 0),
    })));
  }
  return out;
}

function tables(file: string): Map<string, Array<[number, string]>> {
  return new Map([...entries(file)].map(([k, v]) => [k, v.map((e) => [e.nr, e.name] as [number, string])]));
}

/** What the core says the helper must decode for `abi`: strings, argv and byte buffers, at their registers. */
function expected(abi: Abi, nrBit: number): Map<number, Entry> {
  const out = new Map<number, Entry>();
  for (const s of allSyscalls()) {
    const nr = s.numbers[abi];
    if (nr === undefined) continue;
    const e: Entry = { nr: nr - nrBit, name: s.name, str: 0, argv: 0, buf: 0 };
    s.args.forEach((a, i) => {
      const p = argPlace(s, i, abi);
      if (p.kind !== 'reg') return;
      if (a.kind === 'path' || a.kind === 'string') e.str |= 1 << p.reg;
      if (a.name === 'argv' && /char \*const \*$/.test(a.type)) e.argv = p.reg + 1;
      if (a.kind === 'buffer' && RETURNS_BYTES.includes(s.name)) e.buf = p.reg + 1;
    });
    if (e.str || e.argv || e.buf) out.set(e.nr, e);
  }
  return out;
}

const HELPER_ABIS: Array<[string, string, Abi, number]> = [
  ['sysent_x86_64.h', 'sysent_x86_64', 'x86_64', 0],
  ['sysent_x86_64.h', 'sysent_i386', 'i386', 0],
  ['sysent_x86_64.h', 'sysent_x32', 'x32', 0x40000000],
  ['sysent_aarch64.h', 'sysent_aarch64', 'aarch64', 0],
  ['sysent_aarch64.h', 'sysent_arm', 'arm', 0],
];

for (const [file, table, abi, bit] of HELPER_ABIS) {
  test(`${table} (${file}) decodes what the core's tables say, syscall by syscall`, () => {
    const got = new Map(entries(file).get(table)!.map((e) => [e.nr, e]));
    const want = expected(abi, bit);
    assert.ok(want.size > 50, `${abi}: ${want.size} syscalls with strings or buffers`);
    for (const [nr, w] of want) assert.deepEqual(got.get(nr), w, `${abi} ${w.name} (${nr})`);
    for (const [nr, g] of got) assert.ok(want.has(nr), `${abi}: the helper decodes ${g.name} (${nr}), the core has nothing to decode there`);
    // Registers, not C positions: i386 pread64's buffer is register 1, execve's argv register 1.
    if (abi === 'i386') assert.deepEqual(got.get(11), { nr: 11, name: 'execve', str: 1, argv: 2, buf: 0 });
    if (abi === 'arm') assert.deepEqual(got.get(180), { nr: 180, name: 'pread64', str: 0, argv: 0, buf: 2 });
  });
}

function header(path: string, pattern: RegExp): Map<string, number> {
  const m = new Map<string, number>();
  for (const [, name, nr] of readFileSync(path, 'utf8').matchAll(pattern)) m.set(name, Number(nr));
  return m;
}

function check(entries: Array<[number, string]>, nrs: Map<string, number>, label: string) {
  const max = Math.max(...nrs.values());
  assert.ok(entries.length > 30, `${label}: table parsed`);
  const sorted = entries.map(([nr]) => nr);
  assert.deepEqual(sorted, [...sorted].sort((a, b) => a - b), `${label}: sorted by number`);
  for (const [nr, name] of entries) {
    const want = nrs.get(name);
    if (want === undefined) assert.ok(nr > max, `${label}: ${name} (${nr}) is neither in the headers nor newer than them`);
    else assert.equal(nr, want, `${label}: ${name}`);
  }
}

const x86 = '/usr/include/x86_64-linux-gnu/asm';
test('x86_64 and i386 tables match asm/unistd_64.h and unistd_32.h', { skip: !existsSync(x86) && 'no kernel headers' }, () => {
  const t = tables('sysent_x86_64.h');
  check(t.get('sysent_x86_64')!, header(`${x86}/unistd_64.h`, /#define __NR_(\w+)\s+(\d+)/g), 'x86_64');
  check(t.get('sysent_i386')!, header(`${x86}/unistd_32.h`, /#define __NR_(\w+)\s+(\d+)/g), 'i386');
});

const generic = '/usr/include/asm-generic/unistd.h';
test('aarch64 table matches asm-generic/unistd.h', { skip: !existsSync(generic) && 'no kernel headers' }, () => {
  const nrs = header(generic, /#define __NR(?:3264)?_(\w+)\s+(\d+)/g);
  nrs.set('newfstatat', nrs.get('fstatat')!); // __NR3264_fstatat is newfstatat on 64-bit
  check(tables('sysent_aarch64.h').get('sysent_aarch64')!, nrs, 'aarch64');
});
