/*
 * zkbench: a neutral load generator on Apache's C client library
 * (libzookeeper_mt). Sessions keep a window of asynchronous requests in
 * flight (pipelining); every request's latency (send -> completion, monotonic
 * clock) is recorded. The same binary drives zkdash and Apache ZooKeeper, so
 * the figures compare like with like.
 *
 * Build: gcc -O2 -o /tmp/zkbench scripts/bench/zkbench.c -lzookeeper_mt -lpthread
 *
 * Flag mode:
 *   zkbench --hosts H1:P1[,H2:P2,...] [--sessions 1] [--inflight 200] --count N
 *           [--value-bytes 100] [--phases create,get,set,delete] [--root /bench]
 *           [--read-pct 90] [--window-ops 50000]
 *   Session i is its own zhandle connected to host i mod len(--hosts) only
 *   (one host: every session on that node), with --inflight requests
 *   outstanding. Each phase runs --count operations in total, divided over the
 *   sessions; session i owns a disjoint key range ROOT/n<index>, so get, set,
 *   delete and mixed hit the nodes that session created (and read from the
 *   server that applied them).
 *   Phases (comma list, run in order):
 *     create  create the nodes (ZNODEEXISTS is not an error)
 *     get     get them
 *     set     set them
 *     delete  delete them
 *     mixed   each request a get with probability --read-pct %, else a set, on
 *             a random node of the session's range: run `create` before it
 *     long    --count creates of ROOT/l<index> (kept); additionally one line
 *             per --window-ops completed operations:
 *             "window=1 ops=50000 seconds=2.1 ops_per_s=23800"
 *             (a trailing short window is flagged partial=1)
 *     fill    same as create (kept for the positional mode)
 *   All sessions connect before the first timer starts; if one does not
 *   connect within 15 s the program exits with status 1. ROOT is created
 *   first (ZNODEEXISTS is fine).
 *
 * Positional mode (kept for run_bench.py):
 *   zkbench HOST:PORT COUNT [WINDOW] [VALUE_BYTES] [PHASES]
 *   one session on the connect string HOST:PORT, WINDOW in flight; root
 *   /bench, except fill which creates COUNT znodes under /bench-fill.
 *
 * Output, one line per phase:
 *   phase=create ops=100000 seconds=1.23 ops_per_s=81300 p50_ms=2.1 p99_ms=5.3
 *   max_ms=9.8 errors=0 sessions=1 inflight=200
 * (mixed adds reads= writes=). Errors are completions or calls with any code
 * other than ZOK (and ZNODEEXISTS on create); the first error of each
 * session is named on stderr.
 */
/* The multi-threaded library also offers the synchronous calls. */
#define THREADED 1
#include <zookeeper/zookeeper.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum op { OP_CREATE, OP_GET, OP_SET, OP_DELETE, OP_MIXED, OP_LONG };

struct session;

/* One request in flight: the completion finds its session and send time here. */
struct req {
    struct session *s;
    double sent;
    double latency;
};

struct session {
    int idx;
    char *connect;
    zhandle_t *zh;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int state;              /* last session state seen by the watcher */
    long outstanding;
    long errors;
    int first_error;
    long first, n;          /* key range of this phase: indexes [first, first+n) */
    struct req *reqs;       /* n entries, one per request of this phase */
    long reads, writes;
    unsigned seed;
    pthread_t thread;
};

/* Settings shared by every session of a run. */
static struct session *sessions;
static int nsessions = 1;
static long inflight = 200;
static int read_pct = 90;
static long window_ops = 50000;
static char *value;
static int value_len = 100;
static const char *root = "/bench";
static enum op cur_op;
static pthread_barrier_t start_line;

/* Long phase: completion count and the time each window of window_ops completed. */
static long long_completed;
static double *window_end;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void watcher(zhandle_t *zh, int type, int state, const char *path, void *ctx) {
    (void)zh; (void)path;
    struct session *s = ctx;
    if (type == ZOO_SESSION_EVENT) {
        pthread_mutex_lock(&s->lock);
        s->state = state;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
    }
}

static void done(struct req *r, int rc) {
    struct session *s = r->s;
    double t = now_seconds();
    r->latency = t - r->sent;
    if (cur_op == OP_LONG && window_end) {
        long k = __atomic_add_fetch(&long_completed, 1, __ATOMIC_SEQ_CST);
        if (k % window_ops == 0) window_end[k / window_ops] = t;
    }
    pthread_mutex_lock(&s->lock);
    s->outstanding--;
    int creating = cur_op == OP_CREATE || cur_op == OP_LONG;
    if (rc != ZOK && !(creating && rc == ZNODEEXISTS)) {
        if (s->errors++ == 0) s->first_error = rc;
    }
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

static void string_done(int rc, const char *v, const void *d) { (void)v; done((struct req *)d, rc); }
static void data_done(int rc, const char *v, int n, const struct Stat *st, const void *d) { (void)v; (void)n; (void)st; done((struct req *)d, rc); }
static void stat_done(int rc, const struct Stat *st, const void *d) { (void)st; done((struct req *)d, rc); }
static void void_done(int rc, const void *d) { done((struct req *)d, rc); }

/* One session's share of a phase: keep `inflight` requests outstanding until its n are sent. */
static void *session_run(void *arg) {
    struct session *s = arg;
    char path[256];
    pthread_barrier_wait(&start_line);
    for (long i = 0; i < s->n; i++) {
        pthread_mutex_lock(&s->lock);
        while (s->outstanding >= inflight) pthread_cond_wait(&s->changed, &s->lock);
        s->outstanding++;
        pthread_mutex_unlock(&s->lock);
        struct req *r = &s->reqs[i];
        r->s = s;
        enum op op = cur_op;
        long key = s->first + i;
        if (op == OP_MIXED) {
            key = s->first + (long)(rand_r(&s->seed) % (unsigned)s->n);
            if ((int)(rand_r(&s->seed) % 100) < read_pct) { op = OP_GET; s->reads++; }
            else { op = OP_SET; s->writes++; }
        }
        snprintf(path, sizeof path, op == OP_LONG ? "%s/l%010ld" : "%s/n%010ld", root, key);
        r->sent = now_seconds();
        int rc;
        switch (op) {
        case OP_CREATE:
        case OP_LONG:
            rc = zoo_acreate(s->zh, path, value, value_len, &ZOO_OPEN_ACL_UNSAFE, 0, string_done, r);
            break;
        case OP_GET:
            rc = zoo_aget(s->zh, path, 0, data_done, r);
            break;
        case OP_SET:
            rc = zoo_aset(s->zh, path, value, value_len, -1, stat_done, r);
            break;
        default:
            rc = zoo_adelete(s->zh, path, -1, void_done, r);
            break;
        }
        if (rc != ZOK) done(r, rc);   /* not sent: no completion will come */
    }
    pthread_mutex_lock(&s->lock);
    while (s->outstanding > 0) pthread_cond_wait(&s->changed, &s->lock);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double percentile(const double *v, long n, double p) {
    if (n == 0) return 0;
    long rank = (long)(p / 100.0 * n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return v[rank - 1];
}

static int parse_op(const char *name, enum op *op) {
    static const struct { const char *name; enum op op; } names[] = {
        {"create", OP_CREATE}, {"fill", OP_CREATE}, {"get", OP_GET}, {"set", OP_SET},
        {"delete", OP_DELETE}, {"mixed", OP_MIXED}, {"long", OP_LONG},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i].name)) { *op = names[i].op; return 1; }
    return 0;
}

static void run_phase(const char *phase, enum op op, long count) {
    cur_op = op;
    long_completed = 0;
    long nwindows = op == OP_LONG ? count / window_ops : 0;
    window_end = op == OP_LONG ? calloc(nwindows + 2, sizeof(double)) : NULL;
    /* Disjoint ranges: session i gets count/S keys (the first count%S one more). */
    long next = 0;
    for (int i = 0; i < nsessions; i++) {
        struct session *s = &sessions[i];
        s->first = next;
        s->n = count / nsessions + (i < count % nsessions ? 1 : 0);
        next += s->n;
        s->reqs = calloc(s->n > 0 ? s->n : 1, sizeof(struct req));
        s->errors = 0;
        s->first_error = ZOK;
        s->reads = s->writes = 0;
        s->seed = 12345u + 7919u * (unsigned)i;
    }
    pthread_barrier_init(&start_line, NULL, nsessions + 1);
    for (int i = 0; i < nsessions; i++) pthread_create(&sessions[i].thread, NULL, session_run, &sessions[i]);
    double start = now_seconds();
    pthread_barrier_wait(&start_line);
    for (int i = 0; i < nsessions; i++) pthread_join(sessions[i].thread, NULL);
    double seconds = now_seconds() - start;
    pthread_barrier_destroy(&start_line);

    double *lat = malloc((count > 0 ? count : 1) * sizeof(double));
    long nlat = 0, errors = 0, reads = 0, writes = 0;
    for (int i = 0; i < nsessions; i++) {
        struct session *s = &sessions[i];
        for (long j = 0; j < s->n; j++) lat[nlat++] = s->reqs[j].latency;
        errors += s->errors;
        reads += s->reads;
        writes += s->writes;
        if (s->errors)
            fprintf(stderr, "zkbench: phase %s session %d (%s): %ld errors, first: %s\n",
                    phase, i, s->connect, s->errors, zerror(s->first_error));
        free(s->reqs);
        s->reqs = NULL;
    }
    qsort(lat, nlat, sizeof(double), cmp_double);

    if (op == OP_LONG) {
        double prev = start;
        for (long k = 1; k <= nwindows; k++) {
            double t = window_end[k] - prev;
            printf("window=%ld ops=%ld seconds=%.3f ops_per_s=%.0f\n", k, window_ops, t, window_ops / t);
            prev = window_end[k];
        }
        long rest = count - nwindows * window_ops;
        if (rest > 0) {
            double t = start + seconds - prev;
            printf("window=%ld ops=%ld seconds=%.3f ops_per_s=%.0f partial=1\n", nwindows + 1, rest, t, rest / t);
        }
        free(window_end);
        window_end = NULL;
    }
    printf("phase=%s ops=%ld seconds=%.3f ops_per_s=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%ld sessions=%d inflight=%ld",
           phase, count, seconds, count / seconds, percentile(lat, nlat, 50) * 1000,
           percentile(lat, nlat, 99) * 1000, nlat ? lat[nlat - 1] * 1000 : 0.0, errors, nsessions, inflight);
    if (op == OP_MIXED) printf(" reads=%ld writes=%ld", reads, writes);
    printf("\n");
    fflush(stdout);
    free(lat);
}

/* Opens every session and waits (15 s at most) until all are connected. */
static int connect_all(void) {
    for (int i = 0; i < nsessions; i++) {
        struct session *s = &sessions[i];
        s->idx = i;
        pthread_mutex_init(&s->lock, NULL);
        pthread_cond_init(&s->changed, NULL);
        s->zh = zookeeper_init(s->connect, watcher, 30000, 0, s, 0);
        if (!s->zh) { fprintf(stderr, "zkbench: zookeeper_init %s: ", s->connect); perror(""); return 0; }
    }
    double deadline = now_seconds() + 15;
    for (int i = 0; i < nsessions; i++) {
        struct session *s = &sessions[i];
        pthread_mutex_lock(&s->lock);
        while (s->state != ZOO_CONNECTED_STATE && now_seconds() < deadline) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100 * 1000 * 1000;
            if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
            pthread_cond_timedwait(&s->changed, &s->lock, &ts);
        }
        int ok = s->state == ZOO_CONNECTED_STATE;
        pthread_mutex_unlock(&s->lock);
        if (!ok) { fprintf(stderr, "zkbench: session %d could not connect to %s within 15 s\n", i, s->connect); return 0; }
    }
    return 1;
}

static int create_root(const char *path) {
    int rc = zoo_create(sessions[0].zh, path, "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0);
    if (rc != ZOK && rc != ZNODEEXISTS) { fprintf(stderr, "zkbench: create %s: %s\n", path, zerror(rc)); return 0; }
    return 1;
}

static void close_all(void) {
    for (int i = 0; i < nsessions; i++)
        if (sessions[i].zh) zookeeper_close(sessions[i].zh);
}

static int usage(const char *prog) {
    fprintf(stderr,
            "usage: %s --hosts H:P[,H:P...] --count N [--sessions S] [--inflight W] [--value-bytes B]\n"
            "          [--phases create,get,set,delete,mixed,long] [--root /bench] [--read-pct 90]\n"
            "          [--window-ops 50000]\n"
            "   or: %s HOST:PORT COUNT [WINDOW] [VALUE_BYTES] [PHASES]\n", prog, prog);
    return 2;
}

static int check_phases(const char *phases) {
    char list[512];
    snprintf(list, sizeof list, "%s", phases);
    enum op op;
    for (char *p = strtok(list, ","); p; p = strtok(NULL, ","))
        if (!parse_op(p, &op)) { fprintf(stderr, "zkbench: unknown phase %s\n", p); return 0; }
    return 1;
}

int main(int argc, char **argv) {
    const char *hosts = NULL, *phases = "create,get,set,delete";
    long count = -1;
    int positional = argc >= 2 && strncmp(argv[1], "--", 2) != 0;
    if (positional) {
        if (argc < 3) return usage(argv[0]);
        hosts = argv[1];
        count = atol(argv[2]);
        inflight = argc > 3 ? atol(argv[3]) : 1000;
        value_len = argc > 4 ? atoi(argv[4]) : 100;
        phases = argc > 5 ? argv[5] : phases;
    } else {
        for (int i = 1; i < argc; i++) {
            const char *a = argv[i];
            if (i + 1 >= argc) return usage(argv[0]);
            const char *v = argv[++i];
            if (!strcmp(a, "--hosts")) hosts = v;
            else if (!strcmp(a, "--sessions")) nsessions = atoi(v);
            else if (!strcmp(a, "--inflight")) inflight = atol(v);
            else if (!strcmp(a, "--count")) count = atol(v);
            else if (!strcmp(a, "--value-bytes")) value_len = atoi(v);
            else if (!strcmp(a, "--phases")) phases = v;
            else if (!strcmp(a, "--root")) root = v;
            else if (!strcmp(a, "--read-pct")) read_pct = atoi(v);
            else if (!strcmp(a, "--window-ops")) window_ops = atol(v);
            else return usage(argv[0]);
        }
    }
    if (!hosts || count < 0 || nsessions < 1 || inflight < 1 || value_len < 0 || window_ops < 1
        || read_pct < 0 || read_pct > 100 || root[0] != '/')
        return usage(argv[0]);
    if (!check_phases(phases)) return 2;
    value = malloc(value_len > 0 ? value_len : 1);
    memset(value, 'v', value_len);
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);

    /* Session i -> host i mod len(hosts); the positional mode passes its connect string as is. */
    sessions = calloc(nsessions, sizeof(struct session));
    char *host_list = strdup(hosts);
    char *host_names[256];
    int nhosts = 0;
    if (positional) host_names[nhosts++] = host_list;
    else
        for (char *h = strtok(host_list, ","); h && nhosts < 256; h = strtok(NULL, ",")) host_names[nhosts++] = h;
    for (int i = 0; i < nsessions; i++) sessions[i].connect = host_names[i % nhosts];

    if (!connect_all()) { close_all(); return 1; }
    if (!positional && !create_root(root)) { close_all(); return 1; }

    char list[512];
    snprintf(list, sizeof list, "%s", phases);
    char *save = NULL;
    for (char *phase = strtok_r(list, ",", &save); phase; phase = strtok_r(NULL, ",", &save)) {
        enum op op = OP_CREATE;
        parse_op(phase, &op);
        if (positional) {
            root = !strcmp(phase, "fill") ? "/bench-fill" : "/bench";
            if (!create_root(root)) { close_all(); return 1; }
        }
        run_phase(phase, op, count);
    }
    close_all();
    free(value);
    free(host_list);
    free(sessions);
    return 0;
}
