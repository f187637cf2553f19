// Shape, Gather, Slice, Softmax, LayerNormalization, ReduceMean against
// values computed by hand.
#include <cmath>

#include "op_runner.h"
#include "test_util.h"

namespace minimal {
namespace {

using namespace minimal::op_testing;  // NOLINT: test helpers

const Tensor k2x3 = Tensor::floats({2, 3}, {1, 2, 3, 4, 5, 6});

TEST(Index, ShapeWithStartAndEnd) {
  EXPECT_EQ(run("Shape", {f({2, 3, 4}, std::vector<float>(24))}).i64,
            (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(run("Shape", {f({2, 3, 4}, std::vector<float>(24))},
                {int_attr("start", -2), int_attr("end", 100)})
                .i64,
            (std::vector<int64_t>{3, 4}));
}

TEST(Index, GatherRowsAndColumns) {
  // Rows 1, 0, -1 of a 2x3 matrix; then columns [[2, 0]] -> shape 2x1x2.
  expect_floats(run("Gather", {k2x3, i({3}, {1, 0, -1})}), {3, 3}, {4, 5, 6, 1, 2, 3, 4, 5, 6});
  expect_floats(run("Gather", {k2x3, i({1, 2}, {2, 0})}, {int_attr("axis", 1)}), {2, 1, 2},
                {3, 1, 6, 4});
  EXPECT_PLUGIN_ERROR(run("Gather", {k2x3, i({1}, {2})}), NNPORT_INVALID_ARGUMENT,
                      "index 2 is out of range for axis 0 of size 2");
}

TEST(Index, SliceWithClampingAndNegativeSteps) {
  // [:, 1:100] -> columns 1, 2.
  expect_floats(run("Slice", {k2x3, i({1}, {1}), i({1}, {100}), i({1}, {1})}), {2, 2},
                {2, 3, 5, 6});
  // [::-1, ::-2] on both axes.
  expect_floats(run("Slice", {k2x3, i({2}, {-1, -1}), i({2}, {INT64_MIN, INT64_MIN}),
                              i({2}, {0, 1}), i({2}, {-1, -2})}),
                {2, 2}, {6, 4, 3, 1});
  EXPECT_PLUGIN_ERROR(run("Slice", {k2x3, i({1}, {0}), i({1}, {1}), i({1}, {0}), i({1}, {0})}),
                      NNPORT_INVALID_ARGUMENT, "step must not be 0");
}

TEST(Normalize, SoftmaxAlongLastAxis) {
  // softmax([0, 1]) = [1, e] / (1 + e); a shift by 1000 changes nothing (no overflow).
  const float lo = static_cast<float>(1 / (1 + M_E)), hi = static_cast<float>(M_E / (1 + M_E));
  expect_floats(run("Softmax", {f({2, 2}, {0, 1, 1000, 1001})}), {2, 2}, {lo, hi, lo, hi});
  // Along axis 0 of a 2x2: columns [0, 1] and [0, 0].
  expect_floats(run("Softmax", {f({2, 2}, {0, 0, 1, 0})}, {int_attr("axis", 0)}), {2, 2},
                {lo, 0.5f, hi, 0.5f});
}

TEST(Normalize, LayerNormalizationWithScaleAndBias) {
  // Rows [1, 3] and [0, 4]: means 2, 2; variances 1, 4; 1/std 1, 0.5.
  const Tensor x = f({2, 2}, {1, 3, 0, 4}), scale = f({2}, {2, 1}), bias = f({}, {10});
  const Inputs args = {&x, &scale, &bias};
  Node n = make_node("LayerNormalization", {float_attr("epsilon", 0)});
  n.outputs = {"y", "mean", "inv_std"};
  const std::vector<Tensor> out = run_op(n, args);
  ASSERT_EQ(out.size(), 3u);
  expect_floats(out[0], {2, 2}, {8, 11, 8, 11});
  expect_floats(out[1], {2, 1}, {2, 2});
  expect_floats(out[2], {2, 1}, {1, 0.5f});
}

TEST(Normalize, ReduceMeanAxes) {
  expect_floats(run("ReduceMean", {k2x3}, {ints_attr("axes", {1})}), {2, 1}, {2, 5});
  expect_floats(run("ReduceMean", {k2x3}, {ints_attr("axes", {-2}), int_attr("keepdims", 0)}), {3},
                {2.5f, 3.5f, 4.5f});
  expect_floats(run("ReduceMean", {k2x3}), {1, 1}, {3.5f});
}

}  // namespace
}  // namespace minimal
