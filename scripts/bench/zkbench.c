/*
 * zkbench: a neutral load generator on Apache's C client library
 * (libzookeeper_mt). It keeps WINDOW asynchronous requests in flight on one
 * session (pipelining) and reports operations per second for create, get,
 * set and delete of VALUE_BYTES-byte znodes. The same binary drives zkdash and
 * Apache ZooKeeper, so the figures compare like with like.
 *
 * usage: zkbench HOST:PORT COUNT [WINDOW] [VALUE_BYTES] [PHASES]
 *   PHASES: comma list of create,get,set,delete,fill (default create,get,set,delete)
 *   fill: creates COUNT znodes under /bench-fill and keeps them (for RSS figures)
 * Output: one line per phase, "phase=create ops=100000 seconds=1.23 ops_per_s=81300 errors=0".
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

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long outstanding = 0;
static long completed = 0;
static long errors = 0;
static int connected = 0;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void watcher(zhandle_t *zh, int type, int state, const char *path, void *ctx) {
    (void)zh; (void)path; (void)ctx;
    if (type == ZOO_SESSION_EVENT) {
        pthread_mutex_lock(&lock);
        connected = (state == ZOO_CONNECTED_STATE);
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
}

static void done(int rc) {
    pthread_mutex_lock(&lock);
    outstanding--;
    completed++;
    if (rc != ZOK && rc != ZNODEEXISTS) errors++;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

static void string_done(int rc, const char *value, const void *data) { (void)value; (void)data; done(rc); }
static void data_done(int rc, const char *v, int n, const struct Stat *s, const void *d) { (void)v; (void)n; (void)s; (void)d; done(rc); }
static void stat_done(int rc, const struct Stat *s, const void *d) { (void)s; (void)d; done(rc); }
static void void_done(int rc, const void *d) { (void)d; done(rc); }

static void wait_for_window(long window) {
    pthread_mutex_lock(&lock);
    while (outstanding >= window) pthread_cond_wait(&changed, &lock);
    outstanding++;
    pthread_mutex_unlock(&lock);
}

static void wait_all(void) {
    pthread_mutex_lock(&lock);
    while (outstanding > 0) pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
}

static void run_phase(zhandle_t *zh, const char *phase, const char *root, long count, long window, const char *value, int value_len) {
    char path[256];
    errors = 0;
    completed = 0;
    double start = now_seconds();
    for (long i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/n%010ld", root, i);
        wait_for_window(window);
        int rc;
        if (!strcmp(phase, "create") || !strcmp(phase, "fill")) {
            rc = zoo_acreate(zh, path, value, value_len, &ZOO_OPEN_ACL_UNSAFE, 0, string_done, NULL);
        } else if (!strcmp(phase, "get")) {
            rc = zoo_aget(zh, path, 0, data_done, NULL);
        } else if (!strcmp(phase, "set")) {
            rc = zoo_aset(zh, path, value, value_len, -1, stat_done, NULL);
        } else {
            rc = zoo_adelete(zh, path, -1, void_done, NULL);
        }
        if (rc != ZOK) { done(rc); }
    }
    wait_all();
    double seconds = now_seconds() - start;
    printf("phase=%s ops=%ld seconds=%.3f ops_per_s=%.0f errors=%ld\n", phase, count, seconds, count / seconds, errors);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s HOST:PORT COUNT [WINDOW] [VALUE_BYTES] [PHASES]\n", argv[0]);
        return 2;
    }
    long count = atol(argv[2]);
    long window = argc > 3 ? atol(argv[3]) : 1000;
    int value_len = argc > 4 ? atoi(argv[4]) : 100;
    const char *phases = argc > 5 ? argv[5] : "create,get,set,delete";
    char *value = malloc(value_len > 0 ? value_len : 1);
    memset(value, 'v', value_len);
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    zhandle_t *zh = zookeeper_init(argv[1], watcher, 30000, 0, 0, 0);
    if (!zh) { perror("zookeeper_init"); return 1; }
    pthread_mutex_lock(&lock);
    double deadline = now_seconds() + 15;
    while (!connected && now_seconds() < deadline) {
        struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts); ts.tv_sec += 1;
        pthread_cond_timedwait(&changed, &lock, &ts);
    }
    pthread_mutex_unlock(&lock);
    if (!connected) { fprintf(stderr, "could not connect to %s\n", argv[1]); return 1; }

    char list[256];
    snprintf(list, sizeof list, "%s", phases);
    for (char *phase = strtok(list, ","); phase; phase = strtok(NULL, ",")) {
        const char *root = !strcmp(phase, "fill") ? "/bench-fill" : "/bench";
        int rc = zoo_create(zh, root, "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0);
        if (rc != ZOK && rc != ZNODEEXISTS) { fprintf(stderr, "create %s: %s\n", root, zerror(rc)); return 1; }
        run_phase(zh, phase, root, count, window, value, value_len);
    }
    zookeeper_close(zh);
    free(value);
    return 0;
}
