// Internal to libnnport: the folder `debug reduce` writes — reduced.onnx,
// inputs/<name>.npy, summary.json — built in a temporary folder beside it
// and renamed into place, so it is never half-written.
#ifndef NNPORT_SRC_DEBUG_REDUCE_OUTPUT_H_
#define NNPORT_SRC_DEBUG_REDUCE_OUTPUT_H_

#include <filesystem>
#include <map>
#include <string>

#include "nnport/config.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport::debug_internal {

// The key summary.json carries, so that --force replaces only a folder an
// earlier reduce wrote.
inline constexpr char kReduceMarker[] = "nnport_debug_reduce";

// Before any trial: an out dir that exists and is not empty is refused
// unless `overwrite` and an earlier reduce wrote it (nothing else in it).
Status check_out_dir(const std::filesystem::path& dir, bool overwrite);

// "inputs/<file>.npy" for each input name ('/' and '\\' made '_', made unique).
std::map<std::string, std::string> input_files(const NamedTensors& inputs);

// Write the folder: `model` copied to reduced.onnx, `inputs` as .npy files
// (input_files), `summary` (plus the marker and an "inputs" map) as
// summary.json.
Status write_reduced(const std::filesystem::path& dir, const std::string& model,
                     const NamedTensors& inputs, Config summary, bool overwrite);

}  // namespace nnport::debug_internal

#endif  // NNPORT_SRC_DEBUG_REDUCE_OUTPUT_H_
