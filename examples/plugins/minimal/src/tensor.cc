#include "tensor.h"

#include "nnport/plugin_cpp.h"

namespace minimal {

using nnport::plugin::Error;

Tensor Tensor::floats(Dims dims, std::vector<float> values) {
  Tensor t;
  t.dtype = NNPORT_DTYPE_FLOAT32;
  t.dims = std::move(dims);
  t.f32 = std::move(values);
  return t;
}

Tensor Tensor::ints(Dims dims, std::vector<int64_t> values) {
  Tensor t;
  t.dtype = NNPORT_DTYPE_INT64;
  t.dims = std::move(dims);
  t.i64 = std::move(values);
  return t;
}

Tensor Tensor::zeros(nnport_dtype dtype, Dims dims) {
  const auto n = static_cast<size_t>(checked_numel(dims));
  if (dtype == NNPORT_DTYPE_INT64) return ints(std::move(dims), std::vector<int64_t>(n));
  if (dtype == NNPORT_DTYPE_FLOAT32) return floats(std::move(dims), std::vector<float>(n));
  throw Error(NNPORT_UNIMPLEMENTED, "minimal: dtype " + dtype_name(dtype) +
                                        " is not supported; supported: float32, int64");
}

int64_t Tensor::numel() const { return checked_numel(dims); }

int64_t checked_numel(const Dims& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0)
      throw Error(NNPORT_INVALID_ARGUMENT,
                  "minimal: shape " + shape_str(dims) + " has a negative dim");
    if (d != 0 && n > kMaxElements / d) {
      throw Error(NNPORT_INVALID_ARGUMENT,
                  "minimal: shape " + shape_str(dims) + " has more than 2^32 elements");
    }
    n *= d;
  }
  return n;
}

std::string shape_str(const Dims& dims) {
  if (dims.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) s += 'x';
    s += std::to_string(dims[i]);
  }
  return s;
}

std::string dtype_name(int32_t dtype) {
  switch (dtype) {
    case NNPORT_DTYPE_FLOAT32:
      return "float32";
    case NNPORT_DTYPE_UINT8:
      return "uint8";
    case NNPORT_DTYPE_INT8:
      return "int8";
    case NNPORT_DTYPE_INT32:
      return "int32";
    case NNPORT_DTYPE_INT64:
      return "int64";
    case NNPORT_DTYPE_BOOL:
      return "bool";
    case NNPORT_DTYPE_FLOAT16:
      return "float16";
    case NNPORT_DTYPE_FLOAT64:
      return "float64";
    default:
      return "dtype " + std::to_string(dtype);
  }
}

bool is_supported_dtype(int32_t dtype) {
  return dtype == NNPORT_DTYPE_FLOAT32 || dtype == NNPORT_DTYPE_INT64;
}

}  // namespace minimal
