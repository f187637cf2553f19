// ONNX's own backend node tests (Debian's libonnx-testdata) for every
// supported op: model.onnx plus test_data_set_*/input_K.pb and output_K.pb.
// Skipped when the package is not installed.
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "interpreter.h"
#include "onnx_model.h"
#include "test_util.h"

namespace minimal {
namespace {

namespace fs = std::filesystem;

fs::path node_tests_dir() {
  const char* env = std::getenv("ONNX_NODE_TESTS_DIR");
  return env != nullptr && *env != '\0' ? env : "/usr/share/libonnx-testdata/data/node";
}

class OnnxNodeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxNodeTest, MatchesExpectedOutputs) {
  const fs::path dir = node_tests_dir() / GetParam();
  if (!fs::exists(dir / "model.onnx")) GTEST_SKIP() << "no ONNX test data at " << dir;
  const Interpreter interp(parse_model(read_file((dir / "model.onnx").string())));
  std::vector<std::string> output_names;
  for (const auto& o : interp.outputs()) output_names.push_back(o.name);
  int sets = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("test_data_set_", 0) != 0) continue;
    SCOPED_TRACE(entry.path().string());
    ++sets;
    std::map<std::string, Tensor> inputs;
    for (size_t i = 0; i < interp.inputs().size(); ++i) {
      const fs::path pb = entry.path() / ("input_" + std::to_string(i) + ".pb");
      inputs[interp.inputs()[i].name] = parse_tensor(read_file(pb.string())).tensor;
    }
    const std::vector<Tensor> got = interp.run(inputs, output_names);
    for (size_t i = 0; i < got.size(); ++i) {
      const fs::path pb = entry.path() / ("output_" + std::to_string(i) + ".pb");
      const Tensor want = parse_tensor(read_file(pb.string())).tensor;
      ASSERT_EQ(got[i].dtype, want.dtype);
      ASSERT_EQ(got[i].dims, want.dims);
      if (want.dtype == NNPORT_DTYPE_INT64) {
        EXPECT_EQ(got[i].i64, want.i64);
        continue;
      }
      for (size_t k = 0; k < want.f32.size(); ++k) {
        // Tighter than ONNX's usual rtol 1e-3 / atol 1e-5: a reference should be close.
        ASSERT_NEAR(got[i].f32[k], want.f32[k], 1e-6 + 1e-5 * std::fabs(want.f32[k]))
            << "output " << i << " element " << k;
      }
    }
  }
  EXPECT_GT(sets, 0) << "no test_data_set_* in " << dir;
}

INSTANTIATE_TEST_SUITE_P(
    Node, OnnxNodeTest,
    ::testing::Values(
        "test_add", "test_add_bcast", "test_sub", "test_sub_bcast", "test_sub_example", "test_mul",
        "test_mul_bcast", "test_mul_example", "test_div", "test_div_bcast", "test_div_example",
        "test_relu", "test_sigmoid", "test_sigmoid_example", "test_tanh", "test_tanh_example",
        "test_matmul_2d", "test_matmul_3d", "test_matmul_4d", "test_gemm_all_attributes",
        "test_gemm_alpha", "test_gemm_beta", "test_gemm_default_matrix_bias",
        "test_gemm_default_no_bias", "test_gemm_default_scalar_bias",
        "test_gemm_default_single_elem_vector_bias", "test_gemm_default_vector_bias",
        "test_gemm_default_zero_bias", "test_gemm_transposeA", "test_gemm_transposeB",
        "test_identity", "test_flatten_axis0", "test_flatten_axis1", "test_flatten_axis2",
        "test_flatten_axis3", "test_flatten_default_axis", "test_flatten_negative_axis1",
        "test_flatten_negative_axis2", "test_flatten_negative_axis3", "test_flatten_negative_axis4",
        "test_reshape_allowzero_reordered", "test_reshape_extended_dims",
        "test_reshape_negative_dim", "test_reshape_negative_extended_dims", "test_reshape_one_dim",
        "test_reshape_reduced_dims", "test_reshape_reordered_all_dims",
        "test_reshape_reordered_last_dims", "test_reshape_zero_and_negative_dim",
        "test_reshape_zero_dim", "test_transpose_all_permutations_0",
        "test_transpose_all_permutations_1", "test_transpose_all_permutations_2",
        "test_transpose_all_permutations_3", "test_transpose_all_permutations_4",
        "test_transpose_all_permutations_5", "test_transpose_default", "test_constant",
        "test_gather_0", "test_gather_1", "test_gather_2d_indices", "test_gather_negative_indices",
        "test_shape", "test_shape_example", "test_shape_clip_end", "test_shape_clip_start",
        "test_shape_end_1", "test_shape_end_negative_1", "test_shape_start_1",
        "test_shape_start_1_end_2", "test_shape_start_1_end_negative_1",
        "test_shape_start_negative_1", "test_slice", "test_slice_default_axes",
        "test_slice_default_steps", "test_slice_end_out_of_bounds", "test_slice_neg",
        "test_slice_neg_steps", "test_slice_negative_axes", "test_slice_start_out_of_bounds",
        "test_softmax_axis_0", "test_softmax_axis_1", "test_softmax_axis_2",
        "test_softmax_default_axis", "test_softmax_example", "test_softmax_large_number",
        "test_softmax_negative_axis", "test_layer_normalization_2d_axis0",
        "test_layer_normalization_2d_axis1", "test_layer_normalization_2d_axis_negative_1",
        "test_layer_normalization_2d_axis_negative_2", "test_layer_normalization_3d_axis0_epsilon",
        "test_layer_normalization_3d_axis1_epsilon", "test_layer_normalization_3d_axis2_epsilon",
        "test_layer_normalization_3d_axis_negative_1_epsilon",
        "test_layer_normalization_3d_axis_negative_2_epsilon",
        "test_layer_normalization_3d_axis_negative_3_epsilon", "test_layer_normalization_4d_axis0",
        "test_layer_normalization_4d_axis1", "test_layer_normalization_4d_axis2",
        "test_layer_normalization_4d_axis3", "test_layer_normalization_4d_axis_negative_1",
        "test_layer_normalization_4d_axis_negative_2",
        "test_layer_normalization_4d_axis_negative_3",
        "test_layer_normalization_4d_axis_negative_4", "test_layer_normalization_default_axis",
        "test_reduce_mean_default_axes_keepdims_example",
        "test_reduce_mean_default_axes_keepdims_random", "test_reduce_mean_do_not_keepdims_example",
        "test_reduce_mean_do_not_keepdims_random", "test_reduce_mean_keepdims_example",
        "test_reduce_mean_keepdims_random", "test_reduce_mean_negative_axes_keepdims_example",
        "test_reduce_mean_negative_axes_keepdims_random"),
    [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace minimal
