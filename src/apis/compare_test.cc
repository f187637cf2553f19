#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnport/apis.h"

namespace nnport {
namespace {

Tensor floats(std::vector<float> v, Shape shape = {}) {
  if (shape.empty()) shape = {static_cast<int64_t>(v.size())};
  Tensor t = Tensor::empty(DType::kFloat32, shape);
  for (size_t i = 0; i < v.size(); ++i) t.data_as<float>()[i] = v[i];
  return t;
}

NamedTensors one(const std::string& name, Tensor t) {
  NamedTensors n;
  n.set(name, std::move(t));
  return n;
}

TEST(CompareOutputs, HandComputedErrors) {
  // a - b = {0, 0.5, -2}; |b| = {1, 2, 4}: max abs 2, max rel 0.5.
  auto r = compare_outputs(one("y", floats({1, 2.5f, 2})), one("y", floats({1, 2, 4})), 0, 0);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_DOUBLE_EQ(r[0].max_abs_err, 2.0);
  EXPECT_DOUBLE_EQ(r[0].max_rel_err, 0.5);
  EXPECT_EQ(r[0].mismatches, 2);
  EXPECT_FALSE(r[0].pass);
}

TEST(CompareOutputs, AllcloseRule) {
  // |a-b| = 0.011 against atol 0.001 + rtol 0.01 * 1 = 0.011 (passes), 0.02 fails.
  auto pass = compare_outputs(one("y", floats({1.0105f})), one("y", floats({1})), 1e-3, 1e-2);
  EXPECT_TRUE(pass[0].pass) << pass[0].max_abs_err;
  auto fail = compare_outputs(one("y", floats({1.02f})), one("y", floats({1})), 1e-3, 1e-2);
  EXPECT_FALSE(fail[0].pass);
  EXPECT_EQ(fail[0].mismatches, 1);
}

TEST(CompareOutputs, NanAndInf) {
  float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(
      compare_outputs(one("y", floats({nan, inf})), one("y", floats({nan, inf})), 0, 0)[0].pass);
  auto r = compare_outputs(one("y", floats({nan, -inf})), one("y", floats({1, inf})), 1, 1);
  EXPECT_EQ(r[0].mismatches, 2);
}

TEST(CompareOutputs, ShapeTypeAndMissingOutputsFailWithReason) {
  auto shape = compare_outputs(one("y", floats({1, 2}, {2, 1})), one("y", floats({1, 2})), 1, 1);
  EXPECT_FALSE(shape[0].pass);
  EXPECT_EQ(shape[0].reason, "shape [2, 1] vs reference [2]");

  Tensor ints = Tensor::empty(DType::kInt64, {2});
  auto type = compare_outputs(one("y", ints), one("y", floats({0, 0})), 1, 1);
  EXPECT_FALSE(type[0].pass);
  EXPECT_NE(type[0].reason.find("int64"), std::string::npos);

  auto missing = compare_outputs(one("a", floats({1})), one("b", floats({1})), 1, 1);
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].name, "b");
  EXPECT_FALSE(missing[0].pass);
  EXPECT_EQ(missing[1].name, "a");
  EXPECT_FALSE(missing[1].pass);
}

TEST(CompareOutputs, Float16AgainstFloat32AndInt64Exact) {
  Tensor h = Tensor::empty(DType::kFloat16, {2});
  h.data_as<uint16_t>()[0] = float_to_half(0.5f);
  h.data_as<uint16_t>()[1] = float_to_half(-2.0f);
  EXPECT_TRUE(compare_outputs(one("y", h), one("y", floats({0.5f, -2})), 0, 0)[0].pass);

  Tensor a = Tensor::empty(DType::kInt64, {1}), b = Tensor::empty(DType::kInt64, {1});
  a.data_as<int64_t>()[0] = (int64_t{1} << 60) + 1;  // equal as doubles, not as ints
  b.data_as<int64_t>()[0] = int64_t{1} << 60;
  EXPECT_FALSE(compare_outputs(one("y", a), one("y", b), 0, 0)[0].pass);
}

TEST(Summarize, AllNanIsNanNotZero) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  auto s = summarize(floats({nan, nan}));
  EXPECT_TRUE(std::isnan(s.min));
  EXPECT_TRUE(std::isnan(s.max));
  EXPECT_TRUE(std::isnan(s.mean));
  EXPECT_EQ(s.non_finite, 2);
}

TEST(Summarize, EmptyIsNanNotZero) {
  auto s = summarize(Tensor::empty(DType::kFloat32, {0, 3}));
  EXPECT_EQ(s.numel, 0);
  EXPECT_TRUE(std::isnan(s.min));
  EXPECT_TRUE(std::isnan(s.max));
  EXPECT_TRUE(std::isnan(s.mean));
  EXPECT_TRUE(s.first.empty());
}

TEST(Summarize, MinMaxMeanFirst) {
  auto s = summarize(floats({3, -1, 4, 1, std::numeric_limits<float>::infinity()}), 2);
  EXPECT_DOUBLE_EQ(s.min, -1);
  EXPECT_DOUBLE_EQ(s.max, 4);
  EXPECT_DOUBLE_EQ(s.mean, 7.0 / 4);
  EXPECT_EQ(s.non_finite, 1);
  ASSERT_EQ(s.first.size(), 2u);
  EXPECT_DOUBLE_EQ(s.first[1], -1);
}

// An fp16 work dir's inputs for its fp32 reference: float tensors take the
// float type the wrapper wants (values exact in both: 1.5, -2.25, 1024);
// integer tensors and unknown names pass as they are.
TEST(CastFloatInputs, ConvertsFloatTypesOnlyWhereTheModelWantsAnother) {
  Tensor f32 = Tensor::empty(DType::kFloat32, {3});
  const float values[] = {1.5f, -2.25f, 1024.f};
  for (int i = 0; i < 3; ++i) f32.data_as<float>()[i] = values[i];
  Tensor ids = Tensor::empty(DType::kInt64, {2});
  NamedTensors in;
  in.set("x", f32);
  in.set("ids", ids);
  in.set("other", f32);
  const std::vector<TensorInfo> infos = {{"x", DType::kFloat16, {3}, {}},
                                         {"ids", DType::kInt32, {2}, {}}};
  NamedTensors out = cast_float_inputs(in, infos);
  ASSERT_EQ(out.find("x")->dtype(), DType::kFloat16);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(half_to_float(out.find("x")->data_as<uint16_t>()[i]), values[i]);
  EXPECT_EQ(out.find("ids")->dtype(), DType::kInt64) << "integers are never converted";
  EXPECT_EQ(out.find("other")->dtype(), DType::kFloat32) << "an input the model lacks stays";
  NamedTensors back = cast_float_inputs(out, {{"x", DType::kFloat64, {3}, {}}});
  ASSERT_EQ(back.find("x")->dtype(), DType::kFloat64);
  EXPECT_EQ(back.find("x")->data_as<double>()[1], -2.25);
}

}  // namespace
}  // namespace nnport
