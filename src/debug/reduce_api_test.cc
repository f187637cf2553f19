// debug_reduce through the C++ API (nnport/reduce.h) with the faulty test
// backend loaded into the global registry: the report, the progress
// callback, and the folder it writes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "nnport/reduce.h"
#include "nnport/registry.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;

class ReduceApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(NNPORT_FAULTY_PLUGIN) || !fs::exists(chain()))
      GTEST_SKIP() << "the faulty test backend or its models are not built";
    auto loaded = Registry::global().load_plugin(NNPORT_FAULTY_PLUGIN);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    dir_ = fs::temp_directory_path() / ("nnport_reduce_api_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  static std::string chain() { return std::string(NNPORT_FAULTY_MODEL_DIR) + "/faulty_chain.onnx"; }
  fs::path dir_;
};

TEST_F(ReduceApiTest, PerturbedNodeWithProgress) {
  ReduceOptions o;
  o.backend = "faulty";
  o.cfg_options = {"backend_config.perturb_node=relu2"};
  o.out_dir = (dir_ / "out").string();
  std::vector<ReduceTrial> trials;
  auto report = debug_reduce(chain(), o, [&](const ReduceTrial& t) { trials.push_back(t); });
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->full_model_fails);
  EXPECT_EQ(report->kind, FailureKind::kMismatch);
  EXPECT_EQ(report->nodes_before, 8);
  EXPECT_EQ(report->kept_nodes, std::vector<std::string>{"relu2 (Relu)"});
  EXPECT_EQ(report->reduced_inputs, std::vector<std::string>{"conv2_out"});
  // relu2 adds 0.5 to every element of its output.
  EXPECT_NE(report->reduced_message.find("max abs err 0.5,"), std::string::npos)
      << report->reduced_message;
  ASSERT_EQ(static_cast<int>(trials.size()), report->trials);
  EXPECT_EQ(trials[0].number, 1);
  EXPECT_EQ(trials[0].nodes, 8);
  EXPECT_TRUE(trials[0].fails);
  EXPECT_TRUE(trials.back().fails);
  EXPECT_EQ(trials.back().nodes, 1);
  EXPECT_TRUE(fs::exists(dir_ / "out" / "reduced.onnx"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "inputs" / "conv2_out.npy"));
  EXPECT_EQ(report->reduced_model, (dir_ / "out" / "reduced.onnx").string());
}

TEST_F(ReduceApiTest, OptionsAreCheckedBeforeAnyTrial) {
  ReduceOptions o;
  o.out_dir = (dir_ / "out").string();
  int trials = 0;
  auto count = [&](const ReduceTrial&) { ++trials; };
  EXPECT_FALSE(debug_reduce(chain(), o, count).ok());  // neither backend nor check
  o.backend = "faulty";
  o.check_command = "false";
  EXPECT_FALSE(debug_reduce(chain(), o, count).ok());  // both
  o.check_command.clear();
  o.timeout_s = 0;
  EXPECT_FALSE(debug_reduce(chain(), o, count).ok());
  EXPECT_EQ(trials, 0);
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

}  // namespace
}  // namespace nnport
