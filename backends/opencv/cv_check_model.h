// check_model for the opencv backend: per node, whether OpenCV 4.6 takes it
// once the configured rewrites have run (cv_op_table.h: a static table).
#ifndef NNPORT_BACKENDS_OPENCV_CV_CHECK_MODEL_H_
#define NNPORT_BACKENDS_OPENCV_CV_CHECK_MODEL_H_

#include <vector>

#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {

std::vector<plugin::NodeSupport> check_model(const plugin::CheckArgs& args);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_CHECK_MODEL_H_
