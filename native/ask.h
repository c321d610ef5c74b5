/* Ask mode (--ask): the program runs under a filter whose not-allowed decisions return
 * SECCOMP_RET_USER_NOTIF; the helper holds the listener and asks its reader, once per
 * notification, what to do. See docs/trace-protocol.md, "Ask mode". No ptrace is involved. */
#ifndef SECCOMP_RUN_ASK_H
#define SECCOMP_RUN_ASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kabi.h"

/* include/uapi/linux/seccomp.h (Linux 5.0; _IOW ID_VALID since 5.17, the _IOR spelling before
 * it is still accepted). Spelled out under our own names for musl, which does not see the
 * kernel headers; test/native/c/ask-abi.c checks every value against <linux/seccomp.h>. */
#define SR_SECCOMP_GET_NOTIF_SIZES 3
#define SR_SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#define SR_SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)

struct sr_seccomp_data {
	int32_t nr;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t args[6];
};

struct sr_seccomp_notif_sizes {
	uint16_t seccomp_notif;
	uint16_t seccomp_notif_resp;
	uint16_t seccomp_data;
};

struct sr_seccomp_notif {
	uint64_t id;
	uint32_t pid;
	uint32_t flags;
	struct sr_seccomp_data data;
};

struct sr_seccomp_notif_resp {
	uint64_t id;
	int64_t val;
	int32_t error;
	uint32_t flags;
};

/* _IOC(dir, '!', nr, size) with the generic encoding x86_64 and aarch64 share:
 * dir << 30 | size << 16 | type << 8 | nr; _IOC_WRITE = 1, _IOC_READ = 2. */
#define SR_IOC(dir, nr, size) (((unsigned long)(dir) << 30) | ((unsigned long)(size) << 16) | ((unsigned long)'!' << 8) | (nr))
#define SR_SECCOMP_IOCTL_NOTIF_RECV SR_IOC(3, 0, sizeof(struct sr_seccomp_notif))
#define SR_SECCOMP_IOCTL_NOTIF_SEND SR_IOC(3, 1, sizeof(struct sr_seccomp_notif_resp))
#define SR_SECCOMP_IOCTL_NOTIF_ID_VALID SR_IOC(1, 2, sizeof(uint64_t))

/* What seccomp-run.c hands over: the parsed options that matter here. The events go to the
 * stream of events.h, already open. */
struct ask_params {
	const char *path;                   /* the resolved command */
	char **argv;                        /* its arguments */
	const struct sr_sock_filter *filter; /* the policy's program, not-allowed actions = USER_NOTIF */
	size_t filter_len;
	int answers_fd;                     /* where the answers come from, one line each */
	double timeout;                     /* seconds, 0 = none */
	const char *arch_name;              /* the hello line's "arch" and "abi" */
	uint32_t arch_audit;
};

/* Runs the program and answers its notifications; returns the helper's exit code (the
 * program's status, or one of the helper's own codes). Writes every event, including done. */
int ask_run(const struct ask_params *p);

#endif
