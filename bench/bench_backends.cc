// Every backend on every test model, side by side in one process: does it
// convert (and how long that takes), does it agree with ONNX Runtime (max
// errors at batch 1, and at batch 4 for dynamic-batch models), and its median
// latency at batch 1, measured round-robin so that load drift hits every
// backend alike. Writes a Markdown table (scripts/backend_table.sh splices it
// into docs/backends.md) and a JSON file with the same figures.
//
//   nnport_bench_backends [--models a,b] [--backends onnxruntime,xnnpack,opencv]
//     [--threads 2] [--rounds 40] [--calls 3] [--markdown FILE] [--json FILE]
//
// Each round runs --calls consecutive forwards per backend, in a rotating
// order; the median is over every timed call. Environment: NNPORT_MODELS_DIR
// (default <source>/tests/models/out).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "bench_util.h"
#include "nnport/apis.h"
#include "nnport/bench.h"
#include "nnport/npy.h"
#include "nnport/onnx_model.h"
#include "nnport/registry.h"

namespace {

using nnport::bench_util::json_escape;
using nnport::bench_util::median;
using nnport::bench_util::models_dir;
using nnport::bench_util::split_list;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr double kAtol = 1e-4, kRtol = 1e-3;  // docs/backends.md's verification rule
constexpr int kSettleMs = 30;                 // quiet time before each backend's turn

struct Args {
  std::vector<std::string> models = {"resnet18", "mobilenet_v2", "efficientnet_b0",
                                     "squeezenet1_1"};
  std::vector<std::string> backends = {"onnxruntime", "xnnpack", "opencv"};
  int threads = 2, rounds = 40, calls = 3;
  std::string markdown, json;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "nnport_bench_backends: " << k << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "-h" || k == "--help") {
      std::cout << "nnport_bench_backends: every backend on every test model, side by side:\n"
                   "converts? (and how long), max error vs ONNX Runtime at batch 1 (and 4),\n"
                   "median batch-1 latency measured round-robin.\n\n"
                   "  --models a,b          test models (default: all in NNPORT_MODELS_DIR)\n"
                   "  --backends a,b        default onnxruntime,xnnpack,opencv\n"
                   "  --threads N           threads per backend (default 2)\n"
                   "  --rounds N            round-robin rounds (default 40)\n"
                   "  --calls N             forwards per backend per round (default 3)\n"
                   "  --markdown FILE       the table (scripts/backend_table.sh splices it)\n"
                   "  --json FILE           the same figures for scripts\n";
      std::exit(0);
    } else if (k == "--models")
      a.models = split_list(value());
    else if (k == "--backends")
      a.backends = split_list(value());
    else if (k == "--threads")
      a.threads = std::atoi(value().c_str());
    else if (k == "--rounds")
      a.rounds = std::atoi(value().c_str());
    else if (k == "--calls")
      a.calls = std::atoi(value().c_str());
    else if (k == "--markdown")
      a.markdown = value();
    else if (k == "--json")
      a.json = value();
    else {
      std::cerr << "nnport_bench_backends: unknown option '" << k << "' (see --help)\n";
      std::exit(2);
    }
  }
  if (a.threads < 1 || a.rounds < 1 || a.calls < 1) {
    std::cerr << "nnport_bench_backends: --threads, --rounds and --calls must be >= 1\n";
    std::exit(2);
  }
  return a;
}

std::string cpu_name() {
  const std::string name = nnport::bench_util::cpu_field("model name");
  return name.empty() ? "unknown CPU" : name;
}

// The key each backend reads its thread count from.
std::string threads_option(const std::string& backend, int threads) {
  return "backend_config." + nnport::bench::thread_config_key(backend) + "=" +
         std::to_string(threads);
}

struct Errors {
  double max_abs = 0, max_rel = 0;
  bool pass = false;
  std::string note;
};

struct Cell {
  std::string backend;
  bool converts = false;
  std::string error;  // why it does not convert (or run)
  double convert_s = 0;
  Errors batch1, batch4;
  bool has_batch4 = false;
  std::unique_ptr<nnport::Wrapper> wrapper;
  std::vector<double> times_ms;
  double median_ms = 0;
};

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '|', '/');
  return s;
}

Errors compare(nnport::Wrapper& w, const nnport::NamedTensors& inputs,
               const nnport::NamedTensors& reference) {
  Errors e;
  auto out = w.forward(inputs);
  if (!out.ok()) {
    e.note = one_line(out.status().message());
    return e;
  }
  e.pass = true;
  for (const auto& c : nnport::compare_outputs(*out, reference, kAtol, kRtol)) {
    e.max_abs = std::max(e.max_abs, c.max_abs_err);
    e.max_rel = std::max(e.max_rel, c.max_rel_err);
    e.pass = e.pass && c.pass;
    if (!c.reason.empty()) e.note = c.reason;
  }
  return e;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string errors_text(const Errors& e) {
  if (!e.note.empty() && !e.pass) return "no: " + e.note;
  return std::string(e.pass ? "yes" : "**no**") + " (" + fmt("%.1e", e.max_abs) + " / " +
         fmt("%.1e", e.max_rel) + ")";
}

struct ModelRow {
  std::string name;
  bool dynamic = false;
  std::vector<Cell> cells;
};

void run_model(const Args& a, const std::string& name, ModelRow& row, const fs::path& scratch) {
  const std::string dir = models_dir() + "/" + name;
  const std::string model = dir + "/model.onnx";
  row.name = name;
  auto info = nnport::inspect_onnx(model);
  if (!info.ok()) {
    std::cerr << "skip " << name << ": " << info.status().message() << "\n";
    return;
  }
  for (const auto& in : info->inputs)
    row.dynamic = row.dynamic || (!in.dims.empty() && in.dims[0] < 0);

  // Inputs: the exported .npy at batch 1 (or their first item); batch 4 random.
  auto ref_wrapper = nnport::build_wrapper_from_target(model);
  if (!ref_wrapper.ok()) {
    std::cerr << "skip " << name << ": " << ref_wrapper.status().message() << "\n";
    return;
  }
  nnport::NamedTensors batch1, batch4;
  std::map<std::string, nnport::Shape> shapes1, shapes4;
  for (const auto& in : info->inputs) {
    nnport::Shape s = in.dims;
    const bool dynamic_batch = !s.empty() && s[0] < 0;
    if (dynamic_batch) s[0] = 1;
    auto t = nnport::read_npy(dir + "/inputs/" + in.name + ".npy");
    const bool from_file = t.ok() && t->shape() == s;
    if (from_file) batch1.set(in.name, *t);
    if (!dynamic_batch) continue;          // make_inputs takes shapes for dynamic inputs only
    if (!from_file) shapes1[in.name] = s;  // a given tensor carries its own shape
    s[0] = 4;
    shapes4[in.name] = s;
  }
  auto in1 = nnport::make_inputs(info->inputs, batch1, shapes1, 1);
  auto in4 = row.dynamic ? nnport::make_inputs(info->inputs, {}, shapes4, 4) : in1;
  if (!in1.ok() || !in4.ok()) {
    std::cerr << "skip " << name << ": " << (in1.ok() ? in4.status() : in1.status()).message()
              << "\n";
    return;
  }
  auto ref1 = ref_wrapper->forward(*in1);
  auto ref4 = row.dynamic ? ref_wrapper->forward(*in4) : ref1;
  if (!ref1.ok() || !ref4.ok()) {
    std::cerr << "skip " << name << ": no reference outputs\n";
    return;
  }

  const std::string kind = row.dynamic ? "dynamic" : "static";
  for (const auto& backend : a.backends) {
    Cell c;
    c.backend = backend;
    const std::string cfg = std::string(NNPORT_SOURCE_DIR) +
                            "/configs/classification/classification_" + backend + "_" + kind +
                            ".py";
    const fs::path work = scratch / (name + "-" + backend);
    nnport::ConvertOptions opts;
    opts.cfg_options = {threads_option(backend, a.threads)};
    opts.overwrite = true;
    opts.load_check = false;  // timed separately: the first build_wrapper below
    auto t0 = Clock::now();
    auto converted = nnport::convert(cfg, model, work.string(), opts);
    c.convert_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!converted.ok()) {
      c.error = one_line(converted.status().message());
      std::cerr << name << " on " << backend << ": does not convert: " << c.error << "\n";
      row.cells.push_back(std::move(c));
      continue;
    }
    auto w = nnport::build_wrapper_from_target(work.string());
    if (!w.ok()) {
      c.error = one_line(w.status().message());
      row.cells.push_back(std::move(c));
      continue;
    }
    c.converts = true;
    c.wrapper = std::make_unique<nnport::Wrapper>(std::move(*w));
    c.batch1 = compare(*c.wrapper, *in1, *ref1);
    if (row.dynamic) {
      c.has_batch4 = true;
      c.batch4 = compare(*c.wrapper, *in4, *ref4);
    }
    std::cerr << name << " on " << backend << ": converted in " << fmt("%.2f", c.convert_s)
              << " s; batch 1 " << errors_text(c.batch1) << "\n";
    row.cells.push_back(std::move(c));
  }

  // Latency, round-robin over the backends that run, order rotating per round.
  std::vector<Cell*> live;
  for (auto& c : row.cells)
    if (c.converts && c.batch1.pass) live.push_back(&c);
  for (Cell* c : live)  // warm-up: first runs build caches, pack weights
    for (int i = 0; i < 3; ++i) (void)c->wrapper->forward(*in1);
  for (int r = 0; r < a.rounds; ++r) {
    for (size_t k = 0; k < live.size(); ++k) {
      Cell* c = live[(k + r) % live.size()];
      // Let the previous backend's thread pool go quiet (ONNX Runtime's
      // workers spin for a while after a call returns and would steal the
      // CPUs from this one), and discard one call that wakes this one's pool.
      std::this_thread::sleep_for(std::chrono::milliseconds(kSettleMs));
      (void)c->wrapper->forward(*in1);
      for (int i = 0; i < a.calls; ++i) {
        auto t = Clock::now();
        auto out = c->wrapper->forward(*in1);
        c->times_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
        if (!out.ok()) break;
      }
    }
  }
  for (Cell* c : live) c->median_ms = median(c->times_ms);
}

const Cell* find_cell(const ModelRow& row, const std::string& backend) {
  for (const auto& c : row.cells)
    if (c.backend == backend) return &c;
  return nullptr;
}

// The table's short form of a conversion error: from the node it names
// on (dropping the temporary path before it), else the whole message.
std::string table_reason(const std::string& error) {
  const size_t node = error.find("node #");
  return node == std::string::npos ? error : error.substr(node);
}

std::string markdown(const Args& a, const std::vector<ModelRow>& rows) {
  std::ostringstream md;
  md << "Measured by `scripts/backend_table.sh` (bench/bench_backends.cc) on " << cpu_name() << ", "
     << a.threads << " threads per backend, batch 1; median of " << a.rounds * a.calls
     << " calls per backend, round-robin (each turn after " << kSettleMs
     << " ms of quiet and one discarded call). Agrees: every output element within atol " << kAtol
     << " + rtol " << kRtol
     << " x |reference| of ONNX Runtime's (`nnport verify`'s rule); in brackets the max "
     << "absolute error / max elementwise relative error (large where the reference is near "
     << "0).\n\n";
  md << "| model | backend | converts (time) | batch 1 agrees | batch 4 agrees | median latency "
        "| vs onnxruntime |\n|---|---|---|---|---|---|---|\n";
  for (const auto& row : rows) {
    const Cell* ort = find_cell(row, "onnxruntime");
    for (const auto& c : row.cells) {
      md << "| " << row.name << " | " << c.backend << " | ";
      if (!c.converts) {
        md << "no: " << table_reason(c.error) << " | | | | |\n";
        continue;
      }
      md << "yes (" << fmt("%.2f", c.convert_s) << " s) | " << errors_text(c.batch1) << " | "
         << (c.has_batch4 ? errors_text(c.batch4) : "static batch") << " | ";
      if (c.median_ms > 0) {
        md << fmt("%.3f", c.median_ms) << " ms | ";
        md << (ort != nullptr && ort->median_ms > 0 ? fmt("%.2fx", c.median_ms / ort->median_ms)
                                                    : "")
           << " |\n";
      } else {
        md << " | |\n";
      }
    }
  }
  return md.str();
}

std::string json(const Args& a, const std::vector<ModelRow>& rows) {
  std::ostringstream js;
  js << "{\"cpu\": \"" << json_escape(cpu_name()) << "\", \"threads\": " << a.threads
     << ", \"results\": [";
  bool first = true;
  for (const auto& row : rows)
    for (const auto& c : row.cells) {
      js << (first ? "" : ",") << "\n  {\"model\": \"" << row.name << "\", \"backend\": \""
         << c.backend << "\", \"converts\": " << (c.converts ? "true" : "false")
         << ", \"error\": \"" << json_escape(c.error) << "\", \"convert_s\": " << c.convert_s
         << ", \"batch1_pass\": " << (c.batch1.pass ? "true" : "false")
         << ", \"batch1_max_abs\": " << c.batch1.max_abs
         << ", \"batch1_max_rel\": " << c.batch1.max_rel
         << ", \"batch4_pass\": " << (c.has_batch4 ? (c.batch4.pass ? "true" : "false") : "null")
         << ", \"median_ms\": " << c.median_ms << "}";
      first = false;
    }
  js << "\n]}\n";
  return js.str();
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse_args(argc, argv);
  const fs::path scratch = fs::temp_directory_path() / ("nnport-bench-" + std::to_string(getpid()));
  fs::create_directories(scratch);
  std::vector<ModelRow> rows;
  for (const auto& name : a.models) {
    ModelRow row;
    run_model(a, name, row, scratch);
    if (!row.cells.empty()) rows.push_back(std::move(row));
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  const std::string md = markdown(a, rows);
  std::cout << md;
  if (!a.markdown.empty()) std::ofstream(a.markdown) << md;
  if (!a.json.empty()) std::ofstream(a.json) << json(a, rows);
  return rows.empty() ? 1 : 0;
}
