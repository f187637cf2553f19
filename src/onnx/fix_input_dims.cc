// Fixing a model's dynamic input dims before rewrites (OnnxRewriteOptions::
// input_dims): constant folding can only fold a Shape whose dims are known.
#include <string>
#include <vector>

#include "nnport/did_you_mean.h"
#include "onnx_io.h"

namespace nnport::onnx_internal {

Status fix_input_dims(onnx::ModelProto& model, const std::vector<InputDims>& input_dims,
                      const std::string& path) {
  onnx::GraphProto& graph = *model.mutable_graph();
  for (const InputDims& fix : input_dims) {
    onnx::ValueInfoProto* input = nullptr;
    std::vector<std::string> names;
    for (auto& vi : *graph.mutable_input()) {
      names.push_back(vi.name());
      if (vi.name() == fix.name) input = &vi;
    }
    if (input == nullptr) {
      return invalid_argument("model " + path + " has no input '" + fix.name + "' to fix dims of" +
                              did_you_mean(fix.name, names));
    }
    if (!input->type().has_tensor_type() || !input->type().tensor_type().has_shape()) {
      return invalid_argument("model " + path + ": input '" + fix.name +
                              "' has no tensor shape, so its dims cannot be fixed");
    }
    onnx::TensorShapeProto& shape = *input->mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape.dim_size() != static_cast<int>(fix.dims.size())) {
      return invalid_argument("model " + path + ": input '" + fix.name + "' has rank " +
                              std::to_string(shape.dim_size()) + ", but " +
                              std::to_string(fix.dims.size()) + " dims were given for it");
    }
    for (int i = 0; i < shape.dim_size(); ++i) {
      const int64_t want = fix.dims[i];
      if (want < 0) continue;  // keep the model's dim
      onnx::TensorShapeProto::Dimension& dim = *shape.mutable_dim(i);
      if (dim.has_dim_value() && dim.dim_value() != want) {
        return invalid_argument("model " + path + ": input '" + fix.name + "' dim " +
                                std::to_string(i) + " is fixed at " +
                                std::to_string(dim.dim_value()) + " in the model, not " +
                                std::to_string(want));
      }
      dim.set_dim_value(want);  // also clears dim_param (a oneof)
    }
  }
  return {};
}

}  // namespace nnport::onnx_internal
