// backend_config keys of the opencv backend, read from the deploy config
// JSON. docs/backends/opencv.md lists the keys, their defaults and effects.
#ifndef NNPORT_BACKENDS_OPENCV_CV_OPTIONS_H_
#define NNPORT_BACKENDS_OPENCV_CV_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nnport::cv_backend {

struct Options {
  // ONNX rewrite passes run by to_backend, in order (names from
  // nnport::onnx_pass_names()). Default: default_rewrites().
  std::vector<std::string> rewrites;
  // cv::setNumThreads; nullopt leaves OpenCV's own setting alone. OpenCV's
  // thread count is process-global: the last wrapper built wins.
  std::optional<int> num_threads;
  // When OpenCV fails at batch > 1 on a model with a batch axis, run the
  // samples one at a time (cv_batch_split.h) instead of failing.
  bool split_batch = true;
  // onnx_config.input_shape: [width, height] for 4-D image inputs, or empty.
  std::vector<int64_t> input_shape_wh;
};

// The rewrites used when backend_config has no `rewrites` key: the same as
// configs/_base_/backends/opencv.py, plus fold_constants (before the Clip
// pass, whose result is not valid ONNX) once libnnport knows it.
std::vector<std::string> default_rewrites();

// Reads deploy_cfg["backend_config"] when its type is "opencv" (or absent);
// another backend's config gives the defaults. A bad value throws
// plugin::Error(NNPORT_INVALID_ARGUMENT) naming the key, the value and what
// is allowed; an unknown key is logged as a warning with a did-you-mean.
Options parse_options(const std::string& deploy_cfg_json);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_OPTIONS_H_
