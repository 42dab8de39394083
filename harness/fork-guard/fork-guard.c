/*
 * fork-guard.c: make fork() safe against AddressSanitizer's allocator
 *
 * Why: virtqemud (multi-threaded) forks through virFork() and the child
 * runs libvirt code that allocates before exec() (qemuDomainSetupDev's
 * g_strdup_printf, ...), relying on malloc() being fork-safe, as glibc's
 * is.  In the sanitizer build malloc() is GCC 12's libasan (libasan.so.8),
 * whose allocator is guarded by internal spin and blocking mutexes (large
 * chunk list, size-class regions, quarantine, stack depot) and which has
 * neither a fork() interceptor nor a pthread_atfork() handler (upstream
 * compiler-rt got one only later).  A fork() while another thread holds
 * one of these mutexes leaves it locked for ever in the child, which hangs
 * at its first allocation that needs it.
 *
 * Loaded with LD_PRELOAD ahead of libasan (ASAN_OPTIONS=
 * verify_asan_link_order=0), this library counts the threads inside the
 * allocator.  It interposes the allocator entry points C code reaches:
 * the malloc family, strdup()/strndup() (libasan allocates in them with its
 * own allocator, not through malloc()), malloc_usable_size() (takes the
 * large chunk lock), and libasan's thread-exit TSD destructor (it drains the
 * exiting thread's allocator cache and quarantine), caught when libasan
 * registers it with pthread_key_create().  A pthread_atfork() prepare
 * handler closes a gate, so that new entries wait, and waits until no
 * thread is inside; the parent and child handlers reopen it.  A
 * thread-local depth lets nested entries pass: the forking thread's own
 * allocations in later fork handlers, a signal handler that interrupted an
 * allocation.  A handler rather than a fork() wrapper, so that the gate
 * closes as late as possible (after the prepare handlers registered after
 * ours) and glibc's own callers of fork() are covered too.
 *
 * Covered: fork() and what calls it in glibc (daemon(), forkpty()); that
 * is all virFork() uses, so every virCommand child (hooks included) and
 * every virProcessRunInFork() helper.  Not covered, and not needed there:
 * _Fork() (runs no handlers by design); vfork() and posix_spawn() (glibc
 * spawns with clone(CLONE_VM | CLONE_VFORK) and does not allocate in the
 * child; system() and popen() use it); raw clone() children (libvirt's
 * run trivial functions, or are LXC's); C++ new/delete, wcsdup() and the
 * other rare libasan entry points; thread creation (holds libasan's thread
 * registry lock, which a child that does not create threads never needs).
 * Lock order: the gate is the innermost lock of the forking thread, except
 * for locks glibc's fork() takes after the prepare handlers (atfork list,
 * NSS configuration, stdio list) and those of handlers registered before
 * ours; none of these is held across an allocation in practice.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TLS __thread __attribute__((tls_model("initial-exec")))

static struct {
    void *(*malloc)(size_t);
    void (*free)(void *);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void *(*reallocarray)(void *, size_t, size_t);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    void *(*memalign)(size_t, size_t);
    void *(*valloc)(size_t);
    void *(*pvalloc)(size_t);
    char *(*strdup)(const char *);
    char *(*strndup)(const char *, size_t);
    size_t (*malloc_usable_size)(void *);
    int (*pthread_key_create)(pthread_key_t *, void (*)(void *));
} real;

static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static TLS bool resolving;

/* dlsym() may allocate before real.malloc is known: serve it from here. */
static char boot_buf[8192] __attribute__((aligned(16)));
static atomic_size_t boot_used;

static atomic_int gate;     /* 1 while a fork is in progress; futex word */
static atomic_int inside;   /* threads inside the allocator; futex word */
static TLS unsigned depth;  /* this thread's nesting in the allocator */

static void (*asan_tsd_dtor)(void *);

static void
resolve(void)
{
    resolving = true;
#define RESOLVE(fn) real.fn = (__typeof__(real.fn))dlsym(RTLD_NEXT, #fn)
    RESOLVE(malloc);
    RESOLVE(free);
    RESOLVE(calloc);
    RESOLVE(realloc);
    RESOLVE(reallocarray);
    RESOLVE(posix_memalign);
    RESOLVE(aligned_alloc);
    RESOLVE(memalign);
    RESOLVE(valloc);
    RESOLVE(pvalloc);
    RESOLVE(strdup);
    RESOLVE(strndup);
    RESOLVE(malloc_usable_size);
    RESOLVE(pthread_key_create);
#undef RESOLVE
    resolving = false;
}

/* false while this thread is inside dlsym() (use the bootstrap buffer) */
static bool
ready(void)
{
    if (resolving)
        return false;
    pthread_once(&resolve_once, resolve);
    return true;
}

static void *
boot_alloc(size_t size)
{
    size_t off = atomic_fetch_add(&boot_used, (size + 15) & ~(size_t)15);

    if (size > sizeof(boot_buf) || off > sizeof(boot_buf) - size) {
        errno = ENOMEM;
        return NULL;
    }
    return boot_buf + off;      /* zeroed: never reused */
}

static bool
is_boot(const void *p)
{
    return (uintptr_t)p >= (uintptr_t)boot_buf &&
           (uintptr_t)p < (uintptr_t)boot_buf + sizeof(boot_buf);
}

static void
futex(atomic_int *word, int op, int val)
{
    int saved = errno;

    syscall(SYS_futex, word, op, val, NULL, NULL, 0);
    errno = saved;
}

/*
 * enter/leave bracket every call into the allocator.  Count first, then
 * look at the gate (both sequentially consistent): either the forking
 * thread sees the count, or this thread sees the gate and steps back out.
 */
static void
enter(void)
{
    if (depth++ > 0)
        return;
    for (;;) {
        atomic_fetch_add(&inside, 1);
        if (!atomic_load(&gate))
            return;
        atomic_fetch_sub(&inside, 1);
        futex(&inside, FUTEX_WAKE_PRIVATE, INT_MAX);
        depth = 0;              /* a signal handler meanwhile waits too */
        while (atomic_load(&gate))
            futex(&gate, FUTEX_WAIT_PRIVATE, 1);
        depth = 1;
    }
}

static void
leave(void)
{
    if (--depth > 0)
        return;
    atomic_fetch_sub(&inside, 1);
    if (atomic_load(&gate))
        futex(&inside, FUTEX_WAKE_PRIVATE, INT_MAX);
}

static void
fork_prepare(void)
{
    /* the forking thread may itself be inside (fork from a handler) */
    int self = depth > 0;
    int n;

    while (atomic_exchange(&gate, 1))   /* one fork at a time */
        futex(&gate, FUTEX_WAIT_PRIVATE, 1);
    depth++;                    /* our own allocations pass from now on */
    while ((n = atomic_load(&inside)) > self)
        futex(&inside, FUTEX_WAIT_PRIVATE, n);
}

static void
fork_parent(void)
{
    depth--;
    atomic_store(&gate, 0);
    futex(&gate, FUTEX_WAKE_PRIVATE, INT_MAX);
}

static void
fork_child(void)
{
    depth--;
    /* drop the counts of parent threads caught stepping back out */
    atomic_store(&inside, depth > 0);
    atomic_store(&gate, 0);
}

__attribute__((constructor))
static void
fork_guard_init(void)
{
    ready();
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}

#define GUARDED(type, call) \
    do { \
        type ret_; \
        enter(); \
        ret_ = call; \
        leave(); \
        return ret_; \
    } while (0)

void *
malloc(size_t size)
{
    if (!ready())
        return boot_alloc(size);
    GUARDED(void *, real.malloc(size));
}

void
free(void *ptr)
{
    if (!ptr || is_boot(ptr) || !ready())
        return;
    enter();
    real.free(ptr);
    leave();
}

void *
calloc(size_t nmemb, size_t size)
{
    if (!ready()) {
        if (size && nmemb > SIZE_MAX / size) {
            errno = ENOMEM;
            return NULL;
        }
        return boot_alloc(nmemb * size);
    }
    GUARDED(void *, real.calloc(nmemb, size));
}

void *
realloc(void *ptr, size_t size)
{
    bool up = ready();

    if (!up || is_boot(ptr)) {
        /* dlsym()'s own blocks: copy out of the bootstrap buffer */
        size_t avail = (uintptr_t)boot_buf + sizeof(boot_buf) - (uintptr_t)ptr;
        void *p;

        if (ptr && !is_boot(ptr)) {
            errno = ENOMEM;
            return NULL;
        }
        p = up ? malloc(size) : boot_alloc(size);
        if (p && ptr)
            memcpy(p, ptr, size < avail ? size : avail);
        return p;
    }
    GUARDED(void *, real.realloc(ptr, size));
}

void *
reallocarray(void *ptr, size_t nmemb, size_t size)
{
    if (!ready()) {
        errno = ENOMEM;
        return NULL;
    }
    GUARDED(void *, real.reallocarray(ptr, nmemb, size));
}

int
posix_memalign(void **memptr, size_t alignment, size_t size)
{
    if (!ready())
        return ENOMEM;
    GUARDED(int, real.posix_memalign(memptr, alignment, size));
}

void *
aligned_alloc(size_t alignment, size_t size)
{
    if (!ready()) {
        errno = ENOMEM;
        return NULL;
    }
    GUARDED(void *, real.aligned_alloc(alignment, size));
}

void *
memalign(size_t alignment, size_t size)
{
    if (!ready()) {
        errno = ENOMEM;
        return NULL;
    }
    GUARDED(void *, real.memalign(alignment, size));
}

void *
valloc(size_t size)
{
    if (!ready()) {
        errno = ENOMEM;
        return NULL;
    }
    GUARDED(void *, real.valloc(size));
}

void *
pvalloc(size_t size)
{
    if (!ready()) {
        errno = ENOMEM;
        return NULL;
    }
    GUARDED(void *, real.pvalloc(size));
}

char *
strdup(const char *s)
{
    if (!ready()) {
        char *p = boot_alloc(strlen(s) + 1);

        return p ? strcpy(p, s) : NULL;
    }
    GUARDED(char *, real.strdup(s));
}

char *
strndup(const char *s, size_t n)
{
    if (!ready()) {
        size_t len = strnlen(s, n);
        char *p = boot_alloc(len + 1);

        if (p)
            memcpy(p, s, len);
        return p;
    }
    GUARDED(char *, real.strndup(s, n));
}

size_t
malloc_usable_size(void *ptr)
{
    if (!ptr || is_boot(ptr) || !ready())
        return 0;
    GUARDED(size_t, real.malloc_usable_size(ptr));
}

/* libasan's TSD destructor: at thread exit, drains the allocator cache */
static void
guarded_tsd_dtor(void *value)
{
    enter();
    asan_tsd_dtor(value);
    leave();
}

int
pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    Dl_info info;

    if (!ready())
        return EAGAIN;
    if (destructor && !asan_tsd_dtor &&
        dladdr((void *)destructor, &info) && info.dli_fname &&
        strstr(info.dli_fname, "libasan.so")) {
        asan_tsd_dtor = destructor;
        destructor = guarded_tsd_dtor;
    }
    return real.pthread_key_create(key, destructor);
}
