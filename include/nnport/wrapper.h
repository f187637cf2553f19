// A backend's loaded model behind one interface: named tensors in, named
// tensors out, in the model's order (MMDeploy's BaseWrapper).
#ifndef NNPORT_WRAPPER_H_
#define NNPORT_WRAPPER_H_

#include <memory>
#include <string>
#include <vector>

#include "nnport/export.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport {

// A model input or output as the backend sees it.
struct TensorInfo {
  std::string name;
  DType dtype = DType::kUndefined;
  Shape dims;                          // < 0: dynamic
  std::vector<std::string> dim_names;  // empty, or one per dim ("" when unnamed)
};

class NNPORT_API Wrapper {
 public:
  Wrapper(Wrapper&&) noexcept;
  Wrapper& operator=(Wrapper&&) noexcept;
  ~Wrapper();

  const std::string& backend_name() const;
  const std::vector<TensorInfo>& input_infos() const;
  const std::vector<TensorInfo>& output_infos() const;  // forward's order
  std::vector<std::string> output_names() const;
  uint32_t backend_file_count() const;

  // check_inputs + set_inputs + execute + get_outputs. Safe to call from
  // several threads: on a backend that declares its wrappers thread-safe the
  // calls run at once, on the others they take turns (one lock per wrapper).
  Result<NamedTensors> forward(const NamedTensors& inputs);
  // The backend's wrapper_thread_safe declaration (BackendManager).
  bool thread_safe() const;

  // The steps of forward, for profiling: execute() is the engine call alone.
  // Each step takes the wrapper's lock, but the three steps of one call are
  // not atomic: drive them from one thread at a time.
  // check_inputs reports a missing or unknown name, a wrong element type, a
  // wrong rank or a static dim that differs, before the engine runs.
  Status check_inputs(const NamedTensors& inputs) const;
  Status set_inputs(const NamedTensors& inputs);  // inputs must outlive execute()
  Status execute();
  Result<NamedTensors> get_outputs();

  struct Impl;
  explicit Wrapper(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace nnport

#endif  // NNPORT_WRAPPER_H_
