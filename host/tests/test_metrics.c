/* The metrics registry: text exposition of counters, gauges (plain and computed) and
 * histograms, label escaping, kind clashes, and counting from several threads at once. */
#include "metrics_int.h"

#include <bts/test.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void test_metrics_counter_gauge_text(void)
{
    struct metrics *m = metrics_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    struct metric *c = metrics_counter(m, "req_total", "method=\"eth_call\"", "Calls\nby method");
    struct metric *c2 = metrics_counter(m, "req_total", "method=\"eth_chainId\"", NULL);
    struct metric *g = metrics_gauge(m, "head", NULL, "Head number");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_EQUAL(metrics_counter(m, "req_total", "method=\"eth_call\"", NULL), c);
    metric_add(c, 2);
    metric_add(c, 3);
    metric_add(c2, 1);
    metric_set(g, 1234);
    CU_ASSERT_EQUAL(metric_value(c), 5);
    size_t len;
    char *t = metrics_render(m, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(strlen(t), len);
    CU_ASSERT_STRING_EQUAL(t, "# HELP head Head number\n"
                              "# TYPE head gauge\n"
                              "head 1234\n"
                              "# HELP req_total Calls\\nby method\n"
                              "# TYPE req_total counter\n"
                              "req_total{method=\"eth_call\"} 5\n"
                              "req_total{method=\"eth_chainId\"} 1\n");
    free(t);
    metrics_free(m);
}

static void test_metrics_histogram_text(void)
{
    struct metrics *m = metrics_new();
    static const double b[] = {0.5, 1, 2.5};
    struct metric *h = metrics_histogram(m, "lat_seconds", "m=\"x\"", "", b, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    metric_observe(h, 0.25);
    metric_observe(h, 0.5); /* le is inclusive */
    metric_observe(h, 2);
    metric_observe(h, 7);
    char *t = metrics_render(m, NULL);
    CU_ASSERT_STRING_EQUAL(t, "# TYPE lat_seconds histogram\n"
                              "lat_seconds_bucket{m=\"x\",le=\"0.5\"} 2\n"
                              "lat_seconds_bucket{m=\"x\",le=\"1\"} 2\n"
                              "lat_seconds_bucket{m=\"x\",le=\"2.5\"} 3\n"
                              "lat_seconds_bucket{m=\"x\",le=\"+Inf\"} 4\n"
                              "lat_seconds_sum{m=\"x\"} 9.75\n"
                              "lat_seconds_count{m=\"x\"} 4\n");
    free(t);
    /* Other bounds for the same family, unsorted bounds: refused. */
    static const double b2[] = {1, 2}, bad[] = {2, 1};
    CU_ASSERT_PTR_NULL(metrics_histogram(m, "lat_seconds", "m=\"y\"", "", b2, 2));
    CU_ASSERT_PTR_NULL(metrics_histogram(m, "other", NULL, "", bad, 2));
    struct metric *h0 = metrics_histogram(m, "plain", NULL, "", b2, 2);
    metric_observe(h0, 1.5);
    t = metrics_render(m, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "plain_bucket{le=\"2\"} 1\nplain_bucket{le=\"+Inf\"} 1\n"
                                     "plain_sum 1.5\nplain_count 1\n"));
    free(t);
    metrics_free(m);
}

static double fortytwo(void *arg)
{
    return *(double *)arg;
}

static void test_metrics_gauge_fn_and_errors(void)
{
    struct metrics *m = metrics_new();
    double v = 42;
    CU_ASSERT_EQUAL(metrics_gauge_fn(m, "pool_pending", NULL, "Pending", fortytwo, &v), BT_OK);
    char *t = metrics_render(m, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "pool_pending 42\n"));
    free(t);
    v = 0.125;
    t = metrics_render(m, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "pool_pending 0.125\n"));
    free(t);
    CU_ASSERT_EQUAL(metrics_counter_fn(m, "blocks_total", NULL, "Blocks", fortytwo, &v), BT_OK);
    t = metrics_render(m, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "# HELP blocks_total Blocks\n# TYPE blocks_total counter\n"
                                     "blocks_total 0.125\n"));
    free(t);
    CU_ASSERT_EQUAL(metrics_counter_fn(m, "pool_pending", NULL, NULL, fortytwo, &v), BT_EINVAL);
    /* Kind clash and bad names. */
    CU_ASSERT_PTR_NULL(metrics_counter(m, "pool_pending", NULL, NULL));
    CU_ASSERT_PTR_NULL(metrics_counter(m, "9bad", NULL, NULL));
    CU_ASSERT_PTR_NULL(metrics_counter(m, "bad-name", NULL, NULL));
    CU_ASSERT_EQUAL(metrics_gauge_fn(m, "a b", NULL, NULL, fortytwo, &v), BT_EINVAL);
    /* NULL series are no-ops. */
    metric_add(NULL, 1);
    metric_set(NULL, 1);
    metric_observe(NULL, 1);
    CU_ASSERT_EQUAL(metrics_gauge_fn(m, "pool_pending", NULL, NULL, NULL, NULL), BT_OK);
    metrics_free(m);
    metrics_free(NULL);
    CU_ASSERT_PTR_NOT_NULL(metrics_global());
    CU_ASSERT_PTR_EQUAL(metrics_global(), metrics_global());
}

static void test_metrics_label_escape(void)
{
    char out[32];
    metrics_label_escape(out, sizeof(out), "a\"b\\c\nd");
    CU_ASSERT_STRING_EQUAL(out, "a\\\"b\\\\c\\nd");
    metrics_label_escape(out, 4, "abcdef");
    CU_ASSERT_STRING_EQUAL(out, "abc");
}

static void *bump(void *arg)
{
    for (int i = 0; i < 100000; i++) {
        metric_add(((struct metric **)arg)[0], 1);
        metric_observe(((struct metric **)arg)[1], 0.001);
    }
    return NULL;
}

static void test_metrics_threads(void)
{
    struct metrics *m = metrics_new();
    struct metric *s[2] = {
        metrics_counter(m, "n_total", NULL, NULL),
        metrics_histogram(m, "h", NULL, NULL, metrics_seconds_buckets, metrics_seconds_n_buckets)};
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, bump, s), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CU_ASSERT_EQUAL(metric_value(s[0]), 400000);
    char *t = metrics_render(m, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "h_bucket{le=\"0.001\"} 400000\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "h_count 400000\n"));
    free(t);
    metrics_free(m);
}

BTS_TEST_SUITE("metrics", NULL, NULL, BTS_TEST(test_metrics_counter_gauge_text),
               BTS_TEST(test_metrics_histogram_text), BTS_TEST(test_metrics_gauge_fn_and_errors),
               BTS_TEST(test_metrics_label_escape), BTS_TEST(test_metrics_threads));
