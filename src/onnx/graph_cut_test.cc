// Graph cutting (graph_cut.h): prefixes and node subsets of hand-built
// models checked node by node, and cut pieces of a real model whose
// onnxruntime outputs equal the full model's own intermediate values.
#include "onnx/graph_cut.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "nnport/npy.h"
#include "onnx_graph_test_util.h"
#include "onnx_ort_test_util.h"

namespace nnport {
namespace {

using namespace onnx_test;  // NOLINT: the graph builders
using onnx_internal::boundary_tensors;
using onnx_internal::extract_prefix;
using onnx_internal::extract_subgraph;
using onnx_internal::SubgraphSpec;
using Names = std::vector<std::string>;

// X[1,4] -> add1: a = X + W1 -> relu: b = Relu(a) -> mul: c = b * W2 -> sub: Y = c - d
//                               neg:  d = -a ----------------------------^
// W3 is an initializer nothing reads. Two opset imports.
onnx::ModelProto chain_model() {
  onnx::ModelProto m = make_model(17);
  auto* ml = m.add_opset_import();
  ml->set_domain("ai.onnx.ml");
  ml->set_version(3);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "X", {1, 4});
  add_initializer(g, "W1", {4}, {1, -2, 3, -4});
  add_initializer(g, "W2", {4}, {2, 2, 2, 2});
  add_initializer(g, "W3", {4}, {9, 9, 9, 9});
  add_node(g, "Add", {"X", "W1"}, {"a"}, "add1");
  add_node(g, "Relu", {"a"}, {"b"}, "relu");
  add_node(g, "Neg", {"a"}, {"d"}, "neg");
  add_node(g, "Mul", {"b", "W2"}, {"c"}, "mul");
  add_node(g, "Sub", {"c", "d"}, {"Y"}, "sub");
  set_value(g.add_output(), "Y", {1, 4});
  set_value(g.add_value_info(), "a", {1, 4});
  set_value(g.add_value_info(), "d", {1, 4});
  return m;
}

// X = [0.5, 1, -1, 2]: a = X + W1 = [1.5, -1, 2, -2], b = [1.5, 0, 2, 0],
// c = 2b = [3, 0, 4, 0], d = -a = [-1.5, 1, -2, 2], Y = c - d = [4.5, -1, 6, -2].
const std::vector<float> kX = {0.5f, 1, -1, 2};
const std::vector<float> kA = {1.5f, -1, 2, -2};
const std::vector<float> kB = {1.5f, 0, 2, 0};
const std::vector<float> kC = {3, 0, 4, 0};
const std::vector<float> kD = {-1.5f, 1, -2, 2};
const std::vector<float> kY = {4.5f, -1, 6, -2};

Tensor row(const std::vector<float>& v) {
  Tensor t = Tensor::empty(DType::kFloat32, {1, static_cast<int64_t>(v.size())});
  std::memcpy(t.data(), v.data(), v.size() * sizeof(float));
  return t;
}

std::vector<float> values(const Tensor& t) {
  const auto* p = t.data_as<float>();
  return {p, p + t.numel()};
}

Names node_names(const onnx::GraphProto& g) {
  Names n;
  for (const auto& node : g.node()) n.push_back(node.name());
  return n;
}
Names initializer_names(const onnx::GraphProto& g) {
  Names n;
  for (const auto& t : g.initializer()) n.push_back(t.name());
  return n;
}
template <class List>
Names value_names(const List& list) {
  Names n;
  for (const auto& v : list) n.push_back(v.name());
  return n;
}

std::string out_path(const std::string& name) { return (scratch_dir() / name).string(); }

const BackendManager* ort_or_skip_reason(std::string* why) { return ort_backend(why); }

#define NNPORT_ORT_OR_SKIP(var)                               \
  std::string why_##var;                                      \
  const BackendManager* var = ort_or_skip_reason(&why_##var); \
  if (var == nullptr) GTEST_SKIP() << "no onnxruntime backend in this build: " << why_##var

TEST(GraphCut, PrefixKeepsOnlyWhatTheOutputNeeds) {
  const std::string in = save("chain.onnx", chain_model());
  const std::string out = out_path("chain.prefix_b.onnx");
  ASSERT_TRUE(extract_prefix(in, out, {"b"}).ok());
  const onnx::ModelProto p = load(out);
  const onnx::GraphProto& g = p.graph();
  EXPECT_EQ(node_names(g), (Names{"add1", "relu"}));
  EXPECT_EQ(initializer_names(g), (Names{"W1"}));  // W2 (mul's) and W3 (nobody's) dropped
  EXPECT_EQ(value_names(g.input()), (Names{"X"}));
  EXPECT_EQ(value_names(g.value_info()), (Names{"a"}));  // d's entry went with neg
  ASSERT_EQ(g.output_size(), 1);
  EXPECT_EQ(g.output(0).name(), "b");
  EXPECT_EQ(g.output(0).type().tensor_type().elem_type(), onnx::TensorProto::FLOAT);
  ASSERT_EQ(g.output(0).type().tensor_type().shape().dim_size(), 2);
  EXPECT_EQ(g.output(0).type().tensor_type().shape().dim(1).dim_value(), 4);
  ASSERT_EQ(p.opset_import_size(), 2);
  EXPECT_EQ(p.opset_import(0).version(), 17);
  EXPECT_EQ(p.opset_import(1).domain(), "ai.onnx.ml");
  EXPECT_EQ(p.ir_version(), 8);
}

TEST(GraphCut, PrefixWithTwoOutputsRunsToTheIntermediateValues) {
  const std::string in = save("chain.onnx", chain_model());
  const std::string out = out_path("chain.prefix_dc.onnx");
  ASSERT_TRUE(extract_prefix(in, out, {"d", "c"}).ok());
  const onnx::GraphProto g = load(out).graph();
  EXPECT_EQ(node_names(g), (Names{"add1", "relu", "neg", "mul"}));
  EXPECT_EQ(initializer_names(g), (Names{"W1", "W2"}));
  EXPECT_EQ(value_names(g.output()), (Names{"d", "c"}));  // in the order asked

  NNPORT_ORT_OR_SKIP(ort);
  NamedTensors in_values;
  in_values.set("X", row(kX));
  const NamedTensors r = run_ort(*ort, out, in_values);
  ASSERT_EQ(r.names(), (Names{"d", "c"}));
  EXPECT_EQ(values(r[0].second), kD);
  EXPECT_EQ(values(r[1].second), kC);
}

TEST(GraphCut, PrefixRefusesInputsConstantsAndUnknownNames) {
  const std::string in = save("chain.onnx", chain_model());
  const std::string out = out_path("chain.bad_prefix.onnx");
  const Status input = extract_prefix(in, out, {"X"});
  EXPECT_FALSE(input.ok());
  EXPECT_NE(input.message().find("'X' is a graph input"), std::string::npos) << input.message();
  const Status constant = extract_prefix(in, out, {"W2"});
  EXPECT_NE(constant.message().find("'W2' is an initializer"), std::string::npos)
      << constant.message();
  const Status unknown = extract_prefix(in, out, {"relu_out"});
  EXPECT_EQ(unknown.code(), Code::kNotFound);
  EXPECT_NE(unknown.message().find("no node of the main graph makes a tensor named 'relu_out'"),
            std::string::npos)
      << unknown.message();
  EXPECT_FALSE(extract_prefix(in, out, {}).ok());
  EXPECT_FALSE(extract_prefix(in, out, {"b", "b"}).ok());
  EXPECT_FALSE(std::filesystem::exists(out));  // nothing written on an error
}

TEST(GraphCut, BoundaryTensorsAreWhatRemovedNodesComputed) {
  const std::string in = save("chain.onnx", chain_model());
  auto b = boundary_tensors(in, {4, 3});  // sub, mul: read b (relu's), W2, c (mul's), d (neg's)
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(*b, (Names{"b", "d"}));
  auto none = boundary_tensors(in, {0});  // add1 reads only X and W1
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(boundary_tensors(in, {5}).ok());
  EXPECT_FALSE(boundary_tensors(in, {1, 1}).ok());
}

TEST(GraphCut, SubgraphWithBoundaryInputsReproducesTheModel) {
  const std::string in = save("chain.onnx", chain_model());
  const std::string out = out_path("chain.tail.onnx");
  SubgraphSpec spec;
  spec.node_indices = {3, 4};
  spec.boundary_values.set("b", row(kB));
  spec.boundary_values.set("d", row(kD));
  ASSERT_TRUE(extract_subgraph(in, out, spec).ok());
  const onnx::GraphProto g = load(out).graph();
  EXPECT_EQ(node_names(g), (Names{"mul", "sub"}));
  EXPECT_EQ(initializer_names(g), (Names{"W2"}));
  EXPECT_EQ(value_names(g.input()), (Names{"b", "d"}));  // X is no longer read
  EXPECT_EQ(value_names(g.output()), (Names{"Y"}));
  EXPECT_EQ(g.input(0).type().tensor_type().shape().dim(1).dim_value(), 4);

  NNPORT_ORT_OR_SKIP(ort);
  const NamedTensors r = run_ort(*ort, out, spec.boundary_values);
  ASSERT_EQ(r.names(), (Names{"Y"}));
  EXPECT_EQ(values(r[0].second), kY);
}

TEST(GraphCut, FoldedSubgraphHoldsTheBoundaryValuesAsConstants) {
  const std::string in = save("chain.onnx", chain_model());
  const std::string out = out_path("chain.tail_folded.onnx");
  SubgraphSpec spec;
  spec.node_indices = {3, 4};
  spec.boundary_values.set("b", row(kB));
  spec.boundary_values.set("d", row(kD));
  spec.fold = true;
  ASSERT_TRUE(extract_subgraph(in, out, spec).ok());
  const onnx::GraphProto g = load(out).graph();
  EXPECT_EQ(g.input_size(), 0);
  EXPECT_EQ(initializer_names(g), (Names{"W2", "b", "d"}));

  NNPORT_ORT_OR_SKIP(ort);
  const NamedTensors r = run_ort(*ort, out, NamedTensors{});
  EXPECT_EQ(values(r[0].second), kY);
}

TEST(GraphCut, SubgraphOutputsDefaultToWhatRemovedNodesRead) {
  const std::string in = save("chain.onnx", chain_model());
  const std::string out = out_path("chain.head.onnx");
  SubgraphSpec spec;
  spec.node_indices = {1, 0};  // relu, add1: a feeds the removed neg, b the removed mul
  ASSERT_TRUE(extract_subgraph(in, out, spec).ok());
  const onnx::GraphProto g = load(out).graph();
  EXPECT_EQ(node_names(g), (Names{"add1", "relu"}));
  EXPECT_EQ(value_names(g.output()), (Names{"a", "b"}));
  EXPECT_EQ(value_names(g.input()), (Names{"X"}));
  EXPECT_EQ(initializer_names(g), (Names{"W1"}));

  NNPORT_ORT_OR_SKIP(ort);
  NamedTensors in_values;
  in_values.set("X", row(kX));
  const NamedTensors r = run_ort(*ort, out, in_values);
  EXPECT_EQ(values(r[0].second), kA);
  EXPECT_EQ(values(r[1].second), kB);
}

TEST(GraphCut, SubgraphNamesMissingBoundaryValuesAndBadOutputs) {
  const std::string in = save("chain.onnx", chain_model());
  const std::string out = out_path("chain.bad_sub.onnx");
  SubgraphSpec spec;
  spec.node_indices = {3, 4};
  spec.boundary_values.set("b", row(kB));
  const Status missing = extract_subgraph(in, out, spec);
  EXPECT_NE(missing.message().find("'d'"), std::string::npos) << missing.message();
  spec.boundary_values.set("d", row(kD));
  spec.outputs = {"a"};  // made by a removed node
  const Status bad_output = extract_subgraph(in, out, spec);
  EXPECT_NE(bad_output.message().find("output 'a' is not made by any kept node"), std::string::npos)
      << bad_output.message();
  spec.outputs = {"c"};
  ASSERT_TRUE(extract_subgraph(in, out, spec).ok());
  EXPECT_EQ(value_names(load(out).graph().output()), (Names{"c"}));
}

TEST(GraphCut, ExternalDataIsRefusedClearly) {
  onnx::ModelProto m = chain_model();
  onnx::TensorProto* w = m.mutable_graph()->mutable_initializer(0);
  w->clear_float_data();
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* loc = w->add_external_data();
  loc->set_key("location");
  loc->set_value("weights.bin");
  write_file("weights.bin", std::string(16, '\0'));
  const std::string in = save("chain_external.onnx", m);
  const std::string out = out_path("chain_external.prefix.onnx");
  const Status s = extract_prefix(in, out, {"b"});
  EXPECT_NE(s.message().find("initializer 'W1' is stored as external data"), std::string::npos)
      << s.message();
  EXPECT_FALSE(std::filesystem::exists(out));
}

// An If whose branches read `a` from the main graph without naming it as an
// input: cutting away add1 must make `a` a graph input, or the branch would
// point at nothing.
TEST(GraphCut, ImplicitReadsOfSubgraphsBecomeBoundaryTensors) {
  onnx::ModelProto m = make_model(17);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "X", {1, 4});
  set_value(g.add_input(), "cond", {}, onnx::TensorProto::BOOL);
  add_initializer(g, "W1", {4}, {1, -2, 3, -4});
  add_node(g, "Add", {"X", "W1"}, {"a"}, "add1");
  onnx::NodeProto* if_node = add_node(g, "If", {"cond"}, {"Y"}, "if");
  for (const char* branch : {"then_branch", "else_branch"}) {
    auto* attr = if_node->add_attribute();
    attr->set_name(branch);
    attr->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto* body = attr->mutable_g();
    body->set_name(branch);
    add_node(*body, std::string(branch) == "then_branch" ? "Relu" : "Neg", {"a"},
             {std::string(branch) + "_out"});
    set_value(body->add_output(), std::string(branch) + "_out", {1, 4});
  }
  set_value(g.add_output(), "Y", {1, 4});
  const std::string in = save("if.onnx", m);

  auto b = boundary_tensors(in, {1});
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(*b, (Names{"a"}));  // cond is a graph input, not a boundary tensor

  auto prefix = out_path("if.prefix.onnx");
  ASSERT_TRUE(extract_prefix(in, prefix, {"Y"}).ok());
  EXPECT_EQ(node_names(load(prefix).graph()), (Names{"add1", "if"}));  // add1 kept for the body

  const std::string out = out_path("if.cut.onnx");
  SubgraphSpec spec;
  spec.node_indices = {1};
  spec.boundary_values.set("a", row(kA));
  ASSERT_TRUE(extract_subgraph(in, out, spec).ok());
  EXPECT_EQ(value_names(load(out).graph().input()), (Names{"cond", "a"}));

  NNPORT_ORT_OR_SKIP(ort);
  NamedTensors feed = spec.boundary_values;
  Tensor cond = Tensor::empty(DType::kBool, {});
  *cond.data_as<bool>() = false;  // else branch: -a
  feed.set("cond", cond);
  const NamedTensors r = run_ort(*ort, out, feed);
  EXPECT_EQ(values(r[0].second), kD);
}

// --- a real model ------------------------------------------------------------

NamedTensors model_inputs(const std::string& model) {
  NamedTensors feed;
  for (const auto& f :
       std::filesystem::directory_iterator(models_dir() + "/" + model + "/inputs")) {
    auto t = read_npy(f.path().string());
    if (!t.ok()) throw std::runtime_error(t.status().message());
    feed.set(f.path().stem().string(), *t);  // inputs/<input name>.npy
  }
  return feed;
}

void expect_same_bytes(const Tensor& got, const Tensor& want, const std::string& name) {
  ASSERT_EQ(got.shape(), want.shape()) << name;
  ASSERT_EQ(got.dtype(), want.dtype()) << name;
  if (std::memcmp(got.data(), want.data(), got.nbytes()) == 0) return;
  float worst = 0;
  if (got.dtype() == DType::kFloat32)
    for (int64_t i = 0; i < got.numel(); ++i)
      worst = std::max(worst, std::abs(got.data_as<float>()[i] - want.data_as<float>()[i]));
  ADD_FAILURE() << name << " differs: max abs err " << worst;
}

// ONNX Runtime without graph optimizations, on one thread: fusions that cross
// a cut differ between the full model and its pieces (up to 1e-5 on
// resnet18's logits), which would hide whether the cut itself is exact.
NamedTensors run_ort_unoptimized(const BackendManager& ort, const std::string& path,
                                 const NamedTensors& in) {
  auto wrapper = ort.build_wrapper({path}, "cpu", {}, {},
                                   R"({"backend_config": {"type": "onnxruntime",
                                       "graph_optimization_level": "disable",
                                       "intra_op_num_threads": 1}})");
  if (!wrapper.ok()) throw std::runtime_error(path + ": " + wrapper.status().message());
  auto out = wrapper->forward(in);
  if (!out.ok()) throw std::runtime_error(path + ": " + out.status().message());
  return *out;
}

// Cut the model at a middle node: its prefix must compute what the full
// model computes there (read back by adding the tensor to the full model's
// outputs, independently of graph_cut), and the rest of the nodes, fed those
// values at the boundary, the model's output.
TEST(GraphCut, RealModelPrefixAndSuffixMatchTheFullModel) {
  const std::string name = have_model("resnet18") ? "resnet18" : "squeezenet1_1";
  NNPORT_SKIP_WITHOUT_MODEL(name);
  NNPORT_ORT_OR_SKIP(ort);
  const std::string in = model_path(name);
  const onnx::ModelProto full = load(in);
  const int n = full.graph().node_size();
  const int cut = n / 2;
  const std::string mid = full.graph().node(cut).output(0);

  const std::string prefix = out_path(name + ".prefix.onnx");
  ASSERT_TRUE(extract_prefix(in, prefix, {mid}).ok());
  const onnx::ModelProto p = load(prefix);
  EXPECT_LE(p.graph().node_size(), cut + 1);
  EXPECT_LT(p.graph().initializer_size(), full.graph().initializer_size());

  // Every boundary tensor of the suffix becomes an extra output of the full model.
  std::vector<int64_t> suffix;
  for (int i = cut + 1; i < n; ++i) suffix.push_back(i);
  auto boundary = boundary_tensors(in, suffix);
  ASSERT_TRUE(boundary.ok()) << boundary.status().message();
  ASSERT_FALSE(boundary->empty());
  onnx::ModelProto marked = full;
  for (const auto& t : *boundary) {
    if (t == mid) continue;
    marked.mutable_graph()->add_output()->set_name(t);
  }
  marked.mutable_graph()->add_output()->set_name(mid);
  const NamedTensors feed = model_inputs(name);
  const NamedTensors all = run_ort_unoptimized(*ort, save(name + ".marked.onnx", marked), feed);

  const NamedTensors prefix_out = run_ort_unoptimized(*ort, prefix, feed);
  ASSERT_EQ(prefix_out.names(), (Names{mid}));
  expect_same_bytes(prefix_out[0].second, *all.find(mid), mid);

  SubgraphSpec spec;
  spec.node_indices = suffix;
  for (const auto& t : *boundary) spec.boundary_values.set(t, *all.find(t));
  const std::string tail = out_path(name + ".suffix.onnx");
  ASSERT_TRUE(extract_subgraph(in, tail, spec).ok());
  const NamedTensors tail_out = run_ort_unoptimized(*ort, tail, spec.boundary_values);
  const std::string y = full.graph().output(0).name();
  ASSERT_TRUE(tail_out.contains(y));
  expect_same_bytes(*tail_out.find(y), *all.find(y), y);

  spec.fold = true;
  const std::string folded = out_path(name + ".suffix_folded.onnx");
  ASSERT_TRUE(extract_subgraph(in, folded, spec).ok());
  EXPECT_EQ(load(folded).graph().input_size(), 0);
  expect_same_bytes(*run_ort_unoptimized(*ort, folded, NamedTensors{}).find(y), *all.find(y), y);
}

}  // namespace
}  // namespace nnport
