// Accuracy metrics for lower precision (fp16, int8): an int8 model never
// passes numpy.allclose against fp32, so `verify` and the quantizer judge it
// by cosine similarity, SNR and top-k agreement instead, accumulated over
// any number of (output, reference) pairs without keeping a tensor.
//
// Definitions, per output name, over every pair added so far (out = the
// target's values, ref = the reference's, all read as doubles, so integer and
// bool outputs are measured on their values):
//   cosine  Σ out·ref / sqrt(Σ out² · Σ ref²), in [-1, 1]. Both all zero
//           (or empty): 1; exactly one all zero: 0.
//   snr     10·log10(Σ ref² / Σ (out − ref)²), in dB. Identical values
//           (noise 0, also both zero): +inf; reference all zero and the
//           target not: −inf.
//   topk    the share of rows (a row = one index over all axes but the
//           last, the class axis) where the target's top-1 class is among
//           the reference's top-k classes. The target's top-1 is its first
//           largest value (numpy.argmax); a class is in the reference's
//           top-k when fewer than k classes have a strictly larger value, so
//           ties at the boundary count as in. k above the class count: every
//           row agrees.
// A metric passes when value >= its goal's min. It fails without a value
// (NaN, with a reason) when: cosine or snr saw a NaN or inf anywhere; topk
// saw a NaN anywhere (inf is an ordinary extreme there), the output is a
// scalar or its class axis is empty, or there were no rows. An output fails
// as a whole (OutputMetrics::reason) when its shapes differ in a pair, or
// it is missing on one side.
#ifndef NNPORT_METRICS_H_
#define NNPORT_METRICS_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nnport/export.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport {

// A goal: metric "cosine", "snr" (dB) or "topk" must reach at least `min`.
// k is topk's (>= 1) and must stay 1 for the others.
struct MetricGoal {
  std::string metric;
  double min = 0;
  int k = 1;
};

// One goal's outcome for one output.
struct MetricValue {
  std::string metric;
  int k = 1;
  double value = std::numeric_limits<double>::quiet_NaN();  // NaN: no value, see reason
  double min = 0;
  bool pass = false;
  std::string reason;  // why there is no value ("2 NaN values"), else ""
  // How far below its goal a failed metric is (min - value; +inf without a
  // value); 0 when it passed.
  double missed_by() const {
    if (pass) return 0;
    return value == value ? min - value : std::numeric_limits<double>::infinity();  // NaN: inf
  }
};

// Everything measured for one output name.
struct OutputMetrics {
  std::string name;
  int64_t pairs = 0;  // pairs in which this output was measured
  // Always measured (cheap), whatever the goals; NaN under the rules above.
  double cosine = std::numeric_limits<double>::quiet_NaN();
  double snr_db = std::numeric_limits<double>::quiet_NaN();
  std::vector<MetricValue> values;  // one per goal, in the goals' order
  bool pass = false;                // no reason, and every goal met
  std::string reason;               // why the output failed as a whole, else ""
};

// The metric names, in the order "did you mean" prefers them.
NNPORT_API const std::vector<std::string>& metric_names();

// The goal `nnport verify` uses when --min is not given (NaN for an unknown
// name): cosine 0.99, snr 20 dB, topk 0.98. Chosen to pass a healthy int8
// model and catch a broken one: SNR 20 dB is a noise power of 1 % of the
// signal (RMS error 10 % of the RMS value); cosine 0.99 allows a little more
// (about 17 dB for zero-mean noise); a top-1 agreement of 0.98 bounds the
// change in top-1 accuracy by 2 points, since a row where both agree is right
// or wrong for both.
NNPORT_API double default_metric_min(std::string_view metric);

// "cosine", "snr", "top-5": a goal's name as tables print it.
NNPORT_API std::string metric_label(const MetricGoal& goal);

// Every goal valid: a known metric ("did you mean" for a typo), min finite
// and in range (cosine [-1, 1], topk [0, 1], snr any dB), k >= 1 for topk
// and 1 for the others, no (metric, k) twice.
NNPORT_API Status check_metric_goals(const std::vector<MetricGoal>& goals);

// Sums for cosine and SNR and row counts for top-k, per output name, over
// every pair added: feed it one calibration sample after another and read
// the verdict at the end; it keeps no tensor. Outputs are listed in the
// order they were first seen (a pair's reference order, then outputs only in
// the target).
class NNPORT_API MetricAccumulator {
 public:
  // Fails on invalid goals (check_metric_goals). No goals is fine: cosine
  // and snr_db are still measured, and an output passes unless it has a reason.
  static Result<MetricAccumulator> create(std::vector<MetricGoal> goals);
  ~MetricAccumulator();
  MetricAccumulator(MetricAccumulator&&) noexcept;
  MetricAccumulator& operator=(MetricAccumulator&&) noexcept;

  const std::vector<MetricGoal>& goals() const;

  // One pair: every output of `reference` against the same name in
  // `outputs`; a name on one side only fails that output.
  void add(const NamedTensors& outputs, const NamedTensors& reference);
  // One pair of one output.
  void add(const std::string& name, const Tensor& output, const Tensor& reference);

  std::vector<OutputMetrics> results() const;
  // At least one output, and every output passes.
  bool pass() const;
  // Forget every pair (the goals stay).
  void reset();

 private:
  explicit MetricAccumulator(std::vector<MetricGoal> goals);
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace nnport

#endif  // NNPORT_METRICS_H_
