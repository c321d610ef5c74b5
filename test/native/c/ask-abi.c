/*
 * Compiled (never run) by test/native/ask.test.ts: the helper's own spelling of the seccomp
 * user-notification ABI (native/ask.h, written out for musl, which does not see the kernel
 * headers) must equal this machine's <linux/seccomp.h>, value by value and field by field.
 */
#include <stddef.h>
#include <linux/ioctl.h>
#include <linux/seccomp.h>
#include "../../../native/ask.h"

#define SAME_FIELD(ours, theirs, f)                                                   \
	_Static_assert(offsetof(struct ours, f) == offsetof(struct theirs, f), #f " offset"); \
	_Static_assert(sizeof(((struct ours *)0)->f) == sizeof(((struct theirs *)0)->f), #f " size")

_Static_assert(SR_SECCOMP_GET_NOTIF_SIZES == SECCOMP_GET_NOTIF_SIZES, "GET_NOTIF_SIZES");
_Static_assert(SR_SECCOMP_FILTER_FLAG_NEW_LISTENER == SECCOMP_FILTER_FLAG_NEW_LISTENER, "NEW_LISTENER");
_Static_assert(SR_SECCOMP_USER_NOTIF_FLAG_CONTINUE == SECCOMP_USER_NOTIF_FLAG_CONTINUE, "FLAG_CONTINUE");
_Static_assert(SR_RET_USER_NOTIF == SECCOMP_RET_USER_NOTIF, "RET_USER_NOTIF");
_Static_assert(SR_SECCOMP_IOCTL_NOTIF_RECV == SECCOMP_IOCTL_NOTIF_RECV, "IOCTL_NOTIF_RECV");
_Static_assert(SR_SECCOMP_IOCTL_NOTIF_SEND == SECCOMP_IOCTL_NOTIF_SEND, "IOCTL_NOTIF_SEND");
_Static_assert(SR_SECCOMP_IOCTL_NOTIF_ID_VALID == SECCOMP_IOCTL_NOTIF_ID_VALID, "IOCTL_NOTIF_ID_VALID");

_Static_assert(sizeof(struct sr_seccomp_data) == sizeof(struct seccomp_data), "seccomp_data size");
SAME_FIELD(sr_seccomp_data, seccomp_data, nr);
SAME_FIELD(sr_seccomp_data, seccomp_data, arch);
SAME_FIELD(sr_seccomp_data, seccomp_data, instruction_pointer);
SAME_FIELD(sr_seccomp_data, seccomp_data, args);

_Static_assert(sizeof(struct sr_seccomp_notif_sizes) == sizeof(struct seccomp_notif_sizes), "notif_sizes size");
SAME_FIELD(sr_seccomp_notif_sizes, seccomp_notif_sizes, seccomp_notif);
SAME_FIELD(sr_seccomp_notif_sizes, seccomp_notif_sizes, seccomp_notif_resp);
SAME_FIELD(sr_seccomp_notif_sizes, seccomp_notif_sizes, seccomp_data);

_Static_assert(sizeof(struct sr_seccomp_notif) == sizeof(struct seccomp_notif), "seccomp_notif size");
SAME_FIELD(sr_seccomp_notif, seccomp_notif, id);
SAME_FIELD(sr_seccomp_notif, seccomp_notif, pid);
SAME_FIELD(sr_seccomp_notif, seccomp_notif, flags);
SAME_FIELD(sr_seccomp_notif, seccomp_notif, data);

_Static_assert(sizeof(struct sr_seccomp_notif_resp) == sizeof(struct seccomp_notif_resp), "seccomp_notif_resp size");
SAME_FIELD(sr_seccomp_notif_resp, seccomp_notif_resp, id);
SAME_FIELD(sr_seccomp_notif_resp, seccomp_notif_resp, val);
SAME_FIELD(sr_seccomp_notif_resp, seccomp_notif_resp, error);
SAME_FIELD(sr_seccomp_notif_resp, seccomp_notif_resp, flags);

int main(void) { return 0; }
