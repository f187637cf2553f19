// Clip, Sigmoid, HardSwish, HardSigmoid, and the broadcasting Add, Mul,
// Sub, Div (a constant operand stored as a weight in NHWC).
#include "xnn_converter.h"

namespace nnport::xnn {

void Converter::clip(const onnx::NodeProto& n) {
  float lo = -INFINITY, hi = INFINITY;
  if (opset_ < 11) {
    lo = attr_float(n, "min", -std::numeric_limits<float>::max());
    hi = attr_float(n, "max", std::numeric_limits<float>::max());
  } else {
    for (int k : {1, 2}) {
      if (k >= n.input_size() || n.input(k).empty()) continue;
      const Constant* c = konst(n, k);
      if (c == nullptr || !c->is_float || c->numel() != 1) {
        throw Unsupported(std::string(k == 1 ? "min" : "max") + " '" + n.input(k) +
                          "' is not a constant float scalar");
      }
      (k == 1 ? lo : hi) = c->f[0];
    }
  }
  clamp(n, lo, hi);
}

void Converter::unary(const onnx::NodeProto& n, const char* op) {
  const Act x = act(n, 0);
  const uint32_t out = value(x.shape);
  emit(op, {x.id}, out, nlohmann::json::object());
  define(n, Act{x.shape, out});
}

// max(0, min(1, alpha * x + beta)) as a multiply and an add clamped to [0, 1].
void Converter::hard_sigmoid(const onnx::NodeProto& n) {
  const Act x = act(n, 0);
  const std::vector<int64_t> ones(x.shape.size(), 1);
  const uint32_t scaled = value(x.shape), out = value(x.shape);
  emit("mul", {x.id, weight(ones, {attr_float(n, "alpha", 0.2f)})}, scaled,
       nlohmann::json::object());
  emit("add", {scaled, weight(ones, {attr_float(n, "beta", 0.5f)})}, out, nlohmann::json::object(),
       0.0f, 1.0f);
  define(n, Act{x.shape, out});
}

Converter::Operand Converter::operand(const onnx::NodeProto& n, int k) {
  Operand o;
  o.c = konst(n, k);
  if (o.c != nullptr) {
    if (!o.c->is_float) throw Unsupported("constant input '" + n.input(k) + "' is not float32");
    o.shape = o.c->dims;
  } else {
    o.a = &act(n, k);
    o.shape = o.a->shape;
  }
  return o;
}

uint32_t Converter::operand_id(const Operand& o, size_t rank) {
  if (o.a != nullptr) {
    if (rank == 4 && o.shape.size() != 4) {
      throw Unsupported("broadcasting a rank-" + std::to_string(o.shape.size()) +
                        " computed tensor against a 4-D one would need a layout change this "
                        "backend does not make");
    }
    return o.a->id;
  }
  std::vector<int64_t> dims(rank - o.shape.size(), 1);
  dims.insert(dims.end(), o.shape.begin(), o.shape.end());
  std::vector<float> data = o.c->f;
  if (rank == 4) {  // NCHW -> NHWC
    const int64_t N = dims[0], C = dims[1], H = dims[2], W = dims[3];
    for (int64_t b = 0; b < N; ++b)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t hw = 0; hw < H * W; ++hw)
          data[size_t((b * H * W + hw) * C + c)] = o.c->f[size_t((b * C + c) * H * W + hw)];
  }
  return weight(to_xnn_dims(dims), std::move(data));
}

void Converter::binary(const onnx::NodeProto& n, const char* op) {
  const Operand a = operand(n, 0), b = operand(n, 1);
  if (a.c != nullptr && b.c != nullptr) {
    throw Unsupported("both inputs are constants (fold constants before converting)");
  }
  const size_t rank = std::max(a.shape.size(), b.shape.size());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const size_t ia = i + a.shape.size(), ib = i + b.shape.size();
    const int64_t da = ia >= rank ? a.shape[ia - rank] : 1,
                  db = ib >= rank ? b.shape[ib - rank] : 1;
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      throw Unsupported("input shapes " + dims_text(a.shape) + " and " + dims_text(b.shape) +
                        " do not broadcast (a dynamic batch only broadcasts against 1)");
    }
  }
  const uint32_t ida = operand_id(a, rank), idb = operand_id(b, rank);
  const uint32_t id = value(out);
  emit(op, {ida, idb}, id, nlohmann::json::object());
  define(n, Act{out, id});
}

}  // namespace nnport::xnn
