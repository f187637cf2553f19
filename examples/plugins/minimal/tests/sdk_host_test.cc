// The plugin loaded by nnport's own host (the installed libnnport: Registry,
// BackendManager, Wrapper, read_npy), running nnport's test models; and the
// use the example exists for: minimal as the reference for another backend
// (ONNX Runtime, when its plugin is installed and available).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "nnport/npy.h"
#include "nnport/registry.h"

namespace {

namespace fs = std::filesystem;

fs::path models_dir() {
  const char* env = std::getenv("NNPORT_MODELS_DIR");
  return env != nullptr && *env != '\0' ? env : MINIMAL_DEFAULT_MODELS_DIR;
}

// Inputs from inputs/<name>.npy for each of the wrapper's inputs.
nnport::NamedTensors load_inputs(const nnport::Wrapper& w, const fs::path& dir) {
  nnport::NamedTensors inputs;
  for (const auto& info : w.input_infos()) {
    auto t = nnport::read_npy((dir / "inputs" / (info.name + ".npy")).string());
    EXPECT_TRUE(t.ok()) << t.status().message();
    if (t.ok()) inputs.set(info.name, *t);
  }
  return inputs;
}

// max |a - b| / max(1, |b|) over all elements of a float32 output.
double max_scaled_diff(const nnport::Tensor& a, const nnport::Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  EXPECT_EQ(a.dtype(), nnport::DType::kFloat32);
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return INFINITY;
  double worst = 0;
  for (int64_t k = 0; k < a.numel(); ++k) {
    const double x = a.data_as<float>()[k], y = b.data_as<float>()[k];
    worst = std::max(worst, std::fabs(x - y) / std::max(1.0, std::fabs(y)));
  }
  return worst;
}

class SdkHostTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto m = registry_.load_plugin(MINIMAL_PLUGIN_FILE);
    ASSERT_TRUE(m.ok()) << m.status().message();
    minimal_ = *m;
  }
  nnport::Registry registry_;  // default folders: the install's plugins too
  const nnport::BackendManager* minimal_ = nullptr;
};

TEST_F(SdkHostTest, RegistersUnderItsName) {
  EXPECT_EQ(minimal_->name(), "minimal");
  EXPECT_TRUE(registry_.is_known("minimal"));
  auto found = registry_.find("minimal");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, minimal_);
  auto v = minimal_->version();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "0.1.0 (reference interpreter)");
}

TEST_P(SdkHostTest, MatchesPyTorchThroughTheHost) {
  const fs::path dir = models_dir() / GetParam();
  if (!fs::exists(dir / "model.onnx")) GTEST_SKIP() << "no model at " << dir;
  auto w = minimal_->build_wrapper({(dir / "model.onnx").string()});
  ASSERT_TRUE(w.ok()) << w.status().message();
  auto out = w->forward(load_inputs(*w, dir));
  ASSERT_TRUE(out.ok()) << out.status().message();
  for (const auto& [name, tensor] : *out) {
    auto want = nnport::read_npy((dir / "outputs" / (name + ".npy")).string());
    ASSERT_TRUE(want.ok()) << want.status().message();
    EXPECT_LE(max_scaled_diff(tensor, *want), 1e-5) << name;
  }
}

// minimal as the reference for ONNX Runtime: same inputs, outputs within
// 1e-4 (ORT sums in float32 with its own order; minimal sums in double).
TEST_P(SdkHostTest, OnnxRuntimeAgreesWithTheReference) {
  const fs::path dir = models_dir() / GetParam();
  if (!fs::exists(dir / "model.onnx")) GTEST_SKIP() << "no model at " << dir;
  auto ort = registry_.find("onnxruntime");
  std::string why;
  if (!ort.ok() || !(*ort)->is_available(false, &why)) {
    GTEST_SKIP() << "onnxruntime backend not usable: " << (ort.ok() ? why : ort.status().message());
  }
  const std::vector<std::string> files = {(dir / "model.onnx").string()};
  auto ref = minimal_->build_wrapper(files);
  auto test = (*ort)->build_wrapper(files);
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  ASSERT_TRUE(test.ok()) << test.status().message();
  const nnport::NamedTensors inputs = load_inputs(*ref, dir);
  auto want = ref->forward(inputs);
  auto got = test->forward(inputs);
  ASSERT_TRUE(want.ok()) << want.status().message();
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->names(), want->names());
  for (const auto& [name, tensor] : *want) {
    EXPECT_LE(max_scaled_diff(*got->find(name), tensor), 1e-4) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, SdkHostTest,
                         ::testing::Values("tiny_mlp", "two_in_two_out", "transformer_layer"));

}  // namespace
