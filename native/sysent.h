/* Per-ABI syscall tables: which arguments the helper decodes. Data only, shared by the
 * arch files (arch_<arch>.h holds the tables of the ABIs a tracee of that arch can use). */
#ifndef SECCOMP_RUN_SYSENT_H
#define SECCOMP_RUN_SYSENT_H

#include <stddef.h>
#include <stdint.h>

/* Bits of sysent.str: register i holds a NUL-terminated string (a path, an xattr name...). */
#define S0 0x01
#define S1 0x02
#define S2 0x04
#define S3 0x08
#define S4 0x10
#define S5 0x20

/* arch/x86/include/uapi/asm/unistd.h: set in every x32 syscall number. */
#define SR_X32_SYSCALL_BIT 0x40000000u

/* The tables are generated (native/sysent_<arch>.h, scripts/gen-kernel-tables.mjs); indexes
 * are registers (seccomp_data.args), which on some ABIs differ from C parameter positions. */
struct sysent {
	uint16_t nr;      /* without the ABI's number bit (x32) */
	const char *name; /* for the table test and for readers; the helper reports numbers */
	uint8_t str;      /* bit mask of string arguments */
	uint8_t argv;     /* 1 + register of a NULL-terminated argv array, or 0 */
	uint8_t buf;      /* 1 + register of a buffer whose length is the return value, or 0 */
};

struct abi_table {
	uint32_t audit_arch;
	uint32_t nr_bit; /* set in every number of this ABI (x32), else 0 */
	const struct sysent *ents;
	size_t n;
};

#endif
