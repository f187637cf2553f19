// `nnport debug reduce` through the binary, on the faulty test backend's
// models (tests/plugins/faulty): the node the fault is set on is what must
// be left, the reduced model must still fail (and pass without the fault),
// its inputs must be the full model's values (checked against the model's
// own prefix on onnxruntime), and bad input is refused clearly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
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
  return (fs::path(NNPORT_FAULTY_CONFIG_DIR) / (name + ".py")).string();
}
bool contains(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}
Json read_json(const fs::path& path) {
  std::ifstream in(path);
  return Json::parse(in);
}

// A check command: exits 1 printing "found OP" when the model holds an OP
// node, 0 otherwise (onnx, not grep: protobuf bytes are no text).
constexpr char kHasOp[] = R"(import sys, onnx
op, path = sys.argv[1], sys.argv[2]
if any(n.op_type == op for n in onnx.load(path).graph.node):
    print("found " + op)
    sys.exit(1)
)";

class DebugReduceTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef NNPORT_FAULTY_HAVE_ORT
    GTEST_SKIP() << "the onnxruntime backend is not built; faulty runs models on it";
#endif
    if (!fs::exists(model("faulty_chain")))
      GTEST_SKIP() << "no faulty test models (python3-onnx missing?)";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("nnport_reduce_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "has_op.py") << kHasOp;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path out() const { return dir_ / "reduced"; }
  std::string has_op(const std::string& op) const {
    return "/usr/bin/python3 " + (dir_ / "has_op.py").string() + " " + op + " {model}";
  }

  // nnport --plugin <faulty> ARGS...
  static CliResult nnport(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin", NNPORT_FAULTY_PLUGIN});
    return run_cli(args);
  }
  CliResult reduce(const std::string& onnx, std::vector<std::string> args) const {
    args.insert(args.begin(), {"debug", "reduce", model(onnx), "--out", out().string()});
    return nnport(args);
  }

  fs::path dir_;
};

// The full model's value of `tensor` on x (seed 0): onnxruntime on the
// committed prefix model that ends there, independently of graph cutting.
Tensor prefix_value(const fs::path& dir, const std::string& prefix_model,
                    const std::string& tensor) {
  const fs::path values = dir / "prefix_values";
  const CliResult r =
      run_cli({"run", model(prefix_model), "--seed", "0", "--output-dir", values.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto t = read_npy((values / (tensor + ".npy")).string());
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : Tensor();
}

TEST_F(DebugReduceTest, PerturbedNodeIsWhatIsLeftAndStillFails) {
  const CliResult r = reduce("faulty_chain", {"--deploy-cfg", config("perturb_conv2")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "failure: mismatch")) << r.out;
  EXPECT_TRUE(contains(r.err, "trial 1: 8 nodes -> fails (mismatch")) << r.err;
  const Json s = read_json(out() / "summary.json");
  EXPECT_EQ(s["nodes_before"], 8);
  EXPECT_LE(s["nodes_after"].get<int>(), 3);
  const auto kept = s["kept_nodes"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(kept.begin(), kept.end(), "conv2 (Conv)"), kept.end()) << s.dump();
  EXPECT_EQ(s["failure"], "mismatch");
  EXPECT_GE(s["trials"].get<int>(), 2);

  // Its input is relu1's output in the full model: faulty_chain_prefix.onnx
  // (the chain cut before conv2, same weights) on onnxruntime, same seed.
  ASSERT_EQ(s["reduced_inputs"], Json::array({"relu1_out"}));
  const fs::path saved = out() / s["inputs"]["relu1_out"].get<std::string>();
  auto got = read_npy(saved.string());
  ASSERT_TRUE(got.ok()) << got.status().message();
  const Tensor want = prefix_value(dir_, "faulty_chain_prefix", "relu1_out");
  ASSERT_EQ(got->shape(), want.shape());
  EXPECT_EQ(std::memcmp(got->data(), want.data(), want.nbytes()), 0);

  // Converted with the fault and verified against onnxruntime on the saved
  // inputs: still fails. Without the fault (faulty_plain): passes.
  const std::string reduced = (out() / "reduced.onnx").string();
  const std::string input = "relu1_out=" + saved.string();
  ASSERT_EQ(nnport({"convert", config("perturb_conv2"), reduced, "--work-dir",
                    (dir_ / "w_fault").string()})
                .exit_code,
            0);
  const CliResult still = nnport(
      {"verify", (dir_ / "w_fault").string(), "--reference", "onnxruntime", "--input", input});
  EXPECT_EQ(still.exit_code, 1) << still.out;
  ASSERT_EQ(nnport({"convert", config("faulty_plain"), reduced, "--work-dir",
                    (dir_ / "w_plain").string()})
                .exit_code,
            0);
  const CliResult plain = nnport(
      {"verify", (dir_ / "w_plain").string(), "--reference", "onnxruntime", "--input", input});
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
}

TEST_F(DebugReduceTest, PerturbedBranchOfABranchingModel) {
  const CliResult r = reduce("faulty_branches", {"--backend", "faulty", "--cfg-options",
                                                 "backend_config.perturb_node=a_conv", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);  // --json: stdout is one document
  EXPECT_EQ(j["failure"], "mismatch");
  const auto kept = j["kept_nodes"].get<std::vector<std::string>>();
  EXPECT_LE(kept.size(), 3u);
  EXPECT_NE(std::find(kept.begin(), kept.end(), "a_conv (Conv)"), kept.end()) << j.dump();
  // a_conv reads stem_relu_out, which removed nodes compute.
  EXPECT_EQ(j["reduced_inputs"], Json::array({"stem_relu_out"}));
}

TEST_F(DebugReduceTest, CrashIsReducedToTheCrashingOpAndNnportSurvives) {
  const CliResult r = reduce("faulty_chain", {"--deploy-cfg", config("crash_softmax")});
  EXPECT_EQ(r.signal, 0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "killed by signal 11 (SIGSEGV)")) << r.out;
  const Json s = read_json(out() / "summary.json");
  EXPECT_EQ(s["failure"], "crash");
  EXPECT_EQ(s["kept_nodes"], Json::array({"softmax (Softmax)"}));
  EXPECT_EQ(s["reduced_inputs"], Json::array({"fc_out"}));
}

TEST_F(DebugReduceTest, ConversionErrorIsReducedToTheNodeItNames) {
  const CliResult r = reduce("faulty_chain", {"--deploy-cfg", config("fail_conv2")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json s = read_json(out() / "summary.json");
  EXPECT_EQ(s["failure"], "conversion error");
  EXPECT_TRUE(contains(s["reduced_message"], "cannot convert node 'conv2' (Conv)")) << s.dump();
  EXPECT_EQ(s["kept_nodes"], Json::array({"conv2 (Conv)"}));
}

TEST_F(DebugReduceTest, FoldMakesTheBoundaryValuesConstants) {
  const CliResult r =
      reduce("faulty_chain", {"--deploy-cfg", config("perturb_conv2"), "--fold", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["kept_nodes"], Json::array({"conv2 (Conv)"}));
  EXPECT_TRUE(j["reduced_inputs"].empty());  // relu1_out is an initializer now
  // No inputs to feed: the folded model fails alone, and passes without the fault.
  const std::string reduced = (out() / "reduced.onnx").string();
  for (const char* cfg : {"perturb_conv2", "faulty_plain"}) {
    const std::string work = (dir_ / cfg).string();
    ASSERT_EQ(nnport({"convert", config(cfg), reduced, "--work-dir", work}).exit_code, 0);
    const CliResult v = nnport({"verify", work, "--reference", "onnxruntime"});
    EXPECT_EQ(v.exit_code, std::string(cfg) == "faulty_plain" ? 0 : 1) << cfg << v.out << v.err;
  }
}

TEST_F(DebugReduceTest, CheckCommandWithFailRegex) {
  const CliResult r =
      reduce("faulty_chain", {"--check", has_op("Gemm"), "--fail-regex", "found Gem+"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json s = read_json(out() / "summary.json");
  EXPECT_EQ(s["failure"], "check failed");
  EXPECT_EQ(s["kept_nodes"], Json::array({"fc (Gemm)"}));
  EXPECT_EQ(s["reduced_inputs"], Json::array({"flat_out"}));
  // The reduced model passes the check once fc is gone: it is the only node.
  EXPECT_EQ(s["nodes_after"], 1);
}

TEST_F(DebugReduceTest, CheckCommandWithoutPlaceholderGetsThePathAppended) {
  std::string command = has_op("Relu");
  command.resize(command.size() - std::strlen(" {model}"));
  const CliResult r = reduce("faulty_chain", {"--check", command});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json s = read_json(out() / "summary.json");
  ASSERT_EQ(s["nodes_after"], 1);
  const std::string kept = s["kept_nodes"][0];
  EXPECT_TRUE(kept == "relu1 (Relu)" || kept == "relu2 (Relu)") << kept;
}

TEST_F(DebugReduceTest, HangingTrialsAreKilledAtTheTimeout) {
  // Every piece "hangs": each trial is killed after 0.3 s, and the search
  // still ends, with a timeout as the failure.
  const CliResult r = reduce("faulty_chain", {"--check", "sleep 5 # {model}", "--timeout", "0.3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "-> fails (timeout, timed out after 0.3 s)")) << r.err;
  const Json s = read_json(out() / "summary.json");
  EXPECT_EQ(s["failure"], "timeout");
  EXPECT_EQ(s["nodes_after"], 1);
  EXPECT_LT(s["seconds"].get<double>(), 5.0);  // no trial ran to the end of its sleep
}

TEST_F(DebugReduceTest, PassingModelSaysSoAndWritesNothing) {
  const CliResult r = reduce("faulty_chain", {"--deploy-cfg", config("faulty_plain")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "passes (8 nodes): nothing to reduce")) << r.out;
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(DebugReduceTest, FullModelFailingForAnotherReasonIsNamed) {
  const CliResult r = reduce("faulty_chain", {"--check", has_op("Gemm"), "--fail-regex", "Tanh"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err,
                       "the full model fails the check, but not the way --fail-regex "
                       "says"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "found Gemm")) << r.err;  // what it printed instead
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(DebugReduceTest, OutDirIsReplacedOnlyWithForceAndOnlyIfReduceWroteIt) {
  fs::create_directories(out());
  std::ofstream(out() / "notes.txt") << "mine";
  const std::vector<std::string> args = {"--check", has_op("Gemm")};
  CliResult r = reduce("faulty_chain", args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "exists and is not empty: pass --force")) << r.err;
  std::vector<std::string> forced = args;
  forced.push_back("--force");
  r = reduce("faulty_chain", forced);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "was not written by `nnport debug reduce`")) << r.err;
  EXPECT_TRUE(fs::exists(out() / "notes.txt"));
  fs::remove_all(out());
  ASSERT_EQ(reduce("faulty_chain", args).exit_code, 0);
  r = reduce("faulty_chain", forced);  // its own earlier result: replaced
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// A real model on a real backend: squeezenet1_1 (tests/models/export.py) on
// xnnpack, whose snapshot has no Concat. Skips where either is absent, or
// once xnnpack converts the model.
TEST_F(DebugReduceTest, RealModelConversionErrorOnXnnpack) {
  const char* env = std::getenv("NNPORT_MODELS_DIR");
  const fs::path models = env != nullptr && *env != 0
                              ? fs::path(env)
                              : fs::path(NNPORT_SOURCE_DIR) / "tests" / "models" / "out";
  const fs::path squeezenet = models / "squeezenet1_1" / "model.onnx";
  if (!fs::exists(squeezenet))
    GTEST_SKIP() << "no " << squeezenet << ": run tests/models/export.py";
  const CliResult r = run_cli({"debug", "reduce", squeezenet.string(), "--backend", "xnnpack",
                               "--out", out().string(), "--json"});
  if (r.exit_code != 0 && contains(r.err, "backend 'xnnpack'") &&
      (contains(r.err, "not installed") || contains(r.err, "not available")))
    GTEST_SKIP() << "no xnnpack backend here: " << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  if (!j["full_model_fails"].get<bool>()) GTEST_SKIP() << "xnnpack converts squeezenet1_1 now";
  EXPECT_EQ(j["failure"], "conversion error");
  ASSERT_EQ(j["nodes_after"], 1) << j.dump();
  // The one node left is the one the full model's error names.
  const std::string kept = j["kept_nodes"][0];
  const std::string name = kept.substr(0, kept.rfind(" ("));
  EXPECT_TRUE(contains(j["message"], "'" + name + "'")) << kept << " / " << j["message"];
  EXPECT_LE(j["trials"].get<int>(), 30);
}

struct BadCase {
  const char* name;
  std::vector<std::string> args;  // after `debug reduce`
  int exit_code;
  const char* message;
};

TEST_F(DebugReduceTest, BadInputIsRefusedClearly) {
  const std::string chain = model("faulty_chain");
  const std::string o = out().string();
  const std::vector<BadCase> cases = {
      {"missing model",
       {"/nonexistent/m.onnx", "--backend", "faulty", "--out", o},
       1,
       "not found: /nonexistent/m.onnx"},
      {"unknown backend", {chain, "--backend", "nosuch", "--out", o}, 1, "nosuch"},
      {"unavailable reference",
       {chain, "--backend", "faulty", "--reference", "nosuchref", "--out", o},
       1,
       "reference: "},
      {"neither", {chain, "--out", o}, 2, "say what fails: --backend BACKEND"},
      {"both",
       {chain, "--backend", "faulty", "--check", "true", "--out", o},
       2,
       "either --backend (or --deploy-cfg) or --check, not both"},
      {"fail-regex without check",
       {chain, "--backend", "faulty", "--fail-regex", "x", "--out", o},
       1,
       "--fail-regex needs --check"},
      {"bad regex",
       {chain, "--check", "false", "--fail-regex", "(", "--out", o},
       1,
       "is not a valid regular expression"},
      {"unknown input",
       {chain, "--check", "false", "--input", "y=/dev/null", "--out", o},
       1,
       "the model has no input 'y'; its inputs: x"},
      {"backend and config disagree",
       {chain, "--backend", "onnxruntime", "--deploy-cfg", config("perturb_conv2"), "--out", o},
       1,
       "is for backend 'faulty'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"debug", "reduce"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const CliResult r = nnport(args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.name << ": " << r.err;
    EXPECT_TRUE(contains(r.err, c.message)) << c.name << ": " << r.err;
    EXPECT_FALSE(fs::exists(out())) << c.name;
  }
}

}  // namespace
}  // namespace nnport::test
