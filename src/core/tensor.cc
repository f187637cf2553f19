#include "nnport/tensor.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace nnport {

namespace {

struct DTypeEntry {
  DType dtype;
  std::string_view name;
  size_t size;
};

constexpr DTypeEntry kDTypes[] = {
    {DType::kFloat32, "float32", 4}, {DType::kFloat16, "float16", 2},
    {DType::kFloat64, "float64", 8}, {DType::kInt8, "int8", 1},
    {DType::kUInt8, "uint8", 1},     {DType::kInt32, "int32", 4},
    {DType::kInt64, "int64", 8},     {DType::kBool, "bool", 1},
};

// Common spellings (ONNX, NumPy, PyTorch) accepted by parse_dtype.
struct Alias {
  std::string_view name;
  DType dtype;
};
constexpr Alias kAliases[] = {
    {"float", DType::kFloat32},  {"fp32", DType::kFloat32}, {"f32", DType::kFloat32},
    {"half", DType::kFloat16},   {"fp16", DType::kFloat16}, {"f16", DType::kFloat16},
    {"double", DType::kFloat64}, {"fp64", DType::kFloat64}, {"f64", DType::kFloat64},
    {"i8", DType::kInt8},        {"u8", DType::kUInt8},     {"i32", DType::kInt32},
    {"int", DType::kInt32},      {"i64", DType::kInt64},    {"long", DType::kInt64},
    {"bool_", DType::kBool},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

size_t dtype_size(DType dtype) {
  for (const auto& e : kDTypes) {
    if (e.dtype == dtype) return e.size;
  }
  return 0;
}

std::string_view dtype_name(DType dtype) {
  for (const auto& e : kDTypes) {
    if (e.dtype == dtype) return e.name;
  }
  return "undefined";
}

Result<DType> parse_dtype(std::string_view name) {
  std::string_view n = trim(name);
  for (const auto& e : kDTypes) {
    if (e.name == n) return e.dtype;
  }
  for (const auto& a : kAliases) {
    if (a.name == n) return a.dtype;
  }
  std::string known;
  for (const auto& e : kDTypes) {
    if (!known.empty()) known += ", ";
    known += e.name;
  }
  return invalid_argument("unknown element type '" + std::string(name) +
                          "'; known types: " + known);
}

int64_t num_elements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) return -1;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return -1;  // overflow
    n *= d;
  }
  return n;
}

std::string shape_to_string(const Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i != 0) s += 'x';
    s += std::to_string(shape[i] < 0 ? -1 : shape[i]);
  }
  return s;
}

Result<Shape> parse_shape(std::string_view text) {
  std::string_view t = trim(text);
  if (t.size() >= 2 &&
      ((t.front() == '[' && t.back() == ']') || (t.front() == '(' && t.back() == ')'))) {
    t = trim(t.substr(1, t.size() - 2));
  }
  auto bad = [&](const std::string& why) {
    return invalid_argument("bad shape '" + std::string(text) + "': " + why +
                            "; write dims as 1x3x224x224 or 1,3,224,224");
  };
  if (t.empty()) return bad("no dims");
  if (t == "scalar") return Shape{};
  Shape shape;
  while (true) {
    size_t end = t.find_first_of("x,");
    std::string_view part = trim(t.substr(0, end));
    if (part.empty()) return bad("empty dim");
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || ptr != part.data() + part.size()) {
      return bad("'" + std::string(part) + "' is not an integer");
    }
    if (v < 0) return bad("dim " + std::to_string(shape.size()) + " is negative");
    shape.push_back(v);
    if (end == std::string_view::npos) break;
    t = t.substr(end + 1);
  }
  if (num_elements(shape) < 0) return bad("too many elements");
  return shape;
}

Tensor Tensor::empty(DType dtype, Shape shape) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  size_t n = t.nbytes();
  // calloc: zero-filled; at least one byte so data() is never null.
  void* p = std::calloc(n > 0 ? n : 1, 1);
  if (p == nullptr) throw std::bad_alloc();
  t.storage_ = std::shared_ptr<void>(p, [](void* q) { std::free(q); });
  t.data_ = p;
  return t;
}

Tensor Tensor::view(DType dtype, Shape shape, void* data) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.data_ = data;
  return t;
}

Tensor Tensor::adopt(DType dtype, Shape shape, void* data, std::function<void()> release) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.data_ = data;
  // The deleter runs release once, when the last copy goes; a non-null
  // sentinel pointer keeps shared_ptr calling it even for null data.
  static char sentinel;
  t.storage_ =
      std::shared_ptr<void>(static_cast<void*>(&sentinel), [release = std::move(release)](void*) {
        if (release) release();
      });
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = empty(dtype_, shape_);
  if (nbytes() > 0 && data_ != nullptr) std::memcpy(t.data_, data_, nbytes());
  return t;
}

namespace {
// From this many names on, NamedTensors keeps its hash index.
constexpr size_t kIndexFrom = 16;
}  // namespace

ptrdiff_t NamedTensors::index_of(std::string_view name) const {
  if (!index_.empty()) {
    auto it = index_.find(name);
    return it == index_.end() ? -1 : static_cast<ptrdiff_t>(it->second);
  }
  for (size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].first == name) return static_cast<ptrdiff_t>(i);
  }
  return -1;
}

void NamedTensors::set(std::string name, Tensor tensor) {
  const ptrdiff_t i = index_of(name);
  if (i >= 0) {
    items_[static_cast<size_t>(i)].second = std::move(tensor);
    return;
  }
  items_.emplace_back(std::move(name), std::move(tensor));
  if (!index_.empty()) {
    index_.emplace(items_.back().first, items_.size() - 1);
  } else if (items_.size() >= kIndexFrom) {
    index_.reserve(items_.size() * 2);
    for (size_t k = 0; k < items_.size(); ++k) index_.emplace(items_[k].first, k);
  }
}

const Tensor* NamedTensors::find(std::string_view name) const {
  const ptrdiff_t i = index_of(name);
  return i < 0 ? nullptr : &items_[static_cast<size_t>(i)].second;
}

Tensor* NamedTensors::find(std::string_view name) {
  const ptrdiff_t i = index_of(name);
  return i < 0 ? nullptr : &items_[static_cast<size_t>(i)].second;
}

std::vector<std::string> NamedTensors::names() const {
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& item : items_) out.push_back(item.first);
  return out;
}

}  // namespace nnport
