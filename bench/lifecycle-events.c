/*
 * lifecycle-events.c: print libvirt domain lifecycle events with the
 * wall-clock time the client received them
 *
 * Usage: lifecycle-events [URI]
 *
 * One line per event: "SECONDS.NANOSECONDS DOMAIN EVENT DETAIL" (numbers of
 * virDomainEventType and its detail enum), flushed at once.  The line
 * "ready" is printed once the callback is registered.  Runs until killed.
 */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
    (void)sig;
    quit = 1;
}

static int
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail,
             void *opaque)
{
    struct timespec ts;

    (void)conn;
    (void)opaque;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("%lld.%09ld %s %d %d\n", (long long)ts.tv_sec, ts.tv_nsec,
           virDomainGetName(dom), event, detail);
    fflush(stdout);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *uri = argc > 1 ? argv[1] : NULL;
    virConnectPtr conn;
    int id;

    if (virEventRegisterDefaultImpl() < 0 ||
        !(conn = virConnectOpen(uri))) {
        fprintf(stderr, "lifecycle-events: cannot connect to %s: %s\n",
                uri ? uri : "the default URI", virGetLastErrorMessage());
        return 1;
    }

    id = virConnectDomainEventRegisterAny(conn, NULL,
                                          VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
                                          NULL, NULL);
    if (id < 0) {
        fprintf(stderr, "lifecycle-events: cannot register: %s\n",
                virGetLastErrorMessage());
        return 1;
    }

    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    printf("ready\n");
    fflush(stdout);

    while (!quit && virConnectIsAlive(conn) == 1) {
        if (virEventRunDefaultImpl() < 0)
            break;
    }

    virConnectDomainEventDeregisterAny(conn, id);
    virConnectClose(conn);
    return 0;
}
