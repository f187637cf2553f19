// The int8 pipeline on the real test models (PyTorch exports): calibration
// on seeded random samples, the QDQ rewrite, the accuracy check on held-back
// samples, and what ONNX Runtime makes of the result: every Conv must
// become an integer kernel (no float island left between integer ops).
#include "quantize/quantize_int8.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
  options.goals = {{"cosine", 0.9, 1}};
  Quantized q = quantize_model(GetParam(), options, dir);
  const Config& acc = q.int8.report["accuracy"];
  EXPECT_TRUE(acc["pass"].get<bool>()) << acc.dump(2);
  std::cerr << GetParam() << ": " << acc["outputs"].dump() << "\n";
  const auto ops = optimized_ops(q.model_path, dir.string());
  std::string all;
  for (const auto& [op, n] : ops) all += op + ":" + std::to_string(n) + " ";
  EXPECT_FALSE(ops.contains("Conv")) << all;
  EXPECT_FALSE(ops.contains("FusedConv")) << all;
  EXPECT_GT(ops.count("QLinearConv"), 0u) << all;
  std::cerr << all << "\n";
  std::ofstream("/tmp/" + std::string(GetParam()) + ".json") << q.int8.report.dump(1);
}

INSTANTIATE_TEST_SUITE_P(Real, Int8Models,
                         ::testing::Values("resnet18", "mobilenet_v2", "squeezenet1_1"));

}  // namespace
}  // namespace nnport::quantize
