#include "quantize/range_observer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace nnport::quantize {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<float> gaussian(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<float> uniform(size_t n, float lo, float hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// Both passes over the same chunks, as the calibration driver does.
Range calibrate(RangeObserver& observer, const std::vector<std::span<const float>>& chunks) {
  for (auto c : chunks) observer.observe(c);
  if (observer.needs_histogram()) {
    for (auto c : chunks) observer.observe_histogram(c);
  }
  return observer.range();
}

Range calibrate(CalibMethod method, const std::vector<float>& values, double percentile = 99.999,
                int bins = 2048) {
  RangeObserver observer(method, percentile, bins);
  return calibrate(observer, {std::span<const float>(values)});
}

constexpr CalibMethod kAllMethods[] = {CalibMethod::kMinMax, CalibMethod::kPercentile,
                                       CalibMethod::kEntropy};

TEST(CalibMethodTest, ParsesTheThreeNamesCaseInsensitively) {
  EXPECT_EQ(parse_calib_method("minmax").value(), CalibMethod::kMinMax);
  EXPECT_EQ(parse_calib_method("Percentile").value(), CalibMethod::kPercentile);
  EXPECT_EQ(parse_calib_method("ENTROPY").value(), CalibMethod::kEntropy);
  EXPECT_STREQ(calib_method_name(CalibMethod::kMinMax), "minmax");
  EXPECT_STREQ(calib_method_name(CalibMethod::kPercentile), "percentile");
  EXPECT_STREQ(calib_method_name(CalibMethod::kEntropy), "entropy");
}

TEST(CalibMethodTest, UnknownNameListsTheAcceptedOnesAndSuggests) {
  auto r = parse_calib_method("entropi");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("'entropi'"), std::string::npos) << m;
  EXPECT_NE(m.find("minmax, percentile or entropy"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'entropy'?"), std::string::npos) << m;

  auto far = parse_calib_method("kl-divergence-mse");
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.status().message().find("did you mean"), std::string::npos)
      << far.status().message();
  EXPECT_FALSE(parse_calib_method("").ok());
}

TEST(RangeObserverTest, MinMaxOfAKnownVector) {
  const std::vector<float> v = {0.5f, -2.5f, 3.25f, 1.0f, -0.75f};
  RangeObserver o(CalibMethod::kMinMax);
  EXPECT_FALSE(o.needs_histogram());
  o.observe(v);
  EXPECT_EQ(o.observed_min(), -2.5f);
  EXPECT_EQ(o.observed_max(), 3.25f);
  EXPECT_EQ(o.count(), 5);
  EXPECT_EQ(o.range().min, -2.5f);
  EXPECT_EQ(o.range().max, 3.25f);
}

TEST(RangeObserverTest, MinMaxAcrossCallsWithEmptyChunks) {
  RangeObserver o(CalibMethod::kMinMax);
  const std::vector<float> a = {1.0f, 2.0f}, b = {}, c = {-4.0f, 0.5f};
  o.observe(a);
  o.observe(b);
  o.observe(c);
  EXPECT_EQ(o.count(), 4);
  EXPECT_EQ(o.range().min, -4.0f);
  EXPECT_EQ(o.range().max, 2.0f);
}

TEST(RangeObserverTest, NonFiniteValuesAreSkippedAndCounted) {
  // 17 values so a vectorized loop also has a tail; NaN and inf on both.
  std::vector<float> v(17, 1.5f);
  v[0] = kNaN;
  v[3] = kInf;
  v[8] = -kInf;
  v[9] = 4.0f;
  v[15] = -kNaN;
  v[16] = 2.0f;
  for (CalibMethod m : kAllMethods) {
    RangeObserver o(m);
    const Range r = calibrate(o, {std::span<const float>(v)});
    EXPECT_EQ(o.count(), 13) << calib_method_name(m);
    EXPECT_EQ(o.non_finite(), 4) << calib_method_name(m);
    EXPECT_EQ(o.observed_min(), 1.5f) << calib_method_name(m);
    EXPECT_EQ(o.observed_max(), 4.0f) << calib_method_name(m);
    EXPECT_TRUE(std::isfinite(r.min) && std::isfinite(r.max)) << calib_method_name(m);
  }
  RangeObserver o(CalibMethod::kMinMax);
  o.observe(v);
  EXPECT_EQ(o.range().min, 0.0f);  // widened to 0
  EXPECT_EQ(o.range().max, 4.0f);
}

TEST(RangeObserverTest, NothingFiniteGivesZeroRange) {
  const std::vector<float> v = {kNaN, kInf, -kInf};
  for (CalibMethod m : kAllMethods) {
    RangeObserver o(m);
    const Range r = calibrate(o, {std::span<const float>(v)});
    EXPECT_EQ(o.count(), 0);
    EXPECT_EQ(o.non_finite(), 3);
    EXPECT_EQ(r.min, 0.0f);
    EXPECT_EQ(r.max, 0.0f);
  }
  RangeObserver never(CalibMethod::kEntropy);
  EXPECT_EQ(never.range().min, 0.0f);
  EXPECT_EQ(never.range().max, 0.0f);
}

// Also entropy's guard: for |x| in [2, 5] the candidate T = 2 puts all of P
// in one level, a KL of 0 that must not win.
TEST(RangeObserverTest, RangesAlwaysContainZero) {
  const std::vector<float> positive = uniform(10000, 2.0f, 5.0f, 1);
  const std::vector<float> negative = uniform(10000, -5.0f, -2.0f, 2);
  for (CalibMethod m : kAllMethods) {
    const Range p = calibrate(m, positive);
    EXPECT_EQ(p.min, 0.0f) << calib_method_name(m);
    EXPECT_GT(p.max, 4.9f) << calib_method_name(m);  // nothing worth clipping
    EXPECT_LE(p.max, 5.0f) << calib_method_name(m);
    const Range n = calibrate(m, negative);
    EXPECT_LT(n.min, -4.9f) << calib_method_name(m);
    EXPECT_GE(n.min, -5.0f) << calib_method_name(m);
    EXPECT_EQ(n.max, 0.0f) << calib_method_name(m);
  }
}

TEST(RangeObserverTest, AllNegativeTensorMinMaxIsExact) {
  const std::vector<float> v = {-3.0f, -0.25f, -7.5f, -1.0f};
  const Range r = calibrate(CalibMethod::kMinMax, v);
  EXPECT_EQ(r.min, -7.5f);
  EXPECT_EQ(r.max, 0.0f);
  const QuantParams q = uint8_params(r);
  EXPECT_FLOAT_EQ(q.scale, 7.5f / 255);
  EXPECT_EQ(q.zero_point, 255);
}

TEST(RangeObserverTest, HistogramValuesBeyondPassOneLandInTheEndBins) {
  RangeObserver o(CalibMethod::kPercentile, 100.0, 16);
  const std::vector<float> first = {0.0f, 1.0f}, second = {-5.0f, 0.0f, 1.0f, 7.0f, kNaN, kInf};
  o.observe(first);
  o.observe_histogram(second);
  EXPECT_EQ(o.range().min, 0.0f);  // clamped to pass 1's range
  EXPECT_EQ(o.range().max, 1.0f);
}

TEST(RangeObserverTest, ConstantTensor) {
  const std::vector<float> threes(1000, 3.0f), zeros(1000, 0.0f), minus(1000, -2.0f);
  for (CalibMethod m : kAllMethods) {
    Range r = calibrate(m, threes);
    EXPECT_EQ(r.min, 0.0f) << calib_method_name(m);
    EXPECT_EQ(r.max, 3.0f) << calib_method_name(m);
    r = calibrate(m, minus);
    EXPECT_EQ(r.min, -2.0f) << calib_method_name(m);
    EXPECT_EQ(r.max, 0.0f) << calib_method_name(m);
    r = calibrate(m, zeros);
    EXPECT_EQ(r.min, 0.0f) << calib_method_name(m);
    EXPECT_EQ(r.max, 0.0f) << calib_method_name(m);
  }
  const QuantParams q = uint8_params({0.0f, 0.0f});
  EXPECT_EQ(q.scale, 1.0f);
  EXPECT_EQ(q.zero_point, 0);
}

TEST(QuantParamsTest, Uint8ParamsByHand) {
  // [-1, 3]: scale 4/255; zero point round(1 / (4/255)) = round(63.75) = 64.
  QuantParams q = uint8_params({-1.0f, 3.0f});
  EXPECT_FLOAT_EQ(q.scale, 4.0f / 255);
  EXPECT_EQ(q.zero_point, 64);
  // All non-negative: zero point 0; all non-positive: 255.
  q = uint8_params({0.0f, 2.55f});
  EXPECT_FLOAT_EQ(q.scale, 0.01f);
  EXPECT_EQ(q.zero_point, 0);
  q = uint8_params({-2.55f, 0.0f});
  EXPECT_FLOAT_EQ(q.scale, 0.01f);
  EXPECT_EQ(q.zero_point, 255);
  // A range without 0 is widened first: [1, 2] acts as [0, 2].
  q = uint8_params({1.0f, 2.0f});
  EXPECT_FLOAT_EQ(q.scale, 2.0f / 255);
  EXPECT_EQ(q.zero_point, 0);
  // [-1, 2]: 3/255 per step, 0 at 1 / (3/255) = 85.
  q = uint8_params({-1.0f, 2.0f});
  EXPECT_FLOAT_EQ(q.scale, 3.0f / 255);
  EXPECT_EQ(q.zero_point, 85);
  // [-10, 0.2]: 0 at 10 / (10.2/255) = 250.
  q = uint8_params({-10.0f, 0.2f});
  EXPECT_FLOAT_EQ(q.scale, 10.2f / 255);
  EXPECT_EQ(q.zero_point, 250);
}

TEST(QuantParamsTest, Int8SymmetricScale) {
  EXPECT_FLOAT_EQ(int8_symmetric_scale(12.7f), 0.1f);
  EXPECT_FLOAT_EQ(int8_symmetric_scale(-12.7f), 0.1f);
  EXPECT_FLOAT_EQ(int8_symmetric_scale(1.0f), 1.0f / 127);
  EXPECT_EQ(int8_symmetric_scale(0.0f), 1.0f);
}

// The exact order statistic with `mass` values below or at it: the ceil(mass)-th
// smallest. The histogram's interpolated quantile lies in the same bin, so
// within one bin width of it (a hair more for float rounding at bin edges).
float exact_quantile(std::vector<float> v, double mass) {
  const size_t rank = static_cast<size_t>(std::ceil(mass));  // 1-based
  const size_t index = std::clamp<size_t>(rank, 1, v.size()) - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(index), v.end());
  return v[index];
}

void expect_percentile_matches_exact(const std::vector<float>& v, double percentile, int bins) {
  RangeObserver o(CalibMethod::kPercentile, percentile, bins);
  const Range r = calibrate(o, {std::span<const float>(v)});
  const double width = (static_cast<double>(o.observed_max()) - o.observed_min()) / bins;
  const double tolerance = width * 1.001;
  const double tail = (100 - percentile) / 200 * static_cast<double>(v.size());
  const float lo = exact_quantile(v, tail);
  const float hi = exact_quantile(v, static_cast<double>(v.size()) - tail);
  EXPECT_NEAR(r.min, std::min(lo, 0.0f), tolerance) << "p=" << percentile << " bins=" << bins;
  EXPECT_NEAR(r.max, std::max(hi, 0.0f), tolerance) << "p=" << percentile << " bins=" << bins;
}

TEST(RangeObserverTest, PercentileMatchesExactQuantileWithinOneBin) {
  const std::vector<float> g = gaussian(1'000'000, 42);
  expect_percentile_matches_exact(g, 99.999, 2048);
  expect_percentile_matches_exact(g, 99.9, 2048);
  expect_percentile_matches_exact(g, 99.0, 512);
  expect_percentile_matches_exact(g, 90.0, 2048);
  const std::vector<float> u = uniform(1'000'000, -1.0f, 3.0f, 7);
  expect_percentile_matches_exact(u, 99.99, 2048);
  expect_percentile_matches_exact(u, 80.0, 100);
}

TEST(RangeObserverTest, PercentileClipsOnlyTheTails) {
  // 1e6 Gaussian values: 99.9 % keeps the central 99.9 %, i.e. |x| <= 3.29 sigma
  // (the normal quantile at 0.9995); the full range reaches about +-4.9.
  const std::vector<float> g = gaussian(1'000'000, 3);
  const Range r = calibrate(CalibMethod::kPercentile, g, 99.9);
  EXPECT_NEAR(r.min, -3.29, 0.05);
  EXPECT_NEAR(r.max, 3.29, 0.05);
}

TEST(RangeObserverTest, Percentile100IsTheObservedRange) {
  const std::vector<float> g = gaussian(100'000, 5);
  RangeObserver o(CalibMethod::kPercentile, 100.0);
  const Range r = calibrate(o, {std::span<const float>(g)});
  EXPECT_FLOAT_EQ(r.min, o.observed_min());
  EXPECT_FLOAT_EQ(r.max, o.observed_max());
}

TEST(RangeObserverTest, SeveralCallsEqualOneCallOnTheConcatenation) {
  const std::vector<float> g = gaussian(300'001, 11);
  const std::span<const float> all(g);
  const std::vector<std::span<const float>> chunks = {
      all.subspan(0, 1), all.subspan(1, 99'999), all.subspan(100'000, 0),
      all.subspan(100'000, 150'000), all.subspan(250'000)};
  for (CalibMethod m : {CalibMethod::kPercentile, CalibMethod::kEntropy}) {
    RangeObserver one(m, 99.99), many(m, 99.99);
    const Range a = calibrate(one, {all});
    const Range b = calibrate(many, chunks);
    EXPECT_EQ(a.min, b.min) << calib_method_name(m);
    EXPECT_EQ(a.max, b.max) << calib_method_name(m);
    EXPECT_EQ(one.count(), many.count());
  }
}

TEST(RangeObserverTest, EntropyClipsHugeOutliersOfAGaussian) {
  // 1e6 N(0, 1) values plus 10 outliers at |x| in [30, 40]. With 2048 bins
  // over [0, 40] a bin is 40/2048 = 0.0195 wide and the search starts at 128
  // bins, so T >= 2.5 is all the method could reach. We require 3 <= T <= 6:
  // below 3 sigma, 0.27 % of the values pile into P's last bin, which Q
  // spreads over a whole level (a large KL); above 6 the range would reach
  // past the Gaussian's own maximum (about 4.9 for 1e6 samples) into the
  // empty gap before the outliers, which only costs resolution. Either way
  // T stays far below the outliers (minmax would give 40).
  std::vector<float> v = gaussian(1'000'000, 9);
  for (float x : {30.0f, -31.0f, 32.5f, -33.0f, 34.0f, -35.0f, 36.0f, -38.0f, 39.0f, -40.0f}) {
    v.push_back(x);
  }
  const Range r = calibrate(CalibMethod::kEntropy, v);
  EXPECT_GE(r.max, 3.0f);
  EXPECT_LE(r.max, 6.0f);
  // Symmetric: the threshold is one |x| value.
  EXPECT_EQ(r.min, -r.max);
}

TEST(RangeObserverTest, EntropyKeepsAlmostAllOfAUniformRange) {
  // Uniform |x|: clipping at bin i piles the (large) tail into one bin that
  // 128 levels cannot reproduce, so the KL minimum is at or next to the full
  // range; we allow 2 % (41 of 2048 bins) for sampling noise in the flat tail.
  const std::vector<float> u = uniform(1'000'000, -2.0f, 2.0f, 13);
  const Range r = calibrate(CalibMethod::kEntropy, u);
  EXPECT_LE(r.min, -0.98f * 2.0f);
  EXPECT_GE(r.max, 0.98f * 2.0f);
  EXPECT_GE(r.min, -2.0f);
  EXPECT_LE(r.max, 2.0f);
}

TEST(RangeObserverTest, EntropyWithFewerBinsThanLevelsKeepsTheRange) {
  const std::vector<float> g = gaussian(10'000, 17);
  RangeObserver o(CalibMethod::kEntropy, 99.999, 64);
  const Range r = calibrate(o, {std::span<const float>(g)});
  EXPECT_EQ(r.min, o.observed_min());
  EXPECT_EQ(r.max, o.observed_max());
}

// An independent numpy version of the entropy search (vectorized per
// candidate, its own histogram via np.histogram); prints the winning bin count.
constexpr const char* kNumpyEntropy = R"PY(
import sys
try:
    import numpy as np
except ImportError:
    sys.exit(3)
x = np.fromfile(sys.argv[1], dtype=np.float32).astype(np.float64)
bins = int(sys.argv[2])
a = np.abs(x[np.isfinite(x)])
hist, _ = np.histogram(a, bins=bins, range=(0.0, a.max()))
hist = hist.astype(np.float64)
best, best_kl = bins, np.inf
for i in range(128, bins + 1):
    p = hist[:i].copy()
    p[-1] += hist[i:].sum()
    level = (np.arange(i) * 128) // i
    nonzero = p > 0
    mass = np.bincount(level, weights=hist[:i], minlength=128)
    occupied = np.bincount(level, weights=nonzero.astype(np.float64), minlength=128)
    per_bin = np.divide(mass, occupied, out=np.zeros(128), where=occupied > 0)
    q = np.where(nonzero, per_bin[level], 0.0)
    if np.count_nonzero(occupied) < 2 or q.sum() <= 0:
        continue  # every value in one level: a degenerate KL of 0
    p, q = p / p.sum(), q / q.sum()
    hole = nonzero & (q == 0)
    q = q * (1 - 1e-4 * hole.sum())
    q[hole] = 1e-4
    kl = float(np.sum(p[nonzero] * np.log(p[nonzero] / q[nonzero])))
    if kl < best_kl:
        best, best_kl = i, kl
print(best)
)PY";

// The numpy search's bin count for `values`, or -1 when python3/numpy is missing.
int numpy_entropy_bins(const std::vector<float>& values, int bins, const std::string& tag) {
  if (!std::filesystem::exists("/usr/bin/python3")) return -1;
  const auto dir = std::filesystem::temp_directory_path();
  const std::string data = (dir / ("nnport_entropy_" + tag + ".f32")).string();
  const std::string script = (dir / ("nnport_entropy_" + tag + ".py")).string();
  std::ofstream(data, std::ios::binary)
      .write(reinterpret_cast<const char*>(values.data()),
             static_cast<std::streamsize>(values.size() * sizeof(float)));
  std::ofstream(script) << kNumpyEntropy;
  const std::string command =
      "/usr/bin/python3 '" + script + "' '" + data + "' " + std::to_string(bins);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  int best = -1;
  if (std::fscanf(pipe, "%d", &best) != 1) best = -1;
  pclose(pipe);
  std::filesystem::remove(data);
  std::filesystem::remove(script);
  return best;
}

TEST(RangeObserverTest, EntropyAgreesWithAnIndependentNumpySearch) {
  // A ReLU-like half Gaussian with a long exponential tail, and the Gaussian
  // with outliers: two different KL curves. The numpy histogram bins in double
  // and this one in float, so a few values change bins; allow 3 bins.
  std::mt19937 rng(21);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::exponential_distribution<float> expo(0.5f);
  std::vector<float> relu(300'000);
  for (float& x : relu) x = std::max(normal(rng), 0.0f) + (rng() % 50 == 0 ? expo(rng) : 0.0f);
  std::vector<float> outliers = gaussian(300'000, 23);
  for (float x : {-25.0f, 20.0f, 22.0f}) outliers.push_back(x);

  int checked = 0;
  for (const auto& [name, v] : {std::pair{"relu", &relu}, std::pair{"outliers", &outliers}}) {
    const int bins = 2048;
    const int expected = numpy_entropy_bins(*v, bins, name);
    if (expected < 0) continue;
    RangeObserver o(CalibMethod::kEntropy, 99.999, bins);
    const Range r = calibrate(o, {std::span<const float>(*v)});
    const double absmax = std::max(-o.observed_min(), o.observed_max());
    const double width = absmax / bins;
    const double threshold = std::max(-r.min, r.max);
    EXPECT_NEAR(threshold, expected * width, 3 * width) << name;
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "/usr/bin/python3 with numpy not available";
}

}  // namespace
}  // namespace nnport::quantize
