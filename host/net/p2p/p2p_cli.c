/* `bttcd keys nodekey`: print the node's enode URL, creating <datadir>/nodekey when missing
 * (as `run` does at first start). The address is 127.0.0.1 (or --p2p.addr) and the port
 * --p2p.port, as geth prints its own enode before NAT mapping. */
#include "p2p_priv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"
#include "config_int.h"
#include "paths_int.h"
#include "setup_int.h"

int p2p_cmd_nodekey(const struct cli_opts *o)
{
    struct config *cfg = NULL;
    int rc;
    if ((o->has_config || access(o->config, F_OK) == 0) &&
        (rc = setup_config(o, &cfg)) != CLI_EXIT_OK)
        return rc;
    char err[1024];
    const char *given = o->datadir ? o->datadir : cfg ? cfg->datadir : NULL;
    char *dd = given ? strdup(given) : paths_default_datadir(err, sizeof(err));
    char *datadir = NULL;
    rc = CLI_EXIT_FAIL;
    if (!dd)
        fprintf(stderr, "bttcd: datadir: %s\n", given ? "out of memory" : err);
    else if (paths_make_datadir(dd, &datadir, err, sizeof(err)) != BT_OK)
        fprintf(stderr, "bttcd: datadir %s\n", err);
    else
        rc = CLI_EXIT_OK;
    uint8_t key[32];
    struct bts_enode n;
    memset(&n, 0, sizeof(n));
    if (rc == CLI_EXIT_OK && p2p_nodekey_load(datadir, key, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd: nodekey: %s\n", err);
        rc = CLI_EXIT_FAIL;
    }
    if (rc == CLI_EXIT_OK && bts_enode_id_from_seckey(n.id, key) != BT_OK)
        rc = CLI_EXIT_FAIL;
    explicit_bzero(key, sizeof(key));
    if (rc == CLI_EXIT_OK) {
        struct in_addr a;
        if (inet_pton(AF_INET, o->p2p.listen_addr, &a) != 1 || a.s_addr == htonl(INADDR_ANY))
            a.s_addr = htonl(INADDR_LOOPBACK);
        memcpy(n.ip, &a, 4);
        n.ip_len = 4;
        n.tcp_port = n.udp_port = (uint16_t)o->p2p.port;
        if (o->p2p.is_nodiscover)
            n.udp_port = 0;
        char url[BTS_ENODE_URL_MAX];
        size_t len;
        if (bts_enode_format(url, sizeof(url), &len, &n) == BT_OK)
            printf("%s\n", url);
        else
            rc = CLI_EXIT_FAIL;
    }
    free(dd);
    free(datadir);
    config_free(cfg);
    return rc;
}
