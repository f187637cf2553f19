// ONNX's own backend tests (Debian's libonnx-testdata) for the opencv
// backend's tests: a node test's folder, its first data set, the test's
// model through the opencv backend, and the suite's comparison rule.
#ifndef NNPORT_BACKENDS_OPENCV_CV_SUITE_TEST_UTIL_H_
#define NNPORT_BACKENDS_OPENCV_CV_SUITE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "backend_test_util.h"
#include "nnport/apis.h"
#include "nnport/conformance.h"

namespace nnport::cv_suite {

// Debian's libonnx-testdata, as `nnport conformance` reads it.
inline const std::string kNodeTests = std::string(conformance::kDefaultSuite) + "/node";

// A node test's folder; the test skips when libonnx-testdata is absent.
#define REQUIRE_ONNX_TEST(dir, name)                                     \
  const std::string dir = ::nnport::cv_suite::kNodeTests + "/" + (name); \
  if (!std::filesystem::exists(dir + "/model.onnx"))                     \
  GTEST_SKIP() << dir << " not found; install libonnx-testdata (Debian/Ubuntu)"

inline conformance::DataSet first_data_set(const std::string& dir) {
  const conformance::TestCase test{std::filesystem::path(dir).filename().string(), "node", dir};
  auto model = conformance::inspect_test(test);
  EXPECT_TRUE(model.ok()) << model.status().message();
  if (!model.ok()) return {};
  auto sets = conformance::read_data_sets(test, *model);
  EXPECT_TRUE(sets.ok() && !sets->empty()) << sets.status().message();
  return sets.ok() && !sets->empty() ? sets->front() : conformance::DataSet{};
}

// The test's model through the opencv backend with its default rewrites.
inline Result<Wrapper> opencv_wrapper(const std::string& model, const std::string& tag) {
  std::string why;
  const BackendManager* cv = backend_test::backend("opencv", &why);
  if (cv == nullptr) return unavailable(why);
  const std::string cfg = backend_test::backend_config("opencv", "");
  NNPORT_ASSIGN_OR_RETURN(auto files, cv->to_backend({model}, backend_test::fresh_dir(tag), cfg));
  return cv->build_wrapper(files, "cpu", {}, {}, cfg);
}

// The suite's rule (conformance.md): rtol 1e-3, atol 1e-5; integer and bool
// outputs must be equal.
inline void expect_matches_reference(const NamedTensors& got, const NamedTensors& want,
                                     const std::string& label) {
  for (const OutputComparison& c : compare_outputs(got, want, 1e-5, 1e-3)) {
    EXPECT_TRUE(c.pass) << label << ": output '" << c.name << "' " << dtype_name(c.dtype)
                        << " vs reference " << dtype_name(c.ref_dtype) << ", max abs err "
                        << c.max_abs_err << " " << c.reason;
  }
}

}  // namespace nnport::cv_suite

#endif  // NNPORT_BACKENDS_OPENCV_CV_SUITE_TEST_UTIL_H_
