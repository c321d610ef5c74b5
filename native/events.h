/* The JSON event stream (docs/trace-protocol.md, "Events"): the pending lines, their writer,
 * and the lines that ptrace mode (seccomp-run.c) and ask mode (ask.c) write alike. Also die(),
 * the one way the helper gives up: it ends the stream with an error and a done event. */
#ifndef SECCOMP_RUN_EVENTS_H
#define SECCOMP_RUN_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* json.h's writers are static: a file that uses only some of them must not warn. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "json.h"
#pragma GCC diagnostic pop

#include "exit_codes.h"

extern struct sbuf ev; /* pending event lines */
extern int ev_fd;      /* where they go; -1 until the stream is open */

/* --events-format compact: syscall events are written as compact records, tab-separated fields
 * that a reader splits without a JSON parser (docs/trace-protocol.md, "Compact records"); every
 * other event stays a JSON line. The record's fields, after "s": pid, abi, nr, the six argument
 * registers and ip (hex, bare), then one tagged field per JSON member, in the JSON order;
 * strings and buffers as ev_bytes writes them. */
extern bool ev_compact;

/* Bytes in a compact record's field: as they are, except backslash, tab and newline, written
 * \\, \t and \n (the reader decodes the stream as latin-1: a byte is a char). */
void ev_bytes(struct sbuf *b, const void *s, size_t n);

/* A tagged field of a compact record: a tab, then the tag. */
static inline void ev_tag(struct sbuf *b, char tag)
{
	char f[2] = {'\t', tag};
	sb_mem(b, f, 2);
}

/* Writes the pending lines. A write error is reported once on stderr, after which lines are
 * dropped: the reader went away, but the run goes on (the exit status still matters). */
void ev_flush(void);

/* {"type":TYPE,"pid":PID ... the caller adds members and the closing "}\n". */
void ev_head(const char *type, pid_t pid);

struct ev_hello {
	pid_t pid, tracer;
	const char *mode;    /* "enforce" or "permissive" */
	const char *install; /* "none", "before-exec" or "after-exec" */
	bool only_decisions;
	bool ask; /* adds "ask":true; ptrace mode writes no "ask" member */
	const char *arch;
	uint32_t abi;
	size_t instructions; /* the policy's own program, without the kill prefix */
	bool kill_prefix;
	int cpu; /* -1: null */
	const char *path;
	char **argv;
};
void ev_hello(const struct ev_hello *h);

/* The install event; `ret` (the seccomp() result) only when have_ret. */
void ev_install(pid_t pid, const char *how, size_t instructions, bool have_ret, int64_t ret);

/* The exec event, with the new image's path from /proc; old_pid when a non-leader thread
 * exec'd and took over the leader's id (0 or pid: none). */
void ev_exec(pid_t pid, pid_t old_pid);

/* The members that describe a system call: ,"abi":..,"nr":..,"args":[6 hex],"ip":hex */
void ev_call(uint32_t abi, int64_t nr, const uint64_t args[6], uint64_t ip);

/* A reaped process: the exit event (exited) or the killed event (a signal), a whole line. */
void ev_death(pid_t pid, int status);

/* The limit event for --timeout. */
void ev_limit_timeout(double seconds);

/* The last line: the helper's exit code, why, and the program's own status (-1: unknown). */
void ev_done(int code, const char *reason, int program);

/* Run by die() after the events are written: the mode's way to kill the program. */
extern void (*die_cleanup)(void);

/* One line on stderr, an error event and a done event (once the stream is open), then the
 * cleanup, then exit(code). */
void __attribute__((noreturn, format(printf, 2, 3))) die(int code, const char *fmt, ...);

#endif
