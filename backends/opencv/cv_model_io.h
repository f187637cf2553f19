// A model's inputs and outputs as the opencv backend declares them, from
// libnnport's inspect_onnx. OpenCV's Mats here are float32 only (it has no
// int64 Mats), so a model with another input type is refused up front,
// naming the input, rather than failing inside OpenCV.
#ifndef NNPORT_BACKENDS_OPENCV_CV_MODEL_IO_H_
#define NNPORT_BACKENDS_OPENCV_CV_MODEL_IO_H_

#include <string>
#include <vector>

#include "nnport/onnx_model.h"
#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {

// inspect_onnx, with its error as a plugin::Error.
OnnxModelInfo inspect_model(const std::string& path);

// Throws plugin::Error(NNPORT_UNIMPLEMENTED) naming the first input that is
// not float32.
void require_float_inputs(const OnnxModelInfo& info);

// nnport's TensorInfo as the plugin's. Outputs are declared float32 whatever
// the model says: OpenCV computes every layer in float.
plugin::TensorInfo to_plugin_info(const TensorInfo& info, bool force_float);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_MODEL_IO_H_
