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
 * The child and the report: filtered-child.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filtered-child.h"

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

/* An event is nr, a0..a5. */
static long make_call(const void *event) {
  const long *ev = event;
  return raw_syscall6(ev[0], ev[1], ev[2], ev[3], ev[4], ev[5], ev[6]);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s probe | check FILTER... | run FILTER EVENTS\n", argv[0]);
    return 2;
  }
  map_shared_report();

  if (strcmp(argv[1], "probe") == 0) {
    struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {1, &allow};
    run_one(&prog, make_call, NULL);
  } else if (strcmp(argv[1], "check") == 0) {
    for (int i = 2; i < argc; i++) {
      struct sock_fprog prog;
      prog.filter = read_filter(argv[i], &prog.len);
      run_one(&prog, make_call, NULL);
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
      run_one(&prog, make_call, ev);
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
