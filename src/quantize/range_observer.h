// Internal to libnnport: what a calibration run learns about one float
// tensor, sample after sample, in O(bins) memory, and the quantization
// parameters that follow from it.
//
// Two passes over the calibration data: pass 1 (observe) gives min and max;
// for percentile and entropy, pass 2 (observe_histogram) fills a histogram
// over the range pass 1 found. minmax needs pass 1 only.
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
// invalid_argument that lists them.
NNPORT_API Result<CalibMethod> parse_calib_method(const std::string& name);
NNPORT_API const char* calib_method_name(CalibMethod method);

struct Range {
  float min = 0, max = 0;
};

class NNPORT_API RangeObserver {
 public:
  // percentile: for kPercentile, in (0, 100]: the share of values the range
  // keeps (99.999 clips the 0.001 % most extreme). bins: pass 2's histogram.
  explicit RangeObserver(CalibMethod method, double percentile = 99.999, int bins = 2048);

  // Pass 1. NaN and inf are skipped (counted in non_finite()).
  void observe(std::span<const float> values);
  bool needs_histogram() const { return method_ != CalibMethod::kMinMax; }
  // Pass 2 (only when needs_histogram()): the same values again.
  void observe_histogram(std::span<const float> values);

  // The calibrated range, always containing 0 (uint8 asymmetric
  // quantization represents 0 exactly). minmax: [min, max] of pass 1.
  // percentile: the values at (100 - p) / 2 and 100 - (100 - p) / 2 percent
  // of the histogram, clamped to pass 1's range. entropy: the symmetric
  // threshold T minimizing the KL divergence between the |x| histogram and
  // its 128-level quantization (TensorRT's method), giving [max(min, -T),
  // min(max, T)]. With no finite value seen: [0, 0].
  Range range() const;
  float observed_min() const { return min_; }
  float observed_max() const { return max_; }
  int64_t count() const { return count_; }
  int64_t non_finite() const { return non_finite_; }

 private:
  CalibMethod method_;
  double percentile_;
  int bins_;
  float min_ = 0, max_ = 0;
  int64_t count_ = 0, non_finite_ = 0;
  std::vector<double> histogram_;  // over [min_, max_], bins_ bins
};

// uint8 asymmetric parameters for a range (which contains 0):
// scale = (max - min) / 255 (1 when max == min), zero_point = round(-min / scale)
// clamped to [0, 255].
struct QuantParams {
  float scale = 1;
  int32_t zero_point = 0;
};
NNPORT_API QuantParams uint8_params(Range range);
// int8 symmetric scale for weights with this largest |value|: absmax / 127
// (1 when absmax is 0), zero point 0.
NNPORT_API float int8_symmetric_scale(float absmax);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_RANGE_OBSERVER_H_
