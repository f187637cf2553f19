// The remove_identity pass: wiring by hand-built graphs, the cases where an
// Identity must stay, and equal outputs under ONNX Runtime before and after.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "nnport/npy.h"
#include "nnport/onnx_model.h"
#include "onnx_graph_test_util.h"
#include "onnx_ort_test_util.h"

namespace nnport {
namespace {

using namespace onnx_test;  // NOLINT: the graph builders

using Names = std::vector<std::string>;

// Writes `model`, rewrites it with remove_identity (checker on) and loads
// the result; the original's path goes to *original.
onnx::ModelProto rewritten(const std::string& name, const onnx::ModelProto& model,
                           std::string* original = nullptr) {
  const std::string in = save(name + ".onnx", model);
  const std::string out = (scratch_dir() / (name + ".noid.onnx")).string();
  Status s = rewrite_onnx(in, out, {.passes = {"remove_identity"}});
  if (!s.ok()) throw std::runtime_error(s.message());
  if (original) *original = in;
  return load(out);
}

// x -> Identity -> Add(., Identity(w)) -> Identity -> Relu -> y.
onnx::ModelProto chain_model() {
  onnx::ModelProto m = make_model(17);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {2, 3});
  add_initializer(g, "w", {2, 3}, {1, -2, 3, -4, 5, -6});
  add_node(g, "Identity", {"w"}, {"w_id"}, "id_w");
  add_node(g, "Identity", {"x"}, {"x_id"}, "id_x");
  add_node(g, "Add", {"x_id", "w_id"}, {"s"}, "add");
  add_node(g, "Identity", {"s"}, {"s_id"}, "id_s");
  add_node(g, "Relu", {"s_id"}, {"y"}, "relu");
  set_value(g.add_output(), "y", {2, 3});
  set_value(g.add_value_info(), "x_id", {2, 3});
  set_value(g.add_value_info(), "s_id", {2, 3});
  set_value(g.add_value_info(), "s", {2, 3});
  return m;
}

TEST(OnnxRemoveIdentity, ConsumersReadTheInputAndInitializersDirectly) {
  const onnx::ModelProto m = rewritten("chain", chain_model());
  const onnx::GraphProto& g = m.graph();
  EXPECT_EQ(g.node_size(), 2);  // 5 - 3 Identity nodes
  EXPECT_EQ(count_op(g, "Identity"), 0);
  EXPECT_EQ(inputs_of(*find_node(g, "add")), (Names{"x", "w"}));
  EXPECT_EQ(inputs_of(*find_node(g, "relu")), (Names{"s"}));
  EXPECT_FALSE(has_value_info(g, "x_id"));
  EXPECT_FALSE(has_value_info(g, "s_id"));
  EXPECT_TRUE(has_value_info(g, "s"));
  EXPECT_EQ(g.output(0).name(), "y");
}

// Relu(x) -> r -> Identity -> y (output); Neg(r) -> z (output).
onnx::ModelProto output_model() {
  onnx::ModelProto m = make_model(17);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {2, 3});
  add_node(g, "Relu", {"x"}, {"r"}, "relu");
  add_node(g, "Identity", {"r"}, {"y"}, "id");
  add_node(g, "Neg", {"r"}, {"z"}, "neg");
  set_value(g.add_output(), "y", {2, 3});
  set_value(g.add_output(), "z", {2, 3});
  set_value(g.add_value_info(), "r", {2, 3});
  return m;
}

TEST(OnnxRemoveIdentity, AnOutputKeepsItsNameByRenamingTheProducer) {
  const onnx::ModelProto m = rewritten("output", output_model());
  const onnx::GraphProto& g = m.graph();
  ASSERT_EQ(g.node_size(), 2);
  EXPECT_EQ(find_node(g, "relu")->output(0), "y");
  EXPECT_EQ(inputs_of(*find_node(g, "neg")), (Names{"y"}));
  EXPECT_FALSE(has_value_info(g, "r"));
  EXPECT_EQ(g.output(0).name(), "y");
  EXPECT_EQ(g.output(1).name(), "z");
}

// Identity(w) -> y (output); Add(x, w) -> z (output).
onnx::ModelProto initializer_output_model() {
  onnx::ModelProto m = make_model(17);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {2, 3});
  add_initializer(g, "w", {2, 3}, {0.5f, 1.5f, -2.5f, 3, 4, -5});
  add_node(g, "Identity", {"w"}, {"y"}, "id");
  add_node(g, "Add", {"x", "w"}, {"z"}, "add");
  set_value(g.add_output(), "y", {2, 3});
  set_value(g.add_output(), "z", {2, 3});
  return m;
}

TEST(OnnxRemoveIdentity, AnOutputFedByAnInitializerRenamesTheInitializer) {
  const onnx::ModelProto m = rewritten("init_output", initializer_output_model());
  const onnx::GraphProto& g = m.graph();
  ASSERT_EQ(g.node_size(), 1);
  ASSERT_EQ(g.initializer_size(), 1);
  EXPECT_EQ(g.initializer(0).name(), "y");
  EXPECT_EQ(inputs_of(g.node(0)), (Names{"x", "y"}));
}

TEST(OnnxRemoveIdentity, KeepsAnIdentityBetweenTwoInterfaceNames) {
  onnx::ModelProto m = make_model(17);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {2});
  add_node(g, "Identity", {"x"}, {"y"}, "in_to_out");  // input -> output: kept
  add_node(g, "Relu", {"x"}, {"a"}, "relu");
  add_node(g, "Identity", {"a"}, {"b"}, "out_to_out");  // output -> output: kept
  add_node(g, "Identity", {"a"}, {"c"}, "out_to_out2");
  // r feeds two outputs: the first takes r's name, the second then copies
  // an output and stays.
  add_node(g, "Neg", {"x"}, {"r"}, "neg");
  add_node(g, "Identity", {"r"}, {"d"}, "first");
  add_node(g, "Identity", {"r"}, {"e"}, "second");
  for (const char* out : {"y", "a", "b", "c", "d", "e"}) set_value(g.add_output(), out, {2});
  const onnx::ModelProto r = rewritten("interface", m);
  const onnx::GraphProto& rg = r.graph();
  EXPECT_EQ(count_op(rg, "Identity"), 4);
  EXPECT_NE(find_node(rg, "in_to_out"), nullptr);
  EXPECT_NE(find_node(rg, "out_to_out"), nullptr);
  EXPECT_NE(find_node(rg, "out_to_out2"), nullptr);
  EXPECT_EQ(find_node(rg, "first"), nullptr);
  EXPECT_EQ(find_node(rg, "neg")->output(0), "d");
  EXPECT_EQ(inputs_of(*find_node(rg, "second")), (Names{"d"}));
}

TEST(OnnxRemoveIdentity, RewiresReadersInSubgraphsAndLeavesTheirIdentities) {
  onnx::ModelProto m = make_model(17);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "cond", {}, onnx::TensorProto::BOOL);
  set_value(g.add_input(), "x", {2});
  add_node(g, "Identity", {"x"}, {"xi"}, "top_id");
  onnx::NodeProto* if_node = add_node(g, "If", {"cond"}, {"y"}, "if");
  onnx::AttributeProto* then_attr = if_node->add_attribute();
  then_attr->set_name("then_branch");
  then_attr->set_type(onnx::AttributeProto::GRAPH);
  onnx::GraphProto* then_g = then_attr->mutable_g();
  then_g->set_name("then");
  add_node(*then_g, "Identity", {"xi"}, {"t"}, "body_id");
  set_value(then_g->add_output(), "t", {2});
  onnx::AttributeProto* else_attr = if_node->add_attribute();
  else_attr->set_name("else_branch");
  else_attr->set_type(onnx::AttributeProto::GRAPH);
  onnx::GraphProto* else_g = else_attr->mutable_g();
  else_g->set_name("else");
  add_node(*else_g, "Neg", {"xi"}, {"e"}, "body_neg");
  set_value(else_g->add_output(), "e", {2});
  set_value(g.add_output(), "y", {2});

  const onnx::ModelProto r = rewritten("subgraph", m);
  const onnx::GraphProto& rg = r.graph();
  ASSERT_EQ(rg.node_size(), 1);  // top_id gone
  const onnx::NodeProto& rif = rg.node(0);
  ASSERT_EQ(rif.attribute_size(), 2);
  const onnx::GraphProto& rthen = rif.attribute(0).g();
  const onnx::GraphProto& relse = rif.attribute(1).g();
  ASSERT_EQ(rthen.node_size(), 1);  // the body's Identity stays
  EXPECT_EQ(rthen.node(0).op_type(), "Identity");
  EXPECT_EQ(inputs_of(rthen.node(0)), (Names{"x"}));
  EXPECT_EQ(inputs_of(relse.node(0)), (Names{"x"}));
}

// tiny_mlp with an Identity in front of every node input and one between
// the last node and the graph output (the test models have none).
onnx::ModelProto with_identities(onnx::ModelProto m) {
  onnx::GraphProto& g = *m.mutable_graph();
  onnx::GraphProto out;
  int k = 0;
  for (const onnx::NodeProto& node : g.node()) {
    onnx::NodeProto copy = node;
    for (std::string& in : *copy.mutable_input()) {
      if (in.empty()) continue;
      const std::string id = in + "_id" + std::to_string(k++);
      add_node(out, "Identity", {in}, {id});
      in = id;
    }
    *out.add_node() = copy;
  }
  const std::string y = g.output(0).name();
  for (onnx::NodeProto& node : *out.mutable_node())
    for (std::string& o : *node.mutable_output())
      if (o == y) o = y + "_pre";
  add_node(out, "Identity", {y + "_pre"}, {y});
  *g.mutable_node() = out.node();
  return m;
}

TEST(OnnxRemoveIdentity, TinyMlpWithIdentitiesComesBackToTheOriginalWiring) {
  NNPORT_SKIP_WITHOUT_MODEL("tiny_mlp");
  const onnx::ModelProto original = load(model_path("tiny_mlp"));
  const onnx::ModelProto inflated = with_identities(original);
  ASSERT_GT(count_op(inflated.graph(), "Identity"), original.graph().node_size());
  const onnx::ModelProto r = rewritten("tiny_mlp_ids", inflated);
  ASSERT_EQ(r.graph().node_size(), original.graph().node_size());
  for (int i = 0; i < r.graph().node_size(); ++i) {
    EXPECT_EQ(inputs_of(r.graph().node(i)), inputs_of(original.graph().node(i))) << i;
    EXPECT_EQ(r.graph().node(i).output(0), original.graph().node(i).output(0)) << i;
  }
}

TEST(OnnxRemoveIdentity, OnnxRuntimeGivesTheSameOutputsBeforeAndAfter) {
  std::string why;
  const BackendManager* ort = ort_backend(&why);
  if (ort == nullptr) GTEST_SKIP() << "no onnxruntime backend in this build: " << why;
  std::vector<float> x = {-1.5f, 2, -0.25f, 4, 0, -7};
  NamedTensors inputs;
  inputs.set("x", Tensor::view(DType::kFloat32, {2, 3}, x.data()));
  std::vector<std::pair<std::string, onnx::ModelProto>> cases = {
      {"chain", chain_model()},
      {"output", output_model()},
      {"init_output", initializer_output_model()}};
  if (have_model("tiny_mlp"))
    cases.emplace_back("tiny_mlp", with_identities(load(model_path("tiny_mlp"))));
  for (const auto& [name, model] : cases) {
    NamedTensors feed = inputs;
    if (name == "tiny_mlp") {
      auto t = read_npy(models_dir() + "/tiny_mlp/inputs/input.npy");
      ASSERT_TRUE(t.ok()) << t.status().message();
      feed = NamedTensors();
      feed.set(model.graph().input(0).name(), *t);
    }
    std::string original;
    const onnx::ModelProto r = rewritten("ort_" + name, model, &original);
    const std::string after = save("ort_" + name + ".after.onnx", r);
    const NamedTensors a = run_ort(*ort, original, feed);
    const NamedTensors b = run_ort(*ort, after, feed);
    ASSERT_EQ(a.names(), b.names()) << name;
    for (size_t i = 0; i < a.size(); ++i) {
      const Tensor& ta = a[i].second;
      const Tensor& tb = b[i].second;
      ASSERT_EQ(ta.shape(), tb.shape()) << name << " " << a[i].first;
      ASSERT_EQ(ta.nbytes(), tb.nbytes());
      EXPECT_EQ(std::memcmp(ta.data(), tb.data(), ta.nbytes()), 0)
          << name << " output " << a[i].first;
    }
  }
}

}  // namespace
}  // namespace nnport
