#include "apis/atomic_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>

namespace nnport::apis {
namespace {
namespace fs = std::filesystem;

const ReplacePolicy kReplaceAny = [](const fs::path&) { return Status(); };

class AtomicDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("nnport_atomic_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  static void touch(const fs::path& p, const std::string& text = "x") { std::ofstream(p) << text; }
  size_t entries() const {
    size_t n = 0;
    for ([[maybe_unused]] auto& e : fs::directory_iterator(root_)) ++n;
    return n;
  }
  fs::path root_;
};

TEST_F(AtomicDirTest, CommitCreatesTarget) {
  AtomicDir d;
  ASSERT_TRUE(d.create(root_ / "a" / "work").ok());
  touch(d.path() / "f");
  ASSERT_TRUE(d.commit(nullptr).ok());
  EXPECT_TRUE(fs::exists(root_ / "a" / "work" / "f"));
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicDirTest, FailureLeavesNothing) {
  {
    AtomicDir d;
    ASSERT_TRUE(d.create(root_ / "new" / "deeper" / "work").ok());
    touch(d.path() / "f");
  }  // not committed
  EXPECT_EQ(entries(), 0u);
}

TEST_F(AtomicDirTest, NonEmptyTargetNeedsOverwriteThenSwaps) {
  fs::create_directories(root_ / "work");
  touch(root_ / "work" / "old");
  EXPECT_FALSE(check_target_dir(root_ / "work", nullptr).ok());
  AtomicDir d;
  ASSERT_TRUE(d.create(root_ / "work").ok());
  touch(d.path() / "new");
  EXPECT_FALSE(d.commit(nullptr).ok());
  ASSERT_TRUE(d.commit(kReplaceAny).ok());
  EXPECT_TRUE(fs::exists(root_ / "work" / "new"));
  EXPECT_FALSE(fs::exists(root_ / "work" / "old"));
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicDirTest, UnwritablePlacesAreErrors) {
  touch(root_ / "file");
  AtomicDir under_file;
  Status s = under_file.create(root_ / "file" / "work");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("work"), std::string::npos) << s.message();
  EXPECT_FALSE(check_target_dir(root_ / "file", kReplaceAny).ok());
  AtomicDir in_proc;
  EXPECT_FALSE(in_proc.create("/proc/nnport_work").ok());
}

TEST_F(AtomicDirTest, ReplacePolicyDecidesAndItsReasonIsTheError) {
  fs::create_directories(root_ / "work");
  touch(root_ / "work" / "mine");
  const ReplacePolicy never = [](const fs::path& p) {
    return invalid_argument("not yours: " + p.filename().string());
  };
  Status s = check_target_dir(root_ / "work", never);
  EXPECT_EQ(s.message(), "not yours: work");
  AtomicDir d;
  ASSERT_TRUE(d.create(root_ / "work").ok());
  EXPECT_EQ(d.commit(never).message(), "not yours: work");
  EXPECT_TRUE(fs::exists(root_ / "work" / "mine"));
}

TEST_F(AtomicDirTest, AnOldWorkDirThatChangedDuringTheSwapIsKept) {
  fs::create_directories(root_ / "work");
  touch(root_ / "work" / "old");
  int asked = 0;  // allowed before the swap, refused after: as if a file had appeared
  const ReplacePolicy changing = [&asked](const fs::path&) {
    return ++asked == 1 ? Status() : invalid_argument("it holds new.txt");
  };
  AtomicDir d;
  ASSERT_TRUE(d.create(root_ / "work").ok());
  touch(d.path() / "new");
  ASSERT_TRUE(d.commit(changing).ok());
  EXPECT_TRUE(fs::exists(root_ / "work" / "new"));
  EXPECT_NE(d.kept_old().find("it holds new.txt"), std::string::npos) << d.kept_old();
  EXPECT_TRUE(fs::exists(d.path() / "old")) << "the changed old work dir was deleted";
}

TEST_F(AtomicDirTest, ModeFollowsTheUmaskAndTheLockStaysOutOfTheWorkDir) {
  for (mode_t mask : {mode_t{022}, mode_t{077}, mode_t{002}}) {
    const mode_t old = ::umask(mask);
    const fs::path target = root_ / ("work" + std::to_string(mask));
    AtomicDir d;
    ASSERT_TRUE(d.create(target).ok());
    struct stat st {};
    ASSERT_EQ(::stat(d.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0777 & ~mask) << "umask " << mask;
    ASSERT_TRUE(d.commit(nullptr).ok());
    ::umask(old);
    EXPECT_FALSE(fs::exists(target / ".nnport-lock"));
    EXPECT_TRUE(fs::is_empty(target));
  }
}

TEST_F(AtomicDirTest, StaleTemporariesGoLiveAndForeignOnesStay) {
  const fs::path target = root_ / "work";
  // A run that is still going: its lock is held.
  AtomicDir live;
  ASSERT_TRUE(live.create(target).ok());
  touch(live.path() / "model.onnx");
  // A killed run: lock file present, nobody holds it.
  const fs::path killed = root_ / "work.tmp-Kd93jq";
  fs::create_directories(killed / "sub");
  touch(killed / ".nnport-lock", "12345\n");
  touch(killed / "sub" / "big.bin");
  // Killed between mkdtemp and the lock: empty, for minutes now.
  const fs::path empty = root_ / "work.tmp-a1B2c3";
  fs::create_directories(empty);
  fs::last_write_time(empty, fs::file_time_type::clock::now() - std::chrono::minutes(2));
  // Empty but new: a convert between mkdtemp and its lock.
  const fs::path starting = root_ / "work.tmp-n3W4b5";
  fs::create_directories(starting);
  // Not provably ours: no lock, has content; another target's; wrong length.
  const fs::path foreign = root_ / "work.tmp-zzzzzz";
  fs::create_directories(foreign);
  touch(foreign / "notes.txt");
  const fs::path other = root_ / "other.tmp-Kd93jq";
  fs::create_directories(other);
  touch(other / ".nnport-lock");
  const fs::path longer = root_ / "work.tmp-Kd93jq7";
  fs::create_directories(longer);
  touch(longer / ".nnport-lock");

  auto removed = remove_stale_temporaries(target);
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<fs::path>{killed, empty}));  // sorted: K < a
  EXPECT_FALSE(fs::exists(killed));
  EXPECT_FALSE(fs::exists(empty));
  EXPECT_TRUE(fs::exists(live.path() / "model.onnx")) << "removed a running convert's folder";
  EXPECT_TRUE(fs::exists(foreign / "notes.txt"));
  EXPECT_TRUE(fs::exists(starting)) << "removed a convert's folder before it could lock it";
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(longer));
}

// Without RENAME_EXCHANGE the old folder is moved aside, then the new one in.
TEST_F(AtomicDirTest, MovingAsideReplacesAndSaysWhereTheOldOneIs) {
  fs::create_directories(root_ / "work");
  touch(root_ / "work" / "old.txt");
  fs::create_directories(root_ / "incoming");
  touch(root_ / "incoming" / "new.txt");
  fs::path old;
  ASSERT_TRUE(swap_into_place(root_ / "incoming", root_ / "work", root_ / "aside",
                              SwapMethod::kMoveAside, &old)
                  .ok());
  EXPECT_EQ(old, root_ / "aside");
  EXPECT_TRUE(fs::exists(root_ / "work" / "new.txt"));
  EXPECT_TRUE(fs::exists(root_ / "aside" / "old.txt"));
  EXPECT_FALSE(fs::exists(root_ / "incoming"));
  // A missing incoming folder: the old one stays (is put back) and the error says so.
  EXPECT_FALSE(swap_into_place(root_ / "gone", root_ / "work", root_ / "aside2",
                               SwapMethod::kMoveAside, &old)
                   .ok());
  EXPECT_TRUE(fs::exists(root_ / "work" / "new.txt"));
  EXPECT_FALSE(fs::exists(root_ / "aside2"));
}

// A --force convert killed between the two renames of the fallback: its
// holder (lock free) holds the old work dir and the target is gone. clean
// puts the old one back; where the new one made it, the holder just goes.
TEST_F(AtomicDirTest, AKilledMoveAsideGetsTheOldWorkDirBack) {
  const fs::path target = root_ / "work";
  const fs::path holder = root_ / "work.tmp-Hq7Lk2";
  fs::create_directories(holder / "old");
  fs::create_directories(holder / "swap");
  touch(holder / ".nnport-lock", "12345\n");
  touch(holder / "old" / "deploy.json", "old");
  touch(holder / "swap" / "deploy.json", "new");
  EXPECT_EQ(remove_stale_temporaries(target), std::vector<fs::path>{holder});
  EXPECT_FALSE(fs::exists(holder));
  std::ifstream in(target / "deploy.json");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "old");

  fs::create_directories(holder / "old");
  touch(holder / ".nnport-lock", "12345\n");
  touch(holder / "old" / "deploy.json", "older");
  EXPECT_EQ(remove_stale_temporaries(target), std::vector<fs::path>{holder});
  std::ifstream again(target / "deploy.json");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), {}), "old")
      << "an existing work dir was replaced by a killed run's old one";
}

// --force: the swap happens inside a second locked temporary folder; after
// the commit nothing but the new work dir is left beside it.
TEST_F(AtomicDirTest, ReplacingLeavesOnlyTheNewWorkDir) {
  fs::create_directories(root_ / "work");
  touch(root_ / "work" / "old.txt");
  AtomicDir d;
  ASSERT_TRUE(d.create(root_ / "work").ok());
  touch(d.path() / "new.txt");
  ASSERT_TRUE(d.commit(kReplaceAny).ok());
  EXPECT_EQ(entries(), 1u);
  EXPECT_TRUE(fs::exists(root_ / "work" / "new.txt"));
  EXPECT_FALSE(fs::exists(root_ / "work" / "old.txt"));
  EXPECT_FALSE(fs::exists(root_ / "work" / ".nnport-lock"));
}

}  // namespace
}  // namespace nnport::apis
