// Internal to the quantize room: the graph as the int8 rewrite sees it
// (producers, readers, constants, types), shared by qdq_model.cc, which
// decides, and qdq_emit.cc, which writes.
#ifndef NNPORT_SRC_QUANTIZE_QDQ_GRAPH_H_
#define NNPORT_SRC_QUANTIZE_QDQ_GRAPH_H_

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "onnx/onnx_pb.h"
#include "onnx/rewrites/constant_eval.h"

namespace nnport::quantize {

using TP = onnx::TensorProto;

// How a quantized node reads each input.
struct Slots {
  std::vector<int> activations;  // uint8 inputs
  int weight = -1;               // int8 initializer
  int weight_axis = -1;          // its output-channel axis; -1: per tensor only
  int bias = -1;                 // int32 initializer, scale = activation x weight scale
};

// The graph as the rewrite sees it: producers, readers, constants, types.
struct GraphIndex {
  std::unordered_map<std::string, int> producer;  // tensor -> node index
  std::unordered_map<std::string, std::vector<int>> readers;
  std::unordered_map<std::string, const TP*> initializers;
  std::unordered_map<std::string, int32_t> elem_type;
  std::unordered_set<std::string> graph_inputs, graph_outputs, names;

  explicit GraphIndex(const onnx::GraphProto& g) {
    auto type_of = [this](const onnx::ValueInfoProto& v) {
      names.insert(v.name());
      if (v.type().has_tensor_type()) elem_type[v.name()] = v.type().tensor_type().elem_type();
    };
    for (const auto& v : g.input()) graph_inputs.insert(v.name()), type_of(v);
    for (const auto& v : g.output()) graph_outputs.insert(v.name()), type_of(v);
    for (const auto& v : g.value_info()) type_of(v);
    for (const auto& t : g.initializer()) {
      initializers[t.name()] = &t;
      elem_type[t.name()] = t.data_type();
      names.insert(t.name());
    }
    for (int i = 0; i < g.node_size(); ++i) {
      const auto& n = g.node(i);
      names.insert(n.name());
      for (const auto& o : n.output()) producer[o] = i, names.insert(o);
      for (const auto& in : n.input())
        if (!in.empty()) readers[in].push_back(i);
    }
  }
  bool is_float(const std::string& t) const {
    auto it = elem_type.find(t);
    return it != elem_type.end() && it->second == TP::FLOAT;
  }
  const TP* initializer(const std::string& t) const {
    auto it = initializers.find(t);
    return it == initializers.end() ? nullptr : it->second;
  }
  // A fresh tensor or node name built from `base`.
  std::string fresh(const std::string& base) {
    std::string name = base;
    for (int i = 1; names.contains(name); ++i) name = base + "_" + std::to_string(i);
    names.insert(name);
    return name;
  }
};

inline std::optional<onnx_internal::constant_eval::Value> float_constant(const TP* t) {
  if (t == nullptr || t->data_type() != TP::FLOAT) return std::nullopt;
  return onnx_internal::constant_eval::decode(*t);
}

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_QDQ_GRAPH_H_
