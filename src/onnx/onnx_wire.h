// Internal: tell why bytes that should be an ONNX ModelProto are not one,
// by walking the top-level protobuf fields without parsing them.
#ifndef NNPORT_SRC_ONNX_ONNX_WIRE_H_
#define NNPORT_SRC_ONNX_ONNX_WIRE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace nnport::onnx_internal {

struct WireScan {
  enum class Verdict {
    kClean,      // every top-level field is a known ModelProto field and fits in the bytes
    kTruncated,  // a known field runs past the end of the bytes
    kGarbage,    // bytes that are no ModelProto field (unknown number or wrong wire type)
  };
  Verdict verdict = Verdict::kClean;
  uint64_t offset = 0;  // where the offending field starts
  uint64_t needed = 0;  // kTruncated: the bytes that field needs (tag + payload)
  std::string field;    // "graph", "opset_import", ... or "field 13"
  uint32_t tag = 0;     // the offending tag
};

WireScan scan_model_wire(std::string_view bytes);

// Recognizable non-ONNX content, for a better message; "" if none.
// E.g. "a text file (starts with \"hello\")", "a zip archive (a PyTorch checkpoint?)".
std::string sniff_other_format(std::string_view bytes);

}  // namespace nnport::onnx_internal

#endif  // NNPORT_SRC_ONNX_ONNX_WIRE_H_
