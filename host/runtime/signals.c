/* Process signals on the loop: SIGINT/SIGTERM begin an orderly shutdown, a second one ends
 * the process at once (an operator's way out of a stuck shutdown), SIGHUP reopens the log. */
#include "loop_int.h"

#include <signal.h>
#include <string.h>

#include <event2/event.h>

#include "log_int.h"

/* Async-signal-safe: log_emit_async (write(2) in the log's format) and _exit(2) only. */
static void exit_now(int sig)
{
    log_emit_async(BT_LOG_WARN, "second signal, exiting immediately");
    _exit(128 + sig);
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    struct loop *l = arg;
    if (++l->n_stop_signals > 1)
        exit_now((int)sig);
    hlog(BT_LOG_INFO, "shutting down", "signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
    /* libevent only sees signals while the loop runs; shutdown runs outside it, so the next
     * signal goes straight to exit_now. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = exit_now;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    loop_stop(l);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
    (void)sig, (void)what, (void)arg;
    log_reopen();
}

bt_status loop_signals_install(struct loop *l)
{
    signal(SIGPIPE, SIG_IGN);
    l->sig_ev[0] = evsignal_new(l->base, SIGINT, on_stop, l);
    l->sig_ev[1] = evsignal_new(l->base, SIGTERM, on_stop, l);
    l->sig_ev[2] = evsignal_new(l->base, SIGHUP, on_hup, l);
    for (size_t i = 0; i < 3; i++)
        if (!l->sig_ev[i] || event_add(l->sig_ev[i], NULL) != 0)
            return BT_ENOMEM;
    return BT_OK;
}
