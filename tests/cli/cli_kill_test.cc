// Nothing lost under signals (issue 11), on real conversions through the
// nnport binary: SIGKILL at many moments of a conversion (the backends' own
// file writes included), with and without an older work dir and --force;
// SIGINT and SIGTERM at many moments. cli_interrupt_test.cc already proves one
// SIGINT / SIGTERM / SIGHUP / SIGKILL at the moment end2end.onnx appears and
// what `nnport clean` keeps; this file kills at many moments instead.
//
// Time: with cli_faults_test.cc (one binary) under ~60 s on a quiet 2-core
// machine (CI). A kill costs about half a conversion, so each backend gets
// kKillPoints kills spread over its measured conversion time, not more.

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <string>
#include <thread>

#include "fault_fixture.h"

namespace nnport::test {
namespace {

// ---- SIGKILL at many moments ----

class KillTest : public FaultTest, public ::testing::WithParamInterface<Backend> {};

TEST_P(KillTest, SigkillLeavesNoWorkDirOrAWholeOne) {
  const Backend& b = GetParam();
  if (!fs::exists(model(b.model))) GTEST_SKIP() << b.model << " is absent";
  if (!backend_available(b.name)) GTEST_SKIP() << b.name << " is not available";
  const fs::path w = dir_ / "work", ref = dir_ / "ref";
  const Timing t = reference(b, w, ref);
  const auto want = sizes(ref);
  int inside = 0, after = 0;  // kills that left a temporary / a work dir
  int too_young = 0;          // see left_after_clean
  bool ran = false;
  for (int i = 0; i < kKillPoints; ++i) {
    const double at = moment(t, i, kKillPoints);
    CliResult r = signal_after_temporary(convert_args(b, w), w, at, SIGKILL);
    const auto left = siblings_of(w);
    SCOPED_TRACE(std::string(b.name) + " killed at " + std::to_string(at) +
                 " s after the temporary appeared (" + std::to_string(t.done - t.tmp) +
                 " s before the rename; " + (r.signal ? "killed" : "had exited") +
                 "), left:" + names(left));
    if (r.signal == SIGKILL && !left.empty()) ++inside;
    if (fs::exists(w)) {
      ++after;
      EXPECT_EQ(work_dir_problem(w), "");
      EXPECT_EQ(sizes(w), want) << "the work dir differs from an uninterrupted conversion's";
      if (!ran) {  // once per backend: loading is slow, and the files are the same
        CliResult run = run_cli({"run", w.string(), "--shape", "input=1x3x224x224", "--json"});
        EXPECT_EQ(run.exit_code, 0) << run.err;
        ran = true;
      }
      fs::remove_all(w);
    }
    if (i + 1 < kKillPoints) {
      // What the kill left, `clean` removes entirely.
      CliResult c = run_cli({"clean", w.string()});
      EXPECT_EQ(c.exit_code, 0) << c.err;
      EXPECT_EQ(left_after_clean(w, &too_young), "") << "clean left these";
    } else {
      // After the last, the same convert again: it cleans up and succeeds.
      CliResult again = run_cli(convert_args(b, w));
      EXPECT_EQ(again.exit_code, 0) << again.err;
      EXPECT_EQ(left_after_clean(w, &too_young), "") << "the next convert left these";
      EXPECT_EQ(sizes(w), want);
    }
  }
  EXPECT_GE(inside, kKillPoints / 3) << "too few kills landed inside the conversion";
  std::cout << b.name << ": temporary at " << t.tmp << " s, work dir at " << t.done << " s; "
            << kKillPoints << " kills, " << inside << " left a temporary, " << after
            << " a work dir, " << too_young << " a folder too young for clean\n";
}

INSTANTIATE_TEST_SUITE_P(Backends, KillTest, ::testing::ValuesIn(kBackends));

// With an older work dir and --force: after a kill at any moment, the old
// work dir is there byte for byte, or the new one is whole.
TEST_F(FaultTest, SigkillDuringForceKeepsTheOldOrTheWholeNew) {
  const Backend& b = kOrtMobilenet;
  if (!fs::exists(model(b.model))) GTEST_SKIP() << b.model << " is absent";
  const fs::path w = dir_ / "work", ref = dir_ / "ref", old = dir_ / "old";
  ASSERT_EQ(run_cli({"convert", cfg("ort_plain.py"), m("static.onnx"), "--work-dir", w.string()})
                .exit_code,
            0);
  fs::copy(w, old, fs::copy_options::recursive);
  const auto old_files = snapshot(old);
  const Timing t = reference(b, w, ref, /*force=*/true);
  fs::copy(old, w, fs::copy_options::recursive);
  const auto want = sizes(ref);
  int replaced = 0;
  for (int i = 0; i < kKillPoints; ++i) {
    const double at = moment(t, i, kKillPoints);
    signal_after_temporary(convert_args(b, w, /*force=*/true), w, at, SIGKILL);
    SCOPED_TRACE("killed " + std::to_string(at) +
                 " s after the temporary appeared, left:" + names(siblings_of(w)));
    ASSERT_TRUE(fs::exists(w)) << "neither the old nor the new work dir is there";
    if (snapshot(w) != old_files) {
      ++replaced;
      EXPECT_EQ(work_dir_problem(w), "");
      EXPECT_EQ(sizes(w), want) << "neither the old work dir nor a whole new one";
      fs::remove_all(w);
      fs::copy(old, w, fs::copy_options::recursive);
    }
    CliResult c = run_cli({"clean", w.string()});
    EXPECT_EQ(c.exit_code, 0) << c.err;
    int too_young = 0;  // see left_after_clean
    EXPECT_EQ(left_after_clean(w, &too_young), "") << "clean left these";
  }
  std::cout << "--force: " << kKillPoints << " kills, " << replaced << " after the swap\n";
}

// The moment right after the swap, when the old work dir is checked and
// deleted: killed there, nnport used to leave the old one, half deleted, in a
// "work.tmp-XXXXXX" without a lock file, which neither `clean` nor the next
// convert removed (11 of 12 kills here). The old one is resnet18's, so its
// deletion takes a while; the kill follows the new deploy.json. Since the
// swap happens inside a second locked temporary folder, no moment is left
// where the old one sits in an unlocked one (it used to, between the
// exchange and the next rename: seen under load).
TEST_F(FaultTest, SigkillRightAfterTheSwapLeavesNothingCleanCannotRemove) {
  if (!fs::exists(model("resnet18")) || !fs::exists(model("squeezenet1_1")))
    GTEST_SKIP() << "resnet18 or squeezenet1_1 is absent";
  const fs::path w = dir_ / "work", old = dir_ / "old";
  ASSERT_EQ(run_cli(convert_args(kBackends[0], old)).exit_code, 0);
  const Backend small{"onnxruntime", kBackends[0].config, "squeezenet1_1"};
  for (int round = 0; round < 3; ++round) {
    fs::remove_all(w);
    fs::copy(old, w, fs::copy_options::recursive);
    struct stat before {};
    ASSERT_EQ(::stat((w / "deploy.json").c_str(), &before), 0);
    const auto t0 = Clock::now();
    CliProcess p = start_cli(convert_args(small, w, /*force=*/true));
    for (struct stat now{};
         Seconds(Clock::now() - t0).count() < 30 &&
         (::stat((w / "deploy.json").c_str(), &now) != 0 || now.st_ino == before.st_ino);)
      std::this_thread::yield();
    ::kill(p.pid, SIGKILL);
    wait_cli(p);
    SCOPED_TRACE("round " + std::to_string(round) + ", left:" + names(siblings_of(w)));
    EXPECT_EQ(work_dir_problem(w), "");
    CliResult c = run_cli({"clean", w.string()});
    EXPECT_EQ(c.exit_code, 0) << c.err;
    int too_young = 0;  // see left_after_clean: by design, kept for a minute
    EXPECT_EQ(left_after_clean(w, &too_young), "") << "clean left these";
  }
}

// A convert killed after creating its lock file but before renaming it into
// place leaves only ".nnport-lock.new": once a minute old, clean removes it
// like an empty one (it used to stay for good: not empty, no lock file).
TEST_F(FaultTest, CleanRemovesAFolderKilledBeforeItsLockWasInPlace) {
  const fs::path w = dir_ / "work";
  const fs::path killed = dir_ / "work.tmp-Zx9Lk2", young = dir_ / "work.tmp-Yq8Jm1";
  write_file(killed / ".nnport-lock.new", "");
  write_file(young / ".nnport-lock.new", "");
  fs::last_write_time(killed, fs::file_time_type::clock::now() - std::chrono::minutes(2));
  CliResult c = run_cli({"clean", w.string(), "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(Json::parse(c.out)["removed"], Json({killed.string()}));
  EXPECT_TRUE(fs::exists(young)) << "a folder this young may be a running convert's";
}

// SIGINT and SIGTERM at many moments: when the process has ended, no
// temporary folder is left, and the work dir is absent or whole.
TEST_F(FaultTest, SigintAndSigtermAtAnyMomentLeaveNoTemporary) {
  const Backend& b = kOrtMobilenet;
  if (!fs::exists(model(b.model))) GTEST_SKIP() << b.model << " is absent";
  const fs::path w = dir_ / "work", ref = dir_ / "ref";
  const Timing t = reference(b, w, ref);
  const int points = kKillPoints / 2;
  for (int sig : {SIGINT, SIGTERM})
    for (int i = 0; i < points; ++i) {
      const double at = moment(t, i, points);
      CliResult r = signal_after_temporary(convert_args(b, w), w, at, sig);
      SCOPED_TRACE(std::string(strsignal(sig)) + " " + std::to_string(at) +
                   " s after the temporary appeared: exit " + std::to_string(r.exit_code) +
                   ", signal " + std::to_string(r.signal));
      EXPECT_EQ(names(siblings_of(w)), "") << "left behind after the process ended";
      // A signal during the rename waits for it: then the work dir is whole.
      if (fs::exists(w)) {
        EXPECT_EQ(work_dir_problem(w), "");
        fs::remove_all(w);
      }
    }
}

}  // namespace
}  // namespace nnport::test
