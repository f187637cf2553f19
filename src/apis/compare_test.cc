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

// Errors 0..9 in a shuffled order (so the order statistics must sort):
// a = 2 + e, b = 2, exact in float. numpy: max 9, mean 4.5, median 4.5,
// np.quantile(e, 0.99) = 8.91, np.quantile(e, 0.25) = 2.25; relative
// errors are e / 2: np.quantile(e / 2, 0.99) = 4.455.
TEST(CompareOutputs, StatisticsMatchNumpy) {
  const std::vector<float> e = {3, 7, 0, 9, 1, 8, 2, 6, 4, 5};
  std::vector<float> a, b(e.size(), 2.0f);
  for (float v : e) a.push_back(2 + v);
  Tolerances tol;  // the defaults: every element but the 0 fails
  auto r = compare_outputs(one("y", floats(a)), one("y", floats(b)), tol, {}, 0.99);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].mismatches, 9);
  EXPECT_DOUBLE_EQ(r[0].abs_err.max, 9);
  EXPECT_DOUBLE_EQ(r[0].abs_err.mean, 4.5);
  EXPECT_DOUBLE_EQ(r[0].abs_err.median, 4.5);
  EXPECT_NEAR(r[0].abs_err.quantile, 8.91, 1e-12);
  EXPECT_DOUBLE_EQ(r[0].rel_err.max, 4.5);
  EXPECT_DOUBLE_EQ(r[0].rel_err.mean, 2.25);
  EXPECT_DOUBLE_EQ(r[0].rel_err.median, 2.25);
  EXPECT_NEAR(r[0].rel_err.quantile, 4.455, 1e-12);
  EXPECT_DOUBLE_EQ(r[0].max_abs_err, 9) << "the old field stays the max";
  EXPECT_EQ(r[0].quantile, 0.99);
  EXPECT_EQ(r[0].atol, 1e-5);
  EXPECT_EQ(r[0].rtol, 1e-3);
  // The worst element is the 9 at flat index 3.
  EXPECT_EQ(r[0].worst_index, 3);
  EXPECT_EQ(r[0].worst_position, (std::vector<int64_t>{3}));
  EXPECT_EQ(r[0].worst_value, 11);
  EXPECT_EQ(r[0].worst_ref_value, 2);

  auto q25 = compare_outputs(one("y", floats(a)), one("y", floats(b)), tol, {}, 0.25);
  EXPECT_NEAR(q25[0].abs_err.quantile, 2.25, 1e-12);
  EXPECT_DOUBLE_EQ(q25[0].abs_err.median, 4.5) << "the median does not depend on q";
}

// Shape [2, 3, 4]: the largest error (5) at [1, 0, 2] = flat 1*12 + 0*4 + 2
// = 14 (numpy.unravel_index(14, (2, 3, 4))), and again at flat 20: the
// first one is reported.
TEST(CompareOutputs, WorstElementOfA3dTensor) {
  std::vector<float> a(24, 1.0f), b(24, 1.0f);
  a[5] = 2;    // error 1
  a[14] = -4;  // error 5
  a[20] = 6;   // error 5, later
  auto r = compare_outputs(one("y", floats(a, {2, 3, 4})), one("y", floats(b, {2, 3, 4})), 0, 0);
  EXPECT_EQ(r[0].worst_index, 14);
  EXPECT_EQ(r[0].worst_position, (std::vector<int64_t>{1, 0, 2}));
  EXPECT_EQ(r[0].worst_value, -4);
  EXPECT_EQ(r[0].worst_ref_value, 1);
  // 21 zeros, 1, 5, 5: median 0, mean 11 / 24.
  EXPECT_DOUBLE_EQ(r[0].abs_err.median, 0);
  EXPECT_DOUBLE_EQ(r[0].abs_err.mean, 11.0 / 24);
}

// Errors {0 (NaN vs NaN), inf (NaN vs 1), 1, 2}: max and mean inf; numpy's
// median of [0, 1, 2, inf] is 1.5; the 0.99 quantile lies between 2 and inf:
// inf here (numpy says nan).
TEST(CompareOutputs, NonFiniteErrors) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  auto r =
      compare_outputs(one("y", floats({nan, nan, 2, 4})), one("y", floats({nan, 1, 1, 2})), 0, 0);
  EXPECT_EQ(r[0].mismatches, 3);
  EXPECT_TRUE(std::isinf(r[0].abs_err.max));
  EXPECT_TRUE(std::isinf(r[0].abs_err.mean));
  EXPECT_DOUBLE_EQ(r[0].abs_err.median, 1.5);
  EXPECT_TRUE(std::isinf(r[0].abs_err.quantile));
  EXPECT_EQ(r[0].worst_index, 1);
  EXPECT_TRUE(std::isnan(r[0].worst_value));
}

TEST(CompareOutputs, EmptyOutputHasNoWorstElement) {
  auto r = compare_outputs(one("y", Tensor::empty(DType::kFloat32, {0, 3})),
                           one("y", Tensor::empty(DType::kFloat32, {0, 3})), 0, 0);
  EXPECT_TRUE(r[0].pass);
  EXPECT_EQ(r[0].worst_index, -1);
  EXPECT_TRUE(r[0].worst_position.empty());
  EXPECT_EQ(r[0].abs_err.max, 0);
  EXPECT_EQ(r[0].abs_err.median, 0);
}

// Both outputs are off by 1e-3 from 0 (|b| = 0, so rtol does not help):
// atol 2e-3 for 'a' passes it; 'b' keeps the default 1e-5 and fails.
TEST(CompareOutputs, PerOutputTolerance) {
  NamedTensors out, ref;
  out.set("a", floats({1e-3f}));
  out.set("b", floats({1e-3f}));
  ref.set("a", floats({0}));
  ref.set("b", floats({0}));
  Tolerances tol;
  tol.atol_of["a"] = 2e-3;
  auto r = compare_outputs(out, ref, tol);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].pass) << r[0].reason;
  EXPECT_EQ(r[0].atol, 2e-3);
  EXPECT_FALSE(r[1].pass);
  EXPECT_EQ(r[1].atol, 1e-5);
  EXPECT_EQ(r[1].rtol, 1e-3);
  tol.rtol_of["b"] = 0.5;  // 0.5 * |0| is still 0
  EXPECT_FALSE(compare_outputs(out, ref, tol)[1].pass);
}

TEST(CompareOutputs, UnknownToleranceNameFailsEveryOutput) {
  Tolerances tol;
  tol.atol_of["logit"] = 1;
  Status s = check_tolerances(tol, {"logits", "boxes"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "atol for unknown output 'logit' (did you mean 'logits'?); the outputs are "
            "'logits', 'boxes'");
  EXPECT_TRUE(check_tolerances(tol, {"logit"}).ok());
  auto r = compare_outputs(one("y", floats({1})), one("y", floats({1})), tol);
  EXPECT_FALSE(r[0].pass);
  EXPECT_NE(r[0].reason.find("unknown output 'logit'"), std::string::npos) << r[0].reason;

  Tolerances negative;
  negative.rtol_of["y"] = -1;
  EXPECT_FALSE(check_tolerances(negative, {"y"}).ok());
  auto q = compare_outputs(one("y", floats({1})), one("y", floats({1})), Tolerances{}, {}, 1.5);
  EXPECT_FALSE(q[0].pass);
  EXPECT_EQ(q[0].reason, "quantile 1.5 is outside [0, 1]");
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
