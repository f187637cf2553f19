// Seeded random inputs shaped from the model, for run/verify without files.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <random>
#include <sstream>
#include <string_view>
#include <unordered_set>

#include "nnport/apis.h"
#include "nnport/did_you_mean.h"

namespace nnport {
namespace {

// FNV-1a: a per-input seed that does not depend on the standard library.
uint64_t name_hash(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// "?x3x224x224 (dim 0 'batch')": how a dynamic shape reads in messages.
std::string describe_dims(const TensorInfo& info) {
  std::ostringstream os;
  std::vector<std::string> dyn;
  for (size_t i = 0; i < info.dims.size(); ++i) {
    if (i > 0) os << 'x';
    if (info.dims[i] < 0) {
      os << '?';
      std::string d = "dim " + std::to_string(i);
      if (i < info.dim_names.size() && !info.dim_names[i].empty())
        d += " '" + info.dim_names[i] + "'";
      dyn.push_back(d);
    } else {
      os << info.dims[i];
    }
  }
  if (info.dims.empty()) os << "scalar";
  if (!dyn.empty()) {
    os << " (dynamic: ";
    for (size_t i = 0; i < dyn.size(); ++i) os << (i ? ", " : "") << dyn[i];
    os << ')';
  }
  return os.str();
}

std::string example_shape(const TensorInfo& info) {
  std::string s;
  for (size_t i = 0; i < info.dims.size(); ++i) {
    if (i > 0) s += 'x';
    s += std::to_string(info.dims[i] < 0 ? 1 : info.dims[i]);
  }
  return s;
}

Result<Shape> resolve_shape(const TensorInfo& info, const std::map<std::string, Shape>& shapes) {
  auto it = shapes.find(info.name);
  if (it == shapes.end()) {
    for (int64_t d : info.dims)
      if (d < 0) return invalid_argument("");  // reported together by the caller
    return info.dims;
  }
  const Shape& s = it->second;
  if (s.size() != info.dims.size())
    return invalid_argument("--shape " + info.name + "=" + shape_to_string(s) + " has rank " +
                            std::to_string(s.size()) + " but input '" + info.name + "' has rank " +
                            std::to_string(info.dims.size()) + " (" + describe_dims(info) + ")");
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] < 0)
      return invalid_argument("--shape " + info.name + ": dim " + std::to_string(i) +
                              " must be >= 0, got " + std::to_string(s[i]));
    if (info.dims[i] >= 0 && s[i] != info.dims[i])
      return invalid_argument("--shape " + info.name + "=" + shape_to_string(s) + ": dim " +
                              std::to_string(i) + " is fixed to " + std::to_string(info.dims[i]) +
                              " by the model (" + describe_dims(info) + ")");
  }
  return s;
}

// The first names and how many there are: a model may have 100,000 inputs.
std::string join_names(const std::vector<TensorInfo>& infos) {
  constexpr size_t kListed = 20;
  std::string s;
  for (size_t i = 0; i < infos.size() && i < kListed; ++i)
    s += (s.empty() ? "" : ", ") + infos[i].name;
  if (infos.size() > kListed) s += ", ... (" + std::to_string(infos.size()) + " in all)";
  return s;
}

Status unknown_input(const std::string& how, const std::string& name,
                     const std::vector<TensorInfo>& infos) {
  std::vector<std::string> names;
  for (const auto& info : infos) names.push_back(info.name);
  return invalid_argument(how + ": unknown input '" + name + "'; the model's inputs are " +
                          join_names(infos) + did_you_mean(name, names));
}

std::string gigabytes(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  return buf;
}

std::string bracketed(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// A tensor of `shape` fits in this machine's memory: checked multiplication,
// so 100000x100000x100000 is refused with its size, never wrapped around.
Status check_size(const TensorInfo& info, const Shape& shape) {
  uint64_t bytes = dtype_size(info.dtype);
  bool overflow = false;
  double approx = static_cast<double>(bytes);
  for (int64_t d : shape) {
    approx *= static_cast<double>(d);
    overflow = overflow || __builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes);
  }
  if (approx == 0) return {};
  long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  double memory =
      pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0;
  if (overflow || (memory > 0 && approx > memory))
    return invalid_argument(
        "input '" + info.name + "' of shape " + bracketed(shape) + " " +
        std::string(dtype_name(info.dtype)) + " needs " + gigabytes(approx) +
        (memory > 0 ? ", more than this machine's " + gigabytes(memory) + " of memory" : "") +
        "; give a smaller --shape");
  return {};
}

Status fill_random(Tensor& t, uint64_t seed) {
  std::mt19937_64 gen(seed);
  int64_t n = t.numel();
  auto unit = [&gen] { return static_cast<double>(gen() >> 11) * 0x1.0p-53; };  // [0, 1)
  switch (t.dtype()) {
    case DType::kFloat32:
      for (int64_t i = 0; i < n; ++i) t.data_as<float>()[i] = static_cast<float>(2 * unit() - 1);
      break;
    case DType::kFloat64:
      for (int64_t i = 0; i < n; ++i) t.data_as<double>()[i] = 2 * unit() - 1;
      break;
    case DType::kFloat16:
      for (int64_t i = 0; i < n; ++i)
        t.data_as<uint16_t>()[i] = float_to_half(static_cast<float>(2 * unit() - 1));
      break;
    case DType::kUInt8:
      for (int64_t i = 0; i < n; ++i) t.data_as<uint8_t>()[i] = static_cast<uint8_t>(gen() % 10);
      break;
    case DType::kInt8:
      for (int64_t i = 0; i < n; ++i) t.data_as<int8_t>()[i] = static_cast<int8_t>(gen() % 10);
      break;
    case DType::kInt32:
      for (int64_t i = 0; i < n; ++i) t.data_as<int32_t>()[i] = static_cast<int32_t>(gen() % 10);
      break;
    case DType::kInt64:
      for (int64_t i = 0; i < n; ++i) t.data_as<int64_t>()[i] = static_cast<int64_t>(gen() % 10);
      break;
    case DType::kBool:
      for (int64_t i = 0; i < n; ++i) t.data_as<uint8_t>()[i] = static_cast<uint8_t>(gen() & 1);
      break;
    default:
      return unimplemented("cannot make random data of element type " +
                           std::string(dtype_name(t.dtype())));
  }
  return {};
}

}  // namespace

Result<NamedTensors> make_inputs(const std::vector<TensorInfo>& infos, const NamedTensors& given,
                                 const std::map<std::string, Shape>& shapes, uint64_t seed) {
  // Names first: a typo is reported before anything else (e.g. missing shapes).
  std::unordered_set<std::string_view> names;  // a set: a model may have 100,000 inputs
  names.reserve(infos.size());
  for (const auto& info : infos) names.insert(info.name);
  auto known = [&names](const std::string& name) { return names.count(name) != 0; };
  for (const auto& [name, tensor] : given)
    if (!known(name)) return unknown_input("given tensor", name, infos);
  for (const auto& [name, shape] : shapes) {
    if (!known(name)) return unknown_input("--shape " + name, name, infos);
    if (given.contains(name))
      return invalid_argument("input '" + name +
                              "' is given both as a tensor and by --shape; a tensor brings its "
                              "own shape: drop one of them");
  }
  NamedTensors result = given;
  std::vector<std::string> missing;
  for (const auto& info : infos) {
    if (given.contains(info.name)) continue;
    auto shape = resolve_shape(info, shapes);
    if (!shape.ok()) {
      if (!shape.status().message().empty()) return shape.status();
      missing.push_back("'" + info.name + "' is " + describe_dims(info) + ": --shape " + info.name +
                        "=" + example_shape(info));
      continue;
    }
    if (dtype_size(info.dtype) == 0)
      return unimplemented("input '" + info.name + "' has element type " +
                           std::string(dtype_name(info.dtype)) +
                           ", which nnport cannot make random data for; give it with --input");
    NNPORT_RETURN_IF_ERROR(check_size(info, *shape));
    Tensor t;
    try {
      t = Tensor::empty(info.dtype, *shape);
    } catch (const std::bad_alloc&) {
      return Status(Code::kUnavailable, "input '" + info.name + "' of shape " + bracketed(*shape) +
                                            " " + std::string(dtype_name(info.dtype)) +
                                            " could not be allocated; give a smaller --shape");
    }
    NNPORT_RETURN_IF_ERROR(
        fill_random(t, seed ^ name_hash(info.name)).with_context("input '" + info.name + "'"));
    result.set(info.name, std::move(t));
  }
  if (!missing.empty()) {
    std::string m = "inputs with dynamic dims need a shape (or --input FILE.npy): ";
    for (size_t i = 0; i < missing.size(); ++i) m += (i ? "; " : "") + missing[i];
    return invalid_argument(m);
  }
  return result;
}

}  // namespace nnport
