// nnport bench's measurement: cold start, then steady state of every input
// set x threads x concurrency, with the backends alternating in chunks.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "bench/environment.h"
#include "nnport/apis.h"
#include "nnport/backend_names.h"
#include "nnport/bench.h"

namespace nnport::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Quiet time before a backend's chunk when several alternate: ONNX Runtime's
// workers spin for a while after a call returns and would steal the CPUs
// from the next backend's chunk.
constexpr auto kSettle = std::chrono::milliseconds(30);
constexpr int kChunksWhenAlternating = 10;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Samples {
  std::vector<double> execute_ms, forward_ms;
  void append(const Samples& o) {
    execute_ms.insert(execute_ms.end(), o.execute_ms.begin(), o.execute_ms.end());
    forward_ms.insert(forward_ms.end(), o.forward_ms.begin(), o.forward_ms.end());
  }
};

// One forward, split into its steps so the engine call is timed alone.
Status timed_call(Wrapper& w, const NamedTensors& in, Samples* s) {
  const auto t0 = Clock::now();
  NNPORT_RETURN_IF_ERROR(w.check_inputs(in));
  NNPORT_RETURN_IF_ERROR(w.set_inputs(in));
  const auto t1 = Clock::now();
  NNPORT_RETURN_IF_ERROR(w.execute());
  const double exec = ms_since(t1);
  auto out = w.get_outputs();
  if (!out.ok()) return out.status();
  if (s != nullptr) {
    s->execute_ms.push_back(exec);
    s->forward_ms.push_back(ms_since(t0));
  }
  return Status();
}

// A backend at one thread setting: its model, and wrappers built on demand
// (one per concurrent worker).
struct Slot {
  std::string backend;
  std::string label;  // the runs' name: the backend, or "<backend> (<target>)" for --compare
  int threads = 0;
  DeployInfo info;
  double convert_ms = -1;
  double load_ms = 0, first_inference_ms = 0;
  std::vector<std::unique_ptr<Wrapper>> wrappers;
};

Status ensure_wrappers(Slot& slot, size_t count, const NamedTensors& first_inputs) {
  while (slot.wrappers.size() < count) {
    const auto t = Clock::now();
    auto w = build_target_wrapper(slot.info);
    if (!w.ok()) return w.status();
    const double load = ms_since(t);
    auto wrapper = std::make_unique<Wrapper>(std::move(*w));
    if (slot.wrappers.empty()) {  // the cold start: the first load and call
      slot.load_ms = load;
      const auto t1 = Clock::now();
      NNPORT_RETURN_IF_ERROR(timed_call(*wrapper, first_inputs, nullptr));
      slot.first_inference_ms = ms_since(t1);
    }
    slot.wrappers.push_back(std::move(wrapper));
  }
  return Status();
}

// Runs `workers` wrappers at once until `calls` calls each (calls > 0) or
// until `seconds` pass; returns the samples and the wall time.
Status run_chunk(Slot& slot, int workers, const NamedTensors& in, int64_t calls, double seconds,
                 bool record, Samples* out, double* wall_s) {
  std::vector<Samples> per{static_cast<size_t>(workers)};
  std::vector<Status> errors{static_cast<size_t>(workers)};
  const auto start = Clock::now();
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto work = [&](int k) {
    Samples* s = record ? &per[size_t(k)] : nullptr;
    for (int64_t i = 0; calls > 0 ? i < calls : Clock::now() < deadline; ++i) {
      Status st = timed_call(*slot.wrappers[size_t(k)], in, s);
      if (!st.ok()) {
        errors[size_t(k)] = st;
        return;
      }
    }
  };
  if (workers == 1) {
    work(0);
  } else {
    std::vector<std::thread> threads;
    for (int k = 0; k < workers; ++k) threads.emplace_back(work, k);
    for (auto& t : threads) t.join();
  }
  *wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  for (const Status& e : errors) NNPORT_RETURN_IF_ERROR(e);
  for (const Samples& s : per) out->append(s);
  return Status();
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

Status invalid(const std::string& what) { return invalid_argument(what); }

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string thread_config_key(const std::string& backend) {
  return backend == backend_names::kOnnxRuntime ? "intra_op_num_threads" : "num_threads";
}

Status check_bench_options(const BenchOptions& o) {
  if (o.input_sets.empty()) return invalid("no inputs to measure with");
  for (int t : o.threads)
    if (t < 0 || t > 1024) return invalid("--threads " + std::to_string(t) + ": expected 0..1024");
  for (int c : o.concurrency)
    if (c < 1 || c > 256)
      return invalid("--concurrency " + std::to_string(c) + ": expected 1..256");
  if (o.threads.empty() || o.concurrency.empty()) return invalid("empty --threads/--concurrency");
  if (o.warmup_iters < 0) return invalid("--warmup must be >= 0");
  if (!(o.warmup_s >= 0) || !std::isfinite(o.warmup_s))
    return invalid("--warmup-time must be a finite number of seconds >= 0");
  if (o.iters < 0) return invalid("--iters must be >= 1");
  if (o.iters == 0 && !(o.duration_s > 0 && std::isfinite(o.duration_s)))
    return invalid("--duration must be a finite number of seconds > 0 (or give --iters N >= 1)");
  if (!(o.stable_pct >= 0) || o.stable_pct >= 100)
    return invalid("--stable must be a percentage above 0 and below 100");
  if (!(o.window_s > 0) || !std::isfinite(o.window_s)) return invalid("--window must be > 0");
  if (o.max_windows < 3) return invalid("--max-windows must be >= 3 (the rule needs three)");
  for (double p : o.percentiles)
    if (!(p > 0 && p <= 100))
      return invalid("percentile " + number_text(p) +
                     " is not one: expected numbers above 0 and up to 100, such as 50,90,99");
  return Status();
}

Status check_backends_available(const std::vector<std::string>& names) {
  for (const std::string& b : names) {
    auto m = Registry::global().find(b);
    if (!m.ok()) return m.status();
    std::string why;
    if (!(*m)->is_available(false, &why))
      return unavailable("backend '" + b + "' is not available here" +
                         (why.empty() ? "" : ": " + why) + "; run `nnport check-env`");
  }
  return Status();
}

Result<Report> run_bench(const BenchOptions& o) {
  NNPORT_RETURN_IF_ERROR(check_bench_options(o));
  NNPORT_ASSIGN_OR_RETURN(DeployInfo target, resolve_target(o.target));
  const bool model_file = target.work_dir.empty();
  std::vector<std::string> backends = o.backends;
  if (backends.empty()) backends = {target.backend};

  // Every backend must be there before anything is measured.
  NNPORT_RETURN_IF_ERROR(check_backends_available(backends));

  // A scratch dir for conversions, removed whatever happens.
  std::error_code ec;
  const fs::path scratch =
      fs::temp_directory_path(ec) / ("nnport-bench-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(Clock::now().time_since_epoch().count()));
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } cleanup{scratch};

  Report report;
  report.target = o.target;
  report.created_utc = utc_now();
  report.env = machine_environment();
  report.percentiles = o.percentiles;
  for (const std::string& b : backends) {
    auto m = Registry::global().find(b);
    auto v = (*m)->version();
    report.env.backend += (report.env.backend.empty() ? "" : ",") + b;
    report.env.backend_version += (report.env.backend_version.empty() ? "" : ", ") + b + " " +
                                  (v.ok() ? *v : std::string("unknown"));
  }

  // The model of each backend: the work dir's own files, else converted.
  std::vector<DeployInfo> infos;
  std::vector<double> convert_ms;
  for (const std::string& b : backends) {
    if (!model_file && b == target.backend) {
      infos.push_back(target);
      convert_ms.push_back(-1);
      continue;
    }
    const fs::path dir = scratch / b;
    fs::create_directories(dir, ec);
    if (ec) return io_error("cannot create scratch dir '" + dir.string() + "': " + ec.message());
    if (o.progress) o.progress("converting for " + b, 0);
    const auto t = Clock::now();
    auto converted = convert_target_for(target, b, dir.string());
    if (!converted.ok())
      return Status(converted.status().code(),
                    "converting for backend '" + b + "': " + converted.status().message());
    convert_ms.push_back(ms_since(t));
    infos.push_back(*converted);
  }

  // --compare: other targets on their own backends, as they are.
  std::vector<std::string> labels = backends;
  for (const std::string& other : o.compare) {
    auto info = resolve_target(other);
    if (!info.ok()) return info.status().with_context("--compare " + other);
    NNPORT_RETURN_IF_ERROR(check_backends_available({info->backend}));
    const fs::path p = fs::path(other).lexically_normal();
    const std::string name = (p.has_filename() ? p : p.parent_path()).filename().string();
    labels.push_back(info->backend + " (" + name + ")");
    backends.push_back(info->backend);
    infos.push_back(*info);
    convert_ms.push_back(-1);
  }

  const size_t configs = o.input_sets.size() * o.threads.size() * o.concurrency.size();
  size_t config_index = 0;
  for (int threads : o.threads) {
    std::vector<Slot> slots;
    for (size_t i = 0; i < backends.size(); ++i) {
      Slot s;
      s.backend = backends[i];
      s.label = labels[i];
      s.threads = threads;
      s.info = infos[i];
      s.convert_ms = convert_ms[i];
      if (threads > 0) {
        if (!s.info.deploy_cfg["backend_config"].is_object())
          s.info.deploy_cfg["backend_config"] = Config{{"type", s.backend}};
        s.info.deploy_cfg["backend_config"][thread_config_key(s.backend)] = threads;
      }
      slots.push_back(std::move(s));
    }
    for (const InputSet& set : o.input_sets) {
      for (int workers : o.concurrency) {
        std::vector<Run> runs(slots.size());
        std::vector<std::vector<Window>> windows(slots.size());
        // Per backend, each chunk's samples and wall time (a chunk is a window
        // under --stable).
        std::vector<std::vector<Samples>> chunk_samples(slots.size());
        std::vector<std::vector<double>> chunk_wall(slots.size());
        std::vector<int64_t> rss_before(slots.size(), 0);
        std::vector<bool> done(slots.size(), false);
        const std::string what =
            set.label +
            (o.threads.size() > 1 || threads > 0 ? " threads=" + std::to_string(threads) : "") +
            (workers > 1 ? " concurrency=" + std::to_string(workers) : "");
        for (size_t i = 0; i < slots.size(); ++i) {
          Slot& s = slots[i];
          if (o.progress)
            o.progress("loading " + s.label + " " + what, double(config_index) / configs);
          Status st = ensure_wrappers(s, size_t(workers), set.tensors);
          if (!st.ok())
            return Status(st.code(),
                          "backend '" + s.label + "' on " + set.label + ": " + st.message());
          rss_before[i] = current_rss_bytes();
          // Warm-up: every worker, uncounted.
          Samples ignored;
          double w = 0;
          if (o.warmup_s > 0) {
            NNPORT_RETURN_IF_ERROR(
                run_chunk(s, workers, set.tensors, 0, o.warmup_s, false, &ignored, &w));
          } else if (o.warmup_iters > 0) {
            NNPORT_RETURN_IF_ERROR(
                run_chunk(s, workers, set.tensors, o.warmup_iters, 0, false, &ignored, &w));
          }
        }
        // Chunks: windows under --stable, else the budget split so that the
        // backends alternate (one chunk when only one backend runs).
        const bool stable_mode = o.stable_pct > 0;
        const int chunks =
            stable_mode ? o.max_windows : (slots.size() > 1 ? kChunksWhenAlternating : 1);
        const double chunk_s = stable_mode ? o.window_s : o.duration_s / chunks;
        for (int c = 0; c < chunks; ++c) {
          bool all_done = true;
          for (size_t k = 0; k < slots.size(); ++k) {
            const size_t i = (k + size_t(c)) % slots.size();  // rotate who goes first
            if (done[i]) continue;
            all_done = false;
            if (o.progress)
              o.progress(slots[i].label + " " + what,
                         (double(config_index) + double(c) / chunks) / configs);
            if (slots.size() > 1) std::this_thread::sleep_for(kSettle);
            Samples chunk;
            double w = 0;
            // --iters split over the chunks so that they add up exactly.
            const int64_t calls =
                stable_mode || o.iters == 0 ? 0 : o.iters * (c + 1) / chunks - o.iters * c / chunks;
            if (!stable_mode && o.iters > 0 && calls == 0) continue;
            NNPORT_RETURN_IF_ERROR(
                run_chunk(slots[i], workers, set.tensors, calls, chunk_s, true, &chunk, &w));
            const LatencyStats ws = summarize(chunk.forward_ms, {}, set.batch, w);
            windows[i].push_back({ws.mean_ms, ws.throughput_per_s});
            chunk_samples[i].push_back(std::move(chunk));
            chunk_wall[i].push_back(w);
            if (stable_mode && last_three_agree(windows[i], o.stable_pct)) done[i] = true;
          }
          if (all_done) break;
        }
        for (size_t i = 0; i < slots.size(); ++i) {
          const Slot& s = slots[i];
          Run& r = runs[i];
          r.backend = s.label;
          r.shape = set.label;
          r.batch = set.batch;
          r.threads = threads;
          r.concurrency = workers;
          r.convert_ms = s.convert_ms;
          r.load_ms = s.load_ms;
          r.first_inference_ms = s.first_inference_ms;
          r.windows = stable_mode ? int(windows[i].size()) : 0;
          r.stable = !stable_mode || done[i];
          // Under --stable the report is about the last three windows (the
          // settled state, or the latest when it never settled).
          const size_t n = chunk_samples[i].size();
          const size_t first = stable_mode && n > 3 ? n - 3 : 0;
          Samples kept;
          double wall_s = 0;
          for (size_t c = first; c < n; ++c) {
            kept.append(chunk_samples[i][c]);
            wall_s += chunk_wall[i][c];
          }
          if (workers == 1) wall_s = 0;  // one worker: the calls' own sum
          r.execute = summarize(kept.execute_ms, o.percentiles, set.batch, wall_s);
          r.forward = summarize(kept.forward_ms, o.percentiles, set.batch, wall_s);
          r.forward_samples_ms = std::move(kept.forward_ms);
          r.peak_rss_bytes = peak_rss_bytes();
          r.rss_growth_bytes = current_rss_bytes() - rss_before[i];
          report.runs.push_back(std::move(r));
        }
        ++config_index;
      }
    }
  }
  if (o.progress) o.progress("done", 1);
  return report;
}

}  // namespace nnport::bench
