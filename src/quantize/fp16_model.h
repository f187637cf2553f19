// Internal to libnnport: MMDeploy's fp16 pass for ONNX Runtime
// (precision='fp16', the common_config of its onnxruntime-fp16.py: the keys
// of onnxconverter_common's convert_float_to_float16).
#ifndef NNPORT_SRC_QUANTIZE_FP16_MODEL_H_
#define NNPORT_SRC_QUANTIZE_FP16_MODEL_H_

#include <string>
#include <vector>

#include "nnport/config.h"
#include "nnport/export.h"
#include "nnport/status.h"
#include "onnx/onnx_pb.h"

namespace nnport::quantize {

struct Fp16Options {
  float min_positive_val = 1e-7f;            // smaller non-zero |weights| become +-this
  float max_finite_val = 1e4f;               // larger |weights| become +-this
  bool keep_io_types = false;                // graph inputs/outputs stay float32 (Casts added)
  std::vector<std::string> op_block_list;    // op types kept in float32
  std::vector<std::string> node_block_list;  // node names kept in float32
};

// backend_config.common_config (may be absent or null: the defaults; None
// for a list: the default list). A bad key or value is invalid_argument
// naming it.
NNPORT_API Result<Fp16Options> parse_fp16_options(const Config& backend_config);

// Rewrites `model` in place: float32 initializers, constants, value types
// and Cast targets to float16, except around blocked nodes, which get Casts
// on their float inputs and outputs. `path` is for messages.
NNPORT_API Status convert_to_fp16(onnx::ModelProto& model, const Fp16Options& options,
                                  const std::string& path);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_FP16_MODEL_H_
