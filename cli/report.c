/*
 * report.c - messages on stderr: errors, sizes, ratios, the verbose
 * summary and the progress line (see report.h).
 */
#include "report.h"

#include "exitcode.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Inputs at least this large get a progress line. */
#define PROGRESS_MIN_SIZE ((uint64_t)4 << 20)
/* Minimum time between two redraws, in milliseconds. */
#define PROGRESS_INTERVAL_MS 200
/* The ETA is shown once the rate has been measured over this long. */
#define PROGRESS_ETA_MS 1000

/* Length of the valid UTF-8 character at s (1..4), 0 if s does not start
 * one (RFC 3629: no overlong forms, surrogates or values past U+10FFFF). */
static size_t utf8_len(const unsigned char *s) {
    unsigned c = s[0];
    size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    unsigned lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c < 0xc2 || c > 0xf4) return 0;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf) return 0;
    return n;
}

/* The escaped form of the character at *s (NUL-terminated into out, at
 * most 9 bytes); advances *s past it. */
static void escape_one(const unsigned char **s, char out[9]) {
    static const char letters[] = "abtnvfr"; /* \a = 7 .. \r = 13 */
    unsigned c = **s;
    size_t n = c < 0x80 ? 1 : utf8_len(*s);
    if (c >= 7 && c <= 13) {
        snprintf(out, 9, "\\%c", letters[c - 7]);
    } else if (c == '\\') {
        snprintf(out, 9, "\\\\");
    } else if (c < 0x20 || c == 0x7f || n == 0) {
        snprintf(out, 9, "\\%03o", c);
        n = 1;
    } else if (c == 0xc2 && (*s)[1] < 0xa0) { /* C1 control */
        snprintf(out, 9, "\\%03o\\%03o", c, (*s)[1]);
    } else {
        memcpy(out, *s, n);
        out[n] = 0;
    }
    *s += n ? n : 1;
}

void report_name(FILE *f, const char *name) {
    const unsigned char *s = (const unsigned char *)name;
    char unit[9];
    while (*s) {
        escape_one(&s, unit);
        fputs(unit, f);
    }
}

char *report_escape(char *buf, size_t cap, const char *name) {
    const unsigned char *s = (const unsigned char *)name;
    size_t n = 0;
    char unit[9];
    while (*s) {
        escape_one(&s, unit);
        size_t k = strlen(unit);
        if (n + k >= cap) break;
        memcpy(buf + n, unit, k);
        n += k;
    }
    buf[n] = 0;
    return buf;
}

void report_error(const char *name, const char *fmt, ...) {
    va_list ap;
    char msg[1024];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fputs("mdlz: ", stderr);
    if (name) {
        report_name(stderr, name);
        fputs(": ", stderr);
    }
    report_name(stderr, msg);
    fputc('\n', stderr);
}

int report_usage(const char *cmd, const char *what, const char *arg) {
    report_error(NULL, "%s: %s%s%s%s (see mdlz %s --help)", cmd, what,
                 arg ? " '" : "", arg ? arg : "", arg ? "'" : "", cmd);
    return EXIT_USAGE;
}

static const char *const units[] = {"B",   "KiB", "MiB", "GiB",
                                    "TiB", "PiB", "EiB"};

void format_size(char *buf, size_t cap, uint64_t bytes) {
    if (bytes < 1024) {
        snprintf(buf, cap, "%" PRIu64 " B", bytes);
        return;
    }
    double v = (double)bytes;
    unsigned u = 0;
    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    if (bytes % ((uint64_t)1 << (10 * u)) == 0)
        snprintf(buf, cap, "%.0f %s", v, units[u]); /* exact: "1 MiB" */
    else snprintf(buf, cap, "%.1f %s", v, units[u]);
}

void format_size_ceil(char *buf, size_t cap, uint64_t bytes) {
    unsigned u = 0;
    /* Step up a unit while that loses at most a little: round up. */
    while (u < 3 && bytes >= 1024 * 10) {
        bytes = (bytes + 1023) / 1024;
        u++;
    }
    snprintf(buf, cap, "%" PRIu64 "%s", bytes, u ? units[u] : "");
}

void format_ratio(char *buf, size_t cap, uint64_t compressed,
                  uint64_t original) {
    if (original == 0) snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.2f%%",
                 100.0 * (double)compressed / (double)original);
}

void format_bpb(char *buf, size_t cap, uint64_t compressed, uint64_t original) {
    if (original == 0) snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.3f", 8.0 * (double)compressed / (double)original);
}

void report_result(const char *name, uint64_t in_bytes, uint64_t out_bytes,
                   uint64_t original, uint64_t compressed) {
    char ratio[32], bpb[32];
    format_ratio(ratio, sizeof ratio, compressed, original);
    format_bpb(bpb, sizeof bpb, compressed, original);
    fprintf(stderr, "%s: %" PRIu64 " -> %" PRIu64 " bytes (%s, %s bpb)\n", name,
            in_bytes, out_bytes, ratio, bpb);
}

void progress_init(progress *p, const char *name, int allowed,
                   uint64_t known_size, int decoding) {
    memset(p, 0, sizeof *p);
    p->name = name;
    p->enabled = allowed && isatty(STDERR_FILENO);
    p->known_size = known_size;
    p->decoding = decoding;
    struct winsize ws;
    if (p->enabled && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0)
        p->width = ws.ws_col;
}

static int64_t ms_between(const struct timespec *a, const struct timespec *b) {
    return (int64_t)(b->tv_sec - a->tv_sec) * 1000 +
           (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* ", ETA 1:02" (or 1:02:03) for the rest of the input at the mean rate
 * since the first update; "" before PROGRESS_ETA_MS of it (too little to
 * judge by) or before any byte was read. */
static void format_eta(char *buf, size_t cap, const progress *p,
                       uint64_t in_bytes, int64_t ms) {
    buf[0] = '\0';
    if (ms < PROGRESS_ETA_MS || in_bytes <= p->first_in ||
        in_bytes >= p->known_size)
        return;
    double rest = (double)(p->known_size - in_bytes) * (double)ms /
                  (double)(in_bytes - p->first_in) / 1000.0;
    if (rest > 359999.0) rest = 359999.0; /* 99:59:59 */
    unsigned s = (unsigned)rest + 1;      /* rounded up: never 0:00 early */
    if (s >= 3600)
        snprintf(buf, cap, ", ETA %u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
    else snprintf(buf, cap, ", ETA %u:%02u", s / 60, s % 60);
}

void progress_update(progress *p, uint64_t in_bytes, uint64_t out_bytes) {
    if (!p->enabled) return;
    if (p->known_size < PROGRESS_MIN_SIZE && in_bytes < PROGRESS_MIN_SIZE)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!p->started) {
        p->started = 1;
        p->first = now;
        p->first_in = in_bytes;
    }
    /* Two sources may report (bytes coded, bytes taken): never back. */
    if (p->shown && (in_bytes < p->shown_in ||
                     ms_between(&p->last, &now) < PROGRESS_INTERVAL_MS))
        return;
    p->last = now;
    p->shown_in = in_bytes;

    char in_s[32], out_s[32], ratio[32], pct[32] = "", eta[32] = "";
    char line[512];
    format_size(in_s, sizeof in_s, in_bytes);
    format_size(out_s, sizeof out_s, out_bytes);
    if (p->decoding) format_ratio(ratio, sizeof ratio, in_bytes, out_bytes);
    else format_ratio(ratio, sizeof ratio, out_bytes, in_bytes);
    if (p->known_size) {
        double done = (double)in_bytes / (double)p->known_size;
        snprintf(pct, sizeof pct, "%u%% done, ",
                 (unsigned)(100.0 * (done < 1.0 ? done : 1.0)));
        format_eta(eta, sizeof eta, p, in_bytes, ms_between(&p->first, &now));
    }
    int n = snprintf(line, sizeof line, "%s: %s%s -> %s (%s)%s", p->name, pct,
                     in_s, out_s, ratio, eta);
    if (n < 0) return;
    if (n >= (int)sizeof line) n = (int)sizeof line - 1;
    /* A line as wide as the terminal would wrap, and "\r" would then
     * redraw only its last row: cut it (not inside a UTF-8 sequence). */
    if (p->width > 1 && n > p->width - 1) {
        n = p->width - 1;
        while (n > 0 && ((unsigned char)line[n] & 0xC0) == 0x80) n--;
        line[n] = '\0';
    }
    /* Pad with spaces to wipe what is left of a longer previous line. */
    fprintf(stderr, "\r%s%*s", line, p->shown > n ? p->shown - n : 0, "");
    p->shown = n;
}

void progress_end(progress *p) {
    if (!p->shown) return;
    fprintf(stderr, "\r%*s\r", p->shown, "");
    p->shown = 0;
}

int parse_size(const char *s, uint64_t *out) {
    static const struct {
        const char *suffix;
        unsigned shift;
    } suffixes[] = {{"", 0},     {"b", 0},   {"k", 10},   {"kb", 10},
                    {"kib", 10}, {"m", 20},  {"mb", 20},  {"mib", 20},
                    {"g", 30},   {"gb", 30}, {"gib", 30}, {"t", 40},
                    {"tb", 40},  {"tib", 40}};
    if (*s < '0' || *s > '9') return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno) return -1;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (strcasecmp(end, suffixes[i].suffix) != 0) continue;
        if (v > (UINT64_MAX >> suffixes[i].shift)) return -1;
        *out = (uint64_t)v << suffixes[i].shift;
        return 0;
    }
    return -1;
}

int parse_long(const char *s, long min, long max, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

/* The value of an option given as "--opt=V", "--opt V", "-n V" or "-nV";
 * advances *i past a separate value. NULL if missing. */
const char *cli_opt_value(int argc, char **argv, int *i, size_t namelen) {
    const char *a = argv[*i];
    if (a[namelen] == '=') return a + namelen + 1;
    if (a[1] != '-' && a[namelen]) return a + namelen; /* -n5 */
    if (a[namelen] || *i + 1 >= argc) return NULL;
    return argv[++*i];
}
