#include "ops.h"

#include <algorithm>

#include "nnport/plugin_cpp.h"

namespace minimal {

using nnport::plugin::Error;

namespace {

// Sorted by name so that supported_ops() lists them alphabetically.
constexpr OpSpec kOps[] = {
    {"Add", op_add, 2, 2},
    {"Constant", op_constant, 0, 0},
    {"Div", op_div, 2, 2},
    {"Flatten", op_flatten, 1, 1},
    {"Gather", op_gather, 2, 2},
    {"Gemm", op_gemm, 2, 3},
    {"Identity", op_identity, 1, 1},
    {"LayerNormalization", nullptr, 2, 3, op_layer_normalization, 3},
    {"MatMul", op_matmul, 2, 2},
    {"Mul", op_mul, 2, 2},
    {"ReduceMean", op_reduce_mean, 1, 2},
    {"Relu", op_relu, 1, 1},
    {"Reshape", op_reshape, 2, 2},
    {"Shape", op_shape, 1, 1},
    {"Sigmoid", op_sigmoid, 1, 1},
    {"Slice", op_slice, 3, 5},
    {"Softmax", op_softmax, 1, 1},
    {"Sub", op_sub, 2, 2},
    {"Tanh", op_tanh, 1, 1},
    {"Transpose", op_transpose, 1, 1},
};

std::string node_label(const Node& node) {
  return "node '" + node.name + "' (" + node.op_type + ")";
}

}  // namespace

const OpSpec* find_op(std::string_view op_type) {
  for (const auto& spec : kOps) {
    if (spec.op_type == op_type) return &spec;
  }
  return nullptr;
}

std::string supported_ops() {
  std::string s;
  for (const auto& spec : kOps) {
    if (!s.empty()) s += ", ";
    s += spec.op_type;
  }
  return s;
}

std::vector<Tensor> run_op(const Node& node, const Inputs& inputs) {
  const OpSpec* spec = find_op(node.op_type);
  if (spec == nullptr) {
    throw Error(NNPORT_UNIMPLEMENTED, "minimal: op '" + node.op_type + "' (node '" + node.name +
                                          "') is not supported; supported: " + supported_ops());
  }
  if (inputs.size() < spec->min_inputs || inputs.size() > spec->max_inputs) {
    op_fail(node, "has " + std::to_string(inputs.size()) + " inputs, expected " +
                      std::to_string(spec->min_inputs) + " to " + std::to_string(spec->max_inputs));
  }
  for (size_t i = 0; i < spec->min_inputs; ++i) {
    if (inputs[i] == nullptr) op_fail(node, "input " + std::to_string(i) + " is required");
  }
  for (const Tensor* t : inputs) {
    if (t != nullptr && t->size() != static_cast<size_t>(t->numel())) {
      op_fail(node, "an input of shape " + shape_str(t->dims) + " holds " +
                        std::to_string(t->size()) + " values");
    }
  }
  if (spec->multi != nullptr) return spec->multi(node, inputs);
  return {spec->fn(node, inputs)};
}

void op_fail(const Node& node, const std::string& why) {
  throw Error(NNPORT_INVALID_ARGUMENT, "minimal: " + node_label(node) + ": " + why);
}

void op_unimplemented(const Node& node, const std::string& why) {
  throw Error(NNPORT_UNIMPLEMENTED, "minimal: " + node_label(node) + ": " + why);
}

int64_t wrap_axis(const Node& node, int64_t axis, size_t rank, int64_t extra) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r + extra) {
    op_fail(node,
            "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return axis < 0 ? axis + r : axis;
}

int64_t attr_int(const Node& node, std::string_view name, int64_t fallback) {
  const Attribute* a = node.attribute(name);
  if (a == nullptr) return fallback;
  if (a->type != Attribute::kInt) op_fail(node, "attribute '" + a->name + "' must be an int");
  return a->i;
}

float attr_float(const Node& node, std::string_view name, float fallback) {
  const Attribute* a = node.attribute(name);
  if (a == nullptr) return fallback;
  if (a->type != Attribute::kFloat) op_fail(node, "attribute '" + a->name + "' must be a float");
  return a->f;
}

std::vector<int64_t> attr_ints(const Node& node, std::string_view name,
                               std::vector<int64_t> fallback) {
  const Attribute* a = node.attribute(name);
  if (a == nullptr) return fallback;
  if (a->type != Attribute::kInts) op_fail(node, "attribute '" + a->name + "' must be ints");
  return a->ints;
}

void require_dtype(const Node& node, const Inputs& inputs, size_t i, bool allow_int64) {
  const int32_t dtype = inputs[i]->dtype;
  if (dtype == NNPORT_DTYPE_FLOAT32 || (allow_int64 && dtype == NNPORT_DTYPE_INT64)) return;
  op_unimplemented(node, "input " + std::to_string(i) + " has dtype " + dtype_name(dtype) +
                             "; supported: float32" + (allow_int64 ? ", int64" : ""));
}

Dims broadcast_dims(const Node& node, const Dims& a, const Dims& b) {
  const size_t rank = std::max(a.size(), b.size());
  Dims out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the right; a missing dim counts as 1.
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      op_fail(node, "shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> row_major_strides(const Dims& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t d = dims.size(); d-- > 1;) s[d - 1] = s[d] * dims[d];
  return s;
}

std::vector<int64_t> broadcast_strides(const Dims& dims, size_t rank) {
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t k = 0; k < dims.size(); ++k) {
    const size_t src = dims.size() - 1 - k;  // walk dims from the last
    const size_t dst = rank - 1 - k;
    strides[dst] = dims[src] == 1 ? 0 : stride;
    stride *= dims[src];
  }
  return strides;
}

}  // namespace minimal
