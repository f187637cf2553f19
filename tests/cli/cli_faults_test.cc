// Nothing lost under load and faults (issue 11), on real conversions through
// the nnport binary: two conversions racing for one work dir; a disk that
// fills up; four runs of one work dir at once. Signals: cli_kill_test.cc.

#include <sys/mount.h>
#include <sys/statvfs.h>

#include <thread>

#include "fault_fixture.h"

namespace nnport::test {
namespace {

// ---- two conversions into one work dir at once ----

// Without --force the first to finish wins and the other fails with the
// error a non-empty work dir gets; with --force both succeed, one after the
// other (the rename is the only serialization), and the last one stays.
// Either way the work dir is one conversion's, whole: two models of
// different sizes show a mixture. Rounds with the same model finish
// together, so they race for the rename itself.
TEST_F(FaultTest, TwoConversionsIntoOneWorkDirNeverMix) {
  const Backend a{"onnxruntime", "classification/classification_onnxruntime_static.py",
                  "squeezenet1_1"};
  const Backend b{"onnxruntime", "classification/classification_onnxruntime_static.py",
                  "mobilenet_v2"};
  if (!fs::exists(model(a.model)) || !fs::exists(model(b.model)))
    GTEST_SKIP() << "squeezenet1_1 or mobilenet_v2 is absent";
  const fs::path w = dir_ / "work";
  reference(a, w, dir_ / "ref_a");
  reference(b, w, dir_ / "ref_b");
  const auto want_a = sizes(dir_ / "ref_a"), want_b = sizes(dir_ / "ref_b");
  for (bool force : {false, true})
    for (int round = 0; round < 2 * kRaceRounds; ++round) {
      const Backend& second = round % 2 == 0 ? a : b;  // odd rounds: two different models
      CliProcess p1 = start_cli(convert_args(a, w, force));
      CliProcess p2 = start_cli(convert_args(second, w, force));
      const CliResult r1 = wait_cli(p1), r2 = wait_cli(p2);
      SCOPED_TRACE(std::string(force ? "--force" : "no --force") + ", round " +
                   std::to_string(round) + ": exits " + std::to_string(r1.exit_code) + ", " +
                   std::to_string(r2.exit_code) + "\n" + r1.err + "\n" + r2.err);
      ASSERT_EQ(work_dir_problem(w), "");
      const auto got = sizes(w);
      EXPECT_TRUE(got == want_a || got == want_b) << "a mixture of two conversions";
      EXPECT_EQ(names(siblings_of(w)), "") << "left behind";
      if (force) {
        EXPECT_EQ(r1.exit_code, 0) << r1.err;
        EXPECT_EQ(r2.exit_code, 0) << r2.err;
      } else {
        EXPECT_EQ((r1.exit_code == 0) + (r2.exit_code == 0), 1) << "exactly one must win";
        const CliResult& lost = r1.exit_code == 0 ? r2 : r1;
        EXPECT_EQ(lost.exit_code, 1);
        EXPECT_TRUE(contains(lost.err, "'" + w.string() + "' exists and is not empty")) << lost.err;
        EXPECT_TRUE(contains(lost.err, "--force")) << lost.err;
        EXPECT_FALSE(contains(lost.err, ".tmp-")) << "names a folder that is gone: " << lost.err;
        // The winner's model is the one in the work dir.
        if (second.model != a.model) {
          const bool first_won = r1.exit_code == 0;
          EXPECT_EQ(got, first_won ? want_a : want_b);
        }
      }
      fs::remove_all(w);
    }
}

// ---- a disk that fills up ----

// A small tmpfs holding an older work dir; convert --force of a model that
// does not fit. Unmounted in TearDown; skipped where mounting is not allowed.
class FullDiskTest : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    if (IsSkipped()) return;
    disk_ = dir_ / "disk";
    fs::create_directories(disk_);
    if (::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=64m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs at " << disk_ << ": " << std::strerror(errno)
                   << " (the full-disk tests need root or CAP_SYS_ADMIN)";
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(disk_.c_str(), MNT_DETACH);
    FaultTest::TearDown();
  }
  // Fills the tmpfs with a file until `free_bytes` are left.
  void leave_free(uint64_t free_bytes) {
    struct statvfs s {};
    ASSERT_EQ(::statvfs(disk_.c_str(), &s), 0);
    const uint64_t now = static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
    ASSERT_GT(now, free_bytes);
    std::ofstream(disk_ / "filler", std::ios::binary) << std::string(now - free_bytes, 'f');
  }
  uint64_t free_bytes() const {
    struct statvfs s {};
    ::statvfs(disk_.c_str(), &s);
    return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
  }
  // Converts `b` with --force over an older work dir on a disk left with
  // `free` bytes; expects a clear error and everything as it was.
  void expect_refused_cleanly(const Backend& b, uint64_t free, const std::string& what) {
    const fs::path w = disk_ / "work";
    ASSERT_EQ(run_cli({"convert", cfg("ort_plain.py"), m("static.onnx"), "--work-dir", w.string()})
                  .exit_code,
              0);
    const auto before = snapshot(w);
    leave_free(free);
    const uint64_t free_before = free_bytes();
    CliResult r = run_cli(convert_args(b, w, /*force=*/true));
    SCOPED_TRACE(what + ": " + r.err);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "No space left on device") || contains(r.err, "disk full"))
        << "the error does not say the disk is full";
    EXPECT_FALSE(contains(r.err, ".tmp-")) << "the error names a temporary folder that is gone";
    EXPECT_FALSE(contains(r.err, "Segmentation") || r.signal != 0);
    EXPECT_EQ(snapshot(w), before) << "the previous work dir changed";
    EXPECT_EQ(names(siblings_of(w)), "") << "left behind";
    EXPECT_EQ(free_bytes(), free_before) << "space still taken by what convert wrote";
  }
  fs::path disk_;
  bool mounted_ = false;
};

TEST_F(FullDiskTest, TheModelCopyDoesNotFit) {
  const Backend b = kBackends[0];
  if (!fs::exists(model("squeezenet1_1"))) GTEST_SKIP() << "squeezenet1_1 is absent";
  const Backend small{b.name, b.config, "squeezenet1_1"};
  expect_refused_cleanly(small, fs::file_size(model(small.model)) / 2, "end2end.onnx");
}

TEST_F(FullDiskTest, DeployJsonDoesNotFit) {
  const Backend b = kBackends[0];
  if (!fs::exists(model("squeezenet1_1"))) GTEST_SKIP() << "squeezenet1_1 is absent";
  const Backend small{b.name, b.config, "squeezenet1_1"};
  // The model and the lock file fit (whole pages), deploy.json does not.
  const uint64_t page = 4096, size = fs::file_size(model(small.model));
  expect_refused_cleanly(small, (size + page - 1) / page * page + page, "deploy.json");
}

TEST_F(FullDiskTest, TheBackendsOwnFileDoesNotFit) {
  const Backend& b = kBackends[1];  // xnnpack writes a model file of its own
  if (!fs::exists(model(b.model))) GTEST_SKIP() << b.model << " is absent";
  if (!backend_available(b.name)) GTEST_SKIP() << b.name << " is not available";
  expect_refused_cleanly(b, fs::file_size(model(b.model)) * 3 / 2, "the xnnpack model file");
}

// ---- four runs of one work dir at once ----

TEST_F(FaultTest, FourRunsOfOneWorkDirGiveIdenticalOutputs) {
  const Backend& b = kBackends[0];
  if (!fs::exists(model("squeezenet1_1"))) GTEST_SKIP() << "squeezenet1_1 is absent";
  const fs::path w = dir_ / "work";
  ASSERT_EQ(run_cli(convert_args({b.name, b.config, "squeezenet1_1"}, w)).exit_code, 0);
  // One input, not all zeros: a wave over [1, 3, 224, 224].
  Tensor x = Tensor::empty(DType::kFloat32, {1, 3, 224, 224});
  float* v = x.data_as<float>();
  for (int64_t i = 0; i < 3 * 224 * 224; ++i) v[i] = static_cast<float>(std::sin(0.001 * i));
  ASSERT_TRUE(write_npy(path("x.npy"), x).ok());
  auto run_args = [&](int i) {
    return std::vector<std::string>{"run",         w.string(),     "--input",
                                    path("x.npy"), "--output-dir", path("out" + std::to_string(i))};
  };
  ASSERT_EQ(run_cli(run_args(0)).exit_code, 0);  // alone: the reference
  const auto alone = snapshot(path("out0"));
  ASSERT_FALSE(alone.empty());
  std::vector<CliProcess> ps;
  for (int i = 1; i <= 4; ++i) ps.push_back(start_cli(run_args(i)));
  for (int i = 1; i <= 4; ++i) {
    CliResult r = wait_cli(ps[i - 1]);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(snapshot(path("out" + std::to_string(i))), alone)
        << "run " << i << " of four at once differs from a run alone";
  }
}

}  // namespace
}  // namespace nnport::test
