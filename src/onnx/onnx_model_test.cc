// inspect_onnx / check_onnx / infer_onnx_shapes on the exported models
// (against tests/models/out/manifest.json and hand-written expectations)
// and on the committed fixtures.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "nnport/onnx_model.h"
#include "onnx_test_util.h"

namespace nnport {
namespace {

using onnx_test::fixture;
using onnx_test::model_path;
using onnx_test::models_dir;

// A manifest value entry {name, dtype, shape} against a TensorInfo.
void expect_matches(const nlohmann::json& want, const TensorInfo& got, const std::string& model) {
  SCOPED_TRACE(model + " value " + want.at("name").get<std::string>());
  EXPECT_EQ(got.name, want.at("name").get<std::string>());
  auto dtype = parse_dtype(want.at("dtype").get<std::string>());
  ASSERT_TRUE(dtype.ok()) << dtype.status().message();
  EXPECT_EQ(got.dtype, *dtype);
  const auto& shape = want.at("shape");
  ASSERT_EQ(got.dims.size(), shape.size());
  bool dynamic = false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i].is_string()) {
      dynamic = true;
      EXPECT_EQ(got.dims[i], -1) << "dim " << i;
      ASSERT_EQ(got.dim_names.size(), shape.size());
      EXPECT_EQ(got.dim_names[i], shape[i].get<std::string>()) << "dim " << i;
    } else {
      EXPECT_EQ(got.dims[i], shape[i].get<int64_t>()) << "dim " << i;
    }
  }
  if (!dynamic) {
    EXPECT_TRUE(got.dim_names.empty());
  }
}

TEST(OnnxInspect, MatchesManifestOfExportedModels) {
  const std::string manifest_path = models_dir() + "/manifest.json";
  std::ifstream in(manifest_path);
  if (!in) GTEST_SKIP() << manifest_path << " absent: run /usr/bin/python3 tests/models/export.py";
  const auto manifest = nlohmann::json::parse(in);
  ASSERT_FALSE(manifest.at("models").empty());
  for (const auto& m : manifest.at("models")) {
    const std::string name = m.at("name");
    SCOPED_TRACE(name);
    auto info = inspect_onnx(model_path(name));
    ASSERT_TRUE(info.ok()) << info.status().message();
    EXPECT_EQ(info->opset(), m.at("opset").get<int64_t>());
    EXPECT_EQ(info->producer_name, "pytorch");
    EXPECT_GE(info->ir_version, 6);
    EXPECT_EQ(info->node_count, m.at("node_count").get<int64_t>());
    EXPECT_EQ(info->file_bytes, m.at("file_bytes").get<int64_t>());
    EXPECT_TRUE(info->external_data_files.empty());
    ASSERT_EQ(info->inputs.size(), m.at("inputs").size());
    ASSERT_EQ(info->input_details.size(), info->inputs.size());
    for (size_t i = 0; i < info->inputs.size(); ++i)
      expect_matches(m["inputs"][i], info->inputs[i], name);
    ASSERT_EQ(info->outputs.size(), m.at("outputs").size());
    for (size_t i = 0; i < info->outputs.size(); ++i)
      expect_matches(m["outputs"][i], info->outputs[i], name);
    std::vector<std::string> ops;
    for (const auto& [op, count] : info->op_counts) {
      ops.push_back(op);
      EXPECT_GT(count, 0);
    }
    EXPECT_EQ(ops, m.at("ops").get<std::vector<std::string>>());
  }
}

TEST(OnnxInspect, TinyMlpHandWritten) {
  NNPORT_SKIP_WITHOUT_MODEL("tiny_mlp");
  auto info = inspect_onnx(model_path("tiny_mlp"));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->opset(), 13);
  ASSERT_EQ(info->inputs.size(), 1u);
  EXPECT_EQ(info->inputs[0].name, "input");
  EXPECT_EQ(info->inputs[0].dtype, DType::kFloat32);
  EXPECT_EQ(info->inputs[0].dims, (Shape{1, 16}));
  EXPECT_EQ(info->input_details[0].onnx_type, "tensor(float)");
  ASSERT_EQ(info->outputs.size(), 1u);
  EXPECT_EQ(info->outputs[0].name, "output");
  EXPECT_EQ(info->outputs[0].dims, (Shape{1, 8}));
  EXPECT_EQ(info->node_count, 3);
  using Ops = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(info->op_counts, (Ops{{"Gemm", 2}, {"Relu", 1}}));
  EXPECT_EQ(info->initializer_count, 4);  // two weights, two biases
  EXPECT_EQ(info->parameter_count, 16 * 32 + 32 + 32 * 8 + 8);
}

TEST(OnnxInspect, DynamicBatchAndInt64) {
  NNPORT_SKIP_WITHOUT_MODEL("mobilenet_v2");
  NNPORT_SKIP_WITHOUT_MODEL("int64_input");
  auto mb = inspect_onnx(model_path("mobilenet_v2"));
  ASSERT_TRUE(mb.ok()) << mb.status().message();
  EXPECT_EQ(mb->inputs[0].dims, (Shape{-1, 3, 224, 224}));
  EXPECT_EQ(mb->inputs[0].dim_names, (std::vector<std::string>{"batch", "", "", ""}));
  EXPECT_EQ(mb->outputs[0].dim_names, (std::vector<std::string>{"batch", ""}));
  auto ids = inspect_onnx(model_path("int64_input"));
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  EXPECT_EQ(ids->inputs[0].dtype, DType::kInt64);
  EXPECT_EQ(ids->input_details[0].onnx_type, "tensor(int64)");
  EXPECT_EQ(ids->outputs[1].name, "mean");
}

TEST(OnnxInspect, UnsupportedTypesAreUndefinedWithTheirOnnxName) {
  auto info = inspect_onnx(fixture("odd_types.onnx"));
  ASSERT_TRUE(info.ok()) << info.status().message();
  // 'w' is an initializer listed among graph inputs: not an input.
  ASSERT_EQ(info->inputs.size(), 3u);
  EXPECT_EQ(info->inputs[0].name, "text");
  EXPECT_EQ(info->inputs[0].dtype, DType::kUndefined);
  EXPECT_EQ(info->input_details[0].onnx_type, "tensor(string)");
  EXPECT_EQ(info->inputs[1].dtype, DType::kUndefined);
  EXPECT_EQ(info->input_details[1].onnx_type, "tensor(bfloat16)");
  EXPECT_EQ(info->inputs[1].dims, (Shape{-1, 2}));
  EXPECT_EQ(info->inputs[1].dim_names, (std::vector<std::string>{"B", ""}));
  EXPECT_EQ(info->inputs[2].dtype, DType::kUInt8);
  EXPECT_EQ(info->inputs[2].dims, (Shape{-1, 5}));
  EXPECT_EQ(info->inputs[2].dim_names, (std::vector<std::string>{"", ""}));  // unnamed dynamic dim
  EXPECT_EQ(info->producer_version, "1.0");
  EXPECT_EQ(info->outputs.size(), 3u);
}

TEST(OnnxInspect, ReportsExternalDataFiles) {
  auto info = inspect_onnx(fixture("external_data.onnx"));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->external_data_files, (std::vector<std::string>{"external_data.bin"}));
  EXPECT_EQ(info->parameter_count, 4);
  EXPECT_TRUE(check_onnx(fixture("external_data.onnx")).ok());
}

TEST(OnnxCheck, AcceptsExportedModels) {
  for (const char* name : {"resnet18", "mobilenet_v2", "transformer_layer", "two_in_two_out",
                           "int64_input", "tiny_mlp"}) {
    if (!onnx_test::have_model(name)) continue;
    Status s = check_onnx(model_path(name));
    EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  }
}

TEST(OnnxCheck, RejectsUndefinedInputNamingTheNode) {
  const std::string path = fixture("undefined_input.onnx");
  ASSERT_TRUE(inspect_onnx(path).ok());  // loads: the damage is semantic
  Status s = check_onnx(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("node 'Add_1' (Add)"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("ghost"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
}

TEST(OnnxCheck, RejectsMissingExternalData) {
  const auto dir = onnx_test::scratch_dir();
  const std::string path = (dir / "external_data.onnx").string();
  std::filesystem::copy_file(fixture("external_data.onnx"), path,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(dir / "external_data.bin");
  Status s = check_onnx(path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("external_data.bin"), std::string::npos) << s.message();
}

TEST(OnnxShapes, FillsBlankOutputShape) {
  const std::string path = fixture("blank_output_shape.onnx");
  auto before = inspect_onnx(path);
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_EQ(before->outputs[0].dims, (Shape{-1, -1}));
  auto after = infer_onnx_shapes(path);
  ASSERT_TRUE(after.ok()) << after.status().message();
  ASSERT_EQ(after->outputs.size(), 1u);
  EXPECT_EQ(after->outputs[0].dtype, DType::kFloat32);
  EXPECT_EQ(after->outputs[0].dims, (Shape{-1, 3}));  // [N,4] x [4,3]
  EXPECT_EQ(after->outputs[0].dim_names, (std::vector<std::string>{"N", ""}));
}

TEST(OnnxShapes, KeepsExportedShapes) {
  NNPORT_SKIP_WITHOUT_MODEL("transformer_layer");
  auto info = infer_onnx_shapes(model_path("transformer_layer"));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->outputs[0].dims, (Shape{1, 16, 64}));
}

}  // namespace
}  // namespace nnport
