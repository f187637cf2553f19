/* Test plugins written against plugin.h in plain C.
 * TESTC_KIND selects what this file builds:
 *   1: "testoff"  - is_available returns 0 with a reason; version fails;
 *                   to_backend and check_env_extra are NULL.
 *   2: "testabi"  - abi_version 999.
 *   3: "testnoentry" - exports no entry point at all.
 *   4: "testnull" - build_wrapper left NULL.
 *   5: "testsmall" - struct_size smaller than ABI 1's struct.
 *   6: "testbadcheck" - available, but version() returns an error. */
#include <string.h>

#include "nnport/plugin.h"

/* Each TESTC_KIND uses only some of these functions. */
#define TESTC_FN static __attribute__((unused))

static void put(nnport_sink* s, const char* text) {
  if (s != NULL && s->append != NULL) s->append(s->ctx, text, strlen(text));
}

TESTC_FN int off_available(int with_custom_ops, nnport_sink* why) {
  (void)with_custom_ops;
  put(why, "libtestoff.so.1: cannot open shared object file");
  return 0;
}
TESTC_FN int on_available(int with_custom_ops, nnport_sink* why) {
  (void)with_custom_ops;
  (void)why;
  return 1;
}
TESTC_FN int off_version(nnport_sink* out, nnport_sink* err) {
  (void)out;
  put(err, "the runtime is not installed");
  return NNPORT_UNAVAILABLE;
}
TESTC_FN int off_build(const char* const* files, size_t file_count, const char* device,
                       const char* const* in, size_t in_count, const char* const* out,
                       size_t out_count, const char* cfg, nnport_wrapper** w,
                       const nnport_wrapper_api** api, nnport_sink* err) {
  (void)files;
  (void)file_count;
  (void)device;
  (void)in;
  (void)in_count;
  (void)out;
  (void)out_count;
  (void)cfg;
  (void)w;
  (void)api;
  put(err, "the runtime is not installed");
  return NNPORT_UNAVAILABLE;
}

#if TESTC_KIND == 1
#define NAME "testoff"
#elif TESTC_KIND == 2
#define NAME "testabi"
#elif TESTC_KIND == 4
#define NAME "testnull"
#elif TESTC_KIND == 5
#define NAME "testsmall"
#else
#define NAME "testbadcheck"
#endif

static const nnport_backend kBackend = {
#if TESTC_KIND == 2
    999u,
#else
    NNPORT_PLUGIN_ABI_VERSION,
#endif
#if TESTC_KIND == 5
    16u,
#else
    sizeof(nnport_backend),
#endif
    NAME,
    "a C test plugin",
    1,
#if TESTC_KIND == 6
    on_available,
#else
    off_available,
#endif
    off_version,
    NULL,
    NULL,
#if TESTC_KIND == 4
    NULL,
#else
    off_build,
#endif
    NULL, /* check_model: unknown */
    0,    /* wrapper_thread_safe: calls on one wrapper take turns */
};

#if TESTC_KIND == 3
NNPORT_PLUGIN_EXPORT int nnport_backend_entry_misspelled(void) { return kBackend.struct_size; }
#else
NNPORT_PLUGIN_EXPORT const nnport_backend* NNPORT_PLUGIN_ENTRY(const nnport_host* host) {
  if (host != NULL && host->log != NULL) host->log(NNPORT_LOG_DEBUG, NAME " entry point called");
  return &kBackend;
}
#endif
