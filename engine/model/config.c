/*
 * config.c - levels and their model sizes.
 *
 * A level trades memory and speed for ratio: the context hash table doubles
 * per level and the costlier components switch on at higher levels. The
 * numbers were chosen by measurement with bench/bench.py (README, Benchmarks).
 */
#include "config.h"

#include "ctxmodel.h"
#include "match.h"
#include "predictor.h"

static const char *const comp_names[] = {"orders", "word", "match", "column",
                                         "mix2",   "sse",  "more",  "mix3"};

const char *cfg_component_name(unsigned i) {
    return i < sizeof comp_names / sizeof comp_names[0] ? comp_names[i] : NULL;
}

/* level:        1   2   3   4   5   6   7   8   9 */
static const uint8_t ctx_bits_of[10] = {0, 21, 22, 23, 24, 25, 26, 27, 28, 29};
static const uint8_t win_bits_of[10] = {0, 20, 21, 22, 23, 24, 24, 25, 26, 27};
/* Segments (log2 of their size): each pays the warm-up of a new model
 * (about 21 KB at level 5 on text), so they are as large as the speed-up
 * of coding them at once allows; measured with bench/threads.py (README,
 * "Threads"). */
static const uint8_t seg_log_of[10] = {0, 24, 24, 24, 24, 24, 24, 25, 25, 25};

unsigned cfg_level_seg_log(int level) {
    return level >= MDLZ_LEVEL_MIN && level <= MDLZ_LEVEL_MAX
               ? seg_log_of[level]
               : 0;
}

static void fill(mdlz_config *cfg, int level) {
    cfg->level = (uint8_t)level;
    cfg->block_log = 20;
    cfg->ctx_bits = ctx_bits_of[level];
    cfg->win_bits = win_bits_of[level];
    cfg->mtab_bits = (uint8_t)(cfg->win_bits - 2);
    cfg->seg_log = 0;
    cfg->components = COMP_ORDERS | COMP_WORD | COMP_MATCH;
    if (level >= 3) cfg->components |= COMP_MIX2 | COMP_SSE | COMP_EXT;
    if (level >= 6) cfg->components |= COMP_MIX3;
    if (level >= 7) cfg->components |= COMP_MORE;
}

/* Shrinks the tables of cfg (keeping its components) until it fits. */
static int shrink_to(mdlz_config *cfg, uint64_t mem_limit) {
    while (cfg_memory(cfg) > mem_limit) {
        if (cfg->ctx_bits > CFG_CTX_BITS_MIN + 2 &&
            cfg->ctx_bits >= cfg->win_bits)
            cfg->ctx_bits--;
        else if (cfg->win_bits > CFG_WIN_BITS_MIN) {
            cfg->win_bits--;
            cfg->mtab_bits = (uint8_t)(cfg->win_bits - 2);
        } else if (cfg->ctx_bits > CFG_CTX_BITS_MIN) cfg->ctx_bits--;
        else return 0;
    }
    return 1;
}

/* The level's configuration for the input: segmented when the input may
 * be larger than a segment, tables fitted to what one model learns (the
 * extra bytes and the input, or one segment of it). A test's segment
 * holds four blocks, so that segments of several blocks stay testable. */
static void fill_for(mdlz_config *cfg, int level, uint64_t src_size,
                     uint64_t extra, unsigned test_seg_log) {
    fill(cfg, level);
    unsigned seg = test_seg_log ? test_seg_log : seg_log_of[level];
    uint64_t learn = src_size;
    if (src_size == MDLZ_SIZE_UNKNOWN || src_size > (uint64_t)1 << seg) {
        cfg->seg_log = (uint8_t)seg;
        if (src_size != MDLZ_SIZE_UNKNOWN) learn = (uint64_t)1 << seg;
        if (test_seg_log)
            cfg->block_log = (uint8_t)MDLZ_MIN(cfg->block_log, seg - 2);
    }
    if (learn != MDLZ_SIZE_UNKNOWN) cfg_fit_input(cfg, learn + extra);
}

mdlz_status cfg_choose(mdlz_config *cfg, int level, uint64_t mem_limit,
                       uint64_t src_size, uint64_t extra,
                       unsigned test_seg_log) {
    if (level == 0) level = MDLZ_LEVEL_DEFAULT;
    if (level < MDLZ_LEVEL_MIN || level > MDLZ_LEVEL_MAX ||
        (test_seg_log &&
         (test_seg_log < CFG_SEG_LOG_MIN || test_seg_log > CFG_SEG_LOG_MAX)))
        return MDLZ_ERROR_PARAM;
    /* Under a limit, a lower level with the tables it was made for
     * compresses better and faster than a higher one squeezed into it
     * (bench: -9 shrunk to 10 MiB was worse and 4x slower than -1). */
    for (int l = level; l >= MDLZ_LEVEL_MIN; l--) {
        fill_for(cfg, l, src_size, extra, test_seg_log);
        if (!mem_limit || cfg_memory(cfg) <= mem_limit) return MDLZ_OK;
    }
    fill_for(cfg, MDLZ_LEVEL_MIN, src_size, extra, test_seg_log);
    return shrink_to(cfg, mem_limit) ? MDLZ_OK : MDLZ_ERROR_MEMLIMIT;
}

mdlz_status cfg_from_level(mdlz_config *cfg, int level, uint64_t mem_limit) {
    return cfg_choose(cfg, level, mem_limit, MDLZ_SIZE_UNKNOWN, 0, 0);
}

static int ceil_log2(uint64_t n) {
    int l = 0;
    while (l < 63 && ((uint64_t)1 << l) < n) l++;
    return l;
}

void cfg_fit_input(mdlz_config *cfg, uint64_t src_size) {
    if (src_size == MDLZ_SIZE_UNKNOWN) return;
    int need = ceil_log2(src_size);
    /* The history needs the whole input; the context table about 128
     * bytes of slots per input byte (7-12 contexts, 2 nibbles each). */
    int win = MDLZ_MAX(need, CFG_WIN_BITS_MIN);
    int ctx = MDLZ_MAX(need + 7, CFG_CTX_BITS_MIN + 2);
    if (win < cfg->win_bits) {
        cfg->win_bits = (uint8_t)win;
        cfg->mtab_bits = (uint8_t)(win - 2);
    }
    if (ctx < cfg->ctx_bits) cfg->ctx_bits = (uint8_t)ctx;
    if (need < cfg->block_log)
        cfg->block_log = (uint8_t)MDLZ_MAX(need, CFG_BLOCK_LOG_MIN);
}

mdlz_status cfg_validate(const mdlz_config *cfg) {
    if (cfg->level < MDLZ_LEVEL_MIN || cfg->level > MDLZ_LEVEL_MAX ||
        cfg->block_log < CFG_BLOCK_LOG_MIN ||
        cfg->block_log > CFG_BLOCK_LOG_MAX ||
        cfg->ctx_bits < CFG_CTX_BITS_MIN || cfg->ctx_bits > CFG_CTX_BITS_MAX ||
        cfg->win_bits < CFG_WIN_BITS_MIN || cfg->win_bits > CFG_WIN_BITS_MAX ||
        cfg->mtab_bits < CFG_MTAB_BITS_MIN ||
        cfg->mtab_bits > CFG_MTAB_BITS_MAX)
        return MDLZ_ERROR_CORRUPT;
    if ((cfg->components & ~COMP_ALL_KNOWN) != 0) return MDLZ_ERROR_VERSION;
    if (!(cfg->components & COMP_ORDERS)) return MDLZ_ERROR_VERSION;
    /* Only what cfg_choose() can produce (and the match model switched
     * off, mdlz_cctx_set_param): its level's components, tables no larger
     * than its level's, segments of at least a block (any size a test
     * or measurement may ask, cfg_choose). A header asking for more, as a crafted one may, is refused before anything is sized from
     * it. */
    mdlz_config lv;
    fill(&lv, cfg->level);
    if (cfg->block_log > lv.block_log || cfg->ctx_bits > lv.ctx_bits ||
        cfg->win_bits > lv.win_bits || cfg->mtab_bits != cfg->win_bits - 2 ||
        (cfg->components | COMP_MATCH) != lv.components)
        return MDLZ_ERROR_CORRUPT;
    if (cfg->seg_log != 0 &&
        (cfg->seg_log < MDLZ_MAX(CFG_SEG_LOG_MIN, cfg->block_log) ||
         cfg->seg_log > CFG_SEG_LOG_MAX))
        return MDLZ_ERROR_CORRUPT;
    return MDLZ_OK;
}

uint64_t cfg_memory(const mdlz_config *cfg) {
    uint64_t m = pred_memory(cfg) + ctx_memory(cfg);
    if (cfg->components & COMP_MATCH) m += mm_memory(cfg);
    return m + ((uint64_t)3 << cfg->block_log); /* block buffers */
}
