/**
 * What this machine can do, found by trying, not by looking for tools: a
 * host may compile `gcc -m32` yet refuse to run the result (a VM guest whose
 * kernel lacks IA32 emulation answers ENOEXEC), and x32 is off in most
 * kernels. Each probe runs once per process and answers `undefined` (can) or
 * a one-line reason (cannot).
 *
 * `skipUnless(t, ...)` turns a reason into a skip. A reason of kind `tool`
 * names something `.ci/run` installs: under `CI` it fails the test instead,
 * so CI cannot pass with a suite silently skipped. A reason of kind `kernel`
 * is a property of the machine (no 32-bit execution, x32 off) and stays a
 * skip everywhere; those cases run in a qemu guest instead (test/helpers/qemu.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Missing {
  /** `tool`: installed by .ci/run (a failure under CI); `kernel`/`platform`: the machine cannot. */
  readonly kind: 'tool' | 'kernel' | 'platform';
  readonly reason: string;
}

let scratch: string | undefined;
function dir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'seccomp-machine-'));
  return scratch;
}

function firstLine(s: string | null | undefined): string {
  return (s ?? '').trim().split('\n')[0] ?? '';
}

/** Compiles a trivial C program with `flags`; returns a reason on failure. */
function compiles(name: string, flags: readonly string[]): { exe: string } | { error: string } {
  const src = join(dir(), `${name}.c`);
  writeFileSync(src, 'int main(void) { return 42; }\n');
  const exe = join(dir(), name);
  const r = spawnSync('gcc', [...flags, '-o', exe, src], { encoding: 'utf8' });
  if (r.error) return { error: `gcc not found (${(r.error as NodeJS.ErrnoException).code})` };
  if (r.status !== 0) return { error: firstLine(r.stderr) || `gcc exited ${r.status}` };
  return { exe };
}


const cache = new Map<string, Missing | undefined>();
function once(key: string, probe: () => Missing | undefined): Missing | undefined {
  if (!cache.has(key)) cache.set(key, probe());
  return cache.get(key);
}

function command(cmd: string, args: readonly string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

export const machine = {
  linuxX64: (): Missing | undefined => once('linux-x64', () =>
    process.platform === 'linux' && process.arch === 'x64' ? undefined : { kind: 'platform', reason: `needs x86_64 Linux (this is ${process.platform}/${process.arch})` }),

  gcc: (): Missing | undefined => once('gcc', () => {
    const c = compiles('probe64', []);
    return 'error' in c ? { kind: 'tool', reason: `gcc cannot build programs: ${c.error}` } : undefined;
  }),

  /** gcc -m32 builds programs (gcc-multilib). */
  gccM32: (): Missing | undefined => once('gcc-m32', () => {
    const c = compiles('probe32', ['-m32']);
    return 'error' in c ? { kind: 'tool', reason: `gcc -m32 cannot build programs (gcc-multilib): ${c.error}` } : undefined;
  }),

  /** This kernel runs i386 programs (IA32 emulation). */
  runI386: (): Missing | undefined => once('run-i386', () => {
    const m = machine.gccM32();
    if (m) return m;
    return machine.runsExe(join(dir(), 'probe32'), 42, 'i386');
  }),

  /** gcc -mx32 builds static programs (libc6-dev-x32). */
  gccMx32: (): Missing | undefined => once('gcc-mx32', () => {
    const c = compiles('probex32', ['-mx32', '-static']);
    return 'error' in c ? { kind: 'tool', reason: `gcc -mx32 -static cannot build programs (libc6-dev-x32): ${c.error}` } : undefined;
  }),

  /** This kernel runs x32 programs (CONFIG_X86_X32_ABI and syscall.x32=y). */
  runX32: (): Missing | undefined => once('run-x32', () => {
    const m = machine.gccMx32();
    if (m) return m;
    return machine.runsExe(join(dir(), 'probex32'), 42, 'x32');
  }),

  /** The kernel runs `exe` (a binary of `abi`) and it exits with `status`. */
  runsExe: (exe: string, status: number, abi: string): Missing | undefined => once(`runs:${exe}`, () => {
    const r = spawnSync(exe, [], { stdio: 'ignore' });
    const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOEXEC') return { kind: 'kernel', reason: `this kernel cannot run ${abi} programs (ENOEXEC: no emulation for that ABI)` };
    if (r.error) return { kind: 'kernel', reason: `cannot run a ${abi} program: ${code}` };
    if (r.signal === 'SIGSEGV' || r.status !== status) return { kind: 'kernel', reason: `this kernel does not run ${abi} programs (status ${r.status}, signal ${r.signal})` };
    return undefined;
  }),

  /** native/build/seccomp-run exists (npm ci builds it with make -C native). */
  helper: (): Missing | undefined => once('helper', () =>
    existsSync(join(ROOT, 'native', 'build', 'seccomp-run')) ? undefined : { kind: 'tool', reason: 'the helper is not built (native/build/seccomp-run; run make -C native)' }),

  libseccomp: (): Missing | undefined => once('libseccomp', () =>
    existsSync('/usr/include/seccomp.h') ? undefined : { kind: 'tool', reason: 'libseccomp-dev is not installed (/usr/include/seccomp.h missing)' }),

  strace: (): Missing | undefined => once('strace', () =>
    command('strace', ['-V']) && command('setarch', ['--version']) ? undefined : { kind: 'tool', reason: 'strace (and setarch) is not installed' }),

  muslGcc: (): Missing | undefined => once('musl-gcc', () =>
    command('sh', ['-c', 'command -v musl-gcc']) ? undefined : { kind: 'tool', reason: 'musl-gcc is not installed (musl-tools)' }),

  nvim: (): Missing | undefined => once('nvim', () =>
    command('nvim', ['--version']) ? undefined : { kind: 'tool', reason: 'nvim is not installed (neovim)' }),

  /** ../shared/tools/qemu-kernel is beside the project and set up (a kernel in its cache). */
  qemu: (arch: 'x86_64' | 'arm64' = 'x86_64'): Missing | undefined => once(`qemu-${arch}`, () => {
    const tool = qemuToolDir();
    if (!tool) return { kind: 'tool', reason: 'qemu-kernel tool not found (../shared/tools/qemu-kernel)' };
    const r = spawnSync('bash', [join(tool, 'setup.sh'), ...(arch === 'arm64' ? ['--arch', 'arm64'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return r.status === 0 ? undefined : { kind: 'tool', reason: `qemu-kernel setup${arch === 'arm64' ? ' --arch arm64' : ''} failed: ${firstLine(r.stderr) || firstLine(r.stdout)}` };
  }),
};

/** The qemu-kernel tool (from the shared folder beside the project), if present. */
export function qemuToolDir(): string | undefined {
  const candidates = [process.env.QEMU_KERNEL_TOOL, join(ROOT, '..', 'shared', 'tools', 'qemu-kernel')];
  return candidates.find((p): p is string => !!p && existsSync(join(p, 'run.sh')));
}

/** Under CI a missing tool fails; elsewhere it is a skip with its reason. */
export function isCi(): boolean {
  const v = process.env.CI;
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

/**
 * The first reason among `missing` that stops this test, or undefined. A
 * missing tool under CI throws, failing the test with the same sentence.
 */
export function blocker(...missing: Array<Missing | undefined>): string | undefined {
  const m = missing.find((x): x is Missing => x !== undefined);
  if (!m) return undefined;
  if (m.kind === 'tool' && isCi()) throw new Error(`${m.reason} (CI installs it: see .ci/run)`);
  return m.reason;
}

/** Skips `t` (with the reason) when anything is missing; true when skipped. */
export function skipUnless(t: { skip: (reason?: string) => void }, ...missing: Array<Missing | undefined>): boolean {
  const reason = blocker(...missing);
  if (reason === undefined) return false;
  t.skip(reason);
  return true;
}
