// libFuzzer target: any bytes as an nnport XNNPACK model file. A file the
// reader accepts must also define, plan and run in XNNPACK without reading
// or writing out of bounds (xnn_validate's promise); anything else must be
// refused with plugin::Error. Seeds: tests/fuzz/xnnpack_model/.
// Build and run: scripts/fuzz.sh (clang, -DNNPORT_FUZZ=ON).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "nnport/plugin_cpp.h"
#include "xnn_format.h"
#include "xnn_subgraph.h"

namespace {

using namespace nnport::xnn;

size_t elements(const std::vector<int64_t>& dims) {
  size_t n = 1;
  for (int64_t d : dims) n *= size_t(d < 0 ? 1 : d);
  return n;
}

void run_once(const LoadedModel& lm) {
  const Model& m = lm.model;
  SubgraphPtr sg = define_subgraph(
      m, 1, [&](uint32_t v) { return lm.blob.at(m.values[v].offset); }, "fuzz");
  xnn_runtime_t rt = nullptr;
  if (xnn_create_runtime_v2(sg.get(), nullptr, 0, &rt) != xnn_status_success) return;
  std::vector<std::vector<float>> buffers;
  std::vector<xnn_external_value> ext;
  for (const auto* ports : {&m.inputs, &m.outputs}) {
    for (const Port& p : *ports) {
      // XNNPACK may read XNN_EXTRA_BYTES past an input: pad like the wrapper does.
      buffers.emplace_back(elements(m.values[p.value].dims) + XNN_EXTRA_BYTES / sizeof(float) + 1,
                           0.5f);
      ext.push_back({p.value, buffers.back().data()});
    }
  }
  if (xnn_setup_runtime(rt, ext.size(), ext.data()) == xnn_status_success) xnn_invoke_runtime(rt);
  xnn_delete_runtime(rt);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/nnport_fuzz_xnn_" + std::to_string(::getpid());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  }
  try {
    const LoadedModel lm = read_model(path);
    size_t total = 0;
    for (const Value& v : lm.model.values) total += elements(v.dims);
    if (total < (size_t(1) << 24)) run_once(lm);  // keep each run fast
  } catch (const nnport::plugin::Error&) {
    // refused with a message: the expected outcome for most inputs
  }
  return 0;
}
