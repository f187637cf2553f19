#include "xnn_onnx.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "nnport/plugin_cpp.h"

namespace nnport::xnn {

using plugin::Error;

int64_t Constant::numel() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

onnx::ModelProto load_onnx(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(NNPORT_NOT_FOUND, "xnnpack: ONNX file '" + path + "' does not exist");
  }
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto model;
  if (!in || !model.ParseFromIstream(&in) || !model.has_graph()) {
    throw Error(NNPORT_INVALID_ARGUMENT,
                "xnnpack: '" + path + "' is not an ONNX model (protobuf parse failed)");
  }
  return model;
}

Constant to_constant(const onnx::TensorProto& t) {
  Constant c;
  c.dims.assign(t.dims().begin(), t.dims().end());
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    throw Unsupported("tensor '" + t.name() +
                      "' keeps its data in an external file; save the model with the weights "
                      "inside the .onnx");
  }
  const int64_t n = c.numel();
  const std::string& raw = t.raw_data();
  auto from_raw = [&](auto* out, size_t elem) {
    if (raw.size() != size_t(n) * elem) {
      throw Unsupported("tensor '" + t.name() + "' has " + std::to_string(raw.size()) +
                        " bytes of raw data for " + std::to_string(n) + " elements");
    }
    std::memcpy(out, raw.data(), raw.size());
  };
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      c.is_float = true;
      c.f.resize(n);
      if (!raw.empty()) {
        from_raw(c.f.data(), 4);
      } else if (t.float_data_size() == n) {
        c.f.assign(t.float_data().begin(), t.float_data().end());
      } else {
        throw Unsupported("float tensor '" + t.name() + "' holds the wrong number of values");
      }
      return c;
    case onnx::TensorProto::INT64:
      c.i.resize(n);
      if (!raw.empty()) {
        from_raw(c.i.data(), 8);
      } else if (t.int64_data_size() == n) {
        c.i.assign(t.int64_data().begin(), t.int64_data().end());
      } else {
        throw Unsupported("int64 tensor '" + t.name() + "' holds the wrong number of values");
      }
      return c;
    case onnx::TensorProto::INT32: {
      std::vector<int32_t> v(n);
      if (!raw.empty()) {
        from_raw(v.data(), 4);
      } else if (t.int32_data_size() == n) {
        v.assign(t.int32_data().begin(), t.int32_data().end());
      } else {
        throw Unsupported("int32 tensor '" + t.name() + "' holds the wrong number of values");
      }
      c.i.assign(v.begin(), v.end());
      return c;
    }
    default:
      throw Unsupported("tensor '" + t.name() + "' has ONNX data type " +
                        std::to_string(t.data_type()) + "; only float32, int64, int32 are read");
  }
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  const auto* a = find_attr(node, name);
  return a ? a->i() : fallback;
}

float attr_float(const onnx::NodeProto& node, const std::string& name, float fallback) {
  const auto* a = find_attr(node, name);
  return a ? a->f() : fallback;
}

std::string attr_string(const onnx::NodeProto& node, const std::string& name,
                        const std::string& fallback) {
  const auto* a = find_attr(node, name);
  return a ? a->s() : fallback;
}

std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name,
                               std::vector<int64_t> fallback) {
  const auto* a = find_attr(node, name);
  if (a == nullptr) return fallback;
  return {a->ints().begin(), a->ints().end()};
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    s += (i ? ", " : "") + (dims[i] < 0 ? std::string("N") : std::to_string(dims[i]));
  }
  return s + "]";
}

}  // namespace nnport::xnn
