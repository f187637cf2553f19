// Reading ONNX for the converter: the model file, constant tensors
// (initializers and Constant nodes) and node attributes.
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_ONNX_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_ONNX_H_

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnport::xnn {

// Why one node cannot be converted. The converter turns it into
// NNPORT_UNIMPLEMENTED naming the node; check_model reports it per node.
class Unsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A constant as numbers: floats for float tensors, int64 for integer ones.
struct Constant {
  std::vector<int64_t> dims;
  bool is_float = false;
  std::vector<float> f;
  std::vector<int64_t> i;
  int64_t numel() const;
};

// Parses path; NNPORT_NOT_FOUND / NNPORT_INVALID_ARGUMENT when it is missing
// or not an ONNX model.
onnx::ModelProto load_onnx(const std::string& path);

// Throws Unsupported for a dtype or storage the converter does not read.
Constant to_constant(const onnx::TensorProto& t);

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name);
int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback);
float attr_float(const onnx::NodeProto& node, const std::string& name, float fallback);
std::string attr_string(const onnx::NodeProto& node, const std::string& name,
                        const std::string& fallback);
std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name,
                               std::vector<int64_t> fallback);

std::string dims_text(const std::vector<int64_t>& dims);  // "[1, 3, 224, 224]", -1 as "N"

}  // namespace nnport::xnn

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_ONNX_H_
