// Output comparison for `verify`: numpy.allclose's rule per output, and the
// accuracy metrics of include/nnport/metrics.h (computed in metrics.cc).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "nnport/apis.h"
#include "nnport/did_you_mean.h"

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

// 1e-05, 0.001, nan: short, for messages.
std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// numpy's default quantile (linear interpolation) of `errors`, which it
// reorders. An inf on either side of the interpolation makes it inf (numpy
// would say nan for 0 * inf).
double quantile_of(std::vector<double>& errors, double q) {
  if (errors.empty()) return 0;
  const double h = q * static_cast<double>(errors.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(h));
  const double frac = h - static_cast<double>(lo);
  std::nth_element(errors.begin(), errors.begin() + lo, errors.end());
  const double below = errors[lo];
  if (frac == 0 || lo + 1 == errors.size()) return below;
  // After nth_element everything past lo is >= errors[lo]: the next rank is their minimum.
  const double above = *std::min_element(errors.begin() + lo + 1, errors.end());
  if (std::isinf(above)) return above;
  return below + frac * (above - below);
}

// max, mean, median and the q-quantile of `errors` (reordered).
ErrorStats stats_of(std::vector<double>& errors, double q) {
  ErrorStats s;
  if (errors.empty()) return s;
  double sum = 0;
  for (double e : errors) {
    s.max = std::max(s.max, e);
    sum += e;
  }
  s.mean = sum / static_cast<double>(errors.size());
  s.median = quantile_of(errors, 0.5);
  s.quantile = quantile_of(errors, q);
  return s;
}

// Flat C-order index -> index per dim.
std::vector<int64_t> unravel(int64_t flat, const Shape& shape) {
  std::vector<int64_t> position(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    position[d] = shape[d] > 0 ? flat % shape[d] : 0;
    if (shape[d] > 0) flat /= shape[d];
  }
  return position;
}

// Element i as a double; float32, the common case, without a call.
inline double value_at(const Tensor& t, int64_t i) {
  return t.dtype() == DType::kFloat32 ? t.data_as<float>()[i] : element_as_double(t, i);
}

// Element i of an output and its reference, and its errors.
struct ElementError {
  double out = 0, ref = 0, abs = 0, rel = 0;
  bool non_finite = false;  // a NaN or inf on either side: abs is 0 (they match) or inf
};

ElementError element_error(const Tensor& a, const Tensor& b, int64_t i, bool both_int64) {
  constexpr double kTiny = std::numeric_limits<float>::min();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  ElementError e;
  if (both_int64) {  // exact first: doubles lose int64 precision past 2^53
    const int64_t x = a.data_as<int64_t>()[i], y = b.data_as<int64_t>()[i];
    e.out = static_cast<double>(x);
    e.ref = static_cast<double>(y);
    if (x == y) return e;
    e.abs = std::max(std::fabs(e.out - e.ref), 1.0);  // they differ, even if the doubles do not
    e.rel = e.abs / std::max(std::fabs(e.ref), kTiny);
    return e;
  }
  e.out = value_at(a, i);
  e.ref = value_at(b, i);
  if (!std::isfinite(e.out) || !std::isfinite(e.ref)) {
    e.non_finite = true;
    const bool match = (std::isnan(e.out) && std::isnan(e.ref)) || e.out == e.ref;  // same inf
    if (!match) e.abs = e.rel = kInf;
    return e;
  }
  e.abs = std::fabs(e.out - e.ref);
  e.rel = e.abs / std::max(std::fabs(e.ref), kTiny);
  return e;
}

OutputComparison compare_one(const std::string& name, const Tensor& a, const Tensor& b, double atol,
                             double rtol, double quantile) {
  OutputComparison c;
  c.name = name;
  c.dtype = a.dtype();
  c.ref_dtype = b.dtype();
  c.shape = a.shape();
  c.ref_shape = b.shape();
  c.atol = atol;
  c.rtol = rtol;
  c.quantile = quantile;
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
  const bool both_int64 = a.dtype() == DType::kInt64 && b.dtype() == DType::kInt64;
  // One buffer of errors for the median and quantile: the absolute ones,
  // then (a second pass) the relative ones, so the extra memory is one
  // double per element.
  std::vector<double> errors(static_cast<size_t>(c.numel));
  for (int64_t i = 0; i < c.numel; ++i) {
    const ElementError e = element_error(a, b, i, both_int64);
    if (e.non_finite ? e.abs != 0 : !(e.abs <= atol + rtol * std::fabs(e.ref))) ++c.mismatches;
    errors[i] = e.abs;
    if (c.worst_index < 0 || e.abs > errors[c.worst_index]) {
      c.worst_index = i;
      c.worst_value = e.out;
      c.worst_ref_value = e.ref;
    }
  }
  c.abs_err = stats_of(errors, quantile);
  for (int64_t i = 0; i < c.numel; ++i) errors[i] = element_error(a, b, i, both_int64).rel;
  c.rel_err = stats_of(errors, quantile);
  if (c.worst_index >= 0) c.worst_position = unravel(c.worst_index, c.shape);
  c.max_abs_err = c.abs_err.max;
  c.max_rel_err = c.rel_err.max;
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
  std::unordered_map<std::string_view, std::vector<OutputComparison*>>
      rows_of;  // no scan per output
  for (auto& r : rows) rows_of[r.name].push_back(&r);
  for (const OutputMetrics& m : acc->results()) {
    auto it = rows_of.find(m.name);
    if (it == rows_of.end()) continue;
    for (OutputComparison* r : it->second) {
      r->cosine = m.cosine;
      r->snr_db = m.snr_db;
      if (!goals.empty()) {
        r->metrics = m.values;
        r->pass = m.pass;
      }
    }
  }
}

}  // namespace

Status check_tolerances(const Tolerances& tolerances,
                        const std::vector<std::string>& output_names) {
  auto bad = [](double v) { return !std::isfinite(v) || v < 0; };
  if (bad(tolerances.atol) || bad(tolerances.rtol))
    return invalid_argument("atol and rtol must be finite numbers >= 0, not " +
                            number_text(tolerances.atol) + " / " + number_text(tolerances.rtol));
  std::unordered_set<std::string_view> known;  // filled only when a per-output value needs it
  if (!tolerances.atol_of.empty() || !tolerances.rtol_of.empty())
    known.insert(output_names.begin(), output_names.end());
  for (const auto* per : {&tolerances.atol_of, &tolerances.rtol_of}) {
    const std::string which = per == &tolerances.atol_of ? "atol" : "rtol";
    for (const auto& [name, value] : *per) {
      if (bad(value))
        return invalid_argument(which + " of output '" + name +
                                "' must be a finite number >= 0, not " + number_text(value));
      if (known.count(name) == 0) {
        std::string list;
        for (const auto& n : output_names) list += (list.empty() ? "'" : ", '") + n + "'";
        return invalid_argument(which + " for unknown output '" + name + "'" +
                                did_you_mean(name, output_names) + "; the outputs are " +
                                (list.empty() ? "none" : list));
      }
    }
  }
  return {};
}

std::vector<OutputComparison> compare_outputs(const NamedTensors& outputs,
                                              const NamedTensors& reference,
                                              const Tolerances& tolerances,
                                              const std::vector<MetricGoal>& goals,
                                              double quantile) {
  std::vector<OutputComparison> result;
  std::vector<std::string> names;  // both sides', for check_tolerances
  for (const auto& [name, ref] : reference) {
    names.push_back(name);
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
    result.push_back(compare_one(name, *out, ref, tolerances.atol_for(name),
                                 tolerances.rtol_for(name), quantile));
  }
  for (const auto& [name, out] : outputs) {
    if (reference.contains(name)) continue;
    names.push_back(name);
    OutputComparison c;
    c.name = name;
    c.dtype = out.dtype();
    c.shape = out.shape();
    c.reason = "missing from the reference's outputs";
    result.push_back(std::move(c));
  }
  add_metrics(result, outputs, reference, goals);
  Status ok = check_tolerances(tolerances, names);
  if (ok.ok() && !(quantile >= 0 && quantile <= 1))
    ok = invalid_argument("quantile " + number_text(quantile) + " is outside [0, 1]");
  if (!ok.ok())  // the caller's settings are wrong: no verdict holds
    for (auto& r : result) {
      r.pass = false;
      if (r.reason.empty()) r.reason = ok.message();
    }
  return result;
}

std::vector<OutputComparison> compare_outputs(const NamedTensors& outputs,
                                              const NamedTensors& reference, double atol,
                                              double rtol, const std::vector<MetricGoal>& goals) {
  Tolerances tolerances;
  tolerances.atol = atol;
  tolerances.rtol = rtol;
  return compare_outputs(outputs, reference, tolerances, goals);
}

}  // namespace nnport
