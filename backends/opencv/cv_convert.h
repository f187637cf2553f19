// to_backend for the opencv backend: the IR model, rewritten for OpenCV 4.6
// (backend_config.rewrites) with dynamic H/W fixed from
// onnx_config.input_shape, written as <work_dir>/<stem>.opencv.onnx and
// loaded once by OpenCV so that a graph it cannot take fails at convert.
#ifndef NNPORT_BACKENDS_OPENCV_CV_CONVERT_H_
#define NNPORT_BACKENDS_OPENCV_CV_CONVERT_H_

#include <string>
#include <vector>

#include "nnport/onnx_model.h"
#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {

std::vector<std::string> to_backend(const plugin::ConvertArgs& args);

// The input dims that fix a 4-D input's dynamic H and W to input_shape's
// [width, height]; batch and channels keep the model's (-1). Inputs whose
// H and W are already static, or that are not 4-D, are left alone.
std::vector<InputDims> image_input_dims(const OnnxModelInfo& info,
                                        const std::vector<int64_t>& input_shape_wh);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_CONVERT_H_
