/**
 * Shared helpers for the native helper's tests: a tiny classic-BPF encoder for hand-written
 * filters, the fixtures built with gcc at test time, and a runner that parses the event stream.
 * Independent of server/src on purpose: these tests pin down the helper alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export const ROOT = resolve(HERE, '..', '..');
export const HELPER = join(ROOT, 'native', 'build', 'seccomp-run');

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;
export const RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;
export const NR = { getpid: 39, execve: 59, openat: 257, exit_group: 231, clone: 56, fork: 57, vfork: 58, clone3: 435 };

/** One struct sock_filter: u16 code, u8 jt, u8 jf, u32 k, little-endian. */
export function insn(code: number, jt: number, jf: number, k: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(code, 0);
  b.writeUInt8(jt, 2);
  b.writeUInt8(jf, 3);
  b.writeUInt32LE(k >>> 0, 4);
  return b;
}
export const ldAbs = (off: number) => insn(0x20, 0, 0, off); // BPF_LD|BPF_W|BPF_ABS
export const jeq = (k: number, jt: number, jf: number) => insn(0x15, jt, jf, k); // BPF_JMP|BPF_JEQ|BPF_K
export const ret = (k: number) => insn(0x06, 0, 0, k); // BPF_RET|BPF_K

/**
 * ld [4] arch; jne X86_64 -> badarch; ld [0] nr; jeq nr -> action ...; ret default.
 * `rules` maps syscall numbers (x86_64) to actions.
 */
export function policy(rules: Array<[number, number]>, dflt: number = RET.ALLOW, badarch: number = RET.KILL_PROCESS): Buffer {
  const out: Buffer[] = [ldAbs(4), jeq(AUDIT_ARCH_X86_64, 1, 0), ret(badarch), ldAbs(0)];
  for (const [nr, action] of rules) out.push(jeq(nr, 0, 1), ret(action));
  out.push(ret(dflt));
  return Buffer.concat(out);
}

let workDir: string | undefined;
export function work(): string {
  if (!workDir) workDir = mkdtempSync(join(tmpdir(), 'seccomp-run-test-'));
  return workDir;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

let fixture: string | undefined;
/** The C fixture (test/native/fixtures/fx.c), built once per process. */
export function fx(): string {
  if (fixture) return fixture;
  const out = join(work(), 'fx');
  const r = spawnSync('gcc', ['-O1', '-pthread', '-o', out, join(HERE, 'fixtures', 'fx.c')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building fx.c failed:\n${r.stderr}`);
  fixture = out;
  return out;
}

let askFixture: string | undefined;
/** test/native/c/ask-prog.c (the ask-mode tests' program: getpid, uname, mkdir…), built once per process. */
export function askProg(): string {
  if (askFixture) return askFixture;
  const out = join(work(), 'ask-prog');
  const r = spawnSync('gcc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-O1', '-o', out, join(HERE, 'c', 'ask-prog.c')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ask-prog.c failed:\n${r.stderr}`);
  askFixture = out;
  return out;
}

let fixture32: string | null | undefined;
/** A static 32-bit x86 program (as + ld, no multilib needed): getpid via int $0x80, exit(7). */
export function fx32(): string | null {
  if (fixture32 !== undefined) return fixture32;
  const s = join(work(), 'fx32.s');
  writeFileSync(s, '.globl _start\n_start:\n mov $20, %eax\n int $0x80\n mov $1, %eax\n mov $7, %ebx\n int $0x80\n');
  const o = join(work(), 'fx32.o');
  const exe = join(work(), 'fx32');
  const ok = spawnSync('as', ['--32', '-o', o, s]).status === 0 && spawnSync('ld', ['-m', 'elf_i386', '-o', exe, o]).status === 0;
  fixture32 = ok ? exe : null;
  return fixture32;
}

export function writeFilter(name: string, bytes: Buffer): string {
  const p = join(work(), name);
  writeFileSync(p, bytes);
  return p;
}

export type Event = Record<string, any> & { type: string };

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: Event[];
  raw: string;
}

/** Parses JSON lines, failing loudly on a malformed one. */
export function parseEvents(raw: string): Event[] {
  return raw
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      try {
        return JSON.parse(l) as Event;
      } catch {
        throw new Error(`bad event line: ${l}`);
      }
    });
}

/** Runs the helper with the events on fd 3 and returns everything it produced. */
export function runHelper(args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): Run {
  const r = spawnSync(HELPER, ['--events-fd', '3', ...args], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    timeout: opts.timeoutMs ?? 20000,
    cwd: opts.cwd ?? work(),
    maxBuffer: 256 * 1024 * 1024,
  });
  const raw = r.output?.[3]?.toString('latin1') ?? '';
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout?.toString() ?? '',
    stderr: r.stderr?.toString() ?? '',
    events: parseEvents(raw),
    raw,
  };
}

/** The same, asynchronously, for tests that act while the helper runs. */
export function spawnHelper(args: string[]) {
  return spawn(HELPER, ['--events-fd', '3', ...args], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], cwd: work() });
}

export const syscalls = (events: Event[], nr?: number) =>
  events.filter((e) => e.type === 'syscall' && (nr === undefined || e.nr === nr));

export function helperBuilt(): boolean {
  return existsSync(HELPER);
}

export { alive } from '../helpers/processes';
