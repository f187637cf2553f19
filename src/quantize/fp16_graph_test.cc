// The fp16 pass on small graphs built here: blocked nodes, graph outputs
// they write, weights both kinds read, weights listed as inputs, If
// bodies, custom ops, errors. Each converted graph passes ONNX's checker and
// strict type inference, and runs on ONNX Runtime with the original's
// outputs (to float16 rounding).
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

TEST(Fp16Convert, ASecondPassOverBlockedNodesChangesNothing) {
  const onnx::ModelProto once = fp16_test::converted(topk_model(), {});
  const onnx::ModelProto twice = fp16_test::converted(once, {});
  EXPECT_EQ(twice.SerializeAsString(), once.SerializeAsString());
}

}  // namespace
}  // namespace nnport
