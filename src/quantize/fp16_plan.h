// Internal to the fp16 pass (fp16_model.cc): which node runs in which float
// type, decided from the ONNX schemas before anything is rewritten.
#ifndef NNPORT_SRC_QUANTIZE_FP16_PLAN_H_
#define NNPORT_SRC_QUANTIZE_FP16_PLAN_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "nnport/status.h"
#include "onnx/onnx_pb.h"
#include "quantize/fp16_model.h"

namespace nnport::quantize::fp16_internal {

inline constexpr int32_t kFloat = onnx::TensorProto::FLOAT;
inline constexpr int32_t kHalf = onnx::TensorProto::FLOAT16;
inline constexpr int32_t kNonTensor = -1;  // a sequence, map or optional value

// How a node takes a float32 value on one input once the graph is converted.
enum class Want : uint8_t {
  kAny,    // either type (a Cast's input)
  kHalf,   // float16
  kFloat,  // float32: a blocked node, or a schema type without float16
  kExact,  // float32, and so should be whatever computes it (sizes, coordinates)
};

enum class Mode : uint8_t {
  kBlocked,   // float32: op_block_list, node_block_list, no schema, subgraphs, non-tensor values
  kConvert,   // float16 wherever its schema allows
  kExact,     // float32: its float outputs feed only kExact inputs
  kFlexible,  // a float Constant or Cast(to=FLOAT): the type its readers want, or both
};

// A reader of a value: node input `slot`, or slot -1 for a read inside the
// node's subgraphs (always float32: bodies keep their types).
struct Use {
  int node;
  int slot;
};

// A float32 value of the main graph.
struct FloatValue {
  int producer = -1;         // node index; -1 for a graph input or an initializer
  int output = -1;           // which output of the producer
  bool graph_input = false;  // and not an initializer
  bool initializer = false;
  bool graph_output = false;
  std::vector<Use> uses;
  onnx::TypeProto type;  // as declared or inferred (for value_info of new names)
};

struct Plan {
  std::vector<Mode> modes;                  // per node
  std::vector<std::vector<Want>> wants;     // per node, per input (float inputs only)
  std::vector<std::vector<bool>> half_out;  // per node, per output: float16 once converted
  std::vector<bool> set_dtype;              // a kConvert node whose float16 output needs its
                                            // dtype / value attribute changed
  std::vector<std::string> order;           // float values: initializers, inputs, node outputs
  std::unordered_map<std::string, FloatValue> values;
};

// Learns every value's type (declared, or by ONNX shape inference on a copy
// without float weights), then each node's mode and each input's want.
Result<Plan> make_plan(const onnx::ModelProto& model, const Fp16Options& options,
                       const std::string& path);

}  // namespace nnport::quantize::fp16_internal

#endif  // NNPORT_SRC_QUANTIZE_FP16_PLAN_H_
