// nnport debug diverge on backends whose fault is known exactly (the faulty
// test backend, tests/plugins/faulty): it must name the node the fault was
// put on — whose inputs agree and whose output parts — through the CLI and
// the C++ API, move a cut the backend cannot convert, survive a crash, and
// on real models and backends name a node whose inputs agree.
#include <cmath>

#include "cli_fixture.h"
#include "nnport/diverge.h"
#include "nnport/registry.h"

namespace nnport::test {
namespace {

std::string faulty_model(const std::string& name) {
  return (fs::path(NNPORT_FAULTY_MODEL_DIR) / (name + ".onnx")).string();
}
std::string faulty_cfg(const std::string& name) {
  return (fs::path(NNPORT_FAULTY_CONFIG_DIR) / (name + ".py")).string();
}

class DebugDiverge : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (!fs::exists(faulty_model("faulty_chain"))) GTEST_SKIP() << "no faulty test models";
    if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  }
  static CliResult nnport(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin", NNPORT_FAULTY_PLUGIN});
    return run_cli(args);
  }
  // A work dir of `model` converted with the faulty config `cfg`.
  std::string convert(const std::string& cfg, const std::string& model) {
    CliResult c = nnport({"convert", faulty_cfg(cfg), faulty_model(model), "--work-dir", work()});
    EXPECT_EQ(c.exit_code, 0) << c.err;
    return work();
  }
  // `debug diverge W --json` with extra args; the parsed report.
  Json diverge(const std::string& target, std::vector<std::string> extra, int want_exit,
               CliResult* raw = nullptr) {
    std::vector<std::string> args = {"debug", "diverge", target, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = nnport(args);
    EXPECT_EQ(r.exit_code, want_exit) << r.err << r.out;
    if (raw != nullptr) *raw = r;
    if (!Json::accept(r.out)) {
      ADD_FAILURE() << "not JSON: " << r.out << r.err;
      return Json::object();
    }
    return Json::parse(r.out);
  }
};

// The perturbed node is the answer; its input agrees exactly, its output is
// off by about the perturbation (0.5 on every element: a Conv's output).
TEST_F(DebugDiverge, NamesThePerturbedNodeOfAChain) {
  const std::string w = convert("perturb_conv2", "faulty_chain");
  CliResult raw;
  Json r = diverge(w, {}, 1, &raw);
  EXPECT_EQ(r["outputs_differ"], true);
  ASSERT_EQ(r["found"], true) << r.dump(1);
  EXPECT_EQ(r["node_name"], "conv2");
  EXPECT_EQ(r["op_type"], "Conv");
  EXPECT_EQ(r["last_node"], 2);  // conv1, relu1, conv2
  ASSERT_GE(r["diverging"].size(), 1u);
  EXPECT_EQ(r["diverging"][0]["tensor"], "conv2_out");
  EXPECT_NEAR(r["diverging"][0]["max_abs_err"].get<double>(), 0.5, 1e-4);
  // The path: conv1_out and relu1_out agree, conv2_out parts.
  std::map<std::string, bool> path;
  for (const auto& p : r["path"]) path[p["tensor"]] = p["pass"];
  EXPECT_EQ(path["conv1_out"], true) << r["path"].dump(1);
  EXPECT_EQ(path["relu1_out"], true);
  EXPECT_EQ(path["conv2_out"], false);
  // O(log N): 8 nodes -> the whole model, 3 bisection cuts, the path.
  EXPECT_LE(r["trials"].get<int>(), 6);
  EXPECT_EQ(r["steps"].size(), 3u);
  // One progress line per step on stderr.
  for (int s = 1; s <= 3; ++s)
    EXPECT_NE(raw.err.find("step " + std::to_string(s) + ":"), std::string::npos) << raw.err;
}

TEST_F(DebugDiverge, ThePerturbedBranchNotTheCleanOne) {
  const std::string w = convert("perturb_a_conv", "faulty_branches");
  Json r = diverge(w, {}, 1);
  ASSERT_EQ(r["found"], true) << r.dump(1);
  EXPECT_EQ(r["node_name"], "a_conv");
  for (const auto& d : r["diverging"]) EXPECT_NE(d["tensor"], "b_conv_out");
}

// Every Conv perturbed: the first one is the answer.
TEST_F(DebugDiverge, TheFirstOfManyFaultyNodes) {
  const std::string w = convert("perturb_conv_op", "faulty_chain");
  Json r = diverge(w, {}, 1);
  ASSERT_EQ(r["found"], true);
  EXPECT_EQ(r["node_name"], "conv1");
  EXPECT_EQ(r["last_node"], 0);
}

TEST_F(DebugDiverge, NothingToFindExitsZero) {
  const std::string w = convert("faulty_plain", "faulty_chain");
  Json r = diverge(w, {}, 0);
  EXPECT_EQ(r["outputs_differ"], false);
  EXPECT_EQ(r["found"], false);
  EXPECT_EQ(r["trials"], 1);
  CliResult text = nnport({"debug", "diverge", w});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("nothing diverges"), std::string::npos) << text.out;
}

// relu1_out cannot be an output on this backend: the cut after relu1 is
// moved, and since conv2's only input is relu1_out, the answer is a range.
TEST_F(DebugDiverge, ACutThatCannotBeConvertedIsMovedAndSaid) {
  const std::string w = convert("perturb_conv2_hide_relu1", "faulty_chain");
  CliResult raw;
  Json r = diverge(w, {}, 1, &raw);
  bool skipped_relu1 = false;
  for (const auto& s : r["steps"])
    for (const auto& why : s["skipped"])
      skipped_relu1 = skipped_relu1 || why.get<std::string>().find("relu1") != std::string::npos;
  EXPECT_TRUE(skipped_relu1) << r["steps"].dump(1);
  EXPECT_EQ(r["found"], false) << r.dump(1);
  EXPECT_EQ(r["first_node"], 1);
  EXPECT_EQ(r["last_node"], 2);
  EXPECT_NE(raw.err.find("fused away"), std::string::npos) << raw.err;
  CliResult text = nnport({"debug", "diverge", w});
  EXPECT_NE(text.out.find("between node 1 and node 2"), std::string::npos) << text.out;
}

// A backend that crashes on the model: nnport survives and says what to do.
TEST_F(DebugDiverge, ABackendCrashOnTheModelIsAnErrorNotACrash) {
  const std::string w = convert("crash_softmax", "faulty_chain");
  CliResult r = nnport({"debug", "diverge", w});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.signal, 0);
  EXPECT_NE(r.err.find("SIGSEGV"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("debug reduce"), std::string::npos) << r.err;
}

// --save: the smallest failing prefix and its inputs reproduce the fault.
TEST_F(DebugDiverge, SaveWritesAPrefixThatStillFails) {
  const std::string w = convert("perturb_conv2", "faulty_chain");
  const std::string saved = path("report");
  Json r = diverge(w, {"--save", saved, "--seed", "7"}, 1);
  ASSERT_EQ(r["found"], true);
  ASSERT_TRUE(fs::exists(fs::path(saved) / "prefix.onnx"));
  ASSERT_TRUE(fs::exists(fs::path(saved) / "inputs" / "x.npy"));
  ASSERT_TRUE(fs::exists(fs::path(saved) / "diverge.json"));
  CliResult inspect = run_cli({"inspect", (fs::path(saved) / "prefix.onnx").string(), "--json"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  Json model_info = Json::parse(inspect.out);
  EXPECT_EQ(model_info["node_count"], 3) << inspect.out;  // conv1, relu1, conv2
  // The saved prefix on the faulty backend still parts from onnxruntime.
  const std::string again = path("again");
  CliResult c = nnport({"convert", faulty_cfg("perturb_conv2"),
                        (fs::path(saved) / "prefix.onnx").string(), "--work-dir", again});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  CliResult v = nnport({"verify", again, "--reference", "onnxruntime", "--input",
                        "x=" + (fs::path(saved) / "inputs" / "x.npy").string()});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  // A folder that holds files is refused before any work.
  CliResult again_save = nnport({"debug", "diverge", w, "--save", saved});
  EXPECT_EQ(again_save.exit_code, 1);
  EXPECT_NE(again_save.err.find(saved), std::string::npos) << again_save.err;
}

TEST_F(DebugDiverge, BadInputIsAClearError) {
  const std::string w = convert("perturb_conv2", "faulty_chain");
  struct Row {
    std::vector<std::string> args;
    std::string want;
  };
  const std::vector<Row> rows = {
      {{"debug", "diverge", path("missing")}, "missing"},
      {{"debug", "diverge", w, "--reference", "onnxruntim"}, "onnxruntime"},
      {{"debug", "diverge", w, "--input", "y=" + path("rank1.npy")}, "unknown input 'y'"},
      {{"debug", "diverge", w, "--input", "x=" + path("not_npy.npy")}, "not_npy.npy"},
      {{"debug", "diverge", w, "--metric", "cosin"}, "cosin"},
      {{"debug", "diverg", w}, "did you mean 'diverge'"},
  };
  for (const auto& row : rows) {
    CliResult r = nnport(row.args);
    EXPECT_NE(r.exit_code, 0) << row.args[2];
    EXPECT_EQ(r.signal, 0);
    EXPECT_NE(r.err.find(row.want), std::string::npos) << row.want << " not in: " << r.err;
  }
}

// The C++ API, with the plugin loaded into the global registry.
TEST_F(DebugDiverge, TheCppApiFindsTheSameNode) {
  const std::string w = convert("perturb_join", "faulty_branches");
  auto loaded = Registry::global().load_plugin(NNPORT_FAULTY_PLUGIN);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  DivergeOptions options;
  std::vector<int> steps;
  options.on_step = [&](const DivergeStep& s) { steps.push_back(s.index); };
  auto report = debug_diverge(w, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->found);
  EXPECT_EQ(report->node_name, "join");
  EXPECT_EQ(report->op_type, "Add");
  EXPECT_EQ(steps.size(), report->steps.size());
  ASSERT_FALSE(report->diverging.empty());
  EXPECT_NEAR(report->diverging[0].comparison.max_abs_err, 0.5, 1e-4);
  // Both of join's inputs agree.
  for (const auto& p : report->path)
    if (p.tensor != "join_out") EXPECT_TRUE(p.comparison.pass) << p.tensor;
}

// Real models on the converting backends: with zero tolerance every backend
// parts somewhere (float rounding); the node named must have inputs that
// agree exactly — the definition of "first".
TEST_F(DebugDiverge, RealModelsOnTheConvertingBackends) {
  if (!fs::exists(model("mobilenet_v2"))) GTEST_SKIP() << "mobilenet_v2 is absent";
  for (const char* backend : {"xnnpack", "opencv"}) {
    SCOPED_TRACE(backend);
    const std::string input = (models_dir() / "mobilenet_v2" / "inputs" / "input.npy").string();
    CliResult r = run_cli({"debug", "diverge", model("mobilenet_v2").string(), "--backend", backend,
                           "--atol", "0", "--rtol", "0", "--input", "input=" + input, "--json"});
    if (r.exit_code != 1 && r.err.find("not available") != std::string::npos) continue;
    ASSERT_EQ(r.exit_code, 1) << r.err;
    ASSERT_TRUE(Json::accept(r.out)) << r.out << r.err;
    Json j = Json::parse(r.out);
    ASSERT_EQ(j["found"], true) << j.dump(1);
    for (const auto& p : j["path"])
      if (p["node"] < j["last_node"]) EXPECT_EQ(p["max_abs_err"], 0.0) << p.dump();
    // log2(~100 nodes) + the whole model + the path.
    EXPECT_LE(j["trials"].get<int>(), 12);
  }
}

}  // namespace
}  // namespace nnport::test
