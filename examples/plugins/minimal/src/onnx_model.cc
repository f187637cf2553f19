#include "onnx_model.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "nnport/plugin_cpp.h"
#include "proto_reader.h"

namespace minimal {

using nnport::plugin::Error;

namespace {

// TensorProto: dims 1, data_type 2, float_data 4, int64_data 7, name 8,
// raw_data 9, data_location 14 (1 = EXTERNAL).
NamedTensor parse_tensor_proto(std::string_view bytes) {
  ProtoReader r(bytes, "TensorProto");
  NamedTensor out;
  int64_t data_type = 0;
  std::vector<float> float_data;
  std::vector<int64_t> int64_data;
  std::string_view raw;
  bool has_raw = false;
  bool external = false;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        r.append_int64s(out.tensor.dims);
        break;
      case 2:
        data_type = r.int64();
        break;
      case 4:
        r.append_floats(float_data);
        break;
      case 7:
        r.append_int64s(int64_data);
        break;
      case 8:
        out.name = r.string();
        break;
      case 9:
        raw = r.bytes();
        has_raw = true;
        break;
      case 14:
        external = r.int64() == 1;
        break;
      default:
        r.skip();
    }
  }
  const std::string what = "tensor '" + out.name + "'";
  if (external) {
    throw Error(NNPORT_UNIMPLEMENTED, "minimal: " + what +
                                          " keeps its data in an external file, which is not "
                                          "supported; save the model with the data inside");
  }
  if (!is_supported_dtype(static_cast<int32_t>(data_type))) {
    throw Error(NNPORT_UNIMPLEMENTED, "minimal: " + what + " has dtype " +
                                          dtype_name(static_cast<int32_t>(data_type)) +
                                          "; supported: float32, int64");
  }
  Tensor& t = out.tensor;
  t.dtype = static_cast<nnport_dtype>(data_type);
  const auto n = static_cast<size_t>(checked_numel(t.dims));
  const size_t elem = t.dtype == NNPORT_DTYPE_INT64 ? 8 : 4;
  const size_t have = has_raw                         ? raw.size() / elem
                      : t.dtype == NNPORT_DTYPE_INT64 ? int64_data.size()
                                                      : float_data.size();
  if ((has_raw && raw.size() % elem != 0) || have != n) {
    throw Error(NNPORT_INVALID_ARGUMENT, "minimal: " + what + " of shape " + shape_str(t.dims) +
                                             " needs " + std::to_string(n) + " values, has " +
                                             std::to_string(have));
  }
  if (t.dtype == NNPORT_DTYPE_INT64) {
    t.i64 = has_raw ? std::vector<int64_t>(n) : std::move(int64_data);
    if (has_raw && n > 0) std::memcpy(t.i64.data(), raw.data(), raw.size());
  } else {
    t.f32 = has_raw ? std::vector<float>(n) : std::move(float_data);
    if (has_raw && n > 0) std::memcpy(t.f32.data(), raw.data(), raw.size());
  }
  return out;
}

// AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20.
Attribute parse_attribute(std::string_view bytes) {
  ProtoReader r(bytes, "AttributeProto");
  Attribute a;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        a.name = r.string();
        break;
      case 2:
        a.f = r.f32();
        break;
      case 3:
        a.i = r.int64();
        break;
      case 4:
        a.s = r.string();
        break;
      case 5:
        a.t = parse_tensor_proto(r.bytes()).tensor;
        break;
      case 7:
        r.append_floats(a.floats);
        break;
      case 8:
        r.append_int64s(a.ints);
        break;
      case 20:
        a.type = static_cast<int32_t>(r.int64());
        break;
      default:
        r.skip();  // graphs, sparse tensors, strings: not needed by any supported op
    }
  }
  return a;
}

// NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7.
Node parse_node(std::string_view bytes) {
  ProtoReader r(bytes, "NodeProto");
  Node n;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        n.inputs.push_back(r.string());
        break;
      case 2:
        n.outputs.push_back(r.string());
        break;
      case 3:
        n.name = r.string();
        break;
      case 4:
        n.op_type = r.string();
        break;
      case 5:
        n.attributes.push_back(parse_attribute(r.bytes()));
        break;
      case 7:
        n.domain = r.string();
        break;
      default:
        r.skip();
    }
  }
  return n;
}

// TensorShapeProto.dim 1 -> Dimension: dim_value 1, dim_param 2.
void parse_shape(std::string_view bytes, ValueInfo& info) {
  ProtoReader r(bytes, "TensorShapeProto");
  info.has_shape = true;
  while (r.next()) {
    if (r.field() != 1) {
      r.skip();
      continue;
    }
    ProtoReader d(r.bytes(), "TensorShapeProto.Dimension");
    int64_t value = -1;
    std::string param;
    while (d.next()) {
      if (d.field() == 1)
        value = d.int64();
      else if (d.field() == 2)
        param = d.string();
      else
        d.skip();
    }
    info.dims.push_back(value < 0 ? -1 : value);
    info.dim_names.push_back(param);
  }
}

// ValueInfoProto: name 1, type 2 -> TypeProto.tensor_type 1 ->
// Tensor: elem_type 1, shape 2.
ValueInfo parse_value_info(std::string_view bytes) {
  ProtoReader r(bytes, "ValueInfoProto");
  ValueInfo info;
  while (r.next()) {
    if (r.field() == 1) {
      info.name = r.string();
    } else if (r.field() == 2) {
      ProtoReader type(r.bytes(), "TypeProto");
      while (type.next()) {
        if (type.field() != 1) {
          type.skip();
          continue;
        }
        ProtoReader tensor(type.bytes(), "TypeProto.Tensor");
        while (tensor.next()) {
          if (tensor.field() == 1)
            info.elem_type = static_cast<int32_t>(tensor.int64());
          else if (tensor.field() == 2)
            parse_shape(tensor.bytes(), info);
          else
            tensor.skip();
        }
      }
    } else {
      r.skip();
    }
  }
  return info;
}

// GraphProto: node 1, initializer 5, input 11, output 12.
Graph parse_graph(std::string_view bytes) {
  ProtoReader r(bytes, "GraphProto");
  Graph g;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        g.nodes.push_back(parse_node(r.bytes()));
        break;
      case 5:
        g.initializers.push_back(parse_tensor_proto(r.bytes()));
        break;
      case 11:
        g.inputs.push_back(parse_value_info(r.bytes()));
        break;
      case 12:
        g.outputs.push_back(parse_value_info(r.bytes()));
        break;
      default:
        r.skip();
    }
  }
  return g;
}

}  // namespace

const Attribute* Node::attribute(std::string_view attr_name) const {
  for (const auto& a : attributes) {
    if (a.name == attr_name) return &a;
  }
  return nullptr;
}

int64_t Model::opset() const {
  for (const auto& o : opsets) {
    if (o.domain.empty() || o.domain == "ai.onnx") return o.version;
  }
  return 0;
}

// ModelProto: ir_version 1, graph 7, opset_import 8 -> OperatorSetIdProto:
// domain 1, version 2.
Model parse_model(std::string_view bytes) {
  ProtoReader r(bytes, "ModelProto");
  Model m;
  bool has_graph = false;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        m.ir_version = r.int64();
        break;
      case 7:
        m.graph = parse_graph(r.bytes());
        has_graph = true;
        break;
      case 8: {
        ProtoReader o(r.bytes(), "OperatorSetIdProto");
        OpsetImport op;
        while (o.next()) {
          if (o.field() == 1)
            op.domain = o.string();
          else if (o.field() == 2)
            op.version = o.int64();
          else
            o.skip();
        }
        m.opsets.push_back(op);
        break;
      }
      default:
        r.skip();
    }
  }
  if (!has_graph) {
    throw Error(NNPORT_INVALID_ARGUMENT, "not an ONNX model: no graph (ModelProto field 7) in " +
                                             std::to_string(bytes.size()) + " bytes");
  }
  for (Node& n : m.graph.nodes) n.opset = m.opset();
  return m;
}

NamedTensor parse_tensor(std::string_view bytes) { return parse_tensor_proto(bytes); }

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(NNPORT_NOT_FOUND,
                "minimal: model file '" + path + "' does not exist or is not a file");
  }
  std::ifstream in(path, std::ios::binary);
  std::string data;
  if (in) data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in.is_open() || in.bad()) {
    throw Error(NNPORT_IO_ERROR, "minimal: reading model file '" + path + "' failed");
  }
  return data;
}

}  // namespace minimal
