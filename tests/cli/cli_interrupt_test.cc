// Interrupted conversions: what SIGINT, SIGTERM, SIGHUP (and nohup's
// ignored one) and SIGKILL leave behind, and what `nnport clean` removes.
#include <signal.h>

#include <chrono>
#include <thread>

#include "safety_fixture.h"

namespace nnport::test {
namespace {

// ---- interrupted conversions ----

// Starts a convert of resnet18 (47 MB: long enough to catch) and returns
// once its temporary folder exists.
CliProcess start_slow_convert(const fs::path& work_dir, fs::path* tmp) {
  CliProcess p = start_cli({"convert", cfg("ort_plain.py"), model("resnet18").string(),
                            "--work-dir", work_dir.string()});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (fs::directory_iterator it(work_dir.parent_path(), ec), end; !ec && it != end;
         it.increment(ec))
      if (contains(it->path().filename().string(), work_dir.filename().string() + ".tmp-") &&
          fs::exists(it->path() / "end2end.onnx")) {
        *tmp = it->path();
        return p;
      }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return p;
}

class SignalTest : public SafetyTest, public ::testing::WithParamInterface<int> {};

TEST_P(SignalTest, ATerminatingSignalLeavesNothing) {
  if (!fs::exists(model("resnet18"))) GTEST_SKIP() << "resnet18 is absent";
  const fs::path work_dir = dir_ / "new" / "parents" / "work";
  fs::path tmp;
  CliProcess p = start_slow_convert(work_dir, &tmp);
  if (tmp.empty()) {
    wait_cli(p);
    GTEST_SKIP() << "the conversion finished before it could be interrupted";
  }
  ::kill(p.pid, GetParam());
  CliResult r = wait_cli(p);
  EXPECT_EQ(r.signal, GetParam()) << "exit " << r.exit_code << ": " << r.err;
  EXPECT_FALSE(fs::exists(tmp)) << "left behind: " << tmp;
  EXPECT_FALSE(fs::exists(dir_ / "new")) << "the parent folders convert made are still there";
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP));

TEST_F(SafetyTest, UnderNohupSighupIsStillIgnored) {
  if (!fs::exists(model("resnet18"))) GTEST_SKIP() << "resnet18 is absent";
  // As nohup starts it: SIGHUP ignored, which the child inherits.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGHUP, &ignore, &previous);
  fs::path tmp;
  CliProcess p = start_slow_convert(work(), &tmp);
  ::sigaction(SIGHUP, &previous, nullptr);
  if (!tmp.empty()) ::kill(p.pid, SIGHUP);
  CliResult r = wait_cli(p);
  EXPECT_EQ(r.signal, 0) << "a SIGHUP that nohup ignores ended the convert";
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(fs::path(work()) / "deploy.json"));
}

TEST_F(SafetyTest, AfterSigkillTheNextConvertCleansUp) {
  if (!fs::exists(model("resnet18"))) GTEST_SKIP() << "resnet18 is absent";
  fs::path tmp;
  CliProcess p = start_slow_convert(work(), &tmp);
  if (tmp.empty()) {
    wait_cli(p);
    GTEST_SKIP() << "the conversion finished before it could be killed";
  }
  ::kill(p.pid, SIGKILL);
  wait_cli(p);
  ASSERT_TRUE(fs::exists(tmp)) << "SIGKILL cannot be handled: the folder must still be there";
  // A folder that looks alike but is not provably nnport's stays.
  const fs::path foreign = dir_ / "work.tmp-AbCdEf";
  write_file(foreign / "mine.txt", "not nnport's\n");
  CliResult c = run_cli(convert(m("static.onnx")));
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(contains(c.err, "removed '" + tmp.string() + "'")) << c.err;
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_TRUE(fs::exists(foreign / "mine.txt"));
}

TEST_F(SafetyTest, CleanRemovesOnlyWhatKilledRunsLeft) {
  ASSERT_EQ(run_cli(convert(m("static.onnx"))).exit_code, 0);  // (it would clean up itself)
  // As a SIGKILLed convert leaves it: the lock file, nobody holding it.
  const fs::path killed = dir_ / "work.tmp-Qw3rTy";
  write_file(killed / ".nnport-lock", "4242\n");
  write_file(killed / "end2end.onnx", "half a model");
  const fs::path foreign = dir_ / "work.tmp-AbCdEf";  // no lock file: not provably nnport's
  write_file(foreign / "mine.txt", "keep\n");
  const auto work_before = snapshot(work());
  CliResult r = run_cli({"clean", work(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["removed"], Json({killed.string()}));
  EXPECT_EQ(Json::parse(r.out)["errors"], Json::array());
  EXPECT_FALSE(fs::exists(killed));
  EXPECT_TRUE(fs::exists(foreign / "mine.txt"));
  EXPECT_EQ(snapshot(work()), work_before) << "clean touched the work dir itself";
  CliResult again = run_cli({"clean", work()});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_TRUE(contains(again.out, "nothing to remove")) << again.out;
  // A folder that fails does not hide what the others had.
  write_file(killed / ".nnport-lock", "4242\n");
  CliResult mixed = run_cli({"clean", path("no/such/parent/work"), work(), "--json"});
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_EQ(Json::parse(mixed.out)["removed"], Json({killed.string()}));
  EXPECT_TRUE(contains(mixed.err, "does not exist")) << mixed.err;
}

}  // namespace
}  // namespace nnport::test
