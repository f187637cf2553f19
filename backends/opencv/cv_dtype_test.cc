// The opencv backend's element types, on ONNX's own backend tests (their
// model.onnx and test_data_set_0, whose outputs ONNX's reference computed):
// inputs of types other than float32 are converted for OpenCV, outputs come
// back in the type the model declares, and a value OpenCV computes outside
// that type is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cv_suite_test_util.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;
using namespace cv_suite;  // NOLINT: the suite helpers

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

}  // namespace
}  // namespace nnport
