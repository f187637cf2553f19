// Shared pieces of the opencv backend tests: the test models, the opencv
// and onnxruntime backends through nnport's registry, batches built from a
// model's sample input, and output comparison.
#ifndef NNPORT_BACKENDS_OPENCV_CV_TEST_UTIL_H_
#define NNPORT_BACKENDS_OPENCV_CV_TEST_UTIL_H_

#include <string>
#include <vector>

#include "nnport/manager.h"
#include "nnport/plugin.h"
#include "nnport/tensor.h"

namespace nnport::cv_test {

std::string models_dir();  // NNPORT_MODELS_DIR, else <source>/tests/models/out
// <models_dir>/<name>/model.onnx, or "" when absent.
std::string model_file(const std::string& name);

// A backend ("opencv", "onnxruntime") from one registry over the build
// tree's plugin folder, or nullptr with *why set.
const BackendManager* backend(const std::string& name, std::string* why);

// {"backend_config": {"type": "opencv", <fields>}} (+ ", <top>" at the top level).
std::string cv_config(const std::string& fields, const std::string& top = "");

// An empty scratch folder under the build tree.
std::string fresh_work_dir(const std::string& tag);

// <model dir>/inputs/<input>.npy with its rows repeated to `batch` rows.
Tensor sample_batch(const std::string& model_name, const std::string& input, int64_t batch);

struct Diff {
  double max_abs = 0;  // largest |a - b|
  double max_rel = 0;  // max_abs / largest |b| (the reference's scale)
};
// +inf in both when dtypes or shapes differ.
Diff compare(const Tensor& a, const Tensor& ref);

}  // namespace nnport::cv_test

#define CV_TEST_REQUIRE_BACKEND(var, name)                                            \
  std::string var##_why;                                                              \
  const ::nnport::BackendManager* var = ::nnport::cv_test::backend(name, &var##_why); \
  ASSERT_NE(var, nullptr) << var##_why

#define CV_TEST_REQUIRE_MODEL(file, name)                                                  \
  const std::string file = ::nnport::cv_test::model_file(name);                            \
  if (file.empty())                                                                        \
  GTEST_SKIP() << "test model '" << name << "' not in " << ::nnport::cv_test::models_dir() \
               << "; run tests/models/export.py"

#endif  // NNPORT_BACKENDS_OPENCV_CV_TEST_UTIL_H_
