// numpy arrays <-> nnport Tensors: inputs without a copy when they can be,
// outputs over the engine's own buffers, kept alive by the arrays.
#include <cstring>

#include "bindings.h"
#include "nnport/npy.h"

namespace nnport::python {

py::dtype numpy_dtype(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return py::dtype("float32");
    case DType::kFloat16:
      return py::dtype("float16");
    case DType::kFloat64:
      return py::dtype("float64");
    case DType::kInt8:
      return py::dtype("int8");
    case DType::kUInt8:
      return py::dtype("uint8");
    case DType::kInt32:
      return py::dtype("int32");
    case DType::kInt64:
      return py::dtype("int64");
    case DType::kBool:
      return py::dtype("bool");
    default:
      throw_status(
          internal_error("no numpy dtype for element type " + std::string(dtype_name(dtype))));
  }
}

DType dtype_of(const py::dtype& dtype, const std::string& what) {
  const char kind = dtype.kind();
  const auto size = dtype.itemsize();
  DType d = DType::kUndefined;
  if (kind == 'f' && size == 4) d = DType::kFloat32;
  if (kind == 'f' && size == 2) d = DType::kFloat16;
  if (kind == 'f' && size == 8) d = DType::kFloat64;
  if (kind == 'i' && size == 1) d = DType::kInt8;
  if (kind == 'u' && size == 1) d = DType::kUInt8;
  if (kind == 'i' && size == 4) d = DType::kInt32;
  if (kind == 'i' && size == 8) d = DType::kInt64;
  if (kind == 'b' && size == 1) d = DType::kBool;
  if (d == DType::kUndefined)
    throw py::type_error(what + ": numpy dtype " + py::str(py::handle(dtype)).cast<std::string>() +
                         " has no nnport element type (float32, float16, float64, int8, uint8, "
                         "int32, int64, bool)");
  return d;
}

namespace {

std::string type_name(const py::handle& value) {
  return py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>();
}

// Capsule destructor: the Tensor copy that shares the output's storage.
void release_tensor(void* p) { delete static_cast<Tensor*>(p); }

}  // namespace

Tensor tensor_from_array(const py::handle& value, const std::string& what, py::object& keep) {
  if (!py::isinstance<py::array>(value))
    throw py::type_error(what + ": expected a numpy.ndarray, got " + type_name(value) +
                         " (no implicit conversions: pass numpy.asarray(x, dtype=...))");
  auto array = py::reinterpret_borrow<py::array>(value);
  const DType dtype = dtype_of(array.dtype(), what);
  const int flags = py::detail::array_proxy(array.ptr())->flags;
  const bool native = array.dtype().attr("isnative").cast<bool>();
  const bool direct = (flags & py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_) &&
                      (flags & py::detail::npy_api::NPY_ARRAY_ALIGNED_) && native;
  if (!direct) {
    // One copy into a fresh C-contiguous, aligned, native-order array of the
    // same element type (the values, not the type, are kept).
    py::object numpy = py::module_::import("numpy");
    py::object target = numpy.attr("dtype")(array.dtype()).attr("newbyteorder")("=");
    array = py::reinterpret_steal<py::array>(numpy
                                                 .attr("array")(array, py::arg("dtype") = target,
                                                                py::arg("order") = "C",
                                                                py::arg("copy") = true)
                                                 .release());
  }
  Shape shape(array.shape(), array.shape() + array.ndim());
  keep = array;
  // The engine only reads inputs; a read-only array is fine.
  return Tensor::view(dtype, std::move(shape), const_cast<void*>(array.data()));
}

py::array array_from_tensor(const Tensor& tensor) {
  std::vector<py::ssize_t> shape(tensor.shape().begin(), tensor.shape().end());
  py::dtype dtype = numpy_dtype(tensor.dtype());
  if (tensor.nbytes() == 0 || tensor.data() == nullptr) return py::array(dtype, shape);
  auto* owner = new Tensor(tensor);  // shares the storage; freed with the array
  py::capsule base(owner, &release_tensor);
  return py::array(dtype, shape, owner->data(), base);
}

py::dict dict_from_tensors(const NamedTensors& tensors) {
  py::dict out;
  for (const auto& [name, tensor] : tensors) {
    out[py::str(name)] = array_from_tensor(tensor);
  }
  return out;
}

NamedTensors tensors_from_mapping(const py::handle& mapping, std::vector<py::object>& keep) {
  py::object abc = py::module_::import("collections.abc");
  if (!py::isinstance(mapping, abc.attr("Mapping")))
    throw py::type_error("inputs: expected a dict of {name: numpy.ndarray}, got " +
                         type_name(mapping));
  NamedTensors tensors;
  py::dict items(py::reinterpret_borrow<py::object>(mapping));
  for (auto item : items) {
    if (!py::isinstance<py::str>(item.first))
      throw py::type_error("inputs: names must be str, got " + type_name(item.first));
    std::string name = item.first.cast<std::string>();
    py::object held;
    Tensor t = tensor_from_array(item.second, "input '" + name + "'", held);
    keep.push_back(std::move(held));
    tensors.set(std::move(name), std::move(t));
  }
  return tensors;
}

void init_tensor(py::module_& m) {
  m.def(
      "read_npy",
      [](const py::handle& path) {
        auto t = unwrap(read_npy(path_from_object(path, "path")));
        return array_from_tensor(t);
      },
      py::arg("path"), "Read a .npy file with nnport's reader (the CLI's --input).");
}

}  // namespace nnport::python
