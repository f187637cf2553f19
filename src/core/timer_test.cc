// TimeCounter against hand-computed values. Samples go in through record(),
// so nothing here depends on how fast the machine is.
#include "nnport/timer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <thread>

#include "core_test_util.h"
#include "nnport/registry.h"

namespace nnport {
namespace {

using testing_util::TempDir;
using testing_util::test_plugin;
using TC = TimeCounter;

constexpr int64_t kQuiet = 1'000'000;  // log_interval: no log lines

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class TimerTest : public ::testing::Test {
 protected:
  void SetUp() override { TC::reset(); }
  void TearDown() override { TC::reset(); }
};

TEST_F(TimerTest, InactiveRecordsNothing) {
  EXPECT_FALSE(TC::active());
  TC::record("a", 5.0);
  { TC::Scope s("a"); }
  EXPECT_EQ(TC::calls("a"), 0);
  EXPECT_TRUE(TC::samples("a").empty());
  EXPECT_EQ(TC::stats("a").count, 0);
  EXPECT_HAS(TC::stats_table("a"), "timer 'a' has no samples");
}

TEST_F(TimerTest, WarmupDropsTheFirstCalls) {
  ASSERT_TRUE(TC::activate("a", /*warmup=*/2, kQuiet).ok());
  EXPECT_TRUE(TC::active());
  for (double ms : {10.0, 20.0, 30.0, 40.0}) TC::record("a", ms);
  EXPECT_EQ(TC::calls("a"), 4);
  EXPECT_EQ(TC::samples("a"), (std::vector<double>{30.0, 40.0}));
}

TEST_F(TimerTest, ZeroWarmupKeepsEveryCall) {
  ASSERT_TRUE(TC::activate("a", 0, kQuiet).ok());
  TC::record("a", 7.0);
  EXPECT_EQ(TC::samples("a"), (std::vector<double>{7.0}));
}

TEST_F(TimerTest, EachCallIsDividedByTheBatchSize) {
  ASSERT_TRUE(TC::activate("b", 1, kQuiet, /*batch_size=*/4).ok());
  for (double ms : {99.0, 8.0, 2.0}) TC::record("b", ms);
  EXPECT_EQ(TC::calls("b"), 3);
  EXPECT_EQ(TC::samples("b"), (std::vector<double>{2.0, 0.5}));
}

TEST_F(TimerTest, BadSettingsAreRefusedAndActivateNothing) {
  Status s = TC::activate("a", -1);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_HAS(s.message(), "warmup is -1, it must be >= 0");
  EXPECT_HAS(TC::activate("a", 1, 0).message(), "log_interval is 0");
  EXPECT_HAS(TC::activate("a", 1, 1, 0).message(), "batch_size is 0");
  EXPECT_FALSE(TC::active());
  TC::ScopedActivation on("a", 1, 1, -3);
  EXPECT_FALSE(on.status().ok());
  EXPECT_FALSE(TC::active());
}

TEST_F(TimerTest, LogsTheRunningMeanEveryIntervalToTheFile) {
  TempDir dir;
  const std::string file = dir / "timer.log";
  std::ofstream(file) << "earlier line\n";  // appended to, not replaced
  ASSERT_TRUE(TC::activate("net", /*warmup=*/1, /*log_interval=*/2, 1, file).ok());
  // Samples 0.5, 0.25 | 2.25, 5 | 1: a line after the 2nd and the 4th sample,
  // counting calls with the warm-up one.
  for (double ms : {100.0, 0.5, 0.25, 2.25, 5.0, 1.0}) TC::record("net", ms);
  EXPECT_EQ(read_lines(file), (std::vector<std::string>{
                                  "earlier line",
                                  "[net]-3 times per count: 0.375 ms, 2666.67 FPS",
                                  "[net]-5 times per count: 2.000 ms, 500.00 FPS",
                              }));
}

TEST_F(TimerTest, StatsTableRows) {
  ASSERT_TRUE(TC::activate("s", 0, kQuiet).ok());
  for (double ms : {3, 1, 4, 10, 5, 9, 2, 6, 8, 7}) TC::record("s", ms);
  // 1..10: mean and median 5.5; P90 = 9 + 0.1 * (10 - 9); P99 = 9 + 0.91.
  EXPECT_EQ(TC::stats_table("s"),
            "+--------+------------+----------+\n"
            "| Stats  | Latency/ms |   FPS    |\n"
            "+--------+------------+----------+\n"
            "|  Mean  |   5.500    | 181.818  |\n"
            "| Median |   5.500    | 181.818  |\n"
            "|  Min   |   1.000    | 1000.000 |\n"
            "|  Max   |   10.000   | 100.000  |\n"
            "|  P90   |   9.100    | 109.890  |\n"
            "|  P99   |   9.910    | 100.908  |\n"
            "+--------+------------+----------+\n");
  const bench::LatencyStats st = TC::stats("s");
  EXPECT_EQ(st.count, 10);
  EXPECT_DOUBLE_EQ(st.mean_ms, 5.5);
}

TEST_F(TimerTest, ActivatingANameTimesOnlyThatName) {
  ASSERT_TRUE(TC::activate("a", 0, kQuiet).ok());
  EXPECT_TRUE(TC::active("a"));
  EXPECT_FALSE(TC::active("b"));
  TC::record("a", 1.0);
  TC::record("b", 1.0);
  EXPECT_EQ(TC::calls("a"), 1);
  EXPECT_EQ(TC::calls("b"), 0);
}

TEST_F(TimerTest, ActivatingAllTimesEveryNameEvenNewOnes) {
  ASSERT_TRUE(TC::activate("", 0, kQuiet).ok());
  EXPECT_TRUE(TC::active("never seen"));
  TC::record("x", 1.0);
  TC::record("y", 2.0);
  EXPECT_EQ(TC::samples("x"), (std::vector<double>{1.0}));
  EXPECT_EQ(TC::samples("y"), (std::vector<double>{2.0}));
  TC::deactivate();
  EXPECT_FALSE(TC::active());
  TC::record("x", 3.0);
  EXPECT_EQ(TC::calls("x"), 1);
  EXPECT_EQ(TC::samples("x"), (std::vector<double>{1.0}));  // kept for print_stats
}

TEST_F(TimerTest, OneNameCanBeTurnedOffUnderAll) {
  ASSERT_TRUE(TC::activate("", 0, kQuiet).ok());
  TC::deactivate("b");  // before its first call: it must not come back on
  TC::record("b", 1.0);
  TC::record("c", 1.0);
  EXPECT_EQ(TC::calls("b"), 0);
  EXPECT_EQ(TC::calls("c"), 1);
}

TEST_F(TimerTest, ScopedActivationDeactivatesAtTheEnd) {
  {
    TC::ScopedActivation on("a", 0, kQuiet);
    ASSERT_TRUE(on.status().ok());
    EXPECT_TRUE(TC::active("a"));
    TC::record("a", 1.0);
  }
  EXPECT_FALSE(TC::active());
  TC::record("a", 2.0);
  EXPECT_EQ(TC::samples("a"), (std::vector<double>{1.0}));
}

TEST_F(TimerTest, ResetForgetsSamplesAndActivations) {
  ASSERT_TRUE(TC::activate("a", 0, kQuiet).ok());
  ASSERT_TRUE(TC::activate("b", 0, kQuiet).ok());
  TC::record("a", 1.0);
  TC::record("b", 1.0);
  TC::reset("a");
  EXPECT_EQ(TC::calls("a"), 0);
  EXPECT_FALSE(TC::active("a"));
  EXPECT_EQ(TC::calls("b"), 1);
  EXPECT_TRUE(TC::active());  // b still on
  TC::reset();
  EXPECT_EQ(TC::calls("b"), 0);
  EXPECT_FALSE(TC::active());
}

TEST_F(TimerTest, ScopeRecordsOneCallUnlessCancelled) {
  ASSERT_TRUE(TC::activate("s", 0, kQuiet).ok());
  { TC::Scope s("s"); }
  {
    TC::Scope s("s");
    s.cancel();
  }
  EXPECT_EQ(TC::calls("s"), 1);
  ASSERT_EQ(TC::samples("s").size(), 1u);
  EXPECT_GE(TC::samples("s")[0], 0.0);
}

TEST_F(TimerTest, ThreadsRecordConcurrently) {
  ASSERT_TRUE(TC::activate("mt", 0, kQuiet).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 1000; ++i) TC::record("mt", 1.0);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(TC::calls("mt"), 4000);
  EXPECT_EQ(TC::stats("mt").count, 4000);
  EXPECT_DOUBLE_EQ(TC::stats("mt").mean_ms, 1.0);
}

// Wrapper::execute is timed under the backend's name; counts only, no times.
TEST_F(TimerTest, WrapperExecuteRecordsUnderTheBackendName) {
  Registry registry(false);
  auto echo = registry.load_plugin(test_plugin("testecho"));
  ASSERT_TRUE(echo.ok()) << echo.status().message();
  TempDir dir;
  const std::string model = dir / "model.echo";
  std::ofstream(model) << "ok\n";
  auto built = (*echo)->build_wrapper({model}, "cpu", {}, {});
  ASSERT_TRUE(built.ok()) << built.status().message();
  Wrapper w = std::move(built).value();
  ASSERT_EQ(w.backend_name(), "testecho");

  Tensor x = Tensor::empty(DType::kFloat32, {1, 3});
  for (int i = 0; i < 3; ++i) x.data_as<float>()[i] = float(i);
  Tensor n = Tensor::empty(DType::kInt64, {1});
  n.data_as<int64_t>()[0] = 1;
  NamedTensors in;
  in.set("x", x);
  in.set("n", n);

  ASSERT_TRUE(w.forward(in).ok());  // nothing active: not counted
  ASSERT_TRUE(TC::activate("other", 0, kQuiet).ok());
  ASSERT_TRUE(w.forward(in).ok());  // another name active: not counted either
  EXPECT_EQ(TC::calls("testecho"), 0);

  ASSERT_TRUE(TC::activate("testecho", /*warmup=*/1, kQuiet).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(w.forward(in).ok());
  EXPECT_EQ(TC::calls("testecho"), 3);
  EXPECT_EQ(TC::samples("testecho").size(), 2u);
  EXPECT_EQ(TC::calls("other"), 0);

  x.data_as<float>()[0] = std::numeric_limits<float>::quiet_NaN();  // execute fails
  EXPECT_FALSE(w.forward(in).ok());
  EXPECT_EQ(TC::calls("testecho"), 3);  // a failed call is not a sample
}

}  // namespace
}  // namespace nnport
