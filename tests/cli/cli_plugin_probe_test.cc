// check-env with plugins that crash (SIGSEGV) or hang in their entry point:
// nnport probes each in a child process, names them and lists the others.
#include <chrono>
#include <map>

#include "cli_fixture.h"

namespace nnport::test {
namespace {

#define EXPECT_HAS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

std::string probe_dir() {
  return std::filesystem::path(NNPORT_CRASH_PLUGIN).parent_path().string();
}

// NNPORT_PLUGIN_PATH holds the two bad plugins; --plugin the good one.
CliEnv probe_env() {
  return {"", {"NNPORT_PLUGIN_PATH=" + probe_dir(), "NNPORT_PLUGIN_PROBE_TIMEOUT=1"}};
}

TEST_F(CliTest, CheckEnvSurvivesCrashingAndHangingPlugins) {
  const auto start = std::chrono::steady_clock::now();
  CliResult r = run_cli({"--plugin", NNPORT_TESTECHO_PLUGIN, "check-env"}, probe_env());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.signal, 0) << r.err;
  // Folder plugins that fail are listed, not an error (as before the probe).
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.out, "testecho:\t1.2.3");
  EXPECT_HAS(r.out, "plugins that failed to load:");
  EXPECT_HAS(r.out, "plugin '" + std::string(NNPORT_CRASH_PLUGIN) +
                        "' crashed while loading (signal 11, SIGSEGV); it was skipped");
  EXPECT_HAS(r.out, "plugin '" + std::string(NNPORT_HANG_PLUGIN) +
                        "' hung while loading (no answer within 1 s); it was skipped");
  EXPECT_LT(seconds, 10.0) << "the hang costs the 1 s limit, not more";
}

TEST_F(CliTest, CheckEnvJsonNamesACrashingPlugin) {
  CliResult r = run_cli({"--plugin", NNPORT_TESTECHO_PLUGIN, "check-env", "--json"}, probe_env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  std::map<std::string, std::string> failures;
  for (const auto& f : j["failures"]) failures[f["name"]] = f["reason"];
  ASSERT_EQ(failures.size(), 2u) << r.out;
  EXPECT_HAS(failures["testcrash"], "(signal 11, SIGSEGV)");
  EXPECT_HAS(failures["testhang"], "no answer within 1 s");
  bool echo = false;
  for (const auto& b : j["backends"])
    if (b["name"] == "testecho") echo = b["available"] == true && b["version"] == "1.2.3";
  EXPECT_TRUE(echo) << r.out;
}

// A crashing --plugin file fails check-env like any --plugin that fails to load.
TEST_F(CliTest, CheckEnvWithACrashingPluginOptionExitsOne) {
  CliResult r = run_cli({"--plugin", NNPORT_CRASH_PLUGIN, "check-env"});
  EXPECT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_HAS(r.out, "crashed while loading (signal 11, SIGSEGV)");
  EXPECT_HAS(r.err, "--plugin " + std::string(NNPORT_CRASH_PLUGIN) + " failed to load");
}

}  // namespace
}  // namespace nnport::test
