// onnx::checker and onnx::shape_inference behind Status: their exceptions
// become errors that name the model and, when known, the node.
#include <exception>
#include <filesystem>
#include <regex>
#include <unordered_set>

#include "onnx/checker.h"
#include "onnx/onnx_io.h"
#include "onnx/shape_inference/implementation.h"

namespace nnport::onnx_internal {
namespace {

// One line: the checker's messages carry newlines and double spaces.
std::string flatten(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
  return out;
}

// "node 'Add_1' (Add): " when the message names a node, else "".
std::string node_prefix(const std::string& msg) {
  static const std::regex kChecker(R"([Nn]ame: *([^ ]*) *OpType: *([^ ]+))");
  static const std::regex kInference(R"(op_type: *([^,) ]+), node name: *([^)]*)\))");
  std::smatch m;
  if (std::regex_search(msg, m, kChecker))
    return "node '" + m[1].str() + "' (" + m[2].str() + "): ";
  if (std::regex_search(msg, m, kInference))
    return "node '" + m[2].str() + "' (" + m[1].str() + "): ";
  return "";
}

}  // namespace

Status check_model(const onnx::ModelProto& model, const std::string& path) {
  try {
    bool external = false;
    for (const auto& t : model.graph().initializer())
      external = external || t.data_location() == onnx::TensorProto::EXTERNAL;
    if (external) {
      // Only the path overload tells the checker where the data files are.
      onnx::checker::check_model(std::filesystem::absolute(path).string());
    } else {
      onnx::checker::check_model(model);
    }
  } catch (const std::exception& e) {
    const std::string msg = flatten(e.what());
    const bool missing_data = msg.find("doesn't exist or is not accessible") != std::string::npos;
    return invalid_argument("check onnx model: " + path + ": " + node_prefix(msg) + msg +
                            (missing_data ? ": put the model's external data files beside it"
                                          : ": fix the model (or the exporter) and re-export it"));
  }
  return check_initializer_sizes(model.graph(), path);
}

Status infer_shapes(onnx::ModelProto& model, const std::string& path) {
  // libonnx's inference dereferences the type of every input a node reads:
  // one no earlier node, graph input or initializer defines crashes it
  // (found by fuzz_onnx on an unchecked rewrite). Refuse such graphs first.
  std::unordered_set<std::string> defined;
  for (const auto& i : model.graph().input()) defined.insert(i.name());
  for (const auto& t : model.graph().initializer()) defined.insert(t.name());
  for (const auto& n : model.graph().node()) {
    for (const auto& in : n.input())
      if (!in.empty() && defined.count(in) == 0)
        return invalid_argument("infer onnx shapes: " + path + ": node '" + n.name() + "' (" +
                                n.op_type() + ") reads '" + in +
                                "' before any node makes it: the graph is not in topological "
                                "order or the tensor is missing; fix the model and re-export");
    for (const auto& out : n.output()) defined.insert(out);
  }
  // Data propagation computes Shape->Gather->Reshape chains; some models
  // trip it, so retry without before giving up.
  std::string first_error;
  for (bool propagate : {true, false}) {
    onnx::ModelProto copy = model;
    try {
      onnx::ShapeInferenceOptions options(/*check_type=*/false, /*error_mode=*/0, propagate);
      onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(), options);
      model = std::move(copy);
      return Status::ok_status();
    } catch (const std::exception& e) {
      if (first_error.empty()) first_error = flatten(e.what());
    }
  }
  return invalid_argument(
      "infer onnx shapes: " + path + ": " + node_prefix(first_error) + first_error +
      ": the declared shapes or types contradict the graph; fix them and re-export");
}

}  // namespace nnport::onnx_internal
