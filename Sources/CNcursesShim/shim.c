#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1
#include "CNcursesShim.h"
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static volatile sig_atomic_t zk_active = 0;
static int zk_handlers_installed = 0;
static const int zk_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE };
#define ZK_SIGNAL_COUNT ((int)(sizeof(zk_signals) / sizeof(zk_signals[0])))
static struct sigaction zk_previous[ZK_SIGNAL_COUNT];

// Child processes to stop when a signal ends the process (zkdash demo's nodes).
#define ZK_MAX_CHILDREN 64
static volatile sig_atomic_t zk_children[ZK_MAX_CHILDREN];
static volatile sig_atomic_t zk_child_count = 0;
// With deferral on, the first SIGINT / SIGTERM / SIGHUP is only recorded here.
static volatile sig_atomic_t zk_defer_termination = 0;
static volatile sig_atomic_t zk_pending_termination = 0;

static void zk_restore_terminal(void) {
    if (zk_active) {
        zk_active = 0;
        endwin();
    }
}

static int zk_is_termination(int sig) { return sig == SIGINT || sig == SIGTERM || sig == SIGHUP; }

// Async-signal-safe: kill, waitpid and nanosleep only. After a termination
// signal SIGTERM (and SIGCONT for a stopped child), up to 2 s for them to
// exit, then SIGKILL; after a crash SIGKILL at once. Every child is reaped.
static void zk_stop_children(int sig) {
    int count = zk_child_count;
    zk_child_count = 0;
    if (count <= 0) return;
    pid_t pids[ZK_MAX_CHILDREN];
    for (int i = 0; i < count; i++) pids[i] = (pid_t)zk_children[i];
    int gentle = zk_is_termination(sig);
    for (int i = 0; i < count; i++) {
        if (pids[i] <= 0) continue;
        kill(pids[i], gentle ? SIGTERM : SIGKILL);
        if (gentle) kill(pids[i], SIGCONT);
    }
    if (gentle) {
        struct timespec step = { 0, 20 * 1000 * 1000 };
        for (int round = 0; round < 100; round++) {
            int left = 0;
            for (int i = 0; i < count; i++) {
                if (pids[i] <= 0) continue;
                pid_t done = waitpid(pids[i], NULL, WNOHANG);
                if (done == pids[i] || (done < 0 && errno == ECHILD)) pids[i] = 0; else left++;
            }
            if (left == 0) break;
            nanosleep(&step, NULL);
        }
        for (int i = 0; i < count; i++) if (pids[i] > 0) kill(pids[i], SIGKILL);
    }
    for (int i = 0; i < count; i++) {
        if (pids[i] <= 0) continue;
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR) {}
    }
}

// Restores the terminal, stops the registered children, puts back the handler
// that was there before (the default, or Swift's backtracer) and delivers the
// signal again after return. A deferred termination signal is only recorded
// (the dashboard then ends cleanly); a second one acts at once.
static void zk_signal_handler(int sig) {
    int saved_errno = errno;
    if (zk_defer_termination && zk_is_termination(sig) && zk_pending_termination == 0) {
        zk_pending_termination = sig;
        errno = saved_errno;
        return;
    }
    zk_restore_terminal();
    zk_stop_children(sig);
    errno = saved_errno;
    for (int i = 0; i < ZK_SIGNAL_COUNT; i++) {
        if (zk_signals[i] == sig) {
            sigaction(sig, &zk_previous[i], NULL);
            break;
        }
    }
    raise(sig);
}

static void zk_install_handlers(void) {
    if (zk_handlers_installed) return;
    zk_handlers_installed = 1;
    atexit(zk_restore_terminal);
    for (int i = 0; i < ZK_SIGNAL_COUNT; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = zk_signal_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_ONSTACK;
        sigaction(zk_signals[i], &action, &zk_previous[i]);
    }
}

int zk_term_start(int want_colors) {
    setlocale(LC_ALL, "");
    if (getenv("ESCDELAY") == NULL) set_escdelay(25);
    // Before newterm: ncurses then keeps its own SIGINT/SIGTERM handlers out
    // (they exit with status 1); ours restore the terminal and re-raise.
    zk_install_handlers();
    if (newterm(NULL, stdout, stdin) == NULL) return -1;
    zk_active = 1;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    // Home and End as tmux, screen and the Linux console send them, which
    // xterm's terminfo (khome=\EOH, kend=\EOF) does not list: without these
    // they arrive as Esc [ 1 ~ and a prompt would get "[1~" typed into it.
    // define_key leaves a sequence the terminfo already binds alone.
    if (key_defined("\033[1~") <= 0) define_key("\033[1~", KEY_HOME);
    if (key_defined("\033[4~") <= 0) define_key("\033[4~", KEY_END);
    if (key_defined("\033[7~") <= 0) define_key("\033[7~", KEY_HOME);
    if (key_defined("\033[8~") <= 0) define_key("\033[8~", KEY_END);
    curs_set(0);
    leaveok(stdscr, TRUE);
    scrollok(stdscr, FALSE);
    mouseinterval(0);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    if (want_colors && has_colors()) {
        start_color();
        use_default_colors();
    }
    return 0;
}

void zk_term_stop(void) { zk_restore_terminal(); }

// Hand the terminal to another program (an editor) and take it back: curses'
// own shell-escape pair, then a full repaint on the next refresh.
void zk_term_suspend(void) {
    def_prog_mode();
    endwin();
}

void zk_term_resume(void) {
    reset_prog_mode();
    clearok(curscr, TRUE);
    refresh();
}

void zk_term_set_children(const int32_t *pids, int count) {
    zk_child_count = 0;
    if (count > ZK_MAX_CHILDREN) count = ZK_MAX_CHILDREN;
    for (int i = 0; i < count; i++) zk_children[i] = (sig_atomic_t)pids[i];
    zk_child_count = count < 0 ? 0 : count;
}

void zk_term_defer_termination(int on) {
    zk_defer_termination = on ? 1 : 0;
    // Installed now, so a signal before zk_term_start is deferred too.
    if (on) zk_install_handlers();
}
int zk_term_pending_termination(void) { return zk_pending_termination; }
int zk_term_active(void) { return zk_active ? 1 : 0; }

void zk_term_size(int *columns, int *rows) {
    int y, x;
    getmaxyx(stdscr, y, x);
    *columns = x;
    *rows = y;
}

int zk_term_colors(void) { return has_colors() ? COLORS : 0; }
int zk_term_color_pairs(void) { return has_colors() ? COLOR_PAIRS : 0; }

int zk_term_read(int timeout_ms, uint32_t *value, int *is_code) {
    wint_t ch = 0;
    wtimeout(stdscr, timeout_ms);
    int result = wget_wch(stdscr, &ch);
    if (result == ERR) return -1;
    *value = (uint32_t)ch;
    *is_code = result == KEY_CODE_YES ? 1 : 0;
    return 0;
}

int zk_term_mouse(int *x, int *y, uint64_t *bstate) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *x = event.x;
    *y = event.y;
    *bstate = (uint64_t)event.bstate;
    return 0;
}

int zk_term_init_pair(int pair, int fg, int bg) { return init_pair((short)pair, (short)fg, (short)bg) == OK ? 0 : -1; }

void zk_term_put(int y, int x, const uint32_t *text, int count, int pair, int attrs) {
    attr_t a = A_NORMAL;
    if (attrs & ZK_ATTR_BOLD) a |= A_BOLD;
    if (attrs & ZK_ATTR_UNDERLINE) a |= A_UNDERLINE;
    if (attrs & ZK_ATTR_REVERSE) a |= A_REVERSE;
    if (attrs & ZK_ATTR_DIM) a |= A_DIM;
    wattr_set(stdscr, a, (short)pair, NULL);
    wchar_t buffer[512];
    wchar_t *wide = count < 512 ? buffer : malloc(sizeof(wchar_t) * (size_t)(count + 1));
    if (wide == NULL) return;
    for (int i = 0; i < count; i++) wide[i] = (wchar_t)text[i];
    wide[count] = 0;
    mvwaddnwstr(stdscr, y, x, wide, count);
    if (wide != buffer) free(wide);
}

void zk_term_clear(void) {
    wattr_set(stdscr, A_NORMAL, 0, NULL);
    werase(stdscr);
    clearok(stdscr, TRUE);
}

void zk_term_refresh(void) { wrefresh(stdscr); }

int zk_key_code(const char *name) {
    static const struct { const char *name; int code; } codes[] = {
        { "DOWN", KEY_DOWN }, { "UP", KEY_UP }, { "LEFT", KEY_LEFT }, { "RIGHT", KEY_RIGHT },
        { "HOME", KEY_HOME }, { "END", KEY_END }, { "NPAGE", KEY_NPAGE }, { "PPAGE", KEY_PPAGE },
        { "BACKSPACE", KEY_BACKSPACE }, { "DC", KEY_DC }, { "ENTER", KEY_ENTER }, { "BTAB", KEY_BTAB },
        { "F0", KEY_F0 }, { "RESIZE", KEY_RESIZE }, { "MOUSE", KEY_MOUSE },
    };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (strcmp(codes[i].name, name) == 0) return codes[i].code;
    }
    return -1;
}

uint64_t zk_mouse_mask(const char *name) {
    if (strcmp(name, "BUTTON1_PRESSED") == 0) return BUTTON1_PRESSED;
    if (strcmp(name, "BUTTON1_RELEASED") == 0) return BUTTON1_RELEASED;
    if (strcmp(name, "BUTTON1_CLICKED") == 0) return BUTTON1_CLICKED;
    if (strcmp(name, "BUTTON4_PRESSED") == 0) return BUTTON4_PRESSED;
    if (strcmp(name, "BUTTON5_PRESSED") == 0) return BUTTON5_PRESSED;
    return 0;
}
