/* Kernel ABI used by seccomp-run, defined here rather than taken from the linux/ headers:
 * musl-gcc does not see the kernel headers, and the machine's headers (linux-libc-dev 6.1)
 * may lack newer constants. Values are the kernel's uapi values (include/uapi/linux/seccomp.h,
 * include/uapi/linux/ptrace.h, include/uapi/linux/audit.h); they never change once released. */
#ifndef SECCOMP_RUN_KABI_H
#define SECCOMP_RUN_KABI_H

#include <stdint.h>

/* include/uapi/linux/filter.h */
struct sr_sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct sr_sock_fprog {
	unsigned short len;
	struct sr_sock_filter *filter;
};
#define SR_BPF_MAXINSNS 4096

/* include/uapi/linux/seccomp.h */
#define SR_SECCOMP_MODE_FILTER 2
#define SR_SECCOMP_SET_MODE_FILTER 1
#define SR_RET_KILL_PROCESS 0x80000000U
#define SR_RET_KILL_THREAD 0x00000000U
#define SR_RET_TRAP 0x00030000U
#define SR_RET_ERRNO 0x00050000U
#define SR_RET_USER_NOTIF 0x7fc00000U
#define SR_RET_TRACE 0x7ff00000U
#define SR_RET_LOG 0x7ffc0000U
#define SR_RET_ALLOW 0x7fff0000U
#define SR_RET_ACTION_FULL 0xffff0000U
#define SR_RET_DATA 0x0000ffffU
#define SR_SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS */
#define SR_MAX_ERRNO 4095 /* kernel clamps RET_ERRNO data to this (seccomp.c) */

/* include/uapi/linux/audit.h */
#define SR_AUDIT_ARCH_64BIT 0x80000000U
#define SR_AUDIT_ARCH_X86_64 0xC000003EU
#define SR_AUDIT_ARCH_I386 0x40000003U
#define SR_AUDIT_ARCH_AARCH64 0xC00000B7U
#define SR_AUDIT_ARCH_ARM 0x40000028U

/* include/uapi/linux/ptrace.h: requests and options (libc headers normally have them) */
#ifndef PTRACE_SEIZE
#define PTRACE_SEIZE 0x4206
#endif
#ifndef PTRACE_INTERRUPT
#define PTRACE_INTERRUPT 0x4207
#endif
#ifndef PTRACE_LISTEN
#define PTRACE_LISTEN 0x4208
#endif
#ifndef PTRACE_GETSIGINFO
#define PTRACE_GETSIGINFO 0x4202
#endif
#ifndef PTRACE_SETSIGINFO
#define PTRACE_SETSIGINFO 0x4203
#endif
#ifndef PTRACE_GETREGSET
#define PTRACE_GETREGSET 0x4204
#endif
#ifndef PTRACE_SETREGSET
#define PTRACE_SETREGSET 0x4205
#endif
#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e /* Linux 5.3 */
#endif
#ifndef PTRACE_O_TRACESYSGOOD
#define PTRACE_O_TRACESYSGOOD 0x01
#endif
#ifndef PTRACE_O_TRACEFORK
#define PTRACE_O_TRACEFORK 0x02
#endif
#ifndef PTRACE_O_TRACEVFORK
#define PTRACE_O_TRACEVFORK 0x04
#endif
#ifndef PTRACE_O_TRACECLONE
#define PTRACE_O_TRACECLONE 0x08
#endif
#ifndef PTRACE_O_TRACEEXEC
#define PTRACE_O_TRACEEXEC 0x10
#endif
#ifndef PTRACE_O_TRACEEXIT
#define PTRACE_O_TRACEEXIT 0x40
#endif
#ifndef PTRACE_O_TRACESECCOMP
#define PTRACE_O_TRACESECCOMP 0x80
#endif
#ifndef PTRACE_O_EXITKILL
#define PTRACE_O_EXITKILL 0x100000
#endif
#define SR_EVENT_FORK 1
#define SR_EVENT_VFORK 2
#define SR_EVENT_CLONE 3
#define SR_EVENT_EXEC 4
#define SR_EVENT_EXIT 6
#define SR_EVENT_SECCOMP 7
#define SR_EVENT_STOP 128

#define SR_SYSCALL_INFO_NONE 0
#define SR_SYSCALL_INFO_ENTRY 1
#define SR_SYSCALL_INFO_EXIT 2
#define SR_SYSCALL_INFO_SECCOMP 3

/* struct ptrace_syscall_info, under our own name: glibc and musl spell it differently. */
struct sr_syscall_info {
	uint8_t op;
	uint8_t pad[3];
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t stack_pointer;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint32_t ret_data;
		} seccomp;
	};
};

/* The kernel's siginfo layout on 64-bit architectures (include/uapi/asm-generic/siginfo.h):
 * three ints, padding to 8, then the union. Spelled out because libcs name the SIGSYS
 * fields differently. */
struct sr_siginfo {
	int32_t signo;
	int32_t errno_;
	int32_t code;
	int32_t pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status; /* SIGCHLD */
		} kill;
		struct {
			uint64_t addr; /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
		} fault;
		struct {
			uint64_t call_addr;
			int32_t syscall;
			uint32_t arch;
		} sys;
		uint8_t raw[112];
	};
};

/* include/uapi/linux/prctl.h */
#define SR_PR_SET_PDEATHSIG 1
#define SR_PR_GET_SECCOMP 21
#define SR_PR_SET_SECCOMP 22
#define SR_PR_SET_NO_NEW_PRIVS 38

#endif
