// Benchmark 5 (event fan-out): N sessions post hook events to `csm server` at a fixed total rate while
// C clients follow the global SSE stream. Every client must see every event exactly once; the latency
// of each (event, client) pair is the time from just before the POST is written to the moment the
// client reads the event's `data:` line. Prints one JSON object.
//
// usage: fanout HOST PORT SECRETS_FILE RATE_PER_S SECONDS CLIENTS
//   SECRETS_FILE: one "session secret" pair per line (the sessions' hook secrets).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SESSIONS 64
#define MAX_CLIENTS 256

static const char *host;
static int port;
static int n_sessions, n_clients, seconds;
static double rate;
static char names[MAX_SESSIONS][128], secrets[MAX_SESSIONS][256];
static long total;              // events to send
static int64_t *sent_at;        // ns, per seq
static int64_t *latencies;      // ns, per (client, seq) received first time
static long n_latencies;
static unsigned char *seen;     // [client][seq] receive counts
static long duplicates, post_failures;
static char nonce[32];
static volatile int producers_done;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int connect_to(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, host, &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(1); }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) { perror("write"); exit(1); }
        p += w; n -= (size_t)w;
    }
}

// Reads one HTTP response (Content-Length or chunked) from a keep-alive connection; returns the status.
static int read_response(int fd, char *buf, size_t cap) {
    size_t len = 0;
    for (;;) {
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r <= 0) return -1;
        len += (size_t)r;
        buf[len] = 0;
        char *end = strstr(buf, "\r\n\r\n");
        if (!end) continue;
        int status = atoi(buf + 9);
        char *cl = strcasestr(buf, "content-length:");
        if (cl && cl < end) {
            size_t want = (size_t)(end + 4 - buf) + (size_t)atol(cl + 15);
            while (len < want) {
                r = read(fd, buf + len, cap - len - 1);
                if (r <= 0) return -1;
                len += (size_t)r;
            }
            return status;
        }
        if (strstr(end + 4, "0\r\n\r\n")) return status;  // chunked, last chunk seen
    }
}

static void *producer(void *arg) {
    long index = (long)arg;
    int fd = connect_to();
    char body[1024], request[2048], response[65536];
    double per_session = rate / n_sessions;
    int64_t start = now_ns() + 200000000;  // all producers start together, 200 ms from now
    for (long k = 0;; k++) {
        long seq = k * n_sessions + index;
        if (seq >= total) break;
        int64_t due = start + (int64_t)((double)k * 1e9 / per_session);
        int64_t wait = due - now_ns();
        if (wait > 0) {
            struct timespec t = {wait / 1000000000, wait % 1000000000};
            nanosleep(&t, NULL);
        }
        int blen = snprintf(body, sizeof body,
            "{\"hook_event_name\":\"PostToolUse\",\"session_id\":\"bench\",\"tool_name\":\"Bash\","
            "\"tool_input\":{\"command\":\"true\"},\"tool_response\":{\"stdout\":\"\"},"
            "\"tool_use_id\":\"bench-%s-%ld-\"}", nonce, seq);
        int rlen = snprintf(request, sizeof request,
            "POST /api/hooks/%s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
            "X-CSM-Hook-Secret: %s\r\nContent-Length: %d\r\n\r\n%s",
            names[index], host, port, secrets[index], blen, body);
        sent_at[seq] = now_ns();
        write_all(fd, request, (size_t)rlen);
        int status = read_response(fd, response, sizeof response);
        if (status != 200) {
            __atomic_add_fetch(&post_failures, 1, __ATOMIC_RELAXED);
            if (status < 0) { close(fd); fd = connect_to(); }
        }
    }
    close(fd);
    return NULL;
}

typedef struct { int fd; char buf[1 << 16]; size_t len; } client_t;
static client_t clients[MAX_CLIENTS];

static void handle_line(int c, const char *line, size_t n) {
    if (n < 6 || strncmp(line, "data: ", 6) != 0) return;
    char marker[64];
    int mlen = snprintf(marker, sizeof marker, "bench-%s-", nonce);
    const char *p = memmem(line, n, marker, (size_t)mlen);
    if (!p) return;
    long seq = strtol(p + mlen, NULL, 10);
    if (seq < 0 || seq >= total) return;
    // agent.hook carries the payload; later events of the same tool call (if any) are not counted.
    if (!memmem(line, n, "\"agent.hook\"", 12)) return;
    unsigned char *s = &seen[(size_t)c * (size_t)total + (size_t)seq];
    if (*s) { duplicates++; return; }
    *s = 1;
    latencies[n_latencies++] = now_ns() - sent_at[seq];
}

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: fanout HOST PORT SECRETS_FILE RATE SECONDS CLIENTS\n"); return 2; }
    host = argv[1]; port = atoi(argv[2]);
    rate = atof(argv[4]); seconds = atoi(argv[5]); n_clients = atoi(argv[6]);
    FILE *f = fopen(argv[3], "r");
    if (!f) { perror(argv[3]); return 1; }
    while (n_sessions < MAX_SESSIONS && fscanf(f, "%127s %255s", names[n_sessions], secrets[n_sessions]) == 2) n_sessions++;
    fclose(f);
    if (n_sessions == 0 || n_clients > MAX_CLIENTS) { fprintf(stderr, "bad arguments\n"); return 2; }
    snprintf(nonce, sizeof nonce, "%ld", (long)time(NULL) ^ (long)getpid());
    total = (long)(rate * seconds);
    sent_at = calloc((size_t)total, sizeof *sent_at);
    latencies = calloc((size_t)total * (size_t)n_clients, sizeof *latencies);
    seen = calloc((size_t)total * (size_t)n_clients, 1);

    int ep = epoll_create1(0);
    for (int c = 0; c < n_clients; c++) {
        clients[c].fd = connect_to();
        char req[256];
        int n = snprintf(req, sizeof req, "GET /api/events HTTP/1.1\r\nHost: %s:%d\r\nAccept: text/event-stream\r\n\r\n", host, port);
        write_all(clients[c].fd, req, (size_t)n);
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)c};
        epoll_ctl(ep, EPOLL_CTL_ADD, clients[c].fd, &e);
    }
    usleep(300000);  // let every stream connect and replay its backlog before the first event

    pthread_t threads[MAX_SESSIONS];
    int joined[MAX_SESSIONS] = {0};
    for (long i = 0; i < n_sessions; i++) pthread_create(&threads[i], NULL, producer, (void *)i);

    int64_t deadline = 0;
    long expected = total * n_clients;
    struct epoll_event events[64];
    for (;;) {
        if (producers_done == 0) {
            int all = 1;
            for (int i = 0; i < n_sessions; i++) {
                if (joined[i]) continue;
                if (pthread_tryjoin_np(threads[i], NULL) == 0) joined[i] = 1; else all = 0;
            }
            if (all) { producers_done = 1; deadline = now_ns() + 3000000000LL; }
        }
        if (producers_done && (now_ns() > deadline || n_latencies >= expected)) break;
        int n = epoll_wait(ep, events, 64, 50);
        for (int i = 0; i < n; i++) {
            int c = (int)events[i].data.u32;
            client_t *cl = &clients[c];
            ssize_t r = read(cl->fd, cl->buf + cl->len, sizeof cl->buf - cl->len);
            if (r <= 0) { epoll_ctl(ep, EPOLL_CTL_DEL, cl->fd, NULL); continue; }
            cl->len += (size_t)r;
            size_t start = 0;
            for (size_t k = 0; k < cl->len; k++) {
                if (cl->buf[k] == '\n') { handle_line(c, cl->buf + start, k - start); start = k + 1; }
            }
            memmove(cl->buf, cl->buf + start, cl->len - start);
            cl->len -= start;
        }
    }
    qsort(latencies, (size_t)n_latencies, sizeof *latencies, cmp64);
    double p50 = n_latencies ? latencies[n_latencies / 2] / 1e6 : -1;
    double p99 = n_latencies ? latencies[(long)(n_latencies * 0.99)] / 1e6 : -1;
    double max = n_latencies ? latencies[n_latencies - 1] / 1e6 : -1;
    printf("{\"sent\":%ld,\"clients\":%d,\"expected\":%ld,\"received\":%ld,\"lost\":%ld,\"duplicates\":%ld,"
           "\"postFailures\":%ld,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
           total, n_clients, expected, n_latencies, expected - n_latencies, duplicates, post_failures, p50, p99, max);
    return 0;
}
