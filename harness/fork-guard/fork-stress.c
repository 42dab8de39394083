/*
 * fork-stress.c: reproduce the fork() deadlock in ASan's allocator
 *
 * Usage: fork-stress FORKS THREADS
 *
 * Built with -fsanitize=address.  THREADS worker threads allocate and free
 * in a loop (small, medium and large blocks, calloc, realloc, strdup,
 * strndup, posix_memalign), each exiting after a while and starting its
 * replacement (a thread exit drains its allocator cache and quarantine).
 * Meanwhile the main thread forks FORKS times; each child allocates and
 * frees blocks of several sizes, as libvirt's children do before exec(),
 * and _exit(0)s.  A child still running after CHILD_TIMEOUT_MS has hung
 * on an allocator lock inherited locked: it is killed and counted, and no
 * more children are forked.  The timeout is long because a child that is
 * merely slow must not count: a child takes a few milliseconds on an idle
 * host, but forks of an ASan process on a loaded, nested host have taken
 * over 2 s, while a deadlocked child never finishes.
 *
 * Prints "forks N hung N" (the forks made, the children that hung); exits
 * 1 when a child hung or failed.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 64
#define CHILD_TIMEOUT_MS 30000
/* above the largest size class of ASan's primary allocator (128 KiB) */
#define LARGE 200000

static atomic_bool stop;
static atomic_int live;

static void *worker(void *arg);

static void
start_worker(unsigned seed)
{
    pthread_attr_t attr;
    pthread_t tid;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    atomic_fetch_add(&live, 1);
    if (pthread_create(&tid, &attr, worker, (void *)(uintptr_t)seed) != 0) {
        perror("fork-stress: pthread_create");
        exit(2);
    }
    pthread_attr_destroy(&attr);
}

static void *
worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    unsigned rounds = 500 + rand_r(&seed) % 2000;
    char *slot[SLOTS] = { NULL };
    unsigned i;

    while (!atomic_load(&stop) && rounds-- > 0) {
        unsigned k = rand_r(&seed) % SLOTS;
        size_t small = 16 + rand_r(&seed) % 1024;
        void *p = NULL;

        switch (rand_r(&seed) % 8) {
        case 0:
        case 1:
            free(slot[k]);
            slot[k] = malloc(small);
            break;
        case 2:
            free(slot[k]);
            slot[k] = calloc(1, 1024 + rand_r(&seed) % 65536);
            break;
        case 3:
            free(slot[k]);
            slot[k] = malloc(LARGE + rand_r(&seed) % 800000);
            break;
        case 4:
            p = realloc(slot[k], small * 2);
            if (p)
                slot[k] = p;
            break;
        case 5:
            free(slot[k]);
            slot[k] = strdup("worker: a string duplicated by libasan");
            break;
        case 6:
            free(slot[k]);
            slot[k] = strndup("worker: and a prefix of this one", 16);
            break;
        default:
            free(slot[k]);
            slot[k] = posix_memalign(&p, 64, small) == 0 ? p : NULL;
            break;
        }
        if (slot[k])
            slot[k][0] = 1;
    }
    for (i = 0; i < SLOTS; i++)
        free(slot[i]);
    if (!atomic_load(&stop))
        start_worker(seed);
    atomic_fetch_sub(&live, 1);
    return NULL;
}

/* What a libvirt child does before exec(): a few allocations. */
static void
child_work(void)
{
    /* volatile: GCC would otherwise drop each malloc()/free() pair */
    void *volatile keep[96];
    unsigned i;

    for (i = 0; i < 64; i++)
        keep[i] = malloc(16 << (i % 9));
    for (i = 64; i < 72; i++)
        keep[i] = malloc(LARGE + i * 4096);
    for (i = 72; i < 96; i++)
        keep[i] = strdup("child: /dev/mapper/control");
    for (i = 0; i < 96; i++)
        free(keep[i]);
}

static long
elapsed_ms(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 +
           (now.tv_nsec - since->tv_nsec) / 1000000;
}

int
main(int argc, char **argv)
{
    const struct timespec tick = { 0, 1000000 };
    struct timespec start;
    int forks, threads, i, hung = 0, failed = 0;

    if (argc != 3 || (forks = atoi(argv[1])) <= 0 ||
        (threads = atoi(argv[2])) <= 0) {
        fprintf(stderr, "usage: %s FORKS THREADS\n", argv[0]);
        return 2;
    }
    for (i = 0; i < threads; i++)
        start_worker(i + 1);

    for (i = 0; i < forks && !hung; i++) {
        int status;
        pid_t pid = fork();

        if (pid < 0) {
            perror("fork-stress: fork");
            return 2;
        }
        if (pid == 0) {
            child_work();
            _exit(0);
        }
        clock_gettime(CLOCK_MONOTONIC, &start);
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (elapsed_ms(&start) >= CHILD_TIMEOUT_MS) {
                hung++;
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                status = 0;
                break;
            }
            nanosleep(&tick, NULL);
        }
        if (status != 0) {
            failed++;
            fprintf(stderr, "fork-stress: child %d: status 0x%x\n",
                    (int)pid, (unsigned)status);
        }
    }

    atomic_store(&stop, true);
    while (atomic_load(&live) > 0)
        nanosleep(&tick, NULL);
    printf("forks %d hung %d\n", i, hung);
    return hung || failed ? 1 : 0;
}
