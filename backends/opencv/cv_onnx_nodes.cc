#include "cv_onnx_nodes.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>

#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {
namespace {

// Field numbers from onnx.proto.
constexpr uint32_t kModelOpsetImport = 8, kModelGraph = 7;
constexpr uint32_t kOpsetDomain = 1, kOpsetVersion = 2;
constexpr uint32_t kGraphNode = 1, kGraphInitializer = 5;
constexpr uint32_t kNodeInput = 1, kNodeOutput = 2, kNodeName = 3, kNodeOpType = 4, kNodeDomain = 7;
constexpr uint32_t kTensorName = 8;

struct ParseError {};

// One protobuf message: a cursor over its bytes.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : data_(bytes) {}
  bool done() const { return pos_ >= data_.size(); }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) throw ParseError{};
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      v |= uint64_t(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    throw ParseError{};
  }

  // The next field: its number and wire type; the value is read next.
  void tag(uint32_t* field, uint32_t* wire) {
    const uint64_t t = varint();
    *field = static_cast<uint32_t>(t >> 3);
    *wire = static_cast<uint32_t>(t & 7);
  }

  std::string_view bytes() {
    const uint64_t n = varint();
    if (n > data_.size() - pos_) throw ParseError{};
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  void skip(uint32_t wire) {
    switch (wire) {
      case 0:
        varint();
        return;
      case 1:
        advance(8);
        return;
      case 2:
        bytes();
        return;
      case 5:
        advance(4);
        return;
      default:
        throw ParseError{};  // groups (3, 4) do not occur in ONNX
    }
  }

 private:
  void advance(size_t n) {
    if (n > data_.size() - pos_) throw ParseError{};
    pos_ += n;
  }
  std::string_view data_;
  size_t pos_ = 0;
};

OnnxNode read_node(std::string_view bytes) {
  OnnxNode node;
  Reader r(bytes);
  while (!r.done()) {
    uint32_t field = 0, wire = 0;
    r.tag(&field, &wire);
    if (wire != 2) {
      r.skip(wire);
      continue;
    }
    const std::string_view v = r.bytes();
    if (field == kNodeInput) {
      node.inputs.emplace_back(v);
    } else if (field == kNodeOutput) {
      node.outputs.emplace_back(v);
    } else if (field == kNodeName) {
      node.name = v;
    } else if (field == kNodeOpType) {
      node.op_type = v;
    } else if (field == kNodeDomain) {
      node.domain = v;
    }
  }
  return node;
}

std::string tensor_name(std::string_view bytes) {
  Reader r(bytes);
  while (!r.done()) {
    uint32_t field = 0, wire = 0;
    r.tag(&field, &wire);
    if (field == kTensorName && wire == 2) return std::string(r.bytes());
    r.skip(wire);
  }
  return "";
}

void read_graph(std::string_view bytes, OnnxGraphNodes* out) {
  Reader r(bytes);
  while (!r.done()) {
    uint32_t field = 0, wire = 0;
    r.tag(&field, &wire);
    if (wire == 2 && field == kGraphNode) {
      out->nodes.push_back(read_node(r.bytes()));
    } else if (wire == 2 && field == kGraphInitializer) {
      out->initializers.insert(tensor_name(r.bytes()));
    } else {
      r.skip(wire);
    }
  }
}

void read_opset(std::string_view bytes, OnnxGraphNodes* out) {
  Reader r(bytes);
  std::string domain;
  int64_t version = 0;
  while (!r.done()) {
    uint32_t field = 0, wire = 0;
    r.tag(&field, &wire);
    if (field == kOpsetDomain && wire == 2) {
      domain = r.bytes();
    } else if (field == kOpsetVersion && wire == 0) {
      version = static_cast<int64_t>(r.varint());
    } else {
      r.skip(wire);
    }
  }
  if (domain.empty() || domain == "ai.onnx") out->opset = version;
}

}  // namespace

OnnxGraphNodes read_onnx_nodes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw plugin::Error(NNPORT_NOT_FOUND, "opencv: ONNX model '" + path + "' does not exist");
  }
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    throw plugin::Error(NNPORT_IO_ERROR, "opencv: could not read ONNX model '" + path + "'");
  }
  OnnxGraphNodes out;
  bool has_graph = false;
  try {
    Reader r(data);
    while (!r.done()) {
      uint32_t field = 0, wire = 0;
      r.tag(&field, &wire);
      if (wire == 2 && field == kModelGraph) {
        read_graph(r.bytes(), &out);
        has_graph = true;
      } else if (wire == 2 && field == kModelOpsetImport) {
        read_opset(r.bytes(), &out);
      } else {
        r.skip(wire);
      }
    }
  } catch (const ParseError&) {
    has_graph = false;
  }
  if (!has_graph) {
    throw plugin::Error(NNPORT_INVALID_ARGUMENT,
                        "opencv: '" + path +
                            "' is not an ONNX model (no graph could be parsed from it); "
                            "check that the file is a complete .onnx export");
  }
  return out;
}

}  // namespace nnport::cv_backend
