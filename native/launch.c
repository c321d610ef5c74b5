/* Starting the program, the same way in both modes; see launch.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "events.h"
#include "kabi.h"
#include "launch.h"

static struct sigaction orig_sigpipe;

void ignore_sigpipe(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, &orig_sigpipe) < 0)
		die(EXIT_INTERNAL, "sigaction: %s", strerror(errno));
}

pid_t fork_child(struct child_pipes *ends)
{
	int go[2], report[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0)
		die(EXIT_INTERNAL, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		die(EXIT_INTERNAL, "fork: %s", strerror(errno));
	bool child = pid == 0;
	close(child ? go[1] : go[0]);
	close(child ? report[0] : report[1]);
	ends->go = child ? go[0] : go[1];
	ends->report = child ? report[1] : report[0];
	return pid;
}

void child_begin(pid_t parent)
{
	/* If the helper dies before it holds the child (PTRACE_SEIZE, the listener), nothing else
	 * would kill it; the death signal does. */
	if (prctl(SR_PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		_exit(EXIT_INTERNAL);
	sigaction(SIGPIPE, &orig_sigpipe, NULL);
}

void child_fail(int fd, int stage)
{
	struct child_report r = {stage, errno};
	ssize_t n = write(fd, &r, sizeof r);
	(void)n;
	_exit(EXIT_NOT_FOUND);
}

bool read_child_report(int fd, struct child_report *r)
{
	ssize_t n;
	do
		n = read(fd, r, sizeof *r);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof *r;
}

void child_wait_go(int fd)
{
	char c;
	ssize_t n;
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(EXIT_INTERNAL);
}

void release_child(int fd)
{
	ssize_t wr;
	do
		wr = write(fd, "x", 1);
	while (wr < 0 && errno == EINTR);
	if (wr != 1)
		die(EXIT_INTERNAL, "starting the child: %s", strerror(errno));
	close(fd);
}

void die_seccomp_failed(int err, const char *call)
{
	if (err == EINVAL)
		die(EXIT_REJECTED, "the kernel rejected the filter (EINVAL)");
	if (err == ENOSYS)
		die(EXIT_UNSUPPORTED, "this kernel has no seccomp() system call");
	die(EXIT_INTERNAL, "%s: %s", call, strerror(err));
}

struct timespec deadline_after(double seconds)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	double whole = (double)(long)seconds;
	t.tv_sec += (time_t)whole;
	t.tv_nsec += (long)((seconds - whole) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}
