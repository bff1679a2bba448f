/* Runs the BFT simulation over seeds 1..N (or one --seed) and fails on the first violation,
 * printing its seed and the command that replays it. CTest runs 100 seeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

int main(int argc, char **argv)
{
    uint64_t seeds = 100, first = 1;
    struct sim_opts o = {.heights = 3};
    int one = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
            seeds = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            first = strtoull(argv[++i], NULL, 10);
            seeds = 1;
            one = 1;
        } else if (!strcmp(argv[i], "--heights") && i + 1 < argc)
            o.heights = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--verbose"))
            o.verbose = 1;
        else if (!strcmp(argv[i], "--trace"))
            o.verbose = 2;
        else {
            fprintf(stderr, "usage: %s [--seeds N | --seed S] [--heights H] [--verbose]\n",
                    argv[0]);
            return 2;
        }
    }
    uint64_t failed = 0, commits = 0, evidence = 0, crashes = 0;
    for (uint64_t k = 0; k < seeds; k++) {
        struct sim_result r;
        o.seed = first + k;
        if (!sim_run(&o, &r)) {
            failed++;
            printf("FAIL seed %llu (n=%u f=%u): %s\n  replay: %s --seed %llu --heights %u "
                   "--verbose\n",
                   (unsigned long long)o.seed, r.n, r.f, r.why, argv[0], (unsigned long long)o.seed,
                   o.heights);
        } else if (one)
            printf("seed %llu ok: n=%u f=%u commits=%llu top=%llu max_round=%llu crashes=%llu "
                   "evidence=%llu sim=%llu ms\n",
                   (unsigned long long)o.seed, r.n, r.f, (unsigned long long)r.commits,
                   (unsigned long long)r.top_height, (unsigned long long)r.max_round,
                   (unsigned long long)r.crashes, (unsigned long long)r.evidence,
                   (unsigned long long)r.sim_ms);
        commits += r.commits;
        evidence += r.evidence;
        crashes += r.crashes;
    }
    printf("%llu seeds, %llu failed; honest commits %llu, crashes %llu, evidence reports %llu\n",
           (unsigned long long)seeds, (unsigned long long)failed, (unsigned long long)commits,
           (unsigned long long)crashes, (unsigned long long)evidence);
    return failed ? 1 : 0;
}
