// The ops against values computed by hand.
#include <cmath>

#include "op_runner.h"
#include "test_util.h"

namespace minimal {
namespace {

using namespace minimal::op_testing;  // NOLINT: test helpers

TEST(Broadcast, RowVectorAddsToEachRow) {
  expect_floats(run("Add", {f({2, 3}, {1, 2, 3, 4, 5, 6}), f({3}, {10, 20, 30})}), {2, 3},
                {11, 22, 33, 14, 25, 36});
}

TEST(Broadcast, ColumnAndRowMakeAMatrix) {
  expect_floats(run("Add", {f({2, 1}, {1, 2}), f({1, 3}, {10, 20, 30})}), {2, 3},
                {11, 21, 31, 12, 22, 32});
}

TEST(Broadcast, ScalarOnEitherSideKeepsOperandOrder) {
  expect_floats(run("Sub", {f({2}, {5, 6}), f({}, {1})}), {2}, {4, 5});
  expect_floats(run("Sub", {f({}, {1}), f({2}, {5, 6})}), {2}, {-4, -5});
}

TEST(Broadcast, ThreeDimensionalMul) {
  // a[i][0][k] * b[j][0] -> out[i][j][k]
  expect_floats(run("Mul", {f({2, 1, 2}, {1, 2, 3, 4}), f({3, 1}, {1, 2, 3})}), {2, 3, 2},
                {1, 2, 2, 4, 3, 6, 3, 4, 6, 8, 9, 12});
}

TEST(Broadcast, IncompatibleShapesAreAnErrorNamingBoth) {
  EXPECT_PLUGIN_ERROR(run("Add", {f({2, 3}, {1, 2, 3, 4, 5, 6}), f({2}, {1, 2})}),
                      NNPORT_INVALID_ARGUMENT, "shapes 2x3 and 2 do not broadcast");
}

TEST(Elementwise, DivFloatAndInt64) {
  expect_floats(run("Div", {f({2}, {1, 2}), f({2}, {4, 8})}), {2}, {0.25f, 0.25f});
  Tensor q = run("Div", {i({3}, {7, -7, 6}), i({1}, {2})});
  EXPECT_EQ(q.dtype, NNPORT_DTYPE_INT64);
  EXPECT_EQ(q.i64, (std::vector<int64_t>{3, -3, 3}));  // truncation toward zero
  EXPECT_PLUGIN_ERROR(run("Div", {i({1}, {1}), i({1}, {0})}), NNPORT_INVALID_ARGUMENT,
                      "division by zero");
}

TEST(Elementwise, Int64AddAndMixedDtypes) {
  EXPECT_EQ(run("Add", {i({2}, {1, 2}), i({}, {40})}).i64, (std::vector<int64_t>{41, 42}));
  EXPECT_PLUGIN_ERROR(run("Add", {i({1}, {1}), f({1}, {1})}), NNPORT_INVALID_ARGUMENT,
                      "must match");
}

TEST(Elementwise, Activations) {
  expect_floats(run("Relu", {f({3}, {-1, 0, 2})}), {3}, {0, 0, 2});
  expect_floats(run("Sigmoid", {f({2}, {0, std::log(3.0f)})}), {2}, {0.5f, 0.75f});
  expect_floats(run("Tanh", {f({2}, {0, std::log(2.0f)})}), {2}, {0, 0.6f});
  EXPECT_PLUGIN_ERROR(run("Tanh", {i({1}, {1})}), NNPORT_UNIMPLEMENTED, "int64");
}

TEST(MatMul, TwoByTwo) {
  expect_floats(run("MatMul", {f({2, 2}, {1, 2, 3, 4}), f({2, 2}, {5, 6, 7, 8})}), {2, 2},
                {19, 22, 43, 50});
}

TEST(MatMul, BatchedTimesMatrixBroadcastsTheMatrix) {
  expect_floats(run("MatMul", {f({2, 2, 2}, {1, 2, 3, 4, 1, 0, 0, 1}), f({2, 2}, {5, 6, 7, 8})}),
                {2, 2, 2}, {19, 22, 43, 50, 5, 6, 7, 8});
}

TEST(MatMul, BatchDimsBroadcastOnBothSides) {
  // A[i] = [[i+1, 1]] (2x1x1x2), B[j] = [[j], [1]] (1x3x2x1): out[i][j] = (i+1)*j + 1.
  expect_floats(run("MatMul", {f({2, 1, 1, 2}, {1, 1, 2, 1}), f({1, 3, 2, 1}, {0, 1, 1, 1, 2, 1})}),
                {2, 3, 1, 1}, {1, 2, 3, 1, 3, 5});
}

TEST(MatMul, OneDimensionalOperandsDropTheirAxis) {
  expect_floats(run("MatMul", {f({2}, {1, 2}), f({2, 3}, {1, 2, 3, 4, 5, 6})}), {3}, {9, 12, 15});
  expect_floats(run("MatMul", {f({2, 2}, {1, 2, 3, 4}), f({2}, {1, 1})}), {2}, {3, 7});
  expect_floats(run("MatMul", {f({2}, {1, 2}), f({2}, {3, 4})}), {}, {11});
}

TEST(MatMul, Int64AndMismatch) {
  EXPECT_EQ(run("MatMul", {i({1, 2}, {2, 3}), i({2, 1}, {4, 5})}).i64, (std::vector<int64_t>{23}));
  EXPECT_PLUGIN_ERROR(run("MatMul", {f({2, 3}, {1, 2, 3, 4, 5, 6}), f({2, 2}, {1, 2, 3, 4})}),
                      NNPORT_INVALID_ARGUMENT, "do not multiply: 3 != 2");
}

// A = [[1,2,3],[4,5,6]], B = [[1,0],[0,1],[1,1]]: A*B = [[4,5],[10,11]].
const std::vector<float> kA = {1, 2, 3, 4, 5, 6}, kAT = {1, 4, 2, 5, 3, 6};
const std::vector<float> kB = {1, 0, 0, 1, 1, 1}, kBT = {1, 0, 1, 0, 1, 1};

TEST(Gemm, AlphaBetaAndRowBias) {
  expect_floats(run("Gemm", {f({2, 3}, kA), f({3, 2}, kB), f({2}, {10, 20})},
                    {float_attr("alpha", 2), float_attr("beta", 0.5f)}),
                {2, 2}, {13, 20, 25, 32});
}

TEST(Gemm, TransposedOperandsAndScalarBias) {
  expect_floats(run("Gemm", {f({3, 2}, kAT), f({2, 3}, kBT), f({}, {1})},
                    {int_attr("transA", 1), int_attr("transB", 1)}),
                {2, 2}, {5, 6, 11, 12});
}

TEST(Gemm, ColumnBiasAndNoBias) {
  expect_floats(run("Gemm", {f({2, 3}, kA), f({3, 2}, kB), f({2, 1}, {100, 200})}), {2, 2},
                {104, 105, 210, 211});
  expect_floats(run("Gemm", {f({2, 3}, kA), f({3, 2}, kB)}), {2, 2}, {4, 5, 10, 11});
}

TEST(Gemm, BadShapesAreErrors) {
  EXPECT_PLUGIN_ERROR(run("Gemm", {f({2, 3}, kA), f({3, 2}, kB), f({3}, {1, 2, 3})}),
                      NNPORT_INVALID_ARGUMENT, "C of shape 3 does not broadcast to 2x2");
  EXPECT_PLUGIN_ERROR(run("Gemm", {f({2, 3}, kA), f({2, 3}, kA)}), NNPORT_INVALID_ARGUMENT,
                      "transB=0");
}

TEST(Shape, IdentityAndFlatten) {
  expect_floats(run("Identity", {f({2}, {1, 2})}), {2}, {1, 2});
  std::vector<float> v(24);
  for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<float>(k);
  EXPECT_EQ(run("Flatten", {f({2, 3, 4}, v)}).dims, (Dims{2, 12}));
  EXPECT_EQ(run("Flatten", {f({2, 3, 4}, v)}, {int_attr("axis", 0)}).dims, (Dims{1, 24}));
  EXPECT_EQ(run("Flatten", {f({2, 3, 4}, v)}, {int_attr("axis", -1)}).dims, (Dims{6, 4}));
  EXPECT_EQ(run("Flatten", {f({2, 3, 4}, v)}, {int_attr("axis", 3)}).dims, (Dims{24, 1}));
  EXPECT_PLUGIN_ERROR(run("Flatten", {f({2, 3, 4}, v)}, {int_attr("axis", 4)}),
                      NNPORT_INVALID_ARGUMENT, "axis 4 is out of range for rank 3");
  // Negative axes stop at -rank, even though a positive axis may equal the rank.
  EXPECT_EQ(run("Flatten", {f({2, 3, 4}, v)}, {int_attr("axis", -3)}).dims, (Dims{1, 24}));
  EXPECT_PLUGIN_ERROR(run("Flatten", {f({2, 3, 4}, v)}, {int_attr("axis", -4)}),
                      NNPORT_INVALID_ARGUMENT, "axis -4 is out of range for rank 3");
}

TEST(Shape, Reshape) {
  const Tensor x = f({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_floats(run("Reshape", {x, i({2}, {3, -1})}), {3, 2}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(run("Reshape", {x, i({2}, {0, -1})}).dims, (Dims{2, 3}));
  EXPECT_EQ(run("Reshape", {x, i({3}, {1, 6, 1})}).dims, (Dims{1, 6, 1}));
  EXPECT_PLUGIN_ERROR(run("Reshape", {x, i({2}, {4, -1})}), NNPORT_INVALID_ARGUMENT,
                      "cannot infer -1");
  EXPECT_PLUGIN_ERROR(run("Reshape", {x, i({2}, {-1, -1})}), NNPORT_INVALID_ARGUMENT,
                      "two -1 dims");
  EXPECT_PLUGIN_ERROR(run("Reshape", {x, i({2}, {4, 2})}), NNPORT_INVALID_ARGUMENT,
                      "cannot reshape 2x3 (6 elements) to 4x2");
  EXPECT_PLUGIN_ERROR(run("Reshape", {x, f({2}, {3, 2})}), NNPORT_INVALID_ARGUMENT, "1-D int64");
}

TEST(Shape, Transpose) {
  expect_floats(run("Transpose", {f({2, 3}, {1, 2, 3, 4, 5, 6})}), {3, 2}, {1, 4, 2, 5, 3, 6});
  // out[a][b][c] = x[b][a][c] for x = 0..7 of shape 2x2x2.
  expect_floats(
      run("Transpose", {f({2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7})}, {ints_attr("perm", {1, 0, 2})}),
      {2, 2, 2}, {0, 1, 4, 5, 2, 3, 6, 7});
  EXPECT_PLUGIN_ERROR(
      run("Transpose", {f({2, 3}, {1, 2, 3, 4, 5, 6})}, {ints_attr("perm", {0, 0})}),
      NNPORT_INVALID_ARGUMENT, "not a permutation");
}

TEST(Ops, ConstantFromListAttribute) {
  Attribute a;
  a.name = "value_ints";
  a.type = Attribute::kInts;
  a.ints = {1, -1};
  const Tensor t = run("Constant", {}, {a});
  EXPECT_EQ(t.dims, (Dims{2}));
  EXPECT_EQ(t.i64, (std::vector<int64_t>{1, -1}));
}

TEST(Ops, UnsupportedOpListsTheSupportedOnes) {
  EXPECT_PLUGIN_ERROR(run("Conv", {f({1}, {1})}), NNPORT_UNIMPLEMENTED,
                      "op 'Conv' (node 'Conv_test') is not supported; supported: Add, Constant");
}

TEST(Ops, WrongInputCountAndInconsistentTensor) {
  EXPECT_PLUGIN_ERROR(run("Add", {f({1}, {1})}), NNPORT_INVALID_ARGUMENT,
                      "has 1 inputs, expected 2 to 2");
  EXPECT_PLUGIN_ERROR(run("Relu", {f({2, 2}, {1})}), NNPORT_INVALID_ARGUMENT, "holds 1 values");
}

}  // namespace
}  // namespace minimal
