// OpenCV's exceptions as plugin errors that say which model, which layer
// (where OpenCV names it) and what to try.
#ifndef NNPORT_BACKENDS_OPENCV_CV_ERRORS_H_
#define NNPORT_BACKENDS_OPENCV_CV_ERRORS_H_

#include <opencv2/core.hpp>

#include <string>

namespace nnport::cv_backend {

// OpenCV's what() on one line (it spans several and ends in a newline).
std::string one_line(const cv::Exception& e);

// Throws plugin::Error for a cv::Exception raised while `doing` (e.g.
// "loading", "running") the model at model_path. Import errors become
// NNPORT_UNIMPLEMENTED (the model uses what OpenCV cannot take), others
// NNPORT_INTERNAL.
[[noreturn]] void rethrow(const cv::Exception& e, const std::string& doing,
                          const std::string& model_path);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_ERRORS_H_
