/*
 * report.h - everything the command says on stderr: one-line error
 * messages ("mdlz: FILE: message"), human-readable sizes and ratios, the
 * per-file verbose summary, and the in-place progress line.
 */
#ifndef MDLZ_CLI_REPORT_H
#define MDLZ_CLI_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
/** Parses a decimal integer in [min, max]; 0 or -1. */
int parse_long(const char *s, long min, long max, long *out);

/** The value of an option given as "--opt=V", "--opt V", "-n V" or "-nV"
 *  (namelen: length of the option's name); advances *i past a separate
 *  value. NULL if missing. */
const char *cli_opt_value(int argc, char **argv, int *i, size_t namelen);

#endif

/** Prints "mdlz: NAME: MESSAGE" (or "mdlz: MESSAGE" if name is NULL),
 *  both escaped as report_name() does (a message may quote names). */
void report_error(const char *name, const char *fmt, ...) CLI_PRINTF(2, 3);

/** A usage error of subcommand `cmd`: prints "mdlz: CMD: WHAT 'ARG' (see
 *  mdlz CMD --help)" (without 'ARG' when arg is NULL), escaped as
 *  report_error() does; returns EXIT_USAGE. */
int report_usage(const char *cmd, const char *what, const char *arg);

/** Writes `name` to f escaped as GNU tar's default quoting style
 *  ("escape") does, and, like tar, whether or not f is a terminal: \a \b
 *  \f \n \r \t \v and \\ for those bytes, \ooo (octal) for the other
 *  control characters (C0, DEL, and C1 U+0080..U+009F, which terminals
 *  also obey) and for each byte that is not part of valid UTF-8; other
 *  UTF-8 characters as they are. So a name never moves the cursor, clears
 *  the screen or changes colours, and the output names it unambiguously. */
void report_name(FILE *f, const char *name);

/** The same escaping into buf (cap > 0): NUL-terminated, cut between two
 *  characters if it does not fit. Returns buf. */
char *report_escape(char *buf, size_t cap, const char *name);

/** "12.3 MiB", "512 B": a size for people, rounded to one decimal. */
void format_size(char *buf, size_t cap, uint64_t bytes);

/** Parses a size such as "100000", "512k", "64M", "1GiB" (binary
 *  suffixes, any case) into *out; returns 0, or -1 if it is not one. */
int parse_size(const char *s, uint64_t *out);

/** "257MiB": a whole number of the largest unit that keeps it exact or
 *  rounds it up, suitable for --memory=. */
void format_size_ceil(char *buf, size_t cap, uint64_t bytes);

/** "37.00%" (compressed / original) or "-" when original is 0. */
void format_ratio(char *buf, size_t cap, uint64_t compressed,
                  uint64_t original);

/** "2.960" bits per original byte, or "-" when original is 0. */
void format_bpb(char *buf, size_t cap, uint64_t compressed, uint64_t original);

/** The -v line: "NAME: IN -> OUT bytes (RATIO, BPB bpb)". */
void report_result(const char *name, uint64_t in_bytes, uint64_t out_bytes,
                   uint64_t original, uint64_t compressed);

/* The progress line, shown on a terminal for large inputs only: sizes and
 * ratio, and for an input of known size the percentage read and an ETA. */
typedef struct {
    const char *name;
    int enabled;           /* stderr is a terminal and -q was not given */
    uint64_t known_size;   /* input size if known, else 0 */
    int decoding;          /* input is compressed (ratio = in / out) */
    int width;             /* terminal columns (0 = unknown) */
    int started;           /* first/first_in are set */
    uint64_t first_in;     /* input bytes at the first update */
    struct timespec first; /* time of the first update */
    struct timespec last;  /* time of the last redraw */
    uint64_t shown_in;     /* input bytes on the line now */
    int shown;             /* characters on the line now (0 = nothing) */
} progress;

void progress_init(progress *p, const char *name, int allowed,
                   uint64_t known_size, int decoding);
/** Redraws the line (at most a few times a second). */
void progress_update(progress *p, uint64_t in_bytes, uint64_t out_bytes);
/** Erases the line; call before any other output on stderr. */
void progress_end(progress *p);

/** Parses a decimal integer in [min, max]; 0 or -1. */
int parse_long(const char *s, long min, long max, long *out);

/** The value of an option given as "--opt=V", "--opt V", "-n V" or "-nV"
 *  (namelen: length of the option's name); advances *i past a separate
 *  value. NULL if missing. */
const char *cli_opt_value(int argc, char **argv, int *i, size_t namelen);

#endif
