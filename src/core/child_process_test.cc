// A crash, a hang or an exception in a child must come back as an outcome
// the caller can name, never end or block the caller.
#include "core/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace nnport::core_internal {
namespace {

TEST(RunInChild, ExitCodeAndPipeComeBack) {
  auto outcome = run_in_child(
      [](int fd) {
        write_all(fd, "hello ");
        write_all(fd, "parent");
        return 3;
      },
      10);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_TRUE(outcome->exited);
  EXPECT_EQ(outcome->exit_code, 3);
  EXPECT_EQ(outcome->signal, 0);
  EXPECT_FALSE(outcome->ok());
  EXPECT_EQ(outcome->output, "hello parent");
  EXPECT_EQ(describe(*outcome, 10), "exit code 3");
}

TEST(RunInChild, ACrashIsASignalNotTheEndOfTheCaller) {
  auto outcome = run_in_child(
      [](int) {
        ::raise(SIGSEGV);
        return 0;
      },
      10);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->exited);
  EXPECT_EQ(outcome->signal, SIGSEGV);
  EXPECT_EQ(describe(*outcome, 10), "killed by signal 11 (SIGSEGV)");
  auto aborted = run_in_child([](int) -> int { std::abort(); }, 10);
  ASSERT_TRUE(aborted.ok());
  EXPECT_EQ(aborted->signal, SIGABRT);
}

TEST(RunInChild, AHangIsKilledAtTheLimit) {
  auto outcome = run_in_child(
      [](int fd) {
        write_all(fd, "started");
        for (;;) ::pause();
        return 0;
      },
      0.3);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->timed_out);
  EXPECT_FALSE(outcome->ok());
  EXPECT_EQ(outcome->output, "started");
  EXPECT_GE(outcome->seconds, 0.3);
  EXPECT_LT(outcome->seconds, 5.0);
  EXPECT_EQ(describe(*outcome, 0.3), "timed out after 0.3 s");
}

TEST(RunInChild, AnExceptionIsReportedWithItsText) {
  auto outcome = run_in_child([](int) -> int { throw std::runtime_error("bad op 'Foo'"); }, 10);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->exited);
  EXPECT_EQ(outcome->exit_code, 70);
  EXPECT_EQ(outcome->output, "exception: bad op 'Foo'");
}

TEST(RunShell, OutputAndExitCode) {
  auto outcome = run_shell("echo out; echo err >&2; exit 4", 10);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->exited);
  EXPECT_EQ(outcome->exit_code, 4);
  EXPECT_EQ(outcome->output, "out\nerr\n");
  auto missing = run_shell("/nonexistent/command-xyz", 10);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->exit_code, 127);
}

TEST(RunShell, OutputBeyondTheCapIsDroppedWithoutBlocking) {
  // 4 MiB through a 1 KiB cap: the pipe keeps being read, the command ends.
  auto outcome = run_shell("head -c 4194304 /dev/zero", 20, 1024);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->ok());
  EXPECT_EQ(outcome->output.size(), 1024u);
}

TEST(RunShell, TheLimitKillsWhatTheCommandStarted) {
  // The background sleep keeps the pipe open; killing only sh would leave
  // the caller reading until it ended.
  auto outcome = run_shell("sleep 30 & sleep 30", 0.3);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->timed_out);
  EXPECT_LT(outcome->seconds, 5.0);
}

}  // namespace
}  // namespace nnport::core_internal
