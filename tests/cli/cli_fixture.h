// Shared by the CLI tests: paths to models and configs, and a per-test folder
// holding the bad files the tables refer to.
#ifndef NNPORT_TESTS_CLI_FIXTURE_H_
#define NNPORT_TESTS_CLI_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "nnport/npy.h"
#include "nnport/tensor.h"

namespace nnport::test {

namespace fs = std::filesystem;
using Json = nlohmann::json;

inline fs::path models_dir() {
  if (const char* env = std::getenv("NNPORT_MODELS_DIR")) return env;
  return fs::path(NNPORT_SOURCE_DIR) / "tests/models/out";
}
inline fs::path model(const std::string& name) { return models_dir() / name / "model.onnx"; }
inline std::string cfg(const std::string& name) {
  return (fs::path(NNPORT_CLI_TEST_DIR) / "configs" / name).string();
}

// A fresh folder per test with the bad files the table refers to.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    dir_ = fs::temp_directory_path() / ("nnport_cli_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write(dir_ / "empty.onnx", "");
    write(dir_ / "garbage.onnx", std::string(200, 'g') + "this is not an ONNX model\n");
    write(dir_ / "not_npy.npy", "just some text, not an array\n");
    write(dir_ / "afile", "a file, not a folder\n");
    if (fs::exists(model("tiny_mlp"))) {
      std::ifstream in(model("tiny_mlp"), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), {});
      write(dir_ / "truncated.onnx", bytes.substr(0, bytes.size() / 2));
    }
    Tensor ints = Tensor::empty(DType::kInt64, {1, 16});
    ASSERT_TRUE(write_npy((dir_ / "int64.npy").string(), ints).ok());
    Tensor flat = Tensor::empty(DType::kFloat32, {16});
    ASSERT_TRUE(write_npy((dir_ / "rank1.npy").string(), flat).ok());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string work() const { return path("work"); }
  // No work dir and no temporary sibling left behind.
  void expect_no_work_dir() const {
    EXPECT_FALSE(fs::exists(dir_ / "work")) << "a work dir was left behind";
    for (const auto& e : fs::directory_iterator(dir_))
      EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos)
          << "left behind: " << e.path();
  }
  // Whether `nnport check-env` says the backend is available here.
  static bool backend_available(const std::string& name) {
    CliResult r = run_cli({"check-env", "--json"});
    if (!Json::accept(r.out)) return false;
    Json j = Json::parse(r.out);  // named: a temporary would dangle in the loop
    for (const auto& b : j["backends"])
      if (b["name"] == name) return b["available"] == true;
    return false;
  }
  static bool ort_available() { return backend_available("onnxruntime"); }
  fs::path dir_;
};

}  // namespace nnport::test

#endif  // NNPORT_TESTS_CLI_FIXTURE_H_
