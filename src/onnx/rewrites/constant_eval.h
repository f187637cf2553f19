// Internal to libnnport: evaluating one ONNX node on constant inputs, for
// fold_constants. A small evaluator (the ops exporters put in shape
// subgraphs), float/int64/int32/bool only; anything else is "not foldable"
// (nullopt), never an error.
#ifndef NNPORT_SRC_ONNX_REWRITES_CONSTANT_EVAL_H_
#define NNPORT_SRC_ONNX_REWRITES_CONSTANT_EVAL_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

namespace nnport::onnx_internal::constant_eval {

using Dims = std::vector<int64_t>;
using TP = onnx::TensorProto;

// A result larger than this stays a node: folding must not bloat the model.
constexpr int64_t kMaxFoldedBytes = int64_t{64} << 20;
// An element of a partial Shape value whose dim is not static.
constexpr int64_t kUnknown = std::numeric_limits<int64_t>::min();

// A constant tensor. float data lives in `f`, the integer types and bool in
// `i` (int32 results are wrapped to 32 bits when they are stored).
struct Value {
  int32_t type = TP::UNDEFINED;
  Dims dims;
  std::vector<float> f;
  std::vector<int64_t> i;
  bool partial = false;  // int64 shape data with kUnknown elements
};

using In = std::span<const Value* const>;

struct Ctx {
  int64_t opset;
};

using Eval = std::optional<Value> (*)(const onnx::NodeProto&, In, const Ctx&);

struct Op {
  const char* type;
  Eval eval;
  bool moves_data;  // pure data movement: may carry a partial Shape value in input 0
};

// The evaluator for the node's op type; nullptr when there is none.
const Op* find_op(const onnx::NodeProto& n);

int64_t element_bytes(int32_t type);  // 0: a type the evaluator does not handle
int64_t size_of(const Value& v);      // elements
Value make_value(int32_t type, Dims dims);
// The tensor's data, or nullopt for types, external data or byte counts the
// evaluator does not read.
std::optional<Value> decode(const TP& t);
TP encode(const Value& v, const std::string& name);
int64_t int_attr(const onnx::NodeProto& n, const char* name, int64_t fallback);
bool has_subgraph(const onnx::NodeProto& n);

}  // namespace nnport::onnx_internal::constant_eval

#endif  // NNPORT_SRC_ONNX_REWRITES_CONSTANT_EVAL_H_
