/* rest/native: see native.h. */
#include <config.h>
#include "rest/native.h"

#include <errno.h>
#include <stdlib.h>

struct rest_native {
    struct rest_server *server;
    struct sl_controller *ctl;
};

struct rest_native *
rest_native_create(struct rest_server *server, struct sl_controller *ctl,
                int *error)
{
    struct rest_native *native = calloc(1, sizeof *native);

    if (native == NULL) {
        *error = ENOMEM;
        return NULL;
    }
    native->server = server;
    native->ctl = ctl;
    return native;
}

void
rest_native_destroy(struct rest_native *native)
{
    free(native);
}
