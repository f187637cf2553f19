// MetricAccumulator and compare_outputs' goals, against values worked out by
// hand (the comment above each expectation shows the sums).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnport/apis.h"
#include "nnport/metrics.h"

namespace nnport {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();

Tensor floats(std::vector<float> v, Shape shape = {}) {
  if (shape.empty()) shape = {static_cast<int64_t>(v.size())};
  Tensor t = Tensor::empty(DType::kFloat32, shape);
  for (size_t i = 0; i < v.size(); ++i) t.data_as<float>()[i] = v[i];
  return t;
}

template <class T>
Tensor typed(DType dtype, std::vector<T> v) {
  Tensor t = Tensor::empty(dtype, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.data_as<T>()[i] = v[i];
  return t;
}

NamedTensors one(const std::string& name, Tensor t) {
  NamedTensors n;
  n.set(name, std::move(t));
  return n;
}

MetricAccumulator make(std::vector<MetricGoal> goals = {}) {
  auto acc = MetricAccumulator::create(std::move(goals));
  EXPECT_TRUE(acc.ok()) << acc.status().message();
  return std::move(*acc);
}

// The single output's metrics after one pair.
OutputMetrics measure(const Tensor& out, const Tensor& ref, std::vector<MetricGoal> goals = {}) {
  MetricAccumulator acc = make(std::move(goals));
  acc.add("y", out, ref);
  auto r = acc.results();
  EXPECT_EQ(r.size(), 1u);
  return r.empty() ? OutputMetrics{} : r[0];
}

TEST(Metrics, CosineAndSnrByHand) {
  // Σab = 1, Σa² = 1, Σb² = 2: cosine 1/√2. Noise Σ(a-b)² = 1, signal 2: 10·log10(2) dB.
  OutputMetrics m = measure(floats({1, 0}), floats({1, 1}), {{"cosine", 0.7}, {"snr", 3.5}});
  EXPECT_NEAR(m.cosine, 1 / std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(m.snr_db, 3.0102999566, 1e-9);
  ASSERT_EQ(m.values.size(), 2u);
  EXPECT_TRUE(m.values[0].pass);   // 0.7071 >= 0.7
  EXPECT_FALSE(m.values[1].pass);  // 3.01 < 3.5
  EXPECT_NEAR(m.values[1].missed_by(), 3.5 - 3.0102999566, 1e-9);
  EXPECT_EQ(m.values[0].missed_by(), 0);
  EXPECT_FALSE(m.pass);
}

TEST(Metrics, SnrOfAKnownNoise) {
  // Signal Σ ref² = 4 · 1 = 4; noise 4 · 0.1² = 0.04: ratio 100, 20 dB.
  OutputMetrics m = measure(floats({1.1f, -1.1f, 0.9f, -0.9f}), floats({1, -1, 1, -1}));
  EXPECT_NEAR(m.snr_db, 20.0, 1e-5);
  // The same noise on a signal ten times larger: 40 dB.
  OutputMetrics big = measure(floats({10.1f, -10.1f, 9.9f, -9.9f}), floats({10, -10, 10, -10}));
  EXPECT_NEAR(big.snr_db, 40.0, 1e-4);
}

// Three rows of five classes. Target's argmax / its rank in the reference:
// row 0: class 1 / 1st; row 1: class 3 / 2nd; row 2: class 4 / 5th.
TEST(Metrics, TopKOnALogitsTable) {
  Tensor out = floats({0.1f, 0.9f, 0.3f, 0.2f, 0.0f,  //
                       0.5f, 0.1f, 0.2f, 0.7f, 0.0f,  //
                       0.0f, 0.1f, 0.2f, 0.3f, 0.9f},
                      {3, 5});
  Tensor ref = floats({0.2f, 0.8f, 0.1f, 0.5f, 0.0f,  //
                       0.9f, 0.1f, 0.3f, 0.4f, 0.2f,  //
                       0.6f, 0.5f, 0.4f, 0.3f, 0.1f},
                      {3, 5});
  OutputMetrics m =
      measure(out, ref, {{"topk", 0.3, 1}, {"topk", 0.7, 2}, {"topk", 0, 4}, {"topk", 1, 5}});
  ASSERT_EQ(m.values.size(), 4u);
  EXPECT_DOUBLE_EQ(m.values[0].value, 1.0 / 3);  // row 0
  EXPECT_DOUBLE_EQ(m.values[1].value, 2.0 / 3);  // rows 0, 1
  EXPECT_DOUBLE_EQ(m.values[2].value, 2.0 / 3);  // rows 0, 1
  EXPECT_DOUBLE_EQ(m.values[3].value, 1.0);      // every class is in the top 5
  EXPECT_EQ(m.values[3].metric, "topk");
  EXPECT_EQ(m.values[3].k, 5);
  EXPECT_TRUE(m.values[0].pass);
  EXPECT_FALSE(m.values[1].pass);  // 0.667 < 0.7
  EXPECT_NEAR(m.values[1].missed_by(), 0.7 - 2.0 / 3, 1e-12);
  EXPECT_TRUE(m.values[3].pass);
}

TEST(Metrics, TopKTies) {
  // Reference tie at the top: nothing is strictly above class 1, so it is in the top 1.
  OutputMetrics tie_ref = measure(floats({0, 1, 0}), floats({0.5f, 0.5f, 0.1f}), {{"topk", 1}});
  EXPECT_EQ(tie_ref.values[0].value, 1.0);
  // Target tie: its top-1 is the first largest (class 0), which one reference class beats.
  OutputMetrics tie_out =
      measure(floats({0.7f, 0.7f, 0}), floats({0.1f, 0.9f, 0}), {{"topk", 0, 1}, {"topk", 0, 2}});
  EXPECT_EQ(tie_out.values[0].value, 0.0);
  EXPECT_EQ(tie_out.values[1].value, 1.0);
}

TEST(Metrics, AccumulationPoolsTheSums) {
  // Pair 1: [1, 0] vs [1, 1]; pair 2: [0, 2] vs [0, 2]. Pooled Σab = 5, Σa² = 5, Σb² = 6:
  // cosine 5/√30 (not the mean of 0.707 and 1); noise 1: SNR 10·log10(6).
  MetricAccumulator acc = make({{"cosine", 0.9}, {"snr", 7}});
  acc.add(one("y", floats({1, 0})), one("y", floats({1, 1})));
  acc.add(one("y", floats({0, 2})), one("y", floats({0, 2})));
  auto r = acc.results();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].pairs, 2);
  EXPECT_NEAR(r[0].cosine, 5 / std::sqrt(30.0), 1e-12);
  EXPECT_NEAR(r[0].snr_db, 10 * std::log10(6.0), 1e-12);
  EXPECT_TRUE(r[0].pass);
  EXPECT_TRUE(acc.pass());
}

TEST(Metrics, SeveralCallsEqualOneCallOnTheConcatenation) {
  std::vector<float> a = {0.3f, -1, 2, 0.5f, 0, 1.5f, -0.2f, 0.1f, 0.9f, -3, 1, 1};
  std::vector<float> b = {0.2f, -1, 2.1f, 0.4f, 0.1f, 1.2f, -0.1f, 0.3f, 0.8f, -2.5f, 1.2f, 0.7f};
  std::vector<MetricGoal> goals = {{"cosine", 0.5}, {"snr", 1}, {"topk", 0.5, 1}};
  MetricAccumulator split = make(goals), whole = make(goals);
  for (int part = 0; part < 3; ++part) {  // three [1, 4] rows, one pair each
    std::vector<float> pa(a.begin() + 4 * part, a.begin() + 4 * part + 4);
    std::vector<float> pb(b.begin() + 4 * part, b.begin() + 4 * part + 4);
    split.add(one("y", floats(pa, {1, 4})), one("y", floats(pb, {1, 4})));
  }
  whole.add(one("y", floats(a, {3, 4})), one("y", floats(b, {3, 4})));
  OutputMetrics s = split.results()[0], w = whole.results()[0];
  EXPECT_DOUBLE_EQ(s.cosine, w.cosine);
  EXPECT_DOUBLE_EQ(s.snr_db, w.snr_db);
  ASSERT_EQ(s.values.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(s.values[i].value, w.values[i].value) << i;
  // Top-1 by hand: `a`'s rows pick classes 2, 1, 2 (row 2's tie goes to the first); `b`'s
  // largest are classes 2, 1, 2: every row agrees.
  EXPECT_DOUBLE_EQ(w.values[2].value, 1.0);
}

TEST(Metrics, IdenticalAndZeroTensors) {
  OutputMetrics same = measure(floats({0.1f, -3, 7}), floats({0.1f, -3, 7}), {{"cosine", 1}});
  EXPECT_EQ(same.cosine, 1.0);  // exactly, so a goal of 1 passes
  EXPECT_EQ(same.snr_db, kInf);
  EXPECT_TRUE(same.pass);
  OutputMetrics zeros = measure(floats({0, 0}), floats({0, 0}));
  EXPECT_EQ(zeros.cosine, 1.0);
  EXPECT_EQ(zeros.snr_db, kInf);
  // Target zero, reference not: cosine 0; noise = signal, 0 dB.
  OutputMetrics out_zero = measure(floats({0, 0}), floats({1, 2}));
  EXPECT_EQ(out_zero.cosine, 0.0);
  EXPECT_DOUBLE_EQ(out_zero.snr_db, 0.0);
  // Reference zero, target not: cosine 0; no signal, -inf dB, which fails any goal.
  OutputMetrics ref_zero = measure(floats({1, 2}), floats({0, 0}), {{"snr", -100}});
  EXPECT_EQ(ref_zero.cosine, 0.0);
  EXPECT_EQ(ref_zero.snr_db, -kInf);
  EXPECT_FALSE(ref_zero.pass);
  EXPECT_EQ(ref_zero.values[0].missed_by(), kInf);
}

TEST(Metrics, NaNFailsEveryMetricInfOnlyCosineAndSnr) {
  std::vector<MetricGoal> goals = {{"cosine", -1}, {"snr", -100}, {"topk", 0, 1}};
  OutputMetrics nan =
      measure(floats({1, kNaNf, 0, 0}, {2, 2}), floats({1, 0, 0, 1}, {2, 2}), goals);
  EXPECT_TRUE(std::isnan(nan.cosine));
  EXPECT_TRUE(std::isnan(nan.snr_db));
  for (const auto& v : nan.values) {
    EXPECT_FALSE(v.pass) << v.metric;
    EXPECT_TRUE(std::isnan(v.value)) << v.metric;
    EXPECT_EQ(v.reason, "1 NaN value(s) in the target or reference") << v.metric;
  }
  EXPECT_FALSE(nan.pass);
  EXPECT_TRUE(nan.reason.empty()) << "values, not the output's shape, are at fault";

  float inf = std::numeric_limits<float>::infinity();
  OutputMetrics with_inf =
      measure(floats({inf, 0, 0, 1}, {2, 2}), floats({1, 0, 0, 1}, {2, 2}), goals);
  EXPECT_FALSE(with_inf.values[0].pass);
  EXPECT_EQ(with_inf.values[0].reason, "1 inf value(s) in the target or reference");
  EXPECT_FALSE(with_inf.values[1].pass);
  EXPECT_EQ(with_inf.values[2].value, 1.0);  // inf is just the largest logit
  EXPECT_TRUE(with_inf.values[2].pass);
}

TEST(Metrics, IntegerBoolAndFloat16ValuesAsDoubles) {
  // Values as doubles: int64 {0, 3, 4} vs int32 {0, 4, 3}: Σab = 24, Σa² = Σb² = 25.
  OutputMetrics ints =
      measure(typed<int64_t>(DType::kInt64, {0, 3, 4}), typed<int32_t>(DType::kInt32, {0, 4, 3}));
  EXPECT_NEAR(ints.cosine, 24.0 / 25, 1e-12);
  // bool {1, 0} vs {1, 1}: 1/√2, as for floats.
  OutputMetrics bools =
      measure(typed<uint8_t>(DType::kBool, {1, 0}), typed<uint8_t>(DType::kBool, {1, 1}));
  EXPECT_NEAR(bools.cosine, 1 / std::sqrt(2.0), 1e-12);
  Tensor h = Tensor::empty(DType::kFloat16, {2});
  h.data_as<uint16_t>()[0] = float_to_half(1.0f);
  h.data_as<uint16_t>()[1] = float_to_half(0.0f);
  EXPECT_NEAR(measure(h, floats({1, 1})).cosine, 1 / std::sqrt(2.0), 1e-12);
}

TEST(Metrics, ShapeMismatchAndMissingOutputsFailWithReason) {
  MetricAccumulator acc = make({{"cosine", 0}});
  acc.add(one("y", floats({1, 2})), one("y", floats({1, 2})));
  acc.add(one("y", floats({1, 2}, {2, 1})), one("y", floats({1, 2})));  // pair 2
  auto r = acc.results();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].pass);
  EXPECT_EQ(r[0].reason, "shape [2, 1] vs reference [2] (pair 2)");
  EXPECT_TRUE(std::isnan(r[0].cosine));
  EXPECT_FALSE(acc.pass());

  MetricAccumulator missing = make();
  missing.add(one("a", floats({1})), one("b", floats({1})));
  auto m = missing.results();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].name, "b");  // the reference's order first
  EXPECT_EQ(m[0].reason, "missing from the target's outputs");
  EXPECT_EQ(m[1].name, "a");
  EXPECT_EQ(m[1].reason, "missing from the reference's outputs");
}

TEST(Metrics, TopKNeedsAClassAxisAndRows) {
  Tensor scalar = Tensor::empty(DType::kFloat32, {});
  scalar.data_as<float>()[0] = 1;
  OutputMetrics s = measure(scalar, scalar, {{"topk", 0}});
  EXPECT_FALSE(s.values[0].pass);
  EXPECT_NE(s.values[0].reason.find("no class axis"), std::string::npos) << s.values[0].reason;
  EXPECT_EQ(s.cosine, 1.0);
  Tensor empty = Tensor::empty(DType::kFloat32, {0, 5});
  OutputMetrics e = measure(empty, empty, {{"topk", 0}, {"cosine", 1}});
  EXPECT_EQ(e.values[0].reason, "no rows to rank (the output is empty)");
  EXPECT_TRUE(e.values[1].pass) << "nothing differs in an empty output";
}

TEST(Metrics, ResetForgetsPairsKeepsGoals) {
  MetricAccumulator acc = make({{"snr", 10}});
  EXPECT_FALSE(acc.pass()) << "no output seen yet";
  acc.add(one("y", floats({1})), one("y", floats({1})));
  EXPECT_TRUE(acc.pass());
  acc.reset();
  EXPECT_TRUE(acc.results().empty());
  EXPECT_EQ(acc.goals().size(), 1u);
}

TEST(MetricGoals, InvalidGoalsAreRefusedWithTheFix) {
  auto msg = [](std::vector<MetricGoal> g) { return check_metric_goals(g).message(); };
  EXPECT_EQ(msg({{"cosin", 0.9}}),
            "unknown metric 'cosin' (did you mean 'cosine'?): the metrics are cosine, snr, topk");
  EXPECT_NE(msg({{"cosine", 1.5}}).find("outside [-1, 1]"), std::string::npos);
  EXPECT_NE(msg({{"topk", 98}}).find("outside [0, 1]"), std::string::npos);
  EXPECT_NE(msg({{"snr", kInf}}).find("finite"), std::string::npos);
  EXPECT_NE(msg({{"snr", std::nan("")}}).find("finite"), std::string::npos);
  EXPECT_NE(msg({{"topk", 0.9, 0}}).find("k 0 must be >= 1"), std::string::npos);
  EXPECT_NE(msg({{"cosine", 0.9, 5}}).find("topk's"), std::string::npos);
  EXPECT_NE(msg({{"topk", 0.9, 5}, {"topk", 0.8, 5}}).find("top-5 has two goals"),
            std::string::npos);
  EXPECT_TRUE(check_metric_goals({{"topk", 0.9, 1}, {"topk", 0.99, 5}, {"snr", -3}}).ok());
  EXPECT_FALSE(MetricAccumulator::create({{"psnr", 1}}).ok());
}

TEST(MetricGoals, DefaultsAndLabels) {
  EXPECT_EQ(default_metric_min("cosine"), 0.99);
  EXPECT_EQ(default_metric_min("snr"), 20.0);
  EXPECT_EQ(default_metric_min("topk"), 0.98);
  EXPECT_TRUE(std::isnan(default_metric_min("psnr")));
  EXPECT_EQ(metric_label({"topk", 0, 5}), "top-5");
  EXPECT_EQ(metric_label({"snr", 0}), "snr");
}

TEST(CompareOutputsGoals, GoalsDecideTheVerdict) {
  // Off by 0.1 everywhere: allclose fails at the default tolerances, cosine ≈ 0.9999 passes.
  Tensor out = floats({10.1f, -5.1f, 3.1f}), ref = floats({10, -5, 3});
  auto plain = compare_outputs(one("y", out), one("y", ref), 1e-5, 1e-3);
  EXPECT_FALSE(plain[0].pass);
  EXPECT_TRUE(plain[0].metrics.empty());
  // Σab = 101 + 25.5 + 9.3 = 135.8, Σa² = 137.63, Σb² = 134; noise 0.03.
  EXPECT_NEAR(plain[0].cosine, 135.8 / std::sqrt(137.63 * 134), 1e-6);
  EXPECT_NEAR(plain[0].snr_db, 10 * std::log10(134 / 0.03), 1e-4);

  auto good = compare_outputs(one("y", out), one("y", ref), 1e-5, 1e-3, {{"cosine", 0.999}});
  EXPECT_TRUE(good[0].pass);
  EXPECT_EQ(good[0].mismatches, 3) << "allclose is still measured";
  EXPECT_NEAR(good[0].max_abs_err, 0.1, 1e-6);
  ASSERT_EQ(good[0].metrics.size(), 1u);
  EXPECT_EQ(good[0].metrics[0].min, 0.999);

  auto bad = compare_outputs(one("y", out), one("y", ref), 1, 1, {{"snr", 40}});
  EXPECT_FALSE(bad[0].pass) << "allclose passes with atol 1, but SNR 36.5 dB < 40";
  EXPECT_EQ(bad[0].mismatches, 0);
}

TEST(CompareOutputsGoals, StructuralFailuresAndBadGoals) {
  Tensor ints = Tensor::empty(DType::kInt64, {2});
  auto type = compare_outputs(one("y", ints), one("y", floats({0, 0})), 1, 1, {{"cosine", -1}});
  EXPECT_FALSE(type[0].pass);
  EXPECT_NE(type[0].reason.find("int64"), std::string::npos);
  auto shape =
      compare_outputs(one("y", floats({1, 2}, {2, 1})), one("y", floats({1, 2})), 1, 1, {{"snr"}});
  EXPECT_FALSE(shape[0].pass);
  EXPECT_EQ(shape[0].reason, "shape [2, 1] vs reference [2]");
  auto bad_goal = compare_outputs(one("y", floats({1})), one("y", floats({1})), 1, 1, {{"cos", 0}});
  EXPECT_FALSE(bad_goal[0].pass);
  EXPECT_NE(bad_goal[0].reason.find("unknown metric 'cos'"), std::string::npos);
}

}  // namespace
}  // namespace nnport
