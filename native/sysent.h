/* Per-ABI syscall tables: which arguments the helper decodes. Data only, shared by the
 * arch files (arch_<arch>.h holds the tables of the ABIs a tracee of that arch can use). */
#ifndef SECCOMP_RUN_SYSENT_H
#define SECCOMP_RUN_SYSENT_H

#include <stddef.h>
#include <stdint.h>

/* Bits of sysent.str: argument i is a NUL-terminated string (a path, an xattr name...). */
#define S0 0x01
#define S1 0x02
#define S2 0x04
#define S3 0x08

struct sysent {
	uint16_t nr;
	const char *name; /* for the table test and for readers; the helper reports numbers */
	uint8_t str;      /* bit mask of string arguments */
	uint8_t argv;     /* 1 + index of a NULL-terminated argv array, or 0 */
	uint8_t buf;      /* 1 + index of a buffer whose length is the return value, or 0 */
};

struct abi_table {
	uint32_t audit_arch;
	const struct sysent *ents;
	size_t n;
};

#endif
