// convert(): deploy config + ONNX model -> work dir (MMDeploy's torch2onnx is
// already done; this is its onnx2backend step plus the SDK model files).
#include <filesystem>
#include <system_error>

#include "apis/atomic_dir.h"
#include "apis/deploy_json.h"
#include "nnport/apis.h"
#include "nnport/onnx_model.h"

namespace nnport {
namespace fs = std::filesystem;

namespace {

Result<std::string> onnx_save_file(const Config& cfg) {
  Config onnx = get_onnx_config(cfg);
  if (!onnx.contains("save_file") || onnx["save_file"].is_null())
    return std::string("end2end.onnx");
  if (!onnx["save_file"].is_string())
    return invalid_argument("onnx_config.save_file must be a file name, got " +
                            onnx["save_file"].dump());
  std::string name = onnx["save_file"].get<std::string>();
  fs::path p(name);
  if (name.empty() || p.has_parent_path() || name == "." || name == ".." ||
      p.extension() != ".onnx")
    return invalid_argument(
        "onnx_config.save_file must be a plain file name ending in .onnx, "
        "got '" +
        name + "'");
  return name;
}

std::string precision_of(const Config& cfg) {
  Config b = get_backend_config(cfg);
  if (b.contains("precision") && b["precision"].is_string()) {
    std::string p = b["precision"].get<std::string>();
    for (auto& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return p;
  }
  if (b.contains("common_config") && b["common_config"].is_object()) {
    const Config& c = b["common_config"];
    if (c.value("int8_mode", false) == true) return "INT8";
    if (c.value("fp16_mode", false) == true) return "FP16";
  }
  return "FP32";
}

// Names the config expects but the model lacks: MMDeploy passes the config's
// names to build_wrapper; nnport keeps the model's, and says so.
void note_name_mismatch(const Config& onnx, const char* key, const std::vector<std::string>& model,
                        std::vector<std::string>& warnings) {
  if (!onnx.contains(key) || !onnx[key].is_array()) return;
  for (const auto& n : onnx[key]) {
    if (!n.is_string()) continue;
    bool found = false;
    for (const auto& m : model) found = found || m == n.get<std::string>();
    if (!found)
      warnings.push_back("onnx_config." + std::string(key) + " names '" + n.get<std::string>() +
                         "', which the model does not have; using the "
                         "model's own names");
  }
}

}  // namespace

Result<DeployInfo> convert(const std::string& deploy_cfg_path, const std::string& model_path,
                           const std::string& work_dir, const ConvertOptions& options,
                           Registry* registry) {
  Registry& reg = registry != nullptr ? *registry : Registry::global();
  if (work_dir.empty()) return invalid_argument("no work dir given; pass --work-dir DIR");

  NNPORT_ASSIGN_OR_RETURN(Config cfg, load_config(deploy_cfg_path, options.cfg_options));
  NNPORT_ASSIGN_OR_RETURN(std::string backend, get_backend_name(cfg));
  NNPORT_ASSIGN_OR_RETURN(std::string save_file, onnx_save_file(cfg));
  NNPORT_ASSIGN_OR_RETURN(const BackendManager* manager, reg.find(backend));
  std::string why;
  if (!manager->is_available(false, &why))
    return unavailable("backend '" + backend + "' is not available here" +
                       (why.empty() ? "" : ": " + why) + "; run `nnport check-env`");
  NNPORT_ASSIGN_OR_RETURN(OnnxModelInfo model, inspect_onnx(model_path));

  fs::path target = fs::absolute(work_dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  NNPORT_RETURN_IF_ERROR(apis::check_target_dir(target, options.overwrite));

  apis::AtomicDir tmp;
  NNPORT_RETURN_IF_ERROR(tmp.create(target));

  std::error_code ec;
  fs::path ir = tmp.path() / save_file;
  fs::copy_file(model_path, ir, ec);
  if (ec)
    return io_error("cannot copy model '" + model_path + "' to '" + ir.string() +
                    "': " + ec.message());

  NNPORT_ASSIGN_OR_RETURN(
      std::vector<std::string> files,
      manager->to_backend({ir.string()}, tmp.path().string(),
                          cfg.dump(-1, ' ', false, Config::error_handler_t::replace),
                          options.log_level, options.device));
  if (files.empty()) return internal_error(backend + ": to_backend returned no backend files");

  DeployInfo info;
  info.backend = backend;
  info.task = get_task(cfg);
  info.device = options.device;
  info.deploy_cfg_path = fs::absolute(deploy_cfg_path).lexically_normal().string();
  info.deploy_cfg = cfg;
  for (const auto& in : model.inputs) info.input_names.push_back(in.name);
  for (const auto& out : model.outputs) info.output_names.push_back(out.name);
  info.precision = precision_of(cfg);
  info.dynamic_shape = is_dynamic_shape(cfg);
  for (const auto& in : model.inputs)
    for (int64_t d : in.dims) info.dynamic_shape = info.dynamic_shape || d < 0;
  if (!model.inputs.empty() && !model.inputs[0].dims.empty() && model.inputs[0].dims[0] > 0)
    info.batch_size = model.inputs[0].dims[0];
  Config onnx = get_onnx_config(cfg);
  note_name_mismatch(onnx, "input_names", info.input_names, info.warnings);
  note_name_mismatch(onnx, "output_names", info.output_names, info.warnings);

  // Paths as they will be after the rename.
  auto relocate = [&](const std::string& f) -> Result<std::string> {
    fs::path p = fs::weakly_canonical(fs::absolute(f), ec);
    fs::path base = fs::weakly_canonical(tmp.path(), ec);
    fs::path rel = p.lexically_relative(base);
    if (rel.empty() || *rel.begin() == "..")
      return internal_error(backend + ": to_backend returned '" + f +
                            "', which is outside the work dir");
    return (target / rel).string();
  };
  info.ir_files.push_back((target / save_file).string());
  for (const auto& f : files) {
    NNPORT_ASSIGN_OR_RETURN(std::string moved, relocate(f));
    info.backend_files.push_back(moved);
  }
  info.work_dir = target.string();

  NNPORT_RETURN_IF_ERROR(
      apis::write_text_file((tmp.path() / apis::kDeployJson).string(),
                            apis::make_deploy_json(info, target.string())
                                    .dump(4, ' ', false, Config::error_handler_t::replace) +
                                "\n"));
  NNPORT_RETURN_IF_ERROR(apis::write_text_file(
      (tmp.path() / apis::kDetailJson).string(),
      apis::make_detail_json(info).dump(4, ' ', false, Config::error_handler_t::replace) + "\n"));
  NNPORT_RETURN_IF_ERROR(tmp.commit(options.overwrite));
  return info;
}

}  // namespace nnport
