// The subset of onnx.proto this backend reads, as plain structs, and the
// parser that fills them from bytes. Field numbers are onnx.proto's; fields
// not listed here are skipped.
#ifndef MINIMAL_ONNX_MODEL_H_
#define MINIMAL_ONNX_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tensor.h"

namespace minimal {

struct Attribute {
  // AttributeProto.AttributeType values this backend reads.
  enum Type : int32_t {
    kUndefined = 0,
    kFloat = 1,
    kInt = 2,
    kString = 3,
    kTensor = 4,
    kFloats = 6,
    kInts = 7
  };
  std::string name;
  int32_t type = kUndefined;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::optional<Tensor> t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
};

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;
  std::vector<std::string> inputs;  // "" marks an omitted optional input
  std::vector<std::string> outputs;
  std::vector<Attribute> attributes;
  int64_t opset = 0;  // the model's default-domain opset, for ops whose meaning changed

  const Attribute* attribute(std::string_view attr_name) const;
};

struct ValueInfo {
  std::string name;
  int32_t elem_type = 0;
  bool has_shape = false;
  Dims dims;                           // -1 where the dim is symbolic or unknown
  std::vector<std::string> dim_names;  // dim_param, "" where none
};

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<NamedTensor> initializers;
  std::vector<ValueInfo> inputs;  // may include initializers (IR < 4 style)
  std::vector<ValueInfo> outputs;
};

struct OpsetImport {
  std::string domain;
  int64_t version = 0;
};

struct Model {
  int64_t ir_version = 0;
  std::vector<OpsetImport> opsets;
  Graph graph;

  // The default domain's opset version; 0 when absent.
  int64_t opset() const;
};

// Parsers. Throw Error(INVALID_ARGUMENT) on malformed bytes and
// Error(UNIMPLEMENTED) for tensors this backend cannot hold (other dtypes,
// external data).
Model parse_model(std::string_view bytes);
NamedTensor parse_tensor(std::string_view bytes);  // a TensorProto (also ONNX's test .pb files)
// Reads a whole file; Error(NOT_FOUND) or Error(IO_ERROR) when it cannot.
std::string read_file(const std::string& path);

}  // namespace minimal

#endif  // MINIMAL_ONNX_MODEL_H_
