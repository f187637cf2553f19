// Flatten and Reshape (no transposes), Gemm and MatMul as fully connected,
// Softmax over the last axis.
#include "xnn_converter.h"

namespace nnport::xnn {

void Converter::reshape_to(const onnx::NodeProto& n, const Act& x,
                           const std::vector<int64_t>& out_shape) {
  const bool nhwc_flat = !same_order_as_nchw(x.shape) && out_shape.size() == 2 &&
                         out_shape[1] == product(x.shape, 1) && feeds_only_fc(n.output(0));
  if (!nhwc_flat && (!same_order_as_nchw(x.shape) || !same_order_as_nchw(out_shape))) {
    throw Unsupported("reshaping " + dims_text(x.shape) + " to " + dims_text(out_shape) +
                      " would need an NHWC->NCHW transpose (a 4-D tensor with C > 1 and "
                      "H*W > 1), which this XNNPACK snapshot lacks; only a flatten read by "
                      "nothing but one Gemm/MatMul with constant weights is taken");
  }
  const uint32_t out = value(out_shape);
  emit("reshape", {x.id}, out, nlohmann::json::object());
  define(n, Act{out_shape, out});
  // The rows come out in H, W, C order: the one FC reading them permutes its weights.
  if (nhwc_flat) hwc_rows_[n.output(0)] = {x.shape[1], x.shape[2], x.shape[3]};
}

// True when name is read by exactly one node, a Gemm (transA = 0) or
// MatMul taking it as A with a constant B, and is no graph output.
bool Converter::feeds_only_fc(const std::string& name) {
  const auto it = readers_.find(name);
  if (uses_[name] != 1 || it == readers_.end() || it->second.size() != 1) return false;
  const onnx::NodeProto& r = *it->second[0];
  if (r.input_size() < 2 || r.input(0) != name || !consts_.count(r.input(1))) return false;
  return (r.op_type() == "Gemm" && attr_int(r, "transA", 0) == 0) || r.op_type() == "MatMul";
}

// Reorders the K columns of an [N, K] filter from C, H, W to H, W, C when
// A is a flatten of an NHWC tensor (see reshape_to).
void Converter::match_rows(const std::string& a_name, std::vector<float>& f, int64_t N, int64_t K) {
  const auto it = hwc_rows_.find(a_name);
  if (it == hwc_rows_.end()) return;
  const auto [C, H, W] = it->second;
  if (C * H * W != K) throw Unsupported("internal: flatten size does not match K");
  const std::vector<float> src = f;
  for (int64_t o = 0; o < N; ++o)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t hw = 0; hw < H * W; ++hw)
        f[size_t(o * K + hw * C + c)] = src[size_t(o * K + c * H * W + hw)];
}

void Converter::flatten(const onnx::NodeProto& n) {
  const Act x = act(n, 0);
  const int64_t r = int64_t(x.shape.size());
  int64_t axis = attr_int(n, "axis", 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) throw Unsupported("axis out of range");
  const bool dynamic = !x.shape.empty() && x.shape[0] < 0;
  if (dynamic && axis != 1) throw Unsupported("axis != 1 on a dynamic-batch tensor");
  const int64_t outer = dynamic ? -1 : product(x.shape, 0, size_t(axis));
  reshape_to(n, x, {outer, product(x.shape, size_t(axis))});
}

void Converter::reshape(const onnx::NodeProto& n) {
  const Act x = act(n, 0);
  const Constant* s = konst(n, 1);
  if (s == nullptr || s->is_float)
    throw Unsupported("the shape input is not a constant int64 tensor");
  if (attr_int(n, "allowzero", 0) != 0) throw Unsupported("allowzero = 1");
  std::vector<int64_t> out = s->i;
  int infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0) {
      if (i >= x.shape.size()) throw Unsupported("a 0 in the shape beyond the input's rank");
      out[i] = x.shape[i];
    } else if (out[i] == -1) {
      if (infer >= 0) throw Unsupported("more than one -1 in the shape");
      infer = int(i);
    } else if (out[i] < -1) {
      throw Unsupported("a negative dim in the shape");
    }
  }
  const bool dynamic = !x.shape.empty() && x.shape[0] < 0;
  if (dynamic) {
    if (infer == 0) {
      if (product(x.shape, 1) != product(out, 1)) {
        throw Unsupported("the reshape mixes the dynamic batch with other dims");
      }
      out[0] = -1;
      infer = -1;
    } else if (out.empty() || out[0] != -1 || s->i[0] != 0) {
      throw Unsupported("the shape fixes dim 0 of a dynamic-batch tensor (use 0 or -1 there)");
    }
  }
  if (infer >= 0) {
    int64_t known = 1;
    for (size_t i = 0; i < out.size(); ++i) {
      if (int(i) != infer && !(dynamic && i == 0)) known *= out[i];
    }
    const int64_t total = dynamic ? product(x.shape, 1) : product(x.shape);
    if (known <= 0 || total % known != 0) throw Unsupported("the shape does not divide the input");
    out[size_t(infer)] = total / known;
  }
  if ((dynamic ? product(out, 1) : product(out)) !=
      (dynamic ? product(x.shape, 1) : product(x.shape))) {
    throw Unsupported("shape " + dims_text(out) + " does not hold the input " + dims_text(x.shape));
  }
  reshape_to(n, x, out);
}

void Converter::fully_connected(const onnx::NodeProto& n, const Act& a, std::vector<float> filter,
                                int64_t N, uint32_t bias) {
  std::vector<int64_t> out_shape = a.shape;
  out_shape.back() = N;
  const uint32_t out = value(out_shape);
  const int64_t K = a.shape.back();
  emit("fc", {a.id, weight({N, K}, std::move(filter)), bias}, out, nlohmann::json::object());
  define(n, Act{out_shape, out});
}

void Converter::gemm(const onnx::NodeProto& n) {
  const Act a = act(n, 0);
  if (a.shape.size() != 2) throw Unsupported("A is not 2-D");
  if (attr_int(n, "transA", 0) != 0) throw Unsupported("transA = 1 is not supported");
  const Constant& b = float_weight(n, 1, "B");
  if (b.dims.size() != 2) throw Unsupported("B is not 2-D");
  const bool tb = attr_int(n, "transB", 0) != 0;
  const int64_t K = tb ? b.dims[1] : b.dims[0], N = tb ? b.dims[0] : b.dims[1];
  if (K != a.shape[1]) throw Unsupported("A's K does not match B");
  const float alpha = attr_float(n, "alpha", 1.0f), beta = attr_float(n, "beta", 1.0f);
  std::vector<float> f(size_t(N * K));
  for (int64_t o = 0; o < N; ++o)
    for (int64_t k = 0; k < K; ++k)
      f[size_t(o * K + k)] = alpha * (tb ? b.f[size_t(o * K + k)] : b.f[size_t(k * N + o)]);
  uint32_t bias = kNone;
  if (n.input_size() > 2 && !n.input(2).empty()) {
    const Constant& c = float_weight(n, 2, "C");
    if (c.numel() != N || c.dims.size() > 2 || (c.dims.size() == 2 && c.dims[0] != 1)) {
      throw Unsupported("C " + dims_text(c.dims) + " is not a bias of [N] or [1, N]");
    }
    std::vector<float> bv = c.f;
    for (float& v : bv) v *= beta;
    bias = weight({N}, std::move(bv));
  }
  match_rows(n.input(0), f, N, K);
  fully_connected(n, a, std::move(f), N, bias);
}

void Converter::matmul(const onnx::NodeProto& n) {
  const Act a = act(n, 0);
  if (a.shape.size() < 2 || a.shape.size() == 4) {
    throw Unsupported("A of rank " + std::to_string(a.shape.size()) +
                      " is not supported (rank 2, 3, 5 or 6 with a constant 2-D B)");
  }
  const Constant& b = float_weight(n, 1, "B");
  if (b.dims.size() != 2 || b.dims[0] != a.shape.back()) {
    throw Unsupported("B " + dims_text(b.dims) + " is not a 2-D [K, N] matching A");
  }
  const int64_t K = b.dims[0], N = b.dims[1];
  std::vector<float> f(size_t(N * K));
  for (int64_t o = 0; o < N; ++o)
    for (int64_t k = 0; k < K; ++k) f[size_t(o * K + k)] = b.f[size_t(k * N + o)];
  match_rows(n.input(0), f, N, K);
  fully_connected(n, a, std::move(f), N, kNone);
}

void Converter::softmax(const onnx::NodeProto& n) {
  const Act x = act(n, 0);
  const int64_t r = int64_t(x.shape.size());
  int64_t axis = attr_int(n, "axis", opset_ < 13 ? 1 : -1);
  if (axis < 0) axis += r;
  // XNNPACK normalizes over its innermost dim: C for NHWC, else the last.
  const int64_t inner = r == 4 ? 1 : r - 1;
  const bool ok = opset_ >= 13
                      ? axis == inner
                      : (r == 4 ? axis == 1 && x.shape[2] * x.shape[3] == 1 : axis == r - 1);
  if (!ok) {
    throw Unsupported("softmax over axis " + std::to_string(axis) + " of " + dims_text(x.shape) +
                      " is not supported; only over the channels of a 4-D tensor or the last "
                      "axis otherwise");
  }
  unary(n, "softmax");
}

}  // namespace nnport::xnn
