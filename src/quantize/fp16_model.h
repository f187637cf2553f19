// Internal to libnnport: MMDeploy's fp16 pass for ONNX Runtime
// (precision='fp16', the common_config of its onnxruntime-fp16.py: the keys
// of onnxconverter_common's convert_float_to_float16). docs/fp16.md has the
// keys, what stays float32 and why.
#ifndef NNPORT_SRC_QUANTIZE_FP16_MODEL_H_
#define NNPORT_SRC_QUANTIZE_FP16_MODEL_H_

#include <string>
#include <vector>

#include "nnport/config.h"
#include "nnport/export.h"
#include "nnport/status.h"
#include "onnx/onnx_pb.h"

namespace nnport::quantize {

// onnxconverter_common's DEFAULT_OP_BLOCK_LIST: the ai.onnx.ml operators,
// and ai.onnx ones without float16 kernels or that compute indices and
// coordinates (NonMaxSuppression, TopK, RoiAlign, Resize, Range, CumSum,
// Min, Max, Upsample, RandomUniformLike).
NNPORT_API const std::vector<std::string>& default_fp16_op_block_list();

struct Fp16Options {
  // Weights are clamped before rounding, keeping their sign and finiteness
  // (0, NaN and +-inf stay): 0 < |w| < min_positive_val becomes
  // +-min_positive_val, max_finite_val < |w| < inf becomes +-max_finite_val.
  float min_positive_val = 1e-7f;
  float max_finite_val = 1e4f;
  // float32 graph inputs and outputs stay float32 (Casts inside the graph);
  // false makes them float16, the caller then feeds and gets float16.
  bool keep_io_types = false;
  // Op types (any domain) and node names kept in float32, with Casts on
  // their float inputs and outputs. An empty op_block_list blocks nothing.
  std::vector<std::string> op_block_list = default_fp16_op_block_list();
  std::vector<std::string> node_block_list;
};

// backend_config.common_config (absent or None: the defaults; None for a
// list: that list's default). Accepts the five keys of MMDeploy's
// onnxruntime-fp16.py and disable_shape_infer (a bool, ignored: nnport
// always infers types). An unknown key is invalid_argument with "did you
// mean"; a value of the wrong type, or a clamp that float16 cannot hold
// (min_positive_val rounding to 0, max_finite_val rounding to inf), is
// invalid_argument naming the key.
NNPORT_API Result<Fp16Options> parse_fp16_options(const Config& backend_config);

// Rewrites `model` in place to float16: float32 initializers, Constant
// values, graph inputs/outputs (unless keep_io_types), value types, Cast
// `to` and dtype attributes, except that these stay float32:
//  - blocked nodes (op_block_list, node_block_list), nodes of domains or
//    versions libonnx has no schema for (custom ops), nodes with subgraphs
//    (If, Loop, Scan: body and all), nodes on sequence/map/optional values;
//  - inputs and outputs whose schema type has no float16 (Resize's scales,
//    QuantizeLinear's scale, LayerNormalization's Mean and InvStdDev);
//  - values that are coordinates or become integers (Resize's roi,
//    RoiAlign's rois, Range's inputs, the input of a Cast to an integer),
//    and every node whose float outputs feed only such inputs (a Shape ->
//    Cast -> Mul -> Floor chain computing sizes stays exact).
// A Cast is inserted wherever a float16 value meets a float32 input (one per
// value and type); an initializer or Constant that both kinds read is kept
// twice; an initializer also listed as a graph input is a weight (converted
// whatever keep_io_types says). Integer values are never touched. Graph
// input and output names stay. Converting twice changes nothing.
// Runs ONNX shape inference on a copy to learn value types. Errors
// (invalid_argument, naming `path` and the node or tensor): an initializer
// in external data (load it first), an ai.onnx opset below 7, types that
// shape inference finds contradictory; the model is untouched then.
NNPORT_API Status convert_to_fp16(onnx::ModelProto& model, const Fp16Options& options,
                                  const std::string& path);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_FP16_MODEL_H_
