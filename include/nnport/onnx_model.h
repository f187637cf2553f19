// ONNX models: load, check, inspect and shape-infer (on libonnx).
#ifndef NNPORT_ONNX_MODEL_H_
#define NNPORT_ONNX_MODEL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nnport/status.h"
#include "nnport/wrapper.h"

namespace nnport {

struct OnnxModelInfo {
  std::string path;
  int64_t ir_version = 0;
  std::vector<std::pair<std::string, int64_t>> opsets;  // (domain, version); "" = ai.onnx
  std::string producer_name, producer_version;
  std::vector<TensorInfo> inputs;   // graph inputs that are not initializers, in order
  std::vector<TensorInfo> outputs;  // graph outputs, in order; dims < 0 dynamic, named in dim_names
  int64_t node_count = 0;
  int64_t opset() const;  // the ai.onnx opset, 0 if none
};

// Parse and describe a model. A missing, empty, garbage or truncated file is
// an error naming the file and what to do.
Result<OnnxModelInfo> inspect_onnx(const std::string& path);
// Run onnx::checker on the model; the error names the failing node.
Status check_onnx(const std::string& path);
// Run ONNX shape inference; outputs gain the dims it could infer.
Result<OnnxModelInfo> infer_onnx_shapes(const std::string& path);

}  // namespace nnport

#endif  // NNPORT_ONNX_MODEL_H_
