/* Starting the program, the same way in both modes (seccomp-run.c with ptrace, ask.c without):
 * SIGPIPE, the child's first steps and its report pipe, the go byte, and the run's deadline. */
#ifndef SECCOMP_RUN_LAUNCH_H
#define SECCOMP_RUN_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

/* In the helper: ignore SIGPIPE (a reader that goes away is a write error, not our death),
 * keeping the old action for the child. */
void ignore_sigpipe(void);

/* In the child, first: die with the helper (which may already be gone), and give the program
 * back the SIGPIPE action the helper was started with. */
void child_begin(pid_t parent);

/* The child's report of a failed start-up step, on its close-on-exec pipe. */
struct child_report {
	int stage; /* the mode's own STAGE_* numbers */
	int value; /* an errno, or what the stage reports (ask mode: the listener's number) */
};

/* The two close-on-exec pipes between the helper and its child: the go byte (helper to child)
 * and the child's reports (child to helper). Each side holds its own ends. */
struct child_pipes {
	int go;     /* the helper: write end; the child: read end */
	int report; /* the helper: read end; the child: write end */
};

/* Creates the pipes and forks; returns the child's pid in the helper and 0 in the child, each
 * with its own ends in `ends` and the other side's closed. */
pid_t fork_child(struct child_pipes *ends);

/* In the child: report `stage` with the current errno and exit 127. */
void __attribute__((noreturn)) child_fail(int fd, int stage);

/* In the helper: read one report; false when the pipe closed without one. */
bool read_child_report(int fd, struct child_report *r);

/* In the child: wait for the go byte; exits 70 when the helper closed the pipe instead
 * (it could not take hold of us). */
void child_wait_go(int fd);

/* In the helper: send the go byte and close the pipe. */
void release_child(int fd);

/* The start-up seccomp() in the child failed with `err`: exit 67 (EINVAL: the kernel rejected
 * the filter), 69 (ENOSYS) or 70, naming `call`. */
void __attribute__((noreturn)) die_seccomp_failed(int err, const char *call);

/* The CLOCK_MONOTONIC time `seconds` from now. */
struct timespec deadline_after(double seconds);

#endif
