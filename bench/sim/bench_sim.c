/* Simulated consensus throughput. First the adversarial runs (partitions, loss, duplication,
 * crashes, f Byzantine validators) over --seeds N seeds: every invariant is checked, a failing
 * seed is printed with its replay command and makes the exit status 1. Then calm networks of
 * 4, 16 and 64 validators: committed heights per second of simulated time, per CPU second and
 * per wall second (the simulation is single-threaded, so wall and CPU differ only by what else
 * the machine runs).
 *   bench_sim [--seeds N] [--heights H] [--quick] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sim.h"

static double clock_now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    return clock_now(CLOCK_PROCESS_CPUTIME_ID);
}

static double wall_now(void)
{
    return clock_now(CLOCK_MONOTONIC);
}

int main(int argc, char **argv)
{
    uint64_t seeds = 1000;
    uint32_t heights = 3, calm_heights = 50;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
            seeds = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--heights") && i + 1 < argc)
            heights = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--quick")) {
            seeds = 5;
            calm_heights = 3;
        } else {
            fprintf(stderr, "usage: %s [--seeds N] [--heights H] [--quick]\n", argv[0]);
            return 2;
        }
    }
    int bad = 0;
    uint64_t failed = 0, commits = 0, sim_ms = 0, events = 0, evidence = 0, crashes = 0;
    double t0 = cpu_now();
    for (uint64_t k = 0; k < seeds; k++) {
        struct sim_opts o = {.seed = k + 1, .heights = heights};
        struct sim_result r;
        if (!sim_run(&o, &r)) {
            failed++;
            printf("FAIL seed %llu (n=%u f=%u): %s\n  replay: bft_sim_seeds --seed %llu "
                   "--heights %u --verbose\n",
                   (unsigned long long)o.seed, r.n, r.f, r.why, (unsigned long long)o.seed,
                   heights);
        }
        commits += r.top_height;
        sim_ms += r.sim_ms;
        events += r.events;
        evidence += r.evidence;
        crashes += r.crashes;
    }
    double cpu = cpu_now() - t0;
    printf("adversarial: %llu seeds, %llu failed (safety, liveness, double signing, evidence "
           "checked on each); %llu heights in %.1f s simulated (%.2f heights/s simulated), "
           "%llu events, %llu crashes, %llu evidence reports; CPU %.2f s (%.0f events/s)\n",
           (unsigned long long)seeds, (unsigned long long)failed, (unsigned long long)commits,
           (double)sim_ms / 1000.0, sim_ms ? (double)commits * 1000.0 / (double)sim_ms : 0.0,
           (unsigned long long)events, (unsigned long long)crashes, (unsigned long long)evidence,
           cpu, cpu > 0 ? (double)events / cpu : 0.0);
    bad |= failed != 0;

    static const uint32_t fs[] = {1, 5, 21};
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        struct sim_opts o = {.seed = 42, .heights = calm_heights, .f = fs[i], .calm = 1};
        struct sim_result r;
        t0 = cpu_now();
        double w0 = wall_now();
        int ok = sim_run(&o, &r);
        cpu = cpu_now() - t0;
        double wall = wall_now() - w0;
        printf("calm n=%-3u: %llu heights in %.1f s simulated = %.2f heights/s simulated, "
               "%.1f heights/CPU s, %.1f heights/wall s, %llu messages, max round %llu%s%s\n",
               r.n, (unsigned long long)r.top_height, (double)r.sim_ms / 1000.0,
               r.sim_ms ? (double)r.top_height * 1000.0 / (double)r.sim_ms : 0.0,
               cpu > 0 ? (double)r.top_height / cpu : 0.0,
               wall > 0 ? (double)r.top_height / wall : 0.0, (unsigned long long)r.msgs,
               (unsigned long long)r.max_round, ok ? "" : " FAILED: ", ok ? "" : r.why);
        bad |= !ok;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %ld KiB\n", ru.ru_maxrss);
    return bad;
}
