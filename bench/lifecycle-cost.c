/*
 * lifecycle-cost.c: time define + start + destroy + undefine of two domain
 * definitions, interleaved, through the public API
 *
 * Usage: lifecycle-cost URI N A.xml B.xml
 *
 * Prints one line per iteration: "a|b NANOSECONDS" for define + create +
 * destroy (undefine is not timed).  Both definitions must use the same
 * domain name or different ones; each is undefined after its round.
 */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static char *
slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    char *buf;
    long len;

    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    rewind(fp);
    if (!(buf = calloc(1, len + 1)) || fread(buf, 1, len, fp) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

static long long
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
one_round(virConnectPtr conn, const char *xml, long long *ns)
{
    long long start = now_ns();
    virDomainPtr dom;
    int ret = -1;

    if (!(dom = virDomainDefineXML(conn, xml)))
        return -1;
    if (virDomainCreate(dom) == 0 && virDomainDestroy(dom) == 0) {
        *ns = now_ns() - start;
        ret = 0;
    }
    virDomainUndefine(dom);
    virDomainFree(dom);
    return ret;
}

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    char *xml[2];
    int n, i, k;

    if (argc != 5 || (n = atoi(argv[2])) <= 0) {
        fprintf(stderr, "usage: %s URI N A.xml B.xml\n", argv[0]);
        return 2;
    }
    if (!(xml[0] = slurp(argv[3])) || !(xml[1] = slurp(argv[4]))) {
        fprintf(stderr, "lifecycle-cost: cannot read %s or %s\n", argv[3], argv[4]);
        return 1;
    }
    if (!(conn = virConnectOpen(argv[1]))) {
        fprintf(stderr, "lifecycle-cost: cannot connect: %s\n", virGetLastErrorMessage());
        return 1;
    }

    for (i = 0; i < n; i++) {
        for (k = 0; k < 2; k++) {
            /* alternate which one goes first, so neither always follows */
            int which = (i % 2) ? 1 - k : k;
            long long ns;

            if (one_round(conn, xml[which], &ns) < 0) {
                fprintf(stderr, "lifecycle-cost: round %d of %s failed: %s\n",
                        i, argv[3 + which], virGetLastErrorMessage());
                return 1;
            }
            printf("%c %lld\n", which ? 'b' : 'a', ns);
            fflush(stdout);
        }
    }
    virConnectClose(conn);
    return 0;
}
