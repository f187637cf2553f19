// Shared helpers of the onnx room's tests.
#ifndef NNPORT_SRC_ONNX_ONNX_TEST_UTIL_H_
#define NNPORT_SRC_ONNX_ONNX_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace nnport::onnx_test {

// Generated models (tests/models/export.py); NNPORT_MODELS_DIR overrides.
inline std::string models_dir() {
  if (const char* env = std::getenv("NNPORT_MODELS_DIR"); env && *env) return env;
  return std::string(NNPORT_SOURCE_DIR) + "/tests/models/out";
}

inline std::string model_path(const std::string& name) {
  return models_dir() + "/" + name + "/model.onnx";
}

inline bool have_model(const std::string& name) {
  return std::filesystem::exists(model_path(name));
}

// Committed fixtures (src/onnx/testdata/make_fixtures.py).
inline std::string fixture(const std::string& name) {
  return std::string(NNPORT_ONNX_TESTDATA) + "/" + name;
}

// A fresh folder for this test process.
inline std::filesystem::path scratch_dir() {
  auto dir =
      std::filesystem::temp_directory_path() / ("nnport_onnx_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

inline std::string write_file(const std::string& name, const std::string& bytes) {
  const std::string path = (scratch_dir() / name).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return path;
}

}  // namespace nnport::onnx_test

#define NNPORT_SKIP_WITHOUT_MODEL(name)                                                      \
  if (!::nnport::onnx_test::have_model(name))                                                \
  GTEST_SKIP() << "model " << (name) << " absent from " << ::nnport::onnx_test::models_dir() \
               << ": run /usr/bin/python3 tests/models/export.py"

#endif  // NNPORT_SRC_ONNX_ONNX_TEST_UTIL_H_
