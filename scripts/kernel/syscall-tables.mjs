// Syscall numbers per ABI, read from the `asm/unistd_*.h` headers of the
// architecture-independent linux-libc-dev package.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** ABI → header (relative to usr/lib/linux/uapi) and the number base its macros add. */
export const SYSCALL_HEADERS = {
  x86_64: { file: 'x86/asm/unistd_64.h', base: 0 },
  i386: { file: 'x86/asm/unistd_32.h', base: 0 },
  x32: { file: 'x86/asm/unistd_x32.h', base: 0x40000000 }, // __X32_SYSCALL_BIT
  aarch64: { file: 'arm64/asm/unistd_64.h', base: 0 },
  arm: { file: 'arm/asm/unistd-eabi.h', base: 0 }, // EABI: __NR_SYSCALL_BASE is 0
  riscv64: { file: 'riscv/asm/unistd_64.h', base: 0 },
};

/** ARM-private calls from arm/asm/unistd.h: __ARM_NR_BASE (0x0f0000) + n on EABI. */
const ARM_PRIVATE_BASE = 0x0f0000;

/** @returns {Record<string, Map<string, number>>} ABI → name → number */
export function readSyscallTables(uapiRoot) {
  const out = {};
  for (const [abi, { file, base }] of Object.entries(SYSCALL_HEADERS)) {
    const text = readFileSync(join(uapiRoot, file), 'utf8');
    const table = new Map();
    for (const m of text.matchAll(/^#define __NR_(\w+)\s+(?:\((?:__X32_SYSCALL_BIT|__NR_SYSCALL_BASE)\s*\+\s*(\d+)\)|(\d+))\s*$/gm)) {
      const n = m[2] !== undefined ? base + Number(m[2]) : Number(m[3]);
      table.set(m[1], n);
    }
    const all = [...text.matchAll(/^#define __NR_(\w+)/gm)].map((m) => m[1]);
    const missed = all.filter((n) => !table.has(n) && !/^syscalls$/.test(n));
    if (missed.length) throw new Error(`${file}: could not read ${missed.join(', ')}`);
    out[abi] = table;
  }
  const armText = readFileSync(join(uapiRoot, 'arm/asm/unistd.h'), 'utf8');
  for (const m of armText.matchAll(/^#define __ARM_NR_(\w+)\s+\(__ARM_NR_BASE\s*\+\s*(\d+)\)/gm)) {
    out.arm.set(m[1], ARM_PRIVATE_BASE + Number(m[2]));
  }
  return out;
}
