// Internal to the quantize room: writes the int8 rewrite's new nodes and
// initializers (QuantizeLinear/DequantizeLinear pairs, int8 weights, int32
// biases) once qdq_model.cc has decided what to quantize.
#ifndef NNPORT_SRC_QUANTIZE_QDQ_EMIT_H_
#define NNPORT_SRC_QUANTIZE_QDQ_EMIT_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "nnport/status.h"
#include "quantize/qdq_graph.h"
#include "quantize/qdq_model.h"

namespace nnport::quantize {

class QdqEmitter {
 public:
  QdqEmitter(onnx::GraphProto& graph, GraphIndex& index, const QdqOptions& options,
             const std::unordered_map<std::string, QuantParams>& params)
      : graph_(graph), index_(index), options_(options), params_(params) {}

  // A Q/DQ pair after `tensor`'s producer (call it right after add()ing the
  // producer, or first for a graph input); readers then read the DQ output.
  void quantize_tensor(const std::string& tensor);
  // A float initializer read as an activation: stored as uint8, with a DQ.
  void quantize_constant(const std::string& tensor);
  // The node's weight (int8, per channel where asked) and bias (int32) slots
  // become DQ outputs of new initializers. Call before rewiring its inputs.
  Status quantize_weights(onnx::NodeProto& node, const Slots& slots);
  // What a reader of `tensor` reads: its DQ output when it is quantized.
  const std::string& reader_name(const std::string& tensor) const;
  void add(onnx::NodeProto node) { nodes_.push_back(std::move(node)); }
  // The graph gets the new nodes and initializers; initializers and
  // Constant nodes nothing reads any more are dropped.
  void finish();

 private:
  std::string add_scalar(const std::string& base, int32_t type, const void* value, size_t bytes);
  std::string add_dequantize(const std::string& base, const std::string& data,
                             const std::string& scale, const std::string& zero_point, int axis);

  onnx::GraphProto& graph_;
  GraphIndex& index_;
  const QdqOptions& options_;
  const std::unordered_map<std::string, QuantParams>& params_;
  std::vector<onnx::NodeProto> nodes_;
  std::vector<TP> initializers_;
  std::unordered_map<std::string, std::string> dequantized_;  // tensor -> its DQ output
};

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_QDQ_EMIT_H_
