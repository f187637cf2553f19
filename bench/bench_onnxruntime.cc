// The nnport onnxruntime wrapper's forward() beside a plain loop over ONNX
// Runtime's own C++ API (Ort::Session::Run with a preallocated input
// Ort::Value): same model, same session settings, same process. Run with
//   nnport_bench_onnxruntime --benchmark_enable_random_interleaving=true
//     --benchmark_repetitions=20 --benchmark_report_aggregates_only=true
// and it ends with a table of medians, ratio and difference per model.
// paired/<model> runs one plain call and one nnport call per iteration (order
// alternating) and reports the median of the per-pair differences: drift in
// the machine's load hits both calls of a pair alike, so this is the steadier
// figure on a noisy machine.
// Environment: NNPORT_MODELS_DIR (default <source>/tests/models/out),
// NNPORT_BENCH_THREADS (intra-op threads for every model; default: 2 for
// resnet18, 1 for tiny_mlp).
#include <benchmark/benchmark.h>
#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nnport/npy.h"
#include "nnport/registry.h"
#include "ort_private_env.h"

namespace {

struct Model {
  std::string name;
  int threads = 1;
  std::string path;
  nnport::NamedTensors inputs;  // from inputs/*.npy
  // nnport side
  std::unique_ptr<nnport::Wrapper> wrapper;
  // plain ORT side
  std::unique_ptr<Ort::Session> session;
  std::vector<Ort::Value> input_values;
  std::vector<std::string> input_names, output_names;
  std::vector<const char*> input_ptrs, output_ptrs;
  // paired/<model> samples, microseconds per call
  std::vector<double> paired_plain, paired_nnport;
};

std::string models_dir() {
  const char* env = std::getenv("NNPORT_MODELS_DIR");
  return env != nullptr && env[0] != '\0' ? env : NNPORT_SOURCE_DIR "/tests/models/out";
}

int threads_for(int fallback) {
  const char* env = std::getenv("NNPORT_BENCH_THREADS");
  return env != nullptr && env[0] != '\0' ? std::atoi(env) : fallback;
}

Ort::Env& plain_env() {
  static Ort::Env env = nnport::bench::make_private_ort_env(ORT_LOGGING_LEVEL_WARNING, "bench");
  return env;
}

// Both sides get exactly these session settings. Spinning is off because two
// sessions alternate in one process: a pool that spins after its run would
// steal the 2 cores from the other session's next run.
std::string deploy_cfg(int threads) {
  return R"({"backend_config": {"type": "onnxruntime", "intra_op_num_threads": )" +
         std::to_string(threads) +
         R"(, "inter_op_num_threads": 1, "graph_optimization_level": "all",)"
         R"( "session_config": {"session.intra_op.allow_spinning": "0"}}})";
}

Ort::SessionOptions plain_options(int threads) {
  Ort::SessionOptions so;
  so.SetIntraOpNumThreads(threads);
  so.SetInterOpNumThreads(1);
  so.SetGraphOptimizationLevel(ORT_ENABLE_ALL);
  so.SetExecutionMode(ORT_SEQUENTIAL);
  so.AddConfigEntry("session.intra_op.allow_spinning", "0");
  return so;
}

// Returns "" or why the model cannot be benchmarked.
std::string prepare(Model& m, const nnport::BackendManager& ort) {
  const std::string dir = models_dir() + "/" + m.name;
  m.path = dir + "/model.onnx";
  if (!std::filesystem::exists(m.path)) return "no " + m.path + " (run tests/models/export.py)";
  auto w = ort.build_wrapper({m.path}, "cpu", {}, {}, deploy_cfg(m.threads));
  if (!w.ok()) return w.status().message();
  m.wrapper = std::make_unique<nnport::Wrapper>(std::move(*w));
  for (const auto& info : m.wrapper->input_infos()) {
    auto t = nnport::read_npy(dir + "/inputs/" + info.name + ".npy");
    if (!t.ok()) return t.status().message();
    m.inputs.set(info.name, *t);
  }

  m.session = std::make_unique<Ort::Session>(plain_env(), m.path.c_str(), plain_options(m.threads));
  Ort::AllocatorWithDefaultOptions alloc;
  auto mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  for (size_t i = 0; i < m.session->GetInputCount(); ++i) {
    m.input_names.push_back(m.session->GetInputNameAllocated(i, alloc).get());
    nnport::Tensor* t = m.inputs.find(m.input_names.back());
    if (t == nullptr) return "input " + m.input_names.back() + " has no .npy";
    m.input_values.push_back(
        Ort::Value::CreateTensor(mem, t->data(), t->nbytes(), t->shape().data(), t->shape().size(),
                                 static_cast<ONNXTensorElementDataType>(t->dtype())));
  }
  for (size_t i = 0; i < m.session->GetOutputCount(); ++i) {
    m.output_names.push_back(m.session->GetOutputNameAllocated(i, alloc).get());
  }
  for (const auto& n : m.input_names) m.input_ptrs.push_back(n.c_str());
  for (const auto& n : m.output_names) m.output_ptrs.push_back(n.c_str());
  return "";
}

void run_plain(Model* m, const Ort::RunOptions& run_options) {
  auto outputs =
      m->session->Run(run_options, m->input_ptrs.data(), m->input_values.data(),
                      m->input_values.size(), m->output_ptrs.data(), m->output_ptrs.size());
  benchmark::DoNotOptimize(outputs.data());
}

bool run_nnport(Model* m, benchmark::State& state) {
  auto outputs = m->wrapper->forward(m->inputs);
  if (!outputs.ok()) state.SkipWithError(outputs.status().message().c_str());
  benchmark::DoNotOptimize(outputs.ok());
  return outputs.ok();
}

void bm_plain_ort(benchmark::State& state, Model* m) {
  Ort::RunOptions run_options;
  for (auto _ : state) run_plain(m, run_options);
}

void bm_nnport(benchmark::State& state, Model* m) {
  for (auto _ : state)
    if (!run_nnport(m, state)) break;
}

void bm_paired(benchmark::State& state, Model* m) {
  using Clock = std::chrono::steady_clock;
  auto us = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::micro>(b - a).count();
  };
  Ort::RunOptions run_options;
  bool nnport_first = false;
  for (auto _ : state) {
    auto t0 = Clock::now();
    if (nnport_first && !run_nnport(m, state)) break;
    auto t1 = Clock::now();
    run_plain(m, run_options);
    auto t2 = Clock::now();
    if (!nnport_first && !run_nnport(m, state)) break;
    auto t3 = Clock::now();
    m->paired_plain.push_back(us(t1, t2));
    m->paired_nnport.push_back(nnport_first ? us(t0, t1) : us(t2, t3));
    nnport_first = !nnport_first;
  }
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Medians of the paired samples: per call, and of the per-pair differences.
void print_paired(const std::vector<std::unique_ptr<Model>>& models) {
  bool header = false;
  for (const auto& m : models) {
    if (m->paired_plain.empty()) continue;
    if (!header)
      std::printf("\n%-12s %8s %14s %14s %8s %16s\n", "paired", "pairs", "plain ORT us",
                  "nnport us", "ratio", "median(diff) us");
    header = true;
    std::vector<double> diff(m->paired_plain.size());
    for (size_t i = 0; i < diff.size(); ++i) diff[i] = m->paired_nnport[i] - m->paired_plain[i];
    double plain = median(m->paired_plain), nn = median(m->paired_nnport);
    std::printf("%-12s %8zu %14.2f %14.2f %8.4f %16.2f\n", m->name.c_str(), diff.size(), plain, nn,
                nn / plain, median(diff));
  }
}

// Console output plus, at the end, the medians side by side.
class MedianTable : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        medians_[run.run_name.function_name] = run.GetAdjustedRealTime();  // in run.time_unit
        unit_ = run.time_unit;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const char* unit = benchmark::GetTimeUnitString(unit_);
    std::printf("\n%-12s %16s %16s %8s %14s\n", "model", "plain ORT", "nnport", "ratio",
                "nnport - ORT");
    for (const auto& [name, plain] : medians_) {
      const std::string prefix = "plain_ort/";
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string model = name.substr(prefix.size());
      auto it = medians_.find("nnport/" + model);
      if (it == medians_.end()) continue;
      std::printf("%-12s %13.2f %s %13.2f %s %8.4f %11.2f %s\n", model.c_str(), plain, unit,
                  it->second, unit, it->second / plain, it->second - plain, unit);
    }
  }

 private:
  std::map<std::string, double> medians_;
  benchmark::TimeUnit unit_ = benchmark::kMicrosecond;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  nnport::Registry registry;
  registry.add_search_dir(NNPORT_BINARY_DIR "/lib/nnport/plugins");
  auto ort = registry.find("onnxruntime");
  if (!ort.ok()) {
    std::fprintf(stderr, "nnport_bench_onnxruntime: %s\n", ort.status().message().c_str());
    return 1;
  }
  static std::vector<std::unique_ptr<Model>> models;
  for (const auto& [name, threads] :
       {std::pair<const char*, int>{"resnet18", 2}, {"tiny_mlp", 1}}) {
    auto m = std::make_unique<Model>();
    m->name = name;
    m->threads = threads_for(threads);
    const std::string why = prepare(*m, **ort);
    if (!why.empty()) {
      std::fprintf(stderr, "skipping %s: %s\n", name, why.c_str());
      continue;
    }
    benchmark::RegisterBenchmark(("plain_ort/" + m->name).c_str(), bm_plain_ort, m.get())
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("nnport/" + m->name).c_str(), bm_nnport, m.get())
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("paired/" + m->name).c_str(), bm_paired, m.get())
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    std::fprintf(stderr, "%s: %d intra-op thread(s)\n", name, m->threads);
    models.push_back(std::move(m));
  }
  MedianTable reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_paired(models);
  benchmark::Shutdown();
  return 0;
}
