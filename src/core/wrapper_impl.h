// What a Wrapper holds: the plugin's wrapper handle and API table, the model's
// I/O infos converted once, and a reference that keeps the plugin loaded.
#ifndef NNPORT_CORE_WRAPPER_IMPL_H_
#define NNPORT_CORE_WRAPPER_IMPL_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nnport/plugin.h"
#include "nnport/wrapper.h"

namespace nnport {

struct Wrapper::Impl {
  std::string backend_name;
  uint32_t backend_file_count = 1;
  std::shared_ptr<void> library;  // may be null (a backend linked into the program)
  const nnport_wrapper_api* api = nullptr;
  nnport_wrapper* handle = nullptr;
  std::vector<TensorInfo> inputs, outputs;
  std::vector<nnport_tensor> bound;  // set_inputs' views, reused between calls
  std::vector<nnport_output> raw_outputs;
  // The backend declares that forward may run on several threads at once;
  // else `calls` serializes the calls into the plugin (and the use of the
  // two buffers above).
  bool thread_safe = false;
  std::mutex calls;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (handle != nullptr && api != nullptr) api->destroy(handle);
  }
};

namespace core {

// Takes ownership of handle (destroyed on error too): validates the API
// table, reads the I/O infos. Errors are prefixed with the backend name.
// thread_safe: the backend's wrapper_thread_safe declaration.
Result<Wrapper> make_wrapper(std::string backend_name, uint32_t backend_file_count,
                             std::shared_ptr<void> library, nnport_wrapper* handle,
                             const nnport_wrapper_api* api, bool thread_safe = false);

}  // namespace core
}  // namespace nnport

#endif  // NNPORT_CORE_WRAPPER_IMPL_H_
