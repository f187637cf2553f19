// MetricAccumulator: running sums for cosine and SNR and row counts for
// top-k, per output name (definitions in include/nnport/metrics.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>

#include "nnport/metrics.h"

namespace nnport {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kChunk = 4096;  // elements converted to double at a time

// Elements [begin, begin + count) of t as doubles; one dtype switch per call.
void read_doubles(const Tensor& t, int64_t begin, int64_t count, double* out) {
  auto copy = [&](const auto* p) {
    for (int64_t i = 0; i < count; ++i) out[i] = static_cast<double>(p[begin + i]);
  };
  switch (t.dtype()) {
    case DType::kFloat32:
      return copy(t.data_as<float>());
    case DType::kFloat64:
      return copy(t.data_as<double>());
    case DType::kUInt8:
      return copy(t.data_as<uint8_t>());
    case DType::kInt8:
      return copy(t.data_as<int8_t>());
    case DType::kInt32:
      return copy(t.data_as<int32_t>());
    case DType::kInt64:
      return copy(t.data_as<int64_t>());
    case DType::kFloat16:
      for (int64_t i = 0; i < count; ++i) out[i] = half_to_float(t.data_as<uint16_t>()[begin + i]);
      return;
    case DType::kBool:
      for (int64_t i = 0; i < count; ++i) out[i] = t.data_as<uint8_t>()[begin + i] != 0 ? 1 : 0;
      return;
    default:  // no values to read: NaN fails every metric, as documented
      std::fill(out, out + count, kNaN);
  }
}

std::string bracketed(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// What an output's sums say, once every pair is in.
struct OutputState {
  std::string name;
  int64_t pairs = 0;
  std::string reason;                        // fails the whole output
  double ab = 0, aa = 0, bb = 0, noise = 0;  // Σ out·ref, Σ out², Σ ref², Σ (out − ref)²
  int64_t nan = 0, inf = 0;                  // elements with a NaN / an inf on either side
  int64_t rows = 0;
  std::vector<int64_t> agree;  // per goal: top-k rows that agree (topk goals only)
  std::string topk_reason;     // why top-k has no value (a scalar, an empty class axis)
};

// "2 NaN and 1 inf value(s) in the target or reference".
std::string non_finite_reason(const OutputState& s, bool count_inf) {
  std::string r;
  if (s.nan > 0) r = std::to_string(s.nan) + " NaN";
  if (count_inf && s.inf > 0) r += (r.empty() ? "" : " and ") + std::to_string(s.inf) + " inf";
  return r + " value(s) in the target or reference";
}

double cosine_of(const OutputState& s) {
  if (s.nan > 0 || s.inf > 0) return kNaN;
  if (s.noise == 0) return 1;  // identical (both zero included): exactly 1, not 1 - ulp
  if (s.aa == 0 || s.bb == 0) return 0;
  double c = s.ab / (std::sqrt(s.aa) * std::sqrt(s.bb));
  return std::isnan(c) ? c : std::clamp(c, -1.0, 1.0);  // rounding may step past ±1
}

double snr_of(const OutputState& s) {
  if (s.nan > 0 || s.inf > 0) return kNaN;
  if (s.noise == 0) return kInf;
  return 10 * std::log10(s.bb / s.noise);  // bb == 0: -inf
}

}  // namespace

struct MetricAccumulator::State {
  std::vector<MetricGoal> goals;
  bool topk = false;  // any topk goal: rows are read only then
  std::vector<OutputState> outputs;
  std::unordered_map<std::string, size_t> position;  // name -> index in outputs

  OutputState& get(const std::string& name) {
    auto [it, added] = position.emplace(name, outputs.size());
    if (!added) return outputs[it->second];
    OutputState& o = outputs.emplace_back();
    o.name = name;
    o.agree.assign(goals.size(), 0);
    return o;
  }

  void fail(OutputState& o, const std::string& why) {
    if (!o.reason.empty()) return;  // the first reason is the one to fix
    o.reason = why;
    if (o.pairs > 0) o.reason += " (pair " + std::to_string(o.pairs + 1) + ")";
  }

  void measure(OutputState& o, const Tensor& a, const Tensor& b) {
    if (!o.reason.empty()) return;
    if (!a.defined() || !b.defined())
      return fail(o, std::string(a.defined() ? "reference" : "target") + " tensor has no data");
    if (a.shape() != b.shape())
      return fail(o, "shape " + bracketed(a.shape()) + " vs reference " + bracketed(b.shape()));
    ++o.pairs;
    const int64_t n = a.numel();
    std::vector<double> x(static_cast<size_t>(std::min(n, kChunk)));
    std::vector<double> y(x.size());
    for (int64_t off = 0; off < n; off += kChunk) {
      const int64_t count = std::min(kChunk, n - off);
      read_doubles(a, off, count, x.data());
      read_doubles(b, off, count, y.data());
      for (int64_t i = 0; i < count; ++i) {
        const double p = x[i], q = y[i];
        if (std::isnan(p) || std::isnan(q)) {
          ++o.nan;
        } else if (std::isinf(p) || std::isinf(q)) {
          ++o.inf;
        } else {
          o.ab += p * q;
          o.aa += p * p;
          o.bb += q * q;
          o.noise += (p - q) * (p - q);
        }
      }
    }
    if (topk) count_topk(o, a, b);
  }

  void count_topk(OutputState& o, const Tensor& a, const Tensor& b) {
    if (!o.topk_reason.empty()) return;
    if (a.shape().empty()) {
      o.topk_reason = "a scalar has no class axis (top-k ranks the last axis)";
      return;
    }
    const int64_t classes = a.shape().back();
    if (classes == 0) {
      o.topk_reason = "its class axis (the last) is empty";
      return;
    }
    std::vector<double> x(static_cast<size_t>(classes)), y(x.size());
    for (int64_t row = 0; row < a.numel() / classes; ++row) {
      read_doubles(a, row * classes, classes, x.data());
      read_doubles(b, row * classes, classes, y.data());
      auto nan = [](double v) { return std::isnan(v); };
      if (std::any_of(x.begin(), x.end(), nan) || std::any_of(y.begin(), y.end(), nan))
        continue;  // counted in o.nan, which fails top-k
      const size_t top1 = std::max_element(x.begin(), x.end()) - x.begin();  // first largest
      const double at = y[top1];
      const int64_t above = std::count_if(y.begin(), y.end(), [at](double v) { return v > at; });
      ++o.rows;
      for (size_t g = 0; g < goals.size(); ++g)
        if (goals[g].metric == "topk" && above < goals[g].k) ++o.agree[g];
    }
  }
};

MetricAccumulator::MetricAccumulator(std::vector<MetricGoal> goals)
    : state_(std::make_unique<State>()) {
  state_->goals = std::move(goals);
  for (const auto& g : state_->goals) state_->topk = state_->topk || g.metric == "topk";
}
MetricAccumulator::~MetricAccumulator() = default;
MetricAccumulator::MetricAccumulator(MetricAccumulator&&) noexcept = default;
MetricAccumulator& MetricAccumulator::operator=(MetricAccumulator&&) noexcept = default;

Result<MetricAccumulator> MetricAccumulator::create(std::vector<MetricGoal> goals) {
  Status ok = check_metric_goals(goals);
  if (!ok.ok()) return ok;
  return MetricAccumulator(std::move(goals));
}

const std::vector<MetricGoal>& MetricAccumulator::goals() const { return state_->goals; }

void MetricAccumulator::add(const NamedTensors& outputs, const NamedTensors& reference) {
  for (const auto& [name, ref] : reference) {
    const Tensor* out = outputs.find(name);
    if (out == nullptr)
      state_->fail(state_->get(name), "missing from the target's outputs");
    else
      state_->measure(state_->get(name), *out, ref);
  }
  for (const auto& [name, out] : outputs)
    if (!reference.contains(name))
      state_->fail(state_->get(name), "missing from the reference's outputs");
}

void MetricAccumulator::add(const std::string& name, const Tensor& output,
                            const Tensor& reference) {
  state_->measure(state_->get(name), output, reference);
}

std::vector<OutputMetrics> MetricAccumulator::results() const {
  std::vector<OutputMetrics> all;
  for (const OutputState& s : state_->outputs) {
    OutputMetrics m;
    m.name = s.name;
    m.pairs = s.pairs;
    m.reason = s.reason;
    if (m.reason.empty()) {
      m.cosine = cosine_of(s);
      m.snr_db = snr_of(s);
    }
    m.pass = m.reason.empty();
    for (size_t g = 0; g < state_->goals.size(); ++g) {
      const MetricGoal& goal = state_->goals[g];
      MetricValue v{goal.metric, goal.k, kNaN, goal.min, false, ""};
      if (m.reason.empty()) {
        if (goal.metric == "topk") {
          if (!s.topk_reason.empty())
            v.reason = s.topk_reason;
          else if (s.nan > 0)
            v.reason = non_finite_reason(s, false);
          else if (s.rows == 0)
            v.reason = "no rows to rank (the output is empty)";
          else
            v.value = static_cast<double>(s.agree[g]) / static_cast<double>(s.rows);
        } else {
          v.value = goal.metric == "cosine" ? m.cosine : m.snr_db;
          if (s.nan > 0 || s.inf > 0)
            v.reason = non_finite_reason(s, true);
          else if (std::isnan(v.value))
            v.reason = "the sums overflowed a double";
        }
        v.pass = !std::isnan(v.value) && v.value >= v.min;
      }
      m.pass = m.pass && v.pass;
      m.values.push_back(std::move(v));
    }
    all.push_back(std::move(m));
  }
  return all;
}

bool MetricAccumulator::pass() const {
  if (state_->outputs.empty()) return false;
  for (const auto& m : results())
    if (!m.pass) return false;
  return true;
}

void MetricAccumulator::reset() { state_->outputs.clear(); }

}  // namespace nnport
