// Shared by the data-safety CLI tests (cli_safety_test.cc,
// cli_interrupt_test.cc): the small models of make_models.py and helpers
// that compare a folder before and after.
#ifndef NNPORT_TESTS_CLI_SAFETY_FIXTURE_H_
#define NNPORT_TESTS_CLI_SAFETY_FIXTURE_H_

#include <map>
#include <string>
#include <vector>

#include "cli_fixture.h"

namespace nnport::test {

// Every file under a folder with its content: compared before and after.
inline std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string rel = e.path().lexically_relative(dir).generic_string();
    if (e.is_regular_file()) {
      std::ifstream in(e.path(), std::ios::binary);
      files[rel] = std::string((std::istreambuf_iterator<char>(in)), {});
    } else {
      files[rel] = "<dir>";
    }
  }
  return files;
}

inline bool contains(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}

inline void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// The small hand-made models of make_models.py, written once per run.
class SafetyTest : public CliTest {
 public:
  static void SetUpTestSuite() {
    models_ = fs::temp_directory_path() / ("nnport_safety_models_" + std::to_string(::getpid()));
    fs::remove_all(models_);
    const std::string cmd = "/usr/bin/python3 " NNPORT_CLI_TEST_DIR "/make_models.py " +
                            models_.string() + " >/dev/null 2>&1";
    made_ = std::system(cmd.c_str()) == 0;
  }
  static void TearDownTestSuite() { fs::remove_all(models_); }
  void SetUp() override {
    CliTest::SetUp();
    if (!made_) GTEST_SKIP() << "make_models.py failed (python3-onnx missing?)";
    if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  }
  static std::string m(const std::string& name) { return (models_ / name).string(); }
  std::vector<std::string> convert(const std::string& model, std::vector<std::string> extra = {},
                                   const std::string& config = "ort_plain.py") const {
    std::vector<std::string> a = {"convert", cfg(config), model, "--work-dir", work()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  inline static fs::path models_;
  inline static bool made_ = false;
};

}  // namespace nnport::test

#endif  // NNPORT_TESTS_CLI_SAFETY_FIXTURE_H_
