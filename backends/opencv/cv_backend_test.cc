// The opencv backend against ONNX Runtime (both through nnport) on the same
// inputs: image classifiers at batch 1 and, for dynamic ones, batch 4; a
// graph OpenCV cannot take; and the Clip rewrite that MobileNetV2 needs.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "backend_test_util.h"

namespace nnport {
namespace {

constexpr double kMaxAbs = 1e-4;  // the issue's bounds vs ONNX Runtime
constexpr double kMaxRel = 1e-3;

TEST(CvBackend, IsAvailableWithVersion) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  std::string why;
  EXPECT_TRUE(cv->is_available(false, &why)) << why;
  auto version = cv->version();
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(version->rfind("4.", 0), 0u) << *version;
  EXPECT_FALSE(cv->is_available(true, &why));
  EXPECT_NE(why.find("custom"), std::string::npos) << why;
}

class CvModel : public ::testing::TestWithParam<const char*> {};

TEST_P(CvModel, MatchesOnnxRuntimeAtBatchOneAndFour) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  BACKEND_TEST_REQUIRE(ort, "onnxruntime");
  const std::string name = GetParam();
  BACKEND_TEST_REQUIRE_MODEL(model, name);
  const std::string work = backend_test::fresh_dir(name);
  auto files = cv->to_backend({model}, work, backend_test::backend_config("opencv", ""));
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(std::filesystem::path(files->at(0)).filename(), "model.opencv.onnx");

  auto cv_wrapper =
      cv->build_wrapper(*files, "cpu", {}, {}, backend_test::backend_config("opencv", ""));
  ASSERT_TRUE(cv_wrapper.ok()) << cv_wrapper.status().message();
  auto ort_wrapper = ort->build_wrapper({model});
  ASSERT_TRUE(ort_wrapper.ok()) << ort_wrapper.status().message();
  ASSERT_EQ(cv_wrapper->output_names(), ort_wrapper->output_names());

  const TensorInfo& input = cv_wrapper->input_infos().at(0);
  const bool dynamic_batch = input.dims.at(0) < 0;
  for (const int64_t batch : dynamic_batch ? std::vector<int64_t>{1, 4} : std::vector<int64_t>{1}) {
    NamedTensors inputs;
    inputs.set(input.name, backend_test::sample_batch(name, input.name, batch));
    auto got = cv_wrapper->forward(inputs);
    ASSERT_TRUE(got.ok()) << name << " batch " << batch << ": " << got.status().message();
    auto want = ort_wrapper->forward(inputs);
    ASSERT_TRUE(want.ok()) << want.status().message();
    for (size_t i = 0; i < want->size(); ++i) {
      const backend_test::Errors d = backend_test::compare((*got)[i].second, (*want)[i].second);
      std::cout << "[ measured ] " << name << " batch " << batch << " output '" << (*want)[i].first
                << "': max abs " << d.max_abs << ", rel " << d.max_rel << "\n";
      EXPECT_LE(d.max_abs, kMaxAbs) << name << " batch " << batch;
      EXPECT_LE(d.max_rel, kMaxRel) << name << " batch " << batch;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Classifiers, CvModel,
                         ::testing::Values("resnet18", "mobilenet_v2", "efficientnet_b0",
                                           "squeezenet1_1"));

// LayerNormalization and Gather over a Shape subgraph: OpenCV 4.6 cannot
// import it even after the rewrites (fold_constants fixes the Gather, not
// LayerNormalization); convert must say so, naming the node.
TEST(CvBackend, TransformerLayerIsRefusedAtConvertWithTheNode) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  BACKEND_TEST_REQUIRE_MODEL(model, "transformer_layer");
  const std::string work = backend_test::fresh_dir("transformer_layer");
  auto files = cv->to_backend({model}, work, backend_test::backend_config("opencv", ""));
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), Code::kUnimplemented);
  const std::string& msg = files.status().message();
  EXPECT_NE(msg.find("at node"), std::string::npos) << msg;
  EXPECT_NE(msg.find(model), std::string::npos) << msg;
  // What to do: a rewrite (Gather on Shape: fold_constants) or, once the
  // rewrites have run, another backend (LayerNormalization).
  EXPECT_TRUE(msg.find("backend_config.rewrites") != std::string::npos ||
              msg.find("another backend") != std::string::npos)
      << msg;
  // Nothing half-made is left behind.
  EXPECT_FALSE(std::filesystem::exists(work + "/model.opencv.onnx"));
}

// MobileNetV2 at opset 11 has Clip nodes with min/max inputs: OpenCV 4.6's
// parseClip fails on them unless clip_to_attributes ran.
TEST(CvBackend, MobileNetNeedsTheClipRewrite) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  BACKEND_TEST_REQUIRE_MODEL(model, "mobilenet_v2");
  const std::string work = backend_test::fresh_dir("mobilenet_no_rewrites");
  auto without =
      cv->to_backend({model}, work, backend_test::backend_config("opencv", R"("rewrites": [])"));
  ASSERT_FALSE(without.ok());
  EXPECT_EQ(without.status().code(), Code::kUnimplemented);
  EXPECT_NE(without.status().message().find("Clip"), std::string::npos)
      << without.status().message();

  auto with = cv->to_backend(
      {model}, work,
      backend_test::backend_config("opencv", R"("rewrites": ["clip_to_attributes"])"));
  ASSERT_TRUE(with.ok()) << with.status().message();
  auto wrapper = cv->build_wrapper(*with);
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  NamedTensors inputs;
  inputs.set("input", backend_test::sample_batch("mobilenet_v2", "input", 1));
  auto out = wrapper->forward(inputs);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)[0].second.shape(), (Shape{1, 1000}));
}

// SqueezeNet's exporter left Identity nodes fed by initializers, which
// OpenCV 4.6 fails on; remove_identity removes them.
TEST(CvBackend, SqueezeNetNeedsRemoveIdentity) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  BACKEND_TEST_REQUIRE_MODEL(model, "squeezenet1_1");
  const std::string work = backend_test::fresh_dir("squeezenet_no_rewrites");
  auto without =
      cv->to_backend({model}, work, backend_test::backend_config("opencv", R"("rewrites": [])"));
  ASSERT_FALSE(without.ok());
  EXPECT_EQ(without.status().code(), Code::kUnimplemented);
  EXPECT_NE(without.status().message().find("(Identity)"), std::string::npos)
      << without.status().message();
  EXPECT_NE(without.status().message().find("add 'remove_identity'"), std::string::npos)
      << without.status().message();
  auto with = cv->to_backend(
      {model}, work, backend_test::backend_config("opencv", R"("rewrites": ["remove_identity"])"));
  EXPECT_TRUE(with.ok()) << with.status().message();
}

// EfficientNet's squeeze-excite Mul becomes OpenCV's Scale layer, which
// fails at batch > 1 in 4.6; without the per-sample fallback that is an
// error naming the model (the fallback is checked by CvModel above).
TEST(CvBackend, EfficientNetBatchFourFailsWithoutSplitBatch) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  BACKEND_TEST_REQUIRE_MODEL(model, "efficientnet_b0");
  const std::string work = backend_test::fresh_dir("efficientnet_no_split");
  const std::string cfg = backend_test::backend_config("opencv", R"("split_batch": false)");
  auto files = cv->to_backend({model}, work, cfg);
  ASSERT_TRUE(files.ok()) << files.status().message();
  auto wrapper = cv->build_wrapper(*files, "cpu", {}, {}, cfg);
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  NamedTensors inputs;
  inputs.set("input", backend_test::sample_batch("efficientnet_b0", "input", 4));
  auto out = wrapper->forward(inputs);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("model.opencv.onnx"), std::string::npos)
      << out.status().message();
  // Batch 1 still works on the same wrapper.
  inputs.set("input", backend_test::sample_batch("efficientnet_b0", "input", 1));
  EXPECT_TRUE(wrapper->forward(inputs).ok());
}

// Several forwards with changing batch reuse one net; outputs stay the host's.
TEST(CvBackend, OutputsOutliveTheNextRun) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  BACKEND_TEST_REQUIRE_MODEL(model, "mobilenet_v2");
  const std::string work = backend_test::fresh_dir("mobilenet_outputs");
  auto files = cv->to_backend({model}, work, backend_test::backend_config("opencv", ""));
  ASSERT_TRUE(files.ok()) << files.status().message();
  auto wrapper = cv->build_wrapper(*files);
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  NamedTensors in4, in1;
  in4.set("input", backend_test::sample_batch("mobilenet_v2", "input", 4));
  in1.set("input", backend_test::sample_batch("mobilenet_v2", "input", 1));
  auto first = wrapper->forward(in4);
  ASSERT_TRUE(first.ok()) << first.status().message();
  const Tensor kept = (*first)[0].second;
  const std::vector<float> copy(kept.data_as<float>(), kept.data_as<float>() + kept.numel());
  auto second = wrapper->forward(in1);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ((*second)[0].second.shape(), (Shape{1, 1000}));
  ASSERT_EQ(kept.shape(), (Shape{4, 1000}));
  EXPECT_TRUE(std::equal(copy.begin(), copy.end(), kept.data_as<float>()));
}

}  // namespace
}  // namespace nnport
