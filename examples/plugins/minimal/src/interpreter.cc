#include "interpreter.h"

#include <set>

#include "nnport/plugin_cpp.h"
#include "ops.h"

namespace minimal {

using nnport::plugin::Error;

Interpreter::Interpreter(Model model) : model_(std::move(model)) {
  const Graph& g = model_.graph;
  std::set<std::string> defined;
  for (const auto& init : g.initializers) defined.insert(init.name);
  for (const auto& in : g.inputs) {
    if (defined.count(in.name) != 0) continue;  // an initializer listed as input
    if (!is_supported_dtype(in.elem_type)) {
      throw Error(NNPORT_UNIMPLEMENTED, "minimal: input '" + in.name + "' has dtype " +
                                            dtype_name(in.elem_type) +
                                            "; supported: float32, int64");
    }
    inputs_.push_back(in);
  }
  for (const auto& in : inputs_) defined.insert(in.name);

  for (const Node& node : g.nodes) {
    if (!node.domain.empty() && node.domain != "ai.onnx") {
      throw Error(NNPORT_UNIMPLEMENTED, "minimal: op '" + node.domain + "::" + node.op_type +
                                            "' (node '" + node.name +
                                            "') is not supported: only the default ONNX domain");
    }
    const OpSpec* spec = find_op(node.op_type);
    if (spec == nullptr) {
      throw Error(NNPORT_UNIMPLEMENTED, "minimal: op '" + node.op_type + "' (node '" + node.name +
                                            "') is not supported; supported: " + supported_ops());
    }
    const std::string label = "minimal: node '" + node.name + "' (" + node.op_type + ")";
    if (node.inputs.size() < spec->min_inputs || node.inputs.size() > spec->max_inputs) {
      throw Error(NNPORT_INVALID_ARGUMENT,
                  label + " has " + std::to_string(node.inputs.size()) + " inputs, expected " +
                      std::to_string(spec->min_inputs) + " to " + std::to_string(spec->max_inputs));
    }
    if (node.outputs.empty() || node.outputs[0].empty()) {
      throw Error(NNPORT_INVALID_ARGUMENT, label + " has no output");
    }
    for (size_t i = spec->max_outputs; i < node.outputs.size(); ++i) {
      if (!node.outputs[i].empty()) {
        throw Error(NNPORT_UNIMPLEMENTED, label + " uses output " + std::to_string(i) + " ('" +
                                              node.outputs[i] + "'); it has only " +
                                              std::to_string(spec->max_outputs));
      }
    }
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const std::string& name = node.inputs[i];
      if (name.empty() && i >= spec->min_inputs) continue;  // omitted optional input
      if (defined.count(name) == 0) {
        throw Error(NNPORT_INVALID_ARGUMENT, label + " reads '" + name +
                                                 "' before any node produces it; nodes must be "
                                                 "topologically sorted and every value defined");
      }
    }
    for (const auto& out : node.outputs) {
      if (!out.empty()) defined.insert(out);
    }
  }
  for (const auto& out : g.outputs) {
    if (defined.count(out.name) == 0) {
      throw Error(NNPORT_INVALID_ARGUMENT,
                  "minimal: graph output '" + out.name + "' is produced by no node");
    }
  }
}

std::vector<Tensor> Interpreter::run(const std::map<std::string, Tensor>& inputs,
                                     const std::vector<std::string>& outputs) const {
  // Values by name; initializers and inputs are copied in so that the map
  // owns everything (simple, not frugal).
  std::map<std::string, Tensor> values;
  for (const auto& init : model_.graph.initializers) values[init.name] = init.tensor;
  for (const auto& in : inputs_) {
    auto it = inputs.find(in.name);
    if (it == inputs.end()) {
      throw Error(NNPORT_INVALID_ARGUMENT, "minimal: input '" + in.name + "' was not given");
    }
    values[in.name] = it->second;
  }
  for (const Node& node : model_.graph.nodes) {
    Inputs args;
    for (const auto& name : node.inputs) {
      args.push_back(name.empty() ? nullptr : &values.at(name));
    }
    std::vector<Tensor> results = run_op(node, args);
    for (size_t i = 0; i < node.outputs.size() && i < results.size(); ++i) {
      if (!node.outputs[i].empty()) values[node.outputs[i]] = std::move(results[i]);
    }
  }
  std::vector<Tensor> out;
  for (const auto& name : outputs) {
    auto it = values.find(name);
    if (it == values.end()) {
      throw Error(NNPORT_INVALID_ARGUMENT, "minimal: '" + name + "' is not a value of the graph");
    }
    out.push_back(it->second);
  }
  return out;
}

}  // namespace minimal
