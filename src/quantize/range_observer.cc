#include "quantize/range_observer.h"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <limits>

#include "nnport/did_you_mean.h"

namespace nnport::quantize {
namespace {

struct MethodName {
  CalibMethod method;
  const char* name;
};
constexpr MethodName kMethods[] = {{CalibMethod::kMinMax, "minmax"},
                                   {CalibMethod::kPercentile, "percentile"},
                                   {CalibMethod::kEntropy, "entropy"}};

// int8 symmetric quantization has 128 levels for |x| (0..127).
constexpr int kLevels = 128;
// KL smoothing: a bin where P has mass and Q has none gets this probability,
// taken proportionally from Q's other bins (log(p / 0) would be infinite).
constexpr double kSmoothing = 1e-4;

// False for NaN and +-inf; one compare, so loops over it vectorize.
inline bool finite(float v) { return std::fabs(v) <= FLT_MAX; }

Range with_zero(float lo, float hi) { return {std::min(lo, 0.0f), std::max(hi, 0.0f)}; }

// The value with `mass` of the histogram's counts below it, linear inside the
// bin where the cumulative count reaches `mass` (the first non-empty one for
// mass 0, so quantile 0 is the lower edge of the lowest occupied bin).
double histogram_quantile(const std::vector<double>& h, double lo, double width, double mass) {
  double cum = 0;
  for (size_t k = 0; k < h.size(); ++k) {
    if (h[k] > 0 && cum + h[k] >= mass) {
      const double fraction = std::clamp((mass - cum) / h[k], 0.0, 1.0);
      return lo + width * (static_cast<double>(k) + fraction);
    }
    cum += h[k];
  }
  return lo + width * static_cast<double>(h.size());
}

// TensorRT's entropy calibration on an |x| histogram of n bins: the number of
// bins i in [128, n] whose upper edge is the threshold. For each i:
//  P = h[0:i] with the outliers h[i:n] added to its last bin (clipping maps
//    them to the threshold);
//  Q = h[0:i] (without the outliers, as in TensorRT's pseudocode) merged
//    into 128 levels of near-equal width (level of bin k = floor(k*128/i);
//    TensorRT's i/128 bins per level with the remainder in the last level
//    skews the last level), each level's mass spread evenly over the bins of
//    the level where P is non-zero (an empty bin stays empty after
//    quantization too);
//  KL(P || Q) over P's non-zero bins, Q smoothed where it is 0 and P is not.
// The i with the smallest KL wins; ties go to the smaller i. One addition to
// TensorRT's method: candidates where all of P falls into one level are
// skipped (see below); when all are, the threshold is the whole range.
// O(n^2 / 2) with one log per occupied bin: ~2 M steps for 2048 bins.
int entropy_threshold_bins(const std::vector<double>& h) {
  const int n = static_cast<int>(h.size());
  if (n <= kLevels) return n;
  double total = 0;
  for (double c : h) total += c;
  if (total <= 0) return n;

  std::vector<double> tail(h.size() + 1, 0.0);  // tail[i] = sum of h[i:n], the outliers
  for (int k = n - 1; k >= 0; --k) tail[k] = tail[k + 1] + h[k];
  std::vector<double> p(h.size()), q(h.size());
  double best_kl = std::numeric_limits<double>::infinity();
  int best = n;
  for (int i = kLevels; i <= n; ++i) {
    std::copy(h.begin(), h.begin() + i, p.begin());
    p[i - 1] += tail[i];

    double q_total = 0;
    int used_levels = 0;
    for (int j = 0; j < kLevels; ++j) {
      // Bins k with floor(k * 128 / i) == j: [ceil(j * i / 128), ceil((j+1) * i / 128)).
      const int64_t ii = i;
      const int begin = static_cast<int>((j * ii + kLevels - 1) / kLevels);
      const int end = static_cast<int>(((j + 1) * ii + kLevels - 1) / kLevels);
      double mass = 0;
      int occupied = 0;
      for (int k = begin; k < end; ++k) {
        mass += h[k];
        occupied += p[k] > 0;
      }
      const double each = occupied > 0 ? mass / occupied : 0;
      for (int k = begin; k < end; ++k) q[k] = p[k] > 0 ? each : 0;
      q_total += mass;
      used_levels += occupied > 0;
    }
    // One level holds all of P: every value would quantize to the same int8
    // value, yet Q == P after normalization gives KL 0. Such a threshold
    // (below nearly all the data, e.g. T = 2 for values in [2, 5]) is never
    // the answer.
    if (used_levels < 2 || q_total <= 0) continue;

    int unmatched = 0;  // P > 0, Q == 0: only P's last bin can be one
    for (int k = 0; k < i; ++k) unmatched += p[k] > 0 && q[k] == 0;
    const double q_scale = (1 - kSmoothing * unmatched) / q_total;
    double kl = 0;
    for (int k = 0; k < i; ++k) {
      if (p[k] <= 0) continue;
      const double pk = p[k] / total;
      const double qk = q[k] > 0 ? q[k] * q_scale : kSmoothing;
      kl += pk * std::log(pk / qk);
    }
    if (kl < best_kl) {
      best_kl = kl;
      best = i;
    }
  }
  return best;
}

// Pass 2's inner loop: adds each finite value to the histogram's bin
// floor(position(value)), clamped to the end bins. Bin indices are computed a
// block at a time, branch-free (vectorized; non-finite values get an extra
// discard bin), and counted in kCopies interleaved uint32 histograms, so a
// run of equal values (ReLU's zeros) does not serialize on one counter; about
// 1.5-2x the plain loop over a double histogram. The copies are folded into
// the histogram at the end of the call and every 2^30 values, before uint32
// could overflow. Per call that costs O(kCopies * bins), noise next to the
// tensors worth calibrating.
template <class Position>
void fill_histogram(std::vector<double>& histogram, std::vector<uint32_t>& counts_storage,
                    Position position, std::span<const float> values) {
  constexpr size_t kCopies = 4, kBlock = 256, kFoldEvery = size_t{1} << 30;
  const int bins = static_cast<int>(histogram.size());
  const size_t stride = static_cast<size_t>(bins) + 1;  // + 1: where non-finite values go
  counts_storage.assign(kCopies * stride, 0);
  const float last = static_cast<float>(bins - 1);
  const float skip = static_cast<float>(bins);
  uint32_t* counts = counts_storage.data();
  const auto fold = [&] {
    for (size_t c = 0; c < kCopies; ++c) {
      for (int b = 0; b < bins; ++b) histogram[b] += counts[c * stride + b];
    }
    std::fill(counts_storage.begin(), counts_storage.end(), 0);
  };
  int32_t index[kBlock];
  size_t since_fold = 0;
  for (size_t start = 0; start < values.size(); start += kBlock) {
    const size_t n = std::min(kBlock, values.size() - start);
    const float* v = values.data() + start;
    for (size_t j = 0; j < n; ++j) {
      float t = position(v[j]);
      t = t > 0 ? t : 0;  // also maps NaN to 0, so the conversion is defined
      t = t < last ? t : last;
      index[j] = static_cast<int32_t>(finite(v[j]) ? t : skip);
    }
    for (size_t j = 0; j < n; ++j) ++counts[(j % kCopies) * stride + index[j]];
    since_fold += n;
    if (since_fold >= kFoldEvery) {
      fold();
      since_fold = 0;
    }
  }
  if (since_fold > 0) fold();
}

}  // namespace

Result<CalibMethod> parse_calib_method(const std::string& name) {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string> names;
  for (const auto& m : kMethods) {
    if (lower == m.name) return m.method;
    names.emplace_back(m.name);
  }
  return invalid_argument("calibration: unknown method '" + name +
                          "'; expected minmax, percentile or entropy" + did_you_mean(name, names));
}

const char* calib_method_name(CalibMethod method) {
  for (const auto& m : kMethods) {
    if (m.method == method) return m.name;
  }
  return "unknown";
}

RangeObserver::RangeObserver(CalibMethod method, double percentile, int bins)
    : method_(method),
      percentile_(std::isnan(percentile) ? 100.0 : std::clamp(percentile, 0.0, 100.0)),
      bins_(std::clamp(bins, 1, 1 << 24)) {}

void RangeObserver::observe(std::span<const float> values) {
  // Branch-free, in independent lanes, so the compiler vectorizes it without
  // -ffast-math (it will not reorder a float min reduction on its own): a
  // non-finite value becomes a neutral element instead of a skipped iteration.
  constexpr float kInf = std::numeric_limits<float>::infinity();
  constexpr size_t kLanes = 16;
  float lo[kLanes], hi[kLanes];
  int64_t finite_lane[kLanes] = {};
  std::fill_n(lo, kLanes, kInf);
  std::fill_n(hi, kLanes, -kInf);
  const float* data = values.data();
  const size_t n = values.size(), blocked = n - n % kLanes;
  const auto step = [&](size_t lane, float v) {
    const bool ok = finite(v);
    const float for_min = ok ? v : kInf;
    const float for_max = ok ? v : -kInf;
    lo[lane] = for_min < lo[lane] ? for_min : lo[lane];
    hi[lane] = for_max > hi[lane] ? for_max : hi[lane];
    finite_lane[lane] += ok;
  };
  for (size_t k = 0; k < blocked; k += kLanes) {
    for (size_t lane = 0; lane < kLanes; ++lane) step(lane, data[k + lane]);
  }
  for (size_t k = blocked; k < n; ++k) step(k - blocked, data[k]);
  float lo_all = kInf, hi_all = -kInf;
  int64_t finite_count = 0;
  for (size_t lane = 0; lane < kLanes; ++lane) {
    lo_all = std::min(lo_all, lo[lane]);
    hi_all = std::max(hi_all, hi[lane]);
    finite_count += finite_lane[lane];
  }
  non_finite_ += static_cast<int64_t>(values.size()) - finite_count;
  if (finite_count == 0) return;
  if (count_ == 0) {
    min_ = lo_all;
    max_ = hi_all;
  } else {
    min_ = std::min(min_, lo_all);
    max_ = std::max(max_, hi_all);
  }
  count_ += finite_count;
}

void RangeObserver::observe_histogram(std::span<const float> values) {
  if (!needs_histogram() || count_ == 0) return;
  if (histogram_.empty()) {
    // Edges in double: max - min may overflow float for extreme ranges.
    if (method_ == CalibMethod::kEntropy) {
      hist_lo_ = 0;
      hist_width_ = std::max(-static_cast<double>(min_), static_cast<double>(max_)) / bins_;
    } else {
      hist_lo_ = min_;
      hist_width_ = (static_cast<double>(max_) - min_) / bins_;
    }
    histogram_.assign(bins_, 0.0);
  }
  // A constant tensor has width 0: everything goes to bin 0 (as it does for
  // a width so small that 1 / width overflows float).
  const double inv = hist_width_ > 0 ? 1 / hist_width_ : 0.0;
  const float inv_width = inv <= FLT_MAX ? static_cast<float>(inv) : 0.0f;
  const float lo = static_cast<float>(hist_lo_);
  if (method_ == CalibMethod::kEntropy) {
    fill_histogram(
        histogram_, counts_, [=](float v) { return std::fabs(v) * inv_width; }, values);
  } else {
    fill_histogram(
        histogram_, counts_, [=](float v) { return (v - lo) * inv_width; }, values);
  }
}

Range RangeObserver::range() const {
  if (count_ == 0) return {};
  double total = 0;
  for (double c : histogram_) total += c;
  if (method_ == CalibMethod::kMinMax || total <= 0) return with_zero(min_, max_);

  if (method_ == CalibMethod::kPercentile) {
    const double tail = (100 - percentile_) / 200;  // the share clipped on each side
    const double lo = histogram_quantile(histogram_, hist_lo_, hist_width_, tail * total);
    const double hi = histogram_quantile(histogram_, hist_lo_, hist_width_, (1 - tail) * total);
    const auto clamp = [&](double v) { return std::clamp(static_cast<float>(v), min_, max_); };
    return with_zero(clamp(lo), clamp(hi));
  }

  const int i = entropy_threshold_bins(histogram_);
  // i == bins keeps the whole range; use max |x| itself rather than
  // bins * width, which may round below it.
  const float threshold =
      i == bins_ ? std::max(-min_, max_) : static_cast<float>(hist_width_ * static_cast<double>(i));
  return with_zero(std::max(min_, -threshold), std::min(max_, threshold));
}

QuantParams uint8_params(Range range) {
  const double lo = std::min(range.min, 0.0f), hi = std::max(range.max, 0.0f);
  QuantParams params;
  if (hi == lo) return params;
  params.scale = static_cast<float>((hi - lo) / 255);
  if (!(params.scale > 0)) return {};  // a range too narrow for a float scale: constant
  // Computed from the float scale a backend will actually use.
  const double zero_point = std::round(-lo / static_cast<double>(params.scale));
  params.zero_point = static_cast<int32_t>(std::clamp(zero_point, 0.0, 255.0));
  return params;
}

float int8_symmetric_scale(float absmax) {
  const float a = std::fabs(absmax);
  return a == 0 ? 1.0f : a / 127;
}

}  // namespace nnport::quantize
