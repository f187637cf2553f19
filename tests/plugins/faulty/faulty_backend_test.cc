// The faulty test backend through the nnport binary: each fault does exactly
// what README.md says, checked against the onnxruntime backend on the same
// model and inputs, and a model without the faulty node runs like onnxruntime.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "nnport/npy.h"

namespace nnport::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string model(const std::string& name) {
  return (fs::path(NNPORT_FAULTY_MODEL_DIR) / (name + ".onnx")).string();
}
std::string config(const std::string& name) {
  return (fs::path(NNPORT_FAULTY_CONFIG_DIR) / name).string();
}
bool contains(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}

class FaultyBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef NNPORT_FAULTY_HAVE_ORT
    GTEST_SKIP() << "the onnxruntime backend is not built; faulty runs models on it";
#endif
    if (!fs::exists(model("faulty_chain")))
      GTEST_SKIP() << "no faulty test models (python3-onnx missing?)";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("nnport_faulty_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string work() const { return (dir_ / "work").string(); }

  // nnport --plugin <faulty> ARGS...
  static CliResult nnport(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin", NNPORT_FAULTY_PLUGIN});
    return run_cli(args);
  }
  CliResult convert(const std::string& cfg, const std::string& onnx) const {
    return nnport({"convert", config(cfg), model(onnx), "--work-dir", work()});
  }
  // verify --json against onnxruntime: output name -> its row.
  std::map<std::string, Json> verify(int expected_exit) const {
    CliResult r = nnport({"verify", work(), "--reference", "onnxruntime", "--json"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    std::map<std::string, Json> rows;
    const Json doc = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
    if (doc.is_discarded()) return rows;
    for (const auto& row : doc["outputs"]) rows[row["name"].get<std::string>()] = row;
    return rows;
  }

  fs::path dir_;
};

TEST_F(FaultyBackendTest, WithoutAFaultItEqualsOnnxruntimeExactly) {
  for (const char* m : {"faulty_chain", "faulty_two_outputs", "faulty_branches"}) {
    SCOPED_TRACE(m);
    fs::remove_all(work());
    CliResult c = convert("faulty_plain.py", m);
    ASSERT_EQ(c.exit_code, 0) << c.err;
    ASSERT_TRUE(fs::exists(fs::path(work()) / "faulty.onnx"));
    auto rows = verify(0);
    ASSERT_FALSE(rows.empty());
    for (const auto& [name, row] : rows) EXPECT_EQ(row["max_abs_err"], 0.0) << name;
  }
}

TEST_F(FaultyBackendTest, PerturbingConv2ChangesTheOutputAndNotWhatComesBefore) {
  ASSERT_EQ(convert("perturb_conv2.py", "faulty_two_outputs").exit_code, 0);
  auto rows = verify(1);
  ASSERT_EQ(rows.size(), 2u);
  // relu1_out comes before conv2: exact. prob after it: off.
  EXPECT_EQ(rows["relu1_out"]["max_abs_err"], 0.0);
  EXPECT_GT(rows["prob"]["max_abs_err"].get<double>(), 1e-4);
  EXPECT_FALSE(rows["prob"]["pass"].get<bool>());
}

TEST_F(FaultyBackendTest, APrefixWithoutTheFaultyNodeVerifiesExactly) {
  ASSERT_EQ(convert("perturb_conv2.py", "faulty_chain_prefix").exit_code, 0);
  auto rows = verify(0);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows["relu1_out"]["max_abs_err"], 0.0);
}

// join + 0.5, then a global average and a flatten: every element of y is
// onnxruntime's + 0.5 (float rounding aside).
TEST_F(FaultyBackendTest, PerturbAddsTheDeltaToTheNodesOutput) {
  ASSERT_EQ(convert("perturb_join.py", "faulty_branches").exit_code, 0);
  const std::string ours = (dir_ / "ours").string(), ref = (dir_ / "ref").string();
  CliResult a = nnport({"run", work(), "-o", ours, "--seed", "7"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  CliResult b = nnport(
      {"run", model("faulty_branches"), "--backend", "onnxruntime", "-o", ref, "--seed", "7"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto y = read_npy(ours + "/y.npy");
  auto y_ref = read_npy(ref + "/y.npy");
  ASSERT_TRUE(y.ok() && y_ref.ok());
  ASSERT_EQ(y->numel(), 4);
  ASSERT_EQ(y_ref->numel(), 4);
  for (int i = 0; i < 4; ++i)
    EXPECT_NEAR(y->data_as<float>()[i] - y_ref->data_as<float>()[i], 0.5, 1e-5) << i;
}

TEST_F(FaultyBackendTest, FailOpStopsConvertNamingTheNodeAndLeavesNoWorkDir) {
  CliResult c = convert("fail_softmax.py", "faulty_chain");
  EXPECT_EQ(c.signal, 0);
  EXPECT_NE(c.exit_code, 0);
  // nnport says "faulty: convert failed: " before the plugin's message.
  EXPECT_TRUE(contains(c.err, "faulty: convert failed: cannot convert node 'softmax' (Softmax)"))
      << c.err;
  EXPECT_FALSE(fs::exists(work()));
  // The prefix has no Softmax: it converts.
  CliResult p = convert("fail_softmax.py", "faulty_chain_prefix");
  EXPECT_EQ(p.exit_code, 0) << p.err;
}

TEST_F(FaultyBackendTest, FailNodeNamesThatNode) {
  CliResult c = convert("fail_conv2.py", "faulty_chain");
  EXPECT_NE(c.exit_code, 0);
  EXPECT_TRUE(contains(c.err, "cannot convert node 'conv2' (Conv)")) << c.err;
  EXPECT_FALSE(fs::exists(work()));
}

TEST_F(FaultyBackendTest, CrashOpConvertsButRunDiesBySigsegv) {
  CliResult c = convert("crash_softmax.py", "faulty_chain");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  CliResult r = nnport({"run", work()});
  EXPECT_EQ(r.signal, SIGSEGV) << "exit " << r.exit_code << ": " << r.err;
  // Without a Softmax the same config runs.
  fs::remove_all(work());
  ASSERT_EQ(convert("crash_softmax.py", "faulty_chain_prefix").exit_code, 0);
  CliResult ok = nnport({"run", work()});
  EXPECT_EQ(ok.signal, 0);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_F(FaultyBackendTest, CrashNodeDiesOnlyWhereTheNodeIs) {
  ASSERT_EQ(convert("crash_conv2.py", "faulty_chain").exit_code, 0);
  EXPECT_EQ(nnport({"run", work()}).signal, SIGSEGV);
}

TEST_F(FaultyBackendTest, ABadConfigIsAClearErrorAndNoWorkDir) {
  struct Case {
    const char* config;
    const char* says;
  } cases[] = {
      {"bad_key.py", "faulty: convert failed: unknown backend_config key 'perturb_nod'"},
      {"bad_delta.py", "faulty: convert failed: backend_config.perturb_delta = \"x\" is invalid"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.config);
    CliResult r = convert(c.config, "faulty_chain");
    EXPECT_EQ(r.signal, 0);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, c.says)) << r.err;
    EXPECT_FALSE(fs::exists(work()));
  }
}

}  // namespace
}  // namespace nnport::test
