// The onnxruntime backend plugin: MMDeploy's ORTManager over the C ABI.
#include <filesystem>
#include <string>
#include <vector>

#include "nnport/plugin_cpp.h"
#include "ort_options.h"
#include "ort_runtime.h"
#include "ort_wrapper.h"

namespace nnport::ort {
namespace {

namespace fs = std::filesystem;
using plugin::Error;

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : sep) + item;
  return s;
}

// <work_dir>/<stem>.ort.onnx, optimized by ORT at the configured level.
std::string optimize_offline(const std::string& ir_file, const std::string& work_dir,
                             const Options& options, const std::string& device) {
  std::error_code ec;
  if (!fs::is_regular_file(ir_file, ec)) {
    throw Error(NNPORT_NOT_FOUND, "onnxruntime: IR file '" + ir_file + "' does not exist");
  }
  if (!fs::is_directory(work_dir, ec)) {
    throw Error(NNPORT_IO_ERROR, "onnxruntime: work dir '" + work_dir + "' is not a directory");
  }
  const std::string out =
      (fs::path(work_dir) / (fs::path(ir_file).stem().string() + ".ort.onnx")).string();
  if (fs::equivalent(ir_file, out, ec)) {
    throw Error(NNPORT_INVALID_ARGUMENT,
                "onnxruntime: optimize_offline would overwrite its input '" + ir_file +
                    "'; give the IR file another name");
  }
  Ort::SessionOptions so = make_session_options(options, device);
  try {
    so.SetOptimizedModelFilePath(out.c_str());
    Ort::Session session(env(), ir_file.c_str(), so);  // writes `out` while loading
  } catch (const Ort::Exception& e) {
    fs::remove(out, ec);
    rethrow(e, "optimizing '" + ir_file + "' into '" + out + "' on device '" + device + "'");
  }
  if (!fs::is_regular_file(out, ec)) {
    throw Error(NNPORT_IO_ERROR, "onnxruntime: optimizing '" + ir_file + "' wrote no '" + out +
                                     "'; is the work dir writable?");
  }
  return out;
}

}  // namespace

struct OnnxRuntimeBackend : plugin::BackendDefaults {
  static constexpr const char* kName = "onnxruntime";
  static constexpr const char* kDescription =
      "ONNX Runtime (CPU execution provider; CUDA where its provider library is installed)";
  // Ort::Session::Run is thread-safe, but the wrapper is not: set_inputs binds
  // into one Ort::IoBinding and one set of bound values per wrapper, which
  // execute and get_outputs read. nnport takes turns on each wrapper; use one
  // wrapper per thread to run at once.
  static constexpr bool kThreadSafe = false;

  static bool is_available(bool with_custom_ops, std::string& why) {
    const Runtime& rt = runtime();
    if (!rt.ok) {
      why = rt.error;
      return false;
    }
    if (with_custom_ops) {
      why = "onnxruntime: nnport ships no custom-op library for ONNX Runtime";
      return false;
    }
    return true;
  }

  static std::string version() { return require_runtime().version; }

  static std::vector<std::string> check_env_extra() {
    const Runtime& rt = runtime();
    if (!rt.ok) return {};
    return {"onnxruntime library:\t" + rt.library_path,
            "onnxruntime providers:\t" + join(available_providers(), ", ") +
                " (compiled in; non-CPU ones also need their provider library and device)",
            std::string("onnxruntime telemetry:\t") +
                (telemetry_disabled() ? "off (ORT_DISABLE_TELEMETRY=1, set by nnport)"
                                      : "ON (ORT_DISABLE_TELEMETRY is not 1)")};
  }

  static std::vector<std::string> to_backend(const plugin::ConvertArgs& args) {
    const Options options = parse_options(args.deploy_cfg_json);
    // nnport's convert lowers the IR itself before this call (src/quantize:
    // a QDQ model for int8, a float16 one for fp16): the model given here
    // already has the precision asked for, and ONNX Runtime runs it as it is.
    if (options.precision != "fp32" && options.precision != "fp16" && options.precision != "int8") {
      throw Error(NNPORT_UNIMPLEMENTED, "onnxruntime: backend_config.precision = '" +
                                            options.precision +
                                            "' is not supported; use 'fp32', 'fp16' or 'int8'");
    }
    // The device is checked here, at convert, not first at build_wrapper:
    // the session options for it append its execution provider, which is
    // where an unusable one (no provider library, no GPU) fails.
    make_session_options(options, args.device);
    if (!options.optimize_offline) return args.ir_files;  // ONNX Runtime runs .onnx as it is
    std::vector<std::string> out;
    for (const auto& ir : args.ir_files) {
      out.push_back(optimize_offline(ir, args.work_dir, options, args.device));
    }
    return out;
  }

  static std::unique_ptr<plugin::Wrapper> build_wrapper(const plugin::BuildArgs& args) {
    return OrtWrapper::create(args);
  }
};

}  // namespace nnport::ort

NNPORT_DEFINE_PLUGIN(nnport::ort::OnnxRuntimeBackend)
