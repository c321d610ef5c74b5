/**
 * The ABIs a policy can name, with the `seccomp_data.arch` value the kernel
 * reports for each (AUDIT_ARCH_*, include/uapi/linux/audit.h).
 */

export type Abi = 'x86_64' | 'i386' | 'x32' | 'aarch64' | 'arm' | 'riscv64';

export interface AbiInfo {
  readonly name: Abi;
  /** `seccomp_data.arch` for this ABI. x32 shares x86_64's value (seccomp.ts tells them apart). */
  readonly auditArch: number;
  /** Register width: 64 for x86_64/x32/aarch64/riscv64, 32 for i386/arm. */
  readonly registerBits: 32 | 64;
  /** Alternative names accepted in `arch` statements. */
  readonly aliases: readonly string[];
  /** Debian cross compiler triplet, for tools that build per-ABI probes. */
  readonly triplet: string;
}

export const ABIS: readonly AbiInfo[] = [
  { name: 'x86_64', auditArch: 0xc000003e, registerBits: 64, aliases: ['amd64'], triplet: 'x86_64-linux-gnu' },
  { name: 'i386', auditArch: 0x40000003, registerBits: 32, aliases: ['x86', 'i686'], triplet: 'i686-linux-gnu' },
  { name: 'x32', auditArch: 0xc000003e, registerBits: 64, aliases: [], triplet: 'x86_64-linux-gnux32' },
  { name: 'aarch64', auditArch: 0xc00000b7, registerBits: 64, aliases: ['arm64'], triplet: 'aarch64-linux-gnu' },
  { name: 'arm', auditArch: 0x40000028, registerBits: 32, aliases: ['armhf', 'armel', 'arm-eabi'], triplet: 'arm-linux-gnueabihf' },
  { name: 'riscv64', auditArch: 0xc00000f3, registerBits: 64, aliases: ['riscv'], triplet: 'riscv64-linux-gnu' },
];

export const ABI_NAMES: readonly Abi[] = ABIS.map((a) => a.name);

const byName = new Map<string, AbiInfo>();
for (const abi of ABIS) {
  byName.set(abi.name, abi);
  for (const alias of abi.aliases) byName.set(alias, abi);
}

/** Resolves an ABI name or alias (`x86` → `i386`). */
export function lookupAbi(name: string): AbiInfo | undefined {
  return byName.get(name);
}

export function abiInfo(abi: Abi): AbiInfo {
  return byName.get(abi)!;
}

/** Every name (canonical and alias) that `arch` accepts, for suggestions and completion. */
export function allAbiNames(): string[] {
  return [...byName.keys()];
}
