/**
 * Shared kernel-in-the-loop harness for the compiler tests
 * (compiler-kernel.test.ts, libseccomp-diff.test.ts).
 *
 * A small C runner, built with gcc at test time (C11, -Wall -Wextra -Werror),
 * installs a raw seccomp filter in a forked child per event and makes one raw
 * syscall with six chosen argument registers. The same source builds as a
 * 64-bit runner (x86_64 and x32 numbers through `syscall`, i386 numbers
 * through `int $0x80` from 64-bit code) and, where gcc-multilib works, as a
 * -m32 runner (i386 numbers through `int $0x80` from a real 32-bit process).
 *
 * The syscalls probed are harmless and their results predictable (see
 * `ranOutcome`): getpid, getppid, getuid, getgid, gettid, sched_yield, umask
 * (the runner sets 022 first, so it returns 022), personality (returns the
 * runner's persona), prctl(PR_GET_DUMPABLE) (the child made itself
 * non-dumpable: 0) or a bogus option (EINVAL), dup/close/lseek/fcntl/ioctl on
 * fds that are not open (EBADF: the runner closes every fd above 2 before
 * forking), sched_getscheduler on negative (EINVAL) or nonexistent (ESRCH)
 * pids, and unassigned numbers (ENOSYS).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BPF_K, BPF_RET, encodeProgram, stmt } from '../../server/src/bpf/instructions';
import { abiInfo, type Abi } from '../../server/src/kernel/abi';
import { syscallNumber } from '../../server/src/kernel/syscalls';
import { buildPolicyModel } from '../../server/src/policy/semantics/build';
import { diagnoseModel } from '../../server/src/compiler/diagnose';
import { compilePolicy, type CompiledProgram } from '../../server/src/compiler/compile';
import type { PolicyModel } from '../../server/src/policy/semantics/model';
import { memoryHost } from '../helpers/policy';
import { actionOf, SECCOMP_RET_ALLOW } from '../../server/src/kernel/seccomp';

export const RUNNER_C = String.raw`/*
 * Kernel-in-the-loop runner for the compiler tests (built at test time).
 *
 *   runner run FILTER EVENTS
 *     FILTER: raw struct sock_filter array. EVENTS: lines "MODE NR A0 A1 A2 A3 A4 A5"
 *     (strtoull base 0). MODE 0: the native syscall instruction (syscall on
 *     x86_64, int $0x80 in a -m32 build); MODE 1: int $0x80 from 64-bit code.
 *     Prints a header line
 *       runner pid P uid U gid G persona X sched S bits B
 *     then, per event, one of
 *       ret <raw return value> <child pid>
 *       trap <si_syscall as unsigned> <si_errno> <si_arch hex>
 *       signal <n>              (killed without a report: seccomp kill)
 *       reject <errno>          (the kernel refused the filter)
 *       exit <status>
 *
 * After the filter is installed, the child makes exactly one syscall (the
 * event), writes the result to shared memory, then leaves through
 * exit_group / exit / a trap instruction, whichever the filter lets through;
 * the parent ignores how the child ends once a report is present.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { NONE = 0, RETURNED = 1, TRAPPED = 2, REJECTED = 3 };

struct report {
  volatile int state;
  volatile long ret;
  volatile int err;
  volatile unsigned trap_nr;
  volatile int trap_errno;
  volatile unsigned trap_arch;
};

struct event {
  int mode;
  unsigned long long v[7]; /* nr, a0..a5 */
};

static struct report *shared;

static _Noreturn void fail(const char *what) {
  perror(what);
  exit(2);
}

/* Leaves without relying on any particular syscall being allowed. */
static _Noreturn void die(void) {
  syscall(SYS_exit_group, 0);
  syscall(SYS_exit, 0);
  for (;;) __builtin_trap();
}

#if defined(__x86_64__)
__attribute__((noinline)) static long native_syscall(const unsigned long long *v) {
  long ret;
  register long r10 __asm__("r10") = (long)v[4];
  register long r8 __asm__("r8") = (long)v[5];
  register long r9 __asm__("r9") = (long)v[6];
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"((long)v[0]), "D"((long)v[1]), "S"((long)v[2]), "d"((long)v[3]), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

/* An i386 syscall from 64-bit code: the full 64-bit registers are loaded. */
__attribute__((noinline)) static long int80_syscall(const unsigned long long *v) {
  long ret;
  __asm__ volatile("lea -128(%%rsp), %%rsp\n\t" /* step over the red zone */
                   "push %%rbx\n\t"
                   "push %%rbp\n\t"
                   "mov 8(%%rax), %%rbx\n\t"
                   "mov 16(%%rax), %%rcx\n\t"
                   "mov 24(%%rax), %%rdx\n\t"
                   "mov 32(%%rax), %%rsi\n\t"
                   "mov 40(%%rax), %%rdi\n\t"
                   "mov 48(%%rax), %%rbp\n\t"
                   "mov 0(%%rax), %%rax\n\t"
                   "int $0x80\n\t"
                   "pop %%rbp\n\t"
                   "pop %%rbx\n\t"
                   "lea 128(%%rsp), %%rsp"
                   : "=a"(ret)
                   : "a"(v)
                   : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
  return ret;
}
#define BITS 64
#elif defined(__i386__)
__attribute__((noinline)) static long native_syscall(const unsigned long long *v) {
  unsigned long w[7];
  for (int i = 0; i < 7; i++) w[i] = (unsigned long)v[i];
  long ret;
  __asm__ volatile("push %%ebx\n\t"
                   "push %%esi\n\t"
                   "push %%edi\n\t"
                   "push %%ebp\n\t"
                   "mov 4(%%eax), %%ebx\n\t"
                   "mov 8(%%eax), %%ecx\n\t"
                   "mov 12(%%eax), %%edx\n\t"
                   "mov 16(%%eax), %%esi\n\t"
                   "mov 20(%%eax), %%edi\n\t"
                   "mov 24(%%eax), %%ebp\n\t"
                   "mov 0(%%eax), %%eax\n\t"
                   "int $0x80\n\t"
                   "pop %%ebp\n\t"
                   "pop %%edi\n\t"
                   "pop %%esi\n\t"
                   "pop %%ebx"
                   : "=a"(ret)
                   : "a"(w)
                   : "ecx", "edx", "memory");
  return ret;
}
static long int80_syscall(const unsigned long long *v) { return native_syscall(v); }
#define BITS 32
#else
#error "x86 only"
#endif

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  if (shared->state != NONE) die(); /* a trap on the way out, after the report */
  shared->trap_nr = (unsigned)si->si_syscall;
  shared->trap_errno = si->si_errno;
  shared->trap_arch = si->si_arch;
  shared->state = TRAPPED;
  die();
}

static struct sock_filter *read_filter(const char *path, unsigned short *len) {
  FILE *f = fopen(path, "rb");
  if (!f) fail(path);
  if (fseek(f, 0, SEEK_END) != 0) fail("fseek");
  long size = ftell(f);
  if (size < 0) fail("ftell");
  if (fseek(f, 0, SEEK_SET) != 0) fail("fseek");
  if (size % (long)sizeof(struct sock_filter) != 0 || size / (long)sizeof(struct sock_filter) > 0xffff) {
    fprintf(stderr, "%s: bad filter size %ld\n", path, size);
    exit(2);
  }
  struct sock_filter *insns = malloc(size > 0 ? (size_t)size : 1);
  if (!insns) fail("malloc");
  if (size > 0 && fread(insns, 1, (size_t)size, f) != (size_t)size) fail("fread");
  if (fclose(f) != 0) fail("fclose");
  *len = (unsigned short)(size / (long)sizeof(struct sock_filter));
  return insns;
}

static struct event *read_events(const char *path, size_t *count) {
  FILE *f = fopen(path, "r");
  if (!f) fail(path);
  size_t cap = 64, n = 0;
  struct event *evs = malloc(cap * sizeof *evs);
  if (!evs) fail("malloc");
  char line[512];
  while (fgets(line, sizeof line, f)) {
    char *p = line, *end;
    unsigned long long vals[8];
    int k = 0;
    for (; k < 8; k++) {
      errno = 0;
      unsigned long long x = strtoull(p, &end, 0);
      if (end == p || errno != 0) break;
      vals[k] = x;
      p = end;
    }
    if (k == 0) continue;
    if (k != 8 || vals[0] > 1) {
      fprintf(stderr, "bad event line: %s", line);
      exit(2);
    }
    if (n == cap) {
      cap *= 2;
      struct event *more = realloc(evs, cap * sizeof *evs);
      if (!more) fail("realloc");
      evs = more;
    }
    evs[n].mode = (int)vals[0];
    memcpy(evs[n].v, vals + 1, sizeof evs[n].v);
    n++;
  }
  if (ferror(f)) fail("fgets");
  if (fclose(f) != 0) fail("fclose");
  *count = n;
  return evs;
}

/* Every fd above 2 is closed, so fds 3.. in events are reliably EBADF. */
static void close_other_fds(void) {
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) != 0) fail("getrlimit");
  long top = nofile.rlim_cur == RLIM_INFINITY || nofile.rlim_cur > 65536 ? 65536 : (long)nofile.rlim_cur;
  for (long fd = 3; fd < top; fd++) {
    if (close((int)fd) != 0 && errno != EBADF) fail("close");
  }
}

static _Noreturn void child(struct sock_fprog *prog, const struct event *ev) {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) fail("prctl(PR_SET_DUMPABLE)");
  struct rlimit no_core = {0, 0};
  if (setrlimit(RLIMIT_CORE, &no_core) != 0) fail("setrlimit");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  if (sigemptyset(&sa.sa_mask) != 0) fail("sigemptyset");
  if (sigaction(SIGSYS, &sa, NULL) != 0) fail("sigaction");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("prctl(PR_SET_NO_NEW_PRIVS)");
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) != 0) {
    shared->err = errno;
    shared->state = REJECTED;
    _exit(0); /* no filter installed: an ordinary exit is fine */
  }
  long r = ev->mode == 1 ? int80_syscall(ev->v) : native_syscall(ev->v);
  if (shared->state == NONE) {
    shared->ret = r;
    shared->state = RETURNED;
  }
  die();
}

static void run_one(struct sock_fprog *prog, const struct event *ev) {
  memset((void *)shared, 0, sizeof *shared);
  if (fflush(stdout) != 0) fail("fflush");
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) child(prog, ev);
  int status;
  if (waitpid(pid, &status, 0) != pid) fail("waitpid");
  switch (shared->state) {
    case RETURNED:
      printf("ret %ld %ld\n", shared->ret, (long)pid);
      break;
    case TRAPPED:
      printf("trap %u %d 0x%x\n", shared->trap_nr, shared->trap_errno, shared->trap_arch);
      break;
    case REJECTED:
      printf("reject %d\n", shared->err);
      break;
    default:
      if (WIFSIGNALED(status))
        printf("signal %d\n", WTERMSIG(status));
      else if (WIFEXITED(status))
        printf("exit %d\n", WEXITSTATUS(status));
      else
        printf("status 0x%x\n", (unsigned)status);
  }
}

int main(int argc, char **argv) {
  if (argc != 4 || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "usage: %s run FILTER EVENTS\n", argv[0]);
    return 2;
  }
  shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) fail("mmap");
  struct sock_fprog prog;
  prog.filter = read_filter(argv[2], &prog.len);
  size_t count;
  struct event *evs = read_events(argv[3], &count);
  close_other_fds();
  umask(022);
  if (umask(022) != 022) fail("umask");
  int persona = personality(0xffffffff);
  if (persona == -1) fail("personality");
  int sched = sched_getscheduler(0);
  if (sched == -1) fail("sched_getscheduler");
  printf("runner pid %ld uid %lu gid %lu persona %d sched %d bits %d\n", (long)getpid(), (unsigned long)getuid(),
         (unsigned long)getgid(), persona, sched, BITS);
  for (size_t i = 0; i < count; i++) run_one(&prog, &evs[i]);
  free(evs);
  free(prog.filter);
  if (fflush(stdout) != 0) fail("fflush");
  return 0;
}
`;

export const SIGSYS = 31;
export const EBADF = 9;
export const EINVAL = 22;
export const ESRCH = 3;
export const ENOSYS = 38;
export const PR_GET_DUMPABLE = 3;
/** An fd no runner child has open (the runner closes every fd above 2). */
export const BAD_FD = 77n;

export type Bits = 32 | 64;

export interface Runner {
  readonly path: string;
  readonly bits: Bits;
}

/** Builds the runner; returns a reason to skip instead when that is impossible. */
export function buildRunner(dir: string, bits: Bits): Runner | { skip: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { skip: 'kernel tests need x86_64 Linux' };
  if (spawnSync('gcc', ['--version']).status !== 0) return { skip: 'gcc not found' };
  const src = join(dir, 'runner.c');
  writeFileSync(src, RUNNER_C);
  const out = join(dir, `runner${bits}`);
  const flags = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror'];
  if (bits === 32) {
    // gcc-multilib may be missing: probe with a trivial program first.
    const probe = join(dir, 'm32probe.c');
    writeFileSync(probe, 'int main(void) { return 0; }\n');
    const p = spawnSync('gcc', ['-m32', '-o', join(dir, 'm32probe'), probe], { encoding: 'utf8' });
    if (p.status !== 0) return { skip: `gcc -m32 cannot build programs (install gcc-multilib): ${p.stderr.trim().split('\n')[0]}` };
    const r = spawnSync(join(dir, 'm32probe'));
    if (r.status !== 0) return { skip: 'cannot run 32-bit programs (kernel without IA32 emulation?)' };
  }
  const cc = spawnSync('gcc', [...flags, ...(bits === 32 ? ['-m32'] : []), '-o', out, src], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc${bits === 32 ? ' -m32' : ''} failed:\n${cc.stderr}`);
  return { path: out, bits };
}

/** One syscall to make: the ABI decides the instruction and the audit arch. */
export interface KEvent {
  readonly abi: Abi;
  /** seccomp_data.nr as a u32 (x32 numbers include 0x40000000). */
  readonly nr: number;
  /** Six raw registers (only the low halves exist for i386). */
  readonly args: readonly bigint[];
  /** What the syscall does when it runs, for `ranOutcome` (a syscall name, or 'bogus'). */
  readonly what: string;
}

export interface RunnerInfo {
  pid: number;
  uid: number;
  gid: number;
  persona: number;
  sched: number;
  bits: Bits;
}

export interface KernelRun {
  info: RunnerInfo;
  /** Normalised outcomes (see normalise), one per event. */
  outcomes: string[];
}

export function u64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}

/** The event's registers as the kernel puts them in seccomp_data.args. */
export function seenArgs(e: KEvent, bits: Bits): bigint[] {
  return e.args.map((a) => (bits === 32 ? BigInt.asUintN(32, a) : BigInt.asUintN(64, a)));
}

let counter = 0;

/** Runs every event under `filter` (raw bytes) in the kernel. */
export function runInKernel(dir: string, runner: Runner, filter: Uint8Array, events: readonly KEvent[]): KernelRun {
  const id = counter++;
  const fpath = join(dir, `filter-${id}.bin`);
  const epath = join(dir, `events-${id}.txt`);
  writeFileSync(fpath, filter);
  const lines = events.map((e) => {
    if (e.abi !== 'i386' && runner.bits === 32) throw new Error('a 32-bit runner makes i386 syscalls only');
    const mode = e.abi === 'i386' && runner.bits === 64 ? 1 : 0;
    return [String(mode), u64(BigInt(e.nr >>> 0)), ...e.args.map(u64)].join(' ') + '\n';
  });
  writeFileSync(epath, lines.join(''));
  const r = spawnSync(runner.path, ['run', fpath, epath], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`runner failed (${r.status} ${r.signal}): ${r.stderr}`);
  const out = r.stdout.trim().split('\n');
  const head = /^runner pid (\d+) uid (\d+) gid (\d+) persona (-?\d+) sched (\d+) bits (32|64)$/.exec(out[0]!);
  if (!head) throw new Error(`bad runner header: ${out[0]}`);
  const info: RunnerInfo = {
    pid: Number(head[1]), uid: Number(head[2]), gid: Number(head[3]), persona: Number(head[4]), sched: Number(head[5]),
    bits: Number(head[6]) as Bits,
  };
  const outcomes = out.slice(1).map((l, i) => normalise(l, info, events[i]!, runner));
  assert.equal(outcomes.length, events.length, 'one outcome per event');
  return { info, outcomes };
}

/**
 * Kernel outcome, normalised: `ret:self` (returned the child's pid),
 * `ret:parent` (the runner's pid), `ret:<n>` (raw value, -errno for errors),
 * `trap:<nr>:<data>`, `signal:<n>`, `reject:<errno>`.
 */
function normalise(line: string, info: RunnerInfo, e: KEvent, runner: Runner): string {
  const f = line.split(' ');
  switch (f[0]) {
    case 'ret': {
      const v = Number(f[1]);
      if (v === Number(f[2])) return 'ret:self';
      if (v === info.pid) return 'ret:parent';
      return `ret:${v}`;
    }
    case 'trap':
      // si_arch names the syscall's ABI, except for int $0x80 from 64-bit code, where
      // this kernel was seen to report AUDIT_ARCH_X86_64 although the filter saw i386.
      if (!(e.abi === 'i386' && runner.bits === 64)) {
        assert.equal(Number(f[3]), abiInfo(e.abi).auditArch, `si_arch of a trap for ${describe(e)}`);
      }
      return `trap:${f[1]}:${f[2]}`;
    case 'signal':
      return `signal:${f[1]}`;
    case 'reject':
      return `reject:${f[1]}`;
    default:
      throw new Error(`unexpected runner output: ${line}`);
  }
}

export function describe(e: KEvent): string {
  return `${e.abi} nr ${e.nr >>> 0} (0x${(e.nr >>> 0).toString(16)}, ${e.what}) args ${e.args.map(u64).join(' ')}`;
}

/** Kernel facts that change what a syscall that ran returns. */
export interface KernelFacts {
  /** x32 syscalls run (CONFIG_X86_X32_ABI and not disabled); otherwise an allowed x32 call gets ENOSYS. */
  x32: boolean;
}

const low32 = (v: bigint): number => Number(BigInt.asUintN(32, v));
const sint32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** What an event returns when the filter lets it run. */
export function ranOutcome(e: KEvent, info: RunnerInfo, facts: KernelFacts): string {
  if (e.abi === 'x32' && !facts.x32) return `ret:${-ENOSYS}`;
  const a = e.args;
  switch (e.what) {
    case 'getpid':
    case 'gettid':
      return 'ret:self';
    case 'getppid':
      return 'ret:parent';
    case 'getuid':
      return `ret:${e.abi === 'i386' && info.uid > 0xffff ? 65534 : info.uid}`;
    case 'getgid':
      return `ret:${e.abi === 'i386' && info.gid > 0xffff ? 65534 : info.gid}`;
    case 'sched_yield':
      return 'ret:0';
    case 'umask':
      return `ret:${0o22}`;
    case 'personality':
      return `ret:${info.persona}`;
    case 'prctl':
      if (low32(a[0]!) === PR_GET_DUMPABLE) return 'ret:0';
      return `ret:${-EINVAL}`;
    case 'dup':
    case 'close':
    case 'lseek':
    case 'fcntl':
    case 'ioctl':
    case 'fchmod':
      assert.ok(low32(a[0]!) > 2, `${e.what} on fd ${low32(a[0]!)}: only fds that are not open are safe`);
      return `ret:${-EBADF}`;
    case 'sched_getscheduler': {
      const pid = sint32(a[0]!);
      if (pid < 0) return `ret:${-EINVAL}`;
      if (pid === 0) return `ret:${info.sched}`;
      assert.ok(pid > 0x400000, 'sched_getscheduler: only pids above pid_max are predictable');
      return `ret:${-ESRCH}`;
    }
    case 'bogus':
      return `ret:${-ENOSYS}`;
    default:
      throw new Error(`no prediction for ${e.what}`);
  }
}

/** Action kinds as ConcreteAction spells them. */
export type Kind = 'allow' | 'log' | 'errno' | 'trap' | 'trace' | 'notify' | 'kill_thread' | 'kill_process';

/** A filter return value as (kind, data), data kept only where it is passed on. */
export function actionFromRet(ret: number): { kind: Kind; data: number } {
  const a = actionOf(ret);
  const kind: Kind = a.effective === 'user_notif' ? 'notify' : (a.effective as Kind);
  return { kind, data: kind === 'errno' || kind === 'trap' || kind === 'trace' ? a.data : 0 };
}

/** What the kernel does with an event, given the filter's decision. */
export function expectedOutcome(action: { kind: Kind; data: number }, e: KEvent, info: RunnerInfo, facts: KernelFacts): string {
  switch (action.kind) {
    case 'allow':
    case 'log':
      return ranOutcome(e, info, facts);
    case 'errno':
      return `ret:${-Math.min(action.data, 4095)}`;
    case 'trap':
      return `trap:${e.nr >>> 0}:${action.data}`;
    case 'trace': // no tracer attached: the kernel fails the call with ENOSYS
    case 'notify': // no listener: ENOSYS
      return `ret:${-ENOSYS}`;
    case 'kill_process':
    case 'kill_thread':
      return `signal:${SIGSYS}`;
  }
}

/** A syscall event by name on an ABI (`what` = the name). */
export function sys(abi: Abi, name: string, ...args: bigint[]): KEvent {
  const nr = syscallNumber(abi, name);
  if (nr === undefined) throw new Error(`${name} has no number on ${abi}`);
  const full = [...args];
  while (full.length < 6) full.push(0n);
  return { abi, nr, args: full.map((v) => BigInt.asUintN(64, v)), what: name };
}

/** An unassigned syscall number (runs as ENOSYS). */
export function bogus(abi: Abi, nr: number, ...args: bigint[]): KEvent {
  const full = [...args];
  while (full.length < 6) full.push(0n);
  return { abi, nr: nr >>> 0, args: full.map((v) => BigInt.asUintN(64, v)), what: 'bogus' };
}

// ---------------------------------------------------------------------------
// Random syscalls, constants and arguments within what ranOutcome can predict.

export type ArgKind = 'any32' | 'fd' | 'pid' | 'option' | 'cmd' | 'any64';
export interface ArgSpec { name: string; index: number; kind: ArgKind }
export interface SysSpec { name: string; args: ArgSpec[]; x32: boolean }

export const SYSCALLS: SysSpec[] = [
  { name: 'getpid', args: [], x32: true },
  { name: 'getppid', args: [], x32: true },
  { name: 'gettid', args: [], x32: true },
  { name: 'getuid', args: [], x32: true },
  { name: 'sched_yield', args: [], x32: true },
  { name: 'umask', args: [{ name: 'mask', index: 0, kind: 'any32' }], x32: true },
  { name: 'personality', args: [{ name: 'persona', index: 0, kind: 'any32' }], x32: true },
  { name: 'sched_getscheduler', args: [{ name: 'pid', index: 0, kind: 'pid' }], x32: true },
  { name: 'close', args: [{ name: 'fd', index: 0, kind: 'fd' }], x32: true },
  { name: 'dup', args: [{ name: 'oldfd', index: 0, kind: 'fd' }], x32: true },
  { name: 'lseek', args: [{ name: 'fd', index: 0, kind: 'fd' }, { name: 'offset', index: 1, kind: 'any64' }, { name: 'whence', index: 2, kind: 'any32' }], x32: true },
  { name: 'fcntl', args: [{ name: 'fd', index: 0, kind: 'fd' }, { name: 'cmd', index: 1, kind: 'cmd' }, { name: 'arg', index: 2, kind: 'any64' }], x32: true },
  { name: 'ioctl', args: [{ name: 'fd', index: 0, kind: 'fd' }, { name: 'request', index: 1, kind: 'any32' }, { name: 'arg', index: 2, kind: 'any64' }], x32: true },
  {
    name: 'prctl', x32: true,
    args: [{ name: 'option', index: 0, kind: 'option' }, ...[2, 3, 4, 5].map((n) => ({ name: `arg${n}`, index: n - 1, kind: 'any64' as ArgKind }))],
  },
];

export type R = (n: number) => number;
export const pick = <T>(r: R, xs: readonly T[]): T => xs[r(xs.length)]!;
export const rand32 = (r: R): bigint => BigInt(r(0x10000)) << 16n | BigInt(r(0x10000));

export function randomConst(r: R, kind: ArgKind, narrow: boolean): bigint {
  switch (kind) {
    case 'fd': return pick(r, [3n, 4n, 77n, 1000n, 0x7fffffffn, 0x80000000n, 0xffffffffn]);
    case 'pid': return pick(r, [0n, -1n, -5n, -100n, 0x7000000n, 0x7fffffffn, -0x80000000n]);
    case 'option': return pick(r, [3n, 0x7fff1234n, 4n, -1n]);
    case 'cmd': return pick(r, [0n, 1n, 2n, 3n, 0x400n, 0x406n, 0xffffffffn]);
    case 'any32': return r(3) === 0 ? rand32(r) : pick(r, [0n, 1n, 0o22n, 0o777n, 0x7fffffffn, 0x80000000n, 0xffffffffn, -1n, -100n, 0x10000n]);
    case 'any64':
      if (narrow) return randomConst(r, 'any32', true);
      if (r(4) === 0) return rand32(r) << 32n | rand32(r);
      return pick(r, [0n, 1n, 0xffffffffn, 0x100000000n, 0x100000001n, -1n, -2n, 0x8000000000000000n, 0x7fffffffffffffffn, 0x1234_0000_0000n, rand32(r)]);
  }
}

/** An argument value near the policy's constants, made safe for the syscall (see harness ranOutcome). */
export function randomArgValue(r: R, a: ArgSpec, near: readonly bigint[]): bigint {
  let v: bigint;
  const c = r(6);
  if (near.length && c < 4) v = BigInt.asUintN(64, pick(r, near) + BigInt(r(3) - 1));
  else if (c === 4) v = rand32(r);
  else v = rand32(r) << 32n | rand32(r);
  if (a.kind !== 'any64' && r(3) === 0) v = (BigInt.asUintN(32, v)) | (rand32(r) << 32n); // upper-half garbage
  const hi = v >> 32n << 32n;
  let lo = Number(BigInt.asUintN(32, v));
  switch (a.kind) {
    case 'fd': if (lo < 3) lo += 3; break;
    case 'pid': { const s = lo | 0; if (s > 0 && s <= 0x400000) lo = pick(r, [0, 0x7000000, 0xffffffff]); break; }
    case 'option': if (lo !== 3 && lo !== 0x7fff1234) lo = pick(r, [3, 0x7fff1234]); break;
    case 'cmd': if ((lo >= 12 && lo <= 14) || (lo >= 36 && lo <= 38)) lo = 1; break;
    default: break;
  }
  return hi | BigInt(lo >>> 0);
}

/** Deterministic PRNG (mulberry32): r(n) is uniform in 0..n-1. */
export function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n: number): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) % n;
  };
}

// ---------------------------------------------------------------------------
// Compiling policies held in memory.


export interface Compiled {
  model: PolicyModel;
  program: CompiledProgram;
}

/** Builds, checks (errors fail the test) and compiles a policy text. */
export function compileText(text: string, path = '/k/policy.seccomp'): Compiled {
  const model = buildPolicyModel({ path, text }, memoryHost({ [path]: text }));
  const errors = diagnoseModel(model).filter((d) => d.severity === 'error');
  if (errors.length) {
    throw new Error(`policy has errors:\n${errors.map((d) => `  ${d.code}: ${d.message}`).join('\n')}\n--- policy ---\n${text}`);
  }
  const r = compilePolicy(model);
  if (!r.ok) throw new Error(`compile failed (${r.reason}) for\n${text}`);
  return { model, program: r.program };
}

// ---------------------------------------------------------------------------
// Running under someone else's seccomp filter (e.g. a container runtime's).

/** True when this process already runs under a seccomp filter (it is inherited by the runner). */
export function underOuterFilter(): boolean {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const m = /^Seccomp:\s*(\d+)/m.exec(status);
    return m !== null && m[1] !== '0';
  } catch {
    return false;
  }
}

/**
 * Under an outer filter, a syscall our filter allows may still be refused by
 * the outer one (filters stack; the most restrictive action wins). Runs the
 * events under an allow-all filter and keeps those whose result there is the
 * one `ranOutcome` predicts; the others are left out (returned as `dropped`).
 */
export function calibrate(dir: string, runner: Runner, events: readonly KEvent[], facts: KernelFacts):
  { kept: KEvent[]; dropped: KEvent[] } {
  const allow = encodeProgram([stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)]);
  const k = runInKernel(dir, runner, allow, events);
  const kept: KEvent[] = [];
  const dropped: KEvent[] = [];
  events.forEach((e, i) => (k.outcomes[i] === ranOutcome(e, k.info, facts) ? kept : dropped).push(e));
  return { kept, dropped };
}

export interface KernelProbe {
  /** x32 syscalls run (CONFIG_X86_X32_ABI); else they return ENOSYS after the filter allows them. */
  readonly x32: boolean;
  /** `int $0x80` works from 64-bit code (i386 calls from the 64-bit runner). */
  readonly int80: boolean;
  /** The -m32 runner, or why there is none. */
  readonly r32: Runner | undefined;
  readonly skip32: string | undefined;
}

/** Can filters be installed at all, do x32 calls run, does int $0x80 work; and the 32-bit runner. */
export function probeKernel(dir: string, r64: Runner, allowFilter: Uint8Array): KernelProbe | { skip: string } {
  let probe: string[];
  try {
    probe = runInKernel(dir, r64, allowFilter, [sys('x86_64', 'getpid'), sys('x32', 'getpid'), sys('i386', 'getpid')]).outcomes;
  } catch (err) {
    return { skip: `seccomp filters unavailable: ${(err as Error).message}` };
  }
  if (probe[0] !== 'ret:self') return { skip: `seccomp filters unavailable (probe: ${probe[0]})` };
  const b32 = buildRunner(dir, 32);
  return {
    x32: probe[1] === 'ret:self',
    int80: probe[2] === 'ret:self',
    r32: 'skip' in b32 ? undefined : b32,
    skip32: 'skip' in b32 ? b32.skip : undefined,
  };
}
