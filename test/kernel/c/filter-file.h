/*
 * Shared by the kernel test runners (runner.c, bpf-runner.c): failing with
 * the reason, and reading a raw filter (struct sock_filter[], as
 * `seccomp-policy compile --format raw` writes it) from a file.
 */
#ifndef FILTER_FILE_H
#define FILTER_FILE_H

#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>

static _Noreturn void fail(const char *what) {
  perror(what);
  exit(2);
}

/* The whole file as instructions; a size that is not a whole number of them (or over 65535) is refused. */
static struct sock_filter *read_filter(const char *path, unsigned short *len) {
  FILE *f = fopen(path, "rb");
  if (!f) fail(path);
  if (fseek(f, 0, SEEK_END) != 0) fail("fseek");
  long size = ftell(f);
  if (size < 0) fail("ftell");
  if (fseek(f, 0, SEEK_SET) != 0) fail("fseek");
  if (size % (long)sizeof(struct sock_filter) != 0 || size / (long)sizeof(struct sock_filter) > 0xffff) {
    fprintf(stderr, "%s: bad filter size %ld\n", path, size);
    exit(2);
  }
  struct sock_filter *insns = malloc(size > 0 ? (size_t)size : 1);
  if (!insns) fail("malloc");
  if (size > 0 && fread(insns, 1, (size_t)size, f) != (size_t)size) fail("fread");
  if (fclose(f) != 0) fail("fclose");
  *len = (unsigned short)(size / (long)sizeof(struct sock_filter));
  return insns;
}

#endif
