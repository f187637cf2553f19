// Building small ModelProtos in tests: nodes, typed values, initializers.
#ifndef NNPORT_SRC_ONNX_ONNX_GRAPH_TEST_UTIL_H_
#define NNPORT_SRC_ONNX_ONNX_GRAPH_TEST_UTIL_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"
#include "onnx_test_util.h"

namespace nnport::onnx_test {

inline onnx::ModelProto make_model(int64_t opset) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(opset);
  model.mutable_graph()->set_name("g");
  return model;
}

inline onnx::NodeProto* add_node(onnx::GraphProto& g, const std::string& op,
                                 const std::vector<std::string>& inputs,
                                 const std::vector<std::string>& outputs,
                                 const std::string& name = "") {
  onnx::NodeProto* n = g.add_node();
  n->set_op_type(op);
  n->set_name(name.empty() ? op + "_" + std::to_string(g.node_size()) : name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}

// A typed value (graph input, output or value_info entry).
inline void set_value(onnx::ValueInfoProto* v, const std::string& name,
                      const std::vector<int64_t>& dims, int32_t elem = onnx::TensorProto::FLOAT) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(elem);
  auto* shape = t->mutable_shape();
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

inline onnx::TensorProto float_tensor(const std::string& name, const std::vector<int64_t>& dims,
                                      const std::vector<float>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t.add_dims(d);
  for (float v : values) t.add_float_data(v);
  return t;
}

inline void add_initializer(onnx::GraphProto& g, const std::string& name,
                            const std::vector<int64_t>& dims, const std::vector<float>& values) {
  *g.add_initializer() = float_tensor(name, dims, values);
}

inline std::string save(const std::string& file, const onnx::ModelProto& model) {
  return write_file(file, model.SerializeAsString());
}

inline onnx::ModelProto load(const std::string& path) {
  onnx::ModelProto model;
  if (!model.ParseFromString(read_file(path))) throw std::runtime_error("cannot parse " + path);
  return model;
}

inline int count_op(const onnx::GraphProto& g, const std::string& op) {
  int n = 0;
  for (const auto& node : g.node()) n += node.op_type() == op;
  return n;
}

inline const onnx::NodeProto* find_node(const onnx::GraphProto& g, const std::string& name) {
  for (const auto& node : g.node())
    if (node.name() == name) return &node;
  return nullptr;
}

inline bool has_value_info(const onnx::GraphProto& g, const std::string& name) {
  for (const auto& v : g.value_info())
    if (v.name() == name) return true;
  return false;
}

inline std::vector<std::string> inputs_of(const onnx::NodeProto& n) {
  return {n.input().begin(), n.input().end()};
}

}  // namespace nnport::onnx_test

#endif  // NNPORT_SRC_ONNX_ONNX_GRAPH_TEST_UTIL_H_
