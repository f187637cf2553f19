// Internal to libnnport: cutting an ONNX model into smaller ones for
// `nnport debug` — the prefix that computes chosen tensors (diverge's
// bisection) and an arbitrary set of nodes with the tensors they read from
// outside made graph inputs (reduce). Paths in, paths out: callers need no
// onnx header. Exported (NNPORT_API) for graph_cut_test only.
#ifndef NNPORT_SRC_ONNX_GRAPH_CUT_H_
#define NNPORT_SRC_ONNX_GRAPH_CUT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "nnport/export.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport::onnx_internal {

// Write to out_path the part of in_path's main graph that computes
// `outputs` (tensor names: graph inputs are refused, any node output is
// fine): those nodes (transitively), the initializers and graph inputs they
// read, the model's opset imports, ir_version and metadata; `outputs`
// become the graph outputs, in that order, typed by shape inference (a
// tensor inference cannot type is an error naming it). Node order is kept
// (topological). Everything else is dropped. The written model passes the
// checker. Models with external-data weights are refused (for now).
NNPORT_API Status extract_prefix(const std::string& in_path, const std::string& out_path,
                                 const std::vector<std::string>& outputs);

// Keep only the main graph's nodes at `node_indices` (positions in file
// order, any order, no duplicates). A tensor a kept node reads that no kept
// node makes and that is neither an initializer nor a graph input of the
// model (the outer tensors an If/Loop body reads by name count as reads of
// its node) becomes a graph input typed and shaped like its value in
// `boundary_values` (required for every such tensor; missing ones are an
// error naming them) — or, with fold, an initializer holding that value.
// Graph outputs: `outputs` when given; else every tensor a kept node makes
// that is a graph output of the model or is read by a removed node, plus
// kept tensors nothing reads. Unused initializers and graph inputs are
// dropped; opset imports stay.
struct SubgraphSpec {
  std::vector<int64_t> node_indices;
  std::vector<std::string> outputs;
  NamedTensors boundary_values;
  bool fold = false;
};
NNPORT_API Status extract_subgraph(const std::string& in_path, const std::string& out_path,
                                   const SubgraphSpec& spec);

// The tensors a set of kept nodes reads from outside it (what
// extract_subgraph turns into graph inputs), in first-use order.
NNPORT_API Result<std::vector<std::string>> boundary_tensors(
    const std::string& in_path, const std::vector<int64_t>& node_indices);

}  // namespace nnport::onnx_internal

#endif  // NNPORT_SRC_ONNX_GRAPH_CUT_H_
