// ONNX models: load, check, inspect, shape-infer and rewrite (on libonnx,
// which stays private to libnnport: no onnx header leaks from here).
#ifndef NNPORT_ONNX_MODEL_H_
#define NNPORT_ONNX_MODEL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nnport/export.h"
#include "nnport/status.h"
#include "nnport/wrapper.h"

namespace nnport {

// What TensorInfo cannot say about a graph input or output.
struct OnnxValueDetail {
  std::string
      onnx_type;  // ONNX's notation: "tensor(float)", "tensor(bfloat16)", "seq(tensor(int64))"
  bool has_shape = true;  // false: rank unknown (dims is then empty, not a scalar)
};

// One node of the main graph.
struct OnnxNodeInfo {
  std::string name, op_type;
  std::string domain;               // "" (or "ai.onnx"): the default domain
  std::vector<std::string> inputs;  // "" for an omitted optional input
  std::vector<std::string> outputs;
};

struct NNPORT_API OnnxModelInfo {
  std::string path;
  int64_t ir_version = 0;
  std::vector<std::pair<std::string, int64_t>> opsets;  // (domain, version); "" = ai.onnx
  std::string producer_name, producer_version;
  std::string domain, graph_name;
  int64_t model_version = 0;
  // Graph inputs that are not initializers, in order. dtype is kUndefined for
  // element types nnport has no DType for (string, bfloat16, ...) and for
  // non-tensor values; details[i].onnx_type names them.
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;  // graph outputs, in order; dims < 0 dynamic, named in dim_names
  std::vector<OnnxValueDetail> input_details, output_details;  // parallel to inputs, outputs
  int64_t node_count = 0;  // nodes of the main graph (not counting subgraphs)
  std::vector<std::pair<std::string, int64_t>> op_counts;  // (op type, nodes), sorted by op type
  std::vector<OnnxNodeInfo> nodes;  // the main graph's, in order (subgraphs not listed)
  int64_t initializer_count = 0;
  std::vector<std::string> initializer_names;  // the main graph's, in order
  // Elements over all initializers; -1 (unknown) when an initializer has a
  // negative dim or the count does not fit in int64 (dims such as 2^40 x 2^40).
  int64_t parameter_count = 0;
  // Files named by initializers stored as external data, relative to the
  // model's folder, each once.
  std::vector<std::string> external_data_files;
  int64_t file_bytes = 0;  // size of the .onnx file itself

  int64_t opset() const;  // the ai.onnx opset, 0 if none
};

// Parse and describe a model. A missing, empty, garbage, text, truncated or
// graph-less file is an error naming the file and what to do.
NNPORT_API Result<OnnxModelInfo> inspect_onnx(const std::string& path);
// Run onnx::checker on the model; the error names the failing node when
// the checker does ("node 'Add_1' (Add): ...").
NNPORT_API Status check_onnx(const std::string& path);
// Run ONNX shape inference (with data propagation); outputs gain the dims it
// could infer. The file is not modified.
NNPORT_API Result<OnnxModelInfo> infer_onnx_shapes(const std::string& path);

// Load a model, apply rewrite passes in order, check it and write it to
// out_path (written to a temporary file first, then renamed, so out_path
// is never left half-written; out_path may equal in_path). With no passes
// this re-serializes the model. Models whose weights are external data are
// refused for now (their data files would not follow).
// Dims for one graph input; a dim < 0 keeps the model's (dynamic or not).
struct InputDims {
  std::string name;
  std::vector<int64_t> dims;
};
struct OnnxRewriteOptions {
  std::vector<std::string> passes;  // names from onnx_pass_names(), run in order
  // Fixed before the passes run, so that shape-dependent passes (constant
  // folding of Shape subgraphs) see them; the written model keeps them.
  std::vector<InputDims> input_dims;
  // Run onnx::checker on the result before writing. A pass whose result is
  // not valid ONNX (clip_to_attributes: for OpenCV DNN only) has its input
  // checked instead, and nothing after it is; run such passes last.
  bool check = true;
};
NNPORT_API Status rewrite_onnx(const std::string& in_path, const std::string& out_path,
                               const OnnxRewriteOptions& options = {});
// The rewrite passes known to rewrite_onnx, e.g. "infer_shapes".
NNPORT_API std::vector<std::string> onnx_pass_names();

}  // namespace nnport

#endif  // NNPORT_ONNX_MODEL_H_
