/*
 * fuzz-notify-log.c: libFuzzer target over the decision function of the
 * series, qemuNotifyVmexitLogIsFatal() (src/qemu/qemu_notify_vmexit.c of
 * the patched libvirt), fed arbitrary "QEMU log" text.
 *
 * Built by 'make fuzz' with clang, ASan and UBSan, against the patched
 * libvirt's sources and its private install.  Besides memory and
 * undefined-behaviour errors it checks one invariant: a log is only ever
 * called fatal when it holds QEMU's words for a notify exit.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool qemuNotifyVmexitLogIsFatal(const char *log, bool atLineStart);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    int lineStart;

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';

    for (lineStart = 0; lineStart <= 1; lineStart++) {
        if (qemuNotifyVmexitLogIsFatal(buf, lineStart) &&
            !strstr(buf, "notify exit with"))
            abort();
    }

    free(buf);
    return 0;
}
