/* x86_64 register access and syscall tables (native x86_64 ABI and the i386 compat ABI). */
#ifndef SECCOMP_RUN_ARCH_H
#define SECCOMP_RUN_ARCH_H

#include <errno.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>

#include "kabi.h"
#include "sysent.h"

#define ARCH_NAME "x86_64"
#define ARCH_AUDIT SR_AUDIT_ARCH_X86_64
#define ARCH_NR_SECCOMP 317
/* The System V ABI lets leaf functions use 128 bytes below %rsp; never write there. */
#define ARCH_RED_ZONE 128

#ifndef PTRACE_GETREGS
#define PTRACE_GETREGS 12
#endif
#ifndef PTRACE_SETREGS
#define PTRACE_SETREGS 13
#endif

typedef struct user_regs_struct sr_regs;

/* PTRACE_GETREGS (not GETREGSET/NT_PRSTATUS) because it always uses the 64-bit layout, even
 * for a 32-bit tracee (arch/x86/kernel/ptrace.c: arch_ptrace uses user_x86_64_view). */
static int arch_get_regs(pid_t pid, sr_regs *r)
{
	return ptrace(PTRACE_GETREGS, pid, 0, r) == -1 ? -1 : 0;
}

static int arch_set_regs(pid_t pid, const sr_regs *r)
{
	return ptrace(PTRACE_SETREGS, pid, 0, r) == -1 ? -1 : 0;
}

static uint64_t arch_ip(const sr_regs *r) { return r->rip; }
static uint64_t arch_sp(const sr_regs *r) { return r->rsp; }

/* At a seccomp or syscall-entry stop: a negative syscall number makes the kernel skip the
 * call (kernel/seccomp.c, RET_TRACE: "Check if the tracer forced the syscall to be skipped"),
 * and the task sees %rax as the return value. */
static int arch_skip_syscall(pid_t pid, int64_t ret)
{
	sr_regs r;
	if (arch_get_regs(pid, &r))
		return -1;
	r.orig_rax = (uint64_t)-1;
	r.rax = (uint64_t)ret;
	return arch_set_regs(pid, &r);
}

/* At a seccomp stop: change the syscall number and its first argument, so the kernel's
 * re-check of the filters (seccomp.c: __seccomp_filter(this_syscall, NULL, true)) sees them. */
static int arch_set_nr_arg0(pid_t pid, uint32_t abi, uint64_t nr, uint64_t arg0)
{
	sr_regs r;
	if (arch_get_regs(pid, &r))
		return -1;
	r.orig_rax = nr;
	if (abi == SR_AUDIT_ARCH_I386)
		r.rbx = arg0;
	else
		r.rdi = arg0;
	return arch_set_regs(pid, &r);
}

/* Injection: the `syscall` instruction (0f 05) and the registers for a 3-argument call.
 * orig_rax = -1 keeps the kernel's syscall-restart logic (arch/x86/kernel/signal.c) away. */
static long arch_patch_syscall_insn(long word) { return (word & ~0xffffL) | 0x050f; }

static void arch_prepare_call(sr_regs *r, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	r->orig_rax = (uint64_t)-1;
	r->rax = nr;
	r->rdi = a0;
	r->rsi = a1;
	r->rdx = a2;
}

static int64_t arch_call_result(const sr_regs *r) { return (int64_t)r->rax; }

/* Syscalls whose arguments the helper decodes: NUL-terminated strings, argv arrays, and
 * buffers whose length is the return value. Numbers from arch/x86/entry/syscalls/syscall_64.tbl
 * and syscall_32.tbl; test/native checks them against the installed asm/unistd_*.h. */
static const struct sysent sysent_x86_64[] = {
	{0, "read", 0, 0, 2},
	{1, "write", 0, 0, 2},
	{2, "open", S0, 0, 0},
	{4, "stat", S0, 0, 0},
	{6, "lstat", S0, 0, 0},
	{17, "pread64", 0, 0, 2},
	{18, "pwrite64", 0, 0, 2},
	{21, "access", S0, 0, 0},
	{44, "sendto", 0, 0, 2},
	{45, "recvfrom", 0, 0, 2},
	{59, "execve", S0, 2, 0},
	{76, "truncate", S0, 0, 0},
	{80, "chdir", S0, 0, 0},
	{82, "rename", S0 | S1, 0, 0},
	{83, "mkdir", S0, 0, 0},
	{84, "rmdir", S0, 0, 0},
	{85, "creat", S0, 0, 0},
	{86, "link", S0 | S1, 0, 0},
	{87, "unlink", S0, 0, 0},
	{88, "symlink", S0 | S1, 0, 0},
	{89, "readlink", S0, 0, 2},
	{90, "chmod", S0, 0, 0},
	{92, "chown", S0, 0, 0},
	{94, "lchown", S0, 0, 0},
	{132, "utime", S0, 0, 0},
	{133, "mknod", S0, 0, 0},
	{134, "uselib", S0, 0, 0},
	{137, "statfs", S0, 0, 0},
	{155, "pivot_root", S0 | S1, 0, 0},
	{161, "chroot", S0, 0, 0},
	{163, "acct", S0, 0, 0},
	{165, "mount", S0 | S1 | S2, 0, 0},
	{166, "umount2", S0, 0, 0},
	{167, "swapon", S0, 0, 0},
	{168, "swapoff", S0, 0, 0},
	{188, "setxattr", S0 | S1, 0, 0},
	{189, "lsetxattr", S0 | S1, 0, 0},
	{190, "fsetxattr", S1, 0, 0},
	{191, "getxattr", S0 | S1, 0, 0},
	{192, "lgetxattr", S0 | S1, 0, 0},
	{193, "fgetxattr", S1, 0, 0},
	{194, "listxattr", S0, 0, 0},
	{195, "llistxattr", S0, 0, 0},
	{197, "removexattr", S0 | S1, 0, 0},
	{198, "lremovexattr", S0 | S1, 0, 0},
	{199, "fremovexattr", S1, 0, 0},
	{235, "utimes", S0, 0, 0},
	{254, "inotify_add_watch", S1, 0, 0},
	{257, "openat", S1, 0, 0},
	{258, "mkdirat", S1, 0, 0},
	{259, "mknodat", S1, 0, 0},
	{260, "fchownat", S1, 0, 0},
	{261, "futimesat", S1, 0, 0},
	{262, "newfstatat", S1, 0, 0},
	{263, "unlinkat", S1, 0, 0},
	{264, "renameat", S1 | S3, 0, 0},
	{265, "linkat", S1 | S3, 0, 0},
	{266, "symlinkat", S0 | S2, 0, 0},
	{267, "readlinkat", S1, 0, 3},
	{268, "fchmodat", S1, 0, 0},
	{269, "faccessat", S1, 0, 0},
	{280, "utimensat", S1, 0, 0},
	{316, "renameat2", S1 | S3, 0, 0},
	{322, "execveat", S1, 3, 0},
	{332, "statx", S1, 0, 0},
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

static const struct sysent sysent_i386[] = {
	{3, "read", 0, 0, 2},
	{4, "write", 0, 0, 2},
	{5, "open", S0, 0, 0},
	{8, "creat", S0, 0, 0},
	{9, "link", S0 | S1, 0, 0},
	{10, "unlink", S0, 0, 0},
	{11, "execve", S0, 2, 0},
	{12, "chdir", S0, 0, 0},
	{14, "mknod", S0, 0, 0},
	{15, "chmod", S0, 0, 0},
	{16, "lchown", S0, 0, 0},
	{21, "mount", S0 | S1 | S2, 0, 0},
	{30, "utime", S0, 0, 0},
	{33, "access", S0, 0, 0},
	{38, "rename", S0 | S1, 0, 0},
	{39, "mkdir", S0, 0, 0},
	{40, "rmdir", S0, 0, 0},
	{51, "acct", S0, 0, 0},
	{52, "umount2", S0, 0, 0},
	{61, "chroot", S0, 0, 0},
	{83, "symlink", S0 | S1, 0, 0},
	{85, "readlink", S0, 0, 2},
	{86, "uselib", S0, 0, 0},
	{87, "swapon", S0, 0, 0},
	{92, "truncate", S0, 0, 0},
	{99, "statfs", S0, 0, 0},
	{106, "stat", S0, 0, 0},
	{107, "lstat", S0, 0, 0},
	{115, "swapoff", S0, 0, 0},
	{180, "pread64", 0, 0, 2},
	{181, "pwrite64", 0, 0, 2},
	{182, "chown", S0, 0, 0},
	{193, "truncate64", S0, 0, 0},
	{195, "stat64", S0, 0, 0},
	{196, "lstat64", S0, 0, 0},
	{198, "lchown32", S0, 0, 0},
	{212, "chown32", S0, 0, 0},
	{217, "pivot_root", S0 | S1, 0, 0},
	{226, "setxattr", S0 | S1, 0, 0},
	{227, "lsetxattr", S0 | S1, 0, 0},
	{228, "fsetxattr", S1, 0, 0},
	{229, "getxattr", S0 | S1, 0, 0},
	{230, "lgetxattr", S0 | S1, 0, 0},
	{231, "fgetxattr", S1, 0, 0},
	{232, "listxattr", S0, 0, 0},
	{233, "llistxattr", S0, 0, 0},
	{235, "removexattr", S0 | S1, 0, 0},
	{236, "lremovexattr", S0 | S1, 0, 0},
	{237, "fremovexattr", S1, 0, 0},
	{271, "utimes", S0, 0, 0},
	{292, "inotify_add_watch", S1, 0, 0},
	{295, "openat", S1, 0, 0},
	{296, "mkdirat", S1, 0, 0},
	{297, "mknodat", S1, 0, 0},
	{298, "fchownat", S1, 0, 0},
	{299, "futimesat", S1, 0, 0},
	{300, "fstatat64", S1, 0, 0},
	{301, "unlinkat", S1, 0, 0},
	{302, "renameat", S1 | S3, 0, 0},
	{303, "linkat", S1 | S3, 0, 0},
	{304, "symlinkat", S0 | S2, 0, 0},
	{305, "readlinkat", S1, 0, 3},
	{306, "fchmodat", S1, 0, 0},
	{307, "faccessat", S1, 0, 0},
	{320, "utimensat", S1, 0, 0},
	{353, "renameat2", S1 | S3, 0, 0},
	{358, "execveat", S1, 3, 0},
	{369, "sendto", 0, 0, 2},
	{371, "recvfrom", 0, 0, 2},
	{383, "statx", S1, 0, 0},
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
	{SR_AUDIT_ARCH_X86_64, sysent_x86_64, sizeof sysent_x86_64 / sizeof sysent_x86_64[0]},
	{SR_AUDIT_ARCH_I386, sysent_i386, sizeof sysent_i386 / sizeof sysent_i386[0]},
};

#endif
