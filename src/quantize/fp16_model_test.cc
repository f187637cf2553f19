// The fp16 pass on small graphs built here: the clamp of weights by hand,
// and inputs that must stay float32 (Resize's scales and the shape
// arithmetic behind them, QuantizeLinear's scale, LayerNormalization's
// statistics). Each converted graph passes ONNX's checker and strict type
// inference, and runs on ONNX Runtime with the original's outputs (to
// float16 rounding).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fp16_test_util.h"

namespace nnport {
namespace {

using fp16_test::cast_to;
using fp16_test::convert_checked;
using fp16_test::expect_same_as_original;
using fp16_test::half_bits;
using fp16_test::int64_tensor;
using fp16_test::kF16;
using fp16_test::kF32;
using fp16_test::producer_of;
using fp16_test::set_int_attr;
using onnx_test::add_initializer;
using onnx_test::add_node;
using onnx_test::make_model;
using onnx_test::set_value;
using quantize::Fp16Options;

// ---- weights: the clamp, by hand --------------------------------------

// Values and their float16 bits worked out by hand: 1e-7 is 1.68 units of
// the smallest subnormal 2^-24, so 2 units (0x0002); 1e4 = 1.2207 * 2^13
// (exponent 13 + 15 = 28, mantissa 0.2207 * 1024 = 226 = 0xE2); 3e-5 is
// 503.3 units of 2^-24, subnormal 0x01F7, above 1e-7 so not clamped.
const std::vector<float> kWeights = {1e-8f,
                                     -1e-8f,
                                     0.0f,
                                     5e4f,
                                     -5e4f,
                                     std::numeric_limits<float>::infinity(),
                                     -std::numeric_limits<float>::infinity(),
                                     1.0f,
                                     3e-5f,
                                     std::numeric_limits<float>::quiet_NaN()};
const std::vector<uint16_t> kDefaultBits = {0x0002, 0x8002, 0x0000, 0x70E2, 0xF0E2,
                                            0x7C00, 0xFC00, 0x3C00, 0x01F7};

// out_w = x + w (float_data), out_r = x + r (raw_data), out_c = x + a
// Constant tensor, out_f = x + Constant value_floats, out_s = x[0] + value_float.
onnx::ModelProto weights_model() {
  onnx::ModelProto m = make_model(13);
  auto& g = *m.mutable_graph();
  const int64_t n = static_cast<int64_t>(kWeights.size());
  set_value(g.add_input(), "x", {n});
  add_initializer(g, "w", {n}, kWeights);
  onnx::TensorProto r = onnx_test::float_tensor("r", {n}, {});
  r.set_raw_data(std::string(reinterpret_cast<const char*>(kWeights.data()), 4 * n));
  *g.add_initializer() = r;
  auto* c = add_node(g, "Constant", {}, {"c"}, "const_tensor");
  auto* a = c->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  *a->mutable_t() = onnx_test::float_tensor("", {n}, kWeights);
  auto* f = add_node(g, "Constant", {}, {"f"}, "const_floats");
  a = f->add_attribute();
  a->set_name("value_floats");
  a->set_type(onnx::AttributeProto::FLOATS);
  for (float v : kWeights) a->add_floats(v);
  auto* s = add_node(g, "Constant", {}, {"s"}, "const_float");
  a = s->add_attribute();
  a->set_name("value_float");
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(5e4f);
  for (const char* v : {"w", "r", "c", "f", "s"}) {
    add_node(g, "Add", {"x", v}, {std::string("out_") + v});
    set_value(g.add_output(), std::string("out_") + v, {n});
  }
  return m;
}

void expect_default_clamp(const std::vector<uint16_t>& bits, const std::string& what) {
  ASSERT_EQ(bits.size(), kWeights.size()) << what;
  for (size_t i = 0; i + 1 < kWeights.size(); ++i)
    EXPECT_EQ(bits[i], kDefaultBits[i]) << what << "[" << i << "] = " << kWeights[i];
  EXPECT_TRUE(std::isnan(half_to_float(bits.back()))) << what;  // NaN stays NaN
}

TEST(Fp16Convert, ClampsWeightsAndConstantsByHand) {
  const onnx::ModelProto out = convert_checked(weights_model(), {}, "weights.onnx");
  const auto& g = out.graph();
  expect_default_clamp(half_bits(*fp16_test::initializer(g, "w")), "w (float_data)");
  expect_default_clamp(half_bits(*fp16_test::initializer(g, "r")), "r (raw_data)");
  expect_default_clamp(half_bits(producer_of(g, "c").attribute(0).t()), "Constant value");
  const onnx::NodeProto& f = producer_of(g, "f");
  ASSERT_EQ(f.attribute(0).name(), "value");  // value_floats has no float16 form
  expect_default_clamp(half_bits(f.attribute(0).t()), "Constant value_floats");
  EXPECT_EQ(half_bits(producer_of(g, "s").attribute(0).t()), std::vector<uint16_t>{0x70E2});
}

TEST(Fp16Convert, ClampsToTheConfiguredBounds) {
  Fp16Options o;
  o.min_positive_val = 1e-3f;  // 1.024 * 2^-10: exponent 5, mantissa 24.6 -> 25: 0x1419
  o.max_finite_val = 100.0f;   // 1.5625 * 2^6: exponent 21, mantissa 576: 0x5640
  onnx::ModelProto m = make_model(13);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {6});
  add_initializer(g, "w", {6}, {5e-4f, -5e-4f, 150.0f, -150.0f, 2e-3f, 99.0f});
  add_node(g, "Mul", {"x", "w"}, {"y"});
  set_value(g.add_output(), "y", {6});
  const onnx::ModelProto out = convert_checked(m, o, "bounds.onnx");
  // 2e-3 and 99 lie inside the bounds: plain rounding (0x1819, 0x5630).
  EXPECT_EQ(half_bits(*fp16_test::initializer(out.graph(), "w")),
            (std::vector<uint16_t>{0x1419, 0x9419, 0x5640, 0xD640, 0x1819, 0x5630}));
}

TEST(Fp16Convert, OnnxRuntimeReadsTheClampedWeights) {
  std::string path;
  convert_checked(weights_model(), {}, "weights_run.onnx", &path);
  NamedTensors in;
  in.set("x", fp16_test::to_half(fp16_test::float_tensor({10}, std::vector<float>(10, 0.0f))));
  const NamedTensors out = fp16_test::run_ort(path, in);
  for (const char* name : {"out_w", "out_r", "out_c", "out_f"}) {
    const Tensor t = fp16_test::to_float(*out.find(name));
    for (size_t i = 0; i + 1 < kWeights.size(); ++i)
      EXPECT_EQ(t.data_as<float>()[i], half_to_float(kDefaultBits[i])) << name << "[" << i << "]";
  }
}

// ---- inputs that must stay float32 ----------------------------------------

// y = Resize(Relu(x), roi, scales) with scales = Shape(t) / Shape(x) as
// floats, the way exporters compute sizes: 8 / 3 = 2.6666667 sizes a 3x3
// input to 8x8 in float32, but 2.666 (float16) to 7x7, as Resize truncates
// 3 * 2.666 = 7.998. (ONNX Runtime's CPU provider happens to hide this: it
// runs the float16 Div in float32 and drops the Cast pair around it; a
// provider with float16 kernels would not.)
onnx::ModelProto resize_model() {
  onnx::ModelProto m = make_model(13);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {1, 1, 3, 3});
  set_value(g.add_input(), "t", {1, 1, 8, 8});
  add_node(g, "Shape", {"x"}, {"x_shape"});
  add_node(g, "Shape", {"t"}, {"t_shape"});
  set_int_attr(add_node(g, "Cast", {"x_shape"}, {"x_dims"}, "cast_x"), "to", kF32);
  set_int_attr(add_node(g, "Cast", {"t_shape"}, {"t_dims"}, "cast_t"), "to", kF32);
  add_node(g, "Div", {"t_dims", "x_dims"}, {"scales"}, "div");
  add_initializer(g, "roi", {8}, {0, 0, 0, 0, 1, 1, 1, 1});
  add_node(g, "Relu", {"x"}, {"rx"}, "relu");
  add_node(g, "Resize", {"rx", "roi", "scales"}, {"y"}, "resize");
  set_value(g.add_output(), "y", {1, 1, 0, 0});
  auto* dims = g.mutable_output(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  dims->mutable_dim(2)->set_dim_param("h");  // as the scales say
  dims->mutable_dim(3)->set_dim_param("w");
  return m;
}

NamedTensors resize_inputs() {
  NamedTensors in;
  in.set("x", fp16_test::float_tensor({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  in.set("t", fp16_test::float_tensor({1, 1, 8, 8}, std::vector<float>(64, 0.5f)));
  return in;
}

void expect_exact_scales(const onnx::ModelProto& out) {
  const auto types = fp16_test::strict_types(out);
  const auto& g = out.graph();
  for (const char* v : {"scales", "x_dims", "t_dims", "roi"})
    EXPECT_EQ(types.at(v), kF32) << v << " feeds Resize's scales or roi";
  EXPECT_EQ(cast_to(producer_of(g, "x_dims")), kF32);
  EXPECT_EQ(fp16_test::initializer(g, "roi")->data_type(), kF32);
  EXPECT_EQ(types.at("rx"), kF16);  // the data itself is float16
}

TEST(Fp16Convert, ResizeScalesAndTheirShapeArithmeticStayFloat32) {
  // The premise: float16 would size this Resize differently.
  const float s = 8.0f / 3.0f;
  ASSERT_EQ(static_cast<int>(3 * s), 8);
  ASSERT_EQ(static_cast<int>(3 * half_to_float(float_to_half(s))), 7);

  const onnx::ModelProto m = resize_model();
  std::string path;
  const onnx::ModelProto out = convert_checked(m, {}, "resize.onnx", &path);
  expect_exact_scales(out);
  // Resize is on the default block list: float32 with Casts around it.
  EXPECT_EQ(fp16_test::float32_nodes(out), (std::set<std::string>{"resize", "div"}));
  EXPECT_EQ(onnx_test::count_op(out.graph(), "Cast"), 4);  // 2 of the model's, 2 around Resize
  const NamedTensors got = expect_same_as_original(m, path, resize_inputs(), {}, "resize");
  EXPECT_EQ(got.find("y")->shape(), (Shape{1, 1, 8, 8}));
}

TEST(Fp16Convert, UnblockedResizeTakesFloat16DataAndFloat32Scales) {
  Fp16Options o;
  o.op_block_list = {};
  const onnx::ModelProto m = resize_model();
  std::string path;
  const onnx::ModelProto out = convert_checked(m, o, "resize_unblocked.onnx", &path);
  expect_exact_scales(out);
  // Resize reads float32 roi and scales, but float16 data straight from
  // Relu, and writes float16.
  EXPECT_EQ(fp16_test::float32_nodes(out), (std::set<std::string>{"div", "resize"}));
  EXPECT_EQ(fp16_test::strict_types(out).at("y"), kF16);
  EXPECT_EQ(onnx_test::find_node(out.graph(), "resize")->input(0), "rx");
  EXPECT_EQ(onnx_test::count_op(out.graph(), "Cast"), 2);  // the model's own two
  const NamedTensors got = expect_same_as_original(m, path, resize_inputs(), o, "resize_unblocked");
  EXPECT_EQ(got.find("y")->shape(), (Shape{1, 1, 8, 8}));
}

// y = Relu(DequantizeLinear(QuantizeLinear(x, scale, zp), scale, zp)):
// QuantizeLinear's input and both scales have no float16 type.
TEST(Fp16Convert, QuantizeLinearKeepsItsFloat32Scale) {
  onnx::ModelProto m = make_model(13);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {8});
  add_initializer(g, "scale", {}, {0.125f});
  onnx::TensorProto zp;
  zp.set_name("zp");
  zp.set_data_type(onnx::TensorProto::UINT8);
  zp.add_int32_data(128);
  *g.add_initializer() = zp;
  add_node(g, "QuantizeLinear", {"x", "scale", "zp"}, {"q"}, "quant");
  add_node(g, "DequantizeLinear", {"q", "scale", "zp"}, {"dq"}, "dequant");
  add_node(g, "Relu", {"dq"}, {"y"}, "relu");
  set_value(g.add_output(), "y", {8});
  std::string path;
  const onnx::ModelProto out = convert_checked(m, {}, "qdq.onnx", &path);
  EXPECT_EQ(fp16_test::initializer(out.graph(), "scale")->data_type(), kF32);
  EXPECT_EQ(fp16_test::float32_nodes(out), (std::set<std::string>{"quant", "dequant"}));
  EXPECT_EQ(fp16_test::strict_types(out).at("y"), kF16);
  NamedTensors in;
  in.set("x", fp16_test::float_tensor({8}, {-3, -1.5, -0.25, 0, 0.125, 1, 2.5, 15.875}));
  expect_same_as_original(m, path, in, {}, "qdq");
}

// LayerNormalization's Mean and InvStdDev are float32 or bfloat16 only:
// they stay float32 and reach the (float16) graph outputs through Casts.
TEST(Fp16Convert, LayerNormalizationStatisticsStayFloat32) {
  onnx::ModelProto m = make_model(17);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {2, 4});
  add_initializer(g, "gamma", {4}, {1, 0.5, 2, 1});
  add_initializer(g, "beta", {4}, {0, 0.25, 0, -1});
  add_node(g, "LayerNormalization", {"x", "gamma", "beta"}, {"y", "mean", "inv_std"}, "ln");
  set_value(g.add_output(), "y", {2, 4});
  set_value(g.add_output(), "mean", {2, 1});
  set_value(g.add_output(), "inv_std", {2, 1});
  std::string path;
  const onnx::ModelProto out = convert_checked(m, {}, "layernorm.onnx", &path);
  const auto types = fp16_test::strict_types(out);
  EXPECT_EQ(types.at("y"), kF16);
  for (const char* o : {"mean", "inv_std"}) {
    EXPECT_EQ(types.at(o), kF16) << o << " is a float16 graph output";
    const onnx::NodeProto& cast = producer_of(out.graph(), o);
    EXPECT_EQ(cast_to(cast), kF16);
    EXPECT_EQ(types.at(cast.input(0)), kF32) << o << " as LayerNormalization writes it";
  }
  NamedTensors in;
  in.set("x", fp16_test::float_tensor({2, 4}, {1, 2, 3, 4, -1, 0.5, 0.25, 8}));
  expect_same_as_original(m, path, in, {}, "layernorm");
}

TEST(Fp16Convert, ASecondPassChangesNothing) {
  for (const auto& m : {resize_model(), weights_model()}) {
    const onnx::ModelProto once = fp16_test::converted(m, {});
    const onnx::ModelProto twice = fp16_test::converted(once, {});
    EXPECT_EQ(twice.SerializeAsString(), once.SerializeAsString()) << m.graph().node(0).name();
  }
}

}  // namespace
}  // namespace nnport
