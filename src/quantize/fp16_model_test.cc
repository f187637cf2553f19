// The fp16 pass on small graphs built here: the clamp of weights by hand,
// inputs that must stay float32 (Resize's scales and the shape arithmetic
// behind them, QuantizeLinear's scale, LayerNormalization's statistics),
// blocked nodes, subgraphs, shared weights, errors. Each converted graph
// passes ONNX's checker and strict type inference, and runs on ONNX Runtime
// with the original's outputs (to float16 rounding).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "fp16_test_util.h"

namespace nnport {
namespace {

using fp16_test::kF16;
using fp16_test::kF32;
using onnx_test::add_initializer;
using onnx_test::add_node;
using onnx_test::make_model;
using onnx_test::set_value;
using quantize::Fp16Options;

onnx::TensorProto int64_tensor(const std::string& name, const std::vector<int64_t>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  t.add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) t.add_int64_data(v);
  return t;
}

void set_int_attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

// The float16 bits of a converted float tensor (raw_data or int32_data).
std::vector<uint16_t> half_bits(const onnx::TensorProto& t) {
  EXPECT_EQ(t.data_type(), kF16) << t.name();
  std::vector<uint16_t> bits(t.raw_data().size() / 2);
  std::memcpy(bits.data(), t.raw_data().data(), bits.size() * 2);
  for (int32_t v : t.int32_data()) bits.push_back(static_cast<uint16_t>(v));
  return bits;
}

const onnx::NodeProto& producer_of(const onnx::GraphProto& g, const std::string& value) {
  for (const auto& n : g.node())
    for (const auto& o : n.output())
      if (o == value) return n;
  throw std::runtime_error("no producer of " + value);
}

int64_t cast_to(const onnx::NodeProto& n) {
  EXPECT_EQ(n.op_type(), "Cast");
  for (const auto& a : n.attribute())
    if (a.name() == "to") return a.i();
  return -1;
}

// Converted, checked (checker, strict types) and saved; `file` names it.
onnx::ModelProto convert_checked(const onnx::ModelProto& m, const Fp16Options& o,
                                 const std::string& file, std::string* path = nullptr) {
  onnx::ModelProto out = fp16_test::converted(m, o);
  fp16_test::strict_types(out);  // throws on a type clash
  const std::string saved = fp16_test::save_checked(file, out);
  if (path != nullptr) *path = saved;
  return out;
}

// The original and the converted model on ONNX Runtime: the same output
// shapes, and values equal to float16 precision (2^-10 relative: one
// rounding of the inputs, one of the result). Returns the converted one's.
NamedTensors expect_same_as_original(const onnx::ModelProto& original,
                                     const std::string& converted_path, const NamedTensors& inputs,
                                     const Fp16Options& o, const std::string& file) {
  const std::string original_path = onnx_test::save(file + ".orig.onnx", original);
  const NamedTensors want = fp16_test::run_ort(original_path, inputs);
  NamedTensors half_inputs;
  for (const auto& [name, t] : inputs)
    half_inputs.set(name,
                    t.dtype() == DType::kFloat32 && !o.keep_io_types ? fp16_test::to_half(t) : t);
  const NamedTensors got = fp16_test::run_ort(converted_path, half_inputs);
  EXPECT_EQ(got.names(), want.names());
  if (got.names() != want.names()) return got;
  for (size_t i = 0; i < want.size(); ++i) {
    const Tensor& w = want[i].second;
    const Tensor g = fp16_test::to_float(got[i].second);
    EXPECT_EQ(g.shape(), w.shape()) << want[i].first;
    if (g.shape() != w.shape()) continue;
    if (w.dtype() != DType::kFloat32) {
      EXPECT_EQ(std::memcmp(g.data(), w.data(), w.nbytes()), 0) << want[i].first;
      continue;
    }
    for (int64_t k = 0; k < w.numel(); ++k) {
      const float a = g.data_as<float>()[k], b = w.data_as<float>()[k];
      EXPECT_NEAR(a, b, std::ldexp(std::abs(b), -10) + 1e-6) << want[i].first << "[" << k << "]";
    }
  }
  return got;
}

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

// ---- blocked nodes, subgraphs, shared weights ---------------------------

// y = TopK(x, k): on the default block list. Its values output is a graph
// output: TopK writes a renamed float32 value, a Cast makes the float16 `y`.
onnx::ModelProto topk_model() {
  onnx::ModelProto m = make_model(13);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {1, 6});
  *g.add_initializer() = int64_tensor("k", {3});
  add_node(g, "Relu", {"x"}, {"r"}, "relu");
  add_node(g, "TopK", {"r", "k"}, {"y", "idx"}, "topk");
  set_value(g.add_output(), "y", {1, 3});
  set_value(g.add_output(), "idx", {1, 3}, onnx::TensorProto::INT64);
  return m;
}

NamedTensors topk_inputs() {
  NamedTensors in;
  in.set("x", fp16_test::float_tensor({1, 6}, {0.5, -2, 7.25, 3, 1024, 6}));
  return in;
}

TEST(Fp16Convert, BlockedNodeWritingAGraphOutputKeepsTheOutputsName) {
  const onnx::ModelProto m = topk_model();
  std::string path;
  const onnx::ModelProto out = convert_checked(m, {}, "topk.onnx", &path);
  const auto& g = out.graph();
  EXPECT_EQ(fp16_test::float32_nodes(out), std::set<std::string>{"topk"});
  EXPECT_EQ(fp16_test::elem_type(g.output(), "y"), kF16);
  EXPECT_EQ(fp16_test::elem_type(g.output(), "idx"), onnx::TensorProto::INT64);
  const onnx::NodeProto& y_cast = producer_of(g, "y");
  EXPECT_EQ(cast_to(y_cast), kF16);
  EXPECT_EQ(producer_of(g, y_cast.input(0)).name(), "topk");
  EXPECT_EQ(onnx_test::count_op(g, "Cast"), 2);
  expect_same_as_original(m, path, topk_inputs(), {}, "topk");
}

TEST(Fp16Convert, KeepIoTypesLetsABlockedNodeReadTheInputDirectly) {
  Fp16Options o;
  o.keep_io_types = true;
  o.op_block_list = {"Relu", "TopK"};
  const onnx::ModelProto m = topk_model();
  std::string path;
  const onnx::ModelProto out = convert_checked(m, o, "topk_keep.onnx", &path);
  // Nothing reads float16: no Cast at all, the graph is unchanged.
  EXPECT_EQ(out.SerializeAsString(), m.SerializeAsString());
  expect_same_as_original(m, path, topk_inputs(), o, "topk_keep");
}

// w feeds Mul (float16) and Max (blocked): it is kept in both types
// rather than rounded and cast back.
TEST(Fp16Convert, AWeightReadByBothKindsIsKeptTwice) {
  onnx::ModelProto m = make_model(13);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {4});
  add_initializer(g, "w", {4}, {0.1f, 1.0f / 3, 2.5f, -7.0f});
  add_node(g, "Mul", {"x", "w"}, {"p"}, "mul");
  add_node(g, "Max", {"x", "w"}, {"q"}, "max");
  set_value(g.add_output(), "p", {4});
  set_value(g.add_output(), "q", {4});
  std::string path;
  const onnx::ModelProto out = convert_checked(m, {}, "shared.onnx", &path);
  ASSERT_EQ(out.graph().initializer_size(), 2);
  const onnx::NodeProto& max = *onnx_test::find_node(out.graph(), "max");
  const onnx::TensorProto* w32 = fp16_test::initializer(out.graph(), max.input(1));
  ASSERT_NE(w32, nullptr);
  EXPECT_EQ(w32->data_type(), kF32);
  EXPECT_EQ(w32->float_data(1), 1.0f / 3);  // not rounded
  EXPECT_EQ(fp16_test::initializer(out.graph(), "w")->data_type(), kF16);
  EXPECT_EQ(onnx_test::find_node(out.graph(), "mul")->input(1), "w");
  NamedTensors in;
  in.set("x", fp16_test::float_tensor({4}, {1, 0.25, 3, -8}));
  expect_same_as_original(m, path, in, {}, "shared");
}

// Old exporters list the weights as graph inputs too: they are still
// weights (converted, their input entries following), even with
// keep_io_types.
TEST(Fp16Convert, AWeightListedAsAnInputIsConvertedLikeAWeight) {
  onnx::ModelProto m = make_model(13);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {3});
  set_value(g.add_input(), "w", {3});
  add_initializer(g, "w", {3}, {0.5f, -2.0f, 1e-9f});
  add_node(g, "Mul", {"x", "w"}, {"y"}, "mul");
  set_value(g.add_output(), "y", {3});
  Fp16Options o;
  o.keep_io_types = true;
  std::string path;
  const onnx::ModelProto out = convert_checked(m, o, "weight_input.onnx", &path);
  EXPECT_EQ(half_bits(*fp16_test::initializer(out.graph(), "w")),
            (std::vector<uint16_t>{0x3800, 0xC000, 0x0002}));  // 0.5, -2, 1e-7 clamped
  EXPECT_EQ(fp16_test::elem_type(out.graph().input(), "w"), kF16);
  EXPECT_EQ(fp16_test::elem_type(out.graph().input(), "x"), kF32);
  EXPECT_EQ(fp16_test::elem_type(out.graph().output(), "y"), kF32);
  NamedTensors in;
  in.set("x", fp16_test::float_tensor({3}, {2, 3, 4}));
  expect_same_as_original(m, path, in, o, "weight_input");
}

// y = If(c) then Relu(a) + 1 else -a, with a = Abs(x) read by both bodies
// from the outer graph. If and its bodies stay float32; the bodies read a
// float32 Cast of `a` instead.
TEST(Fp16Convert, SubgraphsStayFloat32AndReadACastOfOuterValues) {
  onnx::ModelProto m = make_model(13);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {3});
  set_value(g.add_input(), "c", {}, onnx::TensorProto::BOOL);
  add_node(g, "Abs", {"x"}, {"a"}, "abs");
  auto* node = add_node(g, "If", {"c"}, {"b"}, "if");
  for (const char* branch : {"then_branch", "else_branch"}) {
    auto* attr = node->add_attribute();
    attr->set_name(branch);
    attr->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto& body = *attr->mutable_g();
    body.set_name(branch);
    const std::string out = std::string(branch) + "_out";
    if (std::string(branch) == "then_branch") {
      add_initializer(body, "one", {1}, {1.0f});
      add_node(body, "Relu", {"a"}, {"ra"});
      add_node(body, "Add", {"ra", "one"}, {out});
    } else {
      add_node(body, "Neg", {"a"}, {out});
    }
    set_value(body.add_output(), out, {3});
  }
  add_node(g, "Mul", {"b", "b"}, {"y"}, "square");
  set_value(g.add_output(), "y", {3});
  std::string path;
  const onnx::ModelProto out = convert_checked(m, {}, "if.onnx", &path);
  const auto& og = out.graph();
  EXPECT_EQ(fp16_test::float32_nodes(out), std::set<std::string>{"if"});
  const onnx::NodeProto& cond = *onnx_test::find_node(og, "if");
  for (const auto& attr : cond.attribute()) {
    const onnx::GraphProto& body = attr.g();
    const std::string& read = body.node(0).input(0);  // Relu(a) or Neg(a)
    EXPECT_NE(read, "a") << attr.name();
    EXPECT_EQ(cast_to(producer_of(og, read)), kF32) << attr.name();
    EXPECT_EQ(body.output(0).type().tensor_type().elem_type(), kF32) << attr.name();
  }
  EXPECT_EQ(fp16_test::initializer(cond.attribute(0).g(), "one")->data_type(), kF32);
  for (bool c : {true, false}) {
    NamedTensors in;
    in.set("x", fp16_test::float_tensor({3}, {-1.5, 0, 2}));
    Tensor flag = Tensor::empty(DType::kBool, {});
    *flag.data_as<bool>() = c;
    in.set("c", flag);
    expect_same_as_original(m, path, in, {}, c ? "if_then" : "if_else");
  }
}

// A custom-domain op has no schema: it stays float32 behind Casts, and the
// value after it gets its type from the Relu that reads it.
TEST(Fp16Convert, CustomOpsStayFloat32) {
  onnx::ModelProto m = make_model(13);
  auto* opset = m.add_opset_import();
  opset->set_domain("mmdeploy");
  opset->set_version(1);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {4});
  add_node(g, "Relu", {"x"}, {"r"}, "relu");
  add_node(g, "grid_sampler", {"r"}, {"s"}, "custom")->set_domain("mmdeploy");
  add_node(g, "Relu", {"s"}, {"y"}, "relu2");
  set_value(g.add_output(), "y", {4});
  onnx::ModelProto out = fp16_test::converted(m, {});
  const auto& og = out.graph();
  const onnx::NodeProto& custom = *onnx_test::find_node(og, "custom");
  EXPECT_EQ(cast_to(producer_of(og, custom.input(0))), kF32);
  const onnx::NodeProto& relu2 = *onnx_test::find_node(og, "relu2");
  const onnx::NodeProto& back = producer_of(og, relu2.input(0));
  EXPECT_EQ(cast_to(back), kF16);
  EXPECT_EQ(back.input(0), "s");
  EXPECT_EQ(fp16_test::elem_type(og.output(), "y"), kF16);
}

// ---- errors, and a second pass ------------------------------------------

TEST(Fp16Convert, ExternalWeightsAndOldOpsetsAreErrorsThatLeaveTheModel) {
  onnx::ModelProto m = topk_model();
  auto* w = m.mutable_graph()->add_initializer();
  *w = onnx_test::float_tensor("big", {2}, {});
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* e = w->add_external_data();
  e->set_key("location");
  e->set_value("weights.bin");
  onnx::ModelProto copy = m;
  Status s = quantize::convert_to_fp16(copy, {}, "ext.onnx");
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("ext.onnx"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'big'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("external data"), std::string::npos) << s.message();
  EXPECT_EQ(copy.SerializeAsString(), m.SerializeAsString());

  onnx::ModelProto old = topk_model();
  old.mutable_opset_import(0)->set_version(6);
  copy = old;
  s = quantize::convert_to_fp16(copy, {}, "old.onnx");
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("opset 6"), std::string::npos) << s.message();
  EXPECT_EQ(copy.SerializeAsString(), old.SerializeAsString());
}

TEST(Fp16Convert, ASecondPassChangesNothing) {
  for (const auto& m : {topk_model(), resize_model(), weights_model()}) {
    const onnx::ModelProto once = fp16_test::converted(m, {});
    const onnx::ModelProto twice = fp16_test::converted(once, {});
    EXPECT_EQ(twice.SerializeAsString(), once.SerializeAsString()) << m.graph().node(0).name();
  }
}

}  // namespace
}  // namespace nnport
