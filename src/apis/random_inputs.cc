// Seeded random inputs shaped from the model, for run/verify without files.
#include <cstring>
#include <random>
#include <sstream>

#include "nnport/apis.h"

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
  for (const auto& [name, shape] : shapes) {
    bool known = false;
    for (const auto& info : infos) known = known || info.name == name;
    if (!known) {
      std::string names;
      for (const auto& info : infos) names += (names.empty() ? "'" : ", '") + info.name + "'";
      return invalid_argument("--shape names input '" + name +
                              "', which the model does not have; its inputs are " + names);
    }
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
    Tensor t = Tensor::empty(info.dtype, *shape);
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
