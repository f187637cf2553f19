// Output comparison for `verify`: numpy.allclose's rule per output, and the
// accuracy metrics of include/nnport/metrics.h (computed in metrics.cc).
#include <algorithm>
#include <cmath>
#include <limits>

#include "nnport/apis.h"

namespace nnport {
namespace {

bool is_integral(DType d) {
  return d == DType::kUInt8 || d == DType::kInt8 || d == DType::kInt32 || d == DType::kInt64 ||
         d == DType::kBool;
}

// [1, 3, 224, 224], as the CLI prints shapes.
std::string bracketed(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

OutputComparison compare_one(const std::string& name, const Tensor& a, const Tensor& b, double atol,
                             double rtol) {
  OutputComparison c;
  c.name = name;
  c.dtype = a.dtype();
  c.ref_dtype = b.dtype();
  c.shape = a.shape();
  c.ref_shape = b.shape();
  if (a.shape() != b.shape()) {
    c.reason = "shape " + bracketed(a.shape()) + " vs reference " + bracketed(b.shape());
    return c;
  }
  // float16 against float32 is fine (values compare); int against float is not.
  if (is_integral(a.dtype()) != is_integral(b.dtype())) {
    c.reason = "element type " + std::string(dtype_name(a.dtype())) + " vs reference " +
               std::string(dtype_name(b.dtype()));
    return c;
  }
  c.numel = a.numel();
  constexpr double kTiny = std::numeric_limits<float>::min();
  bool both_int64 = a.dtype() == DType::kInt64 && b.dtype() == DType::kInt64;
  for (int64_t i = 0; i < c.numel; ++i) {
    double x, y;
    if (both_int64) {  // exact first: doubles lose int64 precision past 2^53
      int64_t xi = a.data_as<int64_t>()[i], yi = b.data_as<int64_t>()[i];
      if (xi == yi) continue;
      x = static_cast<double>(xi);
      y = static_cast<double>(yi);
    } else {
      x = element_as_double(a, i);
      y = element_as_double(b, i);
    }
    if (std::isnan(x) || std::isnan(y)) {
      if (!(std::isnan(x) && std::isnan(y))) {
        ++c.mismatches;
        c.max_abs_err = c.max_rel_err = std::numeric_limits<double>::infinity();
      }
      continue;
    }
    if (std::isinf(x) || std::isinf(y)) {
      if (x != y) {
        ++c.mismatches;
        c.max_abs_err = c.max_rel_err = std::numeric_limits<double>::infinity();
      }
      continue;
    }
    double diff = std::fabs(x - y);
    if (both_int64) diff = std::max(diff, 1.0);  // they differ, even if the doubles do not
    c.max_abs_err = std::max(c.max_abs_err, diff);
    c.max_rel_err = std::max(c.max_rel_err, diff / std::max(std::fabs(y), kTiny));
    if (!(diff <= atol + rtol * std::fabs(y))) ++c.mismatches;
  }
  c.pass = c.mismatches == 0;
  return c;
}

// Cosine and SNR for every compared output; with goals, the verdict is theirs.
void add_metrics(std::vector<OutputComparison>& rows, const NamedTensors& outputs,
                 const NamedTensors& reference, const std::vector<MetricGoal>& goals) {
  auto acc = MetricAccumulator::create(goals);
  if (!acc.ok()) {  // the caller's goals are wrong: no output can pass them
    for (auto& r : rows) {
      r.pass = false;
      if (r.reason.empty()) r.reason = acc.status().message();
    }
    return;
  }
  for (const auto& r : rows)  // only the outputs that compare (no reason) are measured
    if (r.reason.empty()) acc->add(r.name, *outputs.find(r.name), *reference.find(r.name));
  for (const OutputMetrics& m : acc->results()) {
    for (auto& r : rows) {
      if (r.name != m.name) continue;
      r.cosine = m.cosine;
      r.snr_db = m.snr_db;
      if (!goals.empty()) {
        r.metrics = m.values;
        r.pass = m.pass;
      }
    }
  }
}

}  // namespace

std::vector<OutputComparison> compare_outputs(const NamedTensors& outputs,
                                              const NamedTensors& reference, double atol,
                                              double rtol, const std::vector<MetricGoal>& goals) {
  std::vector<OutputComparison> result;
  for (const auto& [name, ref] : reference) {
    const Tensor* out = outputs.find(name);
    if (out == nullptr) {
      OutputComparison c;
      c.name = name;
      c.ref_dtype = ref.dtype();
      c.ref_shape = ref.shape();
      c.reason = "missing from the target's outputs";
      result.push_back(std::move(c));
      continue;
    }
    result.push_back(compare_one(name, *out, ref, atol, rtol));
  }
  for (const auto& [name, out] : outputs) {
    if (reference.contains(name)) continue;
    OutputComparison c;
    c.name = name;
    c.dtype = out.dtype();
    c.shape = out.shape();
    c.reason = "missing from the reference's outputs";
    result.push_back(std::move(c));
  }
  add_metrics(result, outputs, reference, goals);
  return result;
}

}  // namespace nnport
