// The int8 pipeline on the real test models (PyTorch exports): calibration
// on seeded random samples, the QDQ rewrite, the accuracy check on held-back
// samples, and what ONNX Runtime makes of the result: every Conv must
// become an integer kernel (no float island left between integer ops).
#include "quantize/quantize_int8.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "nnport/apis.h"
#include "nnport/onnx_model.h"
#include "nnport/registry.h"
#include "onnx/onnx_graph_test_util.h"
#include "onnx/onnx_test_util.h"

namespace nnport::quantize {
namespace {

// Seeded random inputs, batch 1: enough to calibrate and to compare, not
// to judge accuracy (int8_accuracy_test does that on a trained model).
class RandomSamples : public CalibSource {
 public:
  RandomSamples(std::vector<TensorInfo> inputs, size_t count)
      : inputs_(std::move(inputs)), count_(count) {}
  size_t size() const override { return count_; }
  Result<NamedTensors> read(size_t index) override {
    std::map<std::string, Shape> shapes;
    for (const auto& in : inputs_) {
      Shape s = in.dims;
      for (auto& d : s) d = d < 0 ? 1 : d;
      shapes[in.name] = s;
    }
    return make_inputs(inputs_, {}, shapes, 1000 + index);
  }
  std::string describe() const override { return "random samples"; }

 private:
  std::vector<TensorInfo> inputs_;
  size_t count_;
};

struct Quantized {
  Int8Model int8;
  std::string model_path;
};

Quantized quantize_model(const std::string& name, const QuantOptions& options,
                         const std::filesystem::path& dir) {
  const std::string path = onnx_test::model_path(name);
  auto info = inspect_onnx(path);
  EXPECT_TRUE(info.ok());
  onnx::ModelProto model = onnx_test::load(path);
  EXPECT_TRUE(prepare_for_int8(model, path).ok());
  auto ort = Registry::global().find("onnxruntime");
  EXPECT_TRUE(ort.ok());
  ModelRunner runner(**ort, dir.string());
  RandomSamples samples(info->inputs, 10);
  auto q = quantize_int8(model, samples, options, runner, path);
  EXPECT_TRUE(q.ok()) << q.status().message();
  Quantized out{std::move(q).value(), ""};
  out.model_path = onnx_test::save(name + ".int8.onnx", out.int8.model);
  return out;
}

// The op types ONNX Runtime runs after its graph optimizations.
std::map<std::string, int> optimized_ops(const std::string& model, const std::string& dir) {
  auto ort = Registry::global().find("onnxruntime");
  Config cfg = {{"backend_config", {{"type", "onnxruntime"}, {"optimize_offline", true}}}};
  auto files = (*ort)->to_backend({model}, dir, cfg.dump());
  EXPECT_TRUE(files.ok()) << files.status().message();
  std::map<std::string, int> ops;
  const onnx::ModelProto optimized = onnx_test::load(files->at(0));
  for (const auto& n : optimized.graph().node()) ++ops[n.op_type()];
  return ops;
}

class Int8Models : public ::testing::TestWithParam<const char*> {};

TEST_P(Int8Models, EveryConvRunsAsAnIntegerKernelAndOutputsStayClose) {
  NNPORT_SKIP_WITHOUT_MODEL(GetParam());
  const std::filesystem::path dir = onnx_test::scratch_dir() / GetParam();
  std::filesystem::create_directories(dir);
  QuantOptions options;
  options.goals = {{"cosine", 0.99, 1}};
  Quantized q = quantize_model(GetParam(), options, dir);
  const Config& acc = q.int8.report["accuracy"];
  EXPECT_TRUE(acc["pass"].get<bool>()) << acc.dump(2);
  const auto ops = optimized_ops(q.model_path, dir.string());
  std::string all;
  for (const auto& [op, n] : ops) all += op + ":" + std::to_string(n) + " ";
  EXPECT_FALSE(ops.contains("Conv")) << all;
  EXPECT_FALSE(ops.contains("FusedConv")) << all;
  EXPECT_GT(ops.count("QLinearConv"), 0u) << all;
}

INSTANTIATE_TEST_SUITE_P(Real, Int8Models,
                         ::testing::Values("resnet18", "mobilenet_v2", "squeezenet1_1"));

// x -> Conv A -> Relu -> Conv B -> Conv C -> out. With per-tensor weights,
// B's channels 1..3 (weights 1e-3 beside channel 0's 10) quantize to 0, and C
// reads only those channels: int8 loses the answer. The fallback must find
// a float layout that keeps it, and say which layers it kept in float.
onnx::ModelProto badly_quantizable() {
  onnx::ModelProto m = onnx_test::make_model(13);
  auto& g = *m.mutable_graph();
  onnx_test::set_value(g.add_input(), "x", {1, 4, 4, 4});
  onnx_test::set_value(g.add_output(), "out", {1, 4, 4, 4});
  std::vector<float> a(16), b(16, 1e-3f), c(16, 0.f);
  for (int i = 0; i < 16; ++i) a[i] = (i % 5 == 0) ? 1.f : 0.1f * float(i % 3);
  for (int i = 0; i < 4; ++i) b[i] = 10.f;  // output channel 0 reads everything at 10
  for (int o = 0; o < 4; ++o)
    for (int i = 1; i < 4; ++i) c[o * 4 + i] = 1.f;  // C ignores B's channel 0
  onnx_test::add_initializer(g, "A", {4, 4, 1, 1}, a);
  onnx_test::add_initializer(g, "B", {4, 4, 1, 1}, b);
  onnx_test::add_initializer(g, "C", {4, 4, 1, 1}, c);
  onnx_test::add_node(g, "Conv", {"x", "A"}, {"a"}, "convA");
  onnx_test::add_node(g, "Relu", {"a"}, {"r"}, "relu");
  onnx_test::add_node(g, "Conv", {"r", "B"}, {"b"}, "convB");
  onnx_test::add_node(g, "Conv", {"b", "C"}, {"out"}, "convC");
  return m;
}

Result<Int8Model> quantize_bad_model(bool fallback) {
  onnx::ModelProto model = badly_quantizable();
  EXPECT_TRUE(prepare_for_int8(model, "bad.onnx").ok());
  auto ort = Registry::global().find("onnxruntime");
  EXPECT_TRUE(ort.ok());
  const std::filesystem::path dir = onnx_test::scratch_dir() / "fallback";
  std::filesystem::create_directories(dir);
  ModelRunner runner(**ort, dir.string());
  TensorInfo x{"x", DType::kFloat32, {1, 4, 4, 4}, {}};
  RandomSamples samples({x}, 10);
  QuantOptions o;
  o.qdq.per_channel = false;
  o.fallback_to_float = fallback;
  o.max_fallback_nodes = 3;
  return quantize_int8(model, samples, o, runner, "bad.onnx");
}

TEST(Int8Fallback, MissedGoalFailsAndSaysHowToFallBack) {
  auto q = quantize_bad_model(false);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("misses its accuracy goal"), std::string::npos)
      << q.status().message();
  EXPECT_NE(q.status().message().find("fallback_to_float=True"), std::string::npos);
  EXPECT_NE(q.status().message().find("bad.onnx"), std::string::npos);
}

TEST(Int8Fallback, KeepsTheBadLayerInFloatUntilTheGoalIsMet) {
  auto q = quantize_bad_model(true);
  ASSERT_TRUE(q.ok()) << q.status().message();
  const Config& acc = q->report["accuracy"];
  EXPECT_TRUE(acc["pass"].get<bool>()) << acc.dump();
  const auto floated = acc["fallback_to_float"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(floated.begin(), floated.end(), "convB"), floated.end()) << acc.dump();
  EXPECT_LE(floated.size(), 3u);
  // The report says which node stayed float, and why.
  bool found = false;
  for (const auto& n : q->report["nodes"])
    if (n["name"] == "convB") {
      found = true;
      EXPECT_FALSE(n["quantized"].get<bool>());
      EXPECT_EQ(n["note"], "kept in float (fallback)");
    }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace nnport::quantize
