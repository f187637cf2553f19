// Shared pieces of the onnxruntime backend tests: the test models, their
// reference data, and the backend loaded through nnport's registry.
#ifndef NNPORT_BACKENDS_ONNXRUNTIME_ORT_TEST_UTIL_H_
#define NNPORT_BACKENDS_ONNXRUNTIME_ORT_TEST_UTIL_H_

#include <string>
#include <vector>

#include "nnport/manager.h"
#include "nnport/tensor.h"
#include "nnport/wrapper.h"

namespace nnport::ort_test {

// NNPORT_MODELS_DIR, else <source>/tests/models/out.
std::string models_dir();
// <models_dir>/<name>, or "" when its model.onnx is absent.
std::string model_dir(const std::string& name);
std::string model_file(const std::string& name);  // <model_dir>/model.onnx

// The onnxruntime backend from a registry (loaded once per process), or
// nullptr with *why set.
const BackendManager* backend(std::string* why);

// inputs/<name>.npy for each input of the wrapper, in its order.
NamedTensors read_inputs(const std::string& dir, const Wrapper& wrapper);
// outputs/<name>.npy.
Tensor read_output(const std::string& dir, const std::string& name);
// The output names in manifest.json for this model, in the model's order.
std::vector<std::string> manifest_outputs(const std::string& name);

// Largest |a - b| over float32 tensors of equal shape; +inf when the dtypes
// or shapes differ (so any tolerance check fails).
double max_abs_diff(const Tensor& a, const Tensor& b);

// {"backend_config": {"type": "onnxruntime", <fields>}}.
std::string ort_config(const std::string& fields);

}  // namespace nnport::ort_test

// The backend must load (these tests are built only with the SDK); a
// missing test model skips the test.
#define ORT_TEST_REQUIRE_BACKEND(var)                                            \
  std::string var##_why;                                                         \
  const ::nnport::BackendManager* var = ::nnport::ort_test::backend(&var##_why); \
  ASSERT_NE(var, nullptr) << var##_why

#define ORT_TEST_REQUIRE_MODEL(dir, name)                                                   \
  const std::string dir = ::nnport::ort_test::model_dir(name);                              \
  if (dir.empty())                                                                          \
  GTEST_SKIP() << "test model '" << name << "' not in " << ::nnport::ort_test::models_dir() \
               << "; run tests/models/export.py"

#endif  // NNPORT_BACKENDS_ONNXRUNTIME_ORT_TEST_UTIL_H_
