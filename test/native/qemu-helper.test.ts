/**
 * The helper on the ABIs this host may not run, in Debian kernels booted
 * under qemu (test/helpers/qemu.ts): the x86_64 helper tracing i386 and x32
 * programs (most hosts cannot run x32; a VM guest may not run i386 at all),
 * and the aarch64 helper, cross-built with clang, tracing aarch64 and 32-bit
 * arm (compat) programs in an arm64 guest.
 *
 * The guest's init passes every binary the same arguments, so the helper
 * (binary 0) is told to trace /t/1 (binary 1, test/native/c/probe.c), which
 * ignores them; events go to standard output (fd 1), which run.sh returns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { HELPER, ROOT } from './harness';
import { blocker, machine, type Missing } from '../helpers/machine';
import { runInQemu } from '../helpers/qemu';

const PROBE = join(ROOT, 'test', 'native', 'c', 'probe.c');
const HELPER_A64 = join(ROOT, 'native', 'build', 'aarch64', 'seccomp-run');
const FLAGS = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', '-static'];
const work = mkdtempSync(join(tmpdir(), 'qemu-helper-'));

/** Audit arches and the syscall numbers probe.c makes, per ABI (asm/unistd*.h). */
const ABI = {
  i386: { audit: 0x40000003, getpid: 20, openat: 295, exit_group: 252, cc: ['gcc', '-m32'], guest: 'x86_64' },
  x32: { audit: 0xc000003e, getpid: 0x40000000 + 39, openat: 0x40000000 + 257, exit_group: 0x40000000 + 231, cc: ['gcc', '-mx32'], guest: 'x86_64' },
  aarch64: { audit: 0xc00000b7, getpid: 172, openat: 56, exit_group: 94, cc: ['clang', '--target=aarch64-linux-gnu'], guest: 'arm64' },
  arm: { audit: 0x40000028, getpid: 20, openat: 322, exit_group: 248, cc: ['clang', '--target=arm-linux-gnueabihf'], guest: 'arm64' },
} as const;
type Abi = keyof typeof ABI;

/** Builds probe.c for `abi`; a missing cross toolchain is a missing tool. */
function buildProbe(abi: Abi): string | Missing {
  const [cc, ...flags] = ABI[abi].cc;
  const out = join(work, `probe-${abi}`);
  const r = spawnSync(cc, [...flags, ...FLAGS, '-o', out, PROBE], { encoding: 'utf8' });
  if (r.status === 0) return out;
  const why = r.error ? `${cc} not found` : (r.stderr.trim().split('\n')[0] ?? '');
  return { kind: 'tool', reason: `cannot build a static ${abi} program with ${ABI[abi].cc.join(' ')}: ${why}` };
}

/** The helper must be static to run in the guest (musl-gcc for x86_64; clang's cross build for aarch64). */
function staticHelper(path: string, what: string): Missing | undefined {
  if (!existsSync(path)) return { kind: 'tool', reason: `${what} is not built (${path}; make -C native)` };
  const f = spawnSync('file', ['-L', path], { encoding: 'utf8' });
  if (f.status === 0 && !/statically linked/.test(f.stdout)) return { kind: 'tool', reason: `${what} is not linked statically (install musl-tools and rebuild)` };
  return undefined;
}

type Event = Record<string, unknown> & { type: string };

function traceInGuest(helper: string, probe: string, guest: 'x86_64' | 'arm64'): Event[] {
  const r = runInQemu([helper, probe], { arch: guest, timeoutSeconds: 240, args: ['--events-fd', '1', '--mode', 'permissive', '--', '/t/1'] });
  const out = r.output.get(basename(helper)) ?? '';
  assert.equal(r.exits.get(basename(helper)), 'exit 0', `helper in the ${guest} guest:\n${out}\n${r.stderr.slice(-3000)}`);
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);
}

/** The probe's own calls, seen with the right audit arch, numbers, strings and results. */
function checkProbe(events: Event[], abi: Abi): void {
  const a = ABI[abi];
  const calls = events.filter((e) => e.type === 'syscall' && e.abi === a.audit);
  const pid = (events.find((e) => e.type === 'hello') as { pid: number } | undefined)?.pid;
  assert.ok(pid, 'hello event');
  const getpid = calls.find((e) => e.nr === a.getpid);
  assert.ok(getpid, `getpid (${a.getpid}) traced with audit arch 0x${a.audit.toString(16)}; saw ${calls.map((e) => e.nr).join(' ')}`);
  assert.equal(getpid.ret, String(pid));
  const opens = calls.filter((e) => e.nr === a.openat);
  assert.equal(opens.length >= 2, true, `two openat (${a.openat}) calls`);
  const ok = opens.find((e) => (e.str as Record<string, string> | undefined)?.['1'] === '/proc/self/status');
  const failed = opens.find((e) => (e.str as Record<string, string> | undefined)?.['1'] === '/nonexistent/probe');
  assert.ok(ok && Number(ok.ret) >= 0, `openat of /proc/self/status decoded with its path: ${JSON.stringify(opens)}`);
  assert.ok(failed && failed.errno === 2, 'the failing openat carries ENOENT');
  assert.ok(calls.some((e) => e.nr === a.exit_group && e.noreturn === true), 'exit_group ends it');
  assert.deepEqual(events.at(-1), { type: 'done', status: 0, reason: 'exit', program: 0 });
}

for (const abi of ['i386', 'x32'] as const) {
  test(`in a qemu x86_64 guest, the helper traces a static ${abi} program`, { timeout: 300_000 }, (t) => {
    const reason = blocker(machine.linuxX64(), machine.qemu('x86_64'), staticHelper(HELPER, 'the helper'));
    if (reason !== undefined) return t.skip(reason);
    const probe = buildProbe(abi);
    if (typeof probe !== 'string') return t.skip(blocker(probe));
    checkProbe(traceInGuest(HELPER, probe, 'x86_64'), abi);
  });
}

for (const abi of ['aarch64', 'arm'] as const) {
  test(`in a qemu arm64 guest, the aarch64 helper traces a static ${abi} program`, { timeout: 300_000 }, (t) => {
    const reason = blocker(machine.linuxX64(), machine.qemu('arm64'), staticHelper(HELPER_A64, 'the aarch64 helper'));
    if (reason !== undefined) return t.skip(reason);
    const probe = buildProbe(abi);
    if (typeof probe !== 'string') return t.skip(blocker(probe));
    checkProbe(traceInGuest(HELPER_A64, probe, 'arm64'), abi);
  });
}
