// Where each syscall parameter really sits, per ABI: seccomp_data.args[i] is
// the i-th syscall *register*, and the C parameter list (signature-overrides.mjs,
// the native 64-bit form) does not say which register a parameter lands in
// on every ABI. The layout follows from the parameter types plus a few
// arch rules, each written down here with the kernel file behind it.
// gen-kernel-tables.mjs checks the result against the kernel's own sources
// (kernel-source.mjs: the function each ABI enters and its parameters) and
// stops on any disagreement.
//
// A place is one of:
//   n          one register (index into seccomp_data.args)
//   [lo, hi]   a 64-bit value split over two 32-bit registers (low word in lo)
//   null       seccomp cannot see this parameter on this ABI (reason given)

/** ABIs whose registers are 32 bits wide: a 64-bit parameter takes two. */
const REG32 = new Set(['i386', 'arm']);

/**
 * C types that are 64 bits wide even on a 32-bit ABI (loff_t is long long;
 * u64/__u64 are unsigned long long). Everything else (long, pointers,
 * size_t, off_t, aio_context_t = __kernel_ulong_t) is one register.
 */
const WIDE = /^(?:const\s+)?(?:loff_t|u64|__u64|s64|__s64|long long|unsigned long long)$/;

export function isWide64(ktype) {
  return WIDE.test(ktype.trim());
}

/**
 * Register-pair rules of the 32-bit ABIs, both little-endian, so the low
 * word comes first:
 * - i386: arch/x86/kernel/sys_ia32.c takes each 64-bit value as two
 *   consecutive u32 (`..._lo, ..._hi`) with no padding (ia32_pread64,
 *   ia32_fadvise64_64, ia32_sync_file_range, ia32_fallocate, ia32_readahead,
 *   ia32_truncate64); compat_sys_fanotify_mark and compat_sys_lookup_dcookie
 *   (fs/notify/fanotify/fanotify_user.c, fs/dcookies.c) likewise.
 * - arm EABI: the procedure call standard puts a 64-bit value in an even/odd
 *   register pair, so a padding register is skipped when the next free one is
 *   odd (arch/arm64/kernel/sys32.c: `u32 __pad` before `arg_u32p(pos)` in
 *   aarch32_pread64, aarch32_truncate64, aarch32_readahead; and why arm has
 *   sync_file_range2 and arm_fadvise64_64 with the 64-bit values last).
 */
const PAIR_ALIGN = { i386: 1, arm: 2 };

/**
 * CONFIG_CLONE_BACKWARDS (kernel/fork.c): clone's 4th register is tls and the
 * 5th child_tid. Selected by arch/arm/Kconfig, arch/arm64/Kconfig (also for
 * arm compat tasks, which call the same sys_clone), arch/riscv/Kconfig, and
 * arch/x86/Kconfig for X86_32; an x86_64 kernel's i386 entry is
 * compat_sys_ia32_clone (arch/x86/kernel/sys_ia32.c), which takes the same
 * order. x86_64 and x32 keep the generic order. (CLONE_BACKWARDS2, s390, and
 * CLONE_BACKWARDS3, microblaze, concern no ABI here.)
 */
const CLONE_BACKWARDS = new Set(['i386', 'arm', 'aarch64', 'riscv64']);

/**
 * Calls whose registers hold no parameter at all but one pointer to a block
 * of them: seccomp sees the pointer, never the values.
 * - i386 `mmap` (90) is sys_old_mmap / compat_sys_ia32_mmap: one pointer to
 *   struct mmap_arg_struct (arch/x86/kernel/sys_ia32.c, mm/mmap.c).
 * - i386 `select` (82) is sys_old_select / compat_sys_old_select: one pointer
 *   to struct sel_arg_struct (fs/select.c).
 */
const STRUCT_POINTER = {
  i386: {
    mmap: 'on i386 `mmap` (90) takes one pointer to a block holding its arguments; seccomp cannot see `%s`; use `mmap2`, which takes them in registers',
    select: 'on i386 `select` (82) takes one pointer to a block holding its arguments; seccomp cannot see `%s`; use `_newselect` or `pselect6`',
  },
};

/**
 * x32 enters preadv/pwritev as compat_sys_preadv64/pwritev64 and
 * preadv2/pwritev2 as compat_sys_preadv64v2/pwritev64v2
 * (arch/x86/entry/syscalls/syscall_64.tbl, fs/read_write.c): the offset is
 * one 64-bit register, there is no pos_h, and preadv2's flags move to the
 * 5th register.
 */
const X32_WHOLE_OFFSET = new Set(['preadv', 'pwritev', 'preadv2', 'pwritev2']);

/**
 * Multiplexers: one number selects the operation, and the operation's own
 * arguments are elsewhere (socketcall: behind a pointer; ipc: spread over
 * five registers whose meaning depends on `call`). net/socket.c, ipc/syscall.c.
 */
export const MULTIPLEXERS = {
  socketcall: 'one number (`call`) selects the socket operation and its arguments are behind the `args` pointer: seccomp can check `call` only. Since Linux 4.3 i386 also has the direct calls (`socket`, `connect`, ...), whose arguments seccomp can check',
  ipc: 'one number (`call`) selects the System V IPC operation and the other registers mean different things for each; Linux 5.1 added direct calls (`semget`, `msgsnd`, ...) on i386',
};

/**
 * @param {{name: string, args: {name: string, type: string}[]}} sig  the syscall's signature (native order)
 * @param {string} abi
 * @returns {{places: (number | [number, number] | null)[], reasons: (string | null)[]} | undefined}
 *          undefined when the identity layout holds (argument i in register i)
 */
export function layoutFor(sig, abi) {
  const n = sig.args.length;
  const places = sig.args.map((_, i) => i);
  const reasons = sig.args.map(() => null);
  const opaque = STRUCT_POINTER[abi]?.[sig.name];
  if (opaque) {
    return { places: places.map(() => null), reasons: sig.args.map((a) => opaque.replace('%s', a.name)) };
  }
  if (sig.name === 'clone' && CLONE_BACKWARDS.has(abi)) {
    const tls = sig.args.findIndex((a) => a.name === 'tls');
    const child = sig.args.findIndex((a) => a.name === 'child_tid');
    if (tls !== 4 || child !== 3) throw new Error('clone: expected child_tid 3 and tls 4 in the native order');
    places[tls] = 3;
    places[child] = 4;
  }
  if (abi === 'x32' && X32_WHOLE_OFFSET.has(sig.name)) {
    const hi = sig.args.findIndex((a) => a.name === 'pos_h');
    if (hi !== 4) throw new Error(`${sig.name}: expected pos_h at 4`);
    places[hi] = null;
    reasons[hi] = `on x32 \`${sig.name}\` takes the whole 64-bit offset in \`pos_l\`; there is no \`pos_h\` register`;
    for (let i = hi + 1; i < n; i++) places[i] = i - 1;
  }
  if (REG32.has(abi) && sig.args.some((a) => isWide64(a.type))) {
    let next = 0;
    for (let i = 0; i < n; i++) {
      const a = sig.args[i];
      if (isWide64(a.type)) {
        if (next % PAIR_ALIGN[abi] !== 0) next++;
        places[i] = [next, next + 1];
        next += 2;
      } else {
        places[i] = next++;
      }
    }
    if (next > 6) throw new Error(`${sig.name} on ${abi}: needs ${next} registers`);
  }
  const identity = places.every((p, i) => p === i);
  return identity ? undefined : { places, reasons };
}
