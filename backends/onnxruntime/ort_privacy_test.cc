// ONNX Runtime's telemetry stays off: `nnport run` (the CLI, in a child
// process, so the library and its env start fresh) leaves nothing in HOME,
// in the working directory, or in /tmp under the child's pid. The builds of
// ONNX Runtime with 1DS telemetry would write ~/.cache/Microsoft/
// DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db},
// /tmp/mat-debug-<pid>.log and, when that cache is not writable,
// ':memory:.ses' in the working directory. docs/backends/onnxruntime.md,
// "Privacy: telemetry".
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ort_test_util.h"

extern char** environ;

namespace nnport {
namespace {

namespace fs = std::filesystem;

std::string make_temp_dir(const std::string& tag) {
  std::string t = (fs::temp_directory_path() / ("nnport_ort_privacy_" + tag + "_XXXXXX")).string();
  return ::mkdtemp(t.data()) != nullptr ? t : "";
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.insert(it->path().filename().string());
  }
  return names;
}

// Everything under `dir`, relative, one per line ("" when empty).
std::string listing(const fs::path& dir) {
  std::string s;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    s += fs::relative(it->path(), dir).string() + "\n";
  }
  return s;
}

// `name` holds `pid` as a whole number (not as part of a longer one).
bool names_pid(const std::string& name, const std::string& pid) {
  for (size_t at = name.find(pid); at != std::string::npos; at = name.find(pid, at + 1)) {
    const bool digit_before = at > 0 && std::isdigit(static_cast<unsigned char>(name[at - 1]));
    const size_t end = at + pid.size();
    const bool digit_after =
        end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]));
    if (!digit_before && !digit_after) return true;
  }
  return false;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Child {
  pid_t pid = -1;
  int exit_code = -1;
  std::string output;
};

// Runs the CLI in `cwd` with HOME=`home` and a small environment: what it
// needs to find its plugins and libraries, and nothing that would switch
// the runtime's telemetry off on nnport's behalf (CI markers,
// ORT_DISABLE_TELEMETRY, XDG_CACHE_HOME) unless `extra` sets it.
Child run_cli(const std::vector<std::string>& args, const std::string& home, const std::string& cwd,
              const std::vector<std::string>& extra) {
  std::vector<std::string> env = {"HOME=" + home};
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    for (const char* keep : {"PATH=", "LD_LIBRARY_PATH=", "NNPORT_PLUGIN_PATH=",
                             "NNPORT_ONNXRUNTIME_LIBRARY=", "LANG=", "LC_ALL="}) {
      if (kv.rfind(keep, 0) == 0) env.push_back(kv);
    }
  }
  env.insert(env.end(), extra.begin(), extra.end());
  std::vector<std::string> argv_s = {NNPORT_CLI_PATH};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  for (auto& e : env) envp.push_back(e.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);

  // The output goes beside HOME, not into it or the cwd.
  const std::string out = home + ".out";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  Child child;
  if (posix_spawn(&child.pid, argv[0], &fa, nullptr, argv.data(), envp.data()) == 0) {
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    if (WIFEXITED(status)) child.exit_code = WEXITSTATUS(status);
  }
  posix_spawn_file_actions_destroy(&fa);
  child.output = slurp(out);
  ::unlink(out.c_str());
  return child;
}

struct Case {
  const char* name;
  bool home_is_a_file;             // the cache cannot be created: ':memory:.ses' in the cwd
  std::vector<std::string> extra;  // more environment
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class OrtPrivacy : public ::testing::TestWithParam<Case> {};

TEST_P(OrtPrivacy, RunLeavesNothingInHomeCwdOrTmp) {
  const Case& c = GetParam();
  ORT_TEST_REQUIRE_MODEL(dir, "tiny_mlp");
  const std::string root = make_temp_dir(c.name);
  ASSERT_FALSE(root.empty());
  const std::string home = root + "/home", cwd = root + "/cwd";
  fs::create_directory(cwd);
  if (c.home_is_a_file) {
    std::ofstream(home) << "not a directory";
  } else {
    fs::create_directory(home);
  }
  const fs::path tmp = "/tmp";  // the library's log goes here, whatever TMPDIR says
  const std::set<std::string> tmp_before = names_in(tmp);

  const auto started = fs::file_time_type::clock::now() - std::chrono::seconds(1);
  const Child child = run_cli({"run", dir + "/model.onnx"}, home, cwd, c.extra);
  const std::set<std::string> tmp_after = names_in(tmp);
  const std::string pid = std::to_string(child.pid);
  const std::string mat_debug = "/tmp/mat-debug-" + pid + ".log";
  // Written by this child: new, or (a stale one of an earlier process that
  // had the same pid) modified since it started.
  std::error_code ec;
  const bool had_mat_debug = fs::exists(mat_debug, ec) &&
                             (tmp_before.count(fs::path(mat_debug).filename().string()) == 0 ||
                              fs::last_write_time(mat_debug, ec) >= started);
  if (had_mat_debug) ::unlink(mat_debug.c_str());  // leave no litter when the test fails

  ASSERT_GT(child.pid, 0) << "could not start " << NNPORT_CLI_PATH;
  EXPECT_EQ(child.exit_code, 0) << child.output;
  if (!c.home_is_a_file) {
    EXPECT_EQ(listing(home), "") << "written into HOME";
  }
  EXPECT_EQ(listing(cwd), "") << "written into the working directory";
  EXPECT_FALSE(had_mat_debug) << mat_debug << " was written";
  for (const auto& name : tmp_after) {
    if (tmp_before.count(name) == 0 && names_pid(name, pid)) {
      ADD_FAILURE() << "/tmp/" << name << " appeared, named with the child's pid " << pid;
    }
  }
  fs::remove_all(root, ec);
}

INSTANTIATE_TEST_SUITE_P(
    Cli, OrtPrivacy,
    ::testing::Values(Case{"EmptyHome", false, {}}, Case{"HomeNotWritable", true, {}},
                      // nnport's setting wins over a user's (or a parent's) "0".
                      Case{"UserSaysTelemetryOn", false, {"ORT_DISABLE_TELEMETRY=0"}}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nnport
