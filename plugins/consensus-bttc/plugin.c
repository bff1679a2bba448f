/* consensus-bttc: the plugin descriptor (the rules live in bttc_core). */
#include "bttc_int.h"

BT_PLUGIN_DEFINE(bttc_vtbl, .kind = BT_KIND_CONSENSUS, .name = "consensus-bttc", .version = "0.1.0",
                 .create = bttc_create, .start = bttc_start, .stop = bttc_stop,
                 .destroy = bttc_destroy);
