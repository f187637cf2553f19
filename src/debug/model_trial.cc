#include "debug/model_trial.h"

#include "nnport/onnx_model.h"

namespace nnport::debug_internal {
namespace {

// The target with `model` as its IR: the piece's own inputs and outputs.
Result<DeployInfo> piece_of(const DeployInfo& target, const std::string& model) {
  NNPORT_ASSIGN_OR_RETURN(OnnxModelInfo described, inspect_onnx(model));
  DeployInfo piece = target;
  piece.work_dir.clear();
  piece.ir_files = {model};
  piece.data_files.clear();
  piece.extra_files.clear();
  piece.backend_files.clear();
  piece.input_names.clear();
  piece.output_names.clear();
  for (const auto& i : described.inputs) piece.input_names.push_back(i.name);
  for (const auto& o : described.outputs) piece.output_names.push_back(o.name);
  return piece;
}

// The inputs `wrapper` takes, picked from `all` by name and cast to its float types.
Result<NamedTensors> forward_picked(Wrapper& wrapper, const NamedTensors& all) {
  NamedTensors picked;
  for (const auto& info : wrapper.input_infos()) {
    const Tensor* t = all.find(info.name);
    if (t == nullptr) return not_found("no value for input '" + info.name + "'");
    picked.set(info.name, *t);
  }
  const NamedTensors cast = cast_float_inputs(picked, wrapper.input_infos());
  NNPORT_RETURN_IF_ERROR(wrapper.check_inputs(cast));
  return wrapper.forward(cast);
}

}  // namespace

const char* stage_name(TrialStage stage) {
  switch (stage) {
    case TrialStage::kConvert:
      return "converting";
    case TrialStage::kLoad:
      return "loading";
    case TrialStage::kRun:
      return "running";
    case TrialStage::kNone:
      break;
  }
  return "";
}

Result<NamedTensors> run_on_target(const DeployInfo& target, const std::string& model,
                                   const std::string& scratch_dir, const NamedTensors& inputs,
                                   TrialStage* failed, Registry* registry) {
  TrialStage unused;
  TrialStage& stage = failed != nullptr ? *failed : unused;
  stage = TrialStage::kConvert;
  NNPORT_ASSIGN_OR_RETURN(DeployInfo piece, piece_of(target, model));
  NNPORT_ASSIGN_OR_RETURN(DeployInfo converted,
                          convert_target_for(piece, target.backend, scratch_dir, registry));
  stage = TrialStage::kLoad;
  NNPORT_ASSIGN_OR_RETURN(Wrapper wrapper, build_target_wrapper(converted, registry));
  stage = TrialStage::kRun;
  NNPORT_ASSIGN_OR_RETURN(NamedTensors outputs, forward_picked(wrapper, inputs));
  stage = TrialStage::kNone;
  return outputs;
}

Result<NamedTensors> run_on_reference(const DeployInfo& target, const std::string& reference,
                                      const std::string& model, const NamedTensors& inputs,
                                      Registry* registry) {
  NNPORT_ASSIGN_OR_RETURN(DeployInfo piece, piece_of(target, model));
  NNPORT_ASSIGN_OR_RETURN(Wrapper wrapper, build_reference_wrapper(piece, reference, registry));
  return forward_picked(wrapper, inputs);
}

}  // namespace nnport::debug_internal
