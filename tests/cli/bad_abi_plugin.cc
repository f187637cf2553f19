// A plugin built for another ABI version: the host must refuse it, naming
// both versions.
#include "nnport/plugin.h"

extern "C" NNPORT_PLUGIN_EXPORT const nnport_backend* NNPORT_PLUGIN_ENTRY(const nnport_host*) {
  static nnport_backend backend = [] {
    nnport_backend b{};
    b.abi_version = NNPORT_PLUGIN_ABI_VERSION + 998;  // 999
    b.struct_size = sizeof(nnport_backend);
    b.name = "badabi";
    b.description = "test plugin with a wrong ABI version";
    b.backend_file_count = 1;
    return b;
  }();
  return &backend;
}
