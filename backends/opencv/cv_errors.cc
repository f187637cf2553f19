#include "cv_errors.h"

#include <regex>

#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {
namespace {

struct FailingNode {
  std::string op, where;  // "Clip", "node 'Clip_3' (Clip)"
};

// OpenCV's importer prefixes its errors with "Node [Op@domain]:(layer)",
// where the layer is "onnx_node!<node name>", or for an unnamed node
// "onnx_node_output_<i>!<output name>".
FailingNode failing_node(const std::string& msg) {
  static const std::regex node(R"(Node \[([^\]@]*)@?[^\]]*\]:\(([^)]*)\))");
  std::smatch m;
  if (!std::regex_search(msg, m, node)) return {};
  const std::string op = m[1].str(), layer = m[2].str();
  const auto bang = layer.find('!');
  std::string where;
  if (bang == std::string::npos) {
    where = "node '" + layer + "'";
  } else if (layer.rfind("onnx_node_output_", 0) == 0) {
    where = "the node producing '" + layer.substr(bang + 1) + "'";
  } else {
    where = "node '" + layer.substr(bang + 1) + "'";
  }
  return {op, where + " (" + op + ")"};
}

// What to try, for the failures the rewrites are made for.
std::string hint(const std::string& op, const std::string& msg) {
  if (op == "Clip") {
    return "OpenCV 4.6 reads Clip's bounds only as attributes: add 'clip_to_attributes' to "
           "backend_config.rewrites";
  }
  if (op == "Identity") return "add 'remove_identity' to backend_config.rewrites";
  if (!op.empty() && msg.find("Can't create layer") != std::string::npos) {
    return "OpenCV 4.6 has no layer for " + op +
           ": no rewrite fixes that; run this model on another backend (e.g. onnxruntime)";
  }
  return "OpenCV 4.6's ONNX importer cannot take this graph; `nnport check-model MODEL.onnx "
         "--backend opencv` lists the nodes it does not know, and backend_config.rewrites fixes "
         "some (see docs/backends/opencv.md)";
}

}  // namespace

std::string one_line(const cv::Exception& e) {
  std::string s = e.what();
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

void rethrow(const cv::Exception& e, const std::string& doing, const std::string& model_path) {
  const std::string msg = one_line(e);
  const FailingNode node = failing_node(msg);
  const bool loading = doing.rfind("loading", 0) == 0;
  std::string text = "opencv: " + doing + " '" + model_path + "' failed";
  if (!node.where.empty()) text += " at " + node.where;
  text += ": " + msg;
  if (loading) text += ". " + hint(node.op, msg);
  throw plugin::Error(loading ? NNPORT_UNIMPLEMENTED : NNPORT_INTERNAL, text);
}

}  // namespace nnport::cv_backend
