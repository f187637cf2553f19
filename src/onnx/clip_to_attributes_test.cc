// The clip_to_attributes pass: constant min/max inputs become opset-6
// attributes holding the initializers' values; every non-constant bound is
// an error naming the node; the checker runs before the pass, not after.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "nnport/onnx_model.h"
#include "onnx_graph_test_util.h"

namespace nnport {
namespace {

using namespace onnx_test;  // NOLINT: the graph builders

namespace fs = std::filesystem;
using Names = std::vector<std::string>;

const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

const onnx::TensorProto* initializer(const onnx::GraphProto& g, const std::string& name) {
  for (const auto& t : g.initializer())
    if (t.name() == name) return &t;
  return nullptr;
}

// x -> Clip(lo, hi) -> a; x -> Clip("", hi) -> b; x -> Clip(lo, c) -> d where
// c is a Constant node; lo and hi are scalar initializers.
onnx::ModelProto clips_model() {
  onnx::ModelProto m = make_model(13);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {4});
  add_initializer(g, "lo", {}, {-0.5f});
  add_initializer(g, "hi", {}, {2.25f});
  onnx::NodeProto* c = add_node(g, "Constant", {}, {"c"}, "const_c");
  onnx::AttributeProto* value = c->add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  *value->mutable_t() = float_tensor("", {}, {1.75f});
  add_node(g, "Clip", {"x", "lo", "hi"}, {"a"}, "clip_both");
  add_node(g, "Clip", {"x", "", "hi"}, {"b"}, "clip_max");
  add_node(g, "Clip", {"x", "lo", "c"}, {"d"}, "clip_const");
  add_node(g, "Clip", {"x"}, {"e"}, "clip_none");
  for (const char* out : {"a", "b", "d", "e"}) set_value(g.add_output(), out, {4});
  set_value(g.add_value_info(), "c", {});
  return m;
}

TEST(OnnxClipToAttributes, ConstantBoundsBecomeTheInitializersValues) {
  const onnx::ModelProto original = clips_model();
  const std::string in = save("clips.onnx", original);
  const std::string out = (scratch_dir() / "clips.attr.onnx").string();
  // check stays on: the checker runs on the input, not on the result.
  Status s = rewrite_onnx(in, out, {.passes = {"clip_to_attributes"}});
  ASSERT_TRUE(s.ok()) << s.message();
  const onnx::ModelProto r = load(out);
  const onnx::GraphProto& g = r.graph();
  const float lo = initializer(original.graph(), "lo")->float_data(0);
  const float hi = initializer(original.graph(), "hi")->float_data(0);

  EXPECT_EQ(g.node_size(), 4);  // the Constant went with its last reader
  EXPECT_EQ(g.initializer_size(), 0);
  EXPECT_FALSE(has_value_info(g, "c"));
  const onnx::NodeProto& both = *find_node(g, "clip_both");
  EXPECT_EQ(inputs_of(both), (Names{"x"}));
  ASSERT_NE(attr(both, "min"), nullptr);
  ASSERT_NE(attr(both, "max"), nullptr);
  EXPECT_EQ(attr(both, "min")->type(), onnx::AttributeProto::FLOAT);
  EXPECT_EQ(attr(both, "min")->f(), lo);
  EXPECT_EQ(attr(both, "max")->f(), hi);

  const onnx::NodeProto& max_only = *find_node(g, "clip_max");
  EXPECT_EQ(inputs_of(max_only), (Names{"x"}));
  EXPECT_EQ(attr(max_only, "min"), nullptr);  // absent: no lower bound
  EXPECT_EQ(attr(max_only, "max")->f(), hi);

  const onnx::NodeProto& from_const = *find_node(g, "clip_const");
  EXPECT_EQ(attr(from_const, "min")->f(), lo);
  EXPECT_EQ(attr(from_const, "max")->f(), 1.75f);

  const onnx::NodeProto& none = *find_node(g, "clip_none");
  EXPECT_EQ(none.attribute_size(), 0);

  // The point of the pass: valid for OpenCV 4.6, not for the opset-13 checker.
  EXPECT_FALSE(check_onnx(out).ok());
}

TEST(OnnxClipToAttributes, KeepsABoundThatSomethingElseReads) {
  onnx::ModelProto m = make_model(13);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {});
  add_initializer(g, "hi", {}, {6});
  add_node(g, "Clip", {"x", "", "hi"}, {"y"}, "clip");
  add_node(g, "Add", {"x", "hi"}, {"z"}, "add");
  set_value(g.add_output(), "y", {});
  set_value(g.add_output(), "z", {});
  const std::string out = (scratch_dir() / "shared.attr.onnx").string();
  ASSERT_TRUE(rewrite_onnx(save("shared.onnx", m), out, {.passes = {"clip_to_attributes"}}).ok());
  const onnx::ModelProto r = load(out);
  ASSERT_NE(initializer(r.graph(), "hi"), nullptr);
  EXPECT_EQ(inputs_of(*find_node(r.graph(), "add")), (Names{"x", "hi"}));
  EXPECT_EQ(inputs_of(*find_node(r.graph(), "clip")), (Names{"x"}));
}

struct ErrorCase {
  const char* name;
  void (*edit)(onnx::GraphProto& g);  // makes the max bound of Clip_3 bad
  const char* want;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class OnnxClipToAttributesError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(OnnxClipToAttributesError, NamesTheNodeAndTheBound) {
  onnx::ModelProto m = make_model(13);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {4});
  add_initializer(g, "lo", {}, {0});
  GetParam().edit(g);
  add_node(g, "Clip", {"x", "lo", "hi"}, {"y"}, "Clip_3");
  set_value(g.add_output(), "y", {4});
  const std::string out = (scratch_dir() / "never.clip.onnx").string();
  fs::remove(out);
  // The checker is off: the bad cases are what the pass itself must refuse.
  Status s = rewrite_onnx(save(std::string("bad_") + GetParam().name + ".onnx", m), out,
                          {.passes = {"clip_to_attributes"}, .check = false});
  ASSERT_FALSE(s.ok());
  const std::string prefix = "pass clip_to_attributes: node 'Clip_3' (Clip): input 'max'";
  EXPECT_NE(s.message().find(prefix), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(GetParam().want), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(out));
}

INSTANTIATE_TEST_SUITE_P(
    Bounds, OnnxClipToAttributesError,
    ::testing::Values(
        ErrorCase{"computed",
                  [](onnx::GraphProto& g) { add_node(g, "Relu", {"x"}, {"hi"}, "Relu_2"); },
                  "is not a constant: 'hi' is computed by node 'Relu_2' (Relu)"},
        ErrorCase{"graph_input",
                  [](onnx::GraphProto& g) {
                    set_value(g.add_input(), "hi", {});
                    add_initializer(g, "hi", {}, {6});  // a default a caller may override
                  },
                  "is not a constant: it is the graph input 'hi'"},
        ErrorCase{"undefined", [](onnx::GraphProto&) {}, "nothing in the graph defines 'hi'"},
        ErrorCase{"not_scalar",
                  [](onnx::GraphProto& g) {
                    add_initializer(g, "hi", {2}, {6, 7});
                  },
                  "holds 2 values, not one scalar"},
        ErrorCase{"int64",
                  [](onnx::GraphProto& g) {
                    onnx::TensorProto* t = g.add_initializer();
                    t->set_name("hi");
                    t->set_data_type(onnx::TensorProto::INT64);
                    t->add_int64_data(6);
                  },
                  "holds int64, not float"},
        ErrorCase{"no_data", [](onnx::GraphProto& g) { add_initializer(g, "hi", {}, {}); },
                  "has no data for its one float"},
        ErrorCase{"constant_without_value",
                  [](onnx::GraphProto& g) {
                    onnx::NodeProto* c = add_node(g, "Constant", {}, {"hi"}, "Constant_1");
                    onnx::AttributeProto* a = c->add_attribute();
                    a->set_name("value_int");
                    a->set_type(onnx::AttributeProto::INT);
                    a->set_i(6);
                  },
                  "(node 'Constant_1' (Constant)) has neither 'value' nor 'value_float'"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(OnnxClipToAttributes, TheCheckerStillRunsOnTheInput) {
  const std::string out = (scratch_dir() / "never.checked.onnx").string();
  Status s = rewrite_onnx(fixture("undefined_input.onnx"), out, {.passes = {"clip_to_attributes"}});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("before pass clip_to_attributes"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("node 'Add_1' (Add)"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(out));
}

TEST(OnnxClipToAttributes, MobileNetV2ClipsBecomeRelu6Attributes) {
  NNPORT_SKIP_WITHOUT_MODEL("mobilenet_v2");
  const onnx::ModelProto original = load(model_path("mobilenet_v2"));
  const int clips = count_op(original.graph(), "Clip");
  ASSERT_GT(clips, 0);
  const std::string out = (scratch_dir() / "mobilenet_v2.attr.onnx").string();
  Status s = rewrite_onnx(model_path("mobilenet_v2"), out, {.passes = {"clip_to_attributes"}});
  ASSERT_TRUE(s.ok()) << s.message();
  const onnx::ModelProto r = load(out);
  EXPECT_EQ(count_op(r.graph(), "Clip"), clips);
  for (const auto& node : r.graph().node()) {
    if (node.op_type() != "Clip") continue;
    EXPECT_EQ(node.input_size(), 1) << node.name();
    ASSERT_NE(attr(node, "min"), nullptr) << node.name();
    ASSERT_NE(attr(node, "max"), nullptr) << node.name();
    EXPECT_EQ(attr(node, "min")->f(), 0.0f) << node.name();
    EXPECT_EQ(attr(node, "max")->f(), 6.0f) << node.name();
  }
  // The bounds' Constant nodes went with their Clip; the rest are read.
  EXPECT_LT(count_op(r.graph(), "Constant"), count_op(original.graph(), "Constant"));
  for (const auto& node : r.graph().node()) {
    if (node.op_type() != "Constant") continue;
    bool read = false;
    for (const auto& other : r.graph().node())
      for (const auto& in : other.input()) read = read || in == node.output(0);
    EXPECT_TRUE(read) << node.name() << " is left unread";
  }
}

}  // namespace
}  // namespace nnport
