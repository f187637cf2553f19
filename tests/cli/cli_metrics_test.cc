// `nnport verify --metric`: accuracy goals for lower precision. The saved
// "expected" outputs are the model's own, scaled or negated, so every metric
// is known by hand whatever the model computes:
//   ref = 2·out:  cosine 1; noise Σ out², signal 4·Σ out²: SNR 10·log10(4) = 6.0206 dB;
//                 the same argmax, so top-1 agreement 1.
//   ref = −out:   cosine −1; the target's top class is the reference's last of 8.
#include "cli_fixture.h"

namespace nnport::test {
namespace {

class CliMetricsTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (!fs::exists(model("tiny_mlp"))) GTEST_SKIP() << "tiny_mlp is absent";
    if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
    // The target's own output on the saved input (not PyTorch's, which differs in the last bits).
    CliResult run = run_cli(
        {"run", model("tiny_mlp").string(), "--input", input(), "--output-dir", path("own")});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto out = read_npy((fs::path(path("own")) / "output.npy").string());
    ASSERT_TRUE(out.ok()) << out.status().message();
    ASSERT_EQ(out->shape(), (Shape{1, 8}));
    saved("double", *out, 2.0f);
    saved("negated", *out, -1.0f);
  }
  static std::string input() {
    return "input=" + (models_dir() / "tiny_mlp/inputs/input.npy").string();
  }
  // DIR/output.npy = scale · the model's output on its saved input.
  void saved(const std::string& dir, const Tensor& out, float scale) {
    Tensor t = Tensor::empty(DType::kFloat32, out.shape());
    for (int64_t i = 0; i < out.numel(); ++i)
      t.data_as<float>()[i] = scale * out.data_as<float>()[i];
    fs::create_directories(path(dir));
    ASSERT_TRUE(write_npy((fs::path(path(dir)) / "output.npy").string(), t).ok());
  }
  // verify tiny_mlp against DIR's saved outputs, plus `more`.
  CliResult verify(const std::string& dir, std::vector<std::string> more) {
    std::vector<std::string> args = {
        "verify",     model("tiny_mlp").string(),
        "--input",    "input=" + (models_dir() / "tiny_mlp/inputs/input.npy").string(),
        "--expected", path(dir)};
    args.insert(args.end(), more.begin(), more.end());
    return run_cli(args);
  }
};

TEST_F(CliMetricsTest, GoalsMetPassWhereAllcloseFails) {
  CliResult plain = verify("double", {});
  EXPECT_EQ(plain.exit_code, 1) << "2·out is far from out by allclose";
  CliResult goals = verify("double", {"--metric", "cosine", "--metric", "topk"});
  EXPECT_EQ(goals.exit_code, 0) << goals.err << goals.out;
  EXPECT_NE(goals.out.find("(goals: cosine >= 0.99, top-1 >= 0.98)"), std::string::npos)
      << goals.out;
  EXPECT_NE(goals.out.find("PASS: 1 output(s)"), std::string::npos) << goals.out;
}

TEST_F(CliMetricsTest, FailedGoalShowsValueGoalAndMiss) {
  CliResult r = verify("double", {"--metric", "snr", "--metric", "cosine", "--min", "0.999"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  // The header names each goal; the snr cell its value and by how much it missed 20 dB.
  EXPECT_NE(r.out.find("cosine >= 0.999"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("snr >= 20 dB"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("6.0206 (missed by 13.9794)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL: 1 output(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("outputs miss their accuracy goals: 'output' snr 6.0206 dB < 20 dB"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("cosine"), std::string::npos) << "cosine 1 met its goal: " << r.err;
}

TEST_F(CliMetricsTest, JsonCarriesGoalsValuesAndMisses) {
  CliResult r = verify(
      "negated", {"--metric", "cosine", "--min", "-1", "--metric", "snr", "--min", "-10",
                  "--metric", "topk", "--metric", "topk", "--k", "8", "--min", "1", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["pass"], false);
  ASSERT_EQ(j["goals"].size(), 4u);
  EXPECT_EQ(j["goals"][2]["min"], 0.98) << "topk's default";
  EXPECT_EQ(j["goals"][3]["k"], 8);
  EXPECT_EQ(j["goals"][3]["label"], "top-8");
  const Json& out = j["outputs"][0];
  EXPECT_DOUBLE_EQ(out["cosine"].get<double>(), -1.0);
  // −out: noise Σ(2·out)² = 4·signal: 10·log10(1/4) = −6.0206 dB.
  EXPECT_NEAR(out["snr_db"].get<double>(), -6.0206, 1e-4);
  const Json& m = out["metrics"];
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0]["pass"], true);  // −1 >= −1
  EXPECT_EQ(m[0]["missed_by"], nullptr);
  EXPECT_EQ(m[1]["pass"], true);  // −6.02 >= −10
  EXPECT_EQ(m[2]["metric"], "topk");
  EXPECT_EQ(m[2]["value"], 0.0);  // the target's top class is the reference's last
  EXPECT_EQ(m[2]["pass"], false);
  EXPECT_DOUBLE_EQ(m[2]["missed_by"].get<double>(), 0.98);
  EXPECT_EQ(m[3]["value"], 1.0);  // ... which is within the top 8 of 8
  EXPECT_EQ(m[3]["pass"], true);
  EXPECT_EQ(out["pass"], false);
  EXPECT_NE(r.err.find("'output' top-1 0 < 0.98"), std::string::npos) << r.err;
}

TEST_F(CliMetricsTest, IdenticalOutputsGiveInfiniteSnr) {
  CliResult r = run_cli({"verify", model("tiny_mlp").string(), "--reference", "onnxruntime",
                         "--metric", "snr", "--min", "100", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  ASSERT_TRUE(Json::accept(r.out)) << r.out;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["outputs"][0]["snr_db"], "inf");  // JSON has no infinity
  EXPECT_EQ(j["outputs"][0]["metrics"][0]["value"], "inf");
}

TEST_F(CliMetricsTest, WithoutMetricOutputIsAsBefore) {
  CliResult r = run_cli({"verify", model("tiny_mlp").string(), "--reference", "onnxruntime"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "backend onnxruntime vs reference onnxruntime  (atol 1e-05, rtol 0.001)\n"
            "output  shape               max abs err   max rel err   median abs err  p99 abs err   "
            "mismatches      result\n"
            "output  [1, 8]              0             0             0               0             "
            "0/8             PASS\n"
            "PASS: 1 output(s)\n");
  CliResult j =
      run_cli({"verify", model("tiny_mlp").string(), "--reference", "onnxruntime", "--json"});
  ASSERT_TRUE(Json::accept(j.out)) << j.out;
  auto doc = nlohmann::ordered_json::parse(j.out);  // keys in the printed order
  EXPECT_FALSE(doc.contains("goals"));
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc["outputs"][0].items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "dtype", "shape", "reference_dtype",
                                            "reference_shape", "max_abs_err", "max_rel_err",
                                            "mismatches", "numel", "atol", "rtol", "abs_err",
                                            "rel_err", "worst", "pass", "reason"}));
}

// Command-line mistakes are usage errors (exit 2), found before any model runs.
struct BadGoal {
  std::vector<std::string> args;
  std::string says;
};

TEST_F(CliTest, VerifyMetricUsageErrors) {
  const BadGoal cases[] = {
      {{"--metric", "cosin"}, "unknown metric 'cosin' (did you mean 'cosine'?)"},
      {{"--metric", "psnr"}, "the metrics are cosine, snr, topk"},
      {{"--metric", "cosine", "--min", "1.5"}, "min 1.5 is outside [-1, 1]"},
      {{"--metric", "topk", "--min", "98"}, "min 98 is outside [0, 1]"},
      {{"--metric", "snr", "--min", "inf"}, "must be a finite number"},
      {{"--metric", "snr", "--min", "abc"}, "--min 'abc' (of --metric snr) is not a number"},
      {{"--min", "0.9", "--metric", "cosine"}, "--min 0.9 comes before any --metric"},
      {{"--metric", "cosine", "--k", "5"}, "--k 5 (of --metric cosine) is topk's"},
      {{"--metric", "topk", "--k", "0"}, "must be a whole number from 1 to 1000000"},
      {{"--metric", "topk", "--min", "0.5", "--min", "0.6"}, "--min given twice"},
      {{"--metric", "topk", "--metric", "topk", "--k", "1"}, "top-1 has two goals"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"verify", "nosuchmodel.onnx", "--reference", "onnxruntime"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << c.says << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  }
}

TEST_F(CliTest, VerifyHelpDocumentsMetrics) {
  CliResult r = run_cli({"verify", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* s : {"--metric", "--min", "--k", "cosine", "snr", "topk", "default --min 0.99"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

}  // namespace
}  // namespace nnport::test
