/*
 * test_format.c - the container's headers (engine/format/format.h).
 *
 * Stream headers round trip through fmt_write_header/fmt_parse_header with
 * and without the size field for every level; every prefix of a header is
 * reported as TRUNCATED; every single bit flip is rejected as CORRUPT,
 * NOT_MDLZ or VERSION. Block headers round trip, and fmt_parse_block
 * rejects a raw size of 0 or above the block size and a payload larger
 * than the raw bytes.
 */
#include "format.h"
#include "unit.h"

static const char *st_name(mdlz_status s) { return mdlz_strerror(s); }

static int same_cfg(const mdlz_config *a, const mdlz_config *b) {
    return a->level == b->level && a->block_log == b->block_log &&
           a->ctx_bits == b->ctx_bits && a->win_bits == b->win_bits &&
           a->mtab_bits == b->mtab_bits && a->components == b->components;
}

static int is_rejection(mdlz_status s) {
    return s == MDLZ_ERROR_CORRUPT || s == MDLZ_ERROR_NOT_MDLZ ||
           s == MDLZ_ERROR_VERSION;
}

/* The stream header for cfg and size, followed by `tail` bytes of what a
 * stream would hold next, so that a parser reading too far reads them. */
static size_t header_with_tail(uint8_t *buf, size_t bufsize,
                               const mdlz_config *cfg, uint64_t size) {
    memset(buf, 0, bufsize);
    size_t len = fmt_write_header(buf, cfg, size, 0);
    for (size_t i = len; i < bufsize; i++) buf[i] = (uint8_t)(i * 37 + 1);
    return len;
}

static void test_header(int level, uint64_t size) {
    int ext_ = 0;
    mdlz_config cfg;
    mdlz_status st = cfg_from_level(&cfg, level, 0);
    if (!check(st == MDLZ_OK, "cfg_from_level(%d) (%s)", level, st_name(st)))
        return;
    char what[96];
    if (size == MDLZ_SIZE_UNKNOWN)
        snprintf(what, sizeof what, "level %d, size unknown", level);
    else
        snprintf(what, sizeof what, "level %d, size %llu", level,
                 (unsigned long long)size);

    uint8_t buf[FMT_HEADER_MAX + 32];
    size_t len = header_with_tail(buf, sizeof buf, &cfg, size);
    size_t want = size == MDLZ_SIZE_UNKNOWN ? FMT_HEADER_MIN : FMT_HEADER_MAX;
    check(len == want, "%s: header is %zu bytes (%zu expected)", what, len,
          want);

    mdlz_config got;
    uint64_t gsize = 0;
    size_t glen = 0;
    memset(&got, 0xEE, sizeof got);
    st = fmt_parse_header(buf, sizeof buf, &got, &gsize, &ext_, &glen);
    check(st == MDLZ_OK && same_cfg(&cfg, &got) && gsize == size && glen == len,
          "%s: parses back (%s, len %zu)", what, st_name(st), glen);
    st = fmt_parse_header(buf, len, &got, &gsize, &ext_, &glen);
    check(st == MDLZ_OK && glen == len,
          "%s: parses from exactly its own bytes (%s)", what, st_name(st));

    int trunc_ok = 1;
    for (size_t n = 0; n < len; n++) {
        st = fmt_parse_header(buf, n, &got, &gsize, &ext_, &glen);
        if (st != MDLZ_ERROR_TRUNCATED) {
            trunc_ok = 0;
            printf("# prefix of %zu bytes: %s\n", n, st_name(st));
        }
    }
    check(trunc_ok, "%s: every proper prefix is TRUNCATED", what);

    /* Single bit flips, with the rest of a stream after the header (as a
     * decoder sees it) and with only the header's bytes (where a flip of
     * the size flag may honestly ask for more bytes). */
    int flip_ok = 1, flip_short_ok = 1;
    for (size_t bit = 0; bit < 8 * len; bit++) {
        uint8_t f[sizeof buf];
        memcpy(f, buf, sizeof buf);
        f[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        st = fmt_parse_header(f, sizeof f, &got, &gsize, &ext_, &glen);
        if (!is_rejection(st)) {
            if (flip_ok) printf("# flip of bit %zu: %s\n", bit, st_name(st));
            flip_ok = 0;
        }
        st = fmt_parse_header(f, len, &got, &gsize, &ext_, &glen);
        if (!is_rejection(st) && st != MDLZ_ERROR_TRUNCATED) {
            if (flip_short_ok)
                printf("# flip of bit %zu, header bytes only: %s\n", bit,
                       st_name(st));
            flip_short_ok = 0;
        }
    }
    check(flip_ok,
          "%s: each of the %zu single bit flips is rejected "
          "(CORRUPT/NOT_MDLZ/VERSION)",
          what, 8 * len);
    check(flip_short_ok,
          "%s: ... also when only the header's bytes are "
          "given (or TRUNCATED)",
          what);
}

static void test_header_misc(void) {
    int ext_ = 0;
    uint8_t buf[8] = {'M', 'D', 'L', 'X', 0, 0, 0, 0};
    mdlz_config got;
    uint64_t size;
    size_t len;
    mdlz_status st =
        fmt_parse_header(buf, sizeof buf, &got, &size, &ext_, &len);
    check(st == MDLZ_ERROR_NOT_MDLZ, "wrong magic -> %s", st_name(st));
    st = fmt_parse_header(buf, 3, &got, &size, &ext_, &len);
    check(st == MDLZ_ERROR_TRUNCATED, "3 bytes 'MDL' -> %s", st_name(st));
    buf[0] = 'X';
    st = fmt_parse_header(buf, 2, &got, &size, &ext_, &len);
    check(st == MDLZ_ERROR_NOT_MDLZ, "2 bytes 'XD' -> %s", st_name(st));

    /* a header with a configuration out of range, but a valid checksum */
    mdlz_config cfg;
    cfg_from_level(&cfg, 1, 0);
    cfg.ctx_bits = CFG_CTX_BITS_MAX + 1;
    uint8_t h[FMT_HEADER_MAX];
    size_t n = fmt_write_header(h, &cfg, MDLZ_SIZE_UNKNOWN, 0);
    st = fmt_parse_header(h, n, &got, &size, &ext_, &len);
    check(st == MDLZ_ERROR_CORRUPT, "ctx_bits out of range -> %s", st_name(st));
    cfg_from_level(&cfg, 1, 0);
    cfg.components |= 1u << 15;
    n = fmt_write_header(h, &cfg, MDLZ_SIZE_UNKNOWN, 0);
    st = fmt_parse_header(h, n, &got, &size, &ext_, &len);
    check(st == MDLZ_ERROR_VERSION, "unknown component bit -> %s", st_name(st));
    cfg_from_level(&cfg, 1, 0);
    cfg.components &= (uint16_t)~COMP_ORDERS;
    n = fmt_write_header(h, &cfg, MDLZ_SIZE_UNKNOWN, 0);
    st = fmt_parse_header(h, n, &got, &size, &ext_, &len);
    check(st == MDLZ_ERROR_VERSION, "no order-n component -> %s", st_name(st));

    check(fmt_block_header_size(BLK_END) == 1 &&
              fmt_block_header_size(BLK_CM) == 13 &&
              fmt_block_header_size(BLK_ZSTD) == 13 &&
              fmt_block_header_size(BLK_RAW) == 9 &&
              fmt_block_header_size(BLK_STORE) == 9 &&
              fmt_block_header_size(5) == 0 && fmt_block_header_size(255) == 0,
          "block header sizes: END 1, CM 13, ZSTD 13, RAW 9, STORE 9, unknown 0");
    check(FMT_HEADER_MAX <= MDLZ_HEADER_MAX &&
              FMT_TRAILER_SIZE == MDLZ_TRAILER_SIZE,
          "public header/trailer sizes agree with the format");
}

static mdlz_status parse_block(uint8_t type, uint32_t raw, uint32_t payload,
                               uint32_t block_max, fmt_block *out) {
    fmt_block b = {type, raw, payload, 0xDEADBEEFu};
    uint8_t buf[BLK_HEADER_MAX];
    size_t n = fmt_write_block(buf, &b);
    if (n != fmt_block_header_size(type)) return MDLZ_ERROR_GENERIC;
    return fmt_parse_block(buf, out, block_max);
}

static void test_blocks(void) {
    const uint32_t max = 1u << 20;
    static const uint8_t types[] = {BLK_CM, BLK_ZSTD};
    for (size_t i = 0; i < 2; i++) {
        uint8_t ty = types[i];
        const char *tn = ty == BLK_CM ? "CM" : "ZSTD";
        fmt_block b;
        mdlz_status st = parse_block(ty, 1000, 999, max, &b);
        check(st == MDLZ_OK && b.type == ty && b.raw_size == 1000 &&
                  b.payload_size == 999 && b.checksum == 0xDEADBEEFu,
              "%s block header round trip (%s)", tn, st_name(st));
        st = parse_block(ty, max, 1, max, &b);
        check(st == MDLZ_OK, "%s block of exactly the block size (%s)", tn,
              st_name(st));
        st = parse_block(ty, 0, 0, max, &b);
        check(st == MDLZ_ERROR_CORRUPT, "%s block with raw size 0 -> %s", tn,
              st_name(st));
        st = parse_block(ty, max + 1, 10, max, &b);
        check(st == MDLZ_ERROR_CORRUPT, "%s block above the block size -> %s",
              tn, st_name(st));
        st = parse_block(ty, UINT32_MAX, 10, max, &b);
        check(st == MDLZ_ERROR_CORRUPT, "%s block of raw size 2^32-1 -> %s", tn,
              st_name(st));
        st = parse_block(ty, 1000, 1001, max, &b);
        check(st == MDLZ_ERROR_CORRUPT, "%s payload larger than raw -> %s", tn,
              st_name(st));
        st = parse_block(ty, 1000, UINT32_MAX, max, &b);
        check(st == MDLZ_ERROR_CORRUPT, "%s payload 2^32-1 -> %s", tn,
              st_name(st));
    }
    fmt_block b;
    mdlz_status st = parse_block(BLK_RAW, 4096, 0, max, &b);
    check(st == MDLZ_OK && b.type == BLK_RAW && b.raw_size == 4096 &&
              b.payload_size == 4096 && b.checksum == 0xDEADBEEFu,
          "RAW block header round trip, payload = raw size (%s)", st_name(st));
    st = parse_block(BLK_RAW, 0, 0, max, &b);
    check(st == MDLZ_ERROR_CORRUPT, "RAW block with raw size 0 -> %s",
          st_name(st));
    st = parse_block(BLK_RAW, max + 1, 0, max, &b);
    check(st == MDLZ_ERROR_CORRUPT, "RAW block above the block size -> %s",
          st_name(st));
    /* the limit follows the stream's block size */
    st = parse_block(BLK_CM, 70000, 100, 65536, &b);
    check(st == MDLZ_ERROR_CORRUPT, "70000-byte block in a 64 KiB stream -> %s",
          st_name(st));
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    static const uint64_t sizes[] = {
        MDLZ_SIZE_UNKNOWN,    0, 1, 123456789, (uint64_t)5 << 30,
        MDLZ_SIZE_UNKNOWN - 1};
    for (int level = MDLZ_LEVEL_MIN; level <= MDLZ_LEVEL_MAX; level++)
        test_header(level, level & 1 ? MDLZ_SIZE_UNKNOWN : (uint64_t)level);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        test_header(1, sizes[i]);
    test_header_misc();
    test_blocks();
    return check_finish();
}
