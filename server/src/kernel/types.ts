/**
 * The shapes of what the kernel database knows. Data lives in
 * kernel/generated/ (written by scripts/, never by hand) and in
 * kernel/docs/ (our own words).
 */
import type { Abi } from './abi';

/**
 * What an argument holds, which picks how the trace prints it and which
 * constants complete after it.
 */
export type ArgKind =
  | 'fd'        // a file descriptor
  | 'dirfd'     // a directory fd that may be AT_FDCWD
  | 'path'      // pointer to a NUL-terminated path
  | 'string'    // pointer to another NUL-terminated string
  | 'buffer'    // pointer to a byte buffer (read/write data)
  | 'pointer'   // pointer to a struct or array
  | 'flags'     // a bit set (see `constants`)
  | 'enum'      // one of a set of values (see `constants`): `how`, `option`, `cmd`
  | 'mode'      // permission bits (S_I*), printed in octal
  | 'size'      // a length or count
  | 'offset'    // a file offset
  | 'pid'       // a process or thread id
  | 'uid'       // a user or group id
  | 'signal'    // a signal number
  | 'int';      // any other integer

export interface SyscallArg {
  /** Name in the man page's prototype (section 2). */
  readonly name: string;
  /** Other accepted names: the kernel's parameter name where it differs. */
  readonly aliases: readonly string[];
  /** C type as the kernel declares it (what decides the width). */
  readonly type: string;
  readonly kind: ArgKind;
  /** Whether the kernel type is signed (int, long, pid_t, off_t…). */
  readonly signed: boolean;
  /**
   * Width in bits the kernel reads, per ABI: 32 for int-sized types, 64 for
   * long/pointer-sized types on 64-bit ABIs. On a 32-bit ABI, 64 only for a
   * 64-bit type (loff_t, u64) split over a register pair, else 32.
   */
  readonly width: Readonly<Record<Abi, 32 | 64>>;
  /**
   * Constant families that fit this argument, as name prefixes
   * (`['O_']` for openat's flags, `['AF_']` for socket's domain), or exact
   * constant names. Empty when none do.
   */
  readonly constants: readonly string[];
}

/**
 * Where one parameter sits on one ABI (seccomp_data.args is per register,
 * not per C parameter): one register; a 64-bit value split over two 32-bit
 * registers, low word in `lo`; or nowhere seccomp can see it, with why.
 */
export type ArgPlace =
  | { readonly kind: 'reg'; readonly reg: number }
  | { readonly kind: 'pair'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'none'; readonly reason: string };

export interface SyscallInfo {
  readonly name: string;
  /** Number on each ABI that has it (x32 numbers include 0x40000000). */
  readonly numbers: Readonly<Partial<Record<Abi, number>>>;
  readonly args: readonly SyscallArg[];
  /**
   * Per ABI that has the call, the place of each entry of `args`
   * (kernel/generated/arg-layout.ts). Use `argPlace`/`findArg` from syscalls.ts.
   */
  readonly layout: Readonly<Partial<Record<Abi, readonly ArgPlace[]>>>;
  /** For a multiplexer (socketcall, ipc): what seccomp can check of it. */
  readonly multiplexer?: string;
  /** C prototype, e.g. `int openat(int dirfd, const char *pathname, int flags, mode_t mode)`. */
  readonly signature: string;
  /** One line in our own words. */
  readonly summary: string;
  /** What a sandbox author should know (markdown), in our own words; may be empty. */
  readonly note: string;
  /** man7.org link to the page that documents the call (docs/man-pages.ts), or undefined when no page does. */
  readonly manPage: string | undefined;
  /** True for syscalls kept only for old binaries (`@obsolete`, deprecated in the editor). */
  readonly obsolete: boolean;
}

export interface ConstantInfo {
  readonly name: string;
  /** Value per ABI, as the headers define it (absent where not defined). */
  readonly values: Readonly<Partial<Record<Abi, bigint>>>;
  /** Family prefix this constant belongs to (`O_`, `AF_`, `E` for errno…). */
  readonly family: string;
  /** For errno names: the message (`Operation not permitted`). */
  readonly message?: string;
}

export interface GroupInfo {
  /** With the `@`. */
  readonly name: string;
  readonly description: string;
  /** Syscall names and other `@group` names. */
  readonly members: readonly string[];
}
