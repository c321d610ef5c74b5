/*
 * The program ask mode's tests run: a few syscalls a policy may leave out (getpid, mkdir,
 * uname, twice each with the same registers where that matters), each result printed on one
 * line so the test can see what the answer did. Usage: ask-prog DIR (mkdir makes DIR/a).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: error %s\n", what, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	else
		printf("%s: ok\n", what);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: ask-prog DIR\n", stderr);
		return 2;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/a", argv[1]);
	show("getpid", syscall(SYS_getpid));
	show("getpid again", syscall(SYS_getpid));
	show("mkdir 0700", syscall(SYS_mkdirat, -100, path, 0700));
	show("mkdir 0755", syscall(SYS_mkdirat, -100, path, 0755));
	struct utsname u;
	show("uname", syscall(SYS_uname, &u));
	puts("end");
	return 0;
}
