// remove_identity: drops the Identity nodes of the top graph. OpenCV DNN
// 4.6 cannot read some of them (an Identity fed by an initializer), and they
// cost a copy on other backends.
//
// An Identity X -> Y whose Y is not a graph output goes away and its
// consumers (subgraphs included) read X. When Y is a graph output, the
// output keeps its name, so X takes the name Y instead: the producing node's
// output, or the initializer, is renamed (and its readers follow). That is
// impossible when X is a graph input or another graph output (the model's
// interface needs both names), so such an Identity is kept. Identity nodes
// inside If/Loop/Scan bodies are left alone: a body's outputs are its
// interface to the parent node, and OpenCV does not import these ops anyway.
#include <set>

#include "onnx/onnx_pass.h"
#include "onnx/rewrites/graph_names.h"

namespace nnport::onnx_internal {
namespace {

// Gives the value named `from` (a node output or an initializer of `g`) the
// name `to`; false when nothing in `g` defines it (a sparse initializer).
bool rename_definition(onnx::GraphProto& g, const std::string& from, const std::string& to) {
  for (onnx::NodeProto& node : *g.mutable_node())
    for (std::string& out : *node.mutable_output())
      if (out == from) {
        out = to;
        return true;
      }
  for (onnx::TensorProto& t : *g.mutable_initializer())
    if (t.name() == from) {
      t.set_name(to);
      return true;
    }
  return false;
}

}  // namespace

Status remove_identity(onnx::ModelProto& model, const std::string& /*path*/) {
  onnx::GraphProto& g = *model.mutable_graph();
  std::set<std::string> inputs, outputs;  // neither changes below
  for (const auto& v : g.input()) inputs.insert(v.name());
  for (const auto& v : g.output()) outputs.insert(v.name());

  for (int i = 0; i < g.node_size();) {
    const onnx::NodeProto& node = g.node(i);
    // A malformed Identity is the checker's to report, not ours to guess at.
    if (!is_onnx_op(node, "Identity") || node.input_size() != 1 || node.output_size() != 1 ||
        node.input(0).empty() || node.output(0).empty()) {
      ++i;
      continue;
    }
    const std::string x = node.input(0), y = node.output(0);
    if (!outputs.contains(y)) {
      rename_uses(g, y, x);
      erase_value_info(g, y);
    } else if (inputs.contains(x) || outputs.contains(x) || x == y || !rename_definition(g, x, y)) {
      ++i;  // kept: see the top of this file
      continue;
    } else {
      rename_uses(g, x, y);  // the Identity's own input too; it goes next
      erase_value_info(g, x);
    }
    g.mutable_node()->DeleteSubrange(i, 1);
  }
  return Status::ok_status();
}

}  // namespace nnport::onnx_internal
