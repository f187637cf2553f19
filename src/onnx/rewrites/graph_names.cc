#include "onnx/rewrites/graph_names.h"

namespace nnport::onnx_internal {
namespace {

void rename_in(onnx::GraphProto& graph, const std::string& from, const std::string& to,
               bool is_subgraph) {
  // A subgraph output may name an outer value directly; the top graph's
  // outputs are the model's interface and are never renamed here.
  if (is_subgraph)
    for (auto& out : *graph.mutable_output())
      if (out.name() == from) out.set_name(to);
  for (onnx::NodeProto& node : *graph.mutable_node()) {
    for (std::string& in : *node.mutable_input())
      if (in == from) in = to;
    for (onnx::AttributeProto& a : *node.mutable_attribute()) {
      if (a.has_g()) rename_in(*a.mutable_g(), from, to, true);
      for (onnx::GraphProto& g : *a.mutable_graphs()) rename_in(g, from, to, true);
    }
  }
}

}  // namespace

void rename_uses(onnx::GraphProto& graph, const std::string& from, const std::string& to) {
  rename_in(graph, from, to, false);
}

bool is_used(const onnx::GraphProto& graph, const std::string& name) {
  for (const auto& out : graph.output())
    if (out.name() == name) return true;
  for (const onnx::NodeProto& node : graph.node()) {
    for (const std::string& in : node.input())
      if (in == name) return true;
    for (const onnx::AttributeProto& a : node.attribute()) {
      if (a.has_g() && is_used(a.g(), name)) return true;
      for (const onnx::GraphProto& g : a.graphs())
        if (is_used(g, name)) return true;
    }
  }
  return false;
}

void erase_value_info(onnx::GraphProto& graph, const std::string& name) {
  auto* infos = graph.mutable_value_info();
  for (int i = infos->size() - 1; i >= 0; --i)
    if (infos->Get(i).name() == name) infos->DeleteSubrange(i, 1);
}

}  // namespace nnport::onnx_internal
