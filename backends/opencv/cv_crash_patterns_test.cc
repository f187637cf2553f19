// The graphs OpenCV 4.6 crashes on (cv_crash_patterns.h), on ONNX's own
// backend tests: avoided where a rewrite made them, refused with an error
// where the model holds them, never a crash of the calling process.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cv_suite_test_util.h"
#include "nnport/onnx_model.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;
using namespace cv_suite;  // NOLINT: the suite helpers

// OpenCV 4.6 crashed (SIGSEGV) importing this test after fold_constants had
// made its Constant alpha an initializer; the backend now leaves that pass
// out for it.
TEST(CvCelu, ExpandedCeluRunsWithTheDefaultRewrites) {
  REQUIRE_ONNX_TEST(dir, "test_celu_expanded");
  auto wrapper = opencv_wrapper(dir + "/model.onnx", "celu_expanded");
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  const conformance::DataSet data = first_data_set(dir);
  auto out = wrapper->forward(data.inputs);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_matches_reference(*out, data.expected, "test_celu_expanded");
}

TEST(CvCelu, InitializerAlphaInTheModelIsRefusedNotACrash) {
  REQUIRE_ONNX_TEST(dir, "test_celu_expanded");
  BACKEND_TEST_REQUIRE(cv, "opencv");
  // The same graph with its alpha an initializer, as fold_constants writes it.
  const std::string folded = backend_test::fresh_dir("celu_folded") + "/model.onnx";
  OnnxRewriteOptions fold;
  fold.passes = {"fold_constants"};
  ASSERT_TRUE(rewrite_onnx(dir + "/model.onnx", folded, fold).ok());
  auto info = inspect_onnx(folded);
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->initializer_names.size(), 1u);

  const std::string cfg = backend_test::backend_config("opencv", "");
  const std::string work = backend_test::fresh_dir("celu_refused");
  auto files = cv->to_backend({folded}, work, cfg);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), Code::kUnimplemented);
  for (const char* s : {"Div", "Elu", "Mul", "an initializer", "crashes"})
    EXPECT_NE(files.status().message().find(s), std::string::npos) << files.status().message();
  EXPECT_TRUE(fs::is_empty(work)) << "a refused conversion leaves no file";
  auto wrapper = cv->build_wrapper({folded}, "cpu", {}, {}, cfg);
  ASSERT_FALSE(wrapper.ok());
  EXPECT_EQ(wrapper.status().code(), Code::kUnimplemented);
}

// OpenCV's Dropout writes no mask: reading it crashed test_dropout_default_mask.
TEST(CvDropout, ReadMaskIsRefusedAtConvert) {
  REQUIRE_ONNX_TEST(dir, "test_dropout_default_mask");
  auto wrapper = opencv_wrapper(dir + "/model.onnx", "dropout_mask");
  ASSERT_FALSE(wrapper.ok());
  EXPECT_EQ(wrapper.status().code(), Code::kUnimplemented);
  for (const char* s : {"Dropout", "mask output 'z'", "computes no mask"})
    EXPECT_NE(wrapper.status().message().find(s), std::string::npos) << wrapper.status().message();
}

TEST(CvDropout, WithoutTheMaskItStillRuns) {
  REQUIRE_ONNX_TEST(dir, "test_dropout_default");
  auto wrapper = opencv_wrapper(dir + "/model.onnx", "dropout");
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  const conformance::DataSet data = first_data_set(dir);
  auto out = wrapper->forward(data.inputs);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_matches_reference(*out, data.expected, "test_dropout_default");
}

// check_model says what to_backend does: the refused node is unsupported
// with the reason, and a CELU with Constant alphas is taken.
std::vector<NodeSupport> check(const BackendManager& cv, const std::string& model) {
  auto nodes = cv.check_model(model, backend_test::backend_config("opencv", ""));
  EXPECT_TRUE(nodes.ok() && nodes->has_value()) << nodes.status().message();
  return nodes.ok() && nodes->has_value() ? **nodes : std::vector<NodeSupport>{};
}

TEST(CvCrashPatterns, CheckModelNamesTheRefusedNode) {
  REQUIRE_ONNX_TEST(mask_dir, "test_dropout_default_mask");
  REQUIRE_ONNX_TEST(celu_dir, "test_celu_expanded");
  BACKEND_TEST_REQUIRE(cv, "opencv");
  const auto mask = check(*cv, mask_dir + "/model.onnx");
  ASSERT_EQ(mask.size(), 1u);
  EXPECT_FALSE(mask[0].supported);
  EXPECT_NE(mask[0].reason.find("mask output 'z'"), std::string::npos) << mask[0].reason;

  for (const NodeSupport& n : check(*cv, celu_dir + "/model.onnx"))
    EXPECT_TRUE(n.supported) << n.op_type << ": " << n.reason;
  const std::string folded = backend_test::fresh_dir("celu_check") + "/model.onnx";
  OnnxRewriteOptions fold;
  fold.passes = {"fold_constants"};
  ASSERT_TRUE(rewrite_onnx(celu_dir + "/model.onnx", folded, fold).ok());
  int refused = 0;
  for (const NodeSupport& n : check(*cv, folded)) {
    if (n.supported) continue;
    ++refused;
    EXPECT_EQ(n.op_type, "Mul");
    EXPECT_NE(n.reason.find("an initializer"), std::string::npos) << n.reason;
  }
  EXPECT_EQ(refused, 1);
}

}  // namespace
}  // namespace nnport
