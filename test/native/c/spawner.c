/*
 * Children for --max-procs: `spawner N noreap` forks N children that exit at once and never
 * reaps them (they stay zombies while the parent sleeps a little); `spawner N reap` forks them
 * one at a time and waits for each, so at most two tasks exist at any moment. Prints
 * "forked N" when it got through.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[2], "reap") != 0 && strcmp(argv[2], "noreap") != 0)) {
		fprintf(stderr, "usage: spawner N reap|noreap\n");
		return 2;
	}
	int n = atoi(argv[1]);
	int reap = strcmp(argv[2], "reap") == 0;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("spawner: fork");
			return 1;
		}
		if (p == 0)
			_exit(0);
		if (reap && waitpid(p, NULL, 0) != p) {
			perror("spawner: waitpid");
			return 1;
		}
	}
	printf("forked %d\n", n);
	fflush(stdout);
	/* Keep the zombies around for a moment: the parent's exit would let init reap them. */
	struct timespec ts = {0, 200 * 1000 * 1000};
	nanosleep(&ts, NULL);
	return 0;
}
