#include "ort_options.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "nnport/plugin_config.h"

namespace nnport::ort {
namespace {

using nlohmann::json;

constexpr int kMaxThreads = 1024;  // anything above is a typo, not a machine

[[noreturn]] void bad(const std::string& key, const json& value, const std::string& allowed) {
  plugin::bad_config_value("onnxruntime", key, value, allowed);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

int read_threads(const std::string& key, const json& v) {
  if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxThreads) {
    bad(key, v,
        "expected an integer from 0 (ONNX Runtime's default) to " + std::to_string(kMaxThreads));
  }
  return v.get<int>();
}

bool read_bool(const std::string& key, const json& v) {
  if (!v.is_boolean()) bad(key, v, "expected True or False");
  return v.get<bool>();
}

GraphOptimizationLevel read_level(const json& v) {
  const std::string allowed = "expected 'disable', 'basic', 'extended' or 'all' (or 0, 1, 2, 99)";
  if (v.is_number_integer()) {
    switch (v.get<int64_t>()) {
      case 0:
        return ORT_DISABLE_ALL;
      case 1:
        return ORT_ENABLE_BASIC;
      case 2:
        return ORT_ENABLE_EXTENDED;
      case 99:
        return ORT_ENABLE_ALL;
      default:
        bad("graph_optimization_level", v, allowed);
    }
  }
  if (!v.is_string()) bad("graph_optimization_level", v, allowed);
  const std::string s = lower(v.get<std::string>());
  if (s == "disable" || s == "disable_all" || s == "none") return ORT_DISABLE_ALL;
  if (s == "basic") return ORT_ENABLE_BASIC;
  if (s == "extended") return ORT_ENABLE_EXTENDED;
  if (s == "all") return ORT_ENABLE_ALL;
  bad("graph_optimization_level", v, allowed);
}

ExecutionMode read_mode(const json& v) {
  const std::string allowed = "expected 'sequential' or 'parallel'";
  if (!v.is_string()) bad("execution_mode", v, allowed);
  const std::string s = lower(v.get<std::string>());
  if (s == "sequential") return ORT_SEQUENTIAL;
  if (s == "parallel") return ORT_PARALLEL;
  bad("execution_mode", v, allowed);
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  return v.dump();
}

}  // namespace

Options parse_options(const std::string& deploy_cfg_json) {
  Options opts;
  const json cfg = plugin::parse_deploy_config("onnxruntime", deploy_cfg_json);
  const json* own = plugin::own_backend_config("onnxruntime", cfg);
  if (own == nullptr) return opts;
  const json& bc = *own;

  for (const auto& [key, v] : bc.items()) {
    if (key == "type") continue;
    if (key == "intra_op_num_threads") {
      opts.intra_op_num_threads = read_threads(key, v);
    } else if (key == "inter_op_num_threads") {
      opts.inter_op_num_threads = read_threads(key, v);
    } else if (key == "graph_optimization_level") {
      opts.graph_optimization_level = read_level(v);
    } else if (key == "execution_mode") {
      opts.execution_mode = read_mode(v);
    } else if (key == "enable_cpu_mem_arena") {
      opts.enable_cpu_mem_arena = read_bool(key, v);
    } else if (key == "enable_mem_pattern") {
      opts.enable_mem_pattern = read_bool(key, v);
    } else if (key == "optimize_offline") {
      opts.optimize_offline = read_bool(key, v);
    } else if (key == "precision") {
      if (!v.is_string()) bad(key, v, "expected a string such as 'fp32'");
      opts.precision = lower(v.get<std::string>());
    } else if (key == "session_config") {
      if (!v.is_object()) bad(key, v, "expected a dict of ONNX Runtime session config entries");
      for (const auto& [k, entry] : v.items()) {
        if (entry.is_object() || entry.is_array() || entry.is_null()) {
          bad(key + "['" + k + "']", entry, "expected a string, number or bool");
        }
        opts.session_config.emplace_back(k, scalar_text(entry));
      }
    } else if (key == "common_config" || key == "model_inputs" || key == "quantization") {
      // The fp16 and int8 passes' keys (nnport's convert applies them before
      // to_backend) and MMDeploy's shape profiles: nothing to do here.
    } else {
      plugin::log(NNPORT_LOG_WARNING, "onnxruntime: ignoring unknown backend_config key '" + key +
                                          "' (see docs/backends/onnxruntime.md for the keys)");
    }
  }
  return opts;
}

Device parse_device(const std::string& device) {
  const std::string accepted =
      "accepted: 'cpu', 'cuda' (device 0) or 'cuda:<index>' such as 'cuda:1'";
  const std::string_view dev(device);
  if (dev == "cpu") return {Device::kCpu, 0};
  if (dev == "cuda") return {Device::kCuda, 0};
  if (dev.starts_with("cuda:")) {
    const std::string id(dev.substr(5));
    if (id.empty() || id.size() > 4 || !std::all_of(id.begin(), id.end(), ::isdigit)) {
      throw plugin::Error(NNPORT_INVALID_ARGUMENT,
                          "onnxruntime: device '" + device + "' has no valid index; " + accepted);
    }
    return {Device::kCuda, std::stoi(id)};
  }
  throw plugin::Error(NNPORT_UNAVAILABLE, "onnxruntime: device '" + device +
                                              "' is not one this backend knows; " + accepted +
                                              " (where ONNX Runtime's CUDA provider is installed)");
}

Ort::SessionOptions make_session_options(const Options& options, const std::string& device) {
  const Device dev = parse_device(device);
  env();  // first: ORT logs through the env's logger (see env())
  Ort::SessionOptions so;
  try {
    so.SetIntraOpNumThreads(options.intra_op_num_threads);
    so.SetInterOpNumThreads(options.inter_op_num_threads);
    so.SetGraphOptimizationLevel(options.graph_optimization_level);
    so.SetExecutionMode(options.execution_mode);
    if (options.enable_cpu_mem_arena)
      so.EnableCpuMemArena();
    else
      so.DisableCpuMemArena();
    if (options.enable_mem_pattern)
      so.EnableMemPattern();
    else
      so.DisableMemPattern();
    for (const auto& [k, v] : options.session_config) so.AddConfigEntry(k.c_str(), v.c_str());
  } catch (const Ort::Exception& e) {
    rethrow(e, "setting session options from backend_config");
  }
  if (dev.kind == Device::kCpu) return so;

  OrtCUDAProviderOptions cuda{};
  cuda.device_id = dev.index;
  CaptureErrors why;  // ORT logs the loader's reason and returns a generic one
  try {
    so.AppendExecutionProvider_CUDA(cuda);
  } catch (const Ort::Exception& e) {
    std::string reason = std::string("ONNX Runtime's CUDA provider failed to load: ") + e.what();
    if (!why.text().empty()) reason += " (" + why.text() + ")";
    throw plugin::Error(NNPORT_UNAVAILABLE, "onnxruntime: device '" + device +
                                                "' is not usable here: " + reason +
                                                "; use device 'cpu' (--device cpu)");
  }
  return so;
}

}  // namespace nnport::ort
