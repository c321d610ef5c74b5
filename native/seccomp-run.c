/* seccomp-run: run a command under a seccomp filter, trace it with ptrace, and write what
 * happens as JSON lines. The command line, the event stream and the exit codes are described
 * in docs/trace-protocol.md; this file follows it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __linux__
#error "seccomp-run needs Linux (ptrace and seccomp)"
#endif

#include "kabi.h"
#include "events.h"
#include "launch.h"
#include "ask.h"
#if defined(__x86_64__)
#include "arch_x86_64.h"
#elif defined(__aarch64__)
#include "arch_aarch64.h"
#else
#error "seccomp-run supports x86_64 and aarch64"
#endif

/* A syscall number no ABI uses: the fast path's kill prefix turns it into the action in arg 0. */
#define MAGIC_NR 0x3ffffff0U

static struct {
	const char *filter_path;
	int filter_fd;
	const char *events_path;
	int events_fd;
	bool permissive;
	bool after_exec;
	bool fast; /* --only-decisions */
	uint32_t *actions;
	size_t nactions;
	double timeout;
	long max_procs;
	size_t strings;
	size_t buffers;
	size_t max_argv;
	bool pin;
	bool die_with_parent;
	bool ask;       /* --ask: user notifications instead of ptrace (ask.c) */
	int answers_fd; /* --answers-fd */
	char **cmd;
} opt = {
	.filter_fd = -1,
	.events_fd = -1,
	.answers_fd = -1,
	.max_procs = 0,
	.strings = 256,
	.buffers = 32,
	.max_argv = 32,
	.pin = true,
};

static struct sr_sock_filter *filter; /* the program to install, with the kill prefix if any */
static size_t filter_len;
static bool install_filter; /* a filter goes into the kernel at all */
static bool kill_prefix;    /* the filter starts with the MAGIC_NR prefix */
#define KILL_PREFIX_LEN 5
/* The length of the policy's own program, as reported in the events. */
#define USER_LEN() (filter_len - (kill_prefix ? KILL_PREFIX_LEN : 0))

static volatile sig_atomic_t tick;

static pid_t main_pid;
static const char *resolved_path; /* the command as the child execs it */
static int main_status = -1;
static int err_pipe = -1;
static bool info_checked;
static enum { RUNNING, KILL_TIMEOUT, KILL_MAX_PROCS, KILL_ERROR } killing = RUNNING;
static struct timespec deadline;

/* ---- output (the stream itself is events.c's) ---------------------------------------- */

static void maybe_flush(void)
{
	if (ev.len >= 32768)
		ev_flush();
}

/* ---- command line ---------------------------------------------------------------------- */

static const char usage_text[] =
	"usage: seccomp-run [--filter FILE | --filter-fd N] [--events FILE | --events-fd N]\n"
	"                   [--mode enforce|permissive] [--install before-exec|after-exec]\n"
	"                   [--only-decisions [--actions A0,A1,...]] [--timeout S] [--max-procs N]\n"
	"                   [--strings N] [--buffers N] [--no-pin] [--die-with-parent]\n"
	"                   [--events-format json|compact]\n"
	"                   [--ask --answers-fd N] -- COMMAND [ARGS...]\n";

static long parse_long(const char *name, const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < lo || v > hi)
		die(EXIT_USAGE, "%s: bad number '%s'", name, s);
	return v;
}

static void parse_actions(const char *s)
{
	size_t n = 1;
	for (const char *p = s; *p; p++)
		n += *p == ',';
	opt.actions = calloc(n, sizeof *opt.actions);
	if (!opt.actions)
		sb_oom();
	const char *p = s;
	for (size_t i = 0; i < n; i++) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(p, &end, 0);
		if (errno || end == p || v > 0xffffffffUL || (*end && *end != ','))
			die(EXIT_USAGE, "--actions: bad action at '%s'", p);
		opt.actions[i] = (uint32_t)v;
		p = end + 1;
	}
	opt.nactions = n;
}

static void parse_args(int argc, char **argv)
{
	int i;
	for (i = 1; i < argc; i++) {
		char *a = argv[i], *val = NULL;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strncmp(a, "--", 2) != 0)
			break;
		char *eq = strchr(a, '=');
		if (eq) {
			*eq = 0;
			val = eq + 1;
		}
#define FLAG(name) (strcmp(a, name) == 0)
#define VALUE()                                                             \
	(val ? val : (i + 1 < argc ? argv[++i] : (die(EXIT_USAGE, "%s needs a value", a), "")))
		if (FLAG("--filter"))
			opt.filter_path = VALUE();
		else if (FLAG("--filter-fd"))
			opt.filter_fd = (int)parse_long(a, VALUE(), 0, INT_MAX);
		else if (FLAG("--events"))
			opt.events_path = VALUE();
		else if (FLAG("--events-fd"))
			opt.events_fd = (int)parse_long(a, VALUE(), 0, INT_MAX);
		else if (FLAG("--mode")) {
			const char *m = VALUE();
			if (strcmp(m, "enforce") == 0)
				opt.permissive = false;
			else if (strcmp(m, "permissive") == 0)
				opt.permissive = true;
			else
				die(EXIT_USAGE, "--mode must be enforce or permissive, not '%s'", m);
		} else if (FLAG("--install")) {
			const char *m = VALUE();
			if (strcmp(m, "before-exec") == 0)
				opt.after_exec = false;
			else if (strcmp(m, "after-exec") == 0)
				opt.after_exec = true;
			else
				die(EXIT_USAGE, "--install must be before-exec or after-exec, not '%s'", m);
		} else if (FLAG("--only-decisions"))
			opt.fast = true;
		else if (FLAG("--actions"))
			parse_actions(VALUE());
		else if (FLAG("--timeout")) {
			const char *s = VALUE();
			char *end;
			opt.timeout = strtod(s, &end);
			if (end == s || *end || !(opt.timeout > 0) || opt.timeout > 1e9)
				die(EXIT_USAGE, "--timeout: bad number of seconds '%s'", s);
		} else if (FLAG("--max-procs"))
			opt.max_procs = parse_long(a, VALUE(), 1, INT_MAX);
		else if (FLAG("--strings"))
			opt.strings = (size_t)parse_long(a, VALUE(), 0, 4096);
		else if (FLAG("--buffers"))
			opt.buffers = (size_t)parse_long(a, VALUE(), 0, 4096);
		else if (FLAG("--events-format")) {
			const char *f = VALUE();
			if (strcmp(f, "json") == 0)
				ev_compact = false;
			else if (strcmp(f, "compact") == 0)
				ev_compact = true;
			else
				die(EXIT_USAGE, "--events-format must be json or compact, not '%s'", f);
		} else if (FLAG("--no-pin"))
			opt.pin = false;
		else if (FLAG("--die-with-parent"))
			opt.die_with_parent = true;
		else if (FLAG("--ask"))
			opt.ask = true;
		else if (FLAG("--answers-fd"))
			opt.answers_fd = (int)parse_long(a, VALUE(), 0, INT_MAX);
		else if (FLAG("--help")) {
			fputs(usage_text, stdout);
			exit(0);
		} else
			die(EXIT_USAGE, "unknown option %s", a);
#undef FLAG
#undef VALUE
	}
	if (i >= argc)
		die(EXIT_USAGE, "no command given (see --help)");
	opt.cmd = argv + i;
	if (opt.filter_path && opt.filter_fd >= 0)
		die(EXIT_USAGE, "--filter and --filter-fd are exclusive");
	if (opt.events_path && opt.events_fd >= 0)
		die(EXIT_USAGE, "--events and --events-fd are exclusive");
	bool have_filter = opt.filter_path || opt.filter_fd >= 0;
	if (!opt.permissive && !have_filter)
		die(EXIT_USAGE, "enforce mode needs a filter (--filter or --filter-fd)");
	if (opt.fast && !have_filter)
		die(EXIT_USAGE, "--only-decisions needs a filter");
	if (opt.fast && !opt.permissive && !opt.actions)
		die(EXIT_USAGE, "--only-decisions in enforce mode needs --actions");
	if (opt.actions && !opt.fast)
		die(EXIT_USAGE, "--actions only applies with --only-decisions");
	if (opt.ask != (opt.answers_fd >= 0))
		die(EXIT_USAGE, "--ask and --answers-fd go together");
	if (opt.ask && (opt.permissive || opt.fast || opt.after_exec || opt.max_procs))
		die(EXIT_USAGE, "--ask runs without ptrace: not with permissive mode, --only-decisions, after-exec or --max-procs");
}

/* ---- the filter ------------------------------------------------------------------------ */

static void load_filter(void)
{
	int fd = opt.filter_fd;
	const char *name = opt.filter_path;
	char fdname[32];
	if (name) {
		fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die(EXIT_NO_FILE, "cannot open filter %s: %s", name, strerror(errno));
	} else if (fd >= 0) {
		snprintf(fdname, sizeof fdname, "fd %d", fd);
		name = fdname;
	} else {
		return;
	}
	/* Room for the 5-instruction kill prefix in front, and 1 more instruction to notice an
	 * over-long file. */
	size_t prefix = KILL_PREFIX_LEN * sizeof(struct sr_sock_filter);
	size_t cap = prefix + (SR_BPF_MAXINSNS + 1) * sizeof(struct sr_sock_filter), len = 0;
	unsigned char *buf = malloc(cap);
	if (!buf)
		sb_oom();
	for (;;) {
		ssize_t n = read(fd, buf + prefix + len, cap - prefix - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(EXIT_NO_FILE, "cannot read filter %s: %s", name, strerror(errno));
		if (n == 0 || (len += (size_t)n) == cap - prefix)
			break;
	}
	if (close(fd) < 0)
		die(EXIT_NO_FILE, "closing filter %s: %s", name, strerror(errno));
	if (len == 0)
		die(EXIT_BAD_FILTER, "filter %s is empty", name);
	if (len % sizeof(struct sr_sock_filter))
		die(EXIT_BAD_FILTER, "filter %s: %zu bytes is not a multiple of 8 (struct sock_filter)", name, len);
	size_t n = len / sizeof(struct sr_sock_filter);
	if (n > SR_BPF_MAXINSNS)
		die(EXIT_BAD_FILTER, "filter %s has more than %d instructions", name, SR_BPF_MAXINSNS);
	/* The file is little-endian, like the machines we run on. */
	filter = (struct sr_sock_filter *)(void *)buf;
	install_filter = opt.fast || !opt.permissive;
	kill_prefix = opt.fast && !opt.permissive && n + KILL_PREFIX_LEN <= SR_BPF_MAXINSNS;
	if (kill_prefix) {
		/* ld [0] (nr); jeq MAGIC_NR ? next : skip 2; ld [16] (low half of args[0]); ret A;
		 * ld #0. BPF jumps are relative, so the user's program runs unchanged after it, and
		 * the last instruction gives it the A = 0 it would start with. */
		filter[0] = (struct sr_sock_filter){0x20, 0, 0, 0};
		filter[1] = (struct sr_sock_filter){0x15, 0, 2, MAGIC_NR};
		filter[2] = (struct sr_sock_filter){0x20, 0, 0, 16};
		filter[3] = (struct sr_sock_filter){0x16, 0, 0, 0};
		filter[4] = (struct sr_sock_filter){0x00, 0, 0, 0};
		filter_len = n + KILL_PREFIX_LEN;
	} else {
		filter += KILL_PREFIX_LEN;
		filter_len = n;
	}
}

/* ---- tracees --------------------------------------------------------------------------- */

struct task {
	pid_t pid;
	bool startup;   /* the helper's own child, before its first execve succeeded */
	bool self_stop; /* its SIGSTOP sync point is still to come and is swallowed */
	bool pending;   /* an entry (or seccomp stop) was recorded; its exit is not seen yet */
	bool want_exit; /* fast path: resume with PTRACE_SYSCALL to see this syscall's exit */
	bool inject;    /* after-exec: install the filter at this execve's exit */
	bool trap;      /* an emulated SECCOMP_RET_TRAP: fix up the SIGSYS siginfo at delivery */
	bool seccomp;   /* the pending syscall comes from a seccomp stop */
	bool has_action;
	bool held;      /* the exit was seen but may be a seccomp kill's; reported at the next stop */
	bool held_err;
	int exec_errno; /* the start-up execve failed with this errno; the task is being killed */
	int64_t held_rval;
	uint32_t abi, data, action;
	uint64_t nr, args[6], ip;
	const struct sysent *ent;
	struct sbuf pre; /* decoded string arguments of the pending syscall, as JSON members */
};

static struct task **tasks;
static size_t tasks_cap, tasks_live, tasks_used;
#define TOMBSTONE ((struct task *)1)

static size_t task_slot(pid_t pid) { return ((size_t)pid * 2654435761u) & (tasks_cap - 1); }

static struct task *task_find(pid_t pid)
{
	if (!tasks_cap)
		return NULL;
	for (size_t i = task_slot(pid);; i = (i + 1) & (tasks_cap - 1)) {
		struct task *t = tasks[i];
		if (!t)
			return NULL;
		if (t != TOMBSTONE && t->pid == pid)
			return t;
	}
}

static void task_insert(struct task *t)
{
	size_t i = task_slot(t->pid);
	while (tasks[i] && tasks[i] != TOMBSTONE)
		i = (i + 1) & (tasks_cap - 1);
	if (!tasks[i])
		tasks_used++;
	tasks[i] = t;
	tasks_live++;
}

static void tasks_rehash(size_t cap)
{
	struct task **old = tasks;
	size_t oldcap = tasks_cap;
	tasks = calloc(cap, sizeof *tasks);
	if (!tasks)
		sb_oom();
	tasks_cap = cap;
	tasks_live = tasks_used = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] && old[i] != TOMBSTONE)
			task_insert(old[i]);
	free(old);
}

static struct task *task_add(pid_t pid)
{
	/* Keep the table at most half full, counting tombstones; grow when live tasks fill a quarter. */
	if ((tasks_used + 1) * 2 > tasks_cap)
		tasks_rehash(!tasks_cap ? 64 : (tasks_live + 1) * 4 > tasks_cap ? tasks_cap * 2 : tasks_cap);
	struct task *t = calloc(1, sizeof *t);
	if (!t)
		sb_oom();
	t->pid = pid;
	task_insert(t);
	return t;
}

static void task_del(struct task *t)
{
	for (size_t i = task_slot(t->pid);; i = (i + 1) & (tasks_cap - 1)) {
		if (tasks[i] == t) {
			tasks[i] = TOMBSTONE;
			break;
		}
	}
	tasks_live--;
	free(t->pre.p);
	free(t);
}

/* Kill every tracee; tracees that appear later are killed on sight (see handle_status). */
static void kill_all(int why)
{
	if (killing == RUNNING)
		killing = why;
	for (size_t i = 0; i < tasks_cap; i++)
		if (tasks[i] && tasks[i] != TOMBSTONE)
			kill(tasks[i]->pid, SIGKILL); /* ESRCH: already gone, fine */
}

/* die()'s cleanup: PTRACE_O_EXITKILL kills the tracees when we exit; killing them first just
 * makes it prompt. */
static void kill_on_error(void)
{
	if (main_pid > 0)
		kill_all(KILL_ERROR);
}

/* ---- reading the tracee's memory ------------------------------------------------------- */

/* process_vm_readv stops at the first unreadable page, so split the range at page
 * boundaries to get a partial read instead of nothing (mm/process_vm_access.c). */
static size_t read_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	static long page;
	if (!page)
		page = sysconf(_SC_PAGESIZE);
	struct iovec local = {buf, len}, remote[4];
	unsigned long n = 0;
	while (len && n < 4) {
		size_t chunk = (size_t)page - (size_t)(addr % (uint64_t)page);
		if (chunk > len)
			chunk = len;
		remote[n++] = (struct iovec){(void *)(uintptr_t)addr, chunk};
		addr += chunk;
		len -= chunk;
	}
	ssize_t r = process_vm_readv(pid, &local, 1, remote, n, 0);
	return r < 0 ? 0 : (size_t)r;
}

/* Append the string at addr as a JSON value (a compact field's value: ":" and the string's
 * bytes, ev_bytes, nothing for null); returns true when it was cut at --strings. */
static bool put_tracee_str(struct sbuf *b, pid_t pid, uint64_t addr)
{
	char buf[4097];
	size_t n = addr ? read_mem(pid, addr, buf, opt.strings + 1) : 0;
	if (n == 0) {
		if (!ev_compact)
			sb_puts(b, "null");
		return false;
	}
	char *nul = memchr(buf, 0, n);
	size_t len = nul ? (size_t)(nul - buf) : (n > opt.strings ? opt.strings : n);
	if (ev_compact) {
		sb_mem(b, ":", 1);
		ev_bytes(b, buf, len);
	} else {
		sb_str(b, buf, len);
	}
	return !nul;
}

static void decode_entry_strings(struct task *t)
{
	struct sbuf *b = &t->pre;
	const struct sysent *e = t->ent;
	b->len = 0;
	if (!e || (!e->str && !e->argv))
		return;
	unsigned trunc = 0;
	if (e->str) {
		/* compact: S<i>:<string> per argument, S<i> for null */
		if (!ev_compact)
			sb_puts(b, ",\"str\":{");
		bool first = true;
		for (int i = 0; i < 6; i++) {
			if (!(e->str & (1u << i)))
				continue;
			if (ev_compact)
				ev_tag(b, 'S');
			else
				sb_puts(b, first ? "\"" : ",\"");
			sb_u64(b, (uint64_t)i);
			if (!ev_compact)
				sb_puts(b, "\":");
			if (put_tracee_str(b, t->pid, t->args[i]))
				trunc |= 1u << i;
			first = false;
		}
		if (!ev_compact)
			sb_puts(b, "}");
	}
	if (e->argv) {
		/* argv is an array of pointers of the caller's ABI width (4 bytes on x32). */
		unsigned width = (t->abi & SR_AUDIT_ARCH_64BIT) && !(t->nr & SR_X32_SYSCALL_BIT) ? 8 : 4;
		uint64_t base = t->args[e->argv - 1];
		/* compact: A, then a:<string> per element (a for null), T when truncated */
		if (ev_compact)
			ev_tag(b, 'A');
		else
			sb_puts(b, ",\"argv\":[");
		size_t i;
		for (i = 0; base && i < opt.max_argv; i++) {
			uint64_t p = 0;
			if (read_mem(t->pid, base + i * width, &p, width) != width || !p)
				break;
			if (ev_compact)
				ev_tag(b, 'a');
			else if (i)
				sb_puts(b, ",");
			put_tracee_str(b, t->pid, p);
		}
		if (!ev_compact)
			sb_puts(b, "]");
		if (i == opt.max_argv) {
			uint64_t p = 0;
			if (read_mem(t->pid, base + i * width, &p, width) == width && p) {
				if (ev_compact)
					ev_tag(b, 'T');
				else
					sb_puts(b, ",\"argv_truncated\":true");
			}
		}
	}
	if (trunc) {
		/* compact: t<i>,<i>... */
		if (ev_compact)
			ev_tag(b, 't');
		else
			sb_puts(b, ",\"truncated\":[");
		bool first = true;
		for (int i = 0; i < 6; i++)
			if (trunc & (1u << i)) {
				if (!first)
					sb_puts(b, ",");
				sb_u64(b, (uint64_t)i);
				first = false;
			}
		if (!ev_compact)
			sb_puts(b, "]");
	}
}

/* ---- syscall tables -------------------------------------------------------------------- */

#define N_ABIS (sizeof arch_abis / sizeof arch_abis[0])
#define MAX_TABLE_NR 1024
static const struct sysent *abi_index[N_ABIS][MAX_TABLE_NR];

static void build_index(void)
{
	for (size_t a = 0; a < N_ABIS; a++)
		for (size_t i = 0; i < arch_abis[a].n; i++)
			if (arch_abis[a].ents[i].nr < MAX_TABLE_NR)
				abi_index[a][arch_abis[a].ents[i].nr] = &arch_abis[a].ents[i];
}

/* An ABI is its audit arch plus, for x32, the number bit its calls carry. */
static const struct sysent *lookup(uint32_t abi, uint64_t nr)
{
	for (size_t a = 0; a < N_ABIS; a++) {
		const struct abi_table *t = &arch_abis[a];
		if (t->audit_arch != abi)
			continue;
		bool mine = t->nr_bit ? (nr & t->nr_bit) != 0 : !(nr & SR_X32_SYSCALL_BIT) || abi != SR_AUDIT_ARCH_X86_64;
		if (!mine)
			continue;
		uint64_t i = nr & ~(uint64_t)t->nr_bit;
		return i < MAX_TABLE_NR ? abi_index[a][i] : NULL;
	}
	return NULL;
}

/* ---- events ---------------------------------------------------------------------------- */

static void record_entry(struct task *t, uint32_t abi, uint64_t nr, const uint64_t *args, uint64_t ip)
{
	t->pending = true;
	t->abi = abi;
	t->nr = nr;
	memcpy(t->args, args, sizeof t->args);
	t->ip = ip;
	t->ent = lookup(abi, nr);
	t->has_action = false;
	decode_entry_strings(t);
}

/* Bytes of an output buffer reported at syscall exit. getcwd's holds the working directory, a
 * path: bounded like path arguments (--strings, plus its NUL) so that it is shown whole, as strace
 * shows it; the others hold data, bounded by --buffers. */
static size_t exit_buffer_bound(const struct sysent *ent)
{
	if (strcmp(ent->name, "getcwd") == 0)
		return opt.strings ? opt.strings + 1 : 0;
	return opt.buffers;
}

/* The output buffer reported at a call's exit, read into buf (4097 bytes); its length, 0 for none. */
static size_t exit_buffer(const struct task *t, bool returned, int64_t rval, bool is_error, char *buf)
{
	if (!returned || !t->ent || !t->ent->buf || is_error || rval <= 0)
		return 0;
	size_t bound = exit_buffer_bound(t->ent);
	size_t want = (uint64_t)rval < bound ? (size_t)rval : bound;
	return want ? read_mem(t->pid, t->args[t->ent->buf - 1], buf, want) : 0;
}

/* The syscall event as a compact record (events.h): the same members as emit_syscall's JSON, in
 * the same order, so that a reader rebuilds the same event. */
static void emit_syscall_compact(struct task *t, bool returned, int64_t rval, bool is_error)
{
	sb_mem(&ev, "s\t", 2);
	sb_i64(&ev, t->pid);
	sb_mem(&ev, "\t", 1);
	sb_u64(&ev, t->abi);
	sb_mem(&ev, "\t", 1);
	sb_i64(&ev, (int64_t)t->nr);
	for (int i = 0; i < 6; i++) {
		sb_mem(&ev, "\t", 1);
		sb_hex_q(&ev, t->args[i], 0);
	}
	sb_mem(&ev, "\t", 1);
	sb_hex_q(&ev, t->ip, 0);
	sb_mem(&ev, t->pre.p, t->pre.len);
	char buf[4097];
	size_t got = exit_buffer(t, returned, rval, is_error, buf);
	if (got) {
		ev_tag(&ev, 'B');
		sb_u64(&ev, (uint64_t)(t->ent->buf - 1));
		sb_mem(&ev, ":", 1);
		ev_bytes(&ev, buf, got);
	}
	if (returned) {
		ev_tag(&ev, 'r');
		sb_i64(&ev, rval);
		if (is_error) {
			ev_tag(&ev, 'E');
			sb_i64(&ev, -rval);
		}
	} else {
		ev_tag(&ev, 'n');
	}
	if (t->seccomp) {
		ev_tag(&ev, 'D');
		sb_u64(&ev, t->data);
		if (t->has_action) {
			ev_tag(&ev, 'X');
			sb_hex_q(&ev, t->action, 0);
		}
	}
	if (t->startup && !(t->ent && t->ent->argv))
		ev_tag(&ev, 'U');
	sb_mem(&ev, "\n", 1);
}

static void emit_syscall_json(struct task *t, bool returned, int64_t rval, bool is_error)
{
	ev_head("syscall", t->pid);
	ev_call(t->abi, (int64_t)t->nr, t->args, t->ip);
	sb_mem(&ev, t->pre.p, t->pre.len);
	char buf[4097];
	size_t got = exit_buffer(t, returned, rval, is_error, buf);
	if (got) {
		sb_puts(&ev, ",\"buf\":{\"");
		sb_u64(&ev, (uint64_t)(t->ent->buf - 1));
		sb_puts(&ev, "\":");
		sb_str(&ev, buf, got);
		sb_puts(&ev, "}");
	}
	if (returned) {
		sb_puts(&ev, ",\"ret\":\"");
		sb_i64(&ev, rval);
		sb_puts(&ev, "\"");
		if (is_error) {
			sb_puts(&ev, ",\"errno\":");
			sb_i64(&ev, -rval);
		}
	} else {
		sb_puts(&ev, ",\"ret\":null,\"noreturn\":true");
	}
	if (t->seccomp) {
		sb_puts(&ev, ",\"seccomp\":{\"data\":");
		sb_u64(&ev, t->data);
		if (t->has_action) {
			sb_puts(&ev, ",\"action\":");
			sb_hex(&ev, t->action);
		}
		sb_puts(&ev, "}");
	}
	if (t->startup && !(t->ent && t->ent->argv))
		sb_puts(&ev, ",\"startup\":true");
	sb_puts(&ev, "}\n");
}

static void emit_syscall(struct task *t, bool returned, int64_t rval, bool is_error)
{
	if (ev_compact)
		emit_syscall_compact(t, returned, rval, is_error);
	else
		emit_syscall_json(t, returned, rval, is_error);
	t->pending = false;
	t->held = false;
	t->seccomp = false;
	maybe_flush();
}

/* ---- the child ------------------------------------------------------------------------- */

/* The child's reports on the error pipe (struct child_report, value = errno). */
enum { STAGE_NNP = 1, STAGE_SECCOMP, STAGE_EXEC };
extern char **environ;

static void __attribute__((noreturn)) child(const char *path, int go_fd, int errfd, pid_t parent)
{
	/* If the helper dies before PTRACE_SEIZE, EXITKILL cannot help; the death signal does. */
	child_begin(parent);
	child_wait_go(go_fd); /* exits when the parent could not seize us and closed the pipe */
	close(go_fd);
	/* A seized tracee runs on until its first stop; this stop lets the tracer resume us with
	 * PTRACE_SYSCALL, so every later syscall is seen. The tracer swallows it. */
	kill(getpid(), SIGSTOP);
	/* Raw syscalls from here: nothing of the C library runs between the stop and execve. */
	if (install_filter && syscall(SYS_prctl, SR_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, STAGE_NNP);
	if (install_filter && !opt.after_exec) {
		struct sr_sock_fprog prog = {(unsigned short)filter_len, filter};
		if (syscall(SYS_seccomp, SR_SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			child_fail(errfd, STAGE_SECCOMP);
	}
	syscall(SYS_execve, path, opt.cmd, environ);
	/* Not reached when the execve fails: the tracer kills us at its exit stop (exec_failed),
	 * since from here on the filter may deny this very error path. */
	child_fail(errfd, STAGE_EXEC);
}

/* Find the command like execvp, but in the helper, so that the traced program's first
 * syscall is the one execve that succeeds and a missing command fails before anything runs. */
static char *resolve_command(const char *cmd)
{
	struct stat st;
	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0)
			die(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC, "%s: %s", cmd, strerror(errno));
		if (!S_ISREG(st.st_mode) || access(cmd, X_OK) < 0)
			die(EXIT_CANNOT_EXEC, "%s: %s", cmd, S_ISDIR(st.st_mode) ? "is a directory" : "not executable");
		return strdup(cmd);
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	bool denied = false;
	size_t clen = strlen(cmd);
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t dlen = end ? (size_t)(end - p) : strlen(p);
		char *full = malloc(dlen + clen + 3);
		if (!full)
			sb_oom();
		if (dlen)
			memcpy(full, p, dlen);
		else
			full[dlen++] = '.';
		full[dlen] = '/';
		memcpy(full + dlen + 1, cmd, clen + 1);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(full, X_OK) == 0)
				return full;
			denied = true;
		}
		free(full);
		if (!end)
			break;
		p = end;
	}
	die(denied ? EXIT_CANNOT_EXEC : EXIT_NOT_FOUND, "%s: %s", cmd, denied ? "not executable" : "command not found");
}

static void check_kernel(void)
{
	/* PR_GET_SECCOMP fails with EINVAL without CONFIG_SECCOMP; PR_SET_SECCOMP with a NULL
	 * filter fails with EFAULT when filters are supported and EINVAL when they are not
	 * (kernel/seccomp.c: prctl_set_seccomp -> seccomp_set_mode_filter copies the program). */
	if (!install_filter)
		return;
	if (prctl(SR_PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL)
		die(EXIT_UNSUPPORTED, "this kernel has no seccomp support");
	if (prctl(SR_PR_SET_SECCOMP, SR_SECCOMP_MODE_FILTER, NULL, 0, 0) == 0 || errno != EFAULT)
		die(EXIT_UNSUPPORTED, "this kernel has no seccomp filter support (%s)", strerror(errno));
}

/* ---- ptrace helpers -------------------------------------------------------------------- */

static bool get_info(pid_t pid, struct sr_syscall_info *si)
{
	memset(si, 0, sizeof *si);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof *si, si) > 0) {
		info_checked = true;
		return true;
	}
	if (errno == ESRCH)
		return false; /* killed under us; its death comes next */
	if (!info_checked && (errno == EIO || errno == EINVAL))
		die(EXIT_UNSUPPORTED, "this kernel lacks PTRACE_GET_SYSCALL_INFO (needs Linux 5.3)");
	die(EXIT_INTERNAL, "PTRACE_GET_SYSCALL_INFO on %d: %s", (int)pid, strerror(errno));
}

static void resume(struct task *t, int sig)
{
	/* The start-up task always stops at syscalls, also on the fast path: its execve's exit is
	 * where a failed exec is caught (see on_syscall_stop). */
	int req = (!opt.fast || t->want_exit || t->inject || t->startup) ? PTRACE_SYSCALL : PTRACE_CONT;
	if (ptrace(req, t->pid, 0, (void *)(long)sig) < 0 && errno != ESRCH)
		die(EXIT_INTERNAL, "resuming %d: %s", (int)t->pid, strerror(errno));
}

static unsigned long event_msg(pid_t pid)
{
	unsigned long msg = 0;
	if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) < 0 && errno != ESRCH)
		die(EXIT_INTERNAL, "PTRACE_GETEVENTMSG on %d: %s", (int)pid, strerror(errno));
	return msg;
}

/* ---- process starts, execs and deaths -------------------------------------------------- */

/* --max-procs counts every task of the program that the kernel still holds: the traced ones
 * and the processes that exited but that their parent has not reaped (zombies: they take a
 * pid and count against RLIMIT_NPROC as well). A traced process that dies is released to its
 * parent once we have seen its death, so it is noted here then, and dropped when a look at
 * /proc shows it gone (only when the count would cross the limit, so runs under it pay
 * nothing). */
static pid_t *zombies;
static size_t nzombies, zombies_cap;

static bool is_zombie(pid_t pid)
{
	char name[64], buf[512];
	snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false; /* reaped */
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	/* "pid (comm) S ...": the state follows the last ')' (comm may hold one). */
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'Z';
}

static void zombie_add(pid_t pid)
{
	if (nzombies == zombies_cap) {
		size_t cap = zombies_cap ? zombies_cap * 2 : 64;
		pid_t *z = realloc(zombies, cap * sizeof *z);
		if (!z)
			sb_oom();
		zombies = z;
		zombies_cap = cap;
	}
	zombies[nzombies++] = pid;
}

/* A new task has this pid, so the zombie that had it was reaped. */
static void zombie_reused(pid_t pid)
{
	for (size_t i = 0; i < nzombies; i++)
		if (zombies[i] == pid) {
			zombies[i] = zombies[--nzombies];
			return;
		}
}

/* Drops the zombies that are gone (reaped). */
static void zombies_prune(void)
{
	size_t k = 0;
	for (size_t i = 0; i < nzombies; i++)
		if (is_zombie(zombies[i]))
			zombies[k++] = zombies[i];
	nzombies = k;
}

static struct task *new_task(pid_t pid)
{
	struct task *t = task_add(pid);
	zombie_reused(pid);
	if (opt.max_procs && (long)(tasks_live + nzombies) > opt.max_procs)
		zombies_prune();
	if (killing != RUNNING) {
		kill(pid, SIGKILL);
	} else if (opt.max_procs && (long)(tasks_live + nzombies) > opt.max_procs) {
		sb_puts(&ev, "{\"type\":\"limit\",\"what\":\"max-procs\",\"value\":");
		sb_i64(&ev, opt.max_procs);
		sb_puts(&ev, "}\n");
		kill_all(KILL_MAX_PROCS);
	}
	return t;
}

static void on_spawn(struct task *t, int event)
{
	pid_t child = (pid_t)event_msg(t->pid);
	if (child <= 0)
		return;
	ev_head("spawn", child);
	sb_puts(&ev, ",\"parent\":");
	sb_i64(&ev, t->pid);
	sb_puts(&ev, event == SR_EVENT_FORK ? ",\"how\":\"fork\"}\n"
		     : event == SR_EVENT_VFORK ? ",\"how\":\"vfork\"}\n"
					       : ",\"how\":\"clone\"}\n");
	/* The child's own first stop may have been reported already. */
	if (!task_find(child))
		new_task(child);
}

static struct task *on_exec(struct task *t)
{
	pid_t old = (pid_t)event_msg(t->pid);
	/* A non-leader thread that execs takes over the leader's tid; the leader's death is
	 * never reported (ptrace(2), "execve(2) under ptrace"), so its state is replaced. */
	if (old > 0 && old != t->pid) {
		struct task *o = task_find(old);
		if (t->pending) /* the leader's own call ends with it (ptrace(2): no death report) */
			emit_syscall(t, false, 0, false);
		if (o) {
			struct task keep = *o;
			struct sbuf pre = t->pre;
			pid_t pid = t->pid;
			*t = keep;
			t->pid = pid;
			/* swap the string buffers so each is freed once */
			o->pre = pre;
			task_del(o);
		}
	}
	if (t->startup && install_filter && !opt.after_exec)
		ev_install(t->pid, "before-exec", USER_LEN(), false, 0);
	ev_exec(t->pid, old);
	if (t->startup) {
		t->startup = false;
		if (install_filter && opt.after_exec)
			t->inject = true;
	}
	return t;
}

/* "cannot execute CMD: REASON", naming the interpreter of a script when execve says ENOENT
 * and that interpreter is missing (a shell's "bad interpreter"). Exits 127 for ENOENT (as a
 * shell does, also for a missing interpreter), else 126. */
static void __attribute__((noreturn)) exec_failure(const char *path, int err)
{
	const char *cmd = opt.cmd[0];
	char head[256] = {0};
	int fd = err == ENOENT ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		ssize_t n = read(fd, head, sizeof head - 1);
		close(fd);
		if (n > 2 && head[0] == '#' && head[1] == '!') {
			char *interp = head + 2;
			interp += strspn(interp, " \t");
			interp[strcspn(interp, " \t\r\n")] = 0;
			struct stat st;
			if (stat(interp, &st) < 0) /* else the ENOENT came from elsewhere (the policy) */
				die(EXIT_NOT_FOUND, "cannot execute %s: its interpreter %s: %s", cmd, interp, strerror(errno));
		}
	}
	die(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC, "cannot execute %s: %s", cmd, strerror(err));
}

static void startup_failed(void)
{
	struct child_report ce;
	if (!read_child_report(err_pipe, &ce))
		return; /* died for another reason (a signal, a kill by the filter): report as is */
	switch (ce.stage) {
	case STAGE_NNP:
		die(EXIT_INTERNAL, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(ce.value));
	case STAGE_SECCOMP:
		die_seccomp_failed(ce.value, "seccomp(SECCOMP_SET_MODE_FILTER)");
	default:
		exec_failure(resolved_path, ce.value);
	}
}

static void on_death(pid_t pid, int status)
{
	struct task *t = task_find(pid);
	if (t && t->startup && t->exec_errno) {
		/* Killed by us at its failed execve (exec_failed): the program never ran. */
		int err = t->exec_errno;
		task_del(t);
		exec_failure(resolved_path, err);
	}
	if (t && t->pending) {
		bool killed = !t->held || (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS);
		emit_syscall(t, !killed, t->held_rval, t->held_err);
	}
	ev_death(pid, status);
	if (pid == main_pid)
		main_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	bool startup = t && t->startup;
	if (t)
		task_del(t);
	if (opt.max_procs && pid != main_pid && killing == RUNNING && is_zombie(pid))
		zombie_add(pid);
	if (startup && killing == RUNNING)
		startup_failed();
}

/* ---- after-exec install ---------------------------------------------------------------- */

/* Run the injected syscall: the tracee is at a syscall-exit stop with its registers set up;
 * it returns to user mode on the patched instruction, and we see the call's entry and exit. */
static bool run_injected(pid_t pid, int64_t *ret)
{
	int stops = 0, sig = 0;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, 0, (void *)(long)sig) < 0)
			return false;
		sig = 0;
		int st;
		pid_t r = waitpid(pid, &st, __WALL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		if (!WIFSTOPPED(st)) {
			on_death(pid, st);
			return false;
		}
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			if (++stops == 2) {
				sr_regs regs;
				if (arch_get_regs(pid, &regs))
					return false;
				*ret = arch_call_result(&regs);
				return true;
			}
		} else if ((unsigned)st >> 16 == 0) {
			sig = WSTOPSIG(st); /* a signal from before the exec: deliver it as usual */
		}
	}
}

static void inject_filter(struct task *t)
{
	pid_t pid = t->pid;
	t->inject = false;
	sr_regs saved, regs;
	if (arch_get_regs(pid, &saved))
		die(EXIT_INTERNAL, "after-exec install: reading registers: %s", strerror(errno));
	char exe[64];
	unsigned char ident[5] = {0};
	snprintf(exe, sizeof exe, "/proc/%d/exe", (int)pid);
	int fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, ident, sizeof ident);
		(void)n;
		close(fd);
	}
	if (ident[4] == 1) /* ELFCLASS32: another ABI, another calling convention */
		die(EXIT_UNSUPPORTED, "after-exec install into a 32-bit program is not supported");
	/* The sock_fprog and the program go on the new image's stack, below the red zone:
	 * nothing there is in use yet at the first instruction. */
	size_t bytes = filter_len * sizeof *filter;
	uint64_t base = (arch_sp(&saved) - ARCH_RED_ZONE - bytes - 16) & ~(uint64_t)15;
	uint64_t fprog[2] = {filter_len, base + 16}; /* struct sock_fprog: len, pad, pointer */
	struct iovec local[2] = {{fprog, sizeof fprog}, {filter, bytes}};
	struct iovec remote = {(void *)(uintptr_t)base, sizeof fprog + bytes};
	if (process_vm_writev(pid, local, 2, &remote, 1, 0) != (ssize_t)(sizeof fprog + bytes))
		die(EXIT_INTERNAL, "after-exec install: writing the filter: %s", strerror(errno));
	/* The text is read-only to the tracee but ptrace writes through (FOLL_FORCE). */
	uint64_t ip = arch_ip(&saved);
	errno = 0;
	long word = ptrace(PTRACE_PEEKTEXT, pid, (void *)(uintptr_t)ip, 0);
	if (errno)
		die(EXIT_INTERNAL, "after-exec install: reading text: %s", strerror(errno));
	if (ptrace(PTRACE_POKETEXT, pid, (void *)(uintptr_t)ip, (void *)arch_patch_syscall_insn(word)) < 0)
		die(EXIT_INTERNAL, "after-exec install: patching text: %s", strerror(errno));
	regs = saved;
	arch_prepare_call(&regs, ARCH_NR_SECCOMP, SR_SECCOMP_SET_MODE_FILTER, 0, base);
	if (arch_set_regs(pid, &regs))
		die(EXIT_INTERNAL, "after-exec install: setting registers: %s", strerror(errno));
	int64_t ret = 0;
	if (!run_injected(pid, &ret))
		die(EXIT_INTERNAL, "after-exec install: the program died during the install");
	if (ptrace(PTRACE_POKETEXT, pid, (void *)(uintptr_t)ip, (void *)word) < 0 || arch_set_regs(pid, &saved))
		die(EXIT_INTERNAL, "after-exec install: restoring the program: %s", strerror(errno));
	ev_install(pid, "after-exec", USER_LEN(), true, ret);
	if (ret == -EINVAL)
		die(EXIT_REJECTED, "the kernel rejected the filter (EINVAL)");
	if (ret < 0)
		die(EXIT_INTERNAL, "after-exec install: seccomp(): %s", strerror((int)-ret));
}

/* ---- stops ----------------------------------------------------------------------------- */

/* The start-up execve failed. With a before-exec install the child now runs under the filter,
 * so its own error path (a write to the error pipe, _exit) could be denied or killed, and it
 * is not the program's anyway: the child is killed here, at the execve's exit stop, before
 * it returns to user mode, and on_death reports the errno (exec_failure). */
static void exec_failed(struct task *t, int64_t rval)
{
	if (t->pending)
		emit_syscall(t, true, rval, true);
	t->exec_errno = (int)-rval;
	if (kill(t->pid, SIGKILL) < 0 && errno != ESRCH)
		die(EXIT_INTERNAL, "killing %d after its failed exec: %s", (int)t->pid, strerror(errno));
}

static void on_syscall_stop(struct task *t)
{
	struct sr_syscall_info si;
	if (!get_info(t->pid, &si))
		return;
	if (si.op == SR_SYSCALL_INFO_ENTRY) {
		if (opt.fast && t->startup) {
			/* Stopped only to watch the start-up execve: nothing is reported unless the
			 * filter traces the call (then the seccomp stop records it). */
			t->nr = si.entry.nr;
			return;
		}
		record_entry(t, si.arch, si.entry.nr, si.entry.args, si.instruction_pointer);
		t->seccomp = false;
	} else if (si.op == SR_SYSCALL_INFO_EXIT) {
		if (t->startup && t->nr == SYS_execve && si.exit.is_error) {
			exec_failed(t, si.exit.rval);
			return;
		}
		/* A seccomp kill still passes the syscall-exit stop: the kernel rolls the registers
		 * back (the return value is the syscall number), forces SIGSYS and skips the call
		 * (seccomp.c: "skip the syscall go directly to signal handling"). Such an exit is
		 * held until we know whether the task dies of SIGSYS without stopping again. */
		if (t->pending && (si.exit.rval == (int64_t)t->nr || si.exit.rval == MAGIC_NR)) {
			t->held = true;
			t->held_rval = si.exit.rval;
			t->held_err = si.exit.is_error;
		} else if (t->pending) {
			emit_syscall(t, true, si.exit.rval, si.exit.is_error);
		}
		t->want_exit = false;
		if (t->inject)
			inject_filter(t);
	}
}

/* --only-decisions: the filter said RET_TRACE; the data indexes the real action in --actions. */
static void on_seccomp_stop(struct task *t)
{
	struct sr_syscall_info si;
	if (!get_info(t->pid, &si) || si.op != SR_SYSCALL_INFO_SECCOMP)
		return;
	record_entry(t, si.arch, si.seccomp.nr, si.seccomp.args, si.instruction_pointer);
	t->seccomp = true;
	t->data = si.seccomp.ret_data;
	t->want_exit = true; /* PTRACE_SYSCALL from a seccomp stop leads to the syscall-exit stop */
	if (opt.permissive)
		return;
	/* An index out of range gets what the kernel gives an unknown action: kill the process. */
	uint32_t act = t->data < opt.nactions ? opt.actions[t->data] : SR_RET_KILL_PROCESS;
	t->has_action = true;
	t->action = act;
	uint32_t data = act & SR_RET_DATA;
	int rc = 0;
	switch (act & SR_RET_ACTION_FULL) {
	case SR_RET_ALLOW:
	case SR_RET_LOG:
	case SR_RET_TRACE: /* a tracer (us) was told; the call goes on */
		break;
	case SR_RET_ERRNO:
		rc = arch_skip_syscall(t->pid, -(int64_t)(data > SR_MAX_ERRNO ? SR_MAX_ERRNO : data));
		break;
	case SR_RET_USER_NOTIF: /* no listener: seccomp_do_user_notification() returns -ENOSYS */
		rc = arch_skip_syscall(t->pid, -ENOSYS);
		break;
	case SR_RET_TRAP:
		/* The kernel skips the call with the registers rolled back (syscall_rollback: the
		 * return register holds the number) and forces SIGSYS; we queue SIGSYS and fill in
		 * the seccomp siginfo at its delivery stop. */
		rc = arch_skip_syscall(t->pid, (int64_t)t->nr);
		if (!rc) {
			t->trap = true;
			rc = (int)syscall(SYS_tgkill, t->pid, t->pid, SIGSYS);
			if (rc < 0 && errno == EINVAL)
				rc = (int)syscall(SYS_tkill, t->pid, SIGSYS);
		}
		break;
	default: /* KILL_PROCESS, KILL_THREAD and unknown actions */
		if (kill_prefix) {
			/* Let the kernel do it: after a RET_TRACE stop it runs the filters again
			 * (seccomp.c, "Recheck the syscall"), and our prefix returns arg 0. */
			rc = arch_set_nr_arg0(t->pid, t->abi, MAGIC_NR, act);
		} else {
			rc = kill(t->pid, SIGKILL); /* no room for the prefix: SIGKILL, see the docs */
		}
		break;
	}
	if (rc < 0 && errno != ESRCH)
		die(EXIT_INTERNAL, "applying action 0x%08x to %d: %s", act, (int)t->pid, strerror(errno));
}

static void emit_signal(struct task *t, int sig, bool emulated)
{
	struct sr_siginfo si;
	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GETSIGINFO, t->pid, 0, &si) < 0)
		si.signo = sig;
	ev_head("signal", t->pid);
	sb_puts(&ev, ",\"sig\":");
	sb_i64(&ev, si.signo);
	sb_puts(&ev, ",\"code\":");
	sb_i64(&ev, si.code);
	sb_puts(&ev, ",\"errno\":");
	sb_i64(&ev, si.errno_);
	if (si.code <= 0) { /* SI_USER, SI_TKILL, SI_QUEUE...: sent by a process */
		sb_puts(&ev, ",\"sender\":");
		sb_i64(&ev, si.kill.pid);
		sb_puts(&ev, ",\"uid\":");
		sb_u64(&ev, si.kill.uid);
	} else if (si.signo == SIGSYS) {
		sb_puts(&ev, ",\"syscall\":");
		sb_i64(&ev, si.sys.syscall);
		sb_puts(&ev, ",\"arch\":");
		sb_u64(&ev, si.sys.arch);
		sb_puts(&ev, ",\"call_addr\":");
		sb_hex(&ev, si.sys.call_addr);
	} else if (si.signo == SIGSEGV || si.signo == SIGBUS || si.signo == SIGILL ||
		   si.signo == SIGFPE || si.signo == SIGTRAP) {
		sb_puts(&ev, ",\"addr\":");
		sb_hex(&ev, si.fault.addr);
	} else if (si.signo == SIGCHLD) {
		sb_puts(&ev, ",\"child\":");
		sb_i64(&ev, si.kill.pid);
		sb_puts(&ev, ",\"status\":");
		sb_i64(&ev, si.kill.status);
	}
	if (emulated)
		sb_puts(&ev, ",\"emulated\":true");
	sb_puts(&ev, "}\n");
}

/* A signal-delivery stop: report it and return the signal to deliver. */
static int on_signal(struct task *t, int sig)
{
	if (t->self_stop && sig == SIGSTOP) {
		t->self_stop = false;
		return 0;
	}
	bool emulated = false;
	if (t->trap && sig == SIGSYS) {
		struct sr_siginfo si;
		memset(&si, 0, sizeof si);
		si.signo = SIGSYS;
		si.code = SR_SYS_SECCOMP;
		si.errno_ = (int32_t)(t->action & SR_RET_DATA);
		si.sys.call_addr = t->ip;
		si.sys.syscall = (int32_t)t->nr;
		si.sys.arch = t->abi;
		if (ptrace(PTRACE_SETSIGINFO, t->pid, 0, &si) < 0 && errno != ESRCH)
			die(EXIT_INTERNAL, "PTRACE_SETSIGINFO on %d: %s", (int)t->pid, strerror(errno));
		t->trap = false;
		emulated = true;
	}
	emit_signal(t, sig, emulated);
	return sig;
}

static void handle_status(pid_t pid, int st)
{
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		on_death(pid, st);
		ev_flush();
		return;
	}
	if (!WIFSTOPPED(st))
		return;
	struct task *t = task_find(pid);
	if (!t)
		t = new_task(pid); /* a new child's first stop, ahead of its parent's fork event */
	if (killing != RUNNING) {
		kill(pid, SIGKILL);
		return;
	}
	if (t->held) /* it stopped again, so the held syscall really returned */
		emit_syscall(t, true, t->held_rval, t->held_err);
	int sig = WSTOPSIG(st), event = (unsigned)st >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(t);
		resume(t, 0);
		return;
	}
	switch (event) {
	case 0:
		resume(t, on_signal(t, sig));
		return;
	case SR_EVENT_FORK:
	case SR_EVENT_VFORK:
	case SR_EVENT_CLONE:
		on_spawn(t, event);
		break;
	case SR_EVENT_EXEC:
		t = on_exec(t);
		break;
	case SR_EVENT_SECCOMP:
		on_seccomp_stop(t);
		break;
	case SR_EVENT_STOP:
		/* Group-stop of a seized tracee: keep it stopped but listen for SIGCONT and other
		 * events (ptrace(2), PTRACE_LISTEN). Any other PTRACE_EVENT_STOP is a new child's
		 * first stop or an interrupt, and it runs on. */
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			ev_head("stop", pid);
			sb_puts(&ev, ",\"sig\":");
			sb_i64(&ev, sig);
			sb_puts(&ev, "}\n");
			if (ptrace(PTRACE_LISTEN, pid, 0, 0) < 0 && errno != ESRCH)
				die(EXIT_INTERNAL, "PTRACE_LISTEN on %d: %s", (int)pid, strerror(errno));
			return;
		}
		break;
	default:
		break;
	}
	if (killing != RUNNING) { /* the event may have crossed a limit */
		kill(pid, SIGKILL);
		return;
	}
	resume(t, 0);
}

/* ---- main ------------------------------------------------------------------------------ */

static void on_alarm(int sig)
{
	(void)sig;
	tick = 1;
}

static bool past_deadline(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

static void open_events(void)
{
	if (opt.events_path) {
		ev_fd = open(opt.events_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (ev_fd < 0)
			die(EXIT_NO_FILE, "cannot open events file %s: %s", opt.events_path, strerror(errno));
	} else if (opt.events_fd >= 0) {
		int fl = fcntl(opt.events_fd, F_GETFD);
		if (fl < 0)
			die(EXIT_NO_FILE, "events fd %d: %s", opt.events_fd, strerror(errno));
		/* The program must not inherit our stream (but fds 0-2 are its own as well). */
		if (opt.events_fd > 2 && fcntl(opt.events_fd, F_SETFD, fl | FD_CLOEXEC) < 0)
			die(EXIT_NO_FILE, "events fd %d: %s", opt.events_fd, strerror(errno));
		ev_fd = opt.events_fd;
	} else {
		ev_fd = 2;
	}
}

int main(int argc, char **argv)
{
	die_cleanup = kill_on_error;
	/* Errors before the stream is open go to stderr only. */
	parse_args(argc, argv);
	/* When the process that started us dies (a CLI killed with SIGKILL), die too: EXITKILL then
	 * takes every traced process with us. The parent may already be gone: check after arming. */
	if (opt.die_with_parent) {
		pid_t parent = getppid();
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			die(EXIT_INTERNAL, "prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
		if (getppid() != parent)
			die(EXIT_INTERNAL, "the parent process exited before the trace started");
	}
	open_events();
	load_filter();
	build_index();
	check_kernel();
	char *path = resolve_command(opt.cmd[0]);
	resolved_path = path;
	if (opt.ask) {
		struct ask_params ap = {path, opt.cmd, filter, filter_len, opt.answers_fd, opt.timeout, ARCH_NAME, ARCH_AUDIT};
		return ask_run(&ap);
	}

	ignore_sigpipe();

	/* Tracer and tracee on one CPU: each stop is a wakeup of the other side, which is much
	 * cheaper on the same runqueue than an IPI to another CPU. The child inherits the mask. */
	int cpu = -1;
	if (opt.pin) {
		cpu = sched_getcpu();
		cpu_set_t set;
		CPU_ZERO(&set);
		if (cpu >= 0)
			CPU_SET(cpu, &set);
		if (cpu < 0 || sched_setaffinity(0, sizeof set, &set) < 0)
			cpu = -1; /* not fatal: only slower */
	}

	pid_t parent = getpid();
	struct child_pipes ends;
	pid_t pid = fork_child(&ends);
	if (pid == 0)
		child(path, ends.go, ends.report, parent);
	err_pipe = ends.report;

	long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		       PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
	if (opt.fast)
		options |= PTRACE_O_TRACESECCOMP;
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)options) < 0) {
		int e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		die(e == EPERM ? EXIT_NO_PTRACE : EXIT_INTERNAL, "cannot trace the child: PTRACE_SEIZE: %s", strerror(e));
	}
	main_pid = pid;
	struct task *t = new_task(pid);
	t->startup = true;
	t->self_stop = true;

	struct ev_hello hello = {
		.pid = pid,
		.tracer = parent,
		.mode = opt.permissive ? "permissive" : "enforce",
		.install = !install_filter ? "none" : opt.after_exec ? "after-exec" : "before-exec",
		.only_decisions = opt.fast,
		.arch = ARCH_NAME,
		.abi = ARCH_AUDIT,
		.instructions = USER_LEN(),
		.kill_prefix = kill_prefix,
		.cpu = cpu,
		.path = path,
		.argv = opt.cmd,
	};
	ev_hello(&hello);
	ev_flush();

	/* The child waits for this byte, so it only runs once it is traced. */
	release_child(ends.go);

	/* A 100 ms tick flushes the events while the program is quiet and checks the deadline;
	 * it interrupts waitpid (no SA_RESTART). */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	struct itimerval it = {{0, 100000}, {0, 100000}};
	if (sigaction(SIGALRM, &sa, NULL) < 0 || setitimer(ITIMER_REAL, &it, NULL) < 0)
		die(EXIT_INTERNAL, "timer: %s", strerror(errno));
	if (opt.timeout > 0)
		deadline = deadline_after(opt.timeout);

	for (;;) {
		if (tick) {
			tick = 0;
			ev_flush();
			if (opt.timeout > 0 && killing == RUNNING && past_deadline()) {
				ev_limit_timeout(opt.timeout);
				kill_all(KILL_TIMEOUT);
			}
		}
		int st;
		pid_t w = waitpid(-1, &st, __WALL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			die(EXIT_INTERNAL, "waitpid: %s", strerror(errno));
		}
		handle_status(w, st);
	}

	int code = main_status < 0 ? EXIT_INTERNAL : main_status;
	const char *reason = main_status >= 128 ? "signal" : "exit";
	if (killing == KILL_TIMEOUT)
		code = EXIT_TIMEOUT, reason = "timeout";
	else if (killing == KILL_MAX_PROCS)
		code = EXIT_MAX_PROCS, reason = "max-procs";
	if (killing == KILL_TIMEOUT)
		fprintf(stderr, "seccomp-run: timed out after %g s; killed the traced processes\n", opt.timeout);
	else if (killing == KILL_MAX_PROCS)
		fprintf(stderr, "seccomp-run: more than %ld processes and threads (unreaped ones included); killed the traced processes\n", opt.max_procs);
	ev_done(code, reason, main_status);
	ev_flush();
	return code;
}
