/*
 * For test/trace/learn-conditions.test.ts: threads (pthread_create, which
 * glibc starts with clone3 and, answered ENOSYS, with clone) and a child
 * started with posix_spawn (clone3 or clone with CLONE_VM|CLONE_VFORK), so
 * that a learned policy must allow both sets of clone flags and no more.
 */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

static void *work(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t[3];
	long sum = 0;
	for (long i = 0; i < 3; i++) {
		int e = pthread_create(&t[i], NULL, work, (void *)(i + 1));
		if (e) {
			fprintf(stderr, "pthread_create: %s\n", strerror(e));
			return 1;
		}
	}
	for (int i = 0; i < 3; i++) {
		void *r;
		int e = pthread_join(t[i], &r);
		if (e) {
			fprintf(stderr, "pthread_join: %s\n", strerror(e));
			return 1;
		}
		sum += (long)r;
	}
	printf("threads=%ld\n", sum);
	if (fflush(stdout) != 0) {
		perror("fflush");
		return 1;
	}
	char *argv[] = { "echo", "spawned", NULL };
	pid_t pid;
	int e = posix_spawn(&pid, "/bin/echo", NULL, NULL, argv, environ);
	if (e) {
		fprintf(stderr, "posix_spawn: %s\n", strerror(e));
		return 2;
	}
	int status;
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 3;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 4;
}
