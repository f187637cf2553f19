#include "onnx/onnx_pass.h"

#include "onnx/onnx_io.h"

namespace nnport::onnx_internal {
namespace {

// The table of passes; a new pass adds its file and one line here.
constexpr OnnxPass kPasses[] = {
    {"infer_shapes", "run ONNX shape inference and store the inferred shapes in the model",
     &infer_shapes},
    {"remove_identity", "remove Identity nodes: their consumers read the Identity's input",
     &remove_identity},
    {"clip_to_attributes",
     "turn Clip's constant min/max inputs into opset-6 float attributes (for OpenCV DNN); "
     "the result is not valid ONNX",
     &clip_to_attributes, /*keeps_valid_onnx=*/false},
    {"fold_constants",
     "evaluate nodes whose inputs are constant (and Shape of static dims) into initializers",
     &fold_constants},
};

}  // namespace

std::span<const OnnxPass> onnx_passes() { return kPasses; }

const OnnxPass* find_onnx_pass(std::string_view name) {
  for (const OnnxPass& p : kPasses)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace nnport::onnx_internal
