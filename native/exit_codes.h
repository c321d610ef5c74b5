/* The helper's own exit codes, in both modes (ptrace and --ask); docs/trace-protocol.md,
 * "Exit codes", describes them. Otherwise the helper exits with the program's status. */
#ifndef SECCOMP_RUN_EXIT_CODES_H
#define SECCOMP_RUN_EXIT_CODES_H

enum {
	EXIT_USAGE = 64,
	EXIT_BAD_FILTER = 65,
	EXIT_NO_FILE = 66,
	EXIT_REJECTED = 67,
	EXIT_UNSUPPORTED = 69,
	EXIT_INTERNAL = 70,
	EXIT_NO_PTRACE = 77,
	EXIT_TIMEOUT = 124,
	EXIT_MAX_PROCS = 125,
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

#endif
