// Latency statistics and the benchmark report: what `nnport bench` measures,
// TimeCounter summarizes, and the JSON / CSV / HTML writers print
// (docs/bench.md documents the JSON schema).
#ifndef NNPORT_BENCH_H_
#define NNPORT_BENCH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "nnport/export.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

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

// ---- Running a benchmark (nnport bench) ----

// One set of inputs to measure with, e.g. one of several --shape choices.
struct InputSet {
  std::string label;  // "input=1x3x224x224", shown in the report
  int64_t batch = 1;  // samples per call, for throughput
  NamedTensors tensors;
};

struct BenchOptions {
  std::string target;                 // a work dir or a model file
  std::vector<std::string> backends;  // empty: the target's own; else each, alternating
  // More work dirs (or model files) measured alternating with the target,
  // each on its own backend, e.g. an int8 work dir against the fp32 one;
  // their runs are labelled "<backend> (<folder name>)".
  std::vector<std::string> compare;
  std::vector<int> threads = {0};      // swept; 0: the backend's default
  std::vector<int> concurrency = {1};  // swept; C workers, each with its own wrapper
  std::vector<InputSet> input_sets;    // measured one after another; at least one
  int64_t warmup_iters = 10;           // per worker, before timing
  double warmup_s = 0;                 // > 0: warm up for this long instead
  int64_t iters = 0;                   // > 0: timed calls per worker
  double duration_s = 3;               // else: timed seconds per run
  double stable_pct = 0;               // > 0: perf_analyzer's rule over windows
  double window_s = 1;                 // a window's length with stable_pct
  int max_windows = 20;                // give up (stable = false) after this many
  std::vector<double> percentiles = {50, 90, 95, 99};
  // Called between measurement chunks: what runs now, and the fraction of
  // the whole benchmark done (0..1).
  std::function<void(const std::string& what, double fraction)> progress;
};

// The backend_config key that sets a backend's thread count:
// intra_op_num_threads for onnxruntime, num_threads for the others.
NNPORT_API std::string thread_config_key(const std::string& backend);

// Checks the options (every number in range, a percentile in (0, 100],
// at least one input set) before any work.
NNPORT_API Status check_bench_options(const BenchOptions& options);

// Each named backend is installed and available here (else an error that
// says what to do); run_bench checks it too, before any work.
NNPORT_API Status check_backends_available(const std::vector<std::string>& names);

// Loads (and for a model file or another backend, converts into a scratch
// dir that is removed afterwards) each backend's model, then measures every
// input set x threads x concurrency, the backends alternating in chunks so
// that drift on a noisy machine hits them alike.
NNPORT_API Result<Report> run_bench(const BenchOptions& options);

// ---- Writing the report ----

NNPORT_API std::string report_json(const Report& report);  // docs/bench.md
NNPORT_API std::string report_csv(const Report& report);   // one row per run
// One self-contained page (no network, no external script): a table per run
// and the latency distribution per backend as an SVG chart.
NNPORT_API std::string report_html(const Report& report);

}  // namespace nnport::bench

#endif  // NNPORT_BENCH_H_
