// Reading tensor elements of any dtype as doubles, and summaries for printing.
#include <cmath>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "nnport/apis.h"

namespace nnport {

double element_as_double(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kFloat32:
      return t.data_as<float>()[i];
    case DType::kFloat64:
      return t.data_as<double>()[i];
    case DType::kFloat16:
      return half_to_float(t.data_as<uint16_t>()[i]);
    case DType::kUInt8:
      return t.data_as<uint8_t>()[i];
    case DType::kInt8:
      return t.data_as<int8_t>()[i];
    case DType::kInt32:
      return t.data_as<int32_t>()[i];
    case DType::kInt64:
      return static_cast<double>(t.data_as<int64_t>()[i]);
    case DType::kBool:
      return t.data_as<uint8_t>()[i] != 0 ? 1.0 : 0.0;
    default:
      return std::nan("");
  }
}

namespace {
bool is_float(DType t) {
  return t == DType::kFloat16 || t == DType::kFloat32 || t == DType::kFloat64;
}
}  // namespace

NamedTensors cast_float_inputs(const NamedTensors& inputs, const std::vector<TensorInfo>& infos) {
  std::unordered_map<std::string_view, const TensorInfo*> by_name;  // many inputs: no scan
  by_name.reserve(infos.size());
  for (const auto& i : infos) by_name[i.name] = &i;  // the last of a name, as before
  NamedTensors out;
  for (const auto& [name, t] : inputs) {
    auto found = by_name.find(name);
    const TensorInfo* info = found == by_name.end() ? nullptr : found->second;
    if (info == nullptr || info->dtype == t.dtype() || !is_float(t.dtype()) ||
        !is_float(info->dtype)) {
      out.set(name, t);
      continue;
    }
    Tensor cast = Tensor::empty(info->dtype, t.shape());
    for (int64_t i = 0; i < t.numel(); ++i) {
      const double v = element_as_double(t, i);
      if (info->dtype == DType::kFloat16)
        cast.data_as<uint16_t>()[i] = float_to_half(static_cast<float>(v));
      else if (info->dtype == DType::kFloat32)
        cast.data_as<float>()[i] = static_cast<float>(v);
      else
        cast.data_as<double>()[i] = v;
    }
    out.set(name, std::move(cast));
  }
  return out;
}

std::string format_dims(const TensorInfo& info) {
  std::string s = "[";
  for (size_t i = 0; i < info.dims.size(); ++i) {
    if (i > 0) s += ", ";
    if (info.dims[i] >= 0)
      s += std::to_string(info.dims[i]);
    else if (i < info.dim_names.size() && !info.dim_names[i].empty())
      s += info.dim_names[i];
    else
      s += "?";
  }
  return s + "]";
}

TensorSummary summarize(const Tensor& t, size_t first_count) {
  TensorSummary s;
  s.numel = t.defined() ? t.numel() : 0;
  if (s.numel <= 0 || t.data() == nullptr) {  // no values: no min, max or mean (not 0)
    s.min = s.max = s.mean = std::nan("");
    return s;
  }
  double sum = 0;
  int64_t finite = 0;
  for (int64_t i = 0; i < s.numel; ++i) {
    double v = element_as_double(t, i);
    if (static_cast<size_t>(i) < first_count) s.first.push_back(v);
    if (!std::isfinite(v)) {
      ++s.non_finite;
      continue;
    }
    if (finite == 0 || v < s.min) s.min = v;
    if (finite == 0 || v > s.max) s.max = v;
    sum += v;
    ++finite;
  }
  if (finite == 0) {  // all NaN / inf: no min or max to show, not 0
    s.min = s.max = s.mean = std::nan("");
    return s;
  }
  s.mean = sum / static_cast<double>(finite);
  return s;
}

}  // namespace nnport
