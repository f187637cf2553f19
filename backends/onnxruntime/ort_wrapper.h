// A model loaded into an ONNX Runtime session. forward is
//   set_inputs: Ort::Values over the caller's memory, bound with IoBinding
//               (no copy; rebound only when a pointer or shape changes)
//   execute:    Session::Run(run_options, binding), nothing else
//   get_outputs: the OrtValues ORT allocated, handed to the host as they are
//               (each released when the host is done with it).
#ifndef NNPORT_BACKENDS_ONNXRUNTIME_ORT_WRAPPER_H_
#define NNPORT_BACKENDS_ONNXRUNTIME_ORT_WRAPPER_H_

#include <memory>
#include <string>
#include <vector>

#include "nnport/plugin_cpp.h"
#include "ort_options.h"
#include "ort_runtime.h"

namespace nnport::ort {

class OrtWrapper final : public plugin::Wrapper {
 public:
  // Loads args.backend_files[0]; options from args.deploy_cfg_json.
  static std::unique_ptr<OrtWrapper> create(const plugin::BuildArgs& args);

  const std::vector<plugin::TensorInfo>& inputs() const override { return inputs_; }
  const std::vector<plugin::TensorInfo>& outputs() const override { return outputs_; }
  void set_inputs(plugin::InputView inputs) override;
  void execute() override;
  void get_outputs(nnport_output* outputs, size_t count) override;

 private:
  // What an input is bound to, to skip rebinding the same memory.
  struct Bound {
    const void* data = nullptr;
    size_t nbytes = 0;
    int32_t dtype = NNPORT_DTYPE_UNDEFINED;
    std::vector<int64_t> dims;
    Ort::Value value{nullptr};
  };

  OrtWrapper(Ort::Session session, std::vector<plugin::TensorInfo> inputs,
             std::vector<plugin::TensorInfo> outputs);
  void bind_outputs();

  Ort::Session session_;
  Ort::IoBinding binding_;
  Ort::RunOptions run_options_;
  Ort::MemoryInfo cpu_memory_;
  std::vector<plugin::TensorInfo> inputs_, outputs_;
  std::vector<Bound> bound_;
  std::string context_;         // " (model '<file>' on device '<device>')", for errors
  bool reuse_bindings_ = true;  // skip rebinding an unchanged input (CPU only)
  // False once execute has filled the bound outputs: they must be rebound to
  // the CPU device before the next run, or ORT would write into (and
  // require the shape of) buffers already handed to the host.
  bool outputs_fresh_ = true;
};

}  // namespace nnport::ort

#endif  // NNPORT_BACKENDS_ONNXRUNTIME_ORT_WRAPPER_H_
