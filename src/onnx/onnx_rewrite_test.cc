// rewrite_onnx: passes by name, checked output, atomic writes.
#include <gtest/gtest.h>

#include "nnport/onnx_model.h"
#include "onnx_test_util.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;
using onnx_test::fixture;

TEST(OnnxRewrite, InferShapesPassStoresShapes) {
  const std::string out = (onnx_test::scratch_dir() / "inferred.onnx").string();
  fs::remove(out);
  Status s = rewrite_onnx(fixture("blank_output_shape.onnx"), out, {.passes = {"infer_shapes"}});
  ASSERT_TRUE(s.ok()) << s.message();
  auto info = inspect_onnx(out);  // shapes now stored in the file itself
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->outputs[0].dims, (Shape{-1, 3}));
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  EXPECT_TRUE(check_onnx(out).ok());
}

TEST(OnnxRewrite, NoPassesRoundTrips) {
  NNPORT_SKIP_WITHOUT_MODEL("tiny_mlp");
  const std::string out = (onnx_test::scratch_dir() / "copy.onnx").string();
  ASSERT_TRUE(rewrite_onnx(onnx_test::model_path("tiny_mlp"), out).ok());
  auto a = inspect_onnx(onnx_test::model_path("tiny_mlp"));
  auto b = inspect_onnx(out);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->op_counts, b->op_counts);
  EXPECT_EQ(a->inputs[0].name, b->inputs[0].name);
  EXPECT_EQ(a->parameter_count, b->parameter_count);
  EXPECT_EQ(a->file_bytes, b->file_bytes);  // same message, same bytes
}

TEST(OnnxRewrite, Errors) {
  const auto dir = onnx_test::scratch_dir();
  const std::string out = (dir / "never.onnx").string();
  fs::remove(out);

  Status unknown =
      rewrite_onnx(fixture("blank_output_shape.onnx"), out, {.passes = {"fold_everything"}});
  EXPECT_EQ(unknown.code(), Code::kInvalidArgument);
  EXPECT_NE(unknown.message().find("unknown pass 'fold_everything'"), std::string::npos)
      << unknown.message();
  EXPECT_NE(unknown.message().find("infer_shapes"), std::string::npos) << unknown.message();

  Status broken = rewrite_onnx(fixture("undefined_input.onnx"), out);
  EXPECT_FALSE(broken.ok());
  EXPECT_NE(broken.message().find("node 'Add_1' (Add)"), std::string::npos) << broken.message();

  Status external = rewrite_onnx(fixture("external_data.onnx"), out);
  EXPECT_EQ(external.code(), Code::kUnimplemented) << external.message();
  EXPECT_NE(external.message().find("external data"), std::string::npos) << external.message();

  Status no_dir =
      rewrite_onnx(fixture("blank_output_shape.onnx"), (dir / "no" / "such" / "m.onnx").string());
  EXPECT_EQ(no_dir.code(), Code::kNotFound) << no_dir.message();
  EXPECT_NE(no_dir.message().find("create it first"), std::string::npos) << no_dir.message();

  Status missing = rewrite_onnx((dir / "absent.onnx").string(), out);
  EXPECT_EQ(missing.code(), Code::kNotFound) << missing.message();

  EXPECT_FALSE(fs::exists(out));  // no failed rewrite leaves a file behind
  EXPECT_FALSE(fs::exists(out + ".tmp"));
}

TEST(OnnxRewrite, InputDimsFixDynamicDimsBeforeThePasses) {
  const std::string out = (onnx_test::scratch_dir() / "fixed.onnx").string();
  Status s = rewrite_onnx(fixture("blank_output_shape.onnx"), out,
                          {.passes = {"infer_shapes"}, .input_dims = {{"x", {8, -1}}}});
  ASSERT_TRUE(s.ok()) << s.message();
  auto info = inspect_onnx(out);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->inputs[0].dims, (Shape{8, 4}));   // N fixed, 4 kept
  EXPECT_EQ(info->outputs[0].dims, (Shape{8, 3}));  // inference saw the fixed N
}

TEST(OnnxRewrite, InputDimsErrors) {
  const std::string out = (onnx_test::scratch_dir() / "never_fixed.onnx").string();
  fs::remove(out);
  struct Case {
    std::vector<InputDims> dims;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {{{"xx", {1, 4}}}, "no input 'xx' to fix dims of (did you mean 'x'?)"},
           {{{"x", {1, 4, 1}}}, "has rank 2, but 3 dims were given"},
           {{{"x", {1, 5}}}, "dim 1 is fixed at 4 in the model, not 5"},
       }) {
    Status s = rewrite_onnx(fixture("blank_output_shape.onnx"), out, {.input_dims = c.dims});
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << c.expect;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s.message();
  }
  EXPECT_FALSE(fs::exists(out));
}

TEST(OnnxRewrite, PassNames) {
  const auto names = onnx_pass_names();
  for (const char* name :
       {"infer_shapes", "remove_identity", "clip_to_attributes", "fold_constants"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

}  // namespace
}  // namespace nnport
