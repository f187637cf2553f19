// The int8 rewrite on small hand-made graphs: what it folds, which tensors
// get Q/DQ pairs and with which parameters, the int8 weights and int32
// biases computed by hand, and the numbers on ONNX Runtime against fp32.
#include "quantize/qdq_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "nnport/apis.h"
#include "onnx/onnx_graph_test_util.h"

namespace nnport::quantize {
namespace {

using onnx_test::add_initializer;
using onnx_test::add_node;
using onnx_test::count_op;
using onnx_test::set_value;

// x [1,2,3,3] -> Conv(W 2x2x1x1, B) -> Relu -> y -> GlobalAveragePool -> out
onnx::ModelProto conv_relu_pool(int64_t opset = 13) {
  onnx::ModelProto m = onnx_test::make_model(opset);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {1, 2, 3, 3});
  set_value(g.add_output(), "out", {1, 2, 1, 1});
  set_value(g.add_value_info(), "c", {1, 2, 3, 3});
  set_value(g.add_value_info(), "y", {1, 2, 3, 3});
  add_initializer(g, "W", {2, 2, 1, 1}, {0.5f, -1.0f, 0.25f, 0.125f});
  add_initializer(g, "B", {2}, {0.1f, -0.2f});
  add_node(g, "Conv", {"x", "W", "B"}, {"c"}, "conv");
  add_node(g, "Relu", {"c"}, {"y"}, "relu");
  add_node(g, "GlobalAveragePool", {"y"}, {"out"}, "pool");
  return m;
}

const std::map<std::string, Range> kRanges = {{"x", {-1, 1}}, {"c", {-2, 2}}, {"y", {0, 2}}};

const onnx::TensorProto& initializer(const onnx::GraphProto& g, const std::string& name) {
  for (const auto& t : g.initializer())
    if (t.name() == name) return t;
  throw std::runtime_error("no initializer " + name);
}

template <class T>
std::vector<T> raw_values(const onnx::TensorProto& t) {
  std::vector<T> v(t.raw_data().size() / sizeof(T));
  std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
  return v;
}

// The input of `node` at `slot`, followed back through its DequantizeLinear.
const onnx::NodeProto* dq_feeding(const onnx::GraphProto& g, const onnx::NodeProto& node,
                                  int slot) {
  for (const auto& n : g.node())
    if (n.op_type() == "DequantizeLinear" && n.output(0) == node.input(slot)) return &n;
  return nullptr;
}

TEST(QdqModel, ReluFoldsIntoConvAndWeightsAreQuantizedAsComputedByHand) {
  onnx::ModelProto m = conv_relu_pool();
  auto result = quantize_qdq(m, kRanges, {}, "conv_relu_pool");
  ASSERT_TRUE(result.ok()) << result.status().message();
  const auto& g = m.graph();
  EXPECT_EQ(count_op(g, "Relu"), 0) << "Relu after a quantized Conv folds into its range";
  EXPECT_EQ(count_op(g, "QuantizeLinear"), 2);    // x and y; `out` is a graph output
  EXPECT_EQ(count_op(g, "DequantizeLinear"), 4);  // x, y, W, B
  const onnx::NodeProto* conv = onnx_test::find_node(g, "conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->output(0), "y");
  EXPECT_EQ(result->nodes[1].why, "folded into conv");

  // W per output channel: absmax 1.0 and 0.25, scale absmax / 127;
  // 0.5 * 127 = 63.5 and 0.125 / (0.25 / 127) = 63.5 round to even: 64.
  const onnx::NodeProto* w_dq = dq_feeding(g, *conv, 1);
  ASSERT_NE(w_dq, nullptr);
  EXPECT_EQ(raw_values<int8_t>(initializer(g, w_dq->input(0))),
            (std::vector<int8_t>{64, -127, 127, 64}));
  const auto w_scale = raw_values<float>(initializer(g, w_dq->input(1)));
  ASSERT_EQ(w_scale.size(), 2u);
  EXPECT_FLOAT_EQ(w_scale[0], 1.0f / 127);
  EXPECT_FLOAT_EQ(w_scale[1], 0.25f / 127);

  // B in int32 at scale x_scale * w_scale: x in [-1, 1] has scale 2/255;
  // 0.1 / (2/255 / 127) = 1619.25 and -0.2 / (2/255 * 0.25/127) = -12954.
  const onnx::NodeProto* b_dq = dq_feeding(g, *conv, 2);
  ASSERT_NE(b_dq, nullptr);
  EXPECT_EQ(raw_values<int32_t>(initializer(g, b_dq->input(0))),
            (std::vector<int32_t>{1619, -12954}));
  // The float weights are gone.
  for (const auto& t : g.initializer()) EXPECT_NE(t.name(), "W");

  // y's parameters: [0, 2] -> scale 2/255, zero point 0 (so the quantizer
  // clips at 0 exactly as the Relu did).
  bool found_y = false;
  for (const auto& t : result->tensors)
    if (t.name == "y") {
      found_y = true;
      EXPECT_FLOAT_EQ(t.params.scale, 2.0f / 255);
      EXPECT_EQ(t.params.zero_point, 0);
    }
  EXPECT_TRUE(found_y);
}

TEST(QdqModel, DataMovementSharesItsInputsParameters) {
  onnx::ModelProto m = onnx_test::make_model(13);
  auto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {1, 1, 4, 4});
  set_value(g.add_output(), "out", {1, 3});
  for (const char* v : {"c", "p", "f"}) set_value(g.add_value_info(), v, {});
  add_initializer(g, "W", {1, 1, 1, 1}, {2.0f});
  add_initializer(g, "G", {3, 4}, std::vector<float>(12, 0.5f));
  add_node(g, "Conv", {"x", "W"}, {"c"}, "conv");
  auto* pool = add_node(g, "MaxPool", {"c"}, {"p"}, "pool");
  auto* k = pool->add_attribute();
  k->set_name("kernel_shape");
  k->set_type(onnx::AttributeProto::INTS);
  k->add_ints(2), k->add_ints(2);
  auto* s = pool->add_attribute();
  s->set_name("strides");
  s->set_type(onnx::AttributeProto::INTS);
  s->add_ints(2), s->add_ints(2);
  add_node(g, "Flatten", {"p"}, {"f"}, "flatten");
  auto* gemm = add_node(g, "Gemm", {"f", "G"}, {"out"}, "fc");
  auto* tb = gemm->add_attribute();
  tb->set_name("transB");
  tb->set_type(onnx::AttributeProto::INT);
  tb->set_i(1);
  for (auto* v : {g.mutable_value_info(0), g.mutable_value_info(1), g.mutable_value_info(2)})
    v->mutable_type()->mutable_tensor_type()->clear_shape();

  const std::map<std::string, Range> ranges = {
      {"x", {0, 1}}, {"c", {0, 2}}, {"p", {0, 1.5f}}, {"f", {0, 1.5f}}};
  auto result = quantize_qdq(m, ranges, {}, "move");
  ASSERT_TRUE(result.ok()) << result.status().message();
  std::map<std::string, QuantizedTensor> by_name;
  for (const auto& t : result->tensors) by_name[t.name] = t;
  ASSERT_TRUE(by_name.contains("p") && by_name.contains("f") && by_name.contains("c"));
  // MaxPool and Flatten keep Conv's scale: ONNX Runtime drops their Q/DQ pairs.
  EXPECT_EQ(by_name["p"].params_from, "c");
  EXPECT_EQ(by_name["f"].params_from, "p");
  EXPECT_FLOAT_EQ(by_name["f"].params.scale, 2.0f / 255);
  EXPECT_EQ(by_name["f"].params.zero_point, 0);
  for (const auto& v : result->nodes) EXPECT_TRUE(v.quantized) << v.name << ": " << v.why;
}

TEST(QdqModel, BlockListsKeepNodesInFloat) {
  for (bool by_op : {true, false}) {
    onnx::ModelProto m = conv_relu_pool();
    QdqOptions o;
    if (by_op)
      o.op_block_list = {"Conv"};
    else
      o.node_block_list = {"conv"};
    auto result = quantize_qdq(m, kRanges, o, "blocked");
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_FALSE(result->nodes[0].quantized);
    EXPECT_EQ(result->nodes[0].why, by_op ? "op_block_list" : "node_block_list");
    EXPECT_EQ(count_op(m.graph(), "Relu"), 1) << "nothing folds into a float Conv";
    for (const auto& t : m.graph().initializer()) EXPECT_NE(t.data_type(), onnx::TensorProto::INT8);
  }
}

TEST(QdqModel, ClipFoldsOnlyWhenItsLowerBoundIsAtMostZero) {
  for (float lo : {0.0f, 0.5f}) {
    onnx::ModelProto m = conv_relu_pool();
    auto& g = *m.mutable_graph();
    g.mutable_node(1)->set_op_type("Clip");
    g.mutable_node(1)->add_input("lo");
    g.mutable_node(1)->add_input("hi");
    add_initializer(g, "lo", {}, {lo});
    add_initializer(g, "hi", {}, {6.0f});
    const std::map<std::string, Range> ranges = {
        {"x", {-1, 1}}, {"c", {-2, 2}}, {"y", {0, lo > 0 ? 2.0f : 2.0f}}};
    auto result = quantize_qdq(m, ranges, {}, "clip");
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(count_op(m.graph(), "Clip"), lo > 0 ? 1 : 0) << "lo = " << lo;
  }
}

TEST(QdqModel, RefusesOpsetsBelow13) {
  onnx::ModelProto m = conv_relu_pool(11);
  auto result = quantize_qdq(m, kRanges, {}, "old.onnx");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("opset 11"), std::string::npos)
      << result.status().message();
}

// The rewritten model on ONNX Runtime stays within the quantization steps of
// the fp32 model: input step 2/255, output step 2/255, weights 1/127 relative.
TEST(QdqModel, RunsOnOnnxRuntimeCloseToFloat) {
  onnx::ModelProto fp32 = conv_relu_pool();
  onnx::ModelProto q = fp32;
  ASSERT_TRUE(quantize_qdq(q, kRanges, {}, "q").ok());
  const std::string fp32_path = onnx_test::save("qdq_fp32.onnx", fp32);
  const std::string q_path = onnx_test::save("qdq_int8.onnx", q);
  auto a = build_wrapper_from_target(fp32_path);
  auto b = build_wrapper_from_target(q_path);
  if (!a.ok() && a.status().code() == Code::kUnavailable) GTEST_SKIP() << a.status().message();
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  Tensor x = Tensor::empty(DType::kFloat32, {1, 2, 3, 3});
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < x.numel(); ++i) x.data_as<float>()[i] = u(rng);
  NamedTensors in;
  in.set("x", x);
  auto ya = a->forward(in), yb = b->forward(in);
  ASSERT_TRUE(ya.ok() && yb.ok());
  const float* fa = ya->find("out")->data_as<float>();
  const float* fb = yb->find("out")->data_as<float>();
  for (int c = 0; c < 2; ++c) EXPECT_NEAR(fb[c], fa[c], 0.03) << "channel " << c;
}

}  // namespace
}  // namespace nnport::quantize
