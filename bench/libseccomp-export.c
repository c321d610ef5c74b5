/*
 * Builds a filter with libseccomp and writes it as raw struct sock_filter
 * (seccomp_export_bpf), so bench/profile.mjs can run libseccomp's program in
 * our BPF interpreter next to ours. Built by the benchmark at run time:
 *   cc -std=c11 -Wall -Wextra -Werror -o lsc-export libseccomp-export.c -lseccomp
 *   lsc-export RULES OUT
 * RULES, one directive a line:
 *   DEFAULT <action>                      first line
 *   OPTIMIZE <1|2>                        SCMP_FLTATR_CTL_OPTIMIZE (2: binary tree, `-O`)
 *   RULE <action> <syscall> [<arg> <EQ|NE|LT|LE|GT|GE|MASKED_EQ> <a> [<b>]]...
 *                                         64-bit comparisons (SCMP_CMP64), as Docker's profile does
 * action: ALLOW | ERRNO <n> | KILL_PROCESS
 * Only the native arch: the benchmark compares x86_64 filters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Noreturn void die(const char *what, const char *detail) {
  fprintf(stderr, "lsc-export: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  exit(2);
}

static char *token(char **save) { return strtok_r(NULL, " \t\n", save); }

static uint64_t number(char **save) {
  char *tok = token(save), *end;
  if (!tok) die("missing number", NULL);
  errno = 0;
  unsigned long long v = strtoull(tok, &end, 0);
  if (errno != 0 || *end != '\0') die("bad number", tok);
  return (uint64_t)v;
}

static uint32_t action(char **save) {
  char *tok = token(save);
  if (!tok) die("missing action", NULL);
  if (strcmp(tok, "ALLOW") == 0) return SCMP_ACT_ALLOW;
  if (strcmp(tok, "KILL_PROCESS") == 0) return SCMP_ACT_KILL_PROCESS;
  if (strcmp(tok, "ERRNO") == 0) return SCMP_ACT_ERRNO((uint16_t)number(save));
  die("unknown action", tok);
}

static enum scmp_compare compare(const char *tok) {
  static const struct { const char *name; enum scmp_compare op; } ops[] = {
    {"EQ", SCMP_CMP_EQ}, {"NE", SCMP_CMP_NE}, {"LT", SCMP_CMP_LT}, {"LE", SCMP_CMP_LE},
    {"GT", SCMP_CMP_GT}, {"GE", SCMP_CMP_GE}, {"MASKED_EQ", SCMP_CMP_MASKED_EQ},
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(tok, ops[i].name) == 0) return ops[i].op;
  die("unknown comparison", tok);
}

int main(int argc, char **argv) {
  if (argc != 3) die("usage: lsc-export RULES OUT", NULL);
  FILE *in = fopen(argv[1], "r");
  if (!in) die("cannot open", argv[1]);
  scmp_filter_ctx ctx = NULL;
  char line[4096];
  int rc;
  while (fgets(line, sizeof line, in)) {
    char *save = NULL;
    char *kw = strtok_r(line, " \t\n", &save);
    if (!kw) continue;
    if (!ctx) {
      if (strcmp(kw, "DEFAULT") != 0) die("the first line must be DEFAULT", kw);
      if (!(ctx = seccomp_init(action(&save)))) die("seccomp_init failed", NULL);
    } else if (strcmp(kw, "OPTIMIZE") == 0) {
      if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t)number(&save))) != 0) die("seccomp_attr_set", strerror(-rc));
    } else if (strcmp(kw, "RULE") == 0) {
      uint32_t act = action(&save);
      char *name = token(&save);
      if (!name) die("missing syscall", NULL);
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR) die("unknown syscall", name);
      struct scmp_arg_cmp cmps[6];
      unsigned n = 0;
      for (char *tok = token(&save); tok; tok = token(&save)) {
        if (n == 6) die("too many comparisons", name);
        char *end;
        unsigned long arg = strtoul(tok, &end, 10);
        if (*end != '\0' || arg > 5) die("bad argument index", tok);
        char *op = token(&save);
        if (!op) die("missing comparison", name);
        enum scmp_compare cmp = compare(op);
        uint64_t a = number(&save), b = cmp == SCMP_CMP_MASKED_EQ ? number(&save) : 0;
        cmps[n++] = cmp == SCMP_CMP_MASKED_EQ ? SCMP_CMP64((unsigned)arg, cmp, a, b) : SCMP_CMP64((unsigned)arg, cmp, a);
      }
      if ((rc = seccomp_rule_add_array(ctx, act, nr, n, cmps)) != 0) die(name, strerror(-rc));
    } else {
      die("unknown directive", kw);
    }
  }
  fclose(in);
  if (!ctx) die("empty rules", NULL);
  int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) die("cannot write", argv[2]);
  if ((rc = seccomp_export_bpf(ctx, fd)) != 0) die("seccomp_export_bpf", strerror(-rc));
  if (close(fd) != 0) die("close", strerror(errno));
  seccomp_release(ctx);
  return 0;
}
