// What every backend's tests need: the exported test models, a backend from
// the build tree's plugin folder, a deploy config for it, scratch folders,
// batches from a model's sample input, and error measures against a
// reference. Backend-specific helpers live beside each backend's tests.
#ifndef NNPORT_TESTS_SUPPORT_BACKEND_TEST_UTIL_H_
#define NNPORT_TESTS_SUPPORT_BACKEND_TEST_UTIL_H_

#include <string>

#include "nnport/manager.h"
#include "nnport/tensor.h"

namespace nnport::backend_test {

std::string models_dir();  // NNPORT_MODELS_DIR, else <source>/tests/models/out
// <models_dir>/<name>/model.onnx, or "" when absent.
std::string model_file(const std::string& name);

// A backend by name from one registry over the build tree's plugin folder
// (the tests need no install), or nullptr with *why set (the registry's
// load failures included).
const BackendManager* backend(const std::string& name, std::string* why);

// {"backend_config": {"type": "<type>", <fields>}, <top>}: fields and top
// are JSON members without braces, either may be empty.
std::string backend_config(const std::string& type, const std::string& fields,
                           const std::string& top = "");

// A fresh, empty folder under the system's temp dir, unique per process and call.
std::string fresh_dir(const std::string& tag);

Tensor read_npy_or_throw(const std::string& path);

// `batch` rows from a tensor [n, ...]: row i is row i % n; float32 rows
// past the first n are scaled by 1 + i/8 so tiled samples stay distinct.
Tensor tile_batch(const Tensor& t, int64_t batch);

// <models_dir>/<model>/inputs/<input>.npy tiled to `batch` rows.
Tensor sample_batch(const std::string& model, const std::string& input, int64_t batch);

struct Errors {
  double max_abs = 0;  // max |a - b|
  double max_rel = 0;  // max_abs / max |ref| (the reference's scale)
};
// Over float32 tensors; +inf in both when dtypes or shapes differ.
Errors compare(const Tensor& a, const Tensor& ref);

}  // namespace nnport::backend_test

// The named backend must load; a missing backend fails the test.
#define BACKEND_TEST_REQUIRE(var, name)                                                    \
  std::string var##_why;                                                                   \
  const ::nnport::BackendManager* var = ::nnport::backend_test::backend(name, &var##_why); \
  ASSERT_NE(var, nullptr) << var##_why

// A test model absent from models_dir() skips the test.
#define BACKEND_TEST_REQUIRE_MODEL(file, name)                                                  \
  const std::string file = ::nnport::backend_test::model_file(name);                            \
  if (file.empty())                                                                             \
  GTEST_SKIP() << "test model '" << name << "' not in " << ::nnport::backend_test::models_dir() \
               << "; run tests/models/export.py"

#endif  // NNPORT_TESTS_SUPPORT_BACKEND_TEST_UTIL_H_
