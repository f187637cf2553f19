#include "cv_options.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "nnport/did_you_mean.h"
#include "nnport/onnx_model.h"
#include "nnport/plugin_config.h"

namespace nnport::cv_backend {
namespace {

using nlohmann::json;

constexpr int kMaxThreads = 1024;  // anything above is a typo, not a machine

const std::vector<std::string>& known_keys() {
  static const std::vector<std::string> keys = {"type", "rewrites", "num_threads", "split_batch"};
  return keys;
}

[[noreturn]] void bad(const std::string& key, const json& value, const std::string& allowed) {
  plugin::bad_config_value("opencv", key, value, allowed);
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "'" : ", '") + n + "'";
  return s;
}

std::vector<std::string> read_rewrites(const json& v) {
  const std::vector<std::string> known = onnx_pass_names();
  if (!v.is_array()) bad("rewrites", v, "expected a list of pass names from " + quoted_list(known));
  std::vector<std::string> out;
  for (const json& item : v) {
    if (!item.is_string()) bad("rewrites", v, "every item must be a pass name (a string)");
    const std::string name = item.get<std::string>();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw plugin::Error(NNPORT_INVALID_ARGUMENT,
                          "opencv: backend_config.rewrites names an unknown ONNX rewrite pass '" +
                              name + "'" + did_you_mean(name, known) +
                              "; the passes nnport knows are " + quoted_list(known));
    }
    out.push_back(name);
  }
  return out;
}

std::optional<int> read_threads(const json& v) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > kMaxThreads) {
    bad("num_threads", v,
        "expected an integer from 1 to " + std::to_string(kMaxThreads) +
            ", or None to keep OpenCV's default (all cores)");
  }
  return v.get<int>();
}

// onnx_config.input_shape: MMDeploy's [width, height], or None.
std::vector<int64_t> read_input_shape(const json& cfg) {
  if (!cfg.contains("onnx_config") || !cfg["onnx_config"].is_object()) return {};
  const json& oc = cfg["onnx_config"];
  if (!oc.contains("input_shape") || oc["input_shape"].is_null()) return {};
  const json& v = oc["input_shape"];
  const bool ok =
      v.is_array() && v.size() == 2 && std::all_of(v.begin(), v.end(), [](const json& d) {
        return d.is_number_integer() && d.get<int64_t>() > 0;
      });
  if (!ok) {
    throw plugin::Error(NNPORT_INVALID_ARGUMENT,
                        "opencv: onnx_config.input_shape = " + v.dump() +
                            " is invalid: expected [width, height] with positive integers, "
                            "or None");
  }
  return {v[0].get<int64_t>(), v[1].get<int64_t>()};
}

}  // namespace

std::vector<std::string> default_rewrites() {
  const std::vector<std::string> known = onnx_pass_names();
  std::vector<std::string> out;
  for (const char* name : {"remove_identity", "fold_constants", "clip_to_attributes"}) {
    if (std::find(known.begin(), known.end(), name) != known.end()) out.emplace_back(name);
  }
  return out;
}

Options parse_options(const std::string& deploy_cfg_json) {
  Options opts;
  opts.rewrites = default_rewrites();
  const json cfg = plugin::parse_deploy_config("opencv", deploy_cfg_json);
  if (cfg.is_object()) opts.input_shape_wh = read_input_shape(cfg);
  const json* own = plugin::own_backend_config("opencv", cfg);
  if (own == nullptr) return opts;
  const json& bc = *own;

  for (const auto& [key, v] : bc.items()) {
    if (key == "type") continue;
    if (key == "rewrites") {
      opts.rewrites = read_rewrites(v);
    } else if (key == "num_threads") {
      opts.num_threads = read_threads(v);
    } else if (key == "split_batch") {
      if (!v.is_boolean()) bad(key, v, "expected True or False");
      opts.split_batch = v.get<bool>();
    } else {
      plugin::log(NNPORT_LOG_WARNING, "opencv: ignoring unknown backend_config key '" + key + "'" +
                                          did_you_mean(key, known_keys()) +
                                          " (see docs/backends/opencv.md for the keys)");
    }
  }
  return opts;
}

}  // namespace nnport::cv_backend
