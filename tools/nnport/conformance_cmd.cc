// nnport conformance --backend NAME: the ONNX backend test suite (Debian's
// libonnx-testdata) through the backend's own to_backend and wrapper, each
// test in a child process; a summary per operator type, the failures and
// errors, and optionally the whole report as JSON (docs/conformance.md).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "cli.h"
#include "nnport/conformance.h"
#include "progress_bar.h"

namespace nnport::cli {
namespace {

namespace fs = std::filesystem;
namespace conf = nnport::conformance;

// The report's folder must exist before an hour-long run, not after it.
Status check_json_path(const std::string& path) {
  if (path.empty() || path == "-") return Status();
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return invalid_argument("--json '" + path + "' is a folder; name a file, e.g. " +
                            (fs::path(path) / "conformance.json").string());
  const fs::path parent =
      fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  if (!fs::is_directory(parent, ec))
    return not_found("the folder of --json '" + path + "' does not exist; create '" +
                     parent.string() + "' first");
  return Status();
}

// Through a temporary file and a rename: never a half-written report.
Status write_json(const std::string& path, const Config& doc) {
  const std::string text = doc.dump(2, ' ', false, Config::error_handler_t::replace) + "\n";
  if (path == "-") {
    std::cout << text;
    return Status();
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      std::remove(tmp.c_str());
      return io_error("cannot write the JSON report to '" + path + "'");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return io_error("cannot write the JSON report to '" + path + "'");
  }
  return Status();
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void print_report(const conf::Report& r) {
  size_t width = 8;
  for (const auto& [op, c] : r.ops) width = std::max(width, op.size());
  std::cout << std::left << std::setw(int(width)) << "op" << std::right << std::setw(7) << "pass"
            << std::setw(7) << "fail" << std::setw(7) << "error" << std::setw(7) << "skip"
            << std::setw(7) << "total"
            << "\n";
  auto row = [&](const std::string& name, const conf::Counts& c) {
    std::cout << std::left << std::setw(int(width)) << name << std::right << std::setw(7) << c.pass
              << std::setw(7) << c.fail << std::setw(7) << c.error << std::setw(7) << c.skip
              << std::setw(7) << c.total() << "\n";
  };
  for (const auto& [op, c] : r.ops) row(op, c);
  row("all", r.summary);
  for (auto status : {conf::TestStatus::kFail, conf::TestStatus::kError}) {
    bool header = false;
    for (const auto& t : r.tests) {
      if (t.status != status) continue;
      if (!header)
        std::cout << "\n" << (status == conf::TestStatus::kFail ? "Failures" : "Errors") << ":\n";
      header = true;
      std::cout << "  " << t.group << "/" << t.name << ": " << first_line(t.detail) << "\n";
    }
  }
  std::cout << "\n"
            << r.backend << ": " << r.summary.pass << " pass, " << r.summary.fail << " fail, "
            << r.summary.error << " error, " << r.summary.skip << " skip of " << r.summary.total()
            << (r.summary.total() == 1 ? " test (" : " tests (") << std::fixed
            << std::setprecision(1) << r.seconds << " s, " << r.jobs << " jobs)\n";
}

}  // namespace

Command add_conformance_command(CLI::App& app, GlobalOptions& g) {
  struct Options {
    std::string backend, json;
    conf::Options run;
    bool no_progress = false, fail_on_fail = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "conformance",
      "run the ONNX backend test suite through a backend; pass/fail/error/skip per test and "
      "per operator");
  sub->add_option("--backend", o->backend,
                  "the backend to test (onnxruntime, opencv, xnnpack, ...)")
      ->required();
  sub->add_option("--suite", o->run.suite,
                  "the suite folder: test folders (model.onnx + test_data_set_N/), or groups of "
                  "them")
      ->capture_default_str();
  sub->add_option("--filter", o->run.filter,
                  "only tests whose name (or group/name) matches this regular expression")
      ->type_name("REGEX");
  sub->add_option("--jobs", o->run.jobs,
                  "tests run at once, each in its own process (0: one per core)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--timeout", o->run.timeout_s,
                  "seconds per test (conversion and every data set) before it is killed and "
                  "counted as an error")
      ->capture_default_str();
  sub->add_option("--json", o->json, "write the whole report as JSON ('-' for stdout)")
      ->type_name("FILE");
  sub->add_flag("--fail-on-fail", o->fail_on_fail,
                "exit with 1 when a test fails (a wrong answer); errors and skips never do");
  sub->add_flag("--no-progress", o->no_progress, "no progress bar (none off a terminal anyway)");
  sub->footer(
      "Statuses: pass (every output within rtol 1e-3, atol 1e-5, or the tolerances a test's\n"
      "data.json states), fail (a wrong answer: the worst output and error), error\n"
      "(conversion or run refused, or the test crashed or timed out: the message or the\n"
      "signal), skip (a type nnport's tensors cannot hold).\n"
      "Exit code 0 when the run completed, whatever the counts (read --json in scripts);\n"
      "--fail-on-fail makes a fail exit 1.\n"
      "Examples:\n"
      "  nnport conformance --backend onnxruntime --json ort.json\n"
      "  nnport conformance --backend opencv --filter '^test_(relu|add)$'\n"
      "  nnport conformance --backend xnnpack --suite /usr/share/libonnx-testdata/data/node");
  return {sub, [o, &g] {
            const char* cmd = "conformance";
            if (!(o->run.timeout_s > 0) || !std::isfinite(o->run.timeout_s))
              return fail(cmd, "--timeout " + format_number(o->run.timeout_s) +
                                   ": expected a number of seconds > 0, such as 60");
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail(cmd, plugins);
            Status json_ok = check_json_path(o->json);
            if (!json_ok.ok()) return fail(cmd, json_ok);
            // Bad --suite or --filter before the backend is even loaded.
            auto tests = conf::discover(o->run.suite, o->run.filter);
            if (!tests.ok()) return fail(cmd, tests.status());
            verbose(g, cmd, std::to_string(tests->size()) + " tests in " + o->run.suite);
            const bool bar = !o->no_progress && isatty(STDERR_FILENO);
            conf::Counts counts;
            conf::Progress progress = [&](size_t done, size_t total, const conf::TestResult& r) {
              counts.add(r.status);
              if (bar)
                draw_progress_bar(total ? double(done) / double(total) : 1.0,
                                  std::to_string(done) + "/" + std::to_string(total) + "  pass " +
                                      std::to_string(counts.pass) + "  fail " +
                                      std::to_string(counts.fail) + "  error " +
                                      std::to_string(counts.error) + "  skip " +
                                      std::to_string(counts.skip));
              if (g.verbose)
                std::cerr << (bar ? "\r" : "") << "nnport conformance: " << r.group << "/" << r.name
                          << ": " << conf::status_name(r.status)
                          << (r.detail.empty() ? "" : ": " + first_line(r.detail)) << "\n";
            };
            auto report = conf::run_backend(o->run, o->backend, progress);
            if (bar) clear_progress_bar();
            if (!report.ok()) return fail(cmd, report.status());
            if (o->json != "-") print_report(*report);
            if (!o->json.empty()) {
              Status written = write_json(o->json, conf::report_json(*report));
              if (!written.ok()) return fail(cmd, written);
              if (o->json != "-") std::cout << "wrote JSON: " << o->json << "\n";
            }
            return o->fail_on_fail && report->summary.fail > 0 ? kExitError : kExitOk;
          }};
}

}  // namespace nnport::cli
