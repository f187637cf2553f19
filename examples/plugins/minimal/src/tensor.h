// The interpreter's tensor: a shape plus a plain vector of values. Only
// float32 and int64 exist here; that covers the ops this backend supports.
#ifndef MINIMAL_TENSOR_H_
#define MINIMAL_TENSOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "nnport/plugin.h"

namespace minimal {

using Dims = std::vector<int64_t>;

struct Tensor {
  nnport_dtype dtype = NNPORT_DTYPE_FLOAT32;
  Dims dims;                 // rank 0 is a scalar with one value
  std::vector<float> f32;    // the values when dtype is FLOAT32
  std::vector<int64_t> i64;  // the values when dtype is INT64

  static Tensor floats(Dims dims, std::vector<float> values);
  static Tensor ints(Dims dims, std::vector<int64_t> values);
  // A zero-filled tensor of the given dtype (float32 or int64).
  static Tensor zeros(nnport_dtype dtype, Dims dims);

  int64_t numel() const;
  size_t size() const { return dtype == NNPORT_DTYPE_INT64 ? i64.size() : f32.size(); }

  template <class T>
  std::vector<T>& values();
  template <class T>
  const std::vector<T>& values() const;
};

template <>
inline std::vector<float>& Tensor::values<float>() {
  return f32;
}
template <>
inline std::vector<int64_t>& Tensor::values<int64_t>() {
  return i64;
}
template <>
inline const std::vector<float>& Tensor::values<float>() const {
  return f32;
}
template <>
inline const std::vector<int64_t>& Tensor::values<int64_t>() const {
  return i64;
}

// Product of dims; throws Error(INVALID_ARGUMENT) on a negative dim or when
// the count would pass kMaxElements (a garbage model must not allocate TBs).
int64_t checked_numel(const Dims& dims);
constexpr int64_t kMaxElements = int64_t{1} << 32;

std::string shape_str(const Dims& dims);  // "2x3", "scalar"
std::string dtype_name(int32_t dtype);    // "float32", "int64", "dtype 11"
bool is_supported_dtype(int32_t dtype);   // float32 or int64

}  // namespace minimal

#endif  // MINIMAL_TENSOR_H_
