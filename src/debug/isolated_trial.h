// Internal to libnnport: a model trial (model_trial.h) in a child process,
// so that a backend that crashes, aborts or hangs on some piece of a model
// costs that piece, not the caller. The caller never runs a backend itself
// (engine threads do not survive fork); tensors come back as .npy files.
#ifndef NNPORT_SRC_DEBUG_ISOLATED_TRIAL_H_
#define NNPORT_SRC_DEBUG_ISOLATED_TRIAL_H_

#include <string>

#include "debug/model_trial.h"

namespace nnport::debug_internal {

struct IsolatedTrial {
  bool ok = false;
  // When not ok: where it failed and what was said ("killed by signal 11
  // (SIGSEGV)" for a crash, the backend's error otherwise). reference_failed:
  // the reference, not the target, failed.
  TrialStage stage = TrialStage::kNone;
  bool reference_failed = false;
  std::string message;
  NamedTensors target, reference;  // the model's outputs on each, when ok
};

// run_on_target and run_on_reference for `model` in one child, with scratch
// files under work_dir (which must exist; left for the caller to remove).
// An empty `reference` runs the target only.
Result<IsolatedTrial> run_isolated(const DeployInfo& target, const std::string& reference,
                                   const std::string& model, const std::string& work_dir,
                                   const NamedTensors& inputs, double timeout_s,
                                   Registry* registry = nullptr);

}  // namespace nnport::debug_internal

#endif  // NNPORT_SRC_DEBUG_ISOLATED_TRIAL_H_
