// Shared pieces of the xnnpack backend tests: the backends through nnport's
// registry, conversion into a temporary work dir, error measures.
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_TEST_UTIL_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_TEST_UTIL_H_

#include <string>
#include <vector>

#include "nnport/manager.h"
#include "nnport/tensor.h"
#include "nnport/wrapper.h"

namespace nnport::xnn_test {

std::string models_dir();                         // NNPORT_MODELS_DIR or tests/models/out
std::string model_file(const std::string& name);  // "" when absent
std::string testdata(const std::string& file);    // backends/xnnpack/testdata/<file>
std::string temp_dir(const std::string& tag);     // a fresh empty directory

// A backend from the build tree's plugin folder, or nullptr with *why.
const BackendManager* backend(const std::string& name, std::string* why);

// {"backend_config": {"type": "xnnpack", <fields>}}
std::string xnn_config(const std::string& fields);

// The xnnpack file converted from onnx into a temp dir (fails the test via
// the returned status when conversion fails).
Result<std::vector<std::string>> convert(const std::string& onnx, const std::string& cfg = "{}");

Tensor read_npy_or_throw(const std::string& path);
// batch rows from a float32 tensor [n, ...]: row i is sample i % n.
Tensor tile_batch(const Tensor& t, int64_t batch);

struct Errors {
  double max_abs = 0;  // max |a - b|
  double max_rel = 0;  // max |a - b| / max |b| over the tensor
};
Errors compare(const Tensor& a, const Tensor& ref);  // +inf when shapes differ

}  // namespace nnport::xnn_test

#define XNN_TEST_REQUIRE_BACKEND(var, name)                                            \
  std::string var##_why;                                                               \
  const ::nnport::BackendManager* var = ::nnport::xnn_test::backend(name, &var##_why); \
  ASSERT_NE(var, nullptr) << var##_why

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_TEST_UTIL_H_
