/* The floor of bench_rpc: a minimal HTTP/1.1 keep-alive server in C (epoll, one read() and
 * one write() per request, a canned JSON-RPC answer, no parsing beyond the request framing).
 * What it costs per request is what the kernel's loopback TCP and the syscalls cost, the least
 * any server can spend on the same machine under the same wrk load. */
#ifndef BENCH_RPC_FLOOR_H
#define BENCH_RPC_FLOOR_H

/** Serve on the listening socket lfd until killed (a child process of the bench). Returns
 *  only on a setup failure (1). */
int floor_serve(int lfd);

#endif /* BENCH_RPC_FLOOR_H */
