// The xnnpack backend plugin: converts ONNX to nnport's XNNPACK model file
// (onnx2xnnpack) and runs it with XNNPACK's subgraph API on CPU.
#include <filesystem>
#include <string>
#include <vector>

#include "nnport/plugin_cpp.h"
#include "xnn_convert.h"
#include "xnn_format.h"
#include "xnn_options.h"
#include "xnn_subgraph.h"
#include "xnn_wrapper.h"

namespace nnport::xnn {
namespace {

namespace fs = std::filesystem;
using plugin::Error;

std::string convert_one(const std::string& ir_file, const std::string& work_dir) {
  std::error_code ec;
  if (!fs::is_directory(work_dir, ec)) {
    throw Error(NNPORT_IO_ERROR, "xnnpack: work dir '" + work_dir + "' is not a directory");
  }
  Conversion c = convert_onnx(ir_file, /*keep_going=*/false);
  // Define the graph once now, so what XNNPACK refuses shows at convert time.
  const Model& m = c.model;
  define_subgraph(
      m, 1, [&](uint32_t v) { return m.values[v].data.data(); }, "converting '" + ir_file + "'");
  const std::string out =
      (fs::path(work_dir) / (fs::path(ir_file).stem().string() + ".xnnpack")).string();
  write_model(m, out);
  return out;
}

}  // namespace

struct XnnpackBackend : plugin::BackendDefaults {
  static constexpr const char* kName = "xnnpack";
  static constexpr const char* kDescription =
      "XNNPACK (CPU, float32; Debian's libxnnpack-dev snapshot 2022-02-16, subgraph API)";

  static bool is_available(bool with_custom_ops, std::string& why) {
    if (!initialized(&why)) return false;
    if (with_custom_ops) {
      why = "xnnpack: this backend has no custom ops";
      return false;
    }
    return true;
  }

  static std::string version() {
    ensure_initialized();
    return "2022-02-16 (libxnnpack-dev snapshot); nnport XNNPACK model format " +
           std::to_string(kFormatVersion);
  }

  static std::vector<std::string> check_env_extra() {
    return {"xnnpack threads:\t" + std::to_string(threads_to_use(Options{})) + " by default (" +
            std::to_string(usable_cpus()) + " usable CPUs, at most " +
            std::to_string(kDefaultThreadCap) + ")"};
  }

  static std::vector<std::string> to_backend(const plugin::ConvertArgs& args) {
    threads_to_use(parse_options(args.deploy_cfg_json));  // refuse bad keys at convert time too
    if (args.device != "cpu" && args.device.rfind("cpu:", 0) != 0) {
      throw Error(NNPORT_UNAVAILABLE, "xnnpack: device '" + args.device +
                                          "' is not one this backend runs on; use 'cpu'");
    }
    ensure_initialized();
    std::vector<std::string> out;
    for (const auto& ir : args.ir_files) out.push_back(convert_one(ir, args.work_dir));
    return out;
  }

  static std::vector<plugin::NodeSupport> check_model(const plugin::CheckArgs& args) {
    // The config is not read: check_model fails only on an unreadable model.
    return convert_onnx(args.onnx_path, /*keep_going=*/true).verdicts;
  }

  static std::unique_ptr<plugin::Wrapper> build_wrapper(const plugin::BuildArgs& args) {
    return make_wrapper(args);
  }
};

}  // namespace nnport::xnn

NNPORT_DEFINE_PLUGIN(nnport::xnn::XnnpackBackend)
