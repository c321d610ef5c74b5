/*
 * Kernel-in-the-loop helper for test/kernel/bpf-kernel.test.ts (built at test time).
 *
 *   runner probe
 *       Installs an allow-all filter in a child; prints "accept" or "reject <errno>".
 *   runner check FILTER...
 *       For each raw struct sock_filter file, tries to install it in a child;
 *       prints "accept" or "reject <errno>" per file.
 *   runner run FILTER EVENTS
 *       Prints "ip <hex> pid <runner pid>", then for each line "nr a0 a1 a2 a3 a4 a5"
 *       of EVENTS (strtoull base 0) forks a child that installs FILTER and makes
 *       that raw syscall, and prints one of
 *         ret <raw return value> <child pid>
 *         trap <si_syscall> <si_errno> <si_arch hex>
 *         signal <n>
 *         reject <errno>
 *
 * After the filter is installed every syscall the child makes is filtered, so
 * the child reports through shared memory before trying to exit, and the
 * parent ignores how it eventually dies when a report is present.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
  volatile int trap_nr;
  volatile int trap_errno;
  volatile unsigned trap_arch;
};

static struct report *shared;

/* Leaves without relying on any particular syscall being allowed. */
static _Noreturn void die(void) {
  syscall(SYS_exit_group, 0);
  syscall(SYS_exit, 0);
  for (;;) __builtin_trap();
}

extern const char seccomp_runner_after_syscall[];

__attribute__((noinline, noclone)) static long raw_syscall6(long nr, long a0, long a1, long a2, long a3, long a4,
                                                            long a5) {
  long ret;
  register long r10 __asm__("r10") = a3;
  register long r8 __asm__("r8") = a4;
  register long r9 __asm__("r9") = a5;
  __asm__ volatile("syscall\n\t"
                   ".globl seccomp_runner_after_syscall\n"
                   "seccomp_runner_after_syscall:"
                   : "=a"(ret)
                   : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  shared->trap_nr = si->si_syscall;
  shared->trap_errno = si->si_errno;
  shared->trap_arch = si->si_arch;
  shared->state = TRAPPED;
  die();
}

/* Child side: prepare, install the filter, then (if nr >= 0) make the syscall. Never returns. */
static _Noreturn void child(struct sock_fprog *prog, const long *ev) {
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
    _exit(0); /* no filter installed: ordinary exit is fine */
  }
  if (ev == NULL) {
    shared->state = ACCEPTED;
    die();
  }
  long r = raw_syscall6(ev[0], ev[1], ev[2], ev[3], ev[4], ev[5], ev[6]);
  if (shared->state == NONE) {
    shared->ret = r;
    shared->state = RETURNED;
  }
  die();
}

/* Runs one child; prints its outcome. */
static void run_one(struct sock_fprog *prog, const long *ev) {
  memset((void *)shared, 0, sizeof *shared);
  if (fflush(stdout) != 0) fail("fflush");
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) child(prog, ev);
  int status;
  if (waitpid(pid, &status, 0) != pid) fail("waitpid");
  switch (shared->state) {
    case RETURNED:
      printf("ret %ld %ld\n", shared->ret, (long)pid);
      break;
    case TRAPPED:
      printf("trap %d %d 0x%x\n", shared->trap_nr, shared->trap_errno, shared->trap_arch);
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

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s probe | check FILTER... | run FILTER EVENTS\n", argv[0]);
    return 2;
  }
  shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) fail("mmap");

  if (strcmp(argv[1], "probe") == 0) {
    struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {1, &allow};
    run_one(&prog, NULL);
  } else if (strcmp(argv[1], "check") == 0) {
    for (int i = 2; i < argc; i++) {
      struct sock_fprog prog;
      prog.filter = read_filter(argv[i], &prog.len);
      run_one(&prog, NULL);
      free(prog.filter);
    }
  } else if (strcmp(argv[1], "run") == 0 && argc == 4) {
    struct sock_fprog prog;
    prog.filter = read_filter(argv[2], &prog.len);
    printf("ip 0x%lx pid %ld\n", (unsigned long)(uintptr_t)seccomp_runner_after_syscall, (long)getpid());
    FILE *events = fopen(argv[3], "r");
    if (!events) fail(argv[3]);
    char line[512];
    while (fgets(line, sizeof line, events)) {
      long ev[7];
      char *p = line, *end;
      int n = 0;
      for (; n < 7; n++) {
        errno = 0;
        unsigned long long v = strtoull(p, &end, 0);
        if (end == p || errno != 0) break;
        ev[n] = (long)v;
        p = end;
      }
      if (n == 0) continue;
      if (n != 7) {
        fprintf(stderr, "bad event line: %s", line);
        return 2;
      }
      run_one(&prog, ev);
    }
    if (ferror(events)) fail("fgets");
    if (fclose(events) != 0) fail("fclose");
    free(prog.filter);
  } else {
    fprintf(stderr, "unknown command %s\n", argv[1]);
    return 2;
  }
  if (fflush(stdout) != 0) fail("fflush");
  return 0;
}
