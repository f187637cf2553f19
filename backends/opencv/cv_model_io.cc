#include "cv_model_io.h"

#include "cv_dtype.h"

namespace nnport::cv_backend {

OnnxModelInfo inspect_model(const std::string& path) {
  Result<OnnxModelInfo> info = inspect_onnx(path);
  if (!info.ok()) {
    throw plugin::Error(static_cast<nnport_code>(info.status().code()),
                        "opencv: " + info.status().message());
  }
  return *info;
}

void require_convertible_inputs(const OnnxModelInfo& info) {
  for (size_t i = 0; i < info.inputs.size(); ++i) {
    if (is_convertible(static_cast<nnport_dtype>(info.inputs[i].dtype))) continue;
    throw plugin::Error(NNPORT_UNIMPLEMENTED,
                        "opencv: model '" + info.path + "' input '" + info.inputs[i].name +
                            "' is " + info.input_details[i].onnx_type +
                            "; the opencv backend takes float32, float64, float16, int64, int32, "
                            "int8, uint8 and bool inputs (converted to float32, which OpenCV "
                            "DNN computes in). Use another backend such as onnxruntime");
  }
}

plugin::TensorInfo to_plugin_info(const TensorInfo& info) {
  plugin::TensorInfo out;
  out.name = info.name;
  const auto dtype = static_cast<nnport_dtype>(info.dtype);
  out.dtype = is_convertible(dtype) ? dtype : NNPORT_DTYPE_FLOAT32;
  out.dims.assign(info.dims.begin(), info.dims.end());
  out.dim_names = info.dim_names;
  return out;
}

}  // namespace nnport::cv_backend
