/* status.c - version queries and names of status codes. */
#include "mdlz.h"

#define STR2(x) #x
#define STR(x)  STR2(x)

unsigned mdlz_version_number(void) { return MDLZ_VERSION_NUMBER; }

const char *mdlz_version_string(void) {
    return STR(MDLZ_VERSION_MAJOR) "." STR(MDLZ_VERSION_MINOR) "." STR(
        MDLZ_VERSION_PATCH);
}

const char *mdlz_strerror(mdlz_status status) {
    switch (status) {
    case MDLZ_OK: return "success";
    case MDLZ_ERROR_GENERIC: return "internal error";
    case MDLZ_ERROR_NOMEM: return "out of memory";
    case MDLZ_ERROR_PARAM: return "invalid parameter";
    case MDLZ_ERROR_NOT_MDLZ: return "not in mdlz format";
    case MDLZ_ERROR_VERSION: return "unsupported format version or feature";
    case MDLZ_ERROR_CORRUPT: return "compressed data is corrupt";
    case MDLZ_ERROR_TRUNCATED: return "compressed data is truncated";
    case MDLZ_ERROR_CHECKSUM: return "checksum mismatch: data is corrupt";
    case MDLZ_ERROR_MEMLIMIT: return "memory limit exceeded";
    case MDLZ_ERROR_DST_SIZE: return "destination buffer too small";
    case MDLZ_ERROR_STAGE: return "operation not allowed at this stage";
    case MDLZ_ERROR_TRAILING: return "trailing data after end of stream";
    case MDLZ_ERROR_NEED_INDEX:
        return "stream was compressed with a retrieval index (give it with -R)";
    case MDLZ_ERROR_INDEX: return "retrieval index unusable or changed";
    case MDLZ_ERROR_TOOL: return "tool missing, failing or of another version";
    case MDLZ_ERROR_PREFIX:
        return "prefix missing or not the one used to compress";
    }
    return "unknown error";
}
