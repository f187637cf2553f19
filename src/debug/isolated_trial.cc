#include "debug/isolated_trial.h"

#include <filesystem>
#include <string_view>

#include "core/child_process.h"
#include "nnport/npy.h"

namespace nnport::debug_internal {
namespace fs = std::filesystem;
namespace {

// Exit codes of the child.
constexpr int kTargetFailed = 10;  // + TrialStage
constexpr int kReferenceFailed = 20;
constexpr int kSaveFailed = 30;
constexpr std::string_view kTargetDone = "@target-done\n";

// Outputs as <dir>/<prefix>_<i>.npy (tensor names may hold '/').
Status save_outputs(const NamedTensors& outputs, const std::string& dir, const char* prefix) {
  for (size_t i = 0; i < outputs.size(); ++i)
    NNPORT_RETURN_IF_ERROR(write_npy(
        (fs::path(dir) / (std::string(prefix) + "_" + std::to_string(i) + ".npy")).string(),
        outputs[i].second));
  return Status();
}

Result<NamedTensors> load_outputs(const std::vector<std::string>& names, const std::string& dir,
                                  const char* prefix) {
  NamedTensors outputs;
  for (size_t i = 0; i < names.size(); ++i) {
    NNPORT_ASSIGN_OR_RETURN(
        Tensor t,
        read_npy(
            (fs::path(dir) / (std::string(prefix) + "_" + std::to_string(i) + ".npy")).string()));
    outputs.set(names[i], std::move(t));
  }
  return outputs;
}

// The child writes "name\n" per output of each side, then "--\n" between them.
std::string names_block(const NamedTensors& outputs) {
  std::string text;
  for (const auto& [name, tensor] : outputs) text += name + "\n";
  return text;
}

}  // namespace

Result<IsolatedTrial> run_isolated(const DeployInfo& target, const std::string& reference,
                                   const std::string& model, const std::string& work_dir,
                                   const NamedTensors& inputs, double timeout_s,
                                   Registry* registry) {
  const std::string convert_dir = (fs::path(work_dir) / "converted").string();
  std::error_code ec;
  fs::create_directories(convert_dir, ec);
  if (ec) return io_error("cannot create '" + convert_dir + "': " + ec.message());

  auto outcome = core_internal::run_in_child(
      [&](int fd) {
        TrialStage stage = TrialStage::kNone;
        auto outputs = run_on_target(target, model, convert_dir, inputs, &stage, registry);
        if (!outputs.ok()) {
          core_internal::write_all(fd, outputs.status().message());
          return kTargetFailed + static_cast<int>(stage);
        }
        core_internal::write_all(
            fd, std::string(kTargetDone));  // a crash after this is the reference's
        NamedTensors expected;
        if (!reference.empty()) {
          auto ref = run_on_reference(target, reference, model, inputs, registry);
          if (!ref.ok()) {
            core_internal::write_all(fd, ref.status().message());
            return kReferenceFailed;
          }
          expected = std::move(*ref);
        }
        Status saved = save_outputs(*outputs, work_dir, "target");
        if (saved.ok()) saved = save_outputs(expected, work_dir, "reference");
        if (!saved.ok()) {
          core_internal::write_all(fd, saved.message());
          return kSaveFailed;
        }
        core_internal::write_all(fd, names_block(*outputs) + "--\n" + names_block(expected));
        return 0;
      },
      timeout_s);
  if (!outcome.ok()) return outcome.status();

  IsolatedTrial trial;
  const int code = outcome->exited ? outcome->exit_code : -1;
  const size_t done = outcome->output.find(kTargetDone);
  std::string said = outcome->output;  // what the child said, without the marker
  if (done != std::string::npos) said.erase(done, kTargetDone.size());
  if (!outcome->exited) {  // a crash or a hang
    trial.reference_failed = done != std::string::npos;
    trial.stage = TrialStage::kRun;
    trial.message = core_internal::describe(*outcome, timeout_s);
    if (!said.empty()) trial.message += ": " + said;
    return trial;
  }
  if (code > kTargetFailed && code <= kTargetFailed + static_cast<int>(TrialStage::kRun)) {
    trial.stage = static_cast<TrialStage>(code - kTargetFailed);
    trial.message = said;
    return trial;
  }
  if (code == kReferenceFailed) {
    trial.reference_failed = true;
    trial.stage = TrialStage::kRun;
    trial.message = said;
    return trial;
  }
  if (code != 0)
    return internal_error("the trial process ended with " +
                          core_internal::describe(*outcome, timeout_s) +
                          (said.empty() ? "" : ": " + said));
  // Parse the two name lists.
  std::vector<std::string> sides[2];
  int side = 0;
  std::string_view text = said;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (line == "--")
      side = 1;
    else
      sides[side].emplace_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  NNPORT_ASSIGN_OR_RETURN(trial.target, load_outputs(sides[0], work_dir, "target"));
  NNPORT_ASSIGN_OR_RETURN(trial.reference, load_outputs(sides[1], work_dir, "reference"));
  trial.ok = true;
  return trial;
}

}  // namespace nnport::debug_internal
