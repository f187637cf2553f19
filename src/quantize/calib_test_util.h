// Shared by quantize_calib_test's files: the fixtures that
// testdata/make_calib_fixtures.py writes (once per build, under a lock, as
// ctest runs every test in its own process), a fresh folder per test, and
// Debian's python for independent checks.
#ifndef NNPORT_SRC_QUANTIZE_CALIB_TEST_UTIL_H_
#define NNPORT_SRC_QUANTIZE_CALIB_TEST_UTIL_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nnport::quantize::test {

namespace fs = std::filesystem;

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The fixtures folder, written again whenever the script changes; empty
// when the script failed (numpy, h5py, PIL or onnx missing).
inline fs::path fixtures() {
  static const fs::path dir = [] {
    const fs::path script = NNPORT_CALIB_FIXTURES;
    const fs::path d = fs::path(NNPORT_BINARY_DIR) / "quantize_calib_fixtures";
    const std::string stamp =
        std::to_string(fs::last_write_time(script).time_since_epoch().count());
    const int lock = ::open((d.string() + ".lock").c_str(), O_CREAT | O_RDWR, 0644);
    if (lock >= 0) ::flock(lock, LOCK_EX);
    std::string found;
    std::getline(std::ifstream(d / "stamp"), found);
    bool ok = found == stamp;
    if (!ok) {
      fs::remove_all(d);
      const std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + d.string() + "'";
      ok = std::system(cmd.c_str()) == 0;
      if (ok) std::ofstream(d / "stamp") << stamp << "\n";
    }
    if (lock >= 0) ::close(lock);
    return ok ? d : fs::path();
  }();
  return dir;
}

// A fresh folder per test, removed afterwards; skips without fixtures.
class CalibTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (fixtures().empty()) GTEST_SKIP() << "make_calib_fixtures.py failed (numpy/h5py/PIL/onnx?)";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    dir_ = fs::temp_directory_path() / ("nnport_calib_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  static std::string fx(const std::string& rel) { return (fixtures() / rel).string(); }
  std::string tmp(const std::string& rel) const { return (dir_ / rel).string(); }
  // The names in the test's folder (to see that nothing was left behind).
  std::string listing() const {
    std::string s;
    for (const auto& e : fs::directory_iterator(dir_)) s += e.path().filename().string() + " ";
    return s;
  }
  // Runs a Python program with Debian's python3; its exit code (0 = pass)
  // and what it printed.
  static int python(const std::string& program, std::string* output) {
    char file[] = "/tmp/nnport_calib_py_XXXXXX";
    const int fd = ::mkstemp(file);
    if (fd < 0) return -1;
    ::close(fd);
    std::ofstream(file) << program;
    const std::string out = std::string(file) + ".out";
    const int rc =
        std::system(("/usr/bin/python3 " + std::string(file) + " >" + out + " 2>&1").c_str());
    std::stringstream text;
    text << std::ifstream(out).rdbuf();
    *output = text.str();
    fs::remove(file);
    fs::remove(out);
    return rc;
  }
  fs::path dir_;
};

}  // namespace nnport::quantize::test

#endif  // NNPORT_SRC_QUANTIZE_CALIB_TEST_UTIL_H_
