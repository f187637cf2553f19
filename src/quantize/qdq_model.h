// Internal to libnnport: the int8 rewrite. A float32 model and the ranges a
// calibration found for its tensors become a QDQ model that ONNX Runtime
// fuses into integer kernels on x86 (QLinearConv, QLinearAdd, QGemm, ...):
//  - activations uint8 asymmetric (x86's fast u8 x s8 path; int8
//    activations fuse only partly there);
//  - Conv / Gemm / MatMul weights int8 symmetric, per output channel by
//    default; their biases int32 with scale = input scale x weight scale;
//  - Relu and Clip(lo <= 0) after a quantized Conv/Gemm/MatMul/Add are
//    removed: the producer's output takes the activation's range, and the
//    uint8 quantizer clips exactly as the activation did;
//  - data movement (MaxPool, Reshape, Flatten, Transpose, Squeeze,
//    Unsqueeze) keeps its input's scale and zero point, so ONNX Runtime drops
//    the Q/DQ pair around it and moves uint8 data;
//  - graph outputs stay float32.
// A tensor is quantized once (one QuantizeLinear/DequantizeLinear pair);
// every consumer reads the dequantized value.
#ifndef NNPORT_SRC_QUANTIZE_QDQ_MODEL_H_
#define NNPORT_SRC_QUANTIZE_QDQ_MODEL_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "nnport/export.h"
#include "nnport/status.h"
#include "onnx/onnx_pb.h"
#include "quantize/range_observer.h"

namespace nnport::quantize {

struct QdqOptions {
  bool per_channel = true;  // per output channel weight scales (else one per tensor)
  // 7-bit weights ([-63, 63]), for x86 CPUs without VNNI, where ONNX
  // Runtime's u8 x s8 kernels add pairs of products in int16 (vpmaddubsw),
  // which full 8-bit weights can overflow.
  bool reduce_range = false;
  std::set<std::string> op_block_list;    // op types kept in float
  std::set<std::string> node_block_list;  // node names kept in float
  std::set<int> float_nodes;              // node indices kept in float (the fallback's choice)
};

// What the rewrite did, for quantization.json.
struct QuantizedTensor {
  std::string name;
  Range range;
  QuantParams params;
  std::string params_from;  // "" (its own range) or the tensor whose parameters it shares
  std::string dequantized;  // its DequantizeLinear output in the rewritten model
};
struct NodeVerdict {
  int index = 0;  // in the input model
  std::string name, op_type;
  bool quantized = false;
  std::string why;
  std::vector<std::string> outputs;  // after folding: a Conv's output may be its Relu's  // why it
                                     // stayed float, or what was folded into it
};
struct QdqResult {
  std::vector<QuantizedTensor> tensors;
  std::vector<NodeVerdict> nodes;  // every node of the input model, in order
};

// The model must be at opset >= 13 (per-channel DequantizeLinear) with
// shapes inferred (value_info types say which tensors are float32).
// `ranges` holds the calibrated range of float tensors by name; a tensor
// without one is left float (its readers too). Rewrites `model` in place.
NNPORT_API Result<QdqResult> quantize_qdq(onnx::ModelProto& model,
                                          const std::map<std::string, Range>& ranges,
                                          const QdqOptions& options, const std::string& path);

// The float32 tensors a calibration of `model` should observe: graph
// inputs and node outputs whose type is float32 (after shape inference).
NNPORT_API std::vector<std::string> float_activations(const onnx::ModelProto& model);

// "name" or, for an unnamed node, "#<index> <op type>".
std::string node_label(const onnx::NodeProto& node, int index);

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_QDQ_MODEL_H_
