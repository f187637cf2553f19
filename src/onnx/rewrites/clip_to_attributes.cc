// clip_to_attributes: Clip since opset 11 takes min/max as optional inputs;
// OpenCV DNN 4.6 reads only opset 6's float attributes `min`/`max`. Each
// top-graph Clip whose min/max inputs are constant float scalars (an
// initializer or a Constant node's output) gets them as attributes and
// loses the inputs; constants nothing else reads are dropped. The result is
// not valid ONNX at opset >= 11 (see OnnxPass::keeps_valid_onnx): it is for
// the backend that asked for it. Clips inside If/Loop/Scan bodies are left
// alone (OpenCV does not import those ops).
#include <cstring>
#include <string>

#include "onnx/onnx_io.h"
#include "onnx/onnx_pass.h"
#include "onnx/rewrites/graph_names.h"

namespace nnport::onnx_internal {
namespace {

std::string describe_node(const onnx::NodeProto& node, int index) {
  const std::string name = node.name().empty() ? "#" + std::to_string(index) : node.name();
  return "node '" + name + "' (" + node.op_type() + ")";
}

// The one float a scalar tensor holds.
Result<float> scalar_float(const onnx::TensorProto& t, const std::string& where) {
  if (t.data_type() != onnx::TensorProto::FLOAT)
    return invalid_argument(where + " holds " + onnx_elem_type_name(t.data_type()) +
                            ", not float: OpenCV's Clip attributes are float; keep this "
                            "model on a backend that reads Clip's inputs");
  int64_t count = 1;
  for (int64_t d : t.dims()) count *= d;
  if (count != 1)
    return invalid_argument(where + " holds " + std::to_string(count) +
                            " values, not one scalar: fix the exporter's Clip bounds");
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return unimplemented(where + " is external data: save the model as one file");
  if (t.float_data_size() == 1) return t.float_data(0);
  if (t.raw_data().size() == sizeof(float)) {  // little-endian, as on every host nnport targets
    float v;
    std::memcpy(&v, t.raw_data().data(), sizeof v);
    return v;
  }
  return invalid_argument(where + " has no data for its one float: re-export the model");
}

// The constant float scalar `name` holds, or why it has none.
Result<float> constant_scalar(const onnx::GraphProto& g, const std::string& name,
                              const std::string& where) {
  for (const auto& in : g.input())
    if (in.name() == name)
      return invalid_argument(where + " is not a constant: it is the graph input '" + name +
                              "', which a caller may override; make it an initializer");
  for (const auto& t : g.initializer())
    if (t.name() == name) return scalar_float(t, where + " (initializer '" + name + "')");
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& node = g.node(i);
    for (const std::string& out : node.output()) {
      if (out != name) continue;
      if (!is_onnx_op(node, "Constant"))
        return invalid_argument(where + " is not a constant: '" + name + "' is computed by " +
                                describe_node(node, i) +
                                "; fold constants first (e.g. onnxsim) or keep the model on a "
                                "backend that reads Clip's inputs");
      const std::string what = where + " (" + describe_node(node, i) + ")";
      for (const auto& a : node.attribute()) {
        if (a.name() == "value") return scalar_float(a.t(), what);
        if (a.name() == "value_float") return a.f();
      }
      return invalid_argument(what + " has neither 'value' nor 'value_float': re-export the model");
    }
  }
  return invalid_argument(where + " is not a constant: nothing in the graph defines '" + name +
                          "'; run the checker on the model");
}

// Drops the initializer or Constant node that defined `name`, once unread;
// returns the index the dropped Constant node had, or -1.
int erase_if_dead(onnx::GraphProto& g, const std::string& name) {
  if (is_used(g, name)) return -1;
  auto* inits = g.mutable_initializer();
  for (int i = inits->size() - 1; i >= 0; --i)
    if (inits->Get(i).name() == name) inits->DeleteSubrange(i, 1);
  erase_value_info(g, name);
  auto* nodes = g.mutable_node();
  for (int i = nodes->size() - 1; i >= 0; --i) {
    const auto& n = nodes->Get(i);
    if (is_onnx_op(n, "Constant") && n.output_size() == 1 && n.output(0) == name) {
      nodes->DeleteSubrange(i, 1);
      return i;
    }
  }
  return -1;
}

}  // namespace

Status clip_to_attributes(onnx::ModelProto& model, const std::string& /*path*/) {
  onnx::GraphProto& g = *model.mutable_graph();
  for (int i = 0; i < g.node_size(); ++i) {
    if (!is_onnx_op(g.node(i), "Clip") || g.node(i).input_size() <= 1) continue;
    const std::string node_name = describe_node(g.node(i), i);
    // Read both bounds before changing anything, so an error leaves no half.
    static constexpr const char* kBounds[] = {"min", "max"};
    float values[2] = {};
    bool present[2] = {};
    std::string names[2];
    for (int b = 0; b < 2; ++b) {
      if (g.node(i).input_size() <= b + 1 || g.node(i).input(b + 1).empty()) continue;
      names[b] = g.node(i).input(b + 1);
      const std::string where = node_name + ": input '" + kBounds[b] + "'";
      NNPORT_ASSIGN_OR_RETURN(values[b], constant_scalar(g, names[b], where));
      present[b] = true;
    }
    onnx::NodeProto& node = *g.mutable_node(i);
    auto* attrs = node.mutable_attribute();
    for (int a = attrs->size() - 1; a >= 0; --a)
      if (attrs->Get(a).name() == "min" || attrs->Get(a).name() == "max")
        attrs->DeleteSubrange(a, 1);
    for (int b = 0; b < 2; ++b) {
      if (!present[b]) continue;  // absent: opset 6's default (no bound)
      onnx::AttributeProto* a = node.add_attribute();
      a->set_name(kBounds[b]);
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(values[b]);
    }
    node.mutable_input()->DeleteSubrange(1, node.input_size() - 1);
    for (int b = 0; b < 2; ++b) {
      if (!present[b]) continue;
      // A Constant node before this Clip went away: stay on the Clip.
      const int erased = erase_if_dead(g, names[b]);
      if (erased >= 0 && erased < i) --i;
    }
  }
  return Status::ok_status();
}

}  // namespace nnport::onnx_internal
