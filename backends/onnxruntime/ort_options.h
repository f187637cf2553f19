// backend_config keys of the onnxruntime backend, read from the deploy
// config JSON, and the SessionOptions they make. docs/backends/onnxruntime.md
// lists the keys, their defaults and what they do.
#ifndef NNPORT_BACKENDS_ONNXRUNTIME_ORT_OPTIONS_H_
#define NNPORT_BACKENDS_ONNXRUNTIME_ORT_OPTIONS_H_

#include <string>
#include <utility>
#include <vector>

#include "ort_runtime.h"

namespace nnport::ort {

struct Options {
  int intra_op_num_threads = 0;  // 0: ORT's default (one per physical core)
  int inter_op_num_threads = 0;  // 0: ORT's default
  GraphOptimizationLevel graph_optimization_level = ORT_ENABLE_ALL;
  ExecutionMode execution_mode = ORT_SEQUENTIAL;
  bool enable_cpu_mem_arena = true;
  bool enable_mem_pattern = true;
  bool optimize_offline = false;  // to_backend writes <stem>.ort.onnx
  std::string precision = "fp32";
  // Free-form session config entries (SessionOptions::AddConfigEntry),
  // e.g. {"session.intra_op.allow_spinning": "0"}; in the order given.
  std::vector<std::pair<std::string, std::string>> session_config;
};

// Reads deploy_cfg["backend_config"] when its type is "onnxruntime" (or
// absent); another backend's config (e.g. when onnxruntime is the reference
// of `nnport verify`) gives the defaults. A bad value throws
// plugin::Error(NNPORT_INVALID_ARGUMENT) naming the key, the value and what
// is allowed; an unknown key is logged as a warning.
Options parse_options(const std::string& deploy_cfg_json);

// A device string this backend accepts: "cpu", "cuda" (index 0) or
// "cuda:<index>". A malformed index is NNPORT_INVALID_ARGUMENT, any other
// string NNPORT_UNAVAILABLE; both messages list the accepted forms.
struct Device {
  enum Kind { kCpu, kCuda } kind = kCpu;
  int index = 0;
};
Device parse_device(const std::string& device);

// SessionOptions for these options on this device (parse_device). Creates
// the env first. A CUDA provider that cannot be used here (no provider
// library, no GPU) is NNPORT_UNAVAILABLE with ORT's reason, at this call:
// to_backend calls it to refuse such a device at convert time.
Ort::SessionOptions make_session_options(const Options& options, const std::string& device);

}  // namespace nnport::ort

#endif  // NNPORT_BACKENDS_ONNXRUNTIME_ORT_OPTIONS_H_
