// Latency statistics and the benchmark report: what `nnport bench` measures,
// TimeCounter summarizes, and the JSON / CSV / HTML writers print
// (docs/bench.md documents the JSON schema).
#ifndef NNPORT_BENCH_H_
#define NNPORT_BENCH_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nnport/export.h"

namespace nnport::bench {

inline constexpr int kReportSchemaVersion = 1;

// The p-th percentile (0..100) of sorted samples, interpolated linearly
// between the two nearest ranks (numpy's default); NaN when empty.
NNPORT_API double percentile_of_sorted(const std::vector<double>& sorted, double p);

struct LatencyStats {
  int64_t count = 0;                                          // timed calls
  double mean_ms = 0, min_ms = 0, max_ms = 0, stddev_ms = 0;  // stddev: population
  std::vector<std::pair<double, double>> percentiles_ms;      // (p, value), as asked
  // Samples per second: count * batch / (sum of the samples, or wall_s when
  // given: with concurrency the calls overlap, so the wall clock is the truth).
  double throughput_per_s = 0;
};

// Statistics of samples_ms (unsorted; any order). batch: samples per call.
// wall_s > 0: the wall time the calls took (for throughput), else their sum.
NNPORT_API LatencyStats summarize(std::vector<double> samples_ms,
                                  const std::vector<double>& percentiles, int64_t batch,
                                  double wall_s = 0);

// perf_analyzer's stability rule: the last three windows' mean latency and
// throughput each lie within pct percent of those three windows' average.
struct Window {
  double mean_ms = 0, throughput_per_s = 0;
};
NNPORT_API bool last_three_agree(const std::vector<Window>& windows, double pct);

// Where and on what it ran.
struct Environment {
  std::string nnport_version, nnport_commit;
  std::string backend, backend_version;
  std::string cpu_model;
  std::vector<std::string> cpu_flags;  // the SIMD ones that matter (avx2, avx512f, amx_tile...)
  int usable_cpus = 0;                 // sched_getaffinity
  double load_average_1m = 0;
  std::string hostname_hash;  // never the name itself: reports get shared
};

// One measured configuration: a backend, an input shape, a concurrency.
struct Run {
  std::string backend;
  std::string shape;  // "input=1x3x224x224;mask=1x8" as measured
  int64_t batch = 1;
  int threads = 0;  // 0: the backend's default
  int concurrency = 1;
  // Cold start.
  double convert_ms = -1;  // -1: TARGET was a work dir (nothing converted)
  double load_ms = 0, first_inference_ms = 0;
  // Steady state.
  LatencyStats execute, forward;           // engine call alone; end to end
  std::vector<double> forward_samples_ms;  // for the HTML chart (every timed call)
  int windows = 0;                         // with --stable: windows measured
  bool stable = true;                      // false: --stable never settled
  // Memory of the process.
  int64_t peak_rss_bytes = 0, rss_growth_bytes = 0;
};

struct Report {
  int schema_version = kReportSchemaVersion;
  std::string target;  // the work dir or model file
  std::string created_utc;
  Environment env;
  std::vector<double> percentiles;  // as asked, e.g. {50, 90, 95, 99}
  std::vector<Run> runs;
};

NNPORT_API std::string report_json(const Report& report);  // docs/bench.md
NNPORT_API std::string report_csv(const Report& report);   // one row per run
// One self-contained page (no network, no external script): a table per run
// and the latency distribution per backend as an SVG chart.
NNPORT_API std::string report_html(const Report& report);

}  // namespace nnport::bench

#endif  // NNPORT_BENCH_H_
