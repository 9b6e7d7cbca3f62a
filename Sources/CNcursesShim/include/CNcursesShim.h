// A narrow C surface over ncursesw for TerminalUI: plain C types only, so the
// Swift side needs none of curses' macros (COLOR_PAIR, stdscr, KEY_*, A_*).
// Every function here must be called from the one thread that owns curses,
// except the signal handlers, which restore the terminal on their own.
#ifndef CNCURSES_SHIM_PUBLIC_H
#define CNCURSES_SHIM_PUBLIC_H
#include <stdint.h>

/// Attribute bits TerminalUI uses (mapped to A_* here).
enum {
    ZK_ATTR_BOLD = 1,
    ZK_ATTR_UNDERLINE = 2,
    ZK_ATTR_REVERSE = 4,
    ZK_ATTR_DIM = 8,
};

/// Starts curses: setlocale, initscr, raw, noecho, keypad, mouse (clicks and
/// wheel), colours when the terminal has them, and the signal/atexit handlers
/// that call endwin. Returns 0, or -1 when there is no usable terminal.
int zk_term_start(int want_colors);
/// endwin once (idempotent); the handlers are left installed but inert.
void zk_term_stop(void);
void zk_term_suspend(void);
void zk_term_resume(void);
/// 1 while curses is running.
int zk_term_active(void);

/// Child processes the signal handlers stop before the process dies (at most
/// 64; replaces the previous list). After SIGINT / SIGTERM / SIGHUP: SIGTERM,
/// up to 2 s, then SIGKILL; after a crash signal: SIGKILL. Each is reaped.
/// Any thread may call it.
void zk_term_set_children(const int32_t *pids, int count);
/// With `on`, the first SIGINT, SIGTERM or SIGHUP only sets
/// zk_term_pending_termination() (the caller ends cleanly); a second acts at once.
/// Turning it on installs the signal handlers at once (before zk_term_start).
void zk_term_defer_termination(int on);
/// The deferred termination signal received, or 0.
int zk_term_pending_termination(void);

/// Columns and rows of the screen.
void zk_term_size(int *columns, int *rows);
/// The terminal's colour count (COLORS; 0 when colours are off) and pair count.
int zk_term_colors(void);
int zk_term_color_pairs(void);

/// Reads one input, waiting at most timeout_ms (0: do not wait).
/// Returns 0 with a character (is_code 0) or a KEY_* code (is_code 1); -1 for none.
int zk_term_read(int timeout_ms, uint32_t *value, int *is_code);
/// The pending mouse event after KEY_MOUSE: 0 and fills the fields, or -1.
int zk_term_mouse(int *x, int *y, uint64_t *bstate);

/// Defines colour pair `pair` (1...); -1 is the terminal's default colour.
int zk_term_init_pair(int pair, int fg, int bg);
/// Writes `count` UTF-32 characters at (x, y) with a pair and ZK_ATTR_* bits.
void zk_term_put(int y, int x, const uint32_t *text, int count, int pair, int attrs);
/// Blanks the screen and forces the next refresh to repaint every cell.
void zk_term_clear(void);
/// Pushes the frame to the terminal.
void zk_term_refresh(void);

/// curses constants the decoder needs (tests compare them with TerminalUI's).
int zk_key_code(const char *name);
uint64_t zk_mouse_mask(const char *name);

#endif
