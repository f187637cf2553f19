// Internal to the quantize room: runs in-memory ONNX models on the
// reference backend (onnxruntime) through its plugin, like any nnport tool:
// the model is written to a scratch file beside the IR (so that its
// external data resolves), loaded, and the file removed again.
#ifndef NNPORT_SRC_QUANTIZE_MODEL_RUNNER_H_
#define NNPORT_SRC_QUANTIZE_MODEL_RUNNER_H_

#include <string>
#include <vector>

#include "nnport/export.h"
#include "nnport/manager.h"
#include "nnport/status.h"
#include "nnport/wrapper.h"
#include "onnx/onnx_pb.h"

namespace nnport::quantize {

class NNPORT_API ModelRunner {
 public:
  // `folder` holds the IR; scratch files go there and are removed by load().
  ModelRunner(const BackendManager& backend, std::string folder)
      : backend_(backend), folder_(std::move(folder)) {}

  // A wrapper for `model` whose outputs are its graph outputs followed by
  // `extra_outputs` (float32 tensors of the graph, made graph outputs).
  // optimize = false runs the graph as written (ONNX Runtime's graph
  // optimizations off): a QDQ model then computes fake-quantized floats.
  Result<Wrapper> load(const onnx::ModelProto& model, const std::vector<std::string>& extra_outputs,
                       bool optimize = true);
  const std::string& backend_name() const { return backend_.name(); }

 private:
  const BackendManager& backend_;
  std::string folder_;
  int count_ = 0;
};

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_MODEL_RUNNER_H_
