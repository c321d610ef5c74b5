/* aarch64 register access and syscall table (the generic syscall numbers,
 * include/uapi/asm-generic/unistd.h). 32-bit arm tasks are not decoded. */
#ifndef SECCOMP_RUN_ARCH_H
#define SECCOMP_RUN_ARCH_H

#include <errno.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "kabi.h"
#include "sysent.h"

#define ARCH_NAME "aarch64"
#define ARCH_AUDIT SR_AUDIT_ARCH_AARCH64
#define ARCH_NR_SECCOMP 277
#define ARCH_RED_ZONE 0 /* AAPCS64 has no red zone */

#define SR_NT_PRSTATUS 1
#define SR_NT_ARM_SYSTEM_CALL 0x404 /* arch/arm64/kernel/ptrace.c: the syscall number */

typedef struct user_regs_struct sr_regs; /* x0..x30, sp, pc, pstate */

static int arch_get_regs(pid_t pid, sr_regs *r)
{
	struct iovec iov = {r, sizeof *r};
	return ptrace(PTRACE_GETREGSET, pid, (void *)SR_NT_PRSTATUS, &iov) == -1 ? -1 : 0;
}

static int arch_set_regs(pid_t pid, const sr_regs *r)
{
	struct iovec iov = {(void *)r, sizeof *r};
	return ptrace(PTRACE_SETREGSET, pid, (void *)SR_NT_PRSTATUS, &iov) == -1 ? -1 : 0;
}

/* On arm64 the syscall number is not a general register: it lives in pt_regs->syscallno,
 * reachable only through NT_ARM_SYSTEM_CALL. */
static int arch_set_nr(pid_t pid, int nr)
{
	struct iovec iov = {&nr, sizeof nr};
	return ptrace(PTRACE_SETREGSET, pid, (void *)SR_NT_ARM_SYSTEM_CALL, &iov) == -1 ? -1 : 0;
}

static uint64_t arch_ip(const sr_regs *r) { return r->pc; }
static uint64_t arch_sp(const sr_regs *r) { return r->sp; }

/* Number -1 (NO_SYSCALL) skips the call; x0 is what the task sees (arch/arm64/kernel/syscall.c:
 * el0_svc_common jumps to trace_exit without touching x0). */
static int arch_skip_syscall(pid_t pid, int64_t ret)
{
	sr_regs r;
	if (arch_get_regs(pid, &r))
		return -1;
	r.regs[0] = (uint64_t)ret;
	if (arch_set_regs(pid, &r))
		return -1;
	return arch_set_nr(pid, -1);
}

static int arch_set_nr_arg0(pid_t pid, uint32_t abi, uint64_t nr, uint64_t arg0)
{
	sr_regs r;
	(void)abi;
	if (arch_get_regs(pid, &r))
		return -1;
	r.regs[0] = arg0;
	if (arch_set_regs(pid, &r))
		return -1;
	return arch_set_nr(pid, (int)nr);
}

/* `svc #0` is 0xd4000001; instructions are 4 bytes, little-endian. */
static long arch_patch_syscall_insn(long word) { return (long)(((unsigned long)word & ~0xffffffffUL) | 0xd4000001UL); }

static void arch_prepare_call(sr_regs *r, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	r->regs[8] = nr;
	r->regs[0] = a0;
	r->regs[1] = a1;
	r->regs[2] = a2;
}

static int64_t arch_call_result(const sr_regs *r) { return (int64_t)r->regs[0]; }

static const struct sysent sysent_aarch64[] = {
	{5, "setxattr", S0 | S1, 0, 0},
	{6, "lsetxattr", S0 | S1, 0, 0},
	{7, "fsetxattr", S1, 0, 0},
	{8, "getxattr", S0 | S1, 0, 0},
	{9, "lgetxattr", S0 | S1, 0, 0},
	{10, "fgetxattr", S1, 0, 0},
	{11, "listxattr", S0, 0, 0},
	{12, "llistxattr", S0, 0, 0},
	{14, "removexattr", S0 | S1, 0, 0},
	{15, "lremovexattr", S0 | S1, 0, 0},
	{16, "fremovexattr", S1, 0, 0},
	{27, "inotify_add_watch", S1, 0, 0},
	{33, "mknodat", S1, 0, 0},
	{34, "mkdirat", S1, 0, 0},
	{35, "unlinkat", S1, 0, 0},
	{36, "symlinkat", S0 | S2, 0, 0},
	{37, "linkat", S1 | S3, 0, 0},
	{38, "renameat", S1 | S3, 0, 0},
	{39, "umount2", S0, 0, 0},
	{40, "mount", S0 | S1 | S2, 0, 0},
	{41, "pivot_root", S0 | S1, 0, 0},
	{43, "statfs", S0, 0, 0},
	{45, "truncate", S0, 0, 0},
	{48, "faccessat", S1, 0, 0},
	{49, "chdir", S0, 0, 0},
	{51, "chroot", S0, 0, 0},
	{53, "fchmodat", S1, 0, 0},
	{54, "fchownat", S1, 0, 0},
	{56, "openat", S1, 0, 0},
	{63, "read", 0, 0, 2},
	{64, "write", 0, 0, 2},
	{67, "pread64", 0, 0, 2},
	{68, "pwrite64", 0, 0, 2},
	{78, "readlinkat", S1, 0, 3},
	{79, "newfstatat", S1, 0, 0},
	{88, "utimensat", S1, 0, 0},
	{89, "acct", S0, 0, 0},
	{206, "sendto", 0, 0, 2},
	{207, "recvfrom", 0, 0, 2},
	{221, "execve", S0, 2, 0},
	{224, "swapon", S0, 0, 0},
	{225, "swapoff", S0, 0, 0},
	{276, "renameat2", S1 | S3, 0, 0},
	{281, "execveat", S1, 3, 0},
	{291, "statx", S1, 0, 0},
	{428, "open_tree", S1, 0, 0},
	{429, "move_mount", S1 | S3, 0, 0},
	{430, "fsopen", S0, 0, 0},
	{433, "fspick", S1, 0, 0},
	{437, "openat2", S1, 0, 0},
	{439, "faccessat2", S1, 0, 0},
	{452, "fchmodat2", S1, 0, 0},
	{463, "setxattrat", S1 | S3, 0, 0},
	{464, "getxattrat", S1 | S3, 0, 0},
	{465, "listxattrat", S1, 0, 0},
	{466, "removexattrat", S1 | S3, 0, 0},
};

static const struct abi_table arch_abis[] = {
	{SR_AUDIT_ARCH_AARCH64, sysent_aarch64, sizeof sysent_aarch64 / sizeof sysent_aarch64[0]},
};

#endif
