// The ONNX -> XNNPACK lowering's state and steps (internal to the xnnpack
// plugin). xnn_convert.cc walks the graph, owns the values and dispatches
// each node; the lowerings live by family in xnn_lower_spatial.cc (Conv,
// BatchNormalization, pooling), xnn_lower_pointwise.cc (Clip, unary and
// broadcasting binary ops) and xnn_lower_dense.cc (Flatten/Reshape,
// Gemm/MatMul, Softmax).
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_CONVERTER_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_CONVERTER_H_

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "xnn_convert.h"
#include "xnn_onnx.h"

namespace nnport::xnn {

inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// An activation: its ONNX shape (NCHW for 4-D; -1 is the dynamic batch) and
// the XNNPACK value that holds it (NHWC for 4-D).
struct Act {
  std::vector<int64_t> shape;
  uint32_t id = kNone;
};

inline std::vector<int64_t> to_xnn_dims(const std::vector<int64_t>& s) {
  if (s.size() != 4) return s;
  return {s[0], s[2], s[3], s[1]};
}

inline int64_t product(const std::vector<int64_t>& d, size_t from = 0, size_t to = SIZE_MAX) {
  int64_t n = 1;
  for (size_t i = from; i < std::min(to, d.size()); ++i) n *= d[i];
  return n;
}

// NCHW and NHWC hold a 4-D tensor's elements in the same order when C == 1
// or H*W == 1: then a reshape needs no transpose.
inline bool same_order_as_nchw(const std::vector<int64_t>& s) {
  return s.size() != 4 || s[1] == 1 || s[2] * s[3] == 1;
}

// ONNX pads [top, left, bottom, right] -> XNNPACK's [top, right, bottom, left].
inline std::vector<int64_t> xnn_pads(const std::vector<int64_t>& p) {
  return {p[0], p[3], p[2], p[1]};
}

inline bool has_range(const std::string& op) {
  static const std::set<std::string> ops = {"conv2d",    "dwconv2d",   "fc",   "add",
                                            "mul",       "sub",        "div",  "avgpool2d",
                                            "maxpool2d", "gavgpool2d", "clamp"};
  return ops.count(op) != 0;
}

inline std::string node_label(const onnx::NodeProto& n, size_t index) {
  return "node #" + std::to_string(index) + " '" + n.name() + "' (" +
         (n.domain().empty() || n.domain() == "ai.onnx" ? "" : n.domain() + "::") + n.op_type() +
         ")";
}

class Converter {
 public:
  Converter(const onnx::ModelProto& m, std::string path, bool keep_going)
      : m_(m), path_(std::move(path)), keep_going_(keep_going) {
    for (const auto& op : m.opset_import()) {
      if (op.domain().empty() || op.domain() == "ai.onnx") opset_ = op.version();
    }
    model_.source = path_;
  }

  Conversion run();

 private:
  // ---- graph boundary (xnn_convert.cc) ----
  // ---- graph boundary ----
  void add_input(const onnx::ValueInfoProto& in);
  void add_outputs();
  // check_model only: shapes for the outputs of nodes it cannot lower, so
  // later nodes still get a verdict of their own.
  void infer_shapes();
  void mark_unknown(const onnx::NodeProto& n);

  // ---- values (xnn_convert.cc) ----
  // ---- values ----
  uint32_t value(const std::vector<int64_t>& onnx_shape);
  uint32_t weight(std::vector<int64_t> dims, std::vector<float> data);
  const Act& act(const onnx::NodeProto& n, int k);
  // A constant input (initializer or Constant node), or nullptr.
  const Constant* konst(const onnx::NodeProto& n, int k);
  const Constant& float_weight(const onnx::NodeProto& n, int k, const char* what);
  void define(const onnx::NodeProto& n, const Act& a);
  void emit(const std::string& op, std::vector<uint32_t> in, uint32_t out, nlohmann::json attrs,
            float lo = -INFINITY, float hi = INFINITY);
  // Relu/Clip folded into the producer's output range when nothing else
  // reads the producer's output; false when it must stay a clamp node.
  bool fuse_range(const onnx::NodeProto& n, float lo, float hi);
  void clamp(const onnx::NodeProto& n, float lo, float hi);

  // ---- operators: dispatch (xnn_convert.cc) ----
  // ---- operators ----
  void lower(const onnx::NodeProto& n);
  void require_explicit_pads(const onnx::NodeProto& n);
  std::vector<int64_t> two(const onnx::NodeProto& n, const char* name, int64_t def, size_t count);

  // ---- convolution and pooling (xnn_lower_spatial.cc) ----
  static int64_t out_size(int64_t in, int64_t pad, int64_t k, int64_t s);
  void conv(const onnx::NodeProto& n);
  void batch_norm(const onnx::NodeProto& n);

  // ---- elementwise (xnn_lower_pointwise.cc) ----
  void clip(const onnx::NodeProto& n);
  void unary(const onnx::NodeProto& n, const char* op);
  // max(0, min(1, alpha * x + beta)) as a multiply and an add clamped to [0, 1].
  void hard_sigmoid(const onnx::NodeProto& n);
  // An operand of a broadcasting binary op: an activation or a constant
  // (stored as a weight, padded to the output rank and in NHWC when 4-D).
  struct Operand {
    std::vector<int64_t> shape;
    const Act* a = nullptr;
    const Constant* c = nullptr;
  };
  Operand operand(const onnx::NodeProto& n, int k);
  uint32_t operand_id(const Operand& o, size_t rank);
  void binary(const onnx::NodeProto& n, const char* op);
  void pool(const onnx::NodeProto& n, bool max);
  void global_avg(const onnx::NodeProto& n);

  // ---- reshapes, fully connected, softmax (xnn_lower_dense.cc) ----
  void reshape_to(const onnx::NodeProto& n, const Act& x, const std::vector<int64_t>& out_shape);
  // True when name is read by exactly one node, a Gemm (transA = 0) or
  // MatMul taking it as A with a constant B, and is no graph output.
  bool feeds_only_fc(const std::string& name);
  // Reorders the K columns of an [N, K] filter from C, H, W to H, W, C when
  // A is a flatten of an NHWC tensor (see reshape_to).
  void match_rows(const std::string& a_name, std::vector<float>& f, int64_t N, int64_t K);
  void flatten(const onnx::NodeProto& n);
  void reshape(const onnx::NodeProto& n);
  void fully_connected(const onnx::NodeProto& n, const Act& a, std::vector<float> filter, int64_t N,
                       uint32_t bias);
  void gemm(const onnx::NodeProto& n);
  void matmul(const onnx::NodeProto& n);
  void softmax(const onnx::NodeProto& n);

  // ---- aliases and constants (xnn_convert.cc) ----
  void alias(const onnx::NodeProto& n);
  void constant(const onnx::NodeProto& n);

  struct Chw {
    int64_t c, h, w;
  };
  const onnx::ModelProto& m_;
  std::string path_;
  bool keep_going_;
  int64_t opset_ = 11;
  Model model_;
  std::map<std::string, Act> acts_;
  std::map<std::string, Constant> consts_;
  std::map<std::string, std::string> unknown_;  // name -> why it has no value
  std::map<std::string, int> uses_;             // node inputs and graph outputs per name
  std::map<uint32_t, std::string> owner_;       // value -> the one name allowed to fuse it
  std::map<uint32_t, size_t> producer_;         // value -> index of the node writing it
  std::map<std::string, std::vector<int64_t>> inferred_;
  std::map<std::string, std::vector<const onnx::NodeProto*>> readers_;  // name -> nodes reading it
  std::map<std::string, Chw> hwc_rows_;  // flattened NHWC tensors -> their C, H, W
};

}  // namespace nnport::xnn

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_CONVERTER_H_
