// Running the suite: each test in a child process with a time limit (a
// crash or a hang there is that test's error, never the run's end), up to
// `jobs` children at once, the outputs compared with compare_outputs.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/child_process.h"
#include "nnport/apis.h"
#include "nnport/conformance.h"

namespace nnport::conformance {
namespace fs = std::filesystem;

namespace {

constexpr char kLogFile[] = "child.log";  // the child's stdout and stderr

// Only the JSON number types: NaN / inf become null.
Config number(double v) { return std::isfinite(v) ? Config(v) : Config(nullptr); }
double number_from(const Config& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>()
                                               : std::numeric_limits<double>::quiet_NaN();
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// "max abs err 0.5, max rel err 0.1 (12 of 60 values off)", or the reason.
std::string describe_failure(const OutputComparison& c) {
  if (!c.reason.empty()) return c.reason;
  std::ostringstream s;
  s << "max abs err " << c.max_abs_err << ", max rel err " << c.max_rel_err << " (" << c.mismatches
    << " of " << c.numel << " values off)";
  return s.str();
}

// The child's side: everything that may crash happens here. Writes one JSON
// line with the model's op types first (so a crash still knows them), then
// one with the verdict.
int run_one(int fd, const TestCase& test, const Options& o, const Engine& engine,
            const std::string& scratch) {
  // Drop the other children's pipe ends this fork copied (a sibling started
  // at the same moment), so their EOF never waits on this child.
  if (fd > 3) ::close_range(3, static_cast<unsigned>(fd - 1), 0);
  ::close_range(static_cast<unsigned>(fd + 1), ~0U, 0);
  const int log =
      ::open((fs::path(scratch) / kLogFile).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (log >= 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::close(log);
  }
  auto verdict = [&](TestStatus s, const std::string& detail, Config extra = Config::object()) {
    extra["status"] = std::string(status_name(s));
    extra["detail"] = detail;
    core_internal::write_all(fd,
                             extra.dump(-1, ' ', false, Config::error_handler_t::replace) + "\n");
    return 0;
  };
  auto model = inspect_test(test);
  if (!model.ok())
    return verdict(TestStatus::kError, "reading the model: " + model.status().message());
  Config ops = Config::object();
  ops["op_types"] = model->op_types;
  ops["op"] = model->summary_op;
  core_internal::write_all(fd, ops.dump() + "\n");
  if (!model->skip_reason.empty()) return verdict(TestStatus::kSkip, model->skip_reason);
  auto tol = stated_tolerances(test, {o.rtol, o.atol});
  if (!tol.ok()) return verdict(TestStatus::kError, tol.status().message());
  auto sets = read_data_sets(test, *model);
  if (!sets.ok())
    return verdict(TestStatus::kError, "reading the test data: " + sets.status().message());

  // The engine's own folder, empty (child.log sits beside it).
  const fs::path work = fs::path(scratch) / "work";
  std::error_code ec;
  if (!fs::create_directory(work, ec))
    return verdict(TestStatus::kError, "cannot create '" + work.string() + "': " + ec.message());
  auto outputs = engine(test, *model, *sets, work.string());
  if (!outputs.ok()) return verdict(TestStatus::kError, outputs.status().message());
  if (outputs->size() != sets->size())
    return verdict(TestStatus::kError, "the engine returned " + std::to_string(outputs->size()) +
                                           " results for " + std::to_string(sets->size()) +
                                           " data sets");
  // The worst output over every data set: a reason (shape, type, missing)
  // beats any value error; else the largest max abs err.
  // NaN (null in JSON) when no output's values were compared.
  double max_abs = std::numeric_limits<double>::quiet_NaN(), max_rel = max_abs;
  bool failed = false;
  std::string worst_detail, worst_output;
  double worst_err = -1;
  for (size_t i = 0; i < sets->size(); ++i) {
    const DataSet& set = (*sets)[i];
    NamedTensors compared;  // only the outputs the data set states
    for (const auto& [name, tensor] : (*outputs)[i])
      if (set.expected.contains(name)) compared.set(name, tensor);
    for (const auto& c : compare_outputs(compared, set.expected, tol->atol, tol->rtol)) {
      if (c.reason.empty()) {
        max_abs = std::isnan(max_abs) ? c.max_abs_err : std::max(max_abs, c.max_abs_err);
        max_rel = std::isnan(max_rel) ? c.max_rel_err : std::max(max_rel, c.max_rel_err);
      }
      if (c.pass) continue;
      const double err = c.reason.empty() ? c.max_abs_err : std::numeric_limits<double>::infinity();
      if (!failed || err > worst_err) {
        worst_err = err;
        worst_output = c.name;
        worst_detail = set.name + ": output '" + c.name + "': " + describe_failure(c);
      }
      failed = true;
    }
  }
  Config extra = Config::object();
  extra["max_abs_err"] = number(max_abs);
  extra["max_rel_err"] = number(max_rel);
  extra["output"] = worst_output;
  extra["data_sets"] = sets->size();
  extra["rtol"] = tol->rtol;
  extra["atol"] = tol->atol;
  return verdict(failed ? TestStatus::kFail : TestStatus::kPass, worst_detail, extra);
}

std::string log_tail(const std::string& scratch) {
  std::ifstream in(fs::path(scratch) / kLogFile);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last.size() > 300 ? last.substr(0, 300) + "..." : last;
}

// The parent's side: a scratch folder, the child, its verdict.
TestResult run_isolated(const TestCase& test, const Options& o, const Engine& engine) {
  TestResult r;
  r.name = test.name;
  r.group = test.group;
  // Until the child reports the model's ops (it may crash before).
  r.summary_op = test.group == "node" ? "unknown" : "model";
  std::error_code ec;
  const fs::path base =
      o.scratch_dir.empty() ? fs::temp_directory_path(ec) : fs::path(o.scratch_dir);
  std::string tmpl = (base / "nnport-conformance-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    r.detail = "cannot create a scratch folder in '" + base.string() + "': " + std::strerror(errno);
    return r;
  }
  const std::string scratch = tmpl;
  auto outcome = core_internal::run_in_child(
      [&](int fd) { return run_one(fd, test, o, engine, scratch); }, o.timeout_s);
  if (!outcome.ok()) {
    r.detail = outcome.status().message();
    fs::remove_all(scratch, ec);
    return r;
  }
  r.seconds = outcome->seconds;
  std::istringstream lines(outcome->output);
  std::string line;
  bool have_verdict = false;
  while (std::getline(lines, line)) {
    Config j = Config::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    if (j.contains("op_types")) {
      r.op_types = j["op_types"].get<std::vector<std::string>>();
      r.summary_op = j["op"].get<std::string>();
    }
    if (!j.contains("status")) continue;
    have_verdict = true;
    const std::string s = j["status"].get<std::string>();
    r.status = s == "pass"   ? TestStatus::kPass
               : s == "fail" ? TestStatus::kFail
               : s == "skip" ? TestStatus::kSkip
                             : TestStatus::kError;
    r.detail = j.value("detail", "");
    r.output = j.value("output", "");
    r.max_abs_err = number_from(j, "max_abs_err");
    r.max_rel_err = number_from(j, "max_rel_err");
    r.data_sets = j.value("data_sets", 0);
    r.rtol = number_from(j, "rtol");
    r.atol = number_from(j, "atol");
  }
  if (!have_verdict) {
    // A crash, a hang or an exit before the verdict: an error with the signal.
    r.status = TestStatus::kError;
    const std::string last = log_tail(scratch);
    const std::string& out = outcome->output;
    const size_t exception = out.find("exception");
    r.detail = outcome->exited
                   ? "the test's process ended without a verdict (" +
                         core_internal::describe(*outcome, o.timeout_s) + ")" +
                         (exception != std::string::npos ? ": " + first_line(out.substr(exception))
                                                         : std::string())
                   : core_internal::describe(*outcome, o.timeout_s);
    if (!last.empty()) r.detail += " (last log line: " + last + ")";
  }
  fs::remove_all(scratch, ec);
  return r;
}

}  // namespace

Result<Report> run_suite(const Options& options, const std::string& name, const Engine& engine,
                         const Progress& progress) {
  if (!(options.timeout_s > 0)) return invalid_argument("the time limit per test must be > 0 s");
  if (options.jobs < 0) return invalid_argument("jobs must be >= 0 (0: one per core)");
  if (!options.scratch_dir.empty() && !fs::is_directory(options.scratch_dir))
    return not_found("scratch folder '" + options.scratch_dir + "' does not exist");
  NNPORT_ASSIGN_OR_RETURN(std::vector<TestCase> tests, discover(options.suite, options.filter));
  Report report;
  report.backend = name;
  report.suite = options.suite;
  report.filter = options.filter;
  report.rtol = options.rtol;
  report.atol = options.atol;
  report.timeout_s = options.timeout_s;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  report.jobs = static_cast<int>(
      std::min<size_t>(options.jobs > 0 ? static_cast<size_t>(options.jobs) : cores, tests.size()));
  report.tests.resize(tests.size());

  const auto start = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  std::mutex done_mutex;
  size_t done = 0;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < tests.size();) {
      TestResult r = run_isolated(tests[i], options, engine);
      std::lock_guard lock(done_mutex);
      report.tests[i] = std::move(r);
      ++done;
      if (progress) progress(done, tests.size(), report.tests[i]);
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < report.jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (const auto& r : report.tests) {
    report.summary.add(r.status);
    report.ops[r.summary_op].add(r.status);
  }
  return report;
}

}  // namespace nnport::conformance
