/* Fuzz the plugins.conf reader (host/runtime/config.c): any bytes as a config file must be
 * refused with a message naming the file or give a config that frees cleanly. The input goes
 * through a memfd so the reader's own file checks (regular file, size limit) run too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-plugins.conf", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (size > 0 && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    struct config *cfg = NULL;
    char err[512];
    err[0] = 0;
    bt_status st = config_load(path, &cfg, err, sizeof(err));
    if (st == BT_OK) {
        if (!cfg)
            abort();
        config_free(cfg);
    } else if (cfg || strlen(err) == 0) {
        abort(); /* a refusal leaves nothing behind and says why */
    }
    close(fd);
    return 0;
}
