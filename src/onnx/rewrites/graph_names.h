// Internal: finding and renaming value names across a graph and the
// subgraphs (If/Loop/Scan bodies) of its nodes, for the rewrite passes.
// ONNX forbids a subgraph from redefining a name of an enclosing scope, so a
// name used in a subgraph that the subgraph does not define is the outer one.
#ifndef NNPORT_SRC_ONNX_REWRITES_GRAPH_NAMES_H_
#define NNPORT_SRC_ONNX_REWRITES_GRAPH_NAMES_H_

#include <string>

#include "onnx/onnx_pb.h"

namespace nnport::onnx_internal {

// Every node input named `from`, here and in subgraphs, becomes `to`, and
// so do subgraph outputs that name it (not this graph's own outputs).
void rename_uses(onnx::GraphProto& graph, const std::string& from, const std::string& to);

// Some node here or in a subgraph reads `name`, or it is a graph output.
bool is_used(const onnx::GraphProto& graph, const std::string& name);

// Drops the value_info entries named `name` (this graph only: subgraphs
// cannot describe an outer name).
void erase_value_info(onnx::GraphProto& graph, const std::string& name);

// The default ai.onnx domain ("" or "ai.onnx").
inline bool is_onnx_op(const onnx::NodeProto& node, const char* op_type) {
  return node.op_type() == op_type && (node.domain().empty() || node.domain() == "ai.onnx");
}

}  // namespace nnport::onnx_internal

#endif  // NNPORT_SRC_ONNX_REWRITES_GRAPH_NAMES_H_
