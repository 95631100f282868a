/*
 * A known workload for the sampler tests: 90% of its CPU time in hot_function (pure user-mode
 * arithmetic) and 10% in kernel_function (reads from /dev/zero, so the kernel clears memory).
 * The split is by this process's CPU clock, not wall time, so it holds on a machine so busy that the
 * workload waits for a core half of the time.
 * Built with frame pointers everywhere, leaf functions included, so every frame is reachable:
 * main -> run_workload -> hot_function | kernel_function.
 * Usage: workload SECONDS. Prints "ready" once running.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long long sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time used by this process, in seconds. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) void hot_function(double until)
{
	unsigned long long x = sink;

	while (cpu_now() < until)
		for (int i = 0; i < 200000; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
}

__attribute__((noinline)) void kernel_function(int fd, char *buffer, double until)
{
	while (cpu_now() < until)
		if (read(fd, buffer, 1 << 20) < 0)
			exit(3);
}

__attribute__((noinline)) void run_workload(double seconds)
{
	int fd = open("/dev/zero", O_RDONLY);
	char *buffer = malloc(1 << 20);
	double end = now() + seconds;

	if (fd < 0 || !buffer)
		exit(2);
	while (now() < end) {
		double start = cpu_now();

		hot_function(start + 0.009);
		kernel_function(fd, buffer, start + 0.010);
	}
}

int main(int argc, char **argv)
{
	printf("ready\n");
	fflush(stdout);
	run_workload(argc > 1 ? atof(argv[1]) : 10);
	return 0;
}
