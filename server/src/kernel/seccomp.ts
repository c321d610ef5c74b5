/**
 * Seccomp's own facts, in one place: the values a filter returns
 * (include/uapi/linux/seccomp.h) and how the kernel reads them
 * (kernel/seccomp.c), which action wins across stacked filters, and how a
 * call's `seccomp_data.arch` and `nr` tell its ABI. The compiler, the BPF
 * interpreter and disassembler, the trace and the docs all take them from
 * here; no other module spells these numbers.
 */
import { ABIS, type Abi } from './abi';
import { errnoName } from './constants';

// ---- return values (seccomp.h) ----------------------------------------------
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;

/** Mask of the action part of a return value (upper 16 bits, with KILL_PROCESS's sign bit). */
export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
/** Mask of the 16 data bits (errno number, trap or trace value). */
export const SECCOMP_RET_DATA = 0x0000ffff;

/** Largest errno the kernel passes on; larger ERRNO data is capped to it. */
export const MAX_ERRNO = 4095;

// ---- actions -----------------------------------------------------------------

/** The kernel's actions as the policy language names them (`notify` is USER_NOTIF). */
export type ActionKind = 'allow' | 'log' | 'errno' | 'trap' | 'trace' | 'notify' | 'kill_thread' | 'kill_process';
/** An action as a policy may write it: `kill` is short for `kill_process`. */
export type ActionName = ActionKind | 'kill';
/** The kernel's own names (SECCOMP_RET_<NAME> in lower case), as listings and trace JSON print them. */
export type SeccompActionName =
  | 'kill_process' | 'kill_thread' | 'trap' | 'errno' | 'user_notif' | 'trace' | 'log' | 'allow' | 'unknown';

interface ActionFact {
  readonly kind: ActionKind;
  readonly kernel: Exclude<SeccompActionName, 'unknown'>;
  readonly value: number;
  /** Whether the low 16 bits carry the action's operand. */
  readonly data: boolean;
}

/**
 * Every action, most restrictive first. The order is the kernel's: it keeps
 * the result with the lowest action value read as a signed 32-bit number
 * (`ACTION_ONLY(cur->ret) < ACTION_ONLY(ret)` in seccomp_run_filters), which
 * is why KILL_PROCESS, the one negative value, beats KILL_THREAD's zero.
 */
const ACTIONS: readonly ActionFact[] = [
  { kind: 'kill_process', kernel: 'kill_process', value: SECCOMP_RET_KILL_PROCESS, data: false },
  { kind: 'kill_thread', kernel: 'kill_thread', value: SECCOMP_RET_KILL_THREAD, data: false },
  { kind: 'trap', kernel: 'trap', value: SECCOMP_RET_TRAP, data: true },
  { kind: 'errno', kernel: 'errno', value: SECCOMP_RET_ERRNO, data: true },
  { kind: 'notify', kernel: 'user_notif', value: SECCOMP_RET_USER_NOTIF, data: false },
  { kind: 'trace', kernel: 'trace', value: SECCOMP_RET_TRACE, data: true },
  { kind: 'log', kernel: 'log', value: SECCOMP_RET_LOG, data: false },
  { kind: 'allow', kernel: 'allow', value: SECCOMP_RET_ALLOW, data: false },
];

const byKind = new Map(ACTIONS.map((a) => [a.kind, a]));
const byValue = new Map(ACTIONS.map((a) => [a.value, a]));
const byKernelName = new Map(ACTIONS.map((a) => [a.kernel, a]));

/**
 * Actions from the one that wins most to the one that wins least, when
 * several stacked filters return different actions for the same syscall.
 */
export const ACTION_PRECEDENCE: readonly ActionKind[] = ACTIONS.map((a) => a.kind);

/** The action part of an action's return value (data bits zero); `kill` is `kill_process`. */
export function actionValue(name: ActionName): number {
  return byKind.get(name === 'kill' ? 'kill_process' : name)!.value;
}

/** The language's name for one of the kernel's: `user_notif` is `notify`. */
export function actionKindOf(kernel: Exclude<SeccompActionName, 'unknown'>): ActionKind {
  return byKernelName.get(kernel)!.kind;
}

/** The kernel constant's name for an action, `SECCOMP_RET_USER_NOTIF` for `notify`. */
export function actionConstantName(name: ActionName): string {
  return retConstantName(actionValue(name))!;
}

/** The kernel constant's name for the action part of a return value, if it is one. */
export function retConstantName(ret: number): string | undefined {
  const fact = byValue.get((ret & SECCOMP_RET_ACTION_FULL) >>> 0);
  return fact && `SECCOMP_RET_${fact.kernel.toUpperCase()}`;
}

/** What a filter returns for a resolved action: its value, with the operand in the data bits of errno, trap and trace. */
export function retValue(action: { readonly kind: ActionKind; readonly data: number }): number {
  const fact = byKind.get(action.kind)!;
  return fact.data ? (fact.value | (action.data & SECCOMP_RET_DATA)) >>> 0 : fact.value;
}

export interface SeccompAction {
  /** The action named by the upper 16 bits; 'unknown' if the kernel has no such action. */
  action: SeccompActionName;
  /** The low 16 bits (SECCOMP_RET_DATA), as returned. */
  data: number;
  /**
   * What the kernel actually does: same as `action`, except that unknown
   * actions fall into the `default:` case of __seccomp_filter, which kills
   * the whole process (like KILL_PROCESS).
   */
  effective: Exclude<SeccompActionName, 'unknown'>;
}

/** Splits a filter's return value the way kernel/seccomp.c __seccomp_filter does. */
export function actionOf(ret: number): SeccompAction {
  const fact = byValue.get((ret & SECCOMP_RET_ACTION_FULL) >>> 0);
  const data = ret & SECCOMP_RET_DATA;
  if (!fact) return { action: 'unknown', data, effective: 'kill_process' };
  return { action: fact.kernel, data, effective: fact.kernel };
}

/**
 * A return value in the kernel's terms, for listings: `allow`, `log`,
 * `kill_process`, `kill_thread`, `user_notif`, `errno(1)`, `trap(5)`,
 * `trace(7)`; data is shown only for the actions that pass it on. ERRNO data
 * above MAX_ERRNO is shown as the kernel delivers it: `errno(4095)`.
 * Unknown actions: `unknown(0x12340000) → kill_process`.
 */
export function formatAction(ret: number): string {
  const { action, data } = actionOf(ret);
  switch (action) {
    case 'errno':
      return `errno(${Math.min(data, MAX_ERRNO)})`;
    case 'trap':
    case 'trace':
      return `${action}(${data})`;
    case 'unknown':
      return `unknown(0x${(ret >>> 0).toString(16).padStart(8, '0')}) → kill_process`;
    default:
      return action;
  }
}

/**
 * A return value the way a policy would write it: `errno(EPERM)` (the
 * errno named on `abi` when given), `trap` or `trap(5)`, `trace(7)`,
 * `notify`, `kill_process`…; `unknown(0x12340000)` for a value that is no action.
 */
export function actionText(ret: number, abi: Abi | undefined): string {
  const fact = byValue.get((ret & SECCOMP_RET_ACTION_FULL) >>> 0);
  const data = ret & SECCOMP_RET_DATA;
  if (!fact) return `unknown(0x${(ret >>> 0).toString(16)})`;
  switch (fact.kind) {
    case 'errno': return `errno(${(abi && errnoName(abi, data)) ?? data})`;
    case 'trap': return data ? `trap(${data})` : 'trap';
    case 'trace': return `trace(${data})`;
    default: return fact.kind;
  }
}

/**
 * Newer syscalls that libc retries with an older one when a filter fails
 * them with ENOSYS: denying these with `errno(ENOSYS)` keeps programs
 * working, where EPERM makes them fail.
 */
export const ENOSYS_FALLBACKS: Readonly<Record<string, string>> = {
  clone3: 'clone', openat2: 'openat', faccessat2: 'faccessat', fchmodat2: 'fchmodat',
};

// ---- ABIs of a call (seccomp_data.arch and nr) -------------------------------

/**
 * Bit set in every x32 syscall number (__X32_SYSCALL_BIT,
 * arch/x86/include/uapi/asm/unistd.h). x32 shares x86_64's audit arch, so
 * this bit is the only thing that tells its calls apart in seccomp_data.
 */
export const X32_SYSCALL_BIT = 0x40000000;

const X86_64_ARCH = ABIS.find((a) => a.name === 'x86_64')!.auditArch;

/** The ABI a syscall event belongs to: x86_64's arch with the x32 bit is x32. */
export function abiOfEvent(arch: number, nr: number): Abi | undefined {
  if (arch === X86_64_ARCH) return (nr & X32_SYSCALL_BIT) !== 0 ? 'x32' : 'x86_64';
  return ABIS.find((a) => a.auditArch === arch)?.name;
}

/** A run of syscall numbers that, under one audit arch, all belong to one ABI. */
export interface AbiRegion {
  readonly first: number;
  readonly last: number;
  readonly abi: Abi;
}

/**
 * `abiOfEvent` as runs of numbers, for a filter that dispatches on them:
 * the whole u32 range for most arches; for x86_64's, the x32 bit alone
 * decides, whatever the other bits say, so four runs alternate.
 */
export function abiRegions(arch: number): AbiRegion[] {
  const abi = abiOfArch(arch);
  if (!abi) return [];
  if (arch !== X86_64_ARCH) return [{ first: 0, last: 0xffffffff, abi }];
  const runs: AbiRegion[] = [];
  for (let first = 0; first < 0x100000000; first += X32_SYSCALL_BIT) {
    runs.push({ first, last: first + X32_SYSCALL_BIT - 1, abi: (first & X32_SYSCALL_BIT) !== 0 ? 'x32' : 'x86_64' });
  }
  return runs;
}

/** The ABI an audit arch stands for on its own (x86_64's value is x86_64: only a number says x32). */
export function abiOfArch(arch: number): Abi | undefined {
  return ABIS.find((a) => a.auditArch === arch && a.name !== 'x32')?.name;
}

/**
 * The name of an audit arch value, `AUDIT_ARCH_X86_64`… (include/uapi/linux/audit.h),
 * or undefined for one no ABI has. The header's names are the ABI names in upper case.
 */
export function auditArchName(arch: number): string | undefined {
  const abi = abiOfArch(arch);
  return abi && `AUDIT_ARCH_${abi.toUpperCase()}`;
}
