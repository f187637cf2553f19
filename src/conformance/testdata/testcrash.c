/* "testcrash": a backend plugin whose to_backend misbehaves by model, so the
 * conformance tests can show that a crash or a hang stays inside the test's
 * child process: a path with "test_relu" crashes (SIGSEGV), one with
 * "test_add" hangs, anything else is refused with an error. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "nnport/plugin.h"

static void put(nnport_sink* s, const char* text) {
  if (s != NULL && s->append != NULL) s->append(s->ctx, text, strlen(text));
}

static int available(int with_custom_ops, nnport_sink* why) {
  (void)with_custom_ops;
  (void)why;
  return 1;
}

static int version(nnport_sink* out, nnport_sink* err) {
  (void)err;
  put(out, "1.0");
  return NNPORT_OK;
}

static int to_backend(const char* const* ir_files, size_t ir_count, const char* work_dir,
                      const char* deploy_cfg_json, int log_level, const char* device,
                      nnport_sink* backend_files, nnport_sink* err) {
  (void)work_dir;
  (void)deploy_cfg_json;
  (void)log_level;
  (void)device;
  (void)backend_files;
  const char* path = ir_count > 0 ? ir_files[0] : "";
  if (strstr(path, "test_relu") != NULL) raise(SIGSEGV);
  if (strstr(path, "test_add") != NULL)
    for (;;) pause();
  put(err, "testcrash: this backend converts nothing");
  return NNPORT_UNIMPLEMENTED;
}

static int build_wrapper(const char* const* files, size_t file_count, const char* device,
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
  put(err, "testcrash: no wrapper");
  return NNPORT_UNIMPLEMENTED;
}

static const nnport_backend kBackend = {
    NNPORT_PLUGIN_ABI_VERSION,
    sizeof(nnport_backend),
    "testcrash",
    "a test plugin that crashes or hangs in to_backend",
    1,
    available,
    version,
    NULL,
    to_backend,
    build_wrapper,
    NULL,
    0,
};

NNPORT_PLUGIN_EXPORT const nnport_backend* NNPORT_PLUGIN_ENTRY(const nnport_host* host) {
  (void)host;
  return &kBackend;
}
