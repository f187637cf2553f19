// libFuzzer target: any bytes as an .onnx file through inspect_onnx,
// check_onnx, shape inference and, when it parses, every rewrite pass
// (constant folding evaluates whatever the graph holds). Nothing may crash;
// refusals are Status errors. Build and run: scripts/fuzz.sh fuzz_onnx.
// Seeds: tests/fuzz/fuzz_onnx/.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "nnport/onnx_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/nnport_fuzz_onnx_" + std::to_string(::getpid());
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  auto info = nnport::inspect_onnx(path);
  if (!info.ok()) return 0;
  (void)nnport::check_onnx(path);
  (void)nnport::infer_onnx_shapes(path);
  nnport::OnnxRewriteOptions options;
  options.passes = nnport::onnx_pass_names();
  options.check = false;
  (void)nnport::rewrite_onnx(path, path + ".out.onnx", options);
  return 0;
}
