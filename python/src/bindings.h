// Shared pieces of the nnport Python module: errors, numpy <-> Tensor, configs.
#ifndef NNPORT_PYTHON_BINDINGS_H_
#define NNPORT_PYTHON_BINDINGS_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "nnport/config.h"
#include "nnport/status.h"
#include "nnport/tensor.h"
#include "nnport/wrapper.h"

namespace nnport::python {

namespace py = pybind11;

// ---- errors.cc ----
// A failed Status as a C++ exception; the module's translator turns it into
// ValueError (invalid argument), FileNotFoundError (not found) or
// RuntimeError (everything else), with the Status' message.
class StatusError : public std::runtime_error {
 public:
  explicit StatusError(const Status& status)
      : std::runtime_error(status.message()), code_(status.code()) {}
  Code code() const { return code_; }

 private:
  Code code_;
};
[[noreturn]] void throw_status(const Status& status);
inline void check(const Status& status) {
  if (!status.ok()) throw_status(status);
}
template <class T>
T unwrap(Result<T>&& result) {
  if (!result.ok()) throw_status(result.status());
  return std::move(result).value();
}
void init_errors(py::module_& m);

// ---- tensor.cc ----
// The numpy dtype of an element type, and back (TypeError for a numpy dtype
// nnport has no element type for; `what` names the tensor).
py::dtype numpy_dtype(DType dtype);
DType dtype_of(const py::dtype& dtype, const std::string& what);
// An input array as a Tensor over its memory (no copy) when it is C-contiguous,
// aligned and of native byte order; otherwise copied once into `keep` first.
// `keep` holds the array the Tensor points into for as long as it is used.
// Not an ndarray: TypeError.
Tensor tensor_from_array(const py::handle& value, const std::string& what, py::object& keep);
// An output Tensor as an ndarray over the same memory; the array keeps the
// Tensor's storage alive (capsule base). Owning tensors only.
py::array array_from_tensor(const Tensor& tensor);
py::dict dict_from_tensors(const NamedTensors& tensors);
// {name: array} (any Mapping) as NamedTensors over the arrays' memory; no
// type check against a model (see Wrapper). `keep` holds the arrays.
NamedTensors tensors_from_mapping(const py::handle& mapping, std::vector<py::object>& keep);
void init_tensor(py::module_& m);

// ---- config.cc ----
// A deploy config given as None ({}), a path (str / os.PathLike: loaded with
// _base_ merged) or a Mapping (nnport.Config or a dict) as the C++ Config.
Config config_from_object(const py::handle& cfg);
// The C++ Config as plain Python (dict, list, str, int, float, bool, None).
py::object python_from_config(const Config& cfg);
// str or os.PathLike as a path; anything else is ValueError naming `what`.
std::string path_from_object(const py::handle& path, const std::string& what);
// A path or a sequence of paths as a list of paths.
std::vector<std::string> paths_from_object(const py::handle& paths, const std::string& what);
std::vector<std::string> names_from_object(const py::handle& names, const std::string& what);
void init_config(py::module_& m);

// ---- wrapper.cc ----
// A Wrapper used from Python: one thread at a time in the engine (the plugin
// ABI's rule), the GIL released while it runs.
class PyWrapper {
 public:
  explicit PyWrapper(Wrapper wrapper) : wrapper_(std::move(wrapper)) {}
  py::dict forward(const py::handle& inputs);
  py::list output_to_list(const py::handle& outputs) const;
  Wrapper& wrapper() { return wrapper_; }
  const Wrapper& wrapper() const { return wrapper_; }
  // Where each input's data is handed to the engine, after the same checks
  // and conversions as forward (name -> address): the zero-copy test.
  py::dict input_addresses(const py::handle& inputs) const;

  py::object deploy_info = py::none();  // a dict from load_work_dir, else None

  // {name: ndarray} as tensors over the arrays (kept in `keep`): TypeError
  // for another element type than the model's, then (complete: all inputs
  // are there) Wrapper::check_inputs.
  NamedTensors checked_inputs(const py::handle& inputs, std::vector<py::object>& keep,
                              bool complete = true) const;
  // Wrapper::forward with the GIL released, one thread at a time.
  Result<NamedTensors> run(const NamedTensors& inputs);

 private:
  Wrapper wrapper_;
  std::mutex mutex_;
};
void init_wrapper(py::module_& m);

// ---- manager.cc / timer.cc / apis.cc ----
void init_manager(py::module_& m);
void init_timer(py::module_& m);
void init_apis(py::module_& m);

}  // namespace nnport::python

#endif  // NNPORT_PYTHON_BINDINGS_H_
