// nnport's Wrapper::forward beside a plain loop over each engine's own API,
// on the same backend file, alternating in one process:
//   onnxruntime  Ort::Session::Run with a preallocated input Ort::Value
//                (outputs allocated by ORT each call), on the .onnx model;
//   opencv       cv::dnn::Net::setInput + forward, on the .onnx file the
//                opencv backend's to_backend writes (its rewrite passes applied);
//   xnnpack      xnn_setup_runtime + xnn_invoke_runtime on the runtime defined
//                from the .xnnpack file that backend's to_backend writes, with
//                the backend's own read_model/define_subgraph (compiled in);
//                the input is given in XNNPACK's NHWC layout, as a plain
//                XNNPACK user would hold it.
// The two sides alternate in rounds: per round, each side (order alternating)
// gets a chunk of about --chunk-ms of timed calls after --settle-ms of quiet
// and one uncounted call, so a thread pool still spinning or waking from the
// other side's chunk never overlaps a timed call (per-call alternation on 2
// CPUs stalled XNNPACK's pools against each other for a scheduler tick).
// Reported: each side's median call, their ratio, and the median over rounds
// of (nnport's chunk median - plain's chunk median).
// Settings are each engine's defaults on both sides: ONNX Runtime's session
// defaults (intra-op threads: one per physical core; spinning on); OpenCV's
// global defaults; XNNPACK: nnport's default threads min(CPUs, 4) against
// pthreadpool_create(0) (one per CPU), and XNN_FLAG_YIELD_WORKERS on both,
// because nnport's wrapper always sets it (its workers sleep after a run
// instead of spinning) and the plain side must run the same runtime.
//
//   nnport_bench_engines [--models resnet18,tiny_mlp] [--engines onnxruntime,opencv,xnnpack]
//     [--seconds 5] [--min-rounds 10] [--chunk-ms 40] [--settle-ms 30] [--json FILE]
//   nnport_bench_engines --cpu-peak [--json FILE]
//
// --cpu-peak measures this CPU's clock (a chain of dependent integer adds, one
// per cycle) and the fp32 FMA throughput of one core (independent
// vfmadd231ps chains, 256- and 512-bit), for docs/performance.md's peak.
// Environment: NNPORT_MODELS_DIR (default <source>/tests/models/out).
#include <onnxruntime_cxx_api.h>
#include <pthread.h>
#include <pthreadpool.h>
#include <sched.h>
#include <xnnpack.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <opencv2/dnn.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "cpu_peak.h"
#include "nnport/npy.h"
#include "nnport/registry.h"
#include "ort_private_env.h"
#include "xnn_format.h"
#include "xnn_subgraph.h"

namespace {

using nnport::bench_util::json_escape;
using nnport::bench_util::median;
using nnport::bench_util::models_dir;
using nnport::bench_util::split_list;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  std::vector<std::string> models = {"resnet18", "tiny_mlp"};
  std::vector<std::string> engines = {"onnxruntime", "opencv", "xnnpack"};
  double seconds = 5;    // per engine and model, after warm-up
  int min_rounds = 10;   // at least this many rounds
  double chunk_ms = 40;  // timed calls per side and round: about this long
  int settle_ms = 30;    // quiet time before each chunk
  bool cpu_peak = false;
  std::string json;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "nnport_bench_engines: " << k << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "-h" || k == "--help") {
      std::cout << "nnport_bench_engines: nnport's Wrapper::forward beside each engine's own API\n"
                   "on the same file, alternating in one process; medians, ratio, median of\n"
                   "per-pair differences.\n\n"
                   "  --models a,b     test models (default resnet18,tiny_mlp)\n"
                   "  --engines a,b    default onnxruntime,opencv,xnnpack\n"
                   "  --seconds S      time per engine and model (default 5)\n"
                   "  --min-rounds N   at least this many rounds (default 10)\n"
                   "  --chunk-ms MS    timed calls per side and round last about MS (default 40)\n"
                   "  --settle-ms MS   quiet time before each chunk (default 30)\n"
                   "  --json FILE      the figures for scripts (bench/performance.sh)\n"
                   "  --cpu-peak       measure the clock and one core's fp32 FMA throughput\n";
      std::exit(0);
    } else if (k == "--models") {
      a.models = split_list(value());
    } else if (k == "--engines") {
      a.engines = split_list(value());
    } else if (k == "--seconds") {
      a.seconds = std::atof(value().c_str());
    } else if (k == "--min-rounds") {
      a.min_rounds = std::atoi(value().c_str());
    } else if (k == "--chunk-ms") {
      a.chunk_ms = std::atof(value().c_str());
    } else if (k == "--settle-ms") {
      a.settle_ms = std::atoi(value().c_str());
    } else if (k == "--json") {
      a.json = value();
    } else if (k == "--cpu-peak") {
      a.cpu_peak = true;
    } else {
      std::cerr << "nnport_bench_engines: unknown option '" << k << "' (see --help)\n";
      std::exit(2);
    }
  }
  if (a.seconds < 0 || a.min_rounds < 1 || a.chunk_ms <= 0 || a.settle_ms < 0) {
    std::cerr << "nnport_bench_engines: need --seconds >= 0, --min-rounds >= 1, --chunk-ms > 0, "
                 "--settle-ms >= 0\n";
    std::exit(2);
  }
  return a;
}

// ---- the plain loops ------------------------------------------------------

// One engine's own API on one model: run() is one inference.
class Plain {
 public:
  virtual ~Plain() = default;
  virtual void run() = 0;
  virtual std::vector<float> output() = 0;  // first output, for the agreement check
  virtual std::string settings() const = 0;
};

Ort::Env& ort_env() {
  static Ort::Env env =
      nnport::bench::make_private_ort_env(ORT_LOGGING_LEVEL_WARNING, "bench_engines");
  return env;
}

class PlainOrt : public Plain {
 public:
  PlainOrt(const std::string& path, nnport::NamedTensors& inputs) {
    Ort::SessionOptions so;  // ORT's defaults, as nnport's backend has them
    session_ = std::make_unique<Ort::Session>(ort_env(), path.c_str(), so);
    Ort::AllocatorWithDefaultOptions alloc;
    auto mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    for (size_t i = 0; i < session_->GetInputCount(); ++i) {
      names_in_.push_back(session_->GetInputNameAllocated(i, alloc).get());
      nnport::Tensor* t = inputs.find(names_in_.back());
      if (t == nullptr) throw std::runtime_error("input " + names_in_.back() + " has no .npy");
      values_.push_back(Ort::Value::CreateTensor(
          mem, t->data(), t->nbytes(), t->shape().data(), t->shape().size(),
          static_cast<ONNXTensorElementDataType>(t->dtype())));
    }
    for (size_t i = 0; i < session_->GetOutputCount(); ++i)
      names_out_.push_back(session_->GetOutputNameAllocated(i, alloc).get());
    for (const auto& n : names_in_) ptrs_in_.push_back(n.c_str());
    for (const auto& n : names_out_) ptrs_out_.push_back(n.c_str());
  }
  void run() override {
    outputs_ = session_->Run(run_options_, ptrs_in_.data(), values_.data(), values_.size(),
                             ptrs_out_.data(), ptrs_out_.size());
  }
  std::vector<float> output() override {
    const float* p = outputs_[0].GetTensorData<float>();
    return {p, p + outputs_[0].GetTensorTypeAndShapeInfo().GetElementCount()};
  }
  std::string settings() const override {
    return "ORT defaults (intra-op threads 0 = one per physical core, spinning on)";
  }

 private:
  std::unique_ptr<Ort::Session> session_;
  Ort::RunOptions run_options_;
  std::vector<Ort::Value> values_, outputs_;
  std::vector<std::string> names_in_, names_out_;
  std::vector<const char*> ptrs_in_, ptrs_out_;
};

class PlainOpenCv : public Plain {
 public:
  PlainOpenCv(const std::string& path, nnport::NamedTensors& inputs) {
    net_ = cv::dnn::readNetFromONNX(path);  // default backend and target
    for (const auto& [name, t] : inputs) {
      std::vector<int> sizes(t.shape().begin(), t.shape().end());
      names_.push_back(name);
      // A header over the caller's data, as the wrapper makes it.
      blobs_.emplace_back(int(sizes.size()), sizes.data(), CV_32F, const_cast<void*>(t.data()));
    }
    out_names_ = net_.getUnconnectedOutLayersNames();
  }
  void run() override {
    for (size_t i = 0; i < blobs_.size(); ++i) net_.setInput(blobs_[i], names_[i]);
    net_.forward(outs_, out_names_);
  }
  std::vector<float> output() override {
    const cv::Mat& m = outs_[0];
    return {m.ptr<float>(), m.ptr<float>() + m.total()};
  }
  std::string settings() const override {
    return "OpenCV defaults (" + std::to_string(cv::getNumThreads()) + " threads)";
  }

 private:
  cv::dnn::Net net_;
  std::vector<std::string> names_, out_names_;
  std::vector<cv::Mat> blobs_, outs_;
};

class PlainXnn : public Plain {
 public:
  PlainXnn(const std::string& path, const nnport::NamedTensors& inputs) {
    nnport::xnn::ensure_initialized();
    lm_ = nnport::xnn::read_model(path);
    const auto& m = lm_.model;
    auto sg = nnport::xnn::define_subgraph(
        m, 1, [&](uint32_t v) { return lm_.blob.at(m.values[v].offset); }, path);
    pool_.reset(pthreadpool_create(0));  // 0: one thread per CPU
    xnn_runtime_t rt = nullptr;
    if (xnn_create_runtime_v2(sg.get(), pool_.get(), XNN_FLAG_YIELD_WORKERS, &rt) !=
        xnn_status_success)
      throw std::runtime_error("xnn_create_runtime_v2 failed on " + path);
    runtime_.reset(rt);
    // Buffers with XNN_EXTRA_BYTES of slack, inputs in XNNPACK's layout (NHWC).
    auto buffer = [](const std::vector<int64_t>& dims) {
      size_t n = 1;
      for (int64_t d : dims) n *= size_t(d < 0 ? 1 : d);
      return std::vector<float>(n + XNN_EXTRA_BYTES / sizeof(float) + 1);
    };
    for (const auto& p : m.inputs) {
      const nnport::Tensor* t = inputs.find(p.name);
      if (t == nullptr) throw std::runtime_error("input " + p.name + " has no .npy");
      std::vector<float> b = buffer(p.dims);
      const auto* src = static_cast<const float*>(t->data());
      if (p.nchw) {
        const int64_t C = t->shape()[1], HW = t->shape()[2] * t->shape()[3];
        for (int64_t n = 0; n < t->shape()[0]; ++n)
          for (int64_t c = 0; c < C; ++c)
            for (int64_t hw = 0; hw < HW; ++hw)
              b[(n * HW + hw) * C + c] = src[(n * C + c) * HW + hw];
      } else {
        std::memcpy(b.data(), src, t->nbytes());
      }
      in_.push_back(std::move(b));
      external_.push_back({p.value, in_.back().data()});
    }
    for (const auto& p : m.outputs) {
      out_.push_back(buffer(p.dims));
      out_count_.push_back(out_.back().size() - XNN_EXTRA_BYTES / sizeof(float) - 1);
      external_.push_back({p.value, out_.back().data()});
    }
  }
  void run() override {
    if (xnn_setup_runtime(runtime_.get(), external_.size(), external_.data()) !=
            xnn_status_success ||
        xnn_invoke_runtime(runtime_.get()) != xnn_status_success)
      throw std::runtime_error("xnn_setup_runtime / xnn_invoke_runtime failed");
  }
  std::vector<float> output() override {
    // NHWC for 4-D outputs; the models compared here end in 2-D.
    return {out_[0].begin(), out_[0].begin() + ptrdiff_t(out_count_[0])};
  }
  std::string settings() const override {
    return "pthreadpool_create(0) = " + std::to_string(pthreadpool_get_threads_count(pool_.get())) +
           " threads, XNN_FLAG_YIELD_WORKERS";
  }

 private:
  nnport::xnn::LoadedModel lm_;
  std::unique_ptr<pthreadpool, decltype(&pthreadpool_destroy)> pool_{nullptr, &pthreadpool_destroy};
  std::unique_ptr<xnn_runtime, decltype(&xnn_delete_runtime)> runtime_{nullptr,
                                                                       &xnn_delete_runtime};
  std::vector<std::vector<float>> in_, out_;
  std::vector<size_t> out_count_;
  std::vector<xnn_external_value> external_;
};

// ---- one engine on one model ----------------------------------------------

struct Result {
  std::string model, engine, file, plain_settings, error;
  size_t rounds = 0, calls = 0;  // calls: per side
  double plain_us = 0, nnport_us = 0, diff_us = 0, max_abs_diff = 0;
};

// The backend's defaults: nothing but its type.
std::string deploy_cfg(const std::string& engine) {
  return R"({"backend_config": {"type": ")" + engine + "\"}}";
}

Result bench_one(const Args& a, nnport::Registry& registry, const std::string& model,
                 const std::string& engine, const fs::path& scratch) {
  Result r;
  r.model = model;
  r.engine = engine;
  const std::string dir = models_dir() + "/" + model;
  const std::string onnx = dir + "/model.onnx";
  auto manager = registry.find(engine);
  if (!manager.ok()) {
    r.error = manager.status().message();
    return r;
  }
  // The backend file: what the plugin's to_backend makes of the model.
  const fs::path work = scratch / (model + "-" + engine);
  fs::create_directories(work);
  auto files =
      (*manager)->to_backend({onnx}, work.string(), deploy_cfg(engine), NNPORT_LOG_WARNING);
  if (!files.ok()) {
    r.error = files.status().message();
    return r;
  }
  r.file = files->empty() ? onnx : files->back();
  auto w = (*manager)->build_wrapper(files->empty() ? std::vector<std::string>{onnx} : *files,
                                     "cpu", {}, {}, deploy_cfg(engine));
  if (!w.ok()) {
    r.error = w.status().message();
    return r;
  }
  nnport::NamedTensors inputs;
  for (const auto& info : w->input_infos()) {
    auto t = nnport::read_npy(dir + "/inputs/" + info.name + ".npy");
    if (!t.ok()) {
      r.error = t.status().message();
      return r;
    }
    inputs.set(info.name, *t);
  }
  std::unique_ptr<Plain> plain;
  try {
    if (engine == "onnxruntime")
      plain = std::make_unique<PlainOrt>(r.file, inputs);
    else if (engine == "opencv")
      plain = std::make_unique<PlainOpenCv>(r.file, inputs);
    else if (engine == "xnnpack")
      plain = std::make_unique<PlainXnn>(r.file, inputs);
    else
      throw std::runtime_error("no plain loop for engine '" + engine + "'");
  } catch (const std::exception& e) {
    r.error = e.what();
    return r;
  }
  r.plain_settings = plain->settings();

  // Same file, same answer: the first output of both sides.
  auto out = w->forward(inputs);
  if (!out.ok()) {
    r.error = out.status().message();
    return r;
  }
  plain->run();
  const std::vector<float> ref = plain->output();
  const nnport::Tensor& first = out->begin()->second;
  const auto* mine = static_cast<const float*>(first.data());
  if (size_t(first.numel()) != ref.size()) {
    r.error = "the two sides' first outputs differ in size";
    return r;
  }
  for (size_t i = 0; i < ref.size(); ++i)
    r.max_abs_diff = std::max(r.max_abs_diff, double(std::abs(mine[i] - ref[i])));

  // One side's chunk: settle, one uncounted call, then `calls` timed calls.
  auto chunk = [&](bool nnport_side, int calls, std::vector<double>* times) {
    std::this_thread::sleep_for(std::chrono::milliseconds(a.settle_ms));
    auto once = [&] {
      if (!nnport_side) return plain->run();
      auto o = w->forward(inputs);
      if (!o.ok()) throw std::runtime_error(o.status().message());
    };
    once();
    for (int i = 0; i < calls; ++i) {
      const auto t0 = Clock::now();
      once();
      times->push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
  };
  try {
    // Warm-up (caches, packed weights, pools), and the fastest call, which sizes
    // the chunks (the slow ones are the machine's other work).
    std::vector<double> warm;
    for (bool side : {false, true}) {
      const auto end = Clock::now() + std::chrono::milliseconds(200);
      do chunk(side, 5, &warm);
      while (Clock::now() < end);
    }
    const int calls = int(std::clamp(
        a.chunk_ms * 1000 / std::max(*std::min_element(warm.begin(), warm.end()), 0.01), 2.0, 1e5));
    std::vector<double> tp, tn, diff;
    const auto end = Clock::now() + std::chrono::duration<double>(a.seconds);
    for (int round = 0; round < a.min_rounds || Clock::now() < end; ++round) {
      std::vector<double> p, n;
      const bool nnport_first = round % 2 == 1;
      chunk(nnport_first, calls, nnport_first ? &n : &p);
      chunk(!nnport_first, calls, nnport_first ? &p : &n);
      diff.push_back(median(n) - median(p));
      tp.insert(tp.end(), p.begin(), p.end());
      tn.insert(tn.end(), n.begin(), n.end());
      ++r.rounds;
    }
    r.calls = tp.size();
    r.plain_us = median(tp);
    r.nnport_us = median(tn);
    r.diff_us = median(diff);
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse_args(argc, argv);
  if (a.cpu_peak) return nnport::bench_util::run_cpu_peak(a.json);

  nnport::Registry registry;
  registry.add_search_dir(NNPORT_BINARY_DIR "/lib/nnport/plugins");
  char tmpl[] = "/tmp/nnport_bench_engines.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path scratch = tmpl;
  std::vector<Result> results;
  for (const auto& model : a.models)
    for (const auto& engine : a.engines) {
      results.push_back(bench_one(a, registry, model, engine, scratch));
      const Result& r = results.back();
      if (!r.error.empty())
        std::cerr << model << " on " << engine << ": " << r.error << "\n";
      else
        std::cerr << model << " on " << engine << ": " << r.rounds << " rounds of "
                  << r.calls / std::max<size_t>(r.rounds, 1)
                  << " calls per side; plain side: " << r.plain_settings << "\n";
    }
  fs::remove_all(scratch);

  std::printf("\n%-10s %-12s %8s %14s %14s %8s %16s %10s\n", "model", "engine", "calls", "plain us",
              "nnport us", "ratio", "median(diff) us", "max|diff|");
  for (const auto& r : results) {
    if (!r.error.empty()) continue;
    std::printf("%-10s %-12s %8zu %14.2f %14.2f %8.4f %16.2f %10.1e\n", r.model.c_str(),
                r.engine.c_str(), r.calls, r.plain_us, r.nnport_us, r.nnport_us / r.plain_us,
                r.diff_us, r.max_abs_diff);
  }
  if (!a.json.empty()) {
    std::ofstream out(a.json);
    out << "{\"results\": [";
    for (size_t i = 0; i < results.size(); ++i) {
      const Result& r = results[i];
      out << (i ? ",\n  " : "\n  ") << "{\"model\": \"" << r.model << "\", \"engine\": \""
          << r.engine << "\", \"error\": \"" << json_escape(r.error) << "\", \"file\": \""
          << json_escape(fs::path(r.file).filename().string()) << "\", \"plain_settings\": \""
          << json_escape(r.plain_settings) << "\", \"rounds\": " << r.rounds
          << ", \"calls\": " << r.calls << ", \"plain_us\": " << r.plain_us
          << ", \"nnport_us\": " << r.nnport_us << ", \"median_diff_us\": " << r.diff_us
          << ", \"max_abs_diff\": " << r.max_abs_diff << "}";
    }
    out << "\n]}\n";
  }
  return 0;
}
