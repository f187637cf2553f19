// What a TimeCounter scope costs: inactive (the state every deployment runs
// in) against an empty loop body, and active. docs/timer.md has the figures.
//   nnport_bench_timer --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "nnport/timer.h"

namespace {

using nnport::TimeCounter;

constexpr int64_t kQuiet = int64_t(1) << 40;  // log_interval: never log
// Active runs keep every sample; a fixed count bounds their memory.
constexpr int64_t kActiveIterations = 2'000'000;

// The baseline. The compiler barrier (no instruction) keeps the loop from
// being folded away; the scope loops have it too, so only the scope differs.
void BM_EmptyLoop(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_EmptyLoop);

// Nothing active: one relaxed load and a branch.
void BM_InactiveScope(benchmark::State& state) {
  TimeCounter::reset();
  for (auto _ : state) {
    TimeCounter::Scope timed("bench");
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_InactiveScope);

// Another name active: two clock reads and a lock to find "bench" is off.
void BM_ScopeOtherNameActive(benchmark::State& state) {
  TimeCounter::reset();
  if (!TimeCounter::activate("other", 0, kQuiet).ok()) state.SkipWithError("activate failed");
  for (auto _ : state) {
    TimeCounter::Scope timed("bench");
    benchmark::ClobberMemory();
  }
  TimeCounter::reset();
}
BENCHMARK(BM_ScopeOtherNameActive)->Iterations(kActiveIterations);

// Active: two clock reads, a lock, a map lookup, a push_back.
void BM_ActiveScope(benchmark::State& state) {
  TimeCounter::reset();
  if (!TimeCounter::activate("bench", 0, kQuiet).ok()) state.SkipWithError("activate failed");
  for (auto _ : state) {
    TimeCounter::Scope timed("bench");
    benchmark::ClobberMemory();
  }
  TimeCounter::reset();
}
BENCHMARK(BM_ActiveScope)->Iterations(kActiveIterations);

}  // namespace

BENCHMARK_MAIN();
