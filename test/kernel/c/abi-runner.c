/*
 * ABI layout runner (test/kernel/abi-layout-kernel.test.ts): installs one
 * seccomp filter, then makes each syscall of a list with exactly the given
 * register values, and prints what the kernel returned.
 *
 * The filter and the list come from "cases.h", written by the test next to
 * a copy of this file and compiled in (the qemu guest gets only static
 * binaries, no data files):
 *
 *   static const struct sock_filter FILTER[] = { ... };
 *   static const unsigned long long CASES[][7] = { { nr, a0, a1, a2, a3, a4, a5 }, ... };
 *
 * The filter must allow write and exit_group and answer every listed call
 * with an errno (never running it). Output, one line per case:
 *
 *   case INDEX RET        RET: the raw return value, signed (-errno)
 *   done COUNT
 *
 * Builds: gcc -m32 -static (i386: int $0x80 with 32-bit registers),
 * gcc -mx32 -static (x32: the syscall instruction with 64-bit registers),
 * clang --target=aarch64-linux-gnu -static, and
 * clang --target=arm-linux-gnueabihf -marm -static (arm EABI, run as a
 * compat task under an arm64 kernel).
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "cases.h"

#define NCASES (sizeof CASES / sizeof CASES[0])

#if defined(__i386__)
/* Six 32-bit registers: ebx ecx edx esi edi ebp; ebx and ebp are saved by hand. */
static long long call(const unsigned long long *v)
{
	unsigned int w[7];
	for (int i = 0; i < 7; i++)
		w[i] = (unsigned int)v[i];
	long ret;
	unsigned int *p = w;
	/* edi carries the pointer until last: it is also the 5th argument register. */
	__asm__ volatile("pushl %%ebx\n\t"
			 "pushl %%ebp\n\t"
			 "movl 4(%%edi), %%ebx\n\t"
			 "movl 24(%%edi), %%ebp\n\t"
			 "movl 20(%%edi), %%edi\n\t"
			 "int $0x80\n\t"
			 "popl %%ebp\n\t"
			 "popl %%ebx"
			 : "=a"(ret), "+D"(p)
			 : "a"(w[0]), "c"(w[2]), "d"(w[3]), "S"(w[4])
			 : "memory");
	return ret;
}
#elif defined(__x86_64__) && defined(__ILP32__)
/* x32: the numbers carry bit 0x40000000; registers are 64 bits wide, as on x86_64. */
static long long call(const unsigned long long *v)
{
	long long ret;
	register unsigned long long r10 __asm__("r10") = v[4];
	register unsigned long long r8 __asm__("r8") = v[5];
	register unsigned long long r9 __asm__("r9") = v[6];
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(v[0]), "D"(v[1]), "S"(v[2]), "d"(v[3]), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
/* x8: number; x0..x5: arguments; x0: result. */
static long long call(const unsigned long long *v)
{
	register unsigned long long x8 __asm__("x8") = v[0];
	register unsigned long long x0 __asm__("x0") = v[1];
	register unsigned long long x1 __asm__("x1") = v[2];
	register unsigned long long x2 __asm__("x2") = v[3];
	register unsigned long long x3 __asm__("x3") = v[4];
	register unsigned long long x4 __asm__("x4") = v[5];
	register unsigned long long x5 __asm__("x5") = v[6];
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
	return (long long)x0;
}
#elif defined(__arm__)
/* EABI: r7: number; r0..r5: arguments (32 bits each); r0: result. Built with -marm so r7 is free. */
static long long call(const unsigned long long *v)
{
	register unsigned long r7 __asm__("r7") = (unsigned long)v[0];
	register unsigned long r0 __asm__("r0") = (unsigned long)v[1];
	register unsigned long r1 __asm__("r1") = (unsigned long)v[2];
	register unsigned long r2 __asm__("r2") = (unsigned long)v[3];
	register unsigned long r3 __asm__("r3") = (unsigned long)v[4];
	register unsigned long r4 __asm__("r4") = (unsigned long)v[5];
	register unsigned long r5 __asm__("r5") = (unsigned long)v[6];
	__asm__ volatile("svc #0" : "+r"(r0) : "r"(r7), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5) : "memory");
	return (long)r0;
}
#else
#error "abi-runner: i386, x32, aarch64 or arm builds only"
#endif

static char out[64 * 1024];

int main(void)
{
	struct sock_fprog prog = {(unsigned short)(sizeof FILTER / sizeof FILTER[0]), (struct sock_filter *)FILTER};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("abi-runner: installing the filter");
		return 2;
	}
	/* From here on only write and exit_group are allowed: format into a buffer, no stdio. */
	long long rets[NCASES];
	for (size_t i = 0; i < NCASES; i++)
		rets[i] = call(CASES[i]);
	size_t len = 0;
	for (size_t i = 0; i < NCASES && len < sizeof out - 64; i++)
		len += (size_t)snprintf(out + len, sizeof out - len, "case %u %lld\n", (unsigned)i, rets[i]);
	len += (size_t)snprintf(out + len, sizeof out - len, "done %u\n", (unsigned)NCASES);
	const unsigned long long w[7] = {WRITE_NR, 1, (unsigned long)out, len, 0, 0, 0};
	call(w);
	const unsigned long long x[7] = {EXIT_GROUP_NR, 0, 0, 0, 0, 0, 0};
	call(x);
	return 3;
}
