#include "onnx/onnx_wire.h"

#include <cctype>
#include <cstddef>

namespace nnport::onnx_internal {
namespace {

constexpr uint32_t kVarint = 0, kLen = 2;

struct KnownField {
  uint32_t number;
  uint32_t wire_type;
  const char* name;
};

// ModelProto's fields (onnx.proto, IR version 8).
constexpr KnownField kModelFields[] = {
    {1, kVarint, "ir_version"},  {2, kLen, "producer_name"},    {3, kLen, "producer_version"},
    {4, kLen, "domain"},         {5, kVarint, "model_version"}, {6, kLen, "doc_string"},
    {7, kLen, "graph"},          {8, kLen, "opset_import"},     {14, kLen, "metadata_props"},
    {20, kLen, "training_info"}, {25, kLen, "functions"},
};

const KnownField* find_field(uint32_t number) {
  for (const KnownField& f : kModelFields)
    if (f.number == number) return &f;
  return nullptr;
}

// Reads a varint at pos; false if the bytes end first or it is over 10 bytes.
bool read_varint(std::string_view b, size_t& pos, uint64_t& value, bool& ended) {
  value = 0;
  ended = false;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos >= b.size()) {
      ended = true;
      return false;
    }
    auto byte = static_cast<uint8_t>(b[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

}  // namespace

WireScan scan_model_wire(std::string_view b) {
  WireScan scan;
  size_t pos = 0;
  while (pos < b.size()) {
    const size_t start = pos;
    uint64_t tag = 0;
    bool ended = false;
    if (!read_varint(b, pos, tag, ended)) {
      scan.verdict = ended ? WireScan::Verdict::kTruncated : WireScan::Verdict::kGarbage;
      scan.offset = start;
      scan.field = "tag";
      return scan;
    }
    const auto number = static_cast<uint32_t>(tag >> 3);
    const auto wire_type = static_cast<uint32_t>(tag & 7);
    const KnownField* f = find_field(number);
    scan.offset = start;
    scan.tag = static_cast<uint32_t>(tag);
    scan.field = f ? f->name : "field " + std::to_string(number);
    if (!f || f->wire_type != wire_type || tag > 0xffffffffu) {
      scan.verdict = WireScan::Verdict::kGarbage;
      return scan;
    }
    uint64_t value = 0;
    if (!read_varint(b, pos, value, ended)) {
      scan.verdict = ended ? WireScan::Verdict::kTruncated : WireScan::Verdict::kGarbage;
      scan.needed = pos - start + 1;
      return scan;
    }
    if (wire_type == kLen) {
      if (value > b.size() - pos) {
        scan.verdict = WireScan::Verdict::kTruncated;
        scan.needed = (pos - start) + value;
        return scan;
      }
      pos += static_cast<size_t>(value);
    }
  }
  scan = WireScan{};
  return scan;
}

std::string sniff_other_format(std::string_view b) {
  auto starts = [&](std::string_view p) { return b.substr(0, p.size()) == p; };
  if (starts("PK\x03\x04")) return "a zip archive (a PyTorch checkpoint? export it to ONNX first)";
  if (starts("\x89HDF")) return "an HDF5 file (a Keras model? convert it to ONNX first)";
  if (b.size() >= 8 && b.substr(4, 4) == "TFL3") return "a TensorFlow Lite model";
  if (starts("\x80\x02") || starts("\x80\x04")) return "a Python pickle (a PyTorch checkpoint?)";
  // Text: no control characters but tab, newline and carriage return in the
  // first 512 bytes (a binary ModelProto starts with 0x08, ir_version's tag).
  const size_t n = b.size() < 512 ? b.size() : 512;
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(b[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return "";
  }
  if (b.find("git-lfs") < 200) return "a Git LFS pointer, not the model (run 'git lfs pull')";
  std::string head;
  for (size_t i = 0; i < n && head.size() < 24; ++i) {
    char c = b[i];
    if (c == '\n' || c == '\r') break;
    head += c;
  }
  std::string what = "a text file (starts with \"" + head + "\")";
  if (starts("ir_version") || starts("graph {")) what += ", ONNX's text format? save it as binary";
  return what;
}

}  // namespace nnport::onnx_internal
