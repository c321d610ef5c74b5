/**
 * What the container runtimes do with a profile, as far as its meaning goes:
 * Docker (moby) picks the entries for the machine (architecture, the
 * container's capabilities, the kernel version), runc hands them to
 * libseccomp one name at a time, and libseccomp compiles them. Each choice
 * below is the runtime's, named where it is made:
 *
 *  - moby `profiles/seccomp`: `archMap` keeps the native arch and its
 *    sub-architectures; `includes`/`excludes` test the native GOARCH, the
 *    bounding capability set and the running kernel.
 *  - runc `libcontainer/seccomp`: SCMP_ACT_KILL is KILL_THREAD; ERRNO and
 *    TRACE without `errnoRet` carry EPERM; an entry whose action equals the
 *    default is skipped; an unknown name is skipped; conditions on the same
 *    argument index in one entry become separate rules (OR), others are
 *    ANDed; libseccomp's native architecture is always in the filter.
 *  - libseccomp: a foreign ABI gets SCMP_ACT_KILL (KILL_THREAD); for one
 *    syscall, an unconditional rule wins over every conditional one and the
 *    first unconditional rule wins over later ones; on i386 a rule for a
 *    socket or SysV IPC call is also added to `socketcall`/`ipc` with the
 *    operation number in argument 0 (which replaces a condition on
 *    argument 0).
 */
import type { Abi } from '../kernel/abi';
import type { ConcreteAction } from '../policy/semantics/model';
import type { OciAction } from './profile';

const EPERM = 1;

/** `SCMP_ARCH_*` → our ABI, for the ABIs the language knows. */
export const SCMP_ARCH_ABI: Readonly<Record<string, Abi>> = {
  SCMP_ARCH_X86_64: 'x86_64',
  SCMP_ARCH_X86: 'i386',
  SCMP_ARCH_X32: 'x32',
  SCMP_ARCH_AARCH64: 'aarch64',
  SCMP_ARCH_ARM: 'arm',
  SCMP_ARCH_RISCV64: 'riscv64',
};

export function scmpArchOf(abi: Abi): string {
  return Object.entries(SCMP_ARCH_ABI).find(([, a]) => a === abi)![0];
}

/**
 * The names `includes.arches`/`excludes.arches` are compared with: Go's
 * GOARCH of the machine (moby compares `runtime.GOARCH`), which is why Docker's
 * profile writes `amd64` and `arm64`.
 */
export const GOARCH: Readonly<Record<Abi, string>> = {
  x86_64: 'amd64', i386: '386', x32: 'x32', aarch64: 'arm64', arm: 'arm', riscv64: 'riscv64',
};

/** The capabilities Docker gives a container by default (moby `oci/caps/defaults.go`). */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_AUDIT_WRITE', 'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_MKNOD',
  'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
];

/** What libseccomp gives an ABI that is not in the filter (SCMP_ACT_KILL). */
export const LIBSECCOMP_BADARCH: ConcreteAction = { kind: 'kill_thread', data: 0 };

/** The action runc loads for a profile's action and `errnoRet`. */
export function runtimeAction(action: OciAction, errnoRet: number | undefined): ConcreteAction {
  switch (action) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD': return { kind: 'kill_thread', data: 0 };
    case 'SCMP_ACT_KILL_PROCESS': return { kind: 'kill_process', data: 0 };
    case 'SCMP_ACT_TRAP': return { kind: 'trap', data: 0 };
    case 'SCMP_ACT_ERRNO': return { kind: 'errno', data: errnoRet ?? EPERM };
    case 'SCMP_ACT_TRACE': return { kind: 'trace', data: errnoRet ?? EPERM };
    case 'SCMP_ACT_ALLOW': return { kind: 'allow', data: 0 };
    case 'SCMP_ACT_LOG': return { kind: 'log', data: 0 };
    case 'SCMP_ACT_NOTIFY': return { kind: 'notify', data: 0 };
  }
}

/** The profile's action for one of ours, or why there is none. */
export function ociAction(a: ConcreteAction): { action: OciAction; errnoRet?: number } | { error: string } {
  switch (a.kind) {
    case 'allow': return { action: 'SCMP_ACT_ALLOW' };
    case 'log': return { action: 'SCMP_ACT_LOG' };
    case 'notify': return { action: 'SCMP_ACT_NOTIFY' };
    case 'kill_thread': return { action: 'SCMP_ACT_KILL_THREAD' };
    case 'kill_process': return { action: 'SCMP_ACT_KILL_PROCESS' };
    case 'errno': return { action: 'SCMP_ACT_ERRNO', errnoRet: a.data };
    case 'trace': return { action: 'SCMP_ACT_TRACE', errnoRet: a.data };
    case 'trap': return a.data === 0 ? { action: 'SCMP_ACT_TRAP' } : { error: `trap(${a.data}): runtimes load SCMP_ACT_TRAP with no data` };
  }
}

export function sameAction(a: ConcreteAction, b: ConcreteAction): boolean {
  return a.kind === b.kind && a.data === b.data;
}

/**
 * i386's multiplexed calls, as libseccomp adds them: the direct call's name →
 * the multiplexer and the operation number it takes in argument 0
 * (include/uapi/linux/net.h SYS_*, include/uapi/linux/ipc.h).
 */
export const I386_MULTIPLEXED: Readonly<Record<string, { readonly via: 'socketcall' | 'ipc'; readonly call: number }>> = {
  socket: { via: 'socketcall', call: 1 }, bind: { via: 'socketcall', call: 2 }, connect: { via: 'socketcall', call: 3 },
  listen: { via: 'socketcall', call: 4 }, accept: { via: 'socketcall', call: 5 }, getsockname: { via: 'socketcall', call: 6 },
  getpeername: { via: 'socketcall', call: 7 }, socketpair: { via: 'socketcall', call: 8 }, send: { via: 'socketcall', call: 9 },
  recv: { via: 'socketcall', call: 10 }, sendto: { via: 'socketcall', call: 11 }, recvfrom: { via: 'socketcall', call: 12 },
  shutdown: { via: 'socketcall', call: 13 }, setsockopt: { via: 'socketcall', call: 14 }, getsockopt: { via: 'socketcall', call: 15 },
  sendmsg: { via: 'socketcall', call: 16 }, recvmsg: { via: 'socketcall', call: 17 }, accept4: { via: 'socketcall', call: 18 },
  recvmmsg: { via: 'socketcall', call: 19 }, sendmmsg: { via: 'socketcall', call: 20 },
  semop: { via: 'ipc', call: 1 }, semget: { via: 'ipc', call: 2 }, semctl: { via: 'ipc', call: 3 }, semtimedop: { via: 'ipc', call: 4 },
  msgsnd: { via: 'ipc', call: 11 }, msgrcv: { via: 'ipc', call: 12 }, msgget: { via: 'ipc', call: 13 }, msgctl: { via: 'ipc', call: 14 },
  shmat: { via: 'ipc', call: 21 }, shmdt: { via: 'ipc', call: 22 }, shmget: { via: 'ipc', call: 23 }, shmctl: { via: 'ipc', call: 24 },
};

/** `a.b` kernel versions: is `have` at least `need`? */
export function kernelAtLeast(have: string, need: string): boolean {
  const [ha = 0, hb = 0] = have.split('.').map((x) => parseInt(x, 10));
  const [na = 0, nb = 0] = need.split('.').map((x) => parseInt(x, 10));
  return ha !== na ? ha > na : hb >= nb;
}
