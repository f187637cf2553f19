// Boundary values for `debug reduce`: a prefix of the model that outputs the
// wanted tensors, run once on the reference in a child, its outputs kept as
// .npy files (so memory holds only what the current candidate needs).
#include "debug/reduce_values.h"

#include <unistd.h>

#include <filesystem>

#include "core/child_process.h"
#include "debug/model_trial.h"
#include "nnport/config.h"
#include "nnport/npy.h"
#include "onnx/graph_cut.h"

namespace nnport::debug_internal {
namespace fs = std::filesystem;

BoundaryValues::BoundaryValues(std::string model, DeployInfo reference_target,
                               std::string reference, NamedTensors inputs, std::string scratch_dir,
                               double timeout_s, Registry* registry)
    : model_(std::move(model)),
      reference_(std::move(reference)),
      scratch_dir_(std::move(scratch_dir)),
      reference_target_(std::move(reference_target)),
      inputs_(std::move(inputs)),
      timeout_s_(timeout_s),
      registry_(registry) {}

Result<NamedTensors> BoundaryValues::get(const std::vector<std::string>& names) {
  std::vector<std::string> missing;
  for (const auto& n : names)
    if (!inputs_.contains(n) && !files_.contains(n)) missing.push_back(n);
  if (!missing.empty()) NNPORT_RETURN_IF_ERROR(compute(missing));
  NamedTensors values;
  for (const auto& n : names) {
    if (const Tensor* given = inputs_.find(n)) {
      values.set(n, *given);
      continue;
    }
    NNPORT_ASSIGN_OR_RETURN(Tensor t, read_npy(files_.at(n)));
    values.set(n, std::move(t));
  }
  return values;
}

Status BoundaryValues::compute(const std::vector<std::string>& names) {
  const fs::path dir = fs::path(scratch_dir_) / "values";
  std::error_code ec;
  fs::create_directories(dir, ec);
  const int run = ++runs_;
  const std::string prefix = (dir / ("prefix-" + std::to_string(run) + ".onnx")).string();
  NNPORT_RETURN_IF_ERROR(onnx_internal::extract_prefix(model_, prefix, names));
  auto child = core_internal::run_in_child(
      [&](int fd) {
        ::dup2(STDERR_FILENO, STDOUT_FILENO);
        auto outputs = run_on_reference(reference_target_, reference_, prefix, inputs_, registry_);
        Config written = Config::object();
        if (!outputs.ok()) {
          written["error"] = outputs.status().message();
        } else {
          int i = 0;
          for (const auto& [name, tensor] : *outputs) {
            const std::string file =
                (dir / ("r" + std::to_string(run) + "-" + std::to_string(i++) + ".npy")).string();
            const Status s = write_npy(file, tensor);
            if (!s.ok()) {
              written = Config{{"error", s.message()}};
              break;
            }
            written["files"][name] = file;
          }
        }
        return core_internal::write_all(fd, written.dump()) ? 0 : 1;
      },
      timeout_s_);
  fs::remove(prefix, ec);
  const std::string what =
      "computing the full model's values of boundary tensors on '" + reference_ + "'";
  if (!child.ok()) return child.status().with_context(what);
  if (!child->ok())
    return internal_error(what + ": the reference process ended with " +
                          core_internal::describe(*child, timeout_s_));
  NNPORT_ASSIGN_OR_RETURN(Config written, parse_json_document(child->output, "reference values"));
  if (written.contains("error"))
    return internal_error(what + ": " + written["error"].get<std::string>());
  for (const auto& n : names) {
    if (!written["files"].contains(n))
      return internal_error(what + ": the reference returned no value for '" + n + "'");
    files_[n] = written["files"][n].get<std::string>();
  }
  return Status::ok_status();
}

}  // namespace nnport::debug_internal
