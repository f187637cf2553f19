// convert(): deploy config + ONNX model -> work dir (MMDeploy's torch2onnx is
// already done; this is its onnx2backend step plus the SDK model files).
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "apis/atomic_dir.h"
#include "apis/config_model_notes.h"
#include "apis/deploy_json.h"
#include "apis/external_data.h"
#include "apis/owned_work_dir.h"
#include "nnport/apis.h"
#include "nnport/onnx_model.h"
#include "quantize/lower_precision.h"

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

std::string megabytes(uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// Why copying `from` to `to` (in the temporary work dir) failed, naming the
// work dir rather than the temporary folder, which is gone by the time the
// user reads this. libstdc++'s copy_file reports a full disk as "Input/output
// error" (a short sendfile), so a file larger than the free space is called
// what it is.
std::string copy_failure(const fs::path& from, const fs::path& to, const std::error_code& ec,
                         const fs::path& target) {
  std::error_code ignored;
  fs::remove(to, ignored);  // the partial copy: the free space as it was before
  const uintmax_t size = fs::file_size(from, ignored);
  const fs::space_info space = fs::space(to.parent_path(), ignored);
  if (!ignored && space.available < size)
    return "No space left on device (it is " + megabytes(size) + ", " + megabytes(space.available) +
           " are free on the disk of work dir '" + target.string() +
           "'); free some space or choose another --work-dir";
  return ec.message();
}

// Copy the model and its external data files into the temporary work dir.
Status copy_model(const std::string& model_path, const fs::path& ir,
                  const std::vector<apis::ExternalDataFile>& data, DeployInfo& info,
                  const fs::path& tmp, const fs::path& target) {
  std::error_code ec;
  fs::copy_file(model_path, ir, ec);
  if (ec)
    return io_error("cannot copy model '" + model_path + "' into work dir '" + target.string() +
                    "': " + copy_failure(model_path, ir, ec, target));
  for (const auto& f : data) {
    const std::string name = f.location.generic_string();
    if (name == ir.filename() || name == apis::kDeployJson || name == apis::kDetailJson)
      return invalid_argument("model " + model_path + ": external data file '" + name +
                              "' has the name of a file nnport writes into the work dir; "
                              "re-save the model with another location for its data");
    const fs::path dest = tmp / f.location;
    fs::create_directories(dest.parent_path(), ec);
    if (!ec) fs::copy_file(f.source, dest, ec);
    if (ec)
      return io_error("cannot copy external data '" + f.source.string() + "' of model '" +
                      model_path + "' into work dir '" + target.string() +
                      "': " + copy_failure(f.source, dest, ec, target));
    info.data_files.push_back((target / f.location).string());
  }
  return {};
}

// A plugin outside the install's plugin folder is a third party's: the
// work dir needs it again to run.
std::string third_party_plugin(const BackendManager& manager) {
  std::error_code ec;
  const fs::path plugin(manager.plugin_path());
  const std::string installed = Registry::default_plugin_dir();
  if (plugin.empty() || (!installed.empty() && fs::equivalent(plugin.parent_path(), installed, ec)))
    return "";
  return fs::absolute(plugin).lexically_normal().string();
}

// The engine names the temporary folder, which is gone once convert returns.
std::string without_temporary(std::string message, const fs::path& tmp) {
  const std::string name = tmp.string();
  for (size_t at; (at = message.find(name)) != std::string::npos;)
    message.replace(at, name.size(), "<work dir>");
  return message;
}

}  // namespace

Result<DeployInfo> convert(const std::string& deploy_cfg_path, const std::string& model_path,
                           const std::string& work_dir, const ConvertOptions& options,
                           Registry* registry) {
  Registry& reg = registry != nullptr ? *registry : Registry::global();
  if (work_dir.empty()) return invalid_argument("no work dir given; pass --work-dir DIR");

  DeployInfo info;
  NNPORT_ASSIGN_OR_RETURN(Config cfg,
                          load_config(deploy_cfg_path, options.cfg_options, &info.warnings));
  NNPORT_ASSIGN_OR_RETURN(std::string backend, get_backend_name(cfg));
  NNPORT_ASSIGN_OR_RETURN(std::string save_file, onnx_save_file(cfg));
  NNPORT_ASSIGN_OR_RETURN(const BackendManager* manager, reg.find(backend));
  std::string why;
  if (!manager->is_available(false, &why))
    return unavailable("backend '" + backend + "' is not available here" +
                       (why.empty() ? "" : ": " + why) + "; run `nnport check-env`");

  // The model, before anything is written: a work dir is a promise that it runs.
  // Two parses on purpose: the external data locations are vetted before
  // the checker opens those files.
  NNPORT_ASSIGN_OR_RETURN(OnnxModelInfo model, inspect_onnx(model_path));
  NNPORT_ASSIGN_OR_RETURN(auto data_files,
                          apis::check_external_data(model_path, model.external_data_files));
  NNPORT_RETURN_IF_ERROR(check_onnx(model_path));
  for (auto& note : apis::config_model_disagreements(cfg, model))
    info.warnings.push_back(std::move(note));

  const fs::path target = apis::work_dir_path(work_dir);
  for (const auto& stale : apis::remove_stale_temporaries(target))
    info.warnings.push_back("removed '" + stale.string() +
                            "', a temporary folder left by an earlier nnport run that was killed");
  apis::ReplacePolicy replace;
  if (options.overwrite) replace = &apis::check_owned_work_dir;
  NNPORT_RETURN_IF_ERROR(apis::check_target_dir(target, replace));

  apis::AtomicDir tmp;
  NNPORT_RETURN_IF_ERROR(tmp.create(target));
  const fs::path ir = tmp.path() / save_file;
  NNPORT_RETURN_IF_ERROR(copy_model(model_path, ir, data_files, info, tmp.path(), target));

  // precision='int8' / 'fp16': the backend converts a lower-precision model
  // made from the IR; the fp32 IR stays as the reference.
  NNPORT_ASSIGN_OR_RETURN(
      quantize::Lowered lowered,
      quantize::lower_precision(cfg,
                                {model_path, ir.string(), tmp.path().string(), target.string(),
                                 options.calib_data, model.inputs},
                                reg));
  for (auto& note : lowered.notes) info.warnings.push_back(std::move(note));
  if (!options.calib_data.empty() && lowered.precision != "int8")
    info.warnings.push_back(
        "--calib-data is read only for backend_config.precision='int8' (this "
        "config's is '" +
        lowered.precision + "'); it was not used");

  auto converted = manager->to_backend({lowered.model_path}, tmp.path().string(),
                                       cfg.dump(-1, ' ', false, Config::error_handler_t::replace),
                                       options.log_level, options.device);
  if (!converted.ok() && lowered.precision != "fp32")
    return Status(converted.status().code(),
                  without_temporary(converted.status().message(), tmp.path()) + " (precision='" +
                      lowered.precision + "': nnport gave backend '" + backend + "' a " +
                      (lowered.precision == "int8" ? "QDQ" : "float16") +
                      " model, which it could not convert; docs/quantization.md says which "
                      "backends take one)");
  if (!converted.ok())  // e.g. the backend's own file write on a full disk
    return Status(converted.status().code(),
                  without_temporary(converted.status().message(), tmp.path()));
  std::vector<std::string> files = std::move(converted).value();
  if (files.empty()) return internal_error(backend + ": to_backend returned no backend files");

  info.backend = backend;
  info.task = get_task(cfg);
  info.device = options.device;
  info.deploy_cfg_path = fs::absolute(deploy_cfg_path).lexically_normal().string();
  info.deploy_cfg = cfg;
  for (const auto& in : model.inputs) info.input_names.push_back(in.name);
  for (const auto& out : model.outputs) info.output_names.push_back(out.name);
  for (auto& c : lowered.precision)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  info.precision = lowered.precision;
  info.dynamic_shape = is_dynamic_shape(cfg);
  for (const auto& in : model.inputs)
    for (int64_t d : in.dims) info.dynamic_shape = info.dynamic_shape || d < 0;
  if (!model.inputs.empty() && !model.inputs[0].dims.empty() && model.inputs[0].dims[0] > 0)
    info.batch_size = model.inputs[0].dims[0];
  info.plugin_file = third_party_plugin(*manager);

  if (options.load_check) {
    // The backend loads what it wrote, on the requested device, before the
    // work dir exists; the wrapper is gone again before the rename.
    DeployInfo here = info;
    here.backend_files = files;
    auto loaded = build_target_wrapper(here, &reg);
    if (!loaded.ok()) {
      std::string why = without_temporary(loaded.status().message(), tmp.path());
      while (!why.empty() && std::isspace(static_cast<unsigned char>(why.back()))) why.pop_back();
      return Status(loaded.status().code(),
                    "the converted files do not load on backend '" + backend + "' (device '" +
                        options.device + "'), so no work dir was written: " + why +
                        " (--no-load-check skips this check, e.g. for a model too large to load "
                        "twice)");
    }
    info.load_checked = true;
  }

  // Paths as they will be after the rename.
  std::error_code ec;
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
  for (const auto& f : lowered.extra_files) {
    NNPORT_ASSIGN_OR_RETURN(std::string moved, relocate(f));
    info.extra_files.push_back(moved);
  }
  info.work_dir = target.string();

  // Named as the work dir's files: the temporary folder is gone on return.
  for (const auto& [name, json] :
       {std::pair{apis::kDeployJson, apis::make_deploy_json(info, target.string())},
        std::pair{apis::kDetailJson, apis::make_detail_json(info)}}) {
    Status written =
        apis::write_text_file((tmp.path() / name).string(),
                              json.dump(4, ' ', false, Config::error_handler_t::replace) + "\n");
    if (!written.ok())
      return Status(written.code(), without_temporary(written.message(), tmp.path()));
  }
  NNPORT_RETURN_IF_ERROR(tmp.commit(replace));
  if (!tmp.kept_old().empty()) info.warnings.push_back(tmp.kept_old());
  return info;
}

}  // namespace nnport
