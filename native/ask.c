/* Ask mode: run the command under a filter whose not-allowed decisions are
 * SECCOMP_RET_USER_NOTIF, hold the listener, and for each notification ask the reader (an "ask"
 * event) and apply its answer (a line on the answers fd): let the call run, fail it with an
 * errno, or kill the process. No ptrace: this is a decisions-only run. docs/trace-protocol.md,
 * "Ask mode", describes the messages; this file follows it.
 *
 * Getting the listener: seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER) returns it in the child, after
 * which any syscall the child makes may itself be a notification that nobody reads yet. So the
 * child tells us the descriptor number it will get *before* installing (the lowest free one),
 * we take it with pidfd_getfd (Linux 5.6) once it exists, and the child waits on a pipe until we
 * hold it. Until the child's execve succeeds (our close-on-exec sync pipe hangs up), its
 * notifications are the helper's own calls and are let through unasked, except execve itself,
 * which belongs to the program. */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ask.h"
#include "events.h"
#include "launch.h"

/* Same numbers on x86_64 and aarch64 (the unified table from 424 on). */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

extern char **environ;

static const struct ask_params *P;
static pid_t main_pid;
static int main_status = -1;
static int listener = -1;
static int sync_r = -1; /* the child's close-on-exec report pipe; hangs up at its execve */
static bool exec_done;
static bool timed_out;

/* Notifications asked about and not answered yet: the answer's id names one. */
struct pending {
	uint64_t id;
	pid_t pid;
};
static struct pending *pend;
static size_t npend, cappend;

/* Kill a process and everything below it. Its children are listed before it dies (after, they
 * would be reparented); a process that forks during the walk may escape, which is why the
 * main loop calls this again while it reaps. Without CONFIG_PROC_CHILDREN only `pid` dies. */
static void kill_tree(pid_t pid, int depth)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	pid_t kids[256];
	size_t n = 0;
	DIR *d = depth < 64 ? opendir(path) : NULL;
	struct dirent *t;
	while (d && (t = readdir(d)) && n < sizeof kids / sizeof kids[0]) {
		if (t->d_name[0] == '.')
			continue;
		char cpath[320];
		snprintf(cpath, sizeof cpath, "/proc/%d/task/%s/children", (int)pid, t->d_name);
		FILE *f = fopen(cpath, "re");
		long c;
		while (f && n < sizeof kids / sizeof kids[0] && fscanf(f, "%ld", &c) == 1)
			kids[n++] = (pid_t)c;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	kill(pid, SIGKILL); /* ESRCH: gone already */
	for (size_t i = 0; i < n; i++)
		kill_tree(kids[i], depth + 1);
}

/* Kill what we know of the program: every process with a question open, and our children
 * with everything below them (the first process, and orphans: we are their subreaper). */
static void kill_known(void)
{
	for (size_t i = 0; i < npend; i++)
		kill(pend[i].pid, SIGKILL);
	if (main_pid > 0 && main_status < 0)
		kill_tree(main_pid, 0);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	FILE *f = fopen(path, "re");
	long pid;
	while (f && fscanf(f, "%ld", &pid) == 1)
		kill_tree((pid_t)pid, 0);
	if (f)
		fclose(f);
}

/* ---- the child ------------------------------------------------------------------------- */

/* The child's reports (struct child_report); STAGE_LISTENER's value is the descriptor number. */
enum { STAGE_NNP = 1, STAGE_LISTENER, STAGE_SECCOMP, STAGE_EXEC };

static void __attribute__((noreturn)) child(int sync_w, int go_r, pid_t parent, const sigset_t *mask)
{
	child_begin(parent);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (prctl(SR_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(sync_w, STAGE_NNP);
	/* seccomp() returns the lowest free descriptor: find it now and say so while we still can. */
	int next = dup(sync_w);
	if (next < 0)
		child_fail(sync_w, STAGE_LISTENER);
	close(next);
	struct child_report m = {STAGE_LISTENER, next};
	if (write(sync_w, &m, sizeof m) != (ssize_t)sizeof m)
		_exit(EXIT_INTERNAL);
	struct sr_sock_fprog prog = {(unsigned short)P->filter_len, (struct sr_sock_filter *)P->filter};
	if (syscall(SYS_seccomp, SR_SECCOMP_SET_MODE_FILTER, SR_SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0)
		child_fail(sync_w, STAGE_SECCOMP);
	/* Raw calls from here; each may be a notification, which the supervisor lets through.
	 * A closed pipe instead of the go byte: the supervisor could not take the listener. */
	child_wait_go(go_r);
	syscall(SYS_execve, P->path, P->argv, environ);
	child_fail(sync_w, STAGE_EXEC);
}

/* ---- events ---------------------------------------------------------------------------- */

static void emit_hello(pid_t tracer)
{
	struct ev_hello h = {
		.pid = main_pid,
		.tracer = tracer,
		.mode = "enforce",
		.install = "before-exec",
		.ask = true,
		.arch = P->arch_name,
		.abi = P->arch_audit,
		.instructions = P->filter_len,
		.cpu = -1,
		.path = P->path,
		.argv = P->argv,
	};
	ev_hello(&h);
}

/* ---- start-up -------------------------------------------------------------------------- */

/* The child died or reported a failure before it ran the program. */
static void __attribute__((noreturn)) startup_failed(const struct child_report *m)
{
	switch (m->stage) {
	case STAGE_NNP:
		die(EXIT_INTERNAL, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(m->value));
	case STAGE_LISTENER:
		die(EXIT_INTERNAL, "finding a free descriptor for the listener: %s", strerror(m->value));
	case STAGE_SECCOMP:
		die_seccomp_failed(m->value, "seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER)");
	default:
		die(m->value == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC, "cannot execute %s: %s", P->argv[0],
		    strerror(m->value));
	}
}

static bool is_listener(int fd)
{
	uint64_t id = 0; /* ids are random 64-bit numbers: 0 is never pending, so ENOENT */
	return ioctl(fd, SR_SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0 || errno == ENOENT;
}

/* Take descriptor `nr` of the child once its seccomp() has made it the listener. */
static int take_listener(int nr)
{
	int pidfd = (int)syscall(SYS_pidfd_open, main_pid, 0);
	if (pidfd < 0)
		die(errno == ENOSYS ? EXIT_UNSUPPORTED : EXIT_INTERNAL, "pidfd_open: %s%s", strerror(errno),
		    errno == ENOSYS ? " (ask mode needs Linux 5.6)" : "");
	for (;;) {
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, nr, 0);
		if (fd >= 0) {
			if (!is_listener(fd))
				die(EXIT_INTERNAL, "descriptor %d of the child is not a seccomp listener", nr);
			close(pidfd);
			return fd;
		}
		if (errno == ENOSYS)
			die(EXIT_UNSUPPORTED, "this kernel lacks pidfd_getfd (ask mode needs Linux 5.6)");
		if (errno == EPERM)
			die(EXIT_NO_PTRACE, "cannot take the listener: pidfd_getfd: %s", strerror(errno));
		if (errno != EBADF && errno != EINTR)
			die(EXIT_INTERNAL, "pidfd_getfd: %s", strerror(errno));
		/* Not installed yet (the child is between its report and seccomp()), or it failed. */
		struct pollfd pf = {sync_r, POLLIN, 0};
		if (poll(&pf, 1, 1) > 0) {
			struct child_report m;
			if (read_child_report(sync_r, &m))
				startup_failed(&m);
			die(EXIT_INTERNAL, "the child died before installing the filter");
		}
	}
}

/* ---- notifications and answers --------------------------------------------------------- */

static size_t notif_size, resp_size;
static void *notif_buf, *resp_buf;

static void respond(uint64_t id, int32_t error, uint32_t flags)
{
	memset(resp_buf, 0, resp_size);
	struct sr_seccomp_notif_resp *r = resp_buf;
	r->id = id;
	r->error = error;
	r->flags = flags;
	if (ioctl(listener, SR_SECCOMP_IOCTL_NOTIF_SEND, resp_buf) < 0 && errno != ENOENT)
		die(EXIT_INTERNAL, "SECCOMP_IOCTL_NOTIF_SEND: %s", strerror(errno));
	/* ENOENT: the call is gone (the task was killed, or a signal interrupted it; a restarted
	 * call comes back as a new notification). */
}

/* Whether the first process has exec'd the program: its close-on-exec pipe hung up with no
 * report in it (the kernel closes it inside execve, before the new image runs an instruction).
 * The one other way to hang up unreported is to die before the exec: killed at its execve by
 * a kill answer (or by someone else, which we cannot tell from a quick exit of the program). */
static bool killed_at_execve;
static bool exec_confirmed(void)
{
	if (exec_done || killed_at_execve)
		return exec_done;
	struct pollfd pf = {sync_r, POLLIN, 0};
	if (poll(&pf, 1, 0) != 1 || !(pf.revents & POLLHUP) || (pf.revents & POLLIN))
		return false;
	exec_done = true;
	ev_exec(main_pid, 0);
	return true;
}

static void on_notification(void)
{
	memset(notif_buf, 0, notif_size);
	if (ioctl(listener, SR_SECCOMP_IOCTL_NOTIF_RECV, notif_buf) < 0) {
		if (errno == EINTR || errno == ENOENT)
			return; /* ENOENT: the caller went away before we read it */
		die(EXIT_INTERNAL, "SECCOMP_IOCTL_NOTIF_RECV: %s", strerror(errno));
	}
	const struct sr_seccomp_notif *n = notif_buf;
	pid_t pid = (pid_t)n->pid;
	if (!exec_confirmed() && pid == main_pid && n->data.nr != SYS_execve && n->data.nr != SYS_execveat) {
		respond(n->id, 0, SR_SECCOMP_USER_NOTIF_FLAG_CONTINUE); /* the helper's own call */
		return;
	}
	if (timed_out) {
		kill(pid, SIGKILL);
		return;
	}
	if (npend == cappend) {
		cappend = cappend ? cappend * 2 : 16;
		pend = realloc(pend, cappend * sizeof *pend);
		if (!pend)
			sb_oom();
	}
	pend[npend++] = (struct pending){n->id, pid};
	/* The id is a full 64-bit number: a string, like every value that can exceed 2^53. */
	sb_puts(&ev, "{\"type\":\"ask\",\"id\":\"");
	sb_u64(&ev, n->id);
	sb_puts(&ev, "\",\"pid\":");
	sb_i64(&ev, pid);
	ev_call(n->data.arch, n->data.nr, n->data.args, n->data.instruction_pointer);
	sb_puts(&ev, "}\n");
	ev_flush();
}

/* One answer line: "ID allow", "ID errno N" or "ID kill". */
static void on_answer(char *line)
{
	char *end;
	errno = 0;
	unsigned long long id = strtoull(line, &end, 10);
	if (errno || end == line || *end != ' ')
		die(EXIT_USAGE, "bad answer line '%s'", line);
	const char *what = end + 1;
	size_t i;
	for (i = 0; i < npend && pend[i].id != id; i++)
		;
	if (i == npend)
		die(EXIT_USAGE, "answer for %llu, which was not asked", id);
	pid_t pid = pend[i].pid;
	pend[i] = pend[--npend];
	if (strcmp(what, "allow") == 0) {
		respond(id, 0, SR_SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	} else if (strcmp(what, "kill") == 0) {
		if (pid == main_pid && !exec_confirmed())
			killed_at_execve = true;
		/* kill() of any thread's id signals its whole process; the pending call dies with it. */
		if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
			die(EXIT_INTERNAL, "kill %d: %s", (int)pid, strerror(errno));
	} else if (strncmp(what, "errno ", 6) == 0) {
		long e = strtol(what + 6, &end, 10);
		if (end == what + 6 || *end || e < 1 || e > SR_MAX_ERRNO)
			die(EXIT_USAGE, "bad errno in answer '%s'", what);
		respond(id, -(int32_t)e, 0);
	} else {
		die(EXIT_USAGE, "bad answer '%s' (allow, errno N or kill)", what);
	}
}

static char abuf[4096];
static size_t alen;

/* Returns false at the end of the answers stream. */
static bool read_answers(void)
{
	ssize_t n = read(P->answers_fd, abuf + alen, sizeof abuf - alen);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n < 0)
		die(EXIT_INTERNAL, "reading answers: %s", strerror(errno));
	if (n == 0)
		return false;
	alen += (size_t)n;
	char *nl;
	while ((nl = memchr(abuf, '\n', alen))) {
		*nl = 0;
		on_answer(abuf);
		size_t used = (size_t)(nl - abuf) + 1;
		memmove(abuf, abuf + used, alen - used);
		alen -= used;
	}
	if (alen == sizeof abuf)
		die(EXIT_USAGE, "answer line longer than %zu bytes", sizeof abuf);
	return true;
}

/* Reap every child that changed state; returns false once there is none left. */
static bool reap(void)
{
	for (;;) {
		int st;
		pid_t w = waitpid(-1, &st, WNOHANG | __WALL);
		if (w == 0)
			return true;
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				return false;
			die(EXIT_INTERNAL, "waitpid: %s", strerror(errno));
		}
		if (!WIFEXITED(st) && !WIFSIGNALED(st))
			continue;
		if (w == main_pid && !exec_confirmed()) {
			struct child_report m;
			if (read_child_report(sync_r, &m))
				startup_failed(&m);
		}
		ev_death(w, st);
		if (w == main_pid)
			main_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
}

static long ms_until(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (long)(t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms;
}

int ask_run(const struct ask_params *p)
{
	P = p;
	die_cleanup = kill_known;
	struct sr_seccomp_notif_sizes sizes;
	if (syscall(SYS_seccomp, SR_SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		die(EXIT_UNSUPPORTED, "this kernel has no seccomp user notification (needs Linux 5.0): %s",
		    strerror(errno));
	/* A newer kernel may have larger structures: receive into its size, never less than ours. */
	notif_size = sizes.seccomp_notif > sizeof(struct sr_seccomp_notif) ? sizes.seccomp_notif : sizeof(struct sr_seccomp_notif);
	resp_size = sizes.seccomp_notif_resp > sizeof(struct sr_seccomp_notif_resp) ? sizes.seccomp_notif_resp
										   : sizeof(struct sr_seccomp_notif_resp);
	notif_buf = calloc(1, notif_size);
	resp_buf = calloc(1, resp_size);
	if (!notif_buf || !resp_buf)
		sb_oom();
	/* Orphans of the program become our children, so we wait for them too (like strace -f). */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		die(EXIT_INTERNAL, "prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
	ignore_sigpipe();
	sigset_t chld, old;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	/* Without ptrace there is no PTRACE_O_EXITKILL: on these we kill the program, then die of them. */
	sigaddset(&chld, SIGINT);
	sigaddset(&chld, SIGTERM);
	sigaddset(&chld, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &chld, &old) < 0)
		die(EXIT_INTERNAL, "sigprocmask: %s", strerror(errno));
	int sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		die(EXIT_INTERNAL, "signalfd: %s", strerror(errno));
	/* The program must not inherit the answers stream. */
	int fl = fcntl(p->answers_fd, F_GETFD);
	if (fl < 0 || (p->answers_fd > 2 && fcntl(p->answers_fd, F_SETFD, fl | FD_CLOEXEC) < 0))
		die(EXIT_USAGE, "answers fd %d: %s", p->answers_fd, strerror(errno));

	pid_t self = getpid();
	struct child_pipes ends;
	pid_t pid = fork_child(&ends);
	if (pid == 0)
		child(ends.report, ends.go, self, &old);
	main_pid = pid;
	sync_r = ends.report;

	struct child_report m;
	if (!read_child_report(sync_r, &m))
		die(EXIT_INTERNAL, "the child died before installing the filter");
	if (m.stage != STAGE_LISTENER)
		startup_failed(&m);
	listener = take_listener(m.value);
	emit_hello(self);
	ev_install(main_pid, "before-exec", p->filter_len, false, 0);
	ev_flush();
	release_child(ends.go);

	struct timespec deadline = {0, 0};
	if (p->timeout > 0)
		deadline = deadline_after(p->timeout);
	bool listening = true, answering = true;
	for (;;) {
		struct pollfd fds[4] = {
			{listening ? listener : -1, POLLIN, 0},
			{answering ? p->answers_fd : -1, POLLIN, 0},
			{sigfd, POLLIN, 0},
			{exec_done || killed_at_execve ? -1 : sync_r, POLLIN, 0},
		};
		int wait_ms = p->timeout > 0 && !timed_out ? (int)ms_until(&deadline) : -1;
		int n = poll(fds, 4, wait_ms);
		if (n < 0 && errno != EINTR)
			die(EXIT_INTERNAL, "poll: %s", strerror(errno));
		if (n > 0 && fds[3].revents)
			exec_confirmed();
		if (n > 0 && (fds[0].revents & POLLIN))
			on_notification();
		else if (n > 0 && fds[0].revents)
			listening = false; /* POLLHUP: no task uses the filter any more */
		if (n > 0 && fds[1].revents && !read_answers()) {
			answering = false;
			if (!timed_out)
				die(EXIT_INTERNAL, "the answers stream closed; killed the program");
		}
		if (n > 0 && fds[2].revents) {
			struct signalfd_siginfo si;
			while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGCHLD)
					continue;
				kill_known();
				ev_flush();
				int sig = (int)si.ssi_signo;
				sigset_t one;
				sigemptyset(&one);
				sigaddset(&one, sig);
				signal(sig, SIG_DFL);
				sigprocmask(SIG_UNBLOCK, &one, NULL);
				raise(sig);
				_exit(128 + sig);
			}
		}
		if (!reap())
			break;
		if (p->timeout > 0 && !timed_out && ms_until(&deadline) == 0) {
			timed_out = true;
			ev_limit_timeout(p->timeout);
			kill_known();
		} else if (timed_out) {
			kill_known(); /* orphans reparented to us since */
		}
		ev_flush();
	}

	int code = main_status < 0 ? EXIT_INTERNAL : main_status;
	const char *reason = main_status >= 128 ? "signal" : "exit";
	if (timed_out) {
		code = EXIT_TIMEOUT, reason = "timeout";
		fprintf(stderr, "seccomp-run: timed out after %g s; killed the program\n", p->timeout);
	}
	ev_done(code, reason, main_status);
	ev_flush();
	return code;
}
