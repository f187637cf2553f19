// The converting backends through the CLI: check-model, a work dir run on
// another backend, and convert + verify against ONNX Runtime. A backend that
// is not available here is skipped (its plugin's own tests say why).
#include "cli_fixture.h"

namespace nnport::test {
namespace {

// Built in this tree (CMake says so): then it must be available, not skipped.
bool built(const std::string& backend) {
  return std::string(NNPORT_BUILT_BACKENDS).find("," + backend + ",") != std::string::npos;
}

std::string shipped_cfg(const std::string& name) {
  return (fs::path(NNPORT_SOURCE_DIR) / "configs/classification" / name).string();
}

#define SKIP_WITHOUT(model_name, backend)                                         \
  if (!fs::exists(model(model_name))) GTEST_SKIP() << model_name << " is absent"; \
  if (!backend_available(backend)) GTEST_SKIP() << backend << " is not available here"

using CliBackends = CliTest;

TEST_F(CliBackends, WorkDirOfOneBackendRunOnAnotherIsRefused) {
  SKIP_WITHOUT("tiny_mlp", "onnxruntime");
  CliResult c =
      run_cli({"convert", cfg("ort_static.py"), model("tiny_mlp").string(), "--work-dir", work()});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  for (const char* cmd : {"run", "verify"}) {
    std::vector<std::string> args = {cmd, work(), "--backend", "xnnpack"};
    if (std::string(cmd) == "verify") args.insert(args.end(), {"--reference", "onnxruntime"});
    CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 1) << cmd;
    for (const char* want : {"was converted for backend 'onnxruntime', not 'xnnpack'",
                             "convert the model again for xnnpack"})
      EXPECT_NE(r.err.find(want), std::string::npos) << cmd << ": " << r.err;
  }
  CliResult same = run_cli({"run", work(), "--backend", "onnxruntime"});
  EXPECT_EQ(same.exit_code, 0) << same.err;  // naming its own backend is fine
}

TEST_F(CliBackends, CheckModelNamesEveryNodeXnnpackCannotTake) {
  SKIP_WITHOUT("squeezenet1_1", "xnnpack");
  CliResult r =
      run_cli({"check-model", model("squeezenet1_1").string(), "--backend", "xnnpack", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  const Json& b = j["backends"][0];
  EXPECT_EQ(b["name"], "xnnpack");
  EXPECT_EQ(b["checked"], true);
  // squeezenet1_1 has 8 Fire modules, each ending in one Concat (torchvision's
  // definition); every other op (Conv, Relu, MaxPool, GlobalAveragePool,
  // Flatten, Identity) is one XNNPACK takes.
  EXPECT_EQ(b["unsupported_count"], 8);
  EXPECT_EQ(b["nodes"].size(), j["node_count"]);
  for (const auto& n : b["nodes"]) {
    EXPECT_EQ(n["supported"], n["op_type"] != "Concat") << n.dump();
    if (n["supported"] == false) EXPECT_FALSE(n["reason"].get<std::string>().empty());
  }
  CliResult text =
      run_cli({"check-model", model("squeezenet1_1").string(), "--backend", "xnnpack"});
  EXPECT_NE(text.out.find("8 not:"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(Concat)"), std::string::npos) << text.out;
}

TEST_F(CliBackends, CheckModelSaysWhenABackendTakesEverything) {
  SKIP_WITHOUT("resnet18", "xnnpack");
  CliResult r = run_cli({"check-model", model("resnet18").string(), "--backend", "xnnpack"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("xnnpack: takes all 49 nodes"), std::string::npos) << r.out;
}

TEST_F(CliBackends, CheckModelReportsUnknownAndBadInput) {
  SKIP_WITHOUT("tiny_mlp", "onnxruntime");
  CliResult garbage = run_cli({"check-model", path("garbage.onnx"), "--backend", "onnxruntime"});
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_NE(garbage.err.find("garbage.onnx"), std::string::npos) << garbage.err;
  CliResult none = run_cli({"check-model", model("tiny_mlp").string()});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("--backend NAME (or all), or --config"), std::string::npos) << none.err;
  CliResult typo = run_cli({"check-model", model("tiny_mlp").string(), "--backend", "xnnpak"});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("did you mean 'xnnpack'?"), std::string::npos) << typo.err;
  // The config names the backend when --backend is not given.
  CliResult by_cfg = run_cli(
      {"check-model", model("tiny_mlp").string(), "--config", cfg("ort_static.py"), "--json"});
  ASSERT_TRUE(Json::accept(by_cfg.out)) << by_cfg.out << by_cfg.err;
  EXPECT_EQ(Json::parse(by_cfg.out)["backends"][0]["name"], "onnxruntime");
}

// Each converting backend converts resnet18 and agrees with ONNX Runtime
// through the CLI (the plugins' own tests cover every model and batch 4).
class CliConvertingBackend : public CliTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(CliConvertingBackend, ConvertsAndVerifiesResnet18) {
  const std::string backend = GetParam();
  SKIP_WITHOUT("resnet18", backend);
  if (!backend_available("onnxruntime")) GTEST_SKIP() << "onnxruntime is not available";
  CliResult c = run_cli({"convert", shipped_cfg("classification_" + backend + "_static.py"),
                         model("resnet18").string(), "--work-dir", work(), "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const fs::path input = models_dir() / "resnet18" / "inputs" / "input.npy";
  CliResult v = run_cli({"verify", work(), "--reference", "onnxruntime", "--input",
                         "input=" + input.string(), "--atol", "1e-4", "--rtol", "1e-3", "--json"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  ASSERT_TRUE(Json::accept(v.out)) << v.out;
  EXPECT_EQ(Json::parse(v.out)["pass"], true) << v.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, CliConvertingBackend, ::testing::Values("xnnpack", "opencv"));

}  // namespace
}  // namespace nnport::test
