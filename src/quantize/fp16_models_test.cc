// The fp16 pass on the real test models (tests/models): converted, checked,
// run on ONNX Runtime through nnport and compared with PyTorch's outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>

#include "fp16_test_util.h"
#include "nnport/npy.h"

namespace nnport {
namespace {

using fp16_test::kF16;
using fp16_test::kF32;
using onnx_test::models_dir;

// Against PyTorch's float32 outputs. Every weight and activation is rounded
// to float16, a relative error of up to 2^-11 = 4.9e-4 each; the errors
// partly cancel over the layers, and measured ones stay within 1.5 such
// units of the output's range (0.04-0.07% of max |output|; docs/fp16.md).
// So: cosine >= 0.999, and no element off by more than 10 units, 0.5% of
// the largest |output| (one wrong layer, e.g. a weight in the wrong type or
// a scale rounded, is far beyond that).
constexpr double kMinCosine = 0.999;
constexpr double kMaxErrorOfRange = 5e-3;

struct Comparison {
  double cosine = 0, max_error = 0, range = 0;
};

Comparison compare(const Tensor& got, const Tensor& want) {
  const Tensor g = fp16_test::to_float(got);
  EXPECT_EQ(g.shape(), want.shape());
  Comparison c;
  double dot = 0, gg = 0, ww = 0;
  for (int64_t i = 0; i < want.numel() && g.shape() == want.shape(); ++i) {
    const double a = g.data_as<float>()[i], b = want.data_as<float>()[i];
    dot += a * b;
    gg += a * a;
    ww += b * b;
    c.max_error = std::max(c.max_error, std::abs(a - b));
    c.range = std::max(c.range, std::abs(b));
  }
  c.cosine = dot / std::sqrt(gg * ww);
  return c;
}

// Converts `model` with `options`, saves and checks it, runs it on the saved
// inputs (in float16 unless keep_io_types) and compares each output with
// PyTorch's. Returns the converted model.
onnx::ModelProto expect_close_to_pytorch(const std::string& model,
                                         const quantize::Fp16Options& options,
                                         const std::string& tag = "fp16") {
  const std::string dir = models_dir() + "/" + model;
  const onnx::ModelProto out = fp16_test::converted(onnx_test::load(dir + "/model.onnx"), options);
  const std::string path = fp16_test::save_checked(model + "." + tag + ".onnx", out);
  NamedTensors feed;
  for (const auto& in : out.graph().input()) {
    auto t = read_npy(dir + "/inputs/" + in.name() + ".npy");
    if (!t.ok()) throw std::runtime_error(t.status().message());
    const bool half = in.type().tensor_type().elem_type() == kF16;
    EXPECT_EQ(half, t->dtype() == DType::kFloat32 && !options.keep_io_types) << in.name();
    feed.set(in.name(), half ? fp16_test::to_half(*t) : *t);
  }
  const NamedTensors got = fp16_test::run_ort(path, feed);
  for (const auto& [name, tensor] : got) {
    auto want = read_npy(dir + "/outputs/" + name + ".npy");
    if (!want.ok()) throw std::runtime_error(want.status().message());
    if (want->dtype() != DType::kFloat32) continue;
    EXPECT_EQ(tensor.dtype(), options.keep_io_types ? DType::kFloat32 : DType::kFloat16) << name;
    const Comparison c = compare(tensor, *want);
    std::cout << model << " [" << tag << "] " << name << ": 1 - cosine " << 1 - c.cosine
              << ", max error " << c.max_error << " of max |output| " << c.range << " ("
              << 100 * c.max_error / c.range << "%)\n";
    EXPECT_GE(c.cosine, kMinCosine) << model << " " << name;
    EXPECT_LE(c.max_error, kMaxErrorOfRange * c.range) << model << " " << name;
  }
  return out;
}

class Fp16Model : public ::testing::TestWithParam<const char*> {};

TEST_P(Fp16Model, Float16InAndOutMatchesPyTorch) {
  NNPORT_SKIP_WITHOUT_MODEL(GetParam());
  const onnx::ModelProto out = expect_close_to_pytorch(GetParam(), {});
  // No default-blocked op in these models: nothing stays float32, and
  // every float weight is float16.
  EXPECT_EQ(fp16_test::float32_nodes(out), std::set<std::string>{});
  for (const auto& t : out.graph().initializer()) EXPECT_NE(t.data_type(), kF32) << t.name();
}

TEST_P(Fp16Model, KeepIoTypesMatchesPyTorch) {
  NNPORT_SKIP_WITHOUT_MODEL(GetParam());
  quantize::Fp16Options options;
  options.keep_io_types = true;
  const onnx::ModelProto original = onnx_test::load(onnx_test::model_path(GetParam()));
  const onnx::ModelProto out = expect_close_to_pytorch(GetParam(), options, "keep_io");
  // float32 at the interface: one Cast after each float input and one
  // before each float output, nothing else added.
  const auto declared = [&](const std::string& name) {
    const int32_t in = fp16_test::elem_type(original.graph().input(), name);
    return in != -1 ? in : fp16_test::elem_type(original.graph().output(), name);
  };
  int float_io = 0;
  for (const auto* list : {&out.graph().input(), &out.graph().output()})
    for (const auto& v : *list) {
      EXPECT_EQ(v.type().tensor_type().elem_type(), declared(v.name())) << v.name();
      float_io += v.type().tensor_type().elem_type() == kF32;
    }
  EXPECT_EQ(onnx_test::count_op(out.graph(), "Cast"),
            onnx_test::count_op(original.graph(), "Cast") + float_io);
}

INSTANTIATE_TEST_SUITE_P(Zoo, Fp16Model,
                         ::testing::Values("resnet18", "mobilenet_v2", "tiny_mlp",
                                           "transformer_layer", "squeezenet1_1",
                                           "efficientnet_b0"));

// op_block_list keeps exactly the Gemm in float32, its weights too (only
// it reads them), with a Cast on its input and one on its output.
TEST(Fp16Models, OpBlockListKeepsTheGemmInFloat32) {
  NNPORT_SKIP_WITHOUT_MODEL("resnet18");
  quantize::Fp16Options options;
  options.op_block_list = {"Gemm"};
  const onnx::ModelProto out = expect_close_to_pytorch("resnet18", options, "block_gemm");
  const onnx::NodeProto* gemm = nullptr;
  for (const auto& n : out.graph().node())
    if (n.op_type() == "Gemm") gemm = &n;
  ASSERT_NE(gemm, nullptr);
  EXPECT_EQ(fp16_test::float32_nodes(out), std::set<std::string>{gemm->name()});
  for (int i = 1; i < gemm->input_size(); ++i) {
    const onnx::TensorProto* w = fp16_test::initializer(out.graph(), gemm->input(i));
    ASSERT_NE(w, nullptr) << gemm->input(i);
    EXPECT_EQ(w->data_type(), kF32) << w->name();
  }
  EXPECT_EQ(onnx_test::count_op(out.graph(), "Cast"), 2);
}

// node_block_list: the one named Conv (the stem) stays float32, the other
// Convs do not.
TEST(Fp16Models, NodeBlockListKeepsTheNamedNodeInFloat32) {
  NNPORT_SKIP_WITHOUT_MODEL("resnet18");
  const onnx::ModelProto original = onnx_test::load(onnx_test::model_path("resnet18"));
  const std::string first_conv = original.graph().node(0).name();
  ASSERT_EQ(original.graph().node(0).op_type(), "Conv");
  ASSERT_FALSE(first_conv.empty());
  quantize::Fp16Options options;
  options.node_block_list = {first_conv, "no such node"};
  const onnx::ModelProto out = expect_close_to_pytorch("resnet18", options, "block_node");
  EXPECT_EQ(fp16_test::float32_nodes(out), std::set<std::string>{first_conv});
  EXPECT_EQ(onnx_test::count_op(out.graph(), "Cast"), 2);  // its input and output
}

}  // namespace
}  // namespace nnport
