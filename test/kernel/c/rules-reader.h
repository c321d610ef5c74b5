/*
 * What the two libseccomp drivers share (libseccomp-filter.c for the
 * differential tests and bench/profile.mjs, oci-libseccomp.c for the OCI
 * profile tests and bench/oci.mjs): reading their line-based rule files
 * (tokens, numbers, actions, architectures, operators) with errors that name
 * the line, and writing the finished filter. Each driver keeps its own
 * statements, which differ in meaning (ARCH, comparison widths, unknown names).
 */
#ifndef RULES_READER_H
#define RULES_READER_H

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The line being read, for messages. */
static int lineno;

static _Noreturn void bad(const char *what, const char *tok) {
  fprintf(stderr, "line %d: %s%s%s\n", lineno, what, tok ? ": " : "", tok ? tok : "");
  exit(2);
}

static _Noreturn void failed(const char *what, int rc) {
  fprintf(stderr, "line %d: %s: %s\n", lineno, what, strerror(-rc));
  exit(3);
}

static char *next(char **save) { return strtok_r(NULL, " \t\n", save); }

static uint64_t number(char **save) {
  char *tok = next(save), *end;
  if (!tok) bad("missing number", NULL);
  errno = 0;
  unsigned long long v = strtoull(tok, &end, 0);
  if (errno != 0 || *end != '\0') bad("bad number", tok);
  return (uint64_t)v;
}

/* ALLOW | LOG | KILL_PROCESS | KILL_THREAD | TRAP | NOTIFY | ERRNO <n> | TRACE <n> */
static uint32_t action(char **save) {
  char *tok = next(save);
  if (!tok) bad("missing action", NULL);
  if (strcmp(tok, "ALLOW") == 0) return SCMP_ACT_ALLOW;
  if (strcmp(tok, "LOG") == 0) return SCMP_ACT_LOG;
  if (strcmp(tok, "KILL_PROCESS") == 0) return SCMP_ACT_KILL_PROCESS;
  if (strcmp(tok, "KILL_THREAD") == 0) return SCMP_ACT_KILL_THREAD;
  if (strcmp(tok, "TRAP") == 0) return SCMP_ACT_TRAP;
  if (strcmp(tok, "NOTIFY") == 0) return SCMP_ACT_NOTIFY;
  if (strcmp(tok, "ERRNO") == 0) return SCMP_ACT_ERRNO((uint16_t)number(save));
  if (strcmp(tok, "TRACE") == 0) return SCMP_ACT_TRACE((uint16_t)number(save));
  bad("unknown action", tok);
}

/* x86_64 | x86 | x32 | aarch64 | arm | riscv64 */
static uint32_t arch_token(const char *name) {
  static const struct { const char *name; uint32_t token; } arches[] = {
    {"x86_64", SCMP_ARCH_X86_64}, {"x86", SCMP_ARCH_X86}, {"x32", SCMP_ARCH_X32},
    {"aarch64", SCMP_ARCH_AARCH64}, {"arm", SCMP_ARCH_ARM}, {"riscv64", SCMP_ARCH_RISCV64},
  };
  for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++)
    if (strcmp(name, arches[i].name) == 0) return arches[i].token;
  bad("unknown arch", name);
}

/* NE LT LE EQ GE GT MASKED_EQ */
static enum scmp_compare op_of(const char *tok) {
  static const struct { const char *name; enum scmp_compare op; } ops[] = {
    {"NE", SCMP_CMP_NE}, {"LT", SCMP_CMP_LT}, {"LE", SCMP_CMP_LE}, {"EQ", SCMP_CMP_EQ},
    {"GE", SCMP_CMP_GE}, {"GT", SCMP_CMP_GT}, {"MASKED_EQ", SCMP_CMP_MASKED_EQ},
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(tok, ops[i].name) == 0) return ops[i].op;
  bad("unknown operator", tok);
}

/* Writes the filter as raw struct sock_filter (seccomp_export_bpf) to `path` and releases it. */
static int export_filter(scmp_filter_ctx ctx, const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror(path);
    return 2;
  }
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc != 0) failed("seccomp_export_bpf", rc);
  if (close(fd) != 0) {
    perror("close");
    return 2;
  }
  seccomp_release(ctx);
  return 0;
}

#endif
