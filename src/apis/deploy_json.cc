#include "apis/deploy_json.h"

#include "apis/confined_path.h"
#include "core/regular_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace nnport::apis {
namespace fs = std::filesystem;

namespace {

constexpr const char* kConvertAgain = "; convert the model again with `nnport convert`";

std::string relative_to(const std::string& path, const std::string& root) {
  return fs::path(path).lexically_relative(root).generic_string();
}

Config string_list(const std::vector<std::string>& items) {
  Config a = Config::array();
  for (const auto& s : items) a.push_back(s);
  return a;
}

Config relative_list(const std::vector<std::string>& items, const std::string& root) {
  Config a = Config::array();
  for (const auto& s : items) a.push_back(relative_to(s, root));
  return a;
}

Result<std::vector<std::string>> read_string_list(const Config& j, const char* key,
                                                  const std::string& origin) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array())
    return invalid_argument(origin + ": \"" + key + "\" must be a list of strings");
  for (const auto& v : j[key]) {
    if (!v.is_string())
      return invalid_argument(origin + ": \"" + key + "\" must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// A path from deploy.json, resolved inside root. A work dir may come from
// anyone (a download, a bug report): it must not make nnport read a file
// outside it.
Result<std::string> inside_work_dir(const std::string& rel, const fs::path& root,
                                    const std::string& where) {
  const ConfinedPath c = confine(root, rel);
  if (c.escape == ConfinedPath::Escape::kNone) return c.path.string();
  return invalid_argument(where + ": path '" + rel + "' " +
                          why_outside(c, "the work dir '" + root.string() + "'") +
                          "; a work dir's files must lie inside it: convert the model again");
}

}  // namespace

Config make_deploy_json(const DeployInfo& info, const std::string& root) {
  Config model;
  model["name"] = info.ir_files.empty() ? "end2end" : fs::path(info.ir_files[0]).stem().string();
  model["net"] = info.backend_files.empty() ? "" : relative_to(info.backend_files[0], root);
  model["weights"] = info.backend_files.size() > 1 ? relative_to(info.backend_files[1], root) : "";
  model["backend"] = info.backend;
  model["precision"] = info.precision;
  model["batch_size"] = info.batch_size;
  model["dynamic_shape"] = info.dynamic_shape;

  Config extra;
  extra["version"] = NNPORT_VERSION;
  extra["deploy_cfg"] = info.deploy_cfg_path;
  extra["device"] = info.device;
  extra["ir_files"] = relative_list(info.ir_files, root);
  extra["backend_files"] = relative_list(info.backend_files, root);
  extra["data_files"] = relative_list(info.data_files, root);
  if (!info.extra_files.empty()) extra["extra_files"] = relative_list(info.extra_files, root);
  extra["load_checked"] = info.load_checked;
  if (!info.plugin_file.empty()) extra["plugin_file"] = info.plugin_file;
  extra["input_names"] = string_list(info.input_names);
  extra["output_names"] = string_list(info.output_names);

  Config d;
  d["version"] = NNPORT_VERSION;
  d["task"] = info.task;
  d["models"] = Config::array({model});
  d["customs"] = Config::array();
  d["nnport"] = extra;
  return d;
}

Config make_detail_json(const DeployInfo& info) {
  const Config& cfg = info.deploy_cfg;
  Config codebase_cfg = get_codebase_config(cfg);
  Config d;
  d["version"] = NNPORT_VERSION;
  Config codebase;
  codebase["task"] = info.task;
  codebase["codebase"] = codebase_cfg.contains("type") && codebase_cfg["type"].is_string()
                             ? codebase_cfg["type"]
                             : Config("");
  codebase["version"] = "";
  codebase["pth"] = "";
  codebase["config"] = "";
  d["codebase"] = codebase;
  d["codebase_config"] = codebase_cfg;
  d["onnx_config"] = get_onnx_config(cfg);
  d["backend_config"] = get_backend_config(cfg);
  d["calib_config"] = cfg.contains("calib_config") ? cfg["calib_config"] : Config::object();
  return d;
}

Result<DeployInfo> parse_deploy_json(const std::string& text, const std::string& root,
                                     const std::string& origin) {
  // Depth-bounded: a work dir is untrusted, and deep JSON would overflow the
  // stack of every recursive use after the parse.
  auto parsed = parse_json_document(text, origin);
  if (!parsed.ok())
    return Status(parsed.status().code(), parsed.status().message() + kConvertAgain);
  return parse_deploy_json(*parsed, root, origin);
}

Result<DeployInfo> parse_deploy_json(const Config& d, const std::string& root,
                                     const std::string& origin) {
  if (!d.is_object())
    return invalid_argument(origin +
                            " is not a JSON object; convert the model again with "
                            "`nnport convert`");
  if (!d.contains("models") || !d["models"].is_array() || d["models"].empty() ||
      !d["models"][0].is_object())
    return invalid_argument(origin + " has no \"models\" entry; convert the model again");
  const Config& m = d["models"][0];
  DeployInfo info;
  info.work_dir = root;
  auto str = [](const Config& j, const char* key, std::string fallback = "") {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
  };
  info.backend = str(m, "backend");
  if (info.backend.empty())
    return invalid_argument(origin + ": models[0].backend " +
                            (m.contains("backend")
                                 ? "must be a backend name (a string), got " + m["backend"].dump()
                                 : std::string("is missing")) +
                            kConvertAgain);
  info.task = str(d, "task");
  info.precision = str(m, "precision", "FP32");
  if (m.contains("batch_size") && m["batch_size"].is_number_integer())
    info.batch_size = m["batch_size"].get<int64_t>();
  if (m.contains("dynamic_shape") && m["dynamic_shape"].is_boolean())
    info.dynamic_shape = m["dynamic_shape"].get<bool>();

  Config extra = d.contains("nnport") && d["nnport"].is_object() ? d["nnport"] : Config::object();
  std::string where = origin + " (nnport)";
  NNPORT_ASSIGN_OR_RETURN(auto ir, read_string_list(extra, "ir_files", where));
  NNPORT_ASSIGN_OR_RETURN(auto files, read_string_list(extra, "backend_files", where));
  NNPORT_ASSIGN_OR_RETURN(auto data, read_string_list(extra, "data_files", where));
  NNPORT_ASSIGN_OR_RETURN(auto extra_files, read_string_list(extra, "extra_files", where));
  NNPORT_ASSIGN_OR_RETURN(info.input_names, read_string_list(extra, "input_names", where));
  NNPORT_ASSIGN_OR_RETURN(info.output_names, read_string_list(extra, "output_names", where));
  const bool mmdeploy_only = files.empty();
  if (files.empty()) {  // a work dir written by MMDeploy: net, then weights
    if (!str(m, "net").empty()) files.push_back(str(m, "net"));
    if (!str(m, "weights").empty()) files.push_back(str(m, "weights"));
  }
  if (files.empty()) return invalid_argument(origin + ": models[0].net is missing");
  const fs::path root_path(root);
  for (auto [list, out] :
       {std::pair{&files, &info.backend_files}, std::pair{&ir, &info.ir_files},
        std::pair{&data, &info.data_files}, std::pair{&extra_files, &info.extra_files}})
    for (const auto& f : *list) {
      NNPORT_ASSIGN_OR_RETURN(std::string path, inside_work_dir(f, root_path, origin));
      out->push_back(std::move(path));
    }
  // MMDeploy's reader uses models[0].net; nnport's uses backend_files: a work
  // dir where they differ was edited by hand, and nobody can say which is meant.
  if (const std::string net = str(m, "net"); !mmdeploy_only && !net.empty()) {
    NNPORT_ASSIGN_OR_RETURN(std::string net_path, inside_work_dir(net, root_path, origin));
    if (net_path != info.backend_files[0])
      return invalid_argument(origin + ": models[0].net is '" + net +
                              "' but nnport.backend_files starts with '" + files[0] +
                              "'; the file was edited by hand" + kConvertAgain);
  }
  if (info.ir_files.empty()) {  // MMDeploy's work dirs keep end2end.onnx
    fs::path guess = fs::path(root) / "end2end.onnx";
    std::error_code ec;
    if (fs::exists(guess, ec)) info.ir_files.push_back(guess.string());
  }
  info.device = str(extra, "device", "cpu");
  info.deploy_cfg_path = str(extra, "deploy_cfg");
  info.plugin_file = str(extra, "plugin_file");
  // Work dirs of MMDeploy or of older nnport versions say nothing: unchecked.
  info.load_checked = extra.contains("load_checked") && extra["load_checked"].is_boolean() &&
                      extra["load_checked"].get<bool>();
  // The resolved config, so build_wrapper sees the backend_config convert used.
  auto detail_text = read_work_dir_file(root, kDetailJson);
  if (!detail_text.ok() && detail_text.status().code() != Code::kNotFound)
    return detail_text.status();
  if (detail_text.ok()) {
    auto dj = parse_json_document(*detail_text, (fs::path(root) / kDetailJson).string());
    if (!dj.ok()) return Status(dj.status().code(), dj.status().message() + kConvertAgain);
    if (dj->is_object()) {
      for (const char* key : {"codebase_config", "onnx_config", "backend_config", "calib_config"})
        if (dj->contains(key)) info.deploy_cfg[key] = (*dj)[key];
    }
  }
  if (!info.deploy_cfg.contains("backend_config"))
    info.deploy_cfg["backend_config"] = Config{{"type", info.backend}};
  return info;
}

Result<std::string> read_work_dir_file(const fs::path& root, const char* name) {
  constexpr std::uintmax_t kMaxBytes = 16 << 20;  // nnport writes a few KB
  const fs::path path = root / name;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec)))
    return not_found("work dir '" + root.string() + "' has no " + name +
                     "; create it with `nnport convert`");
  const ConfinedPath c = confine(root, name);
  if (c.escape != ConfinedPath::Escape::kNone)
    return invalid_argument(path.string() + " " + why_outside(c, "the work dir") +
                            "; nnport reads only the work dir's own files" + kConvertAgain);
  // Opening a FIFO would block until a writer comes, and a device never ends.
  if (const std::string kind = core_internal::non_regular_kind(path.string()); !kind.empty())
    return invalid_argument(path.string() + " is " + kind + ", not a regular file" + kConvertAgain);
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return io_error("cannot read " + path.string() + ": " + ec.message());
  if (size > kMaxBytes)
    return invalid_argument(path.string() + " is " + std::to_string(size) + " bytes, more than " +
                            std::to_string(kMaxBytes) + " (nnport writes a few KB)" +
                            kConvertAgain);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return io_error("cannot read " + path.string());
  return text.str();
}

Status write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return io_error("cannot write " + path);
  out << text;
  out.close();
  if (!out) return io_error("cannot write " + path + " (disk full?)");
  return {};
}

}  // namespace nnport::apis
