/*
 * Shared by the kernel test runners (runner.c, bpf-runner.c): one child per
 * event that installs the filter and makes one syscall, and the parent's
 * line saying how it went. The runner defines `make_call` (the syscall
 * instruction it tests) and passes it to `run_one`.
 *
 * After the filter is installed every syscall the child makes is filtered,
 * so the child reports through shared memory before trying to exit, and the
 * parent ignores how it eventually dies when a report is present.
 */
#ifndef FILTERED_CHILD_H
#define FILTERED_CHILD_H

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter-file.h"

enum { NONE = 0, RETURNED = 1, TRAPPED = 2, REJECTED = 3, ACCEPTED = 4 };

struct report {
  volatile int state;
  volatile long ret;
  volatile int err;
  volatile unsigned trap_nr;
  volatile int trap_errno;
  volatile unsigned trap_arch;
};

static struct report *shared;

static void map_shared_report(void) {
  shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) fail("mmap");
}

/* Leaves without relying on any particular syscall being allowed. */
static _Noreturn void die(void) {
  syscall(SYS_exit_group, 0);
  syscall(SYS_exit, 0);
  for (;;) __builtin_trap();
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  if (shared->state != NONE) die(); /* a trap on the way out, after the report */
  shared->trap_nr = (unsigned)si->si_syscall;
  shared->trap_errno = si->si_errno;
  shared->trap_arch = si->si_arch;
  shared->state = TRAPPED;
  die();
}

/* Child side: no core dumps, SIGSYS reported, the filter installed; then the call (none for NULL: ACCEPTED). */
static _Noreturn void filtered_child(struct sock_fprog *prog, long (*make_call)(const void *), const void *event) {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) fail("prctl(PR_SET_DUMPABLE)");
  struct rlimit no_core = {0, 0};
  if (setrlimit(RLIMIT_CORE, &no_core) != 0) fail("setrlimit");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  if (sigemptyset(&sa.sa_mask) != 0) fail("sigemptyset");
  if (sigaction(SIGSYS, &sa, NULL) != 0) fail("sigaction");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("prctl(PR_SET_NO_NEW_PRIVS)");
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) != 0) {
    shared->err = errno;
    shared->state = REJECTED;
    _exit(0); /* no filter installed: an ordinary exit is fine */
  }
  if (event == NULL) {
    shared->state = ACCEPTED;
    die();
  }
  long r = make_call(event);
  if (shared->state == NONE) {
    shared->ret = r;
    shared->state = RETURNED;
  }
  die();
}

/* Runs one child; prints its outcome. */
static void run_one(struct sock_fprog *prog, long (*make_call)(const void *), const void *event) {
  memset((void *)shared, 0, sizeof *shared);
  if (fflush(stdout) != 0) fail("fflush");
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) filtered_child(prog, make_call, event);
  int status;
  if (waitpid(pid, &status, 0) != pid) fail("waitpid");
  switch (shared->state) {
    case RETURNED:
      printf("ret %ld %ld\n", shared->ret, (long)pid);
      break;
    case TRAPPED:
      printf("trap %u %d 0x%x\n", shared->trap_nr, shared->trap_errno, shared->trap_arch);
      break;
    case REJECTED:
      printf("reject %d\n", shared->err);
      break;
    case ACCEPTED:
      printf("accept\n");
      break;
    default:
      if (WIFSIGNALED(status))
        printf("signal %d\n", WTERMSIG(status));
      else if (WIFEXITED(status))
        printf("exit %d\n", WEXITSTATUS(status));
      else
        printf("status 0x%x\n", (unsigned)status);
  }
}

#endif
