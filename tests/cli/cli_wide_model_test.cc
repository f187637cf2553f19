// Models with 20,000 inputs or outputs through convert, run and verify on
// onnxruntime (issue 11: such models took minutes when name lookups were
// linear scans). No timing is asserted here; docs/performance.md has the
// figures. bench/wide_models.py writes the models and the reference:
//   wide_inputs.onnx   x0..x19999 ([1] each) -> Concat -> ReduceSum -> 'sum'
//   wide_outputs.onnx  x [20000] -> Split -> y0..y19999 ([1] each, y_i = x[i])
// and in/x<i>.npy = (i % 97) / 8 - 6 with sum.npy, their sum by numpy.
// Every value and partial sum is a multiple of 1/8 far below 2^21, so
// float32 adds them exactly in any order: the sum must match exactly.
#include "cli_fixture.h"

namespace nnport::test {
namespace {

constexpr int kWidth = 20000;

class CliWideModelTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (!ort_available()) GTEST_SKIP() << "onnxruntime is not available";
    const std::string cmd = "/usr/bin/python3 " NNPORT_SOURCE_DIR "/bench/wide_models.py " +
                            dir_.string() + " " + std::to_string(kWidth) + " --inputs " +
                            path("in") + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0 || !fs::exists(path("wide_outputs.onnx")))
      GTEST_SKIP() << "bench/wide_models.py failed (python3-onnx missing?)";
  }
  static std::string ort_config() {
    return NNPORT_SOURCE_DIR "/configs/generic/generic_onnxruntime_static.py";
  }
  CliResult convert(const std::string& model, const std::string& work) {
    return run_cli({"convert", ort_config(), path(model), "--work-dir", path(work)});
  }
  static float value_of(int i) { return static_cast<float>(i % 97) / 8 - 6; }
};

TEST_F(CliWideModelTest, TwentyThousandInputsConvertRunAndVerify) {
  CliResult c = convert("wide_inputs.onnx", "work");
  ASSERT_EQ(c.exit_code, 0) << c.err;

  CliResult r = run_cli(
      {"run", path("work"), "--input-dir", path("in"), "--output-dir", path("out"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  ASSERT_TRUE(Json::accept(r.out));
  const Json doc = Json::parse(r.out);
  ASSERT_EQ(doc["inputs"].size(), static_cast<size_t>(kWidth));
  // In the model's order, each read from its own file.
  for (int i : {0, 1, 9999, kWidth - 1}) {
    EXPECT_EQ(doc["inputs"][i]["name"], "x" + std::to_string(i));
    EXPECT_EQ(doc["inputs"][i]["source"], path("in/x" + std::to_string(i) + ".npy"));
  }
  auto got = read_npy(path("out/sum.npy"));
  auto want = read_npy(path("sum.npy"));
  ASSERT_TRUE(got.ok() && want.ok());
  ASSERT_EQ(got->numel(), 1);
  EXPECT_EQ(got->data_as<float>()[0], want->data_as<float>()[0]) << "numpy's sum of the inputs";

  CliResult v = run_cli(
      {"verify", path("work"), "--reference", "onnxruntime", "--input-dir", path("in"), "--json"});
  EXPECT_EQ(v.exit_code, 0) << v.err.substr(0, 2000);
  ASSERT_TRUE(Json::accept(v.out));
  const Json ver = Json::parse(v.out);
  EXPECT_EQ(ver["pass"], true);
  ASSERT_EQ(ver["outputs"].size(), 1u);
  EXPECT_EQ(ver["outputs"][0]["max_abs_err"], 0.0);

  // Random inputs (no files) go through the same lookups: verify passes too.
  CliResult random = run_cli({"verify", path("work"), "--reference", "onnxruntime", "--seed", "3"});
  EXPECT_EQ(random.exit_code, 0) << random.err.substr(0, 2000);
  EXPECT_NE(random.out.find("PASS: 1 output(s)"), std::string::npos) << random.out.substr(0, 2000);
}

TEST_F(CliWideModelTest, TwentyThousandOutputsKeepTheirOrderAndValues) {
  Tensor x = Tensor::empty(DType::kFloat32, {kWidth});
  for (int i = 0; i < kWidth; ++i) x.data_as<float>()[i] = value_of(i) + 0.5f * (i % 3);
  ASSERT_TRUE(write_npy(path("x.npy"), x).ok());
  CliResult c = convert("wide_outputs.onnx", "work");
  ASSERT_EQ(c.exit_code, 0) << c.err;

  CliResult r = run_cli({"run", path("work"), "--input", "x=" + path("x.npy"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  ASSERT_TRUE(Json::accept(r.out));
  const Json doc = Json::parse(r.out);
  ASSERT_EQ(doc["outputs"].size(), static_cast<size_t>(kWidth));
  for (int i = 0; i < kWidth; ++i) {  // y_i = x[i], in the model's order
    const Json& o = doc["outputs"][i];
    ASSERT_EQ(o["name"], "y" + std::to_string(i));
    ASSERT_EQ(o["first"][0].get<double>(), static_cast<double>(x.data_as<float>()[i])) << i;
  }

  CliResult v = run_cli(
      {"verify", path("work"), "--reference", "onnxruntime", "--input", "x=" + path("x.npy")});
  EXPECT_EQ(v.exit_code, 0) << v.err.substr(0, 2000);
  EXPECT_NE(v.out.find("PASS: 20000 output(s)"), std::string::npos) << v.out.substr(0, 2000);
}

}  // namespace
}  // namespace nnport::test
