// The nnport CLI, run as a user runs it: usage, check-env, config, and
// convert + run + verify on the real models.
#include "cli_fixture.h"

namespace nnport::test {
namespace {

// ---- Usage ----

TEST_F(CliTest, HelpListsSubcommands) {
  CliResult r = run_cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"check-env", "config", "convert", "run", "verify", "inspect", "--plugin"})
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  CliResult sub = run_cli({"verify", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_NE(sub.out.find("--atol"), std::string::npos);
  EXPECT_NE(sub.out.find("Examples"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{},
                                             {"nosuchcommand"},
                                             {"convert"},
                                             {"run", "x.onnx", "--no-such-flag"},
                                             {"verify", "x.onnx"},
                                             {"run", "x.onnx", "--seed", "abc"}}) {
    CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << (args.empty() ? "" : args[0]) << ": " << r.err;
    EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  }
}

// ---- check-env and config ----

TEST_F(CliTest, CheckEnvPrintsMMDeployLines) {
  CliResult r = run_cli({"check-env"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("tensorrt:\tNone"), std::string::npos) << r.out;
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available: " << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("(^|\n)onnxruntime:\t[0-9]+\\.[0-9]+\\.[0-9]+")))
      << r.out;
}

TEST_F(CliTest, CheckEnvJsonAndBadPlugins) {
  CliResult r = run_cli({"--plugin", NNPORT_BAD_ABI_PLUGIN, "check-env", "--json"});
  EXPECT_EQ(r.exit_code, 1) << "a --plugin that fails makes check-env fail";
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  bool has_tensorrt = false;
  for (const auto& b : j["backends"]) {
    if (b["name"] == "tensorrt") {
      has_tensorrt = true;
      EXPECT_EQ(b["available"], false);
    }
  }
  EXPECT_TRUE(has_tensorrt);
  bool listed = false;
  for (const auto& f : j["failures"])
    listed = listed || f["path"].get<std::string>().find("badabi") != std::string::npos;
  EXPECT_TRUE(listed) << r.out;
}

TEST_F(CliTest, ConfigPrintsMergedJson) {
  CliResult r = run_cli({"config", cfg("ort_static.py")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["backend_config"]["type"], "onnxruntime");  // from the base
  EXPECT_EQ(j["onnx_config"]["opset_version"], 11);
  EXPECT_EQ(j["codebase_config"]["task"], "Classification");
  EXPECT_NE(r.out.find("\n  \""), std::string::npos) << "2-space indent";

  CliResult o =
      run_cli({"config", cfg("ort_static.py"), "--cfg-options", "onnx_config.opset_version=13",
               "--cfg-options", "backend_config.type=tensorrt"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  Json k = Json::parse(o.out);
  EXPECT_EQ(k["onnx_config"]["opset_version"], 13);
  EXPECT_EQ(k["backend_config"]["type"], "tensorrt");
}

// ---- Happy paths on the real models ----

// The .npy files in two folders agree within tol; returns the max abs diff.
double max_abs_diff(const std::string& a_path, const std::string& b_path) {
  auto a = read_npy(a_path);
  auto b = read_npy(b_path);
  EXPECT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(b.ok()) << b.status().message();
  if (!a.ok() || !b.ok()) return 1e30;
  EXPECT_EQ(a->shape(), b->shape());
  EXPECT_EQ(a->dtype(), DType::kFloat32);
  if (a->shape() != b->shape() || a->dtype() != b->dtype()) return 1e30;
  double m = 0;
  for (int64_t i = 0; i < a->numel(); ++i)
    m = std::max(m,
                 static_cast<double>(std::fabs(a->data_as<float>()[i] - b->data_as<float>()[i])));
  return m;
}

class CliModelTest : public CliTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(CliModelTest, ConvertRunVerifyMatchesPyTorch) {
  std::string name = GetParam();
  if (!fs::exists(model(name))) GTEST_SKIP() << name << " is absent from " << models_dir();
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available (run check-env)";
  fs::path mdir = models_dir() / name;

  CliResult c = run_cli(
      {"convert", cfg("ort_static.py"), model(name).string(), "--work-dir", work(), "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  ASSERT_TRUE(Json::accept(c.out)) << c.out;
  for (const char* f : {"end2end.onnx", "deploy.json", "detail.json"})
    EXPECT_TRUE(fs::exists(fs::path(work()) / f)) << f;
  std::ifstream dj(fs::path(work()) / "deploy.json");
  Json deploy = Json::parse(dj);
  EXPECT_EQ(deploy["models"][0]["backend"], "onnxruntime");
  EXPECT_EQ(deploy["models"][0]["net"], "end2end.onnx");
  EXPECT_EQ(deploy["models"][0]["weights"], "");
  EXPECT_TRUE(deploy["customs"].is_array());
  std::ifstream tj(fs::path(work()) / "detail.json");
  Json detail = Json::parse(tj);
  EXPECT_EQ(detail["backend_config"]["type"], "onnxruntime");
  EXPECT_EQ(detail["codebase_config"]["type"], "mmpretrain");

  // Fed the model's own inputs, the outputs match PyTorch's within 1e-4.
  std::vector<std::string> run = {"run", work(), "--output-dir", path("out"), "--json"};
  for (const auto& e : fs::directory_iterator(mdir / "inputs")) {
    run.push_back("--input");
    run.push_back(e.path().stem().string() + "=" + e.path().string());
  }
  CliResult r = run_cli(run);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json rj = Json::parse(r.out);
  ASSERT_FALSE(rj["outputs"].empty());
  for (const auto& e : fs::directory_iterator(mdir / "outputs")) {
    std::string got = (fs::path(path("out")) / e.path().filename()).string();
    ASSERT_TRUE(fs::exists(got)) << got;
    EXPECT_LE(max_abs_diff(got, e.path().string()), 1e-4) << e.path();
  }

  CliResult v = run_cli({"verify", work(), "--reference", "onnxruntime", "--json"});
  EXPECT_EQ(v.exit_code, 0) << v.err << v.out;
  ASSERT_TRUE(Json::accept(v.out)) << v.out;
  Json vj = Json::parse(v.out);
  EXPECT_EQ(vj["pass"], true);
  EXPECT_EQ(vj["outputs"].size(), rj["outputs"].size());

  CliResult text = run_cli({"verify", work(), "--reference", "onnxruntime"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("PASS"), std::string::npos) << text.out;

  // Against PyTorch's saved outputs directly: no backend is trusted as the reference.
  std::vector<std::string> expect = {"verify", work(), "--expected", (mdir / "outputs").string(),
                                     "--atol", "1e-4", "--json"};
  expect.insert(expect.end(), run.begin() + 5, run.end());  // the --input pairs
  CliResult e = run_cli(expect);
  EXPECT_EQ(e.exit_code, 0) << e.err << e.out;
  ASSERT_TRUE(Json::accept(e.out)) << e.out;
  EXPECT_EQ(Json::parse(e.out)["pass"], true);
}

TEST_F(CliTest, VerifyExpectedFailsOnWrongOutputsAndNeedsInputFiles) {
  if (!fs::exists(model("tiny_mlp"))) GTEST_SKIP() << "tiny_mlp is absent";
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  fs::path mdir = models_dir() / "tiny_mlp";
  std::string input = "input=" + (mdir / "inputs" / "input.npy").string();
  // A saved "output" that is not the model's (here its input, [1, 16] not [1, 8]) fails.
  fs::create_directories(path("wrong"));
  fs::copy_file(mdir / "inputs" / "input.npy", fs::path(path("wrong")) / "output.npy");
  CliResult bad = run_cli(
      {"verify", model("tiny_mlp").string(), "--input", input, "--expected", path("wrong")});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("FAIL"), std::string::npos) << bad.out;
  // Random inputs cannot match saved outputs: refused before running.
  CliResult random =
      run_cli({"verify", model("tiny_mlp").string(), "--expected", (mdir / "outputs").string()});
  EXPECT_EQ(random.exit_code, 1);
  EXPECT_NE(random.err.find("--input input=FILE.npy"), std::string::npos) << random.err;
  // A missing file names it.
  CliResult missing = run_cli(
      {"verify", model("tiny_mlp").string(), "--input", input, "--expected", path("nowhere")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("output.npy"), std::string::npos) << missing.err;
  // Exactly one reference.
  CliResult none = run_cli({"verify", model("tiny_mlp").string()});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--reference BACKEND or --expected DIR"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Models, CliModelTest, ::testing::Values("tiny_mlp", "resnet18"));

TEST_F(CliTest, ExistingWorkDirNeedsForce) {
  if (!fs::exists(model("tiny_mlp"))) GTEST_SKIP() << "tiny_mlp is absent";
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  fs::create_directories(work());
  write(fs::path(work()) / "keep.txt", "old");
  std::vector<std::string> args = {"convert", cfg("ort_static.py"), model("tiny_mlp").string(),
                                   "--work-dir", work()};
  CliResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(fs::path(work()) / "keep.txt")) << "the old work dir must stay intact";
  args.push_back("--force");
  CliResult f = run_cli(args);  // not a work dir nnport wrote: --force refuses it too
  EXPECT_EQ(f.exit_code, 1) << f.err;
  EXPECT_NE(f.err.find("keep.txt"), std::string::npos) << f.err;
  EXPECT_TRUE(fs::exists(fs::path(work()) / "keep.txt"));
  fs::remove(fs::path(work()) / "keep.txt");
  ASSERT_EQ(run_cli(args).exit_code, 0);  // an empty folder may be replaced
  CliResult again = run_cli(args);        // and a work dir nnport wrote
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(fs::exists(fs::path(work()) / "deploy.json"));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST_F(CliTest, RunRandomInputsOnModelFiles) {
  if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
  struct Case {
    const char* name;
    std::vector<std::string> extra;
    std::vector<int64_t> first_output_shape;
  };
  for (const Case& c : {Case{"two_in_two_out", {}, {2, 4}}, Case{"int64_input", {}, {1, 10, 16}},
                        Case{"mobilenet_v2", {"--shape", "input=2x3x224x224"}, {2, 1000}}}) {
    SCOPED_TRACE(c.name);
    if (!fs::exists(model(c.name))) continue;
    std::vector<std::string> args = {"run", model(c.name).string(), "--json", "--seed", "3"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    CliResult r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(Json::accept(r.out)) << r.out;
    Json j = Json::parse(r.out);
    EXPECT_EQ(j["outputs"][0]["shape"].get<std::vector<int64_t>>(), c.first_output_shape);
    // Same seed, same numbers.
    CliResult again = run_cli(args);
    EXPECT_EQ(Json::parse(again.out)["outputs"], j["outputs"]);
  }
}

TEST_F(CliTest, InspectShowsInputsOutputsOpset) {
  if (!fs::exists(model("mobilenet_v2"))) GTEST_SKIP() << "mobilenet_v2 is absent";
  CliResult r = run_cli({"inspect", model("mobilenet_v2").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["opset"], 11);
  EXPECT_EQ(j["inputs"][0]["name"], "input");
  EXPECT_EQ(j["inputs"][0]["dims"][0], -1);
  EXPECT_EQ(j["inputs"][0]["dim_names"][0], "batch");
  CliResult text = run_cli({"inspect", model("mobilenet_v2").string()});
  EXPECT_NE(text.out.find("[batch, 3, 224, 224]"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace nnport::test
