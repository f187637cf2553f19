// MMDeploy's config accessors (mmdeploy/utils/config_utils.py).
#include <string>
#include <vector>

#include "nnport/backend_names.h"
#include "nnport/config.h"

namespace nnport {
namespace {

Config child_or(const Config& cfg, const char* key, Config fallback) {
  if (!cfg.is_object()) return fallback;
  auto it = cfg.find(key);
  if (it == cfg.end() || it->is_null()) return fallback;
  return *it;
}

}  // namespace

Result<std::string> get_backend_name(const Config& cfg) {
  const Config backend = get_backend_config(cfg);
  if (!backend.is_object() || backend.empty()) {
    return invalid_argument(
        "config has no backend_config; add e.g. backend_config = dict(type='onnxruntime') "
        "or inherit configs/_base_/backends/<backend>.py");
  }
  auto it = backend.find("type");
  if (it == backend.end() || !it->is_string()) {
    return invalid_argument("config's backend_config has no type string (got " +
                            (it == backend.end() ? std::string("nothing") : it->dump()) +
                            "); set backend_config.type, e.g. 'onnxruntime'");
  }
  return it->get<std::string>();
}

Config get_backend_config(const Config& cfg) {
  return child_or(cfg, "backend_config", Config::object());
}
Config get_onnx_config(const Config& cfg) { return child_or(cfg, "onnx_config", Config::object()); }
Config get_codebase_config(const Config& cfg) {
  return child_or(cfg, "codebase_config", Config::object());
}

std::string get_task(const Config& cfg) {
  const Config codebase = get_codebase_config(cfg);
  if (!codebase.is_object()) return "";
  auto it = codebase.find("task");
  return it != codebase.end() && it->is_string() ? it->get<std::string>() : "";
}

Config get_ir_config(const Config& cfg) {
  Config ir = child_or(cfg, "ir_config", Config());
  if (ir.is_null()) ir = get_onnx_config(cfg);
  return ir;
}

Config get_common_config(const Config& cfg) {
  return child_or(get_backend_config(cfg), "common_config", Config::object());
}

Config get_model_inputs(const Config& cfg) {
  return child_or(get_backend_config(cfg), "model_inputs", Config::array());
}

Result<Config> get_dynamic_axes(const Config& cfg, const std::vector<std::string>& axes_names) {
  const Config ir = get_ir_config(cfg);
  Config axes = child_or(ir, "dynamic_axes", Config::object());
  if (axes.is_object()) return axes;
  if (!axes.is_array()) {
    return invalid_argument("onnx_config.dynamic_axes must be a dict or a list, got " +
                            axes.dump());
  }
  if (axes.empty()) return Config::object();
  // MMDeploy's list form: one entry per input then output name, in order.
  std::vector<std::string> names = axes_names;
  for (const char* key : {"input_names", "output_names"}) {
    if (!axes_names.empty()) break;
    const Config list = child_or(ir, key, Config::array());
    if (!list.is_array()) continue;
    for (const auto& n : list)
      if (n.is_string()) names.push_back(n.get<std::string>());
  }
  if (names.empty()) {
    return invalid_argument(
        "onnx_config.dynamic_axes is a list but there are no names to pair it with "
        "(no input_names/output_names in onnx_config); pass the model's names, or "
        "write dynamic_axes as a dict {name: {axis: label}}");
  }
  Config out = Config::object();
  for (size_t i = 0; i < names.size() && i < axes.size(); ++i) out[names[i]] = axes[i];
  return out;
}

bool is_dynamic_shape(const Config& cfg) {
  auto backend = get_backend_name(cfg);
  if (backend.ok() && *backend == backend_names::kTorchScript) return true;
  const Config axes = child_or(get_ir_config(cfg), "dynamic_axes", Config::object());
  return axes.is_structured() && !axes.empty();
}

}  // namespace nnport
