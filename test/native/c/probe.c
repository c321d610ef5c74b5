/*
 * A small static program for the helper's tests in a qemu guest: a few
 * syscalls whose numbers and arguments the test knows, then exit 0. It
 * ignores its arguments (the guest's init passes every binary the same ones).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	if (syscall(SYS_getpid) < 0) {
		perror("probe: getpid");
		return 1;
	}
	int fd = openat(AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("probe: openat /proc/self/status");
		return 1;
	}
	if (close(fd) != 0) {
		perror("probe: close");
		return 1;
	}
	/* A failing call: its error must come back through the trace. */
	if (openat(AT_FDCWD, "/nonexistent/probe", O_RDONLY) >= 0) {
		fputs("probe: /nonexistent/probe opened\n", stderr);
		return 1;
	}
	return 0;
}
