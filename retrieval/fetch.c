/*
 * fetch.c - reading a document into memory: a local file, or an http,
 * https or file URL through libcurl (redirects followed up to a bound and
 * only to http/https, connect and total timeouts, a size limit checked
 * both on Content-Length and on the bytes received). Failures give one
 * line naming the URL or file and the cause.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int ret_read_file(const char *path, uint64_t max_size, uint8_t **body,
                  size_t *len, char *err, size_t errlen) {
    *body = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat sb;
    const char *why = NULL;
    if (fstat(fd, &sb)) why = strerror(errno);
    else if (!S_ISREG(sb.st_mode)) why = "not a regular file";
    if (why) {
        snprintf(err, errlen, "%s: %s", path, why);
        close(fd);
        return -1;
    }
    if ((uint64_t)sb.st_size > max_size) {
        snprintf(err, errlen,
                 "%s: %llu bytes, over the size limit of %llu "
                 "(--max-size)",
                 path, (unsigned long long)sb.st_size,
                 (unsigned long long)max_size);
        close(fd);
        return -1;
    }
    /* read up to the limit + 1 whatever fstat said: the file may grow */
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    uint8_t *b = malloc(cap);
    for (;;) {
        if (!b) {
            snprintf(err, errlen, "%s: out of memory", path);
            close(fd);
            return -1;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            free(b);
            close(fd);
            return -1;
        }
        if (r == 0) break;
        n += (size_t)r;
        if ((uint64_t)n > max_size) {
            snprintf(err, errlen,
                     "%s: over the size limit of %llu "
                     "(--max-size)",
                     path, (unsigned long long)max_size);
            free(b);
            close(fd);
            return -1;
        }
        if (n == cap) {
            uint8_t *nb = realloc(b, cap * 2);
            if (!nb) free(b);
            b = nb;
            cap *= 2;
        }
    }
    close(fd);
    *body = b;
    *len = n;
    return 0;
}

/* The download buffer, grown as data arrives. */
typedef struct {
    uint8_t *p;
    size_t n, cap;
    uint64_t max;
    int too_big, nomem;
} fetch_buf;

static size_t on_data(char *data, size_t size, size_t nmemb, void *user) {
    fetch_buf *fb = user;
    size_t k = size * nmemb;
    if ((uint64_t)fb->n + k > fb->max) {
        fb->too_big = 1;
        return 0; /* aborts the transfer (CURLE_WRITE_ERROR) */
    }
    if (fb->n + k + 1 > fb->cap) {
        size_t cap = fb->cap ? fb->cap : 65536;
        while (cap < fb->n + k + 1) cap *= 2;
        uint8_t *p = realloc(fb->p, cap);
        if (!p) {
            fb->nomem = 1;
            return 0;
        }
        fb->p = p;
        fb->cap = cap;
    }
    memcpy(fb->p + fb->n, data, k);
    fb->n += k;
    return k;
}

/* Sets the transfer options; returns the first that failed or CURLE_OK. */
static CURLcode setup(CURL *c, const char *url, const mdlz_index_add_opts *opts,
                      fetch_buf *fb, char *curl_err) {
    long redirs = opts && opts->max_redirects ? opts->max_redirects : 10;
    long conn = opts && opts->connect_timeout ? opts->connect_timeout : 10;
    long total = opts && opts->timeout ? opts->timeout : 300;
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                          \
    if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https,file");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, redirs > 0 ? 1L : 0L);
    SET(CURLOPT_MAXREDIRS, redirs > 0 ? redirs : 0L);
    SET(CURLOPT_CONNECTTIMEOUT, conn);
    SET(CURLOPT_TIMEOUT, total);
    SET(CURLOPT_FAILONERROR, 1L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)fb->max);
    SET(CURLOPT_WRITEFUNCTION, on_data);
    SET(CURLOPT_WRITEDATA, fb);
    SET(CURLOPT_ERRORBUFFER, curl_err);
    SET(CURLOPT_USERAGENT, "mdlz-index/1");
    SET(CURLOPT_ACCEPT_ENCODING, ""); /* any encoding curl can decode */
#undef SET
    return rc;
}

int ret_fetch_url(const char *url, const mdlz_index_add_opts *opts,
                  uint8_t **body, size_t *len, char *err, size_t errlen) {
    *body = NULL;
    *len = 0;
    fetch_buf fb = {NULL, 0, 0, ret_max_size(opts), 0, 0};
    char curl_err[CURL_ERROR_SIZE] = "";
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "%s: cannot start libcurl", url);
        return -1;
    }
    CURLcode rc = setup(c, url, opts, &fb, curl_err);
    if (rc == CURLE_OK) rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (fb.too_big || rc == CURLE_FILESIZE_EXCEEDED)
            snprintf(err, errlen,
                     "%s: over the size limit of %llu bytes "
                     "(--max-size)",
                     url, (unsigned long long)fb.max);
        else if (fb.nomem) snprintf(err, errlen, "%s: out of memory", url);
        else if (rc == CURLE_HTTP_RETURNED_ERROR)
            snprintf(err, errlen, "%s: HTTP status %ld", url, status);
        else
            snprintf(err, errlen, "%s: %s", url,
                     curl_err[0] ? curl_err : curl_easy_strerror(rc));
        curl_easy_cleanup(c);
        free(fb.p);
        return -1;
    }
    curl_easy_cleanup(c);
    if (!fb.p && !(fb.p = malloc(1))) {
        snprintf(err, errlen, "%s: out of memory", url);
        return -1;
    }
    *body = fb.p;
    *len = fb.n;
    return 0;
}
