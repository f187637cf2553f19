#include "quantize/model_runner.h"

#include <filesystem>
#include <unordered_set>

#include "nnport/config.h"
#include "onnx/onnx_io.h"

namespace nnport::quantize {

Result<Wrapper> ModelRunner::load(const onnx::ModelProto& model,
                                  const std::vector<std::string>& extra_outputs, bool optimize) {
  onnx::ModelProto copy = model;
  std::unordered_set<std::string> outputs;
  for (const auto& o : copy.graph().output()) outputs.insert(o.name());
  for (const auto& name : extra_outputs) {
    if (!outputs.insert(name).second) continue;
    auto* v = copy.mutable_graph()->add_output();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }
  const std::string file =
      (std::filesystem::path(folder_) / (".nnport-quantize-" + std::to_string(count_++) + ".onnx"))
          .string();
  NNPORT_RETURN_IF_ERROR(onnx_internal::save_model(copy, file));
  Config cfg = Config::object();
  cfg["backend_config"] = {{"type", backend_.name()},
                           {"graph_optimization_level", optimize ? "all" : "disable"}};
  auto wrapper = backend_.build_wrapper({file}, "cpu", {}, {}, cfg.dump());
  std::error_code ec;
  std::filesystem::remove(file, ec);  // the session holds the model now
  if (!wrapper.ok())
    return wrapper.status().with_context("loading the model for calibration on " + backend_.name());
  return wrapper;
}

}  // namespace nnport::quantize
