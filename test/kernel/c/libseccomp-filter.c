/*
 * Builds a filter with libseccomp: the libseccomp side of
 * test/kernel/libseccomp-diff.test.ts, and of bench/profile.mjs (which runs
 * libseccomp's program in our interpreter). Built at run time.
 *   lsc RULES OUT
 * RULES: first line "DEFAULT <action>", then any of
 *   ARCH <x86_64|x86|x32>...            (replaces the native arch; before any RULE)
 *   BADARCH <action>
 *   OPTIMIZE <1|2>                      SCMP_FLTATR_CTL_OPTIMIZE (2: binary tree, libseccomp's -O)
 *   RULE <action> <syscall name> [<arg> <32|64> <EQ|NE|LT|LE|GT|GE|MASKED_EQ> <a> [<b>]]...
 *     width 32: SCMP_CMP32 (what SCMP_A<n>_32 expands to); 64: SCMP_CMP64 (SCMP_A<n>)
 * action: ALLOW | LOG | KILL_PROCESS | KILL_THREAD | TRAP | NOTIFY | ERRNO <n> | TRACE <n>
 * Writes the filter as raw struct sock_filter (seccomp_export_bpf) to OUT.
 */
#define _GNU_SOURCE
#include "rules-reader.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s RULES OUT\n", argv[0]);
    return 2;
  }
  FILE *in = fopen(argv[1], "r");
  if (!in) {
    perror(argv[1]);
    return 2;
  }
  scmp_filter_ctx ctx = NULL;
  int arch_set = 0;
  char line[1024];
  while (fgets(line, sizeof line, in)) {
    lineno++;
    char *save = NULL;
    char *kw = strtok_r(line, " \t\n", &save);
    if (!kw) continue;
    if (!ctx) {
      if (strcmp(kw, "DEFAULT") != 0) bad("the first line must be DEFAULT", kw);
      ctx = seccomp_init(action(&save));
      if (!ctx) bad("seccomp_init failed", NULL);
      continue;
    }
    int rc;
    if (strcmp(kw, "ARCH") == 0) {
      if (!arch_set) {
        if ((rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) != 0) failed("seccomp_arch_remove", rc);
        arch_set = 1;
      }
      for (char *a = next(&save); a; a = next(&save)) {
        if ((rc = seccomp_arch_add(ctx, arch_token(a))) != 0) failed("seccomp_arch_add", rc);
      }
    } else if (strcmp(kw, "OPTIMIZE") == 0) {
      if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t)number(&save))) != 0) failed("seccomp_attr_set", rc);
    } else if (strcmp(kw, "BADARCH") == 0) {
      if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, action(&save))) != 0) failed("seccomp_attr_set", rc);
    } else if (strcmp(kw, "RULE") == 0) {
      uint32_t act = action(&save);
      char *name = next(&save);
      if (!name) bad("missing syscall", NULL);
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR) bad("unknown syscall", name);
      struct scmp_arg_cmp cmps[6];
      unsigned n = 0;
      for (char *tok = next(&save); tok; tok = next(&save)) {
        if (n == 6) bad("too many comparisons", NULL);
        char *end;
        unsigned long arg = strtoul(tok, &end, 10);
        if (*end != '\0' || arg > 5) bad("bad argument index", tok);
        char *width = next(&save), *op = next(&save);
        if (!width || !op) bad("incomplete comparison", NULL);
        enum scmp_compare cmp = op_of(op);
        uint64_t a = number(&save), b = cmp == SCMP_CMP_MASKED_EQ ? number(&save) : 0;
        if (strcmp(width, "32") == 0)
          cmps[n] = cmp == SCMP_CMP_MASKED_EQ ? SCMP_CMP32((unsigned)arg, cmp, a, b) : SCMP_CMP32((unsigned)arg, cmp, a);
        else if (strcmp(width, "64") == 0)
          cmps[n] = cmp == SCMP_CMP_MASKED_EQ ? SCMP_CMP64((unsigned)arg, cmp, a, b) : SCMP_CMP64((unsigned)arg, cmp, a);
        else
          bad("width must be 32 or 64", width);
        n++;
      }
      if ((rc = seccomp_rule_add_array(ctx, act, nr, n, cmps)) != 0) failed("seccomp_rule_add_array", rc);
    } else {
      bad("unknown keyword", kw);
    }
  }
  if (ferror(in)) bad("read error", NULL);
  if (fclose(in) != 0) bad("fclose failed", NULL);
  if (!ctx) bad("empty rules", NULL);
  return export_filter(ctx, argv[2]);
}
