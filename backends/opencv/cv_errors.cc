#include "cv_errors.h"

#include <regex>

#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {
namespace {

// OpenCV's importer prefixes its errors with "Node [Op@domain]:(name)".
std::string failing_node(const std::string& msg) {
  static const std::regex node(R"(Node \[([^\]@]*)@?[^\]]*\]:\(([^)]*)\))");
  std::smatch m;
  if (!std::regex_search(msg, m, node)) return "";
  std::string name = m[2].str();
  // The importer names a layer "onnx_node_output_<i>!<output>" when the node
  // itself has no name: the output is what the user can find in the graph.
  if (const auto bang = name.find('!'); bang != std::string::npos) {
    name = "producing '" + name.substr(bang + 1) + "'";
  } else {
    name = "'" + name + "'";
  }
  return "node " + name + " (" + m[1].str() + ")";
}

// OpenCV's message ends in newlines and repeats itself; keep one line.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

void rethrow(const cv::Exception& e, const std::string& doing, const std::string& model_path) {
  const std::string msg = one_line(e.what());
  const std::string node = failing_node(msg);
  const bool loading = doing.rfind("loading", 0) == 0;
  std::string text = "opencv: " + doing + " '" + model_path + "' failed";
  if (!node.empty()) text += " at " + node;
  text += ": " + msg;
  if (loading) {
    text +=
        ". OpenCV 4.6's ONNX importer cannot take this graph; the backend's check_model lists "
        "the nodes it does not know, and backend_config.rewrites fixes some (see "
        "docs/backends/opencv.md)";
  }
  throw plugin::Error(loading ? NNPORT_UNIMPLEMENTED : NNPORT_INTERNAL, text);
}

}  // namespace nnport::cv_backend
