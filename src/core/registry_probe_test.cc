// Registry::set_probe_timeout: plugins that crash or hang in their entry
// point are probed in a child process and skipped, never loaded here.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>

#include "core_test_util.h"
#include "nnport/registry.h"

namespace nnport {
namespace {

using testing_util::test_plugin;

const std::string kProbeDir = std::string(NNPORT_TEST_PLUGIN_DIR) + "/probe";

std::string probe_plugin(const std::string& name) {
  return kProbeDir + "/libnnport_backend_" + name + ".so";
}

// The reference: loaded in-process, the crashing plugin really kills the
// process with SIGSEGV (so the probe below is what saves the caller).
TEST(RegistryProbeDeathTest, WithoutTheProbeTheCrashKillsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT((void)Registry(false).load_plugin(probe_plugin("testcrash")),
              testing::KilledBySignal(SIGSEGV), "");
}

TEST(RegistryProbe, SkipsCrashingAndHangingPluginsAndKeepsTheOthers) {
  Registry r(false);
  r.set_probe_timeout(1.5);
  r.add_search_dir(kProbeDir);
  ASSERT_TRUE(r.load_plugin(test_plugin("testecho")).ok());
  const auto start = std::chrono::steady_clock::now();
  auto all = r.list();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]->name(), "testecho");
  auto v = all[0]->version();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "1.2.3");

  ASSERT_EQ(r.failures().size(), 2u);  // files sorted: testcrash, testhang
  const PluginFailure& crash = r.failures()[0];
  EXPECT_EQ(crash.name, "testcrash");
  EXPECT_EQ(crash.path, probe_plugin("testcrash"));
  EXPECT_HAS(crash.reason, "plugin '" + probe_plugin("testcrash") +
                               "' crashed while loading (signal 11, SIGSEGV); it was skipped");
  const PluginFailure& hang = r.failures()[1];
  EXPECT_EQ(hang.name, "testhang");
  EXPECT_HAS(hang.reason, "plugin '" + probe_plugin("testhang") +
                              "' hung while loading (no answer within 1.5 s); it was skipped");
  // The hang costs the time limit once, not more.
  EXPECT_GE(seconds, 1.5);
  EXPECT_LT(seconds, 6.0);

  // A skipped plugin stays skipped: find and load_plugin give the recorded reason.
  auto again = r.load_plugin(probe_plugin("testcrash"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kUnavailable);
  EXPECT_HAS(again.status().message(), "SIGSEGV");
  auto found = r.find("testhang");
  ASSERT_FALSE(found.ok());
  EXPECT_HAS(found.status().message(), "hung while loading");
  EXPECT_EQ(r.failures().size(), 2u) << "nothing probed twice";
}

// A plugin that fails to load cleanly gets the loader's own message, as
// without the probe.
TEST(RegistryProbe, CleanLoadFailuresKeepTheirMessage) {
  Registry plain(false);
  auto expected = plain.load_plugin(test_plugin("testabi"));
  ASSERT_FALSE(expected.ok());
  Registry probed(false);
  probed.set_probe_timeout(5);
  auto got = probed.load_plugin(test_plugin("testabi"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), expected.status().code());
  EXPECT_EQ(got.status().message(), expected.status().message());
  EXPECT_HAS(got.status().message(), "ABI 999");
}

}  // namespace
}  // namespace nnport
