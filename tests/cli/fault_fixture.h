// The fixture of the fault tests (cli_faults_test.cc: races, a full disk,
// concurrent runs; cli_kill_test.cc: signals at many moments of a
// conversion): what a whole work dir is, what a kill left beside it, and
// conversions timed and interrupted through the nnport binary.
#ifndef NNPORT_TESTS_CLI_FAULT_FIXTURE_H_
#define NNPORT_TESTS_CLI_FAULT_FIXTURE_H_

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "safety_fixture.h"

namespace nnport::test {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

inline constexpr int kKillPoints = 6;  // per backend; see the time note in cli_kill_test.cc
inline constexpr int kRaceRounds = 2;  // per mode (with and without --force)

inline std::string repo_cfg(const std::string& rel) {
  return (fs::path(NNPORT_SOURCE_DIR) / "configs" / rel).string();
}

// Every file under a folder with its size, folders as -1: what a work dir is
// made of, without reading 47 MB each time.
inline std::map<std::string, int64_t> sizes(const fs::path& dir) {
  std::map<std::string, int64_t> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = e.path().lexically_relative(dir).generic_string();
    out[rel] = e.is_regular_file() ? static_cast<int64_t>(e.file_size()) : -1;
  }
  return out;
}

// "" when `dir` is a whole work dir: a deploy.json with nnport's marker whose
// lists name files that all exist, and nothing in the folder it does not list.
inline std::string work_dir_problem(const fs::path& dir) {
  std::ifstream in(dir / "deploy.json");
  if (!in) return "no deploy.json";
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  if (!Json::accept(text)) return "deploy.json is not JSON (" + std::to_string(text.size()) + " B)";
  const Json d = Json::parse(text);
  if (!d.contains("nnport")) return "deploy.json has no nnport object";
  std::set<std::string> listed = {"deploy.json", "detail.json"};
  for (const char* key : {"ir_files", "backend_files", "data_files", "extra_files"})
    if (d["nnport"].contains(key))
      for (const auto& f : d["nnport"][key]) listed.insert(f.get<std::string>());
  for (const auto& f : listed)
    if (!fs::is_regular_file(dir / f)) return "listed file " + f + " is missing";
  for (const auto& [rel, size] : sizes(dir))
    if (size >= 0 && !listed.count(rel)) return "unlisted file " + rel;
  return "";
}

// The temporary folders (and replaced ones) beside a work dir.
inline std::vector<fs::path> siblings_of(const fs::path& target) {
  std::vector<fs::path> found;
  const std::string name = target.filename().string();
  for (const auto& e : fs::directory_iterator(target.parent_path())) {
    const std::string n = e.path().filename().string();
    if (n.rfind(name + ".tmp-", 0) == 0 || n.rfind(name + ".old-", 0) == 0)
      found.push_back(e.path());
  }
  return found;
}

inline std::string names(const std::vector<fs::path>& paths) {
  std::string s;
  for (const auto& p : paths) s += " " + p.filename().string();
  return s;
}

// What `clean` left beside `target`, less the folders of a convert killed
// before its lock file was in place (nothing in it, or only the lock file
// under its first name): clean removes those only once they are a minute old,
// since a running convert's folder looks the same for that instant. Those are
// removed here and counted in `*too_young`.
inline std::string left_after_clean(const fs::path& target, int* too_young) {
  std::string left;
  for (const auto& p : siblings_of(target)) {
    bool bare = true;
    std::string holds;
    for (const auto& e : fs::directory_iterator(p)) {
      bare = bare && e.path().filename() == ".nnport-lock.new";
      holds += " " + e.path().filename().string();
    }
    if (bare) {
      ++*too_young;
      fs::remove_all(p);
    } else {
      left += " " + p.filename().string() + " (holding:" + holds + ")";
    }
  }
  return left;
}

struct Backend {
  const char* name;
  const char* config;  // under configs/
  const char* model;   // under tests/models/out
};
inline void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

// Conversions that take long enough to be caught (squeezenet1_1 converts in
// a blink); xnnpack and opencv write files of their own during convert.
inline const Backend kBackends[] = {
    {"onnxruntime", "classification/classification_onnxruntime_static.py", "resnet18"},
    {"xnnpack", "classification/classification_xnnpack_static.py", "mobilenet_v2"},
    {"opencv", "classification/classification_opencv_static.py", "mobilenet_v2"},
};
inline const Backend kOrtMobilenet{
    "onnxruntime", "classification/classification_onnxruntime_static.py", "mobilenet_v2"};

class FaultTest : public SafetyTest {
 protected:
  static std::vector<std::string> convert_args(const Backend& b, const fs::path& work_dir,
                                               bool force = false) {
    std::vector<std::string> a = {"convert", repo_cfg(b.config), model(b.model).string(),
                                  "--work-dir", work_dir.string()};
    if (force) a.push_back("--force");
    return a;
  }
  // When, from its start, a conversion made its temporary folder and when
  // its work dir appeared: the kills are spread between the two.
  struct Timing {
    double tmp = 0, done = 0;
  };
  // Converts into `work_dir`, watching the folder, then moves the result to
  // `keep`.
  static Timing reference(const Backend& b, const fs::path& work_dir, const fs::path& keep,
                          bool force = false) {
    Timing t;
    const auto t0 = Clock::now();
    CliProcess p = start_cli(convert_args(b, work_dir, force));
    while (Seconds(Clock::now() - t0).count() < 60) {
      if (t.tmp == 0 && !siblings_of(work_dir).empty()) t.tmp = Seconds(Clock::now() - t0).count();
      if (t.tmp > 0 && fs::exists(work_dir / "deploy.json") && siblings_of(work_dir).empty()) {
        t.done = Seconds(Clock::now() - t0).count();
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    CliResult r = wait_cli(p);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_GT(t.done, t.tmp) << "the temporary folder was never seen";
    fs::rename(work_dir, keep);
    return t;
  }
  // The i-th of n kill moments, in seconds after the temporary folder
  // appears: from then to just after the rename.
  static double moment(const Timing& t, int i, int n) {
    return (t.done - t.tmp) * (0.02 + 1.03 * i / (n - 1));
  }
  // Starts a convert into `work_dir`, sends `sig` `delay` seconds after its
  // temporary folder appears (timed from there, not from the start: starting
  // a process and reading the model vary too much on a busy machine), waits.
  static CliResult signal_after_temporary(const std::vector<std::string>& args,
                                          const fs::path& work_dir, double delay, int sig) {
    const auto t0 = Clock::now();
    CliProcess p = start_cli(args);
    while (siblings_of(work_dir).empty() && Seconds(Clock::now() - t0).count() < 30)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    std::this_thread::sleep_for(Seconds(delay));
    ::kill(p.pid, sig);
    return wait_cli(p);
  }
};

}  // namespace nnport::test

#endif  // NNPORT_TESTS_CLI_FAULT_FIXTURE_H_
