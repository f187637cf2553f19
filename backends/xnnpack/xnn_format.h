// nnport's XNNPACK model file (<stem>.xnnpack): the graph the converter
// lowered from ONNX, in XNNPACK's terms, plus its weights already in
// XNNPACK's layout. docs/backends/xnnpack.md describes the format:
//   magic "NNPXNNPK" (8 bytes) | version u32 | reserved u32 (0)
//   | header_size u64 | blob_offset u64 | blob_size u64
//   | header: UTF-8 JSON, header_size bytes | zero padding
//   | blob: blob_size bytes of little-endian float32 weights, at blob_offset
//     (a multiple of 64), each weight 64-byte aligned inside it.
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_FORMAT_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_FORMAT_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nnport::xnn {

inline constexpr char kMagic[8] = {'N', 'N', 'P', 'X', 'N', 'N', 'P', 'K'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint64_t kAlign = 64;
inline constexpr uint64_t kPrefixSize = 8 + 4 + 4 + 8 + 8 + 8;

// A tensor of the XNNPACK graph. dims are XNNPACK's (NHWC for 4-D); -1 is
// the dynamic batch, fixed when the wrapper builds a runtime for a shape.
struct Value {
  std::vector<int64_t> dims;
  std::vector<float> data;  // converter side: a static weight when non-empty
  int64_t offset = -1;      // loaded side: the weight's byte offset in the blob, -1: none
};

// One XNNPACK node. op names and attrs are listed in docs/backends/xnnpack.md.
struct Node {
  std::string op;
  std::vector<uint32_t> inputs, outputs;  // Value indices; UINT32_MAX: absent (a bias)
  nlohmann::json attrs = nlohmann::json::object();
  float out_min = -INFINITY, out_max = INFINITY;
};

// A model input or output as the user sees it (ONNX's NCHW shape).
struct Port {
  std::string name;
  uint32_t value = 0;
  std::vector<int64_t> dims;  // -1: dynamic batch
  std::vector<std::string> dim_names;
  bool nchw = false;  // 4-D: the wrapper transposes NCHW <-> NHWC at the boundary
};

struct Model {
  std::vector<Value> values;
  std::vector<Node> nodes;
  std::vector<Port> inputs, outputs;
  std::string source;  // the ONNX file it came from (informational)
};

// Aligned memory holding the whole file once loaded; weights point into it.
struct Blob {
  std::shared_ptr<unsigned char> bytes;
  uint64_t offset = 0, size = 0;
  const float* at(int64_t byte_offset) const {
    return reinterpret_cast<const float*>(bytes.get() + offset + byte_offset);
  }
};

struct LoadedModel {
  Model model;
  Blob blob;
};

// Throws plugin::Error(NNPORT_IO_ERROR) when the file cannot be written.
void write_model(const Model& model, const std::string& path);

// Every read is bounds-checked: a missing file is NNPORT_NOT_FOUND; a
// foreign, truncated, other-version or inconsistent file is
// NNPORT_INVALID_ARGUMENT naming the file, what is wrong and what to do.
LoadedModel read_model(const std::string& path);

}  // namespace nnport::xnn

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_FORMAT_H_
