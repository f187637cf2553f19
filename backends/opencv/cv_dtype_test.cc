// The opencv backend's element types and import guards, on ONNX's own
// backend tests (their model.onnx and test_data_set_0, whose outputs ONNX's
// reference computed): inputs of types other than float32 are converted for
// OpenCV, outputs come back in the type the model declares, a value OpenCV
// computes outside that type is refused, and the CELU graph OpenCV's importer
// crashes on is avoided (default rewrites) or refused (in the model itself).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "backend_test_util.h"
#include "nnport/apis.h"
#include "nnport/conformance.h"
#include "nnport/onnx_model.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;

// Debian's libonnx-testdata, as `nnport conformance` reads it.
const std::string kNodeTests = std::string(conformance::kDefaultSuite) + "/node";

// A node test's folder; the test skips when libonnx-testdata is absent.
#define REQUIRE_ONNX_TEST(dir, name)                 \
  const std::string dir = kNodeTests + "/" + (name); \
  if (!fs::exists(dir + "/model.onnx"))              \
  GTEST_SKIP() << dir << " not found; install libonnx-testdata (Debian/Ubuntu)"

conformance::DataSet first_data_set(const std::string& dir) {
  const conformance::TestCase test{fs::path(dir).filename().string(), "node", dir};
  auto model = conformance::inspect_test(test);
  EXPECT_TRUE(model.ok()) << model.status().message();
  if (!model.ok()) return {};
  auto sets = conformance::read_data_sets(test, *model);
  EXPECT_TRUE(sets.ok() && !sets->empty()) << sets.status().message();
  return sets.ok() && !sets->empty() ? sets->front() : conformance::DataSet{};
}

// The test's model through the opencv backend with its default rewrites.
Result<Wrapper> opencv_wrapper(const std::string& model, const std::string& tag) {
  std::string why;
  const BackendManager* cv = backend_test::backend("opencv", &why);
  if (cv == nullptr) return unavailable(why);
  const std::string cfg = backend_test::backend_config("opencv", "");
  NNPORT_ASSIGN_OR_RETURN(auto files, cv->to_backend({model}, backend_test::fresh_dir(tag), cfg));
  return cv->build_wrapper(files, "cpu", {}, {}, cfg);
}

// The suite's rule (conformance.md): rtol 1e-3, atol 1e-5; integer and bool
// outputs must be equal.
void expect_matches_reference(const NamedTensors& got, const NamedTensors& want,
                              const std::string& label) {
  for (const OutputComparison& c : compare_outputs(got, want, 1e-5, 1e-3)) {
    EXPECT_TRUE(c.pass) << label << ": output '" << c.name << "' " << dtype_name(c.dtype)
                        << " vs reference " << dtype_name(c.ref_dtype) << ", max abs err "
                        << c.max_abs_err << " " << c.reason;
  }
}

struct TypedCase {
  const char* test;
  DType input, output;  // of input 0 and output 0, as the wrapper declares them
};

class CvDtype : public ::testing::TestWithParam<TypedCase> {};

TEST_P(CvDtype, DeclaresTheModelsTypesAndMatchesOnnxsReference) {
  const TypedCase& c = GetParam();
  REQUIRE_ONNX_TEST(dir, c.test);
  auto wrapper = opencv_wrapper(dir + "/model.onnx", c.test);
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  EXPECT_EQ(wrapper->input_infos().at(0).dtype, c.input);
  EXPECT_EQ(wrapper->output_infos().at(0).dtype, c.output);
  const conformance::DataSet data = first_data_set(dir);
  auto out = wrapper->forward(data.inputs);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)[0].second.dtype(), c.output);
  expect_matches_reference(*out, data.expected, c.test);
}

INSTANTIATE_TEST_SUITE_P(
    Suite, CvDtype,
    ::testing::Values(TypedCase{"test_cast_DOUBLE_to_FLOAT", DType::kFloat64, DType::kFloat32},
                      TypedCase{"test_cast_FLOAT16_to_DOUBLE", DType::kFloat16, DType::kFloat64},
                      TypedCase{"test_not_2d", DType::kBool, DType::kBool},
                      TypedCase{"test_argmax_default_axis_random", DType::kFloat32, DType::kInt64},
                      TypedCase{"test_argmin_no_keepdims_random", DType::kFloat32, DType::kInt64},
                      // input 1 (the indices xI) is int64
                      TypedCase{"test_maxunpool_export_without_output_shape", DType::kFloat32,
                                DType::kFloat32}),
    [](const auto& info) { return std::string(info.param.test); });

TEST(CvDtypeInput, Int64IndicesAreTakenAndOnesFloat32CannotHoldAreRefused) {
  REQUIRE_ONNX_TEST(dir, "test_maxunpool_export_without_output_shape");
  auto wrapper = opencv_wrapper(dir + "/model.onnx", "int64_big");
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  EXPECT_EQ(wrapper->input_infos().at(1).dtype, DType::kInt64);
  conformance::DataSet data = first_data_set(dir);
  Tensor* indices = data.inputs.find("xI");
  ASSERT_NE(indices, nullptr);
  ASSERT_EQ(indices->dtype(), DType::kInt64);
  indices->data_as<int64_t>()[1] = (int64_t{1} << 24) + 1;  // the first integer float32 rounds
  auto out = wrapper->forward(data.inputs);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  for (const char* s : {"input 'xI' element 1", "16777217", "2^24"})
    EXPECT_NE(out.status().message().find(s), std::string::npos) << out.status().message();
}

// An integer output OpenCV computes in float32 without the op's integer
// semantics is an error, not a silently rounded or wrapped value.
struct RefusedCase {
  const char* test;
  uint8_t x, y;
  const char* value;  // what OpenCV computes for x op y
};

class CvDtypeRefused : public ::testing::TestWithParam<RefusedCase> {};

TEST_P(CvDtypeRefused, IntegerOutputOutsideItsTypeIsAnError) {
  const RefusedCase& c = GetParam();
  REQUIRE_ONNX_TEST(dir, c.test);
  auto wrapper = opencv_wrapper(dir + "/model.onnx", c.test);
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  conformance::DataSet data = first_data_set(dir);
  for (const char* name : {"x", "y"}) {
    Tensor* t = data.inputs.find(name);
    ASSERT_TRUE(t != nullptr && t->dtype() == DType::kUInt8) << name;
    for (int64_t i = 0; i < t->numel(); ++i) t->data_as<uint8_t>()[i] = name[0] == 'x' ? c.x : c.y;
  }
  auto out = wrapper->forward(data.inputs);
  ASSERT_FALSE(out.ok()) << c.test;
  EXPECT_EQ(out.status().code(), Code::kUnimplemented);
  for (const std::string s : {std::string("declared uint8"), "computed " + std::string(c.value),
                              std::string("element 0")}) {
    EXPECT_NE(out.status().message().find(s), std::string::npos) << out.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(Suite, CvDtypeRefused,
                         ::testing::Values(
                             // ONNX: 200 + 100 wraps to 44 in uint8
                             RefusedCase{"test_add_uint8", 200, 100, "300"},
                             // ONNX: 5 / 2 is 2 in uint8
                             RefusedCase{"test_div_uint8", 5, 2, "2.5"}),
                         [](const auto& info) { return std::string(info.param.test); });

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

}  // namespace
}  // namespace nnport
