/* rest/ryu: see ryu.h. */
#include <config.h>
#include "rest/ryu.h"

#include <errno.h>
#include <stdlib.h>

struct rest_ryu {
    struct rest_server *server;
    struct sl_controller *ctl;
};

struct rest_ryu *
rest_ryu_create(struct rest_server *server, struct sl_controller *ctl,
                int *error)
{
    struct rest_ryu *ryu = calloc(1, sizeof *ryu);

    if (ryu == NULL) {
        *error = ENOMEM;
        return NULL;
    }
    ryu->server = server;
    ryu->ctl = ctl;
    return ryu;
}

void
rest_ryu_destroy(struct rest_ryu *ryu)
{
    free(ryu);
}
