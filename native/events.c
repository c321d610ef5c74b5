/* The JSON event stream both modes write; see events.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"

#define PROTOCOL_VERSION 1

struct sbuf ev;
int ev_fd = -1;
bool ev_compact;
static bool ev_broken;
void (*die_cleanup)(void);

/* json.h's buffers call this when realloc fails: no event can be written any more. */
void sb_oom(void)
{
	static const char msg[] = "seccomp-run: out of memory\n";
	ssize_t r = write(2, msg, sizeof msg - 1);
	(void)r;
	_exit(EXIT_INTERNAL);
}

void ev_flush(void)
{
	size_t off = 0;
	while (off < ev.len && !ev_broken) {
		ssize_t n = write(ev_fd, ev.p + off, ev.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* The reader went away: keep running (the exit status still matters), stop writing. */
			fprintf(stderr, "seccomp-run: writing events: %s\n", strerror(errno));
			ev_broken = true;
			break;
		}
		off += (size_t)n;
	}
	ev.len = 0;
}

void ev_bytes(struct sbuf *b, const void *s, size_t n)
{
	const unsigned char *u = s;
	sb_reserve(b, 2 * n);
	char *o = b->p + b->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		if (c == '\\' || c == '\t' || c == '\n') {
			*o++ = '\\';
			*o++ = c == '\t' ? 't' : c == '\n' ? 'n' : '\\';
		} else {
			*o++ = (char)c;
		}
	}
	b->len = (size_t)(o - b->p);
}

void ev_head(const char *type, pid_t pid)
{
	sb_puts(&ev, "{\"type\":\"");
	sb_puts(&ev, type);
	sb_puts(&ev, "\",\"pid\":");
	sb_i64(&ev, pid);
}

void ev_hello(const struct ev_hello *h)
{
	sb_puts(&ev, "{\"type\":\"hello\",\"version\":");
	sb_u64(&ev, PROTOCOL_VERSION);
	sb_puts(&ev, ",\"pid\":");
	sb_i64(&ev, h->pid);
	sb_puts(&ev, ",\"tracer\":");
	sb_i64(&ev, h->tracer);
	sb_puts(&ev, ",\"mode\":\"");
	sb_puts(&ev, h->mode);
	sb_puts(&ev, "\",\"install\":\"");
	sb_puts(&ev, h->install);
	sb_puts(&ev, h->only_decisions ? "\",\"only_decisions\":true" : "\",\"only_decisions\":false");
	if (h->ask)
		sb_puts(&ev, ",\"ask\":true");
	sb_puts(&ev, ",\"arch\":");
	sb_cstr(&ev, h->arch);
	sb_puts(&ev, ",\"abi\":");
	sb_u64(&ev, h->abi);
	sb_puts(&ev, ",\"instructions\":");
	sb_u64(&ev, h->instructions);
	sb_puts(&ev, h->kill_prefix ? ",\"kill_prefix\":true" : ",\"kill_prefix\":false");
	sb_puts(&ev, ",\"cpu\":");
	if (h->cpu >= 0)
		sb_i64(&ev, h->cpu);
	else
		sb_puts(&ev, "null");
	sb_puts(&ev, ",\"path\":");
	sb_cstr(&ev, h->path);
	sb_puts(&ev, ",\"argv\":[");
	for (char **a = h->argv; *a; a++) {
		if (a != h->argv)
			sb_puts(&ev, ",");
		sb_cstr(&ev, *a);
	}
	sb_puts(&ev, "]}\n");
}

void ev_install(pid_t pid, const char *how, size_t instructions, bool have_ret, int64_t ret)
{
	ev_head("install", pid);
	sb_puts(&ev, ",\"how\":\"");
	sb_puts(&ev, how);
	sb_puts(&ev, "\",\"instructions\":");
	sb_u64(&ev, instructions);
	if (have_ret) {
		sb_puts(&ev, ",\"ret\":\"");
		sb_i64(&ev, ret);
		sb_puts(&ev, "\"");
	}
	sb_puts(&ev, "}\n");
}

void ev_exec(pid_t pid, pid_t old_pid)
{
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(link, path, sizeof path); /* no path member when it fails */
	ev_head("exec", pid);
	if (old_pid > 0 && old_pid != pid) {
		sb_puts(&ev, ",\"old_pid\":");
		sb_i64(&ev, old_pid);
	}
	if (n > 0) {
		sb_puts(&ev, ",\"path\":");
		sb_str(&ev, path, (size_t)n);
	}
	sb_puts(&ev, "}\n");
}

void ev_call(uint32_t abi, int64_t nr, const uint64_t args[6], uint64_t ip)
{
	sb_puts(&ev, ",\"abi\":");
	sb_u64(&ev, abi);
	sb_puts(&ev, ",\"nr\":");
	sb_i64(&ev, nr);
	sb_puts(&ev, ",\"args\":[");
	for (int i = 0; i < 6; i++) {
		if (i)
			sb_puts(&ev, ",");
		sb_hex(&ev, args[i]);
	}
	sb_puts(&ev, "],\"ip\":");
	sb_hex(&ev, ip);
}

void ev_death(pid_t pid, int status)
{
	if (WIFEXITED(status)) {
		ev_head("exit", pid);
		sb_puts(&ev, ",\"status\":");
		sb_i64(&ev, WEXITSTATUS(status));
	} else {
		ev_head("killed", pid);
		sb_puts(&ev, ",\"signal\":");
		sb_i64(&ev, WTERMSIG(status));
		sb_puts(&ev, WCOREDUMP(status) ? ",\"core\":true" : ",\"core\":false");
	}
	sb_puts(&ev, "}\n");
}

void ev_limit_timeout(double seconds)
{
	sb_puts(&ev, "{\"type\":\"limit\",\"what\":\"timeout\",\"value\":");
	char num[32];
	snprintf(num, sizeof num, "%g", seconds);
	sb_puts(&ev, num);
	sb_puts(&ev, "}\n");
}

void ev_done(int code, const char *reason, int program)
{
	sb_puts(&ev, "{\"type\":\"done\",\"status\":");
	sb_i64(&ev, code);
	sb_puts(&ev, ",\"reason\":\"");
	sb_puts(&ev, reason);
	sb_puts(&ev, "\",\"program\":");
	sb_i64(&ev, program);
	sb_puts(&ev, "}\n");
}

void die(int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "seccomp-run: %s\n", msg);
	if (ev_fd >= 0) {
		sb_puts(&ev, "{\"type\":\"error\",\"code\":");
		sb_i64(&ev, code);
		sb_puts(&ev, ",\"message\":");
		sb_cstr(&ev, msg);
		sb_puts(&ev, "}\n{\"type\":\"done\",\"status\":");
		sb_i64(&ev, code);
		sb_puts(&ev, ",\"reason\":\"error\"}\n");
		ev_flush();
	}
	if (die_cleanup)
		die_cleanup();
	exit(code);
}
