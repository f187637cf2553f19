// ModelProto -> OnnxModelInfo, and ONNX type names.
#include <algorithm>
#include <map>
#include <set>

#include "onnx/onnx_io.h"

namespace nnport::onnx_internal {
namespace {

void describe_value(const onnx::ValueInfoProto& v, TensorInfo& info, OnnxValueDetail& detail) {
  info.name = v.name();
  detail.onnx_type = onnx_type_string(v.type());
  if (!v.type().has_tensor_type()) {
    detail.has_shape = false;
    return;
  }
  const auto& t = v.type().tensor_type();
  info.dtype = dtype_from_onnx(t.elem_type());
  detail.has_shape = t.has_shape();
  if (!t.has_shape()) return;
  bool dynamic = false;
  std::vector<std::string> names;
  for (const auto& d : t.shape().dim()) {
    if (d.has_dim_value()) {
      info.dims.push_back(d.dim_value());
      names.emplace_back();
    } else {
      info.dims.push_back(-1);
      names.push_back(d.has_dim_param() ? d.dim_param() : std::string());
      dynamic = true;
    }
  }
  if (dynamic) info.dim_names = std::move(names);
}

// Elements of an initializer, or -1 when a dim is negative or the product
// does not fit in int64 (a hostile file can claim any dims).
int64_t tensor_elements(const onnx::TensorProto& t) {
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) return -1;
  }
  return n;
}

}  // namespace

DType dtype_from_onnx(int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto::FLOAT:
      return DType::kFloat32;
    case onnx::TensorProto::UINT8:
      return DType::kUInt8;
    case onnx::TensorProto::INT8:
      return DType::kInt8;
    case onnx::TensorProto::INT32:
      return DType::kInt32;
    case onnx::TensorProto::INT64:
      return DType::kInt64;
    case onnx::TensorProto::BOOL:
      return DType::kBool;
    case onnx::TensorProto::FLOAT16:
      return DType::kFloat16;
    case onnx::TensorProto::DOUBLE:
      return DType::kFloat64;
    default:
      return DType::kUndefined;
  }
}

std::string onnx_elem_type_name(int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto::UNDEFINED:
      return "undefined";
    case onnx::TensorProto::FLOAT:
      return "float";
    case onnx::TensorProto::UINT8:
      return "uint8";
    case onnx::TensorProto::INT8:
      return "int8";
    case onnx::TensorProto::UINT16:
      return "uint16";
    case onnx::TensorProto::INT16:
      return "int16";
    case onnx::TensorProto::INT32:
      return "int32";
    case onnx::TensorProto::INT64:
      return "int64";
    case onnx::TensorProto::STRING:
      return "string";
    case onnx::TensorProto::BOOL:
      return "bool";
    case onnx::TensorProto::FLOAT16:
      return "float16";
    case onnx::TensorProto::DOUBLE:
      return "double";
    case onnx::TensorProto::UINT32:
      return "uint32";
    case onnx::TensorProto::UINT64:
      return "uint64";
    case onnx::TensorProto::COMPLEX64:
      return "complex64";
    case onnx::TensorProto::COMPLEX128:
      return "complex128";
    case onnx::TensorProto::BFLOAT16:
      return "bfloat16";
    default:
      return "elem_type(" + std::to_string(elem_type) + ")";
  }
}

std::string onnx_type_string(const onnx::TypeProto& type) {
  switch (type.value_case()) {
    case onnx::TypeProto::kTensorType:
      return "tensor(" + onnx_elem_type_name(type.tensor_type().elem_type()) + ")";
    case onnx::TypeProto::kSparseTensorType:
      return "sparse_tensor(" + onnx_elem_type_name(type.sparse_tensor_type().elem_type()) + ")";
    case onnx::TypeProto::kSequenceType:
      return "seq(" + onnx_type_string(type.sequence_type().elem_type()) + ")";
    case onnx::TypeProto::kOptionalType:
      return "optional(" + onnx_type_string(type.optional_type().elem_type()) + ")";
    case onnx::TypeProto::kMapType:
      return "map(" + onnx_elem_type_name(type.map_type().key_type()) + "," +
             onnx_type_string(type.map_type().value_type()) + ")";
    default:
      return "undefined";
  }
}

OnnxModelInfo describe_model(const onnx::ModelProto& model, const std::string& path) {
  OnnxModelInfo info;
  info.path = path;
  info.ir_version = model.ir_version();
  for (const auto& op : model.opset_import())
    info.opsets.emplace_back(op.domain() == "ai.onnx" ? "" : op.domain(), op.version());
  info.producer_name = model.producer_name();
  info.producer_version = model.producer_version();
  info.domain = model.domain();
  info.model_version = model.model_version();
  const onnx::GraphProto& g = model.graph();
  info.graph_name = g.name();

  std::set<std::string> init_names;
  std::set<std::string> external;
  for (const auto& t : g.initializer()) {
    init_names.insert(t.name());
    // Once unknown (-1), the count stays unknown.
    const int64_t n = tensor_elements(t);
    if (info.parameter_count >= 0 &&
        (n < 0 || __builtin_add_overflow(info.parameter_count, n, &info.parameter_count))) {
      info.parameter_count = -1;
    }
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
      for (const auto& kv : t.external_data())
        if (kv.key() == "location") external.insert(kv.value());
  }
  info.initializer_count = g.initializer_size();
  info.external_data_files.assign(external.begin(), external.end());

  for (const auto& v : g.input()) {
    if (init_names.count(v.name())) continue;  // old exporters list weights as inputs
    describe_value(v, info.inputs.emplace_back(), info.input_details.emplace_back());
  }
  for (const auto& v : g.output())
    describe_value(v, info.outputs.emplace_back(), info.output_details.emplace_back());

  info.node_count = g.node_size();
  std::map<std::string, int64_t> ops;
  for (const auto& t : g.initializer()) info.initializer_names.push_back(t.name());
  for (const auto& n : g.node()) {
    info.nodes.push_back({n.name(),
                          n.op_type(),
                          n.domain(),
                          {n.input().begin(), n.input().end()},
                          {n.output().begin(), n.output().end()}});
    std::string op = n.domain().empty() || n.domain() == "ai.onnx" ? n.op_type()
                                                                   : n.domain() + "." + n.op_type();
    ++ops[op];
  }
  info.op_counts.assign(ops.begin(), ops.end());
  return info;
}

}  // namespace nnport::onnx_internal
