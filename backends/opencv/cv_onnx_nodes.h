// The few facts about an ONNX model's main graph that check_model needs
// (nodes with their inputs, initializer names, opsets), read straight from
// the protobuf wire format: libnnport keeps libonnx private, and its public
// inspect_onnx counts op types but does not list nodes.
#ifndef NNPORT_BACKENDS_OPENCV_CV_ONNX_NODES_H_
#define NNPORT_BACKENDS_OPENCV_CV_ONNX_NODES_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace nnport::cv_backend {

struct OnnxNode {
  std::string name, op_type, domain;  // domain "" or "ai.onnx": the default
  std::vector<std::string> inputs;    // "" for an absent optional input
  std::vector<std::string> outputs;
};

struct OnnxGraphNodes {
  std::vector<OnnxNode> nodes;         // the main graph's, in order
  std::set<std::string> initializers;  // names of the main graph's initializers
  int64_t opset = 0;                   // the default domain's opset, 0 if none
};

// Throws plugin::Error (NNPORT_NOT_FOUND, NNPORT_IO_ERROR or
// NNPORT_INVALID_ARGUMENT) naming the file when it cannot be read or parsed.
OnnxGraphNodes read_onnx_nodes(const std::string& path);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_ONNX_NODES_H_
