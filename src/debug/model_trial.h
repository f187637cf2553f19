// Internal to libnnport: running a piece of a target's model (a prefix, a
// reduced subgraph) on the target's backend exactly as `convert` would
// build it, and on a reference backend — the one trial `nnport debug`
// repeats.
#ifndef NNPORT_SRC_DEBUG_MODEL_TRIAL_H_
#define NNPORT_SRC_DEBUG_MODEL_TRIAL_H_

#include <string>

#include "nnport/apis.h"
#include "nnport/registry.h"
#include "nnport/tensor.h"

namespace nnport::debug_internal {

// Where a trial failed.
enum class TrialStage { kNone, kConvert, kLoad, kRun };
const char* stage_name(TrialStage stage);  // "converting", "loading", "running"

// `model` (an ONNX file) through the target's backend: to_backend with the
// target's deploy config (backend_config included) into scratch_dir (which
// must exist), build the wrapper on the target's device, forward the inputs
// the model has (taken by name from `inputs`; float ones cast to the model's
// float type). On failure *failed (when given) says at which stage.
Result<NamedTensors> run_on_target(const DeployInfo& target, const std::string& model,
                                   const std::string& scratch_dir, const NamedTensors& inputs,
                                   TrialStage* failed = nullptr, Registry* registry = nullptr);

// `model` on the reference backend (which runs ONNX files), same inputs rule.
Result<NamedTensors> run_on_reference(const DeployInfo& target, const std::string& reference,
                                      const std::string& model, const NamedTensors& inputs,
                                      Registry* registry = nullptr);

}  // namespace nnport::debug_internal

#endif  // NNPORT_SRC_DEBUG_MODEL_TRIAL_H_
