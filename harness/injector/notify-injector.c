/*
 * notify-injector.c: simulate KVM exits at the ioctl boundary of QEMU
 *
 * Loaded into QEMU with LD_PRELOAD, it interposes ioctl() only:
 *
 *  - KVM_CHECK_EXTENSION(KVM_CAP_X86_NOTIFY_VMEXIT) answers "supported"
 *    and KVM_ENABLE_CAP(KVM_CAP_X86_NOTIFY_VMEXIT) is accepted and logged
 *    (window and flags), as on a Sapphire Rapids host with Linux >= 6.0;
 *  - on command, the next KVM_RUN of one vCPU does not enter the guest
 *    but returns a synthetic exit: KVM_EXIT_NOTIFY (context valid or
 *    invalid), KVM_EXIT_SYSTEM_EVENT/KVM_SYSTEM_EVENT_CRASH, or
 *    KVM_EXIT_INTERNAL_ERROR.  A notify exit is refused, as real KVM
 *    would never raise it, when QEMU did not enable the capability (or, for
 *    a valid context, did not ask for user space exits).
 *
 * Environment:
 *  NOTIFY_INJECT_TRIGGER  path of the trigger file.  Each time it appears
 *                         it is read and removed; it holds one command:
 *                         "notify-invalid|notify-valid|crash|internal-error
 *                         [VCPU]" (VCPU defaults to 0), "notify-valid VCPU
 *                         COUNT": a burst of COUNT exits, one on each
 *                         KVM_RUN of the vCPU (only a non-fatal exit lets
 *                         the vCPU run again), or "log-fill BYTES [nul]":
 *                         write BYTES of neutral filler lines to QEMU's
 *                         stderr (its log), as a chatty QEMU would, to
 *                         make the log rotate or outgrow a read bound.
 *                         Write it with a rename() so that it appears
 *                         whole.
 *  NOTIFY_INJECT_LOG      path of the log, one line per event, each
 *                         starting with the wall-clock time in seconds.
 *
 * A helper thread, started at the first KVM_RUN with every signal blocked,
 * waits for the trigger (inotify) and, only while an injection is pending,
 * kicks the vCPU threads that already entered KVM_RUN with QEMU's kick
 * signal (SIGUSR1, through tgkill), so that a vCPU halted in the kernel
 * comes back to user space and takes the injection.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kvm.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_VCPUS 64
#define MAX_FDS 4096

enum inject_kind {
    INJECT_NONE = 0,
    INJECT_NOTIFY_INVALID,
    INJECT_NOTIFY_VALID,
    INJECT_CRASH,
    INJECT_INTERNAL_ERROR,
};

static const char *const kind_names[] = {
    [INJECT_NONE] = "none",
    [INJECT_NOTIFY_INVALID] = "notify-invalid",
    [INJECT_NOTIFY_VALID] = "notify-valid",
    [INJECT_CRASH] = "crash",
    [INJECT_INTERNAL_ERROR] = "internal-error",
};

typedef int (*ioctl_fn)(int, unsigned long, ...);

static ioctl_fn real_ioctl;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t helper_once = PTHREAD_ONCE_INIT;

/* vCPU fd -> vCPU id + 1 (0: not a vCPU fd) */
static int vcpu_of_fd[MAX_FDS];
/* per vCPU id: thread that runs it (0 until its first KVM_RUN) */
static _Atomic pid_t vcpu_tid[MAX_VCPUS];
static struct kvm_run *vcpu_run[MAX_VCPUS];

static _Atomic int pending_kind;
static _Atomic int pending_vcpu;
static _Atomic long pending_left;        /* exits of the burst still due */
static long pending_total;
static _Atomic int notify_enabled;       /* KVM_X86_NOTIFY_VMEXIT_* flags */


static void
log_event(const char *fmt, ...)
{
    const char *path = getenv("NOTIFY_INJECT_LOG");
    struct timespec ts;
    char line[512];
    int n;
    int fd;
    va_list ap;

    if (!path)
        return;

    clock_gettime(CLOCK_REALTIME, &ts);
    n = snprintf(line, sizeof(line), "%lld.%09ld pid=%d ",
                 (long long)ts.tv_sec, ts.tv_nsec, (int)getpid());
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';

    /* one write() of a whole line with O_APPEND: lines never interleave */
    if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0)
        return;
    if (write(fd, line, n) < 0) {
        /* nothing sensible to do inside QEMU */
    }
    close(fd);
}


/* The kvm_run page of a vCPU is QEMU's mapping of the vCPU fd, which
 * /proc/self/maps names "anon_inode:kvm-vcpu:ID". */
static struct kvm_run *
find_run(int id)
{
    char want[64];
    char line[512];
    FILE *fp;
    struct kvm_run *run = NULL;

    snprintf(want, sizeof(want), "anon_inode:kvm-vcpu:%d", id);
    if (!(fp = fopen("/proc/self/maps", "re")))
        return NULL;
    while (fgets(line, sizeof(line), fp)) {
        char *nl = strchr(line, '\n');
        size_t len;

        if (nl)
            *nl = '\0';
        len = strlen(line);
        if (len >= strlen(want) &&
            strcmp(line + len - strlen(want), want) == 0) {
            run = (struct kvm_run *)(uintptr_t)strtoull(line, NULL, 16);
            break;
        }
    }
    fclose(fp);
    return run;
}


static enum inject_kind
parse_kind(const char *word)
{
    int k;

    for (k = INJECT_NOTIFY_INVALID; k <= INJECT_INTERNAL_ERROR; k++) {
        if (strcmp(word, kind_names[k]) == 0)
            return k;
    }
    return INJECT_NONE;
}


/* "log-fill BYTES [nul]": 64-byte lines "notify-injector: filler
 * NNNNNNNNN..." on stderr, whole lines only (BYTES rounded up), then one
 * log line.  With "nul", two of the dots of each line are NUL bytes. */
static void
fill_stderr(const char *cmd)
{
    unsigned long long bytes = 0;
    unsigned long long done = 0;
    char option[16] = "";
    char line[64];
    int n;

    n = sscanf(cmd, "%*s %llu %15s", &bytes, option);
    if (n < 1 || bytes == 0 || bytes > 1024ULL * 1024 * 1024 ||
        (n == 2 && strcmp(option, "nul") != 0)) {
        log_event("refused 'log-fill': expected a byte count from 1 to 1 GiB, then optionally 'nul'");
        return;
    }

    while (done < bytes) {
        /* 34 characters of text, dots up to 63, a newline */
        memset(line, '.', sizeof(line));
        snprintf(line, sizeof(line), "notify-injector: filler %09llu ",
                 (done / 64) % 1000000000ULL);
        line[34] = '.';
        if (n == 2)
            line[40] = line[41] = '\0';
        line[63] = '\n';
        if (write(STDERR_FILENO, line, 64) != 64) {
            log_event("log-fill: write to stderr failed after %llu bytes: %s",
                      done, strerror(errno));
            return;
        }
        done += 64;
    }
    log_event("filled %llu bytes of stderr", done);
}


/* Read and remove the trigger file, arm the injection it asks for. */
static void
consume_trigger(const char *path)
{
    char buf[128] = "";
    char word[64] = "";
    int vcpu = 0;
    long count = 1;
    enum inject_kind kind;
    ssize_t n;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    unlink(path);
    if (n <= 0)
        return;
    buf[n] = '\0';

    if (sscanf(buf, "%63s", word) == 1 && strcmp(word, "log-fill") == 0) {
        fill_stderr(buf);
        return;
    }

    if (sscanf(buf, "%63s %d %ld", word, &vcpu, &count) < 1 ||
        (kind = parse_kind(word)) == INJECT_NONE ||
        vcpu < 0 || vcpu >= MAX_VCPUS) {
        log_event("refused '%s': unknown command", word);
        return;
    }
    if (count < 1 || count > 100000000L ||
        (count > 1 && kind != INJECT_NOTIFY_VALID)) {
        log_event("refused %s vcpu=%d count=%ld: a burst is 1 to 100000000 notify-valid exits",
                  kind_names[kind], vcpu, count);
        return;
    }

    if (kind == INJECT_NOTIFY_INVALID &&
        !(notify_enabled & KVM_X86_NOTIFY_VMEXIT_ENABLED)) {
        log_event("refused %s vcpu=%d: QEMU did not enable KVM_CAP_X86_NOTIFY_VMEXIT",
                  kind_names[kind], vcpu);
        return;
    }
    if (kind == INJECT_NOTIFY_VALID &&
        (!(notify_enabled & KVM_X86_NOTIFY_VMEXIT_ENABLED) ||
         !(notify_enabled & KVM_X86_NOTIFY_VMEXIT_USER))) {
        log_event("refused %s vcpu=%d: QEMU did not enable KVM_CAP_X86_NOTIFY_VMEXIT with user space exits",
                  kind_names[kind], vcpu);
        return;
    }

    pending_total = count;
    atomic_store(&pending_left, count);
    atomic_store(&pending_vcpu, vcpu);
    atomic_store(&pending_kind, kind);
    if (count > 1)
        log_event("armed %s vcpu=%d count=%ld", kind_names[kind], vcpu, count);
    else
        log_event("armed %s vcpu=%d", kind_names[kind], vcpu);
}


static void
kick_pending_vcpu(void)
{
    int vcpu = atomic_load(&pending_vcpu);
    pid_t tid = atomic_load(&vcpu_tid[vcpu]);

    if (tid > 0)
        syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
}


static void *
helper_main(void *opaque)
{
    const char *path = opaque;
    char dir[PATH_MAX];
    char *slash;
    int ifd;

    snprintf(dir, sizeof(dir), "%s", path);
    if ((slash = strrchr(dir, '/')))
        *slash = '\0';
    else
        snprintf(dir, sizeof(dir), ".");

    ifd = inotify_init1(IN_CLOEXEC);
    if (ifd < 0 ||
        inotify_add_watch(ifd, dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
        log_event("helper: cannot watch %s: %s", dir, strerror(errno));
        return NULL;
    }
    log_event("helper: watching %s", path);

    for (;;) {
        struct pollfd pfd = { .fd = ifd, .events = POLLIN };
        char evbuf[4096];

        /* while an injection is pending, wake up every millisecond to
         * kick the vCPU; otherwise sleep until the trigger appears */
        int pending = atomic_load(&pending_kind) != INJECT_NONE;

        if (poll(&pfd, 1, pending ? 1 : 200) > 0 &&
            read(ifd, evbuf, sizeof(evbuf)) < 0 && errno != EAGAIN)
            break;

        if (atomic_load(&pending_kind) == INJECT_NONE &&
            access(path, F_OK) == 0)
            consume_trigger(path);

        if (atomic_load(&pending_kind) != INJECT_NONE)
            kick_pending_vcpu();
    }
    return NULL;
}


static void
start_helper(void)
{
    const char *path = getenv("NOTIFY_INJECT_TRIGGER");
    sigset_t all, old;
    pthread_t th;

    if (!path || !*path)
        return;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if (pthread_create(&th, NULL, helper_main, (void *)path) == 0)
        pthread_detach(th);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}


/* Fill kvm_run with the pending exit, as KVM would.  Returns true when an
 * exit was injected and the real KVM_RUN must not run. */
static bool
inject_exit(int vcpu)
{
    int kind = atomic_load(&pending_kind);
    struct kvm_run *run;

    if (kind == INJECT_NONE || atomic_load(&pending_vcpu) != vcpu)
        return false;

    pthread_mutex_lock(&lock);
    if (!vcpu_run[vcpu])
        vcpu_run[vcpu] = find_run(vcpu);
    run = vcpu_run[vcpu];
    pthread_mutex_unlock(&lock);

    if (!run) {
        log_event("error: no kvm_run mapping for vcpu %d", vcpu);
        atomic_store(&pending_kind, INJECT_NONE);
        return false;
    }

    switch ((enum inject_kind)kind) {
    case INJECT_NOTIFY_INVALID:
    case INJECT_NOTIFY_VALID:
        run->exit_reason = KVM_EXIT_NOTIFY;
        run->notify.flags = kind == INJECT_NOTIFY_INVALID ?
            KVM_NOTIFY_CONTEXT_INVALID : 0;
        break;
    case INJECT_CRASH:
        run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
        memset(&run->system_event, 0, sizeof(run->system_event));
        run->system_event.type = KVM_SYSTEM_EVENT_CRASH;
        break;
    case INJECT_INTERNAL_ERROR:
        run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
        memset(&run->internal, 0, sizeof(run->internal));
        run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
        break;
    case INJECT_NONE:
        return false;
    }

    /* a burst logs its last exit only: a line per exit would slow it */
    if (atomic_fetch_sub(&pending_left, 1) > 1)
        return true;
    atomic_store(&pending_kind, INJECT_NONE);
    if (pending_total > 1)
        log_event("inject %s vcpu=%d exit_reason=%u count=%ld",
                  kind_names[kind], vcpu, run->exit_reason, pending_total);
    else
        log_event("inject %s vcpu=%d exit_reason=%u",
                  kind_names[kind], vcpu, run->exit_reason);
    return true;
}


int
ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    void *arg;
    int ret;

    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);

    if (!real_ioctl)
        real_ioctl = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");

    switch (request) {
    case KVM_CHECK_EXTENSION:
        if ((uintptr_t)arg == KVM_CAP_X86_NOTIFY_VMEXIT)
            return KVM_X86_NOTIFY_VMEXIT_ENABLED | KVM_X86_NOTIFY_VMEXIT_USER;
        break;

    case KVM_ENABLE_CAP: {
        struct kvm_enable_cap *cap = arg;

        if (cap && cap->cap == KVM_CAP_X86_NOTIFY_VMEXIT) {
            uint64_t a = cap->args[0];

            atomic_store(&notify_enabled, (int)(a & 0xffffffff));
            log_event("enable-cap notify-vmexit window=%llu flags=0x%llx",
                      (unsigned long long)(a >> 32),
                      (unsigned long long)(a & 0xffffffff));
            return 0;
        }
        break;
    }

    case KVM_CREATE_VCPU:
        ret = real_ioctl(fd, request, arg);
        if (ret >= 0 && ret < MAX_FDS &&
            (uintptr_t)arg < MAX_VCPUS)
            vcpu_of_fd[ret] = (int)(uintptr_t)arg + 1;
        return ret;

    case KVM_RUN:
        if (fd >= 0 && fd < MAX_FDS && vcpu_of_fd[fd]) {
            int vcpu = vcpu_of_fd[fd] - 1;

            pthread_once(&helper_once, start_helper);
            if (atomic_load(&vcpu_tid[vcpu]) == 0)
                atomic_store(&vcpu_tid[vcpu], (pid_t)syscall(SYS_gettid));
            if (inject_exit(vcpu))
                return 0;
        }
        break;
    }

    return real_ioctl(fd, request, arg);
}
