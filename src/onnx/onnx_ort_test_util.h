// Running a model file through nnport's onnxruntime plugin in tests, to
// compare a rewritten model's outputs with the original's.
#ifndef NNPORT_SRC_ONNX_ONNX_ORT_TEST_UTIL_H_
#define NNPORT_SRC_ONNX_ONNX_ORT_TEST_UTIL_H_

#include <stdexcept>
#include <string>

#include "nnport/manager.h"
#include "nnport/registry.h"
#include "nnport/tensor.h"

namespace nnport::onnx_test {

// ONNX Runtime through its plugin, from the build tree; nullptr (and why)
// when this build has none. One registry for the whole test binary.
inline const BackendManager* ort_backend(std::string* why) {
  static Registry registry(false);
  static Result<const BackendManager*> found = [] {
    registry.add_search_dir(std::string(NNPORT_BINARY_DIR) + "/lib/nnport/plugins");
    return registry.find("onnxruntime");
  }();
  if (!found.ok()) *why = found.status().message();
  return found.ok() ? *found : nullptr;
}

inline NamedTensors run_ort(const BackendManager& ort, const std::string& path,
                            const NamedTensors& in) {
  auto wrapper =
      ort.build_wrapper({path}, "cpu", {}, {}, R"({"backend_config": {"type": "onnxruntime"}})");
  if (!wrapper.ok()) throw std::runtime_error(path + ": " + wrapper.status().message());
  auto out = wrapper->forward(in);
  if (!out.ok()) throw std::runtime_error(path + ": " + out.status().message());
  return *out;
}

}  // namespace nnport::onnx_test

#endif  // NNPORT_SRC_ONNX_ONNX_ORT_TEST_UTIL_H_
