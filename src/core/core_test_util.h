// Shared helpers for the core's plugin tests.
#ifndef NNPORT_CORE_CORE_TEST_UTIL_H_
#define NNPORT_CORE_CORE_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace nnport::testing_util {

inline std::string test_plugin(const std::string& name) {
  return std::string(NNPORT_TEST_PLUGIN_DIR) + "/libnnport_backend_" + name + ".so";
}

// A fresh folder under the temp dir, removed at destruction.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("nnport_core_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" +
             info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string str() const { return path_.string(); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

#define EXPECT_HAS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

}  // namespace nnport::testing_util

#endif  // NNPORT_CORE_CORE_TEST_UTIL_H_
