/*
 * mdlz_tool.h - the plugin ABI of mdlz tools: small predictors that watch
 * the bytes being coded and propose the bytes they expect next (a
 * calculator after "12 * 7 =", a counter on the next log line, the name of
 * the tag after "</"). The context-mixing model learns how far to trust
 * each tool, so a tool costs little when it is quiet and saves bits when
 * it is right. docs/tools.md explains how to write one.
 *
 * This header is self-contained (C99, no other mdlz header) and is the
 * whole contract between mdlz (the host) and a tool (cf. SQLite's
 * sqlite3_module and fts5_tokenizer_v2):
 *
 *   - A tool is described by one `mdlz_tool`, a versioned table of
 *     function pointers whose first field is the ABI version and whose
 *     second is the size of the struct the tool was compiled with. Fields
 *     are only ever appended, under "version N and later" markers; the
 *     host checks both before touching any other field.
 *   - An external tool is a shared library exporting one function,
 *     `const mdlz_tool *mdlz_tool_entry(void)` (MDLZ_TOOL_ENTRY() below
 *     defines it), returning a pointer to a static, constant description.
 *   - Host services (memory, diagnostics) are passed to create() as a
 *     struct of function pointers: a tool needs no libc beyond
 *     <string.h> and never touches global state.
 *
 * Lifecycle, per stream (compression and decompression alike):
 *
 *   create(host, &state)      once; returns 0 on success
 *   observe(state, byte)      once per coded byte, in order
 *   propose(state, &out)      after every observe(); it must not change
 *                             what later calls see (the host may call it
 *                             more often, e.g. before the first byte)
 *   destroy(state)            exactly once for each successful create()
 *
 * The encoder and the decoder make exactly the same calls in the same
 * order, so a tool must be deterministic: its proposals may depend only on
 * the bytes observed so far (integer arithmetic only; no floating point,
 * clock, locale, randomness, environment, uninitialized memory, pointer
 * values or global state), and a given `version` must always propose the
 * same thing. The tool's name and version are recorded in compressed
 * files: change `version` whenever the proposals change.
 */
#ifndef MDLZ_TOOL_H
#define MDLZ_TOOL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI this header describes. A host refuses tools built against any
 *  other version. */
#define MDLZ_TOOL_ABI_VERSION 1

/** Most bytes one proposal can hold. */
#define MDLZ_TOOL_MAX_PROPOSAL 64

/** Confidence classes are 0..MDLZ_TOOL_CONFIDENCE_MAX. */
#define MDLZ_TOOL_CONFIDENCE_MAX 15

/** Longest tool name: [a-z0-9_]{1,MDLZ_TOOL_NAME_MAX}. */
#define MDLZ_TOOL_NAME_MAX 31

/** The symbol an external tool exports, and its type. */
#define MDLZ_TOOL_ENTRY_SYMBOL "mdlz_tool_entry"

/* ---- host services --------------------------------------------------------- */

/** What the host offers a tool; valid from create() to destroy(). */
typedef struct mdlz_tool_host {
    int abi_version; /* MDLZ_TOOL_ABI_VERSION of the host */
    void *ctx;       /* passed back to every service below */
    /** Returns `size` bytes of zeroed memory, or NULL on failure (the
     *  host may cap what one tool can take). */
    void *(*alloc)(void *ctx, size_t size);
    /** Releases memory from alloc(); free(ctx, NULL) does nothing. */
    void (*free)(void *ctx, void *p);
    /** Writes one line of diagnostics (never part of the output); may
     *  do nothing. */
    void (*log)(void *ctx, const char *msg);
} mdlz_tool_host;

/* ---- proposals ----------------------------------------------------------- */

/** What a tool expects next. */
typedef struct mdlz_tool_proposal {
    /** The bytes the tool expects next, in order: bytes[0] is the next
     *  byte, bytes[1] the one after, ... */
    uint8_t bytes[MDLZ_TOOL_MAX_PROPOSAL];
    /** How many of bytes[] are proposed; 0 = no proposal. */
    uint32_t len;
    /** The tool's own confidence class, 0..MDLZ_TOOL_CONFIDENCE_MAX. The
     *  classes are labels, not probabilities: the host learns how often
     *  each (tool, class, position in the proposal) is right, so use
     *  distinct classes for situations of distinct reliability. */
    uint32_t confidence;
} mdlz_tool_proposal;

/* ---- the tool ----------------------------------------------------------- */

/** A tool: a constant, statically allocated description. */
typedef struct mdlz_tool {
    /* version 1 and later -------------------------------------------------- */
    /** Always first: the MDLZ_TOOL_ABI_VERSION the tool was built with. */
    int abi_version;
    /** sizeof(mdlz_tool) the tool was built with (fields are only ever
     *  appended; the host reads none past this size). */
    uint32_t struct_size;
    /** Unique name, [a-z0-9_]{1,MDLZ_TOOL_NAME_MAX}; recorded in files. */
    const char *name;
    /** Version of the proposals: bump it whenever they change for some
     *  input. Recorded in compressed files. */
    uint32_t version;
    /** Description length of the tool's code: zstd -19 of its sources
     *  concatenated (MDLZ_TOOL_CODE_BYTES from the code-size generator,
     *  docs/tools.md). */
    uint32_t code_bytes;
    /** XXH64 (seed 0) of the same concatenated sources
     *  (MDLZ_TOOL_CODE_HASH): identifies the exact code. */
    uint64_t code_hash;
    /** One line of text saying what the tool predicts. */
    const char *description;

    /** Creates the per-stream state: sets *state (may be NULL for a
     *  stateless tool) and returns 0, or returns nonzero on failure
     *  (nothing to destroy then). Allocate with host->alloc only; keep
     *  `host` if needed later, it stays valid until destroy(). */
    int (*create)(const mdlz_tool_host *host, void **state);
    /** Releases everything create() and the tool allocated. */
    void (*destroy)(void *state);
    /** Sees the next coded byte (0..255). Called once per byte of the
     *  stream, in order; keep it cheap (it runs on every byte). */
    void (*observe)(void *state, int byte);
    /** Says what comes next. The host zeroes *out (len = 0, confidence
     *  = 0) before each call; leave it so for "no proposal". After a byte
     *  that matched bytes[0] of the previous proposal, propose the rest
     *  again: the host may use only the latest proposal. */
    void (*propose)(void *state, mdlz_tool_proposal *out);
    /* version 2 will append here */
} mdlz_tool;

/** Size of a version-1 mdlz_tool: the least struct_size a host accepts. */
#define MDLZ_TOOL_STRUCT_SIZE_V1                                               \
    (offsetof(mdlz_tool, propose) + sizeof(void (*)(void)))

/** The type of the entry point of an external tool. */
typedef const mdlz_tool *(*mdlz_tool_entry_fn)(void);

#if defined(__GNUC__)
#define MDLZ_TOOL_EXPORT __attribute__((visibility("default")))
#elif defined(_WIN32)
#define MDLZ_TOOL_EXPORT __declspec(dllexport)
#else
#define MDLZ_TOOL_EXPORT
#endif

/** In an external tool, defines the exported entry point returning the
 *  address of `desc`, the tool's `static const mdlz_tool`. */
#define MDLZ_TOOL_ENTRY(desc)                                                  \
    MDLZ_TOOL_EXPORT const mdlz_tool *mdlz_tool_entry(void);                   \
    MDLZ_TOOL_EXPORT const mdlz_tool *mdlz_tool_entry(void) { return &(desc); }

#ifdef __cplusplus
}
#endif
#endif /* MDLZ_TOOL_H */
