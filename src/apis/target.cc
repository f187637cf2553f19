// Targets of run/verify: a work dir (deploy.json) or a bare .onnx file.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apis/atomic_dir.h"
#include "apis/deploy_json.h"
#include "nnport/apis.h"
#include "nnport/backend_names.h"
#include "nnport/onnx_model.h"

namespace nnport {
namespace fs = std::filesystem;

namespace {

std::string cfg_json(const Config& cfg) {
  return cfg.dump(-1, ' ', false, Config::error_handler_t::replace);
}

// plugin_file: the third-party plugin a work dir was converted with, named
// when its backend is missing here.
Result<const BackendManager*> find_available(Registry& reg, const std::string& name,
                                             const std::string& plugin_file = "") {
  auto found = reg.find(name);
  if (!found.ok() && !plugin_file.empty())
    return Status(found.status().code(),
                  found.status().message() + "; this work dir was converted with the plugin '" +
                      plugin_file + "': load it with --plugin " + plugin_file);
  NNPORT_ASSIGN_OR_RETURN(const BackendManager* m, found);
  std::string why;
  if (!m->is_available(false, &why))
    return unavailable("backend '" + name + "' is not available here" +
                       (why.empty() ? "" : ": " + why) + "; run `nnport check-env`");
  return m;
}

}  // namespace

Result<std::vector<std::string>> remove_stale_temporaries(const std::string& work_dir) {
  if (work_dir.empty()) return invalid_argument("no work dir given");
  const fs::path target = apis::work_dir_path(work_dir);
  std::error_code ec;
  if (!fs::is_directory(target.parent_path(), ec))
    return not_found("folder '" + target.parent_path().string() + "' of work dir '" + work_dir +
                     "' does not exist");
  std::vector<std::string> removed;
  for (const auto& p : apis::remove_stale_temporaries(target)) removed.push_back(p.string());
  return removed;
}

Result<DeployInfo> load_work_dir(const std::string& work_dir) {
  std::error_code ec;
  const fs::path root = apis::work_dir_path(work_dir);
  if (!fs::is_directory(root, ec))
    return not_found("work dir '" + work_dir + "' does not exist; create it with `nnport convert`");
  NNPORT_ASSIGN_OR_RETURN(std::string text, apis::read_work_dir_file(root, apis::kDeployJson));
  return apis::parse_deploy_json(text, root.string(), (root / apis::kDeployJson).string());
}

Result<DeployInfo> resolve_target(const std::string& target, const std::string& backend_override) {
  std::error_code ec;
  if (target.empty()) return invalid_argument("no target given: pass a work dir or an .onnx file");
  if (fs::is_directory(target, ec)) {
    NNPORT_ASSIGN_OR_RETURN(DeployInfo info, load_work_dir(target));
    if (!backend_override.empty() && backend_override != info.backend) {
      // A work dir holds one backend's files (an XNNPACK model file means
      // nothing to OpenCV): running it on another needs its own conversion.
      return invalid_argument("work dir '" + target + "' was converted for backend '" +
                              info.backend + "', not '" + backend_override +
                              "': convert the model again for " + backend_override +
                              " into another work dir (nnport convert CONFIG MODEL --work-dir "
                              "DIR, with a config whose backend_config.type is '" +
                              backend_override + "'), or drop --backend");
    }
    return info;
  }
  // A model file. inspect_onnx names a missing, empty or garbage file.
  NNPORT_ASSIGN_OR_RETURN(OnnxModelInfo model, inspect_onnx(target));
  DeployInfo info;
  info.backend =
      backend_override.empty() ? std::string(backend_names::kOnnxRuntime) : backend_override;
  std::string abs = fs::absolute(target).lexically_normal().string();
  info.ir_files = {abs};
  info.backend_files = {abs};
  for (const auto& in : model.inputs) info.input_names.push_back(in.name);
  for (const auto& out : model.outputs) info.output_names.push_back(out.name);
  for (const auto& in : model.inputs)
    for (int64_t d : in.dims) info.dynamic_shape = info.dynamic_shape || d < 0;
  info.deploy_cfg["backend_config"] = Config{{"type", info.backend}};
  return info;
}

Result<Wrapper> build_target_wrapper(const DeployInfo& info, Registry* registry) {
  Registry& reg = registry != nullptr ? *registry : Registry::global();
  NNPORT_ASSIGN_OR_RETURN(const BackendManager* m,
                          find_available(reg, info.backend, info.plugin_file));
  std::error_code ec;
  for (const auto& f : info.backend_files) {
    if (!fs::exists(f, ec))
      return not_found("backend file '" + f + "' does not exist; convert the model again");
    if (!fs::is_regular_file(f, ec))
      return invalid_argument("backend file '" + f +
                              "' is not a regular file; convert the model again");
  }
  // The model's own input names (nnport keeps them); outputs in the model's order.
  return m->build_wrapper(info.backend_files, info.device, {}, info.output_names,
                          cfg_json(info.deploy_cfg));
}

Result<DeployInfo> convert_target_for(const DeployInfo& info, const std::string& backend,
                                      const std::string& scratch_dir, Registry* registry) {
  Registry& reg = registry != nullptr ? *registry : Registry::global();
  NNPORT_ASSIGN_OR_RETURN(const BackendManager* m, find_available(reg, backend));
  if (info.ir_files.empty())
    return invalid_argument("target has no ONNX file to convert for backend '" + backend + "'");
  DeployInfo out = info;
  out.backend = backend;
  out.work_dir.clear();
  out.plugin_file.clear();
  // Another backend's options mean nothing to this one; the target's own
  // backend keeps them (a prefix of the model cut by `nnport debug` must be
  // converted exactly as the model was).
  if (backend != info.backend) out.deploy_cfg["backend_config"] = Config{{"type", backend}};
  NNPORT_ASSIGN_OR_RETURN(out.backend_files,
                          m->to_backend(out.ir_files, scratch_dir, cfg_json(out.deploy_cfg),
                                        NNPORT_LOG_WARNING, out.device));
  return out;
}

Result<Wrapper> build_reference_wrapper(const DeployInfo& info, const std::string& reference,
                                        Registry* registry) {
  Registry& reg = registry != nullptr ? *registry : Registry::global();
  if (info.ir_files.empty())
    return not_found("the target has no ONNX file for the reference backend '" + reference + "'");
  NNPORT_ASSIGN_OR_RETURN(const BackendManager* m, find_available(reg, reference));
  Config cfg = Config::object();
  cfg["backend_config"] = Config{{"type", reference}};
  return m->build_wrapper(info.ir_files, "cpu", {}, info.output_names, cfg_json(cfg));
}

Result<Wrapper> build_wrapper_from_target(const std::string& target,
                                          const std::string& backend_override, Registry* registry) {
  NNPORT_ASSIGN_OR_RETURN(DeployInfo info, resolve_target(target, backend_override));
  return build_target_wrapper(info, registry);
}

}  // namespace nnport
