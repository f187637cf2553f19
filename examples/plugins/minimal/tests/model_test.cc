// Parsing well-formed models built in code, and running them.
#include "interpreter.h"
#include "onnx_model.h"
#include "proto_writer.h"
#include "test_util.h"

namespace minimal {
namespace {

namespace t = minimal::testing;

TEST(Model, ParsesGraphAttributesAndShapes) {
  const Model m =
      parse_model(t::model({t::node("Gemm", {"x", "w", ""}, {"y"},
                                    {t::int_attr("transB", 1), t::float_attr("alpha", 0.5f),
                                     t::ints_attr("unused", {3, -4})},
                                    "fc")},
                           {t::tensor_proto("w", {2, 3}, {1, 2, 3, 4, 5, 6})},
                           {t::value_info("x", 1, {-1, 3})}, {t::value_info("y", 1, {-1, 2})}, 17));
  EXPECT_EQ(m.ir_version, 8);
  EXPECT_EQ(m.opset(), 17);
  ASSERT_EQ(m.graph.nodes.size(), 1u);
  const Node& n = m.graph.nodes[0];
  EXPECT_EQ(n.name, "fc");
  EXPECT_EQ(n.op_type, "Gemm");
  EXPECT_EQ(n.inputs, (std::vector<std::string>{"x", "w", ""}));
  ASSERT_NE(n.attribute("alpha"), nullptr);
  EXPECT_EQ(n.attribute("alpha")->f, 0.5f);
  EXPECT_EQ(n.attribute("transB")->i, 1);
  EXPECT_EQ(n.attribute("unused")->ints, (std::vector<int64_t>{3, -4}));
  ASSERT_EQ(m.graph.inputs.size(), 1u);
  EXPECT_EQ(m.graph.inputs[0].dims, (Dims{-1, 3}));
  EXPECT_EQ(m.graph.inputs[0].dim_names, (std::vector<std::string>{"N", ""}));
  ASSERT_EQ(m.graph.initializers.size(), 1u);
  EXPECT_EQ(m.graph.initializers[0].tensor.f32.size(), 6u);
}

TEST(Model, RunsGemmReluWithAConstantReshape) {
  // y = Relu(Reshape(x, [1, 3]) * W^T + b)
  const Model m = parse_model(t::model(
      {t::node("Reshape", {"x", "shape"}, {"x2"}),
       t::node("Gemm", {"x2", "w", "b"}, {"h"}, {t::int_attr("transB", 1)}),
       t::node("Relu", {"h"}, {"y"})},
      {t::int64_tensor_proto("shape", {2}, {1, 3}),
       t::tensor_proto("w", {2, 3}, {1, 2, 3, -1, -2, -3}), t::tensor_proto("b", {2}, {0.5f, 1})},
      {t::value_info("x", 1, {3})}, {t::value_info("y", 1, {1, 2})}));
  const Interpreter interp(m);
  ASSERT_EQ(interp.inputs().size(), 1u);  // initializers are not inputs
  const auto out = interp.run({{"x", Tensor::floats({3}, {1, 1, 1})}}, {"y"});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dims, (Dims{1, 2}));
  EXPECT_EQ(out[0].f32, (std::vector<float>{6.5f, 0}));
}

TEST(Model, InterpreterRejectsGraphsItCannotRun) {
  const auto in = t::value_info("x", 1, {2});
  const auto out = t::value_info("y", 1, {2});
  EXPECT_PLUGIN_ERROR(
      Interpreter(parse_model(t::model({t::node("Conv", {"x"}, {"y"})}, {}, {in}, {out}))),
      NNPORT_UNIMPLEMENTED,
      "op 'Conv' (node 'Conv_0') is not supported; supported: Add, Constant, Div, "
      "Flatten, Gather, Gemm, Identity, LayerNormalization, MatMul, Mul, "
      "ReduceMean, Relu, Reshape, Shape, Sigmoid, Slice, Softmax, Sub, Tanh, "
      "Transpose");
  EXPECT_PLUGIN_ERROR(
      Interpreter(parse_model(t::model(
          {t::node("Relu", {"y2"}, {"y"}), t::node("Relu", {"x"}, {"y2"})}, {}, {in}, {out}))),
      NNPORT_INVALID_ARGUMENT, "reads 'y2' before any node produces it");
  EXPECT_PLUGIN_ERROR(
      Interpreter(parse_model(t::model({t::node("Relu", {"x"}, {"z"})}, {}, {in}, {out}))),
      NNPORT_INVALID_ARGUMENT, "graph output 'y' is produced by no node");
  EXPECT_PLUGIN_ERROR(
      Interpreter(parse_model(t::model({t::node("Add", {"x"}, {"y"})}, {}, {in}, {out}))),
      NNPORT_INVALID_ARGUMENT, "has 1 inputs, expected 2 to 2");
  EXPECT_PLUGIN_ERROR(Interpreter(parse_model(t::model({t::node("Relu", {"x"}, {"y"})}, {},
                                                       {t::value_info("x", 11, {2})}, {out}))),
                      NNPORT_UNIMPLEMENTED, "input 'x' has dtype float64");
}

}  // namespace
}  // namespace minimal
