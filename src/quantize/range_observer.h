// Internal to libnnport: what a calibration run learns about one float
// tensor, sample after sample, in O(bins) memory, and the quantization
// parameters that follow from it.
//
// Two passes over the calibration data: pass 1 (observe) gives min and max;
// for percentile and entropy, pass 2 (observe_histogram) fills a histogram
// whose edges come from pass 1's range, so every pass-1 call must come before
// the first pass-2 call. minmax needs pass 1 only.
//
// The histogram: percentile bins x over [min, max]; entropy bins |x| over
// [0, max(|min|, |max|)] in pass 2 directly (folding a signed histogram into
// an |x| one would split bins that straddle 0 and blur the small values).
#ifndef NNPORT_SRC_QUANTIZE_RANGE_OBSERVER_H_
#define NNPORT_SRC_QUANTIZE_RANGE_OBSERVER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nnport/export.h"
#include "nnport/status.h"

namespace nnport::quantize {

enum class CalibMethod { kMinMax, kPercentile, kEntropy };

// "minmax", "percentile", "entropy" (case-insensitive); anything else is an
// invalid_argument that lists them (and suggests the nearest one).
NNPORT_API Result<CalibMethod> parse_calib_method(const std::string& name);
NNPORT_API const char* calib_method_name(CalibMethod method);

struct Range {
  float min = 0, max = 0;
};

class NNPORT_API RangeObserver {
 public:
  // percentile: for kPercentile, in (0, 100]: the share of values the range
  // keeps (99.999 clips the 0.001 % most extreme, half on each side).
  // bins: pass 2's histogram; entropy needs at least 128 (with fewer it
  // cannot clip and gives pass 1's range). The caller validates both; here
  // out-of-range values are clamped (percentile to [0, 100], NaN to 100;
  // bins to [1, 2^24]) rather than trusted.
  explicit RangeObserver(CalibMethod method, double percentile = 99.999, int bins = 2048);

  // Pass 1. NaN and inf are skipped (counted in non_finite()).
  void observe(std::span<const float> values);
  bool needs_histogram() const { return method_ != CalibMethod::kMinMax; }
  // Pass 2 (only when needs_histogram(); otherwise a no-op): the same values
  // again, NaN and inf skipped again (not counted twice). The first call fixes
  // the histogram's edges; values beyond them land in the end bins.
  void observe_histogram(std::span<const float> values);

  // The calibrated range, always containing 0 (uint8 asymmetric
  // quantization represents 0 exactly). minmax: [min, max] of pass 1.
  // percentile: the values at (100 - p) / 2 and 100 - (100 - p) / 2 percent
  // of the histogram, interpolated linearly inside their bins, clamped to
  // pass 1's range. entropy: the symmetric threshold T minimizing the KL
  // divergence between the |x| histogram and its 128-level quantization
  // (TensorRT's method; range_observer.cc has the details), giving
  // [max(min, -T), min(max, T)]. Each is then widened to contain 0. With no
  // finite value seen: [0, 0]; percentile and entropy with an empty histogram
  // (pass 2 skipped): pass 1's range.
  Range range() const;
  float observed_min() const { return min_; }
  float observed_max() const { return max_; }
  int64_t count() const { return count_; }  // finite values seen in pass 1
  int64_t non_finite() const { return non_finite_; }

 private:
  CalibMethod method_;
  double percentile_;
  int bins_;
  float min_ = 0, max_ = 0;
  int64_t count_ = 0, non_finite_ = 0;
  // bins_ bins from hist_lo_, each hist_width_ wide (0 for a constant
  // tensor: everything in bin 0); allocated by the first pass-2 call.
  std::vector<double> histogram_;
  double hist_lo_ = 0, hist_width_ = 0;
  std::vector<uint32_t> counts_;  // pass 2's scratch counters, kept to reuse
};

// uint8 asymmetric parameters for a range (widened to contain 0 if it does
// not): scale = (max - min) / 255 (1 when max == min), zero_point =
// round(-min / scale) with the float scale a backend will use, rounding half
// away from zero, clamped to [0, 255].
struct QuantParams {
  float scale = 1;
  int32_t zero_point = 0;
};
NNPORT_API QuantParams uint8_params(Range range);
// int8 symmetric scale for weights with this largest |value|: |absmax| / 127
// (1 when absmax is 0), zero point 0.
NNPORT_API float int8_symmetric_scale(float absmax);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_RANGE_OBSERVER_H_
