// The op table: each supported ONNX op is a function from a node and its
// input tensors to its output tensors. Ops are naive loops over row-major
// data, written to be checked by eye rather than to be fast.
#ifndef MINIMAL_OPS_H_
#define MINIMAL_OPS_H_

#include <string>
#include <string_view>
#include <vector>

#include "onnx_model.h"
#include "tensor.h"

namespace minimal {

// A node's inputs in order; nullptr for an omitted optional input ("").
using Inputs = std::vector<const Tensor*>;
using OpFn = Tensor (*)(const Node& node, const Inputs& inputs);
// For the rare op with several outputs; fills as many as the node names.
using MultiOpFn = std::vector<Tensor> (*)(const Node& node, const Inputs& inputs);

struct OpSpec {
  std::string_view op_type;
  OpFn fn;  // nullptr when multi is set
  size_t min_inputs;
  size_t max_inputs;
  MultiOpFn multi = nullptr;
  size_t max_outputs = 1;
};

const OpSpec* find_op(std::string_view op_type);  // nullptr when not supported
std::string supported_ops();                      // "Add, Constant, Div, ..."

// Runs one node and returns its outputs (at least as many as the node names). Throws
// Error(INVALID_ARGUMENT) naming the node for bad shapes, dtypes or
// attributes, Error(UNIMPLEMENTED) for an unsupported op or dtype.
std::vector<Tensor> run_op(const Node& node, const Inputs& inputs);

// Helpers for op implementations.
[[noreturn]] void op_fail(const Node& node, const std::string& why);
[[noreturn]] void op_unimplemented(const Node& node, const std::string& why);
int64_t attr_int(const Node& node, std::string_view name, int64_t fallback);
float attr_float(const Node& node, std::string_view name, float fallback);
std::vector<int64_t> attr_ints(const Node& node, std::string_view name,
                               std::vector<int64_t> fallback);
// A possibly negative axis as an index: valid axes are [-rank, rank + extra)
// (extra 1 for ops such as Flatten whose axis may equal the rank).
int64_t wrap_axis(const Node& node, int64_t axis, size_t rank, int64_t extra = 0);
// Input i must be float32 (or, when allow_int64, int64).
void require_dtype(const Node& node, const Inputs& inputs, size_t i, bool allow_int64);
// Strides of a dense row-major tensor, in elements.
std::vector<int64_t> row_major_strides(const Dims& dims);
// Numpy broadcasting of two shapes.
Dims broadcast_dims(const Node& node, const Dims& a, const Dims& b);
// Strides of a tensor of shape dims read as a tensor of rank `rank` (dims
// right-aligned), 0 along broadcast (size-1 or missing) axes.
std::vector<int64_t> broadcast_strides(const Dims& dims, size_t rank);

// The ops, one per function, grouped in ops_elementwise.cc, ops_linear.cc,
// ops_shape.cc, ops_index.cc and ops_normalize.cc.
Tensor op_add(const Node&, const Inputs&);
Tensor op_sub(const Node&, const Inputs&);
Tensor op_mul(const Node&, const Inputs&);
Tensor op_div(const Node&, const Inputs&);
Tensor op_relu(const Node&, const Inputs&);
Tensor op_sigmoid(const Node&, const Inputs&);
Tensor op_tanh(const Node&, const Inputs&);
Tensor op_matmul(const Node&, const Inputs&);
Tensor op_gemm(const Node&, const Inputs&);
Tensor op_identity(const Node&, const Inputs&);
Tensor op_flatten(const Node&, const Inputs&);
Tensor op_reshape(const Node&, const Inputs&);
Tensor op_transpose(const Node&, const Inputs&);
Tensor op_constant(const Node&, const Inputs&);
Tensor op_shape(const Node&, const Inputs&);
Tensor op_gather(const Node&, const Inputs&);
Tensor op_slice(const Node&, const Inputs&);
Tensor op_softmax(const Node&, const Inputs&);
std::vector<Tensor> op_layer_normalization(const Node&, const Inputs&);  // Y, Mean, InvStdDev
Tensor op_reduce_mean(const Node&, const Inputs&);

}  // namespace minimal

#endif  // MINIMAL_OPS_H_
