// The statistics against hand-computed values (numpy's linear percentile:
// np.percentile([1, 2, 3, 4, 10], 90) == 7.6).
#include <gtest/gtest.h>

#include <cmath>

#include "nnport/bench.h"

namespace nnport::bench {
namespace {

TEST(Percentile, InterpolatesBetweenRanksLikeNumpy) {
  const std::vector<double> s = {1, 2, 3, 4, 10};
  EXPECT_DOUBLE_EQ(percentile_of_sorted(s, 0), 1);
  EXPECT_DOUBLE_EQ(percentile_of_sorted(s, 50), 3);
  EXPECT_DOUBLE_EQ(percentile_of_sorted(s, 90), 7.6);  // rank 3.6: 4 + 0.6 * 6
  EXPECT_DOUBLE_EQ(percentile_of_sorted(s, 100), 10);
  EXPECT_DOUBLE_EQ(percentile_of_sorted({5}, 99), 5);
  EXPECT_TRUE(std::isnan(percentile_of_sorted({}, 50)));
}

TEST(Summarize, MeanSpreadAndPercentilesOfKnownSamples) {
  // Unsorted on purpose. mean 4, population variance (9+4+1+0+36)/5 = 10.
  const LatencyStats s = summarize({10, 1, 4, 3, 2}, {50, 90}, 1);
  EXPECT_EQ(s.count, 5);
  EXPECT_DOUBLE_EQ(s.mean_ms, 4);
  EXPECT_DOUBLE_EQ(s.min_ms, 1);
  EXPECT_DOUBLE_EQ(s.max_ms, 10);
  EXPECT_DOUBLE_EQ(s.stddev_ms, std::sqrt(10.0));
  ASSERT_EQ(s.percentiles_ms.size(), 2u);
  EXPECT_EQ(s.percentiles_ms[0], (std::pair<double, double>{50, 3}));
  EXPECT_EQ(s.percentiles_ms[1].first, 90);
  EXPECT_DOUBLE_EQ(s.percentiles_ms[1].second, 7.6);
  // 5 calls in 20 ms of engine time: 250 calls/s.
  EXPECT_DOUBLE_EQ(s.throughput_per_s, 250);
}

TEST(Summarize, ThroughputCountsEveryItemOfTheBatch) {
  // batch 8, 4 calls of 10 ms: 32 items in 40 ms = 800 items/s.
  EXPECT_DOUBLE_EQ(summarize({10, 10, 10, 10}, {}, 8).throughput_per_s, 800);
}

TEST(Summarize, OverlappingCallsUseTheWallClock) {
  // Two workers, 4 calls of 10 ms each finished in 20 ms of wall time: 200/s.
  EXPECT_DOUBLE_EQ(summarize({10, 10, 10, 10}, {}, 1, 0.020).throughput_per_s, 200);
}

TEST(Summarize, EmptyIsZeroCount) {
  const LatencyStats s = summarize({}, {50}, 1);
  EXPECT_EQ(s.count, 0);
  EXPECT_TRUE(s.percentiles_ms.empty());
}

TEST(Stability, NeedsThreeWindowsWithinThePercentage) {
  EXPECT_FALSE(last_three_agree({{10, 100}, {10, 100}}, 10));  // only two
  // 9.5, 10, 10.5: average 10, each within 6 % (5 % off at most); throughputs alike.
  EXPECT_TRUE(last_three_agree({{30, 33}, {9.5, 105}, {10, 100}, {10.5, 95}}, 6));
  // Same, at 4 %: 9.5 is 5 % off.
  EXPECT_FALSE(last_three_agree({{9.5, 105}, {10, 100}, {10.5, 95}}, 4));
  // Latency agrees but throughput does not (e.g. a stall between calls).
  EXPECT_FALSE(last_three_agree({{10, 100}, {10, 100}, {10, 70}}, 10));
  // A drifting series settles once its last three agree.
  std::vector<Window> drift = {{20, 50}, {15, 66}, {12, 83}};
  EXPECT_FALSE(last_three_agree(drift, 5));
  drift.push_back({10.1, 99});
  drift.push_back({10, 100});
  EXPECT_FALSE(last_three_agree(drift, 5));  // 12, 10.1, 10: 12 is 12 % off
  drift.push_back({9.9, 101});
  EXPECT_TRUE(last_three_agree(drift, 5));
}

}  // namespace
}  // namespace nnport::bench
