#include "apis/atomic_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace nnport::apis {
namespace {
namespace fs = std::filesystem;

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
  ASSERT_TRUE(d.commit(false).ok());
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
  EXPECT_FALSE(check_target_dir(root_ / "work", false).ok());
  AtomicDir d;
  ASSERT_TRUE(d.create(root_ / "work").ok());
  touch(d.path() / "new");
  EXPECT_FALSE(d.commit(false).ok());
  ASSERT_TRUE(d.commit(true).ok());
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
  EXPECT_FALSE(check_target_dir(root_ / "file", true).ok());
  AtomicDir in_proc;
  EXPECT_FALSE(in_proc.create("/proc/nnport_work").ok());
}

}  // namespace
}  // namespace nnport::apis
