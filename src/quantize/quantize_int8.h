// Internal to the quantize room: the int8 pipeline on a parsed fp32 model:
// calibrate, rewrite to QDQ, check against fp32 on held-back samples, fall
// back to float layer by layer where configured, and describe it all.
#ifndef NNPORT_SRC_QUANTIZE_QUANTIZE_INT8_H_
#define NNPORT_SRC_QUANTIZE_QUANTIZE_INT8_H_

#include <string>
#include <vector>

#include "nnport/config.h"
#include "quantize/calib_data.h"
#include "quantize/model_runner.h"
#include "quantize/quant_options.h"

namespace nnport::quantize {

struct Int8Model {
  onnx::ModelProto model;
  Config report;  // quantization.json
  std::vector<std::string> notes;
};

// Raises the opset to 13 (per-channel DequantizeLinear) with ONNX's version
// converter where it is lower, and infers shapes (types say which tensors
// are float). `path` names the model in messages.
NNPORT_API Status prepare_for_int8(onnx::ModelProto& model, const std::string& path);

// `fp32` as prepare_for_int8 left it; `path` names it in messages.
NNPORT_API Result<Int8Model> quantize_int8(const onnx::ModelProto& fp32, CalibSource& source,
                                           const QuantOptions& options, ModelRunner& runner,
                                           const std::string& path);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_QUANTIZE_INT8_H_
