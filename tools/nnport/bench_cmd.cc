// nnport bench TARGET: latency percentiles, throughput, cold start and
// memory of a work dir or model file on one or several backends.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "nnport/bench.h"
#include "nnport/did_you_mean.h"
#include "nnport/npy.h"
#include "nnport/onnx_model.h"
#include "progress_bar.h"

namespace nnport::cli {
namespace {

struct Options {
  std::string target, backend, backends;
  std::vector<std::string> compare;
  int64_t warmup = 10;
  double warmup_time = 0;
  int64_t iters = -1;    // -1: not given
  double duration = -1;  // < 0 and not given: 3 s
  double stable = 0, window = 1;
  int max_windows = 20;
  int64_t batch = 0;
  std::vector<std::string> shapes, inputs;
  uint64_t seed = 0;
  std::string threads = "0", concurrency = "1", percentiles = "50,90,95,99";
  std::string json, csv, html;
  bool no_progress = false;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

Result<std::vector<double>> parse_numbers(const std::string& flag, const std::string& text) {
  std::vector<double> out;
  for (const std::string& item : split_list(text)) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (end == item.c_str() || *end != '\0' || !std::isfinite(v))
      return invalid_argument(flag + " '" + text + "': '" + item + "' is not a number");
    out.push_back(v);
  }
  if (out.empty()) return invalid_argument(flag + " '" + text + "': expected a list such as 1,2,4");
  return out;
}

Result<std::vector<int>> parse_ints(const std::string& flag, const std::string& text) {
  NNPORT_ASSIGN_OR_RETURN(std::vector<double> v, parse_numbers(flag, text));
  std::vector<int> out;
  for (double d : v) {
    if (d != std::floor(d) || d < 0 || d > 1e6)
      return invalid_argument(flag + " '" + text + "': expected whole numbers");
    out.push_back(int(d));
  }
  return out;
}

// --shape may name an input several times: the k-th of each name belongs to
// input set k (names given fewer times keep their last shape).
Result<std::vector<std::map<std::string, Shape>>> shape_sets(const std::vector<std::string>& args) {
  std::map<std::string, std::vector<Shape>> by_name;
  for (const std::string& arg : args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
      return invalid_argument("--shape '" + arg +
                              "': expected NAME=DIMS such as input=1x3x224x224");
    auto shape = parse_shape(arg.substr(eq + 1));
    if (!shape.ok()) return invalid_argument("--shape " + arg + ": " + shape.status().message());
    by_name[arg.substr(0, eq)].push_back(*shape);
  }
  size_t sets = 1;
  for (const auto& [name, shapes] : by_name) sets = std::max(sets, shapes.size());
  std::vector<std::map<std::string, Shape>> out(sets);
  for (const auto& [name, shapes] : by_name)
    for (size_t k = 0; k < sets; ++k) out[k][name] = shapes[std::min(k, shapes.size() - 1)];
  return out;
}

std::string set_label(const NamedTensors& t) {
  std::string s;
  for (const auto& [name, tensor] : t) {
    std::string dims;
    for (int64_t d : tensor.shape()) dims += (dims.empty() ? "" : "x") + std::to_string(d);
    s += (s.empty() ? "" : ";") + name + "=" + dims;
  }
  return s;
}

// The input sets, made from the model's own input list before anything is
// loaded: a shape that does not fit is an error before any work.
Result<std::vector<bench::InputSet>> make_input_sets(const std::vector<TensorInfo>& infos,
                                                     const Options& o) {
  std::vector<std::string> names;
  for (const auto& i : infos) names.push_back(i.name);
  auto known = [&](const std::string& n, const std::string& flag) -> Status {
    if (std::find(names.begin(), names.end(), n) != names.end()) return Status();
    return invalid_argument(flag + ": unknown input '" + n + "'; the model's inputs are " +
                            join(names, ", ") + did_you_mean(n, names));
  };
  NamedTensors given;
  for (const std::string& arg : o.inputs) {
    std::string name = infos.size() == 1 ? infos[0].name : "", file = arg;
    const auto eq = arg.find('=');
    if (eq != std::string::npos) {
      name = arg.substr(0, eq);
      file = arg.substr(eq + 1);
    }
    if (name.empty()) return invalid_argument("--input '" + arg + "': expected NAME=FILE.npy");
    NNPORT_RETURN_IF_ERROR(known(name, "--input " + arg));
    NNPORT_ASSIGN_OR_RETURN(Tensor t, read_npy(file));
    given.set(name, std::move(t));
  }
  NNPORT_ASSIGN_OR_RETURN(auto sets, shape_sets(o.shapes));
  std::vector<bench::InputSet> out;
  for (auto& shapes : sets) {
    for (const auto& [name, shape] : shapes) {
      NNPORT_RETURN_IF_ERROR(known(name, "--shape " + name));
      const TensorInfo& info =
          infos[size_t(std::find(names.begin(), names.end(), name) - names.begin())];
      if (shape.size() != info.dims.size())
        return invalid_argument("--shape " + name + "=" + format_shape(shape) + ": input '" + name +
                                "' has rank " + std::to_string(info.dims.size()) + " " +
                                format_dims(info));
      for (size_t d = 0; d < shape.size(); ++d)
        if (info.dims[d] >= 0 && shape[d] != info.dims[d])
          return invalid_argument("--shape " + name + "=" + format_shape(shape) + " does not fit " +
                                  "input '" + name + "' " + format_dims(info) + ": dim " +
                                  std::to_string(d) + " is fixed at " +
                                  std::to_string(info.dims[d]));
    }
    // A dynamic batch defaults to 1 (like onnxruntime_perf_test's free dims).
    const int64_t batch = o.batch > 0 ? o.batch : 1;
    {
      for (const auto& info : infos) {
        if (given.contains(info.name) || info.dims.empty()) continue;
        if (shapes.count(info.name)) {
          if (o.batch > 0 && shapes[info.name][0] != o.batch)
            return invalid_argument("--batch " + std::to_string(o.batch) + " and --shape " +
                                    info.name + "=" + format_shape(shapes[info.name]) +
                                    " disagree on the batch");
          continue;
        }
        if (info.dims[0] >= 0 && o.batch == 0) continue;  // static: make_inputs fills it
        if (info.dims[0] >= 0 && info.dims[0] != o.batch)
          return invalid_argument("--batch " + std::to_string(o.batch) + ": input '" + info.name +
                                  "' " + format_dims(info) + " has a fixed batch of " +
                                  std::to_string(info.dims[0]));
        Shape s = info.dims;
        s[0] = batch;
        if (std::any_of(s.begin(), s.end(), [](int64_t d) { return d < 0; })) {
          if (o.batch == 0) continue;  // make_inputs names what --shape must give
          return invalid_argument("input '" + info.name + "' " + format_dims(info) +
                                  " has dynamic dims besides the batch: give them with --shape " +
                                  info.name + "=...");
        }
        shapes[info.name] = s;
      }
    }
    bench::InputSet set;
    NNPORT_ASSIGN_OR_RETURN(set.tensors, make_inputs(infos, given, shapes, o.seed));
    set.label = set_label(set.tensors);
    set.batch = 1;
    for (const auto& [name, t] : set.tensors)
      if (!t.shape().empty()) set.batch = std::max<int64_t>(1, t.shape()[0]);
    out.push_back(std::move(set));
  }
  return out;
}

std::string ms(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v >= 100 ? "%.1f" : v >= 1 ? "%.3f" : "%.4f", v);
  return buf;
}

std::string mib(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", double(bytes) / (1 << 20));
  return buf;
}

std::string pad(const std::string& s, size_t w) {
  return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' ');
}

// The headline latency of a run for the ratio column: its first percentile
// (p50 by default), else the mean.
double headline(const bench::LatencyStats& s) {
  return s.percentiles_ms.empty() ? s.mean_ms : s.percentiles_ms.front().second;
}

void print_table(const bench::Report& r) {
  const bench::Environment& e = r.env;
  std::cout << "target: " << r.target << "\n"
            << "backends: " << e.backend_version << "\n"
            << "cpu: " << e.cpu_model << " (" << e.usable_cpus << " usable, load "
            << format_number(std::round(e.load_average_1m * 100) / 100) << ")  nnport "
            << e.nnport_version << " (" << e.nnport_commit << ")\n\n";
  std::vector<std::string> head = {"backend", "inputs", "thr", "conc", "step", "count", "mean"};
  for (double p : r.percentiles) {
    char b[16];
    std::snprintf(b, sizeof b, "p%g", p);
    head.push_back(b);
  }
  for (const char* h : {"min", "max", "stddev", "items/s", "vs first"}) head.push_back(h);
  std::vector<std::vector<std::string>> rows;
  double first = 0;
  for (const bench::Run& run : r.runs) {
    for (const auto* step : {&run.execute, &run.forward}) {
      const bool fwd = step == &run.forward;
      std::vector<std::string> row = {
          fwd ? "" : run.backend,
          fwd ? "" : run.shape,
          fwd ? "" : (run.threads ? std::to_string(run.threads) : "def"),
          fwd ? "" : std::to_string(run.concurrency),
          fwd ? "forward" : "execute",
          std::to_string(step->count),
          ms(step->mean_ms)};
      for (const auto& [p, v] : step->percentiles_ms) row.push_back(ms(v));
      row.push_back(ms(step->min_ms));
      row.push_back(ms(step->max_ms));
      row.push_back(ms(step->stddev_ms));
      char tp[32];
      std::snprintf(tp, sizeof tp, "%.1f", step->throughput_per_s);
      row.push_back(tp);
      if (fwd && first == 0) first = headline(*step);
      if (fwd && first > 0) {
        char ratio[16];
        std::snprintf(ratio, sizeof ratio, "%.2fx", headline(*step) / first);
        row.push_back(ratio);
      } else {
        row.push_back("");
      }
      rows.push_back(std::move(row));
    }
  }
  std::vector<size_t> width(head.size());
  for (size_t c = 0; c < head.size(); ++c) {
    width[c] = head[c].size() + 1;
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size() + 1);
  }
  for (size_t c = 0; c < head.size(); ++c) std::cout << pad(head[c], width[c]);
  std::cout << "\n";
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) std::cout << pad(row[c], width[c]);
    std::cout << "\n";
  }
  std::cout << "\n(times in ms; execute: the engine call alone, forward: end to end; vs first: "
               "forward's "
            << (r.percentiles.empty() ? "mean" : "p" + format_number(r.percentiles[0]))
            << " against the first run's)\n";
  for (const bench::Run& run : r.runs) {
    std::cout << run.backend << " " << run.shape
              << (run.threads > 0 ? " threads=" + std::to_string(run.threads) : "")
              << (run.concurrency > 1 ? " concurrency=" + std::to_string(run.concurrency) : "")
              << ": ";
    if (run.convert_ms >= 0) std::cout << "convert " << ms(run.convert_ms) << " ms, ";
    std::cout << "load " << ms(run.load_ms) << " ms, first inference " << ms(run.first_inference_ms)
              << " ms; peak RSS " << mib(run.peak_rss_bytes) << " MiB, growth during the run "
              << mib(run.rss_growth_bytes) << " MiB";
    if (!run.stable)
      std::cout << "; NOT STABLE: the last three of " << run.windows
                << " windows never agreed (the report uses them anyway)";
    else if (run.windows > 0)
      std::cout << "; stable after " << run.windows << " windows";
    std::cout << "\n";
  }
}

Status write_file(const std::string& path, const std::string& text, const char* what) {
  if (path == "-") {
    std::cout << text;
    return Status();
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush())
      return io_error(std::string("cannot write the ") + what + " report to '" + path + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return io_error(std::string("cannot write the ") + what + " report to '" + path + "'");
  }
  return Status();
}

}  // namespace

Command add_bench_command(CLI::App& app, GlobalOptions& g) {
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "bench", "measure latency percentiles, throughput, cold start and memory of a model");
  sub->add_option("TARGET", o->target,
                  "a work dir written by `nnport convert`, or an .onnx file (converted for "
                  "each --backends entry into a scratch dir, timed)")
      ->required();
  sub->add_option("--backend", o->backend, "the backend for a model file (default onnxruntime)");
  sub->add_option("--compare", o->compare,
                  "more work dirs (or .onnx files) to measure alternating with TARGET on the same "
                  "inputs, each on its own backend, e.g. an int8 work dir against the fp32 one "
                  "(ratios to TARGET)")
      ->type_name("DIR ...");
  sub->add_option("--backends", o->backends,
                  "compare backends on the same inputs, alternating: a,b,c (ratios to the first)")
      ->type_name("LIST");
  sub->add_option("--warmup", o->warmup, "uncounted calls per worker before timing")
      ->capture_default_str()
      ->check(whole_number());
  sub->add_option("--warmup-time", o->warmup_time, "warm up for S seconds instead")
      ->type_name("S")
      ->check(non_negative_number());
  auto* iters =
      sub->add_option("--iters", o->iters, "timed calls per worker (default: --duration)");
  auto* duration = sub->add_option("--duration", o->duration, "timed seconds per run (default 3)")
                       ->type_name("S")
                       ->excludes(iters);
  auto* stable =
      sub->add_option("--stable", o->stable,
                      "measure in windows until the last three agree within PCT percent on both "
                      "latency and throughput (perf_analyzer's rule)")
          ->type_name("PCT");
  sub->add_option("--window", o->window, "a window's length with --stable")
      ->type_name("S")
      ->capture_default_str();
  sub->add_option("--max-windows", o->max_windows, "give up settling after N windows")
      ->capture_default_str();
  sub->add_option("--batch", o->batch, "batch size: dim 0 of every input with a dynamic batch")
      ->check(whole_number());
  sub->add_option("-s,--shape", o->shapes,
                  "NAME=1x3x224x224 (repeatable; naming an input again measures another shape "
                  "after the first)")
      ->type_name("NAME=DIMS");
  sub->add_option("-i,--input", o->inputs, "NAME=FILE.npy: real data for an input (repeatable)")
      ->type_name("NAME=FILE");
  sub->add_option("--seed", o->seed, "seed of the random inputs")->check(whole_number());
  sub->add_option("--threads", o->threads,
                  "backend threads; a list such as 1,2 sweeps (0: the backend's default)")
      ->type_name("LIST")
      ->capture_default_str();
  sub->add_option("--concurrency", o->concurrency,
                  "workers calling at once, each with its own wrapper; a list such as 1,2,4 sweeps")
      ->type_name("LIST")
      ->capture_default_str();
  sub->add_option("--percentiles", o->percentiles, "which percentiles to report")
      ->type_name("LIST")
      ->capture_default_str();
  sub->add_option("--json", o->json, "write the report as JSON (docs/bench.md; '-' for stdout)")
      ->type_name("FILE");
  sub->add_option("--csv", o->csv, "write one CSV row per run")->type_name("FILE");
  sub->add_option("--html", o->html, "write a self-contained page with the latency charts")
      ->type_name("FILE");
  sub->add_flag("--no-progress", o->no_progress, "no progress bar (none off a terminal anyway)");
  sub->footer(
      "Reports cold start (convert, load, first inference), then for the engine call alone\n"
      "(execute) and end to end (forward): count, mean, percentiles, min, max, stddev and\n"
      "throughput; peak RSS and its growth; the machine. docs/bench.md has the JSON schema.\n"
      "Examples:\n"
      "  nnport bench work/resnet18\n"
      "  nnport bench model.onnx --backends onnxruntime,xnnpack,opencv --html report.html\n"
      "  nnport bench work/r18-fp32 --compare work/r18-int8 --threads 2\n"
      "  nnport bench work/mobilenet --shape input=1x3x224x224 --shape input=8x3x224x224\n"
      "  nnport bench model.onnx --threads 1,2 --concurrency 1,2 --stable 5 --json out.json");
  return {
      sub, [o, &g, iters, duration, stable] {
        const char* cmd = "bench";
        if (iters->count() > 0 && o->iters < 1)
          return fail(cmd, "--iters " + std::to_string(o->iters) +
                               ": expected a number of timed calls >= 1");
        if (stable->count() > 0 && !(o->stable > 0 && o->stable < 100))
          return fail(cmd, "--stable " + format_number(o->stable) +
                               ": expected a percentage above 0 and below 100, such as 5");
        if (duration->count() > 0 && !(o->duration > 0))
          return fail(cmd, "--duration " + format_number(o->duration) +
                               ": expected a number of seconds > 0");
        Status plugins = plugin_load_status(g);
        if (!plugins.ok()) return fail(cmd, plugins);
        if (!o->backend.empty() && !o->backends.empty())
          return fail(cmd, "give --backend or --backends, not both");
        bench::BenchOptions b;
        b.target = o->target;
        b.compare = o->compare;
        b.backends = split_list(o->backends.empty() ? o->backend : o->backends);
        auto threads = parse_ints("--threads", o->threads);
        if (!threads.ok()) return fail(cmd, threads.status());
        b.threads = *threads;
        auto conc = parse_ints("--concurrency", o->concurrency);
        if (!conc.ok()) return fail(cmd, conc.status());
        b.concurrency = *conc;
        auto pct = parse_numbers("--percentiles", o->percentiles);
        if (!pct.ok()) return fail(cmd, pct.status());
        b.percentiles = *pct;
        b.warmup_iters = o->warmup_time > 0 ? 0 : o->warmup;
        b.warmup_s = o->warmup_time;
        b.iters = std::max<int64_t>(o->iters, 0);
        b.duration_s = b.iters > 0 ? 0 : (duration->count() > 0 ? o->duration : 3);
        b.stable_pct = o->stable;
        b.window_s = o->window;
        b.max_windows = o->max_windows;
        // The numbers first, then the model's inputs: both before any work.
        b.input_sets = {bench::InputSet{}};
        Status checked = bench::check_bench_options(b);
        if (!checked.ok()) return fail(cmd, checked);
        Status backends = bench::check_backends_available(b.backends);
        if (!backends.ok()) return fail(cmd, backends);
        auto info = resolve_target(o->target);
        if (!info.ok()) return fail(cmd, info.status());
        auto model = inspect_onnx(info->ir_files.at(0));
        if (!model.ok()) return fail(cmd, model.status());
        auto sets = make_input_sets(model->inputs, *o);
        if (!sets.ok()) return fail(cmd, sets.status());
        b.input_sets = std::move(*sets);
        // Spinning thread pools on shared CPUs stall each other: say so.
        const int workers = *std::max_element(b.concurrency.begin(), b.concurrency.end());
        const int most = *std::max_element(b.threads.begin(), b.threads.end());
        const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        if (most > 0 && long(most) * workers > cpus)
          std::cerr << "nnport bench: note: " << most << " threads x " << workers
                    << " workers exceed the " << cpus
                    << " CPUs here; spinning thread pools will stall each other, so those "
                       "runs measure contention\n";
        const bool bar = !o->no_progress && isatty(STDERR_FILENO);
        if (bar) b.progress = [](const std::string& what, double f) { draw_progress_bar(f, what); };
        auto report = bench::run_bench(b);
        if (bar) clear_progress_bar();
        if (!report.ok()) return fail(cmd, report.status());
        if (o->json != "-") print_table(*report);
        for (const auto& [path, text, what] : {std::tuple{o->json, &bench::report_json, "JSON"},
                                               std::tuple{o->csv, &bench::report_csv, "CSV"},
                                               std::tuple{o->html, &bench::report_html, "HTML"}}) {
          if (path.empty()) continue;
          Status s = write_file(path, text(*report), what);
          if (!s.ok()) return fail(cmd, s);
          if (path != "-") std::cout << "wrote " << what << ": " << path << "\n";
        }
        return kExitOk;
      }};
}

}  // namespace nnport::cli
