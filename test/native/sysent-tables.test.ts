/**
 * The helper's syscall tables (native/arch_*.h: which arguments are strings, argv arrays or
 * buffers) against the installed kernel headers: every number must match its name. Syscalls
 * newer than the headers (linux-libc-dev 6.1 here) must lie beyond the headers' last number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness';

function tables(file: string): Map<string, Array<[number, string]>> {
  const text = readFileSync(join(ROOT, 'native', file), 'utf8');
  const out = new Map<string, Array<[number, string]>>();
  for (const [, name, body] of text.matchAll(/static const struct sysent (\w+)\[\] = \{([\s\S]*?)\n\};/g)) {
    out.set(name, [...body.matchAll(/\{(\d+), "(\w+)"/g)].map((m) => [Number(m[1]), m[2]]));
  }
  return out;
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
  const t = tables('arch_x86_64.h');
  check(t.get('sysent_x86_64')!, header(`${x86}/unistd_64.h`, /#define __NR_(\w+) (\d+)/g), 'x86_64');
  check(t.get('sysent_i386')!, header(`${x86}/unistd_32.h`, /#define __NR_(\w+) (\d+)/g), 'i386');
});

const generic = '/usr/include/asm-generic/unistd.h';
test('aarch64 table matches asm-generic/unistd.h', { skip: !existsSync(generic) && 'no kernel headers' }, () => {
  const nrs = header(generic, /#define __NR(?:3264)?_(\w+) (\d+)/g);
  nrs.set('newfstatat', nrs.get('fstatat')!); // __NR3264_fstatat is newfstatat on 64-bit
  check(tables('arch_aarch64.h').get('sysent_aarch64')!, nrs, 'aarch64');
});
