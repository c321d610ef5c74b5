/*
 * Kernel-in-the-loop runner for the compiler tests (built at test time).
 *
 *   runner run FILTER EVENTS
 *     FILTER: raw struct sock_filter array. EVENTS: lines "MODE NR A0 A1 A2 A3 A4 A5"
 *     (strtoull base 0). MODE 0: the native syscall instruction (syscall on
 *     x86_64, int $0x80 in a -m32 build); MODE 1: int $0x80 from 64-bit code.
 *     Prints a header line
 *       runner pid P uid U gid G persona X sched S bits B
 *     then, per event, one of
 *       ret <raw return value> <child pid>
 *       trap <si_syscall as unsigned> <si_errno> <si_arch hex>
 *       signal <n>              (killed without a report: seccomp kill)
 *       reject <errno>          (the kernel refused the filter)
 *       exit <status>
 *
 * After the filter is installed, the child makes exactly one syscall (the
 * event), writes the result to shared memory, then leaves through
 * exit_group / exit / a trap instruction, whichever the filter lets through;
 * the parent ignores how the child ends once a report is present.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>

#include "filtered-child.h"

struct event {
  int mode;
  unsigned long long v[7]; /* nr, a0..a5 */
};

static struct report *shared;

#if defined(__x86_64__)
__attribute__((noinline)) static long native_syscall(const unsigned long long *v) {
  long ret;
  register long r10 __asm__("r10") = (long)v[4];
  register long r8 __asm__("r8") = (long)v[5];
  register long r9 __asm__("r9") = (long)v[6];
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"((long)v[0]), "D"((long)v[1]), "S"((long)v[2]), "d"((long)v[3]), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

/* An i386 syscall from 64-bit code: the full 64-bit registers are loaded. */
__attribute__((noinline)) static long int80_syscall(const unsigned long long *v) {
  long ret;
  __asm__ volatile("lea -128(%%rsp), %%rsp\n\t" /* step over the red zone */
                   "push %%rbx\n\t"
                   "push %%rbp\n\t"
                   "mov 8(%%rax), %%rbx\n\t"
                   "mov 16(%%rax), %%rcx\n\t"
                   "mov 24(%%rax), %%rdx\n\t"
                   "mov 32(%%rax), %%rsi\n\t"
                   "mov 40(%%rax), %%rdi\n\t"
                   "mov 48(%%rax), %%rbp\n\t"
                   "mov 0(%%rax), %%rax\n\t"
                   "int $0x80\n\t"
                   "pop %%rbp\n\t"
                   "pop %%rbx\n\t"
                   "lea 128(%%rsp), %%rsp"
                   : "=a"(ret)
                   : "a"(v)
                   : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
  return ret;
}
#define BITS 64
#elif defined(__i386__)
__attribute__((noinline)) static long native_syscall(const unsigned long long *v) {
  unsigned long w[7];
  for (int i = 0; i < 7; i++) w[i] = (unsigned long)v[i];
  long ret;
  __asm__ volatile("push %%ebx\n\t"
                   "push %%esi\n\t"
                   "push %%edi\n\t"
                   "push %%ebp\n\t"
                   "mov 4(%%eax), %%ebx\n\t"
                   "mov 8(%%eax), %%ecx\n\t"
                   "mov 12(%%eax), %%edx\n\t"
                   "mov 16(%%eax), %%esi\n\t"
                   "mov 20(%%eax), %%edi\n\t"
                   "mov 24(%%eax), %%ebp\n\t"
                   "mov 0(%%eax), %%eax\n\t"
                   "int $0x80\n\t"
                   "pop %%ebp\n\t"
                   "pop %%edi\n\t"
                   "pop %%esi\n\t"
                   "pop %%ebx"
                   : "=a"(ret)
                   : "a"(w)
                   : "ecx", "edx", "memory");
  return ret;
}
static long int80_syscall(const unsigned long long *v) { return native_syscall(v); }
#define BITS 32
#else
#error "x86 only"
#endif

static struct event *read_events(const char *path, size_t *count) {
  FILE *f = fopen(path, "r");
  if (!f) fail(path);
  size_t cap = 64, n = 0;
  struct event *evs = malloc(cap * sizeof *evs);
  if (!evs) fail("malloc");
  char line[512];
  while (fgets(line, sizeof line, f)) {
    char *p = line, *end;
    unsigned long long vals[8];
    int k = 0;
    for (; k < 8; k++) {
      errno = 0;
      unsigned long long x = strtoull(p, &end, 0);
      if (end == p || errno != 0) break;
      vals[k] = x;
      p = end;
    }
    if (k == 0) continue;
    if (k != 8 || vals[0] > 1) {
      fprintf(stderr, "bad event line: %s", line);
      exit(2);
    }
    if (n == cap) {
      cap *= 2;
      struct event *more = realloc(evs, cap * sizeof *evs);
      if (!more) fail("realloc");
      evs = more;
    }
    evs[n].mode = (int)vals[0];
    memcpy(evs[n].v, vals + 1, sizeof evs[n].v);
    n++;
  }
  if (ferror(f)) fail("fgets");
  if (fclose(f) != 0) fail("fclose");
  *count = n;
  return evs;
}

/* Every fd above 2 is closed, so fds 3.. in events are reliably EBADF. */
static void close_other_fds(void) {
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) != 0) fail("getrlimit");
  long top = nofile.rlim_cur == RLIM_INFINITY || nofile.rlim_cur > 65536 ? 65536 : (long)nofile.rlim_cur;
  for (long fd = 3; fd < top; fd++) {
    if (close((int)fd) != 0 && errno != EBADF) fail("close");
  }
}

/* MODE 1: int $0x80 from 64-bit code; MODE 0: the native instruction. */
static long make_call(const void *event) {
  const struct event *ev = event;
  return ev->mode == 1 ? int80_syscall(ev->v) : native_syscall(ev->v);
}

int main(int argc, char **argv) {
  if (argc != 4 || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "usage: %s run FILTER EVENTS\n", argv[0]);
    return 2;
  }
  map_shared_report();
  struct sock_fprog prog;
  prog.filter = read_filter(argv[2], &prog.len);
  size_t count;
  struct event *evs = read_events(argv[3], &count);
  close_other_fds();
  umask(022);
  if (umask(022) != 022) fail("umask");
  int persona = personality(0xffffffff);
  if (persona == -1) fail("personality");
  int sched = sched_getscheduler(0);
  if (sched == -1) fail("sched_getscheduler");
  printf("runner pid %ld uid %lu gid %lu persona %d sched %d bits %d\n", (long)getpid(), (unsigned long)getuid(),
         (unsigned long)getgid(), persona, sched, BITS);
  for (size_t i = 0; i < count; i++) run_one(&prog, make_call, &evs[i]);
  free(evs);
  free(prog.filter);
  if (fflush(stdout) != 0) fail("fflush");
  return 0;
}
