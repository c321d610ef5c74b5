/*
 * The libseccomp side of test/kernel/oci-diff.test.ts (and bench/oci.mjs): a Docker/OCI profile
 * loaded the way runc loads it, from rules the test has already picked and
 * split (moby's includes/excludes, runc's skipping of default-action entries
 * and its OR of repeated argument indexes are the test's job; no JSON here).
 *   oci-libseccomp RULES OUT
 * RULES, one statement a line:
 *   DEFAULT <action>                    seccomp_init (first line)
 *   ARCH <arch>...                      the filter's architectures, native first (replaces the native one)
 *   OPTIMIZE <1|2>                      SCMP_FLTATR_CTL_OPTIMIZE (runc sets 2, a binary tree, past 32 syscalls)
 *   RULE <action> <syscall> [<arg> <op> <a> [<b>]]...
 *                                       seccomp_rule_add_array, 64-bit comparisons as runc makes them
 * arch: x86_64 | x86 | x32 | aarch64 | arm | riscv64
 * op: NE LT LE EQ GE GT MASKED_EQ (MASKED_EQ: <a> is the mask, <b> the value)
 * action: ALLOW | LOG | KILL_PROCESS | KILL_THREAD | TRAP | NOTIFY | ERRNO <n> | TRACE <n>
 * A syscall name libseccomp does not know is skipped, as runc skips it, and
 * printed on stderr as "skipped NAME". Writes the filter (seccomp_export_bpf) to OUT.
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
  char line[4096];
  int rc;
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
    if (strcmp(kw, "ARCH") == 0) {
      /* add the new arches before removing the native one: a filter needs one */
      int keep_native = 0;
      for (char *a = next(&save); a; a = next(&save)) {
        uint32_t token = arch_token(a);
        if (token == seccomp_arch_native()) {
          keep_native = 1;
          continue;
        }
        if ((rc = seccomp_arch_add(ctx, token)) != 0 && rc != -EEXIST) failed("seccomp_arch_add", rc);
      }
      if (!keep_native && (rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) != 0) failed("seccomp_arch_remove", rc);
    } else if (strcmp(kw, "OPTIMIZE") == 0) {
      if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t)number(&save))) != 0) failed("seccomp_attr_set", rc);
    } else if (strcmp(kw, "RULE") == 0) {
      uint32_t act = action(&save);
      char *name = next(&save);
      if (!name) bad("missing syscall", NULL);
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR) {
        fprintf(stderr, "skipped %s\n", name);
        continue;
      }
      struct scmp_arg_cmp cmps[6];
      unsigned n = 0;
      for (char *tok = next(&save); tok; tok = next(&save)) {
        if (n == 6) bad("too many comparisons", NULL);
        char *end;
        unsigned long arg = strtoul(tok, &end, 10);
        if (*end != '\0' || arg > 5) bad("bad argument index", tok);
        char *op = next(&save);
        if (!op) bad("incomplete comparison", NULL);
        enum scmp_compare cmp = op_of(op);
        uint64_t a = number(&save), b = cmp == SCMP_CMP_MASKED_EQ ? number(&save) : 0;
        cmps[n++] = (struct scmp_arg_cmp){.arg = (unsigned)arg, .op = cmp, .datum_a = a, .datum_b = b};
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
