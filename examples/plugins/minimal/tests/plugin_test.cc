// The built plugin, loaded with dlopen and driven through the C ABI: its
// identity, its errors, and whole models against PyTorch's outputs.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "npy.h"
#include "plugin_host.h"
#include "proto_writer.h"
#include "test_util.h"

namespace minimal {
namespace {

namespace fs = std::filesystem;
namespace t = minimal::testing;

class PluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    backend_ = t::load_backend(&why);
    ASSERT_NE(backend_, nullptr) << "cannot load " << MINIMAL_PLUGIN_FILE << ": " << why;
  }
  // Writes bytes to a file in the test's temp folder and returns its path.
  std::string write_model(const std::string& name, const std::string& bytes) {
    const fs::path dir =
        fs::temp_directory_path() / ("nnport_minimal_test_" + std::to_string(getpid()));
    fs::create_directories(dir);
    const fs::path path = dir / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }
  const nnport_backend* backend_ = nullptr;
};

t::HostTensor floats(const std::string& name, std::vector<int64_t> dims, std::vector<float> v) {
  t::HostTensor h{name, NNPORT_DTYPE_FLOAT32, std::move(dims), {}};
  h.data.assign(reinterpret_cast<const char*>(v.data()), v.size() * 4);
  return h;
}

std::vector<float> as_floats(const std::string& bytes) {
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  return v;
}

TEST_F(PluginTest, IdentifiesItself) {
  EXPECT_EQ(backend_->abi_version, NNPORT_PLUGIN_ABI_VERSION);
  EXPECT_EQ(backend_->struct_size, sizeof(nnport_backend));
  EXPECT_STREQ(backend_->name, "minimal");
  EXPECT_EQ(backend_->backend_file_count, 1u);
  std::string why, version, err;
  nnport_sink why_sink = t::string_sink(&why), out = t::string_sink(&version),
              err_sink = t::string_sink(&err);
  EXPECT_EQ(backend_->is_available(0, &why_sink), 1);
  EXPECT_EQ(backend_->is_available(1, &why_sink), 1);
  EXPECT_EQ(backend_->version(&out, &err_sink), NNPORT_OK);
  EXPECT_EQ(version, "0.1.0 (reference interpreter)");
}

TEST_F(PluginTest, ToBackendKeepsTheOnnxFile) {
  std::string files, err;
  nnport_sink files_sink = t::string_sink(&files), err_sink = t::string_sink(&err);
  const char* ir = "/some/model.onnx";
  ASSERT_NE(backend_->to_backend, nullptr);
  EXPECT_EQ(
      backend_->to_backend(&ir, 1, "/tmp", "{}", NNPORT_LOG_INFO, "cpu", &files_sink, &err_sink),
      NNPORT_OK);
  EXPECT_EQ(files, ir);
}

TEST_F(PluginTest, RunsAModelAndReportsInfos) {
  const std::string path = write_model(
      "two_out.onnx", t::model({t::node("Relu", {"x"}, {"a"}), t::node("Add", {"x", "one"}, {"b"})},
                               {t::tensor_proto("one", {1}, {1})}, {t::value_info("x", 1, {-1, 2})},
                               {t::value_info("a", 1, {-1, 2}), t::value_info("b", 1, {-1, 2})}));
  const auto r = t::run_model(path, {floats("x", {1, 2}, {-3, 4})}, {"b", "a"});
  ASSERT_EQ(r.code, NNPORT_OK) << r.error;
  ASSERT_EQ(r.input_infos.size(), 1u);  // the initializer is no input
  EXPECT_EQ(r.input_infos[0].name, "x");
  EXPECT_EQ(r.input_infos[0].dims, (std::vector<int64_t>{-1, 2}));
  EXPECT_EQ(r.input_infos[0].dim_names, (std::vector<std::string>{"N", ""}));
  ASSERT_EQ(r.outputs.size(), 2u);  // in the order asked for
  EXPECT_EQ(r.output_infos[0].name, "b");
  EXPECT_EQ(r.outputs[0].name, "b");
  EXPECT_EQ(as_floats(r.outputs[0].data), (std::vector<float>{-2, 5}));
  EXPECT_EQ(r.outputs[1].name, "a");
  EXPECT_EQ(as_floats(r.outputs[1].data), (std::vector<float>{0, 4}));
}

TEST_F(PluginTest, BuildErrorsAreCleanAndSpecific) {
  const auto in = t::value_info("x", 1, {1, 3, 8, 8});
  const auto out = t::value_info("y", 1, {1, 3, 8, 8});
  const std::string conv = write_model(
      "conv.onnx",
      t::model({t::node("Conv", {"x", "w"}, {"y"})},
               {t::tensor_proto("w", {3, 3, 1, 1}, {1, 0, 0, 0, 1, 0, 0, 0, 1})}, {in}, {out}));
  const std::string relu =
      write_model("relu.onnx", t::model({t::node("Relu", {"x"}, {"y"})}, {}, {in}, {out}));
  const std::string garbage = write_model("garbage.onnx", "\x0a\xff\xff\x03 not a model");
  struct Case {
    const char* label;
    std::string path;
    std::vector<std::string> outputs;
    std::string device;
    int code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"unsupported op",
       conv,
       {},
       "cpu",
       NNPORT_UNIMPLEMENTED,
       "minimal: op 'Conv' (node 'Conv_0') is not supported; supported: Add, "},
      {"missing file", conv + ".absent", {}, "cpu", NNPORT_NOT_FOUND, "does not exist"},
      {"a folder",
       fs::path(conv).parent_path().string(),
       {},
       "cpu",
       NNPORT_NOT_FOUND,
       "not a file"},
      {"garbage", garbage, {}, "cpu", NNPORT_INVALID_ARGUMENT, "malformed protobuf"},
      {"gpu device", relu, {}, "cuda:0", NNPORT_UNAVAILABLE, "cpu only"},
      {"unknown output",
       relu,
       {"z"},
       "cpu",
       NNPORT_INVALID_ARGUMENT,
       "no output named 'z'; its outputs: 'y'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    const auto r = t::run_model(c.path, {}, c.outputs, c.device, false);
    EXPECT_EQ(r.code, c.code) << r.error;
    EXPECT_NE(r.error.find(c.message), std::string::npos) << r.error;
  }
}

TEST_F(PluginTest, RuntimeErrorsComeBackAsCodes) {
  const std::string path = write_model(
      "matmul.onnx",
      t::model({t::node("MatMul", {"x", "w"}, {"y"})}, {t::tensor_proto("w", {3, 1}, {1, 1, 1})},
               {t::value_info("x", 1, {1, -1})}, {t::value_info("y", 1, {1, 1})}));
  const auto r = t::run_model(path, {floats("x", {1, 2}, {1, 2})});
  EXPECT_EQ(r.code, NNPORT_INVALID_ARGUMENT);
  EXPECT_NE(r.error.find("do not multiply: 2 != 3"), std::string::npos) << r.error;
}

// Whole models exported by PyTorch (tests/models), compared with PyTorch's
// own outputs: |minimal - torch| <= 1e-5 * max(1, |torch|).
std::string models_dir() {
  const char* env = std::getenv("NNPORT_MODELS_DIR");
  return env != nullptr && *env != '\0' ? env : MINIMAL_DEFAULT_MODELS_DIR;
}

class ModelTest : public PluginTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(ModelTest, MatchesPyTorch) {
  const fs::path dir = fs::path(models_dir()) / GetParam();
  if (!fs::exists(dir / "model.onnx"))
    GTEST_SKIP() << "no model at " << dir << " (set NNPORT_MODELS_DIR)";
  // Learn the input order from the model, then feed inputs/<name>.npy.
  auto info = t::run_model((dir / "model.onnx").string(), {}, {}, "cpu", false);
  ASSERT_EQ(info.code, NNPORT_OK) << info.error;
  std::vector<t::HostTensor> inputs;
  for (const auto& in : info.input_infos) {
    const t::Npy npy = t::read_npy((dir / "inputs" / (in.name + ".npy")).string());
    inputs.push_back({in.name, npy.descr == "<i8" ? NNPORT_DTYPE_INT64 : NNPORT_DTYPE_FLOAT32,
                      npy.shape, npy.data});
  }
  const auto r = t::run_model((dir / "model.onnx").string(), inputs);
  ASSERT_EQ(r.code, NNPORT_OK) << r.error;
  ASSERT_FALSE(r.outputs.empty());
  for (const auto& out : r.outputs) {
    SCOPED_TRACE(out.name);
    const t::Npy want = t::read_npy((dir / "outputs" / (out.name + ".npy")).string());
    ASSERT_EQ(want.descr, "<f4");
    EXPECT_EQ(out.dims, want.shape);
    const auto got = as_floats(out.data), ref = as_floats(want.data);
    ASSERT_EQ(got.size(), ref.size());
    for (size_t k = 0; k < ref.size(); ++k) {
      ASSERT_LE(std::fabs(got[k] - ref[k]), 1e-5 * std::max(1.0f, std::fabs(ref[k])))
          << "element " << k << ": minimal " << got[k] << ", PyTorch " << ref[k];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Models, ModelTest,
                         ::testing::Values("tiny_mlp", "two_in_two_out", "int64_input",
                                           "transformer_layer"));

}  // namespace
}  // namespace minimal
