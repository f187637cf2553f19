// `nnport convert` with backend_config.precision='int8' / 'fp16', run as a
// user runs it: the work dir it writes, the accuracy of the int8 model on
// shapes10's labelled test set (against the fp32 model's, computed here),
// MMDeploy's create_calib / calib_file round trip, fp16, and a table of bad
// calibration data and bad quantization keys.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "cli_fixture.h"
#include "nnport/metrics.h"

namespace nnport::test {
namespace {

fs::path shapes10_dir() { return models_dir() / "shapes10"; }
std::string shapes10() { return model("shapes10").string(); }
std::string repo_cfg(const std::string& name) {
  return (fs::path(NNPORT_SOURCE_DIR) / "configs/classification" / name).string();
}
const std::string kInt8Dynamic = repo_cfg("classification_onnxruntime-int8_dynamic.py");
const std::string kInt8Static = repo_cfg("classification_onnxruntime-int8_static.py");
const std::string kFp16Dynamic = repo_cfg("classification_onnxruntime-fp16_dynamic.py");

Json read_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return Json();
  return Json::parse(in, nullptr, /*allow_exceptions=*/false);
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Top-1 accuracy of logits [N, C] (float32) against labels [N] (int64).
double top1_accuracy(const Tensor& logits, const Tensor& labels) {
  EXPECT_EQ(logits.dtype(), DType::kFloat32);
  EXPECT_EQ(labels.dtype(), DType::kInt64);
  EXPECT_EQ(logits.rank(), 2);
  if (logits.dtype() != DType::kFloat32 || labels.dtype() != DType::kInt64 || logits.rank() != 2 ||
      logits.shape()[0] != labels.numel() || labels.numel() == 0)
    return -1;
  const int64_t n = logits.shape()[0], c = logits.shape()[1];
  int64_t right = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float* row = logits.data_as<float>() + i * c;
    const int64_t top = std::max_element(row, row + c) - row;
    right += top == labels.data_as<int64_t>()[i] ? 1 : 0;
  }
  return static_cast<double>(right) / static_cast<double>(n);
}

// Every file in the work dir is one deploy.json lists (or deploy.json /
// detail.json), and every file it lists is there.
void expect_deploy_json_lists_every_file(const fs::path& work) {
  Json deploy = read_json(work / "deploy.json");
  ASSERT_TRUE(deploy.is_object()) << "no deploy.json in " << work;
  std::set<std::string> listed = {"deploy.json", "detail.json"};
  for (const char* key : {"ir_files", "backend_files", "data_files", "extra_files"})
    for (const auto& f : deploy["nnport"][key]) listed.insert(f.get<std::string>());
  std::set<std::string> present;
  for (const auto& e : fs::recursive_directory_iterator(work))
    if (e.is_regular_file()) present.insert(e.path().lexically_relative(work).generic_string());
  EXPECT_EQ(present, listed) << deploy.dump(2);
}

class CliPrecisionTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (!fs::exists(model("shapes10")))
      GTEST_SKIP() << "shapes10 is absent from " << models_dir()
                   << " (tests/models/README.md regenerates it)";
    if (!ort_once()) GTEST_SKIP() << "onnxruntime is not available (run check-env)";
  }
  static bool ort_once() {
    static const bool available = ort_available();
    return available;
  }

  // `nnport run TARGET -i input=INPUT -o DIR`; the output tensor.
  Tensor run_output(const std::string& target, const std::string& input, const std::string& out) {
    CliResult r = run_cli({"run", target, "--input", "input=" + input, "--output-dir", path(out)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto t = read_npy((fs::path(path(out)) / "output.npy").string());
    EXPECT_TRUE(t.ok()) << t.status().message();
    return t.ok() ? *t : Tensor();
  }
  // Top-1 accuracy of TARGET on shapes10's test set, run through the CLI.
  double test_accuracy(const std::string& target, const std::string& out) {
    Tensor logits = run_output(target, (shapes10_dir() / "test/input.npy").string(), out);
    auto labels = read_npy((shapes10_dir() / "test/labels.npy").string());
    EXPECT_TRUE(labels.ok()) << labels.status().message();
    if (!logits.defined() || !labels.ok()) return -1;
    EXPECT_EQ(logits.shape(), (Shape{1000, 10}));
    return top1_accuracy(logits, *labels);
  }
  // The independent reference: the fp32 model file itself on onnxruntime,
  // measured once per process (and checked against PyTorch's accuracy).
  double fp32_accuracy() {
    static std::optional<double> acc;
    if (!acc) {
      acc = test_accuracy(shapes10(), "fp32_out");
      Json manifest = read_json(models_dir() / "manifest.json");
      if (manifest.is_object())
        for (const auto& m : manifest["models"]) {
          if (m["name"] == "shapes10" && m.contains("fp32_accuracy")) {
            EXPECT_NEAR(*acc, m["fp32_accuracy"].get<double>(), 0.003)
                << "onnxruntime's fp32 top-1 differs from PyTorch's in manifest.json";
          }
        }
    }
    return *acc;
  }
  fs::path w() const { return work(); }

  // The int8 work dir holds what it should; returns deploy.json.
  Json expect_int8_work_dir() {
    for (const char* f :
         {"end2end.onnx", "end2end.int8.onnx", "quantization.json", "deploy.json", "detail.json"})
      EXPECT_TRUE(fs::exists(w() / f)) << f;
    Json deploy = read_json(w() / "deploy.json");
    EXPECT_TRUE(deploy.is_object());
    if (!deploy.is_object()) return deploy;
    EXPECT_EQ(deploy["models"][0]["precision"], "INT8");
    EXPECT_EQ(deploy["models"][0]["net"], "end2end.int8.onnx");
    EXPECT_EQ(deploy["models"][0]["backend"], "onnxruntime");
    const Json& extra = deploy["nnport"]["extra_files"];
    for (const char* f : {"end2end.int8.onnx", "quantization.json"})
      EXPECT_NE(std::find(extra.begin(), extra.end(), f), extra.end()) << f << ": " << extra;
    Json report = read_json(w() / "quantization.json");
    EXPECT_EQ(report["precision"], "int8");
    EXPECT_EQ(report["accuracy"]["checked"], true);
    EXPECT_EQ(report["accuracy"]["pass"], true) << report["accuracy"];
    EXPECT_GT(report["calibration"]["held_back"].get<int>(), 0);
    expect_deploy_json_lists_every_file(w());
    return deploy;
  }

  // The int8 work dir's top-1 is within 1 point of the fp32 model's, and
  // `nnport verify` against the fp32 IR on the test set passes.
  void expect_int8_accuracy(const char* label) {
    const double fp32 = fp32_accuracy();
    const double int8 = test_accuracy(work(), "int8_out");
    EXPECT_GT(fp32, 0.9) << "the trained model should be accurate";
    EXPECT_GE(int8, fp32 - 0.01) << label << ": int8 top-1 " << int8 << " vs fp32 " << fp32;
    CliResult v =
        run_cli({"verify", work(), "--reference", "onnxruntime", "--input",
                 "input=" + (shapes10_dir() / "test/input.npy").string(), "--metric", "topk", "--k",
                 "1", "--min", "0.98", "--metric", "cosine", "--min", "0.99", "--json"});
    EXPECT_EQ(v.exit_code, 0) << label << ": " << v.out << v.err;
    ASSERT_TRUE(Json::accept(v.out)) << v.out;
    EXPECT_EQ(Json::parse(v.out)["pass"], true) << v.out;
  }
};

// ---- int8 ----

TEST_F(CliPrecisionTest, Int8FromNpyFolderKeepsAccuracy) {
  CliResult c = run_cli({"convert", kInt8Dynamic, shapes10(), "--work-dir", work(), "--calib-data",
                         (shapes10_dir() / "calib").string(), "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  ASSERT_TRUE(Json::accept(c.out)) << c.out;
  expect_int8_work_dir();
  Json report = read_json(w() / "quantization.json");
  // All 64 samples are used: some to calibrate, the rest held back.
  EXPECT_EQ(
      report["calibration"]["samples"].get<int>() + report["calibration"]["held_back"].get<int>(),
      64)
      << report["calibration"];
  EXPECT_NE(report["calibration"]["data"].get<std::string>().find("npy folder"), std::string::npos);
  // The int8 file is really smaller (int8 weights), not a copy of the IR.
  EXPECT_LT(fs::file_size(w() / "end2end.int8.onnx"), fs::file_size(w() / "end2end.onnx"));
  expect_int8_accuracy("npy folder");
}

TEST_F(CliPrecisionTest, Int8FromImageFolderKeepsAccuracy) {
  // The static config's calib_config.image: ImageNet mean/std, to_rgb=True,
  // which is how shapes10's images were normalized.
  CliResult c = run_cli({"convert", kInt8Static, shapes10(), "--work-dir", work(), "--calib-data",
                         (shapes10_dir() / "calib_images").string()});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  expect_int8_work_dir();
  Json report = read_json(w() / "quantization.json");
  EXPECT_NE(report["calibration"]["data"].get<std::string>().find("image folder"),
            std::string::npos)
      << report["calibration"];
  EXPECT_EQ(
      report["calibration"]["samples"].get<int>() + report["calibration"]["held_back"].get<int>(),
      32)
      << "one image per sample (dynamic batch)";
  expect_int8_accuracy("image folder");
}

// create_calib writes the data into the work dir; a later convert finds it
// there through calib_file, without --calib-data (MMDeploy's rule).
TEST_F(CliPrecisionTest, Int8CreateCalibThenReadCalibFileFromWorkDir) {
  CliResult c = run_cli({"convert", kInt8Dynamic, shapes10(), "--work-dir", work(), "--calib-data",
                         (shapes10_dir() / "calib").string(), "--cfg-options",
                         "calib_config.create_calib=True"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  Json deploy = expect_int8_work_dir();
  ASSERT_TRUE(fs::exists(w() / "calib_data.h5"));
  EXPECT_EQ(read_bytes(w() / "calib_data.h5").substr(0, 8), std::string("\x89HDF\r\n\x1a\n", 8));
  const Json& extra = deploy["nnport"]["extra_files"];
  EXPECT_NE(std::find(extra.begin(), extra.end(), "calib_data.h5"), extra.end()) << extra;
  const Json from_npy = read_json(w() / "quantization.json");

  // Again, over the same work dir, reading W/calib_data.h5.
  CliResult again = run_cli({"convert", kInt8Dynamic, shapes10(), "--work-dir", work(), "--force",
                             "--cfg-options", "calib_config.create_calib=False", "--cfg-options",
                             "calib_config.calib_file=calib_data.h5"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  expect_int8_work_dir();  // includes: deploy.json lists every file, and only those
  const Json from_h5 = read_json(w() / "quantization.json");
  const std::string data = from_h5["calibration"]["data"].get<std::string>();
  EXPECT_NE(data.find("HDF5"), std::string::npos) << data;
  EXPECT_NE(data.find("calib_data.h5"), std::string::npos) << data;
  EXPECT_NE(data.find("64 samples"), std::string::npos) << data;
  // The file holds the same samples in the same order: minmax calibration
  // gives the same ranges and the same accuracy.
  EXPECT_EQ(from_h5["tensors"], from_npy["tensors"]);
  EXPECT_EQ(from_h5["accuracy"], from_npy["accuracy"]);
  // --force replaced the work dir; the calib_data.h5 it read moved into the
  // new one (listed), so the same command works again.
  EXPECT_TRUE(fs::exists(w() / "calib_data.h5"));
  const Json written = Json::parse(read_bytes(w() / "deploy.json"));
  const auto listed = written["nnport"]["extra_files"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(listed.begin(), listed.end(), "calib_data.h5"), listed.end());
}

// ---- fp16 ----

TEST_F(CliPrecisionTest, Fp16MobilenetVerifiesAgainstFp32) {
  if (!fs::exists(model("mobilenet_v2"))) GTEST_SKIP() << "mobilenet_v2 is absent";
  // keep_io_types=True: `nnport verify --reference` feeds the same tensors to
  // the target and to the reference, so a float16 input (keep_io_types=False)
  // cannot be fed to the float32 reference; see Fp16FloatInputsMatchFp32.
  CliResult c =
      run_cli({"convert", kFp16Dynamic, model("mobilenet_v2").string(), "--work-dir", work(),
               "--cfg-options", "backend_config.common_config.keep_io_types=True"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  for (const char* f : {"end2end.onnx", "end2end.fp16.onnx", "deploy.json", "detail.json"})
    EXPECT_TRUE(fs::exists(w() / f)) << f;
  Json deploy = read_json(w() / "deploy.json");
  EXPECT_EQ(deploy["models"][0]["precision"], "FP16");
  EXPECT_EQ(deploy["models"][0]["net"], "end2end.fp16.onnx");
  expect_deploy_json_lists_every_file(w());
  EXPECT_LT(fs::file_size(w() / "end2end.fp16.onnx"), fs::file_size(w() / "end2end.onnx") * 6 / 10);
  CliResult v = run_cli({"verify", work(), "--reference", "onnxruntime", "--input",
                         "input=" + (models_dir() / "mobilenet_v2/inputs/input.npy").string(),
                         "--metric", "cosine", "--min", "0.999"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("PASS"), std::string::npos) << v.out;
}

// The default keep_io_types=False: the work dir takes and gives float16; fed
// the test set in float16, it agrees with the fp32 model fed float32.
TEST_F(CliPrecisionTest, Fp16FloatInputsMatchFp32) {
  CliResult c = run_cli({"convert", kFp16Dynamic, shapes10(), "--work-dir", work()});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(read_json(w() / "deploy.json")["models"][0]["precision"], "FP16");
  EXPECT_TRUE(fs::exists(w() / "end2end.fp16.onnx"));

  auto input = read_npy((shapes10_dir() / "test/input.npy").string());
  ASSERT_TRUE(input.ok()) << input.status().message();
  Tensor half = Tensor::empty(DType::kFloat16, input->shape());
  for (int64_t i = 0; i < input->numel(); ++i)
    half.data_as<uint16_t>()[i] = float_to_half(input->data_as<float>()[i]);
  ASSERT_TRUE(write_npy(path("input_f16.npy"), half).ok());

  Tensor ref = run_output(shapes10(), (shapes10_dir() / "test/input.npy").string(), "fp32_out");
  Tensor out = run_output(work(), path("input_f16.npy"), "fp16_out");
  ASSERT_TRUE(ref.defined() && out.defined());
  EXPECT_EQ(out.dtype(), DType::kFloat16) << "keep_io_types=False gives float16 outputs";
  ASSERT_EQ(out.shape(), ref.shape());
  auto acc = MetricAccumulator::create({{"cosine", 0.999, 1}, {"topk", 0.99, 1}});
  ASSERT_TRUE(acc.ok()) << acc.status().message();
  acc->add("output", out, ref);
  for (const auto& r : acc->results())
    for (const auto& m : r.values)
      EXPECT_TRUE(m.pass) << m.metric << " " << m.value << " < " << m.min << " " << m.reason;

  // And its top-1 accuracy, in float32, is the fp32 model's within 1 point.
  Tensor as_float = Tensor::empty(DType::kFloat32, out.shape());
  for (int64_t i = 0; i < out.numel(); ++i)
    as_float.data_as<float>()[i] = half_to_float(out.data_as<uint16_t>()[i]);
  auto labels = read_npy((shapes10_dir() / "test/labels.npy").string());
  ASSERT_TRUE(labels.ok());
  EXPECT_GE(top1_accuracy(as_float, *labels), fp32_accuracy() - 0.01);
}

// ---- Bad input: non-zero exit, a message that says what, where and what
// to do, and no work dir (nor temporary) left behind. ----

struct PrecisionBadCase {
  const char* name;
  // Builds the calibration data under DIR and returns --calib-data's value
  // ("" for none).
  std::function<std::string(const fs::path& dir)> calib;
  std::vector<std::string> cfg_options;
  std::vector<std::string> expect;  // substrings of stderr; "$D" is the test's folder
  const char* config = nullptr;     // default: the int8 dynamic config
};

void PrintTo(const PrecisionBadCase& c, std::ostream* os) { *os << c.name; }

std::string good_calib(const fs::path&) { return (shapes10_dir() / "calib").string(); }

// DIR/NAME/input/0.npy .. (n-1).npy, copies of shapes10's, with sample
// `bad` replaced by `replacement`.
std::string npy_folder(const fs::path& dir, const std::string& name, int n, int bad,
                       const Tensor& replacement) {
  const fs::path folder = dir / name / "input";
  fs::create_directories(folder);
  for (int i = 0; i < n; ++i) {
    const std::string file = std::to_string(i) + ".npy";
    if (i == bad)
      EXPECT_TRUE(write_npy((folder / file).string(), replacement).ok());
    else
      fs::copy_file(shapes10_dir() / "calib/input" / file, folder / file);
  }
  return (dir / name).string();
}

// A real calibration file, written by `nnport calibrate`.
std::string real_h5(const fs::path& dir) {
  const std::string out = (dir / "real.h5").string();
  CliResult r = run_cli({"calibrate", shapes10(), "--calib-data", good_calib(dir), "--out", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

const PrecisionBadCase kPrecisionBadCases[] = {
    {"precision_int4",
     good_calib,
     {"backend_config.precision=int4"},
     {"backend_config.precision", "'int4'", "is not supported", "'fp32', 'fp16' or 'int8'"}},
    {"int8_without_calib_data",
     [](const fs::path&) { return std::string(); },
     {},
     {"precision='int8' needs calibration data", "pass --calib-data PATH",
      "calib_config.calib_file"}},
    {"calib_data_does_not_exist",
     [](const fs::path& d) { return (d / "no_such_calib").string(); },
     {},
     {"$D/no_such_calib"}},
    {"calib_file_missing_from_work_dir",
     [](const fs::path&) { return std::string(); },
     {"calib_config.calib_file=calib_data.h5"},
     {"calib_config.calib_file", "calib_data.h5", "does not exist", "pass --calib-data PATH"}},
    {"create_calib_without_calib_data",
     [](const fs::path&) { return std::string(); },
     {"calib_config.create_calib=True"},
     {"create_calib=True", "pass --calib-data PATH"}},
    {"folder_missing_the_input_subfolder",
     [](const fs::path& d) {
       fs::create_directories(d / "nosub/other");
       fs::copy_file(shapes10_dir() / "calib/input/0.npy", d / "nosub/other/0.npy");
       return (d / "nosub").string();
     },
     {},
     {"$D/nosub", "'input'", "name each subfolder after its input"}},
    {"npy_of_the_wrong_shape",
     [](const fs::path& d) {
       return npy_folder(d, "shape", 3, 0, Tensor::empty(DType::kFloat32, {1, 3, 16, 16}));
     },
     {},
     {"$D/shape/input/0.npy", "1x3x16x16", "'input'", "fixes it at 32",
      "give arrays of that shape"}},
    {"npy_of_the_wrong_dtype_in_a_later_sample",
     [](const fs::path& d) {
       return npy_folder(d, "dtype", 4, 2, Tensor::empty(DType::kFloat64, {1, 3, 32, 32}));
     },
     {},
     {"$D/dtype/input/2.npy", "float64", "'input' is float32", "convert the data to float32"}},
    {"empty_folder",
     [](const fs::path& d) {
       fs::create_directories(d / "empty_calib");
       return (d / "empty_calib").string();
     },
     {},
     {"$D/empty_calib", "no images", "give an HDF5 file", "docs/calibration-data.md"}},
    {"hdf5_signature_then_garbage",
     [](const fs::path& d) {
       std::ofstream(d / "garbage.h5", std::ios::binary)
           << std::string("\x89HDF\r\n\x1a\n", 8) << std::string(600, 'g');
       return (d / "garbage.h5").string();
     },
     {},
     {"$D/garbage.h5", "damaged or truncated", "write it again"}},
    {"truncated_hdf5",
     [](const fs::path& d) {
       const std::string bytes = read_bytes(real_h5(d));
       EXPECT_GT(bytes.size(), 4096u);
       std::ofstream(d / "truncated.h5", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
       return (d / "truncated.h5").string();
     },
     {},
     {"$D/truncated.h5", "truncated", "write it again"}},
    {"undecodable_image",
     [](const fs::path& d) {
       fs::create_directories(d / "images");
       fs::copy_file(shapes10_dir() / "calib_images/0000.png", d / "images/0000.png");
       fs::copy_file(shapes10_dir() / "calib_images/0001.png", d / "images/0001.png");
       std::ofstream(d / "images/0002.png") << "this is text, not a PNG\n";
       return (d / "images").string();
     },
     {},
     {"$D/images/0002.png", "cannot decode", "re-save it or remove it"},
     nullptr},
    {"unknown_quantization_key",
     good_calib,
     {"backend_config.quantization.methd=minmax"},
     {"backend_config.quantization.methd", "did you mean 'method'", "docs/quantization.md"}},
    {"unreachable_accuracy_goal",
     good_calib,
     {"backend_config.quantization.accuracy.metric=snr",
      "backend_config.quantization.accuracy.min=200"},
     {"model.onnx", "misses its accuracy goal", "snr", "200", "fallback_to_float",
      "nothing was written"}},
    {"fallback_to_float_without_reaching_the_goal",
     good_calib,
     {"backend_config.quantization.accuracy.metric=snr",
      "backend_config.quantization.accuracy.min=200",
      "backend_config.quantization.fallback_to_float=True",
      "backend_config.quantization.max_fallback_nodes=2"},
     {"misses its accuracy goal", "kept 2 layers in float",
      "raise backend_config.quantization.max_fallback_nodes", "nothing was written"}},
};

class CliPrecisionBadInput : public CliPrecisionTest,
                             public ::testing::WithParamInterface<PrecisionBadCase> {};

TEST_P(CliPrecisionBadInput, FailsWithMessageAndNoWorkDir) {
  const PrecisionBadCase& c = GetParam();
  std::vector<std::string> args = {"convert", c.config ? c.config : kInt8Dynamic, shapes10(),
                                   "--work-dir", work()};
  const std::string calib = c.calib(dir_);
  if (::testing::Test::HasFailure()) return;  // the bad data itself could not be made
  if (!calib.empty()) {
    args.push_back("--calib-data");
    args.push_back(calib);
  }
  for (const auto& o : c.cfg_options) {
    args.push_back("--cfg-options");
    args.push_back(o);
  }
  CliResult r = run_cli(args);
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.exit_code, 1) << "a bad input, not a usage error: " << r.err;
  EXPECT_NE(r.err.find("nnport convert: error:"), std::string::npos) << r.err;
  for (std::string part : c.expect) {
    if (part.rfind("$D", 0) == 0) part = dir_.string() + part.substr(2);
    EXPECT_NE(r.err.find(part), std::string::npos) << "'" << part << "' not in: " << r.err;
  }
  expect_no_work_dir();
}

INSTANTIATE_TEST_SUITE_P(Int8, CliPrecisionBadInput, ::testing::ValuesIn(kPrecisionBadCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nnport::test
