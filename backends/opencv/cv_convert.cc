#include "cv_convert.h"

#include <opencv2/dnn.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "cv_crash_patterns.h"
#include "cv_errors.h"
#include "cv_model_io.h"
#include "cv_options.h"

namespace nnport::cv_backend {
namespace {

namespace fs = std::filesystem;
using plugin::Error;

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : ", ") + item;
  return s.empty() ? "none" : s;
}

void rewrite(const std::string& ir, const std::string& out, const OnnxRewriteOptions& options) {
  plugin::log(NNPORT_LOG_INFO, "opencv: rewriting '" + ir + "' into '" + out +
                                   "' with passes: " + join(options.passes));
  if (const Status s = rewrite_onnx(ir, out, options); !s.ok()) {
    throw Error(static_cast<nnport_code>(s.code()),
                "opencv: rewriting '" + ir + "' for OpenCV failed: " + s.message());
  }
}

// Rewrites ir into out, steering clear of the graphs OpenCV's importer
// crashes on (cv_crash_patterns.h): where fold_constants made one, the model
// is rewritten again without it; one the model holds itself is refused.
void rewrite_avoiding_crashes(const std::string& ir, const std::string& out,
                              OnnxRewriteOptions options) {
  rewrite(ir, out, options);
  const auto celu = find_celu_with_initializer_alpha(inspect_model(out));
  auto fold = std::find(options.passes.begin(), options.passes.end(), "fold_constants");
  if (celu && fold != options.passes.end()) {
    plugin::log(NNPORT_LOG_INFO, "opencv: leaving out the rewrite fold_constants: it makes " +
                                     celu->description + ", and OpenCV 4.6 crashes importing that");
    options.passes.erase(fold);
    rewrite(ir, out, options);
  }
  try {
    require_no_crash_pattern(inspect_model(out), ir);
  } catch (const Error&) {
    std::error_code ec;
    fs::remove(out, ec);
    throw;
  }
}

}  // namespace

std::vector<InputDims> image_input_dims(const OnnxModelInfo& info,
                                        const std::vector<int64_t>& input_shape_wh) {
  std::vector<InputDims> out;
  if (input_shape_wh.size() != 2) return out;
  for (const TensorInfo& in : info.inputs) {
    if (in.dims.size() != 4 || (in.dims[2] >= 0 && in.dims[3] >= 0)) continue;
    out.push_back({in.name, {-1, -1, input_shape_wh[1], input_shape_wh[0]}});
  }
  return out;
}

std::vector<std::string> to_backend(const plugin::ConvertArgs& args) {
  const Options options = parse_options(args.deploy_cfg_json);
  if (args.device != "cpu") {
    throw Error(NNPORT_UNAVAILABLE, "opencv: device '" + args.device +
                                        "' is not supported; this backend runs on 'cpu' only "
                                        "(--device cpu)");
  }
  if (args.ir_files.size() != 1) {
    throw Error(NNPORT_INVALID_ARGUMENT,
                "opencv: expected one ONNX IR file, got " + std::to_string(args.ir_files.size()));
  }
  const std::string& ir = args.ir_files[0];
  std::error_code ec;
  if (!fs::is_directory(args.work_dir, ec)) {
    throw Error(NNPORT_IO_ERROR, "opencv: work dir '" + args.work_dir + "' is not a directory");
  }
  const OnnxModelInfo info = inspect_model(ir);
  require_convertible_inputs(info);

  const std::string out =
      (fs::path(args.work_dir) / (fs::path(ir).stem().string() + ".opencv.onnx")).string();
  if (fs::equivalent(ir, out, ec)) {
    throw Error(NNPORT_INVALID_ARGUMENT, "opencv: the converted model would overwrite its input '" +
                                             ir + "'; give the IR file another name");
  }
  OnnxRewriteOptions rewrite_options;
  rewrite_options.passes = options.rewrites;
  rewrite_options.input_dims = image_input_dims(info, options.input_shape_wh);
  rewrite_avoiding_crashes(ir, out, rewrite_options);
  // Load it once here: a graph OpenCV cannot import fails at convert, with
  // the node, not later at build_wrapper.
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(out);
  } catch (const cv::Exception& e) {
    fs::remove(out, ec);
    rethrow(e, "loading the rewritten model of", ir);
  }
  return {out};
}

}  // namespace nnport::cv_backend
