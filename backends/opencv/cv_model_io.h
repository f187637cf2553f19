// A model's inputs and outputs as the opencv backend declares them, from
// libnnport's inspect_onnx: with the model's own element types, which the
// wrapper converts to and from OpenCV's float32 (cv_dtype.h). A model with an
// input no conversion serves (string, uint16, ...) is refused up front,
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

// Throws plugin::Error(NNPORT_UNIMPLEMENTED) naming the first input whose
// type the wrapper cannot convert to float32 (is_convertible).
void require_convertible_inputs(const OnnxModelInfo& info);

// nnport's TensorInfo as the plugin's, with the model's element type. An
// output of a type nnport's tensors cannot hold is declared float32, the
// type OpenCV computes it in.
plugin::TensorInfo to_plugin_info(const TensorInfo& info);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_MODEL_IO_H_
