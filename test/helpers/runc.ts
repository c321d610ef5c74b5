/**
 * How Docker (moby) and runc load a Docker/OCI profile into libseccomp,
 * written from their code (moby profiles/seccomp, runc libcontainer/seccomp)
 * and independently of server/src/interop/: the other side of the
 * differential test (test/kernel/oci-diff.test.ts) and of bench/oci.mjs.
 * `runcRules` writes the statements test/kernel/c/oci-libseccomp.c reads.
 */
import type { Abi } from '../../server/src/kernel/abi';
import type { OciProfile, OciSyscall } from '../../server/src/interop/profile';

const GOARCH: Record<Abi, string> = { x86_64: 'amd64', i386: '386', x32: 'x32', aarch64: 'arm64', arm: 'arm', riscv64: 'riscv64' };
const SCMP: Record<string, Abi> = {
  SCMP_ARCH_X86_64: 'x86_64', SCMP_ARCH_X86: 'i386', SCMP_ARCH_X32: 'x32', SCMP_ARCH_AARCH64: 'aarch64', SCMP_ARCH_ARM: 'arm', SCMP_ARCH_RISCV64: 'riscv64',
};
const DRIVER_ARCH: Record<Abi, string> = { x86_64: 'x86_64', i386: 'x86', x32: 'x32', aarch64: 'aarch64', arm: 'arm', riscv64: 'riscv64' };

export interface Machine { arch: Abi; caps: string[]; kernel: string }

function atLeast(have: string, need: string): boolean {
  const [a, b] = have.split('.').map(Number);
  const [c, d] = need.split('.').map(Number);
  return a! > c! || (a === c && b! >= d!);
}

/** moby's setupSeccomp: the entries that apply on this machine. */
export function mobyEntries(p: OciProfile, m: Machine): OciSyscall[] {
  const arch = GOARCH[m.arch];
  return p.syscalls.filter((s) => {
    if (s.excludes.arches?.includes(arch)) return false;
    if (s.excludes.caps?.some((c) => m.caps.includes(c))) return false;
    if (s.excludes.minKernel && atLeast(m.kernel, s.excludes.minKernel)) return false;
    if (s.includes.arches && !s.includes.arches.includes(arch)) return false;
    if (s.includes.caps?.some((c) => !m.caps.includes(c))) return false;
    if (s.includes.minKernel && !atLeast(m.kernel, s.includes.minKernel)) return false;
    return true;
  });
}

/** The filter's ABIs: libseccomp's native one, then the profile's (or its archMap entry for the native arch). */
export function filterAbis(p: OciProfile, m: Machine): Abi[] {
  const names = p.architectures.length ? p.architectures : (() => {
    const e = p.archMap.find((x) => SCMP[x.architecture] === m.arch);
    return e ? [e.architecture, ...e.subArchitectures] : [];
  })();
  const out: Abi[] = [m.arch];
  for (const n of names) if (SCMP[n] && !out.includes(SCMP[n]!)) out.push(SCMP[n]!);
  return out;
}

function runcAction(action: string, errnoRet: number | undefined): string {
  switch (action) {
    case 'SCMP_ACT_KILL': case 'SCMP_ACT_KILL_THREAD': return 'KILL_THREAD';
    case 'SCMP_ACT_ERRNO': return `ERRNO ${errnoRet ?? 1}`;
    case 'SCMP_ACT_TRACE': return `TRACE ${errnoRet ?? 1}`;
    default: return action.slice('SCMP_ACT_'.length);
  }
}

/** runc's InitSeccomp + matchCall, as driver statements. */
export function runcRules(p: OciProfile, entries: readonly OciSyscall[], abis: readonly Abi[], optimize?: 1 | 2): string {
  const def = runcAction(p.defaultAction, p.defaultErrnoRet);
  const lines = [`DEFAULT ${def}`, `ARCH ${abis.map((a) => DRIVER_ARCH[a]).join(' ')}`, ...(optimize ? [`OPTIMIZE ${optimize}`] : [])];
  for (const e of entries) {
    const act = runcAction(e.action, e.errnoRet);
    if (act === def) continue;
    const cmp = (a: OciSyscall['args'][number]) => `${a.index} ${a.op.slice('SCMP_CMP_'.length)} ${a.value} ${a.op === 'SCMP_CMP_MASKED_EQ' ? a.valueTwo : ''}`.trim();
    const repeated = new Set(e.args.map((a) => a.index)).size !== e.args.length;
    for (const name of e.names) {
      if (repeated) for (const a of e.args) lines.push(`RULE ${act} ${name} ${cmp(a)}`);
      else lines.push(`RULE ${act} ${name} ${e.args.map(cmp).join(' ')}`.trimEnd());
    }
  }
  return lines.join('\n') + '\n';
}

