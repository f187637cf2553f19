// ModelRunner: extra outputs, a graph input among them. ONNX Runtime hands an
// output that is a graph input back as the input's own buffer; the values
// must survive the caller freeing its input (calibration read freed memory
// before the onnxruntime wrapper copied such outputs).
#include "quantize/model_runner.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "nnport/registry.h"
#include "onnx/onnx_graph_test_util.h"

namespace nnport::quantize {
namespace {

TEST(ModelRunner, AGraphInputAsAnOutputOutlivesTheInput) {
  auto ort = Registry::global().find("onnxruntime");
  if (!ort.ok() || !(*ort)->is_available()) GTEST_SKIP() << "onnxruntime is not available";
  onnx::ModelProto m = onnx_test::make_model(13);
  auto& g = *m.mutable_graph();
  onnx_test::set_value(g.add_input(), "x", {2, 3});
  onnx_test::set_value(g.add_output(), "y", {2, 3});
  onnx_test::add_node(g, "Relu", {"x"}, {"y"}, "relu");
  const std::filesystem::path dir = onnx_test::scratch_dir() / "runner";
  std::filesystem::create_directories(dir);
  ModelRunner runner(**ort, dir.string());
  auto wrapper = runner.load(m, {"x"});
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "the scratch model is removed after loading";

  NamedTensors outputs;
  {
    Tensor x = Tensor::empty(DType::kFloat32, {2, 3});
    for (int i = 0; i < 6; ++i) x.data_as<float>()[i] = float(i) - 2.5f;
    NamedTensors in;
    in.set("x", x);
    auto out = wrapper->forward(in);
    ASSERT_TRUE(out.ok()) << out.status().message();
    outputs = std::move(*out);
    for (int i = 0; i < 6; ++i) x.data_as<float>()[i] = 1e9f;  // the caller reuses its buffer
  }
  const Tensor* x_out = outputs.find("x");
  const Tensor* y_out = outputs.find("y");
  ASSERT_NE(x_out, nullptr);
  ASSERT_NE(y_out, nullptr);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(x_out->data_as<float>()[i], float(i) - 2.5f) << i;
    EXPECT_EQ(y_out->data_as<float>()[i], std::max(0.f, float(i) - 2.5f)) << i;
  }
}

}  // namespace
}  // namespace nnport::quantize
