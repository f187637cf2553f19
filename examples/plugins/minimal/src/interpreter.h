// Runs an ONNX graph node by node, in file order. The constructor checks
// everything that can be checked without inputs: every op is supported and
// every value is produced before it is read (ONNX requires nodes to be
// topologically sorted).
#ifndef MINIMAL_INTERPRETER_H_
#define MINIMAL_INTERPRETER_H_

#include <map>
#include <string>
#include <vector>

#include "onnx_model.h"
#include "tensor.h"

namespace minimal {

class Interpreter {
 public:
  // Throws Error(UNIMPLEMENTED) for an unsupported op, domain or dtype and
  // Error(INVALID_ARGUMENT) for a graph that reads a value before it exists.
  explicit Interpreter(Model model);

  const Model& model() const { return model_; }
  // Graph inputs that are not initializers, in graph order.
  const std::vector<ValueInfo>& inputs() const { return inputs_; }
  const std::vector<ValueInfo>& outputs() const { return model_.graph.outputs; }

  // Runs the graph. inputs maps every graph input name to its value; returns
  // the values of `outputs` in that order.
  std::vector<Tensor> run(const std::map<std::string, Tensor>& inputs,
                          const std::vector<std::string>& outputs) const;

 private:
  Model model_;
  std::vector<ValueInfo> inputs_;
};

}  // namespace minimal

#endif  // MINIMAL_INTERPRETER_H_
