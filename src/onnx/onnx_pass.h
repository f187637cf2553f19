// Internal: graph rewrite passes over a ModelProto (MMDeploy's rewriter idea:
// fix a graph before a backend loads it). One pass per file under
// src/onnx/rewrites/ (shape inference lives in onnx_check.cc); each is listed
// once in onnx_pass.cc's table.
#ifndef NNPORT_SRC_ONNX_ONNX_PASS_H_
#define NNPORT_SRC_ONNX_ONNX_PASS_H_

#include <span>
#include <string>
#include <string_view>

#include "nnport/status.h"
#include "onnx/onnx_pb.h"

namespace nnport::onnx_internal {

struct OnnxPass {
  std::string_view name;     // "infer_shapes"
  std::string_view summary;  // one line, for `nnport` help
  // Rewrites the model in place; `path` names it in messages. On error the
  // model may be half-rewritten: callers discard it.
  Status (*run)(onnx::ModelProto& model, const std::string& path);
  // false: the result is meant for one backend and is no longer valid ONNX
  // (clip_to_attributes puts opset-6 attributes on an opset-11+ Clip), so
  // rewrite_onnx runs the checker before such a pass instead of after it.
  bool keeps_valid_onnx = true;
};

std::span<const OnnxPass> onnx_passes();
const OnnxPass* find_onnx_pass(std::string_view name);  // nullptr if unknown

// The passes of src/onnx/rewrites/, one file each.
Status remove_identity(onnx::ModelProto& model, const std::string& path);
Status clip_to_attributes(onnx::ModelProto& model, const std::string& path);
Status fold_constants(onnx::ModelProto& model, const std::string& path);

}  // namespace nnport::onnx_internal

#endif  // NNPORT_SRC_ONNX_ONNX_PASS_H_
