// The opencv backend's config and input checks: bad values are
// INVALID_ARGUMENT naming the key, unknown rewrites get a did-you-mean,
// a graph OpenCV cannot import is refused naming the node, and check_model says
// which nodes OpenCV 4.6 takes after the configured rewrites.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "backend_test_util.h"
#include "nnport/onnx_model.h"

namespace nnport {
namespace {

struct BadCase {
  const char* label;
  std::string cfg;
  const char* model;
  Code code;
  std::vector<std::string> expect;  // substrings of the message
};

class CvBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CvBadInput, ToBackendAndBuildWrapperSayWhatIsWrong) {
  const BadCase& c = GetParam();
  BACKEND_TEST_REQUIRE(cv, "opencv");
  BACKEND_TEST_REQUIRE_MODEL(model, c.model);
  const std::string work = backend_test::fresh_dir(std::string("bad_") + c.label);
  auto files = cv->to_backend({model}, work, c.cfg);
  ASSERT_FALSE(files.ok()) << c.label;
  EXPECT_EQ(files.status().code(), c.code) << files.status().message();
  for (const auto& s : c.expect) {
    EXPECT_NE(files.status().message().find(s), std::string::npos)
        << c.label << ": no '" << s << "' in: " << files.status().message();
  }
  auto wrapper = cv->build_wrapper({model}, "cpu", {}, {}, c.cfg);
  ASSERT_FALSE(wrapper.ok()) << c.label;
  EXPECT_EQ(wrapper.status().code(), c.code) << wrapper.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, CvBadInput,
    ::testing::Values(
        BadCase{"threads_zero",
                backend_test::backend_config("opencv", R"("num_threads": 0)"),
                "tiny_mlp",
                Code::kInvalidArgument,
                {"backend_config.num_threads = 0", "from 1 to 1024"}},
        BadCase{"threads_huge",
                backend_test::backend_config("opencv", R"("num_threads": 10000)"),
                "tiny_mlp",
                Code::kInvalidArgument,
                {"num_threads = 10000"}},
        BadCase{"threads_text",
                backend_test::backend_config("opencv", R"("num_threads": "4")"),
                "tiny_mlp",
                Code::kInvalidArgument,
                {"num_threads"}},
        BadCase{"unknown_rewrite",
                backend_test::backend_config("opencv", R"("rewrites": ["remove_identiy"])"),
                "tiny_mlp",
                Code::kInvalidArgument,
                {"'remove_identiy'", "did you mean 'remove_identity'", "clip_to_attributes"}},
        BadCase{"rewrites_not_list",
                backend_test::backend_config("opencv", R"("rewrites": "remove_identity")"),
                "tiny_mlp",
                Code::kInvalidArgument,
                {"backend_config.rewrites"}},
        BadCase{
            "bad_input_shape",
            backend_test::backend_config("opencv", "", R"("onnx_config": {"input_shape": [224]})"),
            "tiny_mlp",
            Code::kInvalidArgument,
            {"onnx_config.input_shape"}},
        // The int64 input itself is taken (converted to float32); OpenCV
        // 4.6's Gather wants constant indices, so the import fails there.
        BadCase{"int64_input",
                backend_test::backend_config("opencv", ""),
                "int64_input",
                Code::kUnimplemented,
                {"'/embed/Gather' (Gather)", "cannot take this graph"}}),
    [](const auto& info) { return std::string(info.param.label); });

TEST(CvConfig, UnknownKeyIsAWarningNotAnError) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  BACKEND_TEST_REQUIRE_MODEL(model, "tiny_mlp");
  const std::string work = backend_test::fresh_dir("unknown_key");
  auto files =
      cv->to_backend({model}, work, backend_test::backend_config("opencv", R"("num_thread": 2)"));
  EXPECT_TRUE(files.ok()) << files.status().message();
}

TEST(CvConfig, OtherDevicesAreUnavailable) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  BACKEND_TEST_REQUIRE_MODEL(model, "tiny_mlp");
  const std::string work = backend_test::fresh_dir("device");
  auto files = cv->to_backend({model}, work, backend_test::backend_config("opencv", ""),
                              NNPORT_LOG_INFO, "cuda");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), Code::kUnavailable);
  EXPECT_NE(files.status().message().find("'cpu'"), std::string::npos);
}

// A protobuf field, for the hand-made model below.
std::string varint(uint64_t v) {
  std::string out;
  do {
    out.push_back(static_cast<char>((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
    v >>= 7;
  } while (v != 0);
  return out;
}
std::string field(uint32_t number, const std::string& bytes) {
  return varint(number << 3 | 2) + varint(bytes.size()) + bytes;
}
std::string field(uint32_t number, uint64_t value) { return varint(number << 3) + varint(value); }

// Relu on x[N, 3, H, W] (N, H, W dynamic), opset 13: no such test model exists.
std::string write_dynamic_hw_model(const std::string& dir) {
  auto value_info = [](const std::string& name) {
    const std::string shape = field(1, field(2, std::string("N"))) + field(1, field(1, 3)) +
                              field(1, field(2, std::string("H"))) +
                              field(1, field(2, std::string("W")));
    return field(1, name) + field(2, field(1, field(1, 1) + field(2, shape)));
  };
  const std::string node = field(1, std::string("x")) + field(2, std::string("y")) +
                           field(3, std::string("relu")) + field(4, std::string("Relu"));
  const std::string graph = field(1, node) + field(2, std::string("g")) +
                            field(11, value_info("x")) + field(12, value_info("y"));
  const std::string model = field(1, 8) + field(7, graph) + field(8, field(2, 13));
  const std::string path = dir + "/dynamic_hw.onnx";
  std::ofstream(path, std::ios::binary) << model;
  return path;
}

// MMDeploy's input_shape is [width, height]: H and W become static, the
// batch stays dynamic; a model with static H/W is left as it is.
TEST(CvConfig, InputShapeFixesDynamicHeightAndWidthOnly) {
  BACKEND_TEST_REQUIRE(cv, "opencv");
  const std::string work = backend_test::fresh_dir("input_shape");
  const std::string model = write_dynamic_hw_model(backend_test::fresh_dir("input_shape_ir"));
  const std::string cfg =
      backend_test::backend_config("opencv", "", R"("onnx_config": {"input_shape": [40, 30]})");
  auto files = cv->to_backend({model}, work, cfg);
  ASSERT_TRUE(files.ok()) << files.status().message();
  auto info = inspect_onnx(files->at(0));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_LT(info->inputs.at(0).dims.at(0), 0);
  EXPECT_EQ(info->inputs.at(0).dims, (Shape{info->inputs[0].dims[0], 3, 30, 40}));

  auto wrapper = cv->build_wrapper(*files);
  ASSERT_TRUE(wrapper.ok()) << wrapper.status().message();
  NamedTensors inputs;
  Tensor x = Tensor::empty(DType::kFloat32, {2, 3, 30, 40});
  for (int64_t i = 0; i < x.numel(); ++i) x.data_as<float>()[i] = (i % 3) - 1.0f;
  inputs.set("x", x);
  auto out = wrapper->forward(inputs);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)[0].second.shape(), (Shape{2, 3, 30, 40}));
  EXPECT_EQ((*out)[0].second.data_as<float>()[2], 1.0f);

  BACKEND_TEST_REQUIRE_MODEL(mobilenet, "mobilenet_v2");  // static 224x224: unchanged
  const std::string work2 = backend_test::fresh_dir("input_shape_static");
  auto kept = cv->to_backend({mobilenet}, work2, cfg);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  auto kept_info = inspect_onnx(kept->at(0));
  ASSERT_TRUE(kept_info.ok());
  EXPECT_EQ(kept_info->inputs.at(0).dims.at(2), 224);
  EXPECT_LT(kept_info->inputs.at(0).dims.at(0), 0);
}

// check_model through BackendManager (the plugin's optional ABI member).
std::vector<NodeSupport> check(const std::string& model, const std::string& cfg, std::string* err) {
  std::string why;
  const BackendManager* cv = backend_test::backend("opencv", &why);
  if (cv == nullptr) {
    *err = why;
    return {};
  }
  auto nodes = cv->check_model(model, cfg);
  if (!nodes.ok()) {
    *err = nodes.status().message();
    return {};
  }
  if (!nodes->has_value()) {
    *err = "the opencv plugin has no check_model";
    return {};
  }
  return **nodes;
}

// (op type -> nodes unsupported) for one model and config.
std::map<std::string, int> unsupported_ops(const std::string& model, const std::string& cfg,
                                           std::string* first_reason) {
  std::string err;
  const auto nodes = check(model, cfg, &err);
  EXPECT_TRUE(err.empty()) << err;
  EXPECT_FALSE(nodes.empty());
  std::map<std::string, int> out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].supported) continue;
    if (out.empty() && first_reason != nullptr) *first_reason = nodes[i].reason;
    ++out[nodes[i].op_type];
  }
  return out;
}

TEST(CvCheckModel, ClipNodesNeedTheClipRewrite) {
  BACKEND_TEST_REQUIRE_MODEL(model, "mobilenet_v2");
  std::string reason;
  const auto without =
      unsupported_ops(model, backend_test::backend_config("opencv", R"("rewrites": [])"), &reason);
  ASSERT_EQ(without.size(), 1u);
  EXPECT_GT(without.at("Clip"), 0);
  EXPECT_NE(reason.find("clip_to_attributes"), std::string::npos) << reason;
  EXPECT_TRUE(unsupported_ops(model, backend_test::backend_config("opencv", ""), nullptr).empty());
}

TEST(CvCheckModel, IdentityFedByAnInitializerNeedsRemoveIdentity) {
  BACKEND_TEST_REQUIRE_MODEL(model, "squeezenet1_1");
  std::string reason;
  const auto without = unsupported_ops(
      model, backend_test::backend_config("opencv", R"("rewrites": ["clip_to_attributes"])"),
      &reason);
  ASSERT_EQ(without.size(), 1u);
  EXPECT_GT(without.at("Identity"), 0);
  EXPECT_NE(reason.find("remove_identity"), std::string::npos) << reason;
}

TEST(CvCheckModel, ClassifiersAreSupportedWithTheDefaultRewrites) {
  for (const char* name : {"resnet18", "efficientnet_b0", "squeezenet1_1"}) {
    const std::string model = backend_test::model_file(name);
    if (model.empty()) continue;
    EXPECT_TRUE(unsupported_ops(model, "{}", nullptr).empty()) << name;
  }
}

TEST(CvCheckModel, TransformerLayerNamesLayerNormalization) {
  BACKEND_TEST_REQUIRE_MODEL(model, "transformer_layer");
  std::string reason;
  const auto ops = unsupported_ops(model, backend_test::backend_config("opencv", ""), &reason);
  EXPECT_EQ(ops.count("LayerNormalization"), 1u);
  EXPECT_NE(reason.find("no layer for"), std::string::npos) << reason;
}

TEST(CvCheckModel, UnknownRewriteAndMissingFileAreErrors) {
  std::string err;
  const std::string tiny = backend_test::model_file("tiny_mlp");
  if (!tiny.empty()) {
    check(tiny, backend_test::backend_config("opencv", R"("rewrites": ["fold_constant"])"), &err);
    EXPECT_NE(err.find("unknown ONNX rewrite pass"), std::string::npos) << err;
  }
  err.clear();
  check("/nonexistent/model.onnx", "{}", &err);
  EXPECT_NE(err.find("not found: /nonexistent/model.onnx"), std::string::npos) << err;
}

}  // namespace
}  // namespace nnport
