#include "cv_model_io.h"

namespace nnport::cv_backend {

OnnxModelInfo inspect_model(const std::string& path) {
  Result<OnnxModelInfo> info = inspect_onnx(path);
  if (!info.ok()) {
    throw plugin::Error(static_cast<nnport_code>(info.status().code()),
                        "opencv: " + info.status().message());
  }
  return *info;
}

void require_float_inputs(const OnnxModelInfo& info) {
  for (size_t i = 0; i < info.inputs.size(); ++i) {
    if (info.inputs[i].dtype == DType::kFloat32) continue;
    throw plugin::Error(NNPORT_UNIMPLEMENTED,
                        "opencv: model '" + info.path + "' input '" + info.inputs[i].name +
                            "' is " + info.input_details[i].onnx_type +
                            "; the opencv backend takes float32 inputs only (OpenCV DNN has "
                            "no int64 tensors). Use another backend such as onnxruntime, or "
                            "export the model with float inputs");
  }
}

plugin::TensorInfo to_plugin_info(const TensorInfo& info, bool force_float) {
  plugin::TensorInfo out;
  out.name = info.name;
  out.dtype = force_float ? NNPORT_DTYPE_FLOAT32 : static_cast<nnport_dtype>(info.dtype);
  out.dims.assign(info.dims.begin(), info.dims.end());
  out.dim_names = info.dim_names;
  return out;
}

}  // namespace nnport::cv_backend
