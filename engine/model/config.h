/*
 * config.h - the model configuration: everything the decoder needs to
 * rebuild the encoder's model exactly. It is derived from the level when
 * compressing and read back from the stream header when decompressing.
 */
#ifndef MDLZ_CONFIG_H
#define MDLZ_CONFIG_H

#include "common.h"

/* Model components (bits of mdlz_config.components). Names, in bit order,
 * are in cfg_component_name(). Append only: the bits are in the format. */
enum {
    COMP_ORDERS = 1u << 0, /* order-0..4 and 6 contexts (always on) */
    COMP_WORD = 1u << 1,   /* word and word-bigram contexts */
    COMP_MATCH = 1u << 2,  /* match model over the coded history */
    COMP_EXT = 1u << 3,    /* column context (line-structured text) */
    COMP_MIX2 = 1u << 4,   /* two mixer weight selectors + final mixer */
    COMP_SSE = 1u << 5,    /* second APM stage on order 2 */
    COMP_MORE = 1u << 6,   /* orders 5, 7, sparse, word trigram, column above */
    COMP_MIX3 =
        1u << 7, /* with MIX2: a third mixer selected by the last byte */
    COMP_ALL_KNOWN = (1u << 8) - 1
};

typedef struct {
    uint8_t level;     /* 1..9, informational + defaults */
    uint8_t block_log; /* block size = 2^block_log original bytes */
    uint8_t ctx_bits;  /* context hash table size = 2^ctx_bits bytes */
    uint8_t win_bits;  /* match history window = 2^win_bits bytes */
    uint8_t mtab_bits; /* match index = 2^mtab_bits 32-bit entries */
    uint8_t seg_log;   /* segments of 2^seg_log input bytes, each coded by a
                          model of its own (0: one model for the stream) */
    uint16_t components;
} mdlz_config;

/* Valid ranges, checked on both sides before anything is allocated. */
#define CFG_BLOCK_LOG_MIN 16
#define CFG_BLOCK_LOG_MAX 24
#define CFG_CTX_BITS_MIN  16
#define CFG_CTX_BITS_MAX  31
#define CFG_WIN_BITS_MIN  16
#define CFG_WIN_BITS_MAX  30
#define CFG_MTAB_BITS_MIN 12
#define CFG_MTAB_BITS_MAX 28
#define CFG_SEG_LOG_MIN   18 /* the smallest a test may ask (cfg_choose) */
#define CFG_SEG_LOG_MAX   30

/** The segment size of `level` (1..9) as a log2: an input larger than
 *  one segment is cut into segments, each coded by a model of its own,
 *  so that threads can code them at once (docs/format.md, "Segments"). */
unsigned cfg_level_seg_log(int level);

/** The configuration for `level` (1..9, 0 = the default) and an input of
 *  src_size bytes (or MDLZ_SIZE_UNKNOWN) that the model learns after
 *  `extra` bytes (a prefix): the level's own, its tables shrunk to what
 *  one model can fill (cfg_fit_input: the extra bytes and the input, or
 *  one segment of it). seg_log is the level's when the input may be
 *  larger than a segment (its size is unknown or larger), else 0;
 *  `test_seg_log` (0: none) replaces the level's segment size, for tests
 *  that need small segments (CFG_SEG_LOG_MIN.., blocks of a quarter of
 *  it). Under a memory limit (0 = none): the highest
 *  level up to `level` whose configuration fits (cfg_memory: one thread);
 *  if none does, level 1 with smaller tables. MDLZ_ERROR_PARAM for a bad
 *  level, MDLZ_ERROR_MEMLIMIT if even the smallest does not fit. */
mdlz_status cfg_choose(mdlz_config *cfg, int level, uint64_t mem_limit,
                       uint64_t src_size, uint64_t extra,
                       unsigned test_seg_log);

/** cfg_choose() for an input of unknown size. */
mdlz_status cfg_from_level(mdlz_config *cfg, int level, uint64_t mem_limit);

/** Shrinks tables that would be mostly empty for an input of src_size
 *  bytes (known in advance): smaller tables start faster and touch less
 *  memory, and compress such an input as well. */
void cfg_fit_input(mdlz_config *cfg, uint64_t src_size);

/** Checks that a configuration read from a header is one an encoder makes:
 *  ranges, components, table sizes of its level, segments of none or
 *  2^CFG_SEG_LOG_MIN (at least a block) up to its level's
 *  (MDLZ_ERROR_CORRUPT), known component bits (MDLZ_ERROR_VERSION). */
mdlz_status cfg_validate(const mdlz_config *cfg);

/** Bytes one model of the configuration allocates with its block
 *  buffers, on either side: per thread when segments are coded at once
 *  (the segments' own buffers are counted by the stream, stream.h). */
uint64_t cfg_memory(const mdlz_config *cfg);

/** Static name of component bit i (0-based), or NULL. */
const char *cfg_component_name(unsigned i);

#endif
