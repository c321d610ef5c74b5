/**
 * Runs static test binaries in a Debian kernel booted under qemu, with the
 * shared qemu-kernel tool (../shared/tools/qemu-kernel: setup.sh, run.sh), for
 * the ABIs this machine's kernel cannot run (i386 on a VM guest without IA32
 * emulation, x32 almost everywhere). One boot runs many binaries: batch them.
 *
 * As root, run.sh would pick KVM whenever /dev/kvm is writable, and a nested
 * VM's KVM may accept the device but fail the guest's CPU set-up (seen here:
 * "failed to set MSR 0x10a"). The tool is designed to run as a user, where
 * that device is not writable and TCG is used; as root we get the same by
 * running it in a private mount namespace whose /dev lacks kvm.
 * SECCOMP_TEST_QEMU_KVM=1 keeps /dev/kvm.
 */
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { qemuToolDir } from './machine';

export interface QemuRun {
  /** run.sh's exit status: 0, the first failing binary's status, or 125 (boot failure, timeout, usage). */
  readonly status: number;
  /** What each binary printed (stdout and stderr), by file name. */
  readonly output: ReadonlyMap<string, string>;
  /** Each binary's `exit N` / `killed by signal S` line, by file name. */
  readonly exits: ReadonlyMap<string, string>;
  readonly stderr: string;
}

const HIDE_KVM = [
  'd=$(mktemp -d) && mount -t tmpfs none "$d" || exit 125',
  'for n in null zero random urandom full tty; do touch "$d/$n" && mount --bind "/dev/$n" "$d/$n" || exit 125; done',
  'ln -s /proc/self/fd "$d/fd" && mkdir "$d/shm" && mount --bind "$d" /dev || exit 125',
  'exec "$@"',
].join('\n');

let unshareOk: boolean | undefined;
/** A private mount namespace is allowed here (root with CAP_SYS_ADMIN; not in every container). */
function canUnshareMounts(): boolean {
  unshareOk ??= spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { stdio: 'ignore' }).status === 0;
  return unshareOk;
}

/**
 * Runs `binaries` in one qemu guest: Debian's x86_64 kernel (x32 is switched on when an
 * x32 binary is among them) or, with `arch: 'arm64'`, its arm64 kernel (aarch64 and arm).
 */
export function runInQemu(binaries: readonly string[], options: { timeoutSeconds?: number; arch?: 'x86_64' | 'arm64'; args?: readonly string[] } = {}): QemuRun {
  const tool = qemuToolDir();
  if (!tool) throw new Error('qemu-kernel tool not found');
  // Every binary gets the same `args` (the guest's init passes them to each in turn).
  const run = [join(tool, 'run.sh'), '--timeout', String(options.timeoutSeconds ?? 300), '--arch', options.arch ?? 'x86_64', ...binaries,
    ...(options.args ? ['--', ...options.args] : [])];
  const asRoot = process.getuid?.() === 0 && process.env.SECCOMP_TEST_QEMU_KVM !== '1' && canUnshareMounts();
  const [cmd, args] = asRoot
    ? ['unshare', ['-m', '--propagation', 'private', 'sh', '-c', HIDE_KVM, 'sh', ...run]]
    : ['bash', run];
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  const output = new Map<string, string>();
  const exits = new Map<string, string>();
  // run.sh prints each binary's output, then `[qemu-kernel] NAME: exit N`.
  let current: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\[qemu-kernel\] (.+?): (.*)$/.exec(line);
    if (m && binaries.some((b) => basename(b) === m[1])) {
      output.set(m[1]!, current.join('\n'));
      exits.set(m[1]!, m[2]!);
      current = [];
    } else current.push(line);
  }
  return { status: r.status ?? 125, output, exits, stderr: r.stderr };
}
