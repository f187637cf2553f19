// The opencv backend plugin: OpenCV DNN (4.6, CPU) behind the C ABI. Models
// are rewritten for OpenCV's ONNX importer at to_backend (cv_convert.h).
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>

#include <string>
#include <vector>

#include "cv_check_model.h"
#include "cv_convert.h"
#include "cv_wrapper.h"
#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {

struct OpenCvBackend : plugin::BackendDefaults {
  static constexpr const char* kName = "opencv";
  static constexpr const char* kDescription =
      "OpenCV DNN (CPU; float32 models its ONNX importer takes, after ONNX rewrites)";

  // Linked, not loaded: if the plugin loaded at all, OpenCV is here.
  static bool is_available(bool with_custom_ops, std::string& why) {
    if (with_custom_ops) {
      why = "opencv: nnport ships no custom-op library for OpenCV DNN";
      return false;
    }
    return true;
  }

  static std::string version() { return CV_VERSION; }

  static std::vector<std::string> check_env_extra() {
    return {"opencv threads:\t" + std::to_string(cv::getNumThreads()) +
            " (process-global; backend_config.num_threads sets it)"};
  }

  static std::vector<std::string> to_backend(const plugin::ConvertArgs& args) {
    return cv_backend::to_backend(args);
  }

  static std::unique_ptr<plugin::Wrapper> build_wrapper(const plugin::BuildArgs& args) {
    return CvWrapper::create(args);
  }

  static std::vector<plugin::NodeSupport> check_model(const plugin::CheckArgs& args) {
    return cv_backend::check_model(args);
  }
};

}  // namespace nnport::cv_backend

NNPORT_DEFINE_PLUGIN(nnport::cv_backend::OpenCvBackend)
