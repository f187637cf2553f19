// Test helper: run one op on tensors built inline. (Its own namespace:
// proto_writer.h has functions of the same names that build protobuf.)
#ifndef MINIMAL_TESTS_OP_RUNNER_H_
#define MINIMAL_TESTS_OP_RUNNER_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ops.h"

namespace minimal::op_testing {

inline Attribute int_attr(const std::string& name, int64_t v) {
  Attribute a;
  a.name = name;
  a.type = Attribute::kInt;
  a.i = v;
  return a;
}

inline Attribute float_attr(const std::string& name, float v) {
  Attribute a;
  a.name = name;
  a.type = Attribute::kFloat;
  a.f = v;
  return a;
}

inline Attribute ints_attr(const std::string& name, std::vector<int64_t> v) {
  Attribute a;
  a.name = name;
  a.type = Attribute::kInts;
  a.ints = std::move(v);
  return a;
}

inline Node make_node(const std::string& op, std::vector<Attribute> attrs = {}) {
  Node n;
  n.name = op + "_test";
  n.op_type = op;
  n.outputs = {"y"};
  n.attributes = std::move(attrs);
  return n;
}

inline Tensor run(const std::string& op, std::vector<Tensor> in,
                  std::vector<Attribute> attrs = {}) {
  Inputs args;
  for (const auto& t : in) args.push_back(&t);
  return run_op(make_node(op, std::move(attrs)), args).at(0);
}

inline Tensor f(Dims dims, std::vector<float> v) {
  return Tensor::floats(std::move(dims), std::move(v));
}
inline Tensor i(Dims dims, std::vector<int64_t> v) {
  return Tensor::ints(std::move(dims), std::move(v));
}

inline void expect_floats(const Tensor& t, const Dims& dims, const std::vector<float>& want) {
  ASSERT_EQ(t.dtype, NNPORT_DTYPE_FLOAT32);
  EXPECT_EQ(t.dims, dims);
  ASSERT_EQ(t.f32.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(t.f32[k], want[k], 1e-6) << "at " << k;
}

}  // namespace minimal::op_testing

#endif  // MINIMAL_TESTS_OP_RUNNER_H_
