// Tensors and named tensors: the currency of forward().
#ifndef NNPORT_TENSOR_H_
#define NNPORT_TENSOR_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "nnport/export.h"
#include "nnport/plugin.h"
#include "nnport/status.h"

namespace nnport {

// Values are ONNX's TensorProto.DataType values (as nnport_dtype).
enum class DType : int32_t {
  kUndefined = NNPORT_DTYPE_UNDEFINED,
  kFloat32 = NNPORT_DTYPE_FLOAT32,
  kUInt8 = NNPORT_DTYPE_UINT8,
  kInt8 = NNPORT_DTYPE_INT8,
  kInt32 = NNPORT_DTYPE_INT32,
  kInt64 = NNPORT_DTYPE_INT64,
  kBool = NNPORT_DTYPE_BOOL,
  kFloat16 = NNPORT_DTYPE_FLOAT16,
  kFloat64 = NNPORT_DTYPE_FLOAT64,
};

NNPORT_API size_t dtype_size(DType dtype);            // bytes per element; 0 for kUndefined
NNPORT_API std::string_view dtype_name(DType dtype);  // "float32", "float16", "int64", "bool", ...
NNPORT_API Result<DType> parse_dtype(std::string_view name);  // inverse of dtype_name

using Shape = std::vector<int64_t>;
NNPORT_API int64_t num_elements(const Shape& shape);  // 1 for rank 0; -1 if a dim is < 0 (dynamic)
NNPORT_API std::string shape_to_string(
    const Shape& shape);  // "1x3x224x224"; "-1" for dynamic; "scalar" for rank 0
NNPORT_API Result<Shape> parse_shape(std::string_view text);  // "1x3x224x224" or "1,3,224,224"

// A dense row-major tensor. Owning (empty/adopt/clone) or a view over the
// caller's memory (view). Copying a Tensor shares the storage.
class NNPORT_API Tensor {
 public:
  Tensor() = default;
  static Tensor empty(DType dtype, Shape shape);             // owning, zero-filled
  static Tensor view(DType dtype, Shape shape, void* data);  // non-owning
  // Owning through a release callback (called once, when the last copy dies).
  static Tensor adopt(DType dtype, Shape shape, void* data, std::function<void()> release);

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t numel() const { return num_elements(shape_); }
  size_t nbytes() const {
    int64_t n = numel();
    return n > 0 ? static_cast<size_t>(n) * dtype_size(dtype_) : 0;
  }
  bool defined() const { return dtype_ != DType::kUndefined; }
  void* data() { return data_; }
  const void* data() const { return data_; }
  template <class T>
  T* data_as() {
    return static_cast<T*>(data_);
  }
  template <class T>
  const T* data_as() const {
    return static_cast<const T*>(data_);
  }

  Tensor clone() const;  // deep copy, owning

 private:
  DType dtype_ = DType::kUndefined;
  Shape shape_;
  void* data_ = nullptr;
  std::shared_ptr<void> storage_;  // null for views
};

// Named tensors in a fixed order (insertion order; forward() returns the
// model's output order). Lookup by name is a scan while there are few, then
// through a hash index, so a model with 100,000 inputs stays linear.
class NNPORT_API NamedTensors {
 public:
  using Item = std::pair<std::string, Tensor>;
  void set(std::string name, Tensor tensor);  // replaces in place, or appends
  const Tensor* find(std::string_view name) const;
  Tensor* find(std::string_view name);
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  std::vector<std::string> names() const;
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::vector<Item>::const_iterator begin() const { return items_.begin(); }
  std::vector<Item>::const_iterator end() const { return items_.end(); }
  const Item& operator[](size_t i) const { return items_[i]; }

 private:
  struct NameHash {  // hashes std::string and std::string_view alike
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  ptrdiff_t index_of(std::string_view name) const;  // -1 if absent

  std::vector<Item> items_;
  // name -> position in items_; empty until items_ reaches kIndexFrom
  // (tensor.cc): a scan of a few names is cheaper than hashing.
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index_;
};

// float16 <-> float32, IEEE 754 binary16, round to nearest even.
NNPORT_API float half_to_float(uint16_t h);
NNPORT_API uint16_t float_to_half(float f);

}  // namespace nnport

#endif  // NNPORT_TENSOR_H_
