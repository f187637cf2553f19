// Internal to libnnport: the full model's values of the tensors a reduced
// piece reads from the nodes it lost, computed by the reference backend on
// a prefix of the model that outputs them — in a child process (the caller
// must run no engine), once per tensor, kept as .npy files in a scratch
// folder.
#ifndef NNPORT_SRC_DEBUG_REDUCE_VALUES_H_
#define NNPORT_SRC_DEBUG_REDUCE_VALUES_H_

#include <map>
#include <string>
#include <vector>

#include "nnport/apis.h"
#include "nnport/registry.h"
#include "nnport/tensor.h"

namespace nnport::debug_internal {

class BoundaryValues {
 public:
  // `reference_target` is the model as a target of the reference backend;
  // `inputs` the full model's inputs.
  BoundaryValues(std::string model, DeployInfo reference_target, std::string reference,
                 NamedTensors inputs, std::string scratch_dir, double timeout_s,
                 Registry* registry);

  // The values of `names` (graph inputs of the model included): those not
  // seen before are computed in one reference run of a prefix.
  Result<NamedTensors> get(const std::vector<std::string>& names);

  int reference_runs() const { return runs_; }

 private:
  Status compute(const std::vector<std::string>& names);

  std::string model_, reference_, scratch_dir_;
  DeployInfo reference_target_;
  NamedTensors inputs_;
  double timeout_s_;
  Registry* registry_;
  std::map<std::string, std::string> files_;  // tensor name -> .npy file
  int runs_ = 0;
};

}  // namespace nnport::debug_internal

#endif  // NNPORT_SRC_DEBUG_REDUCE_VALUES_H_
