// Conv (incl. depthwise and grouped), BatchNormalization folded into the
// preceding convolution, MaxPool, AveragePool, GlobalAveragePool.
#include "xnn_converter.h"

namespace nnport::xnn {

int64_t Converter::out_size(int64_t in, int64_t pad, int64_t k, int64_t s) {
  if (in + pad < k) throw Unsupported("the kernel is larger than the padded input");
  return (in + pad - k) / s + 1;
}

void Converter::conv(const onnx::NodeProto& n) {
  const Act x = act(n, 0);
  if (x.shape.size() != 4) throw Unsupported("only 2-D convolution on 4-D NCHW input is supported");
  const Constant& w = float_weight(n, 1, "weight");
  if (w.dims.size() != 4) throw Unsupported("the weight is not 4-D [M, C/group, kH, kW]");
  require_explicit_pads(n);
  const auto dil = two(n, "dilations", 1, 2);
  if (dil[0] != 1 || dil[1] != 1) {
    throw Unsupported("dilations " + dims_text(dil) + " are not supported; only [1, 1]");
  }
  const auto stride = two(n, "strides", 1, 2);
  const auto pads = two(n, "pads", 0, 4);
  const int64_t g = attr_int(n, "group", 1);
  const int64_t C = x.shape[1], M = w.dims[0], Cg = w.dims[1], kh = w.dims[2], kw = w.dims[3];
  const auto ks = attr_ints(n, "kernel_shape", {kh, kw});
  if (ks != std::vector<int64_t>{kh, kw})
    throw Unsupported("kernel_shape disagrees with the weight");
  if (g < 1 || C % g != 0 || M % g != 0 || Cg != C / g) {
    throw Unsupported("group = " + std::to_string(g) + " does not fit input channels " +
                      std::to_string(C) + " and weight " + dims_text(w.dims));
  }
  if (stride[0] < 1 || stride[1] < 1) throw Unsupported("strides must be >= 1");
  std::vector<float> bias(size_t(M), 0.0f);
  if (const Constant* b = konst(n, 2)) {
    if (!b->is_float || b->numel() != M) throw Unsupported("the bias is not float32 [M]");
    bias = b->f;
  } else if (n.input_size() > 2 && !n.input(2).empty()) {
    throw Unsupported("bias '" + n.input(2) + "' is not a constant initializer");
  }
  const std::vector<int64_t> out_shape = {x.shape[0], M,
                                          out_size(x.shape[2], pads[0] + pads[2], kh, stride[0]),
                                          out_size(x.shape[3], pads[1] + pads[3], kw, stride[1])};
  const uint32_t out = value(out_shape);
  nlohmann::json attrs = {{"pads", xnn_pads(pads)}, {"kernel", {kh, kw}}, {"stride", stride}};
  std::vector<float> f(w.f.size());
  const int64_t khw = kh * kw;
  uint32_t fid;
  if (g == C && Cg == 1 && g > 1) {
    // depthwise: [1, kH, kW, C * multiplier]; ONNX's output channel o reads input o / multiplier
    for (int64_t o = 0; o < M; ++o)
      for (int64_t k = 0; k < khw; ++k) f[size_t(k * M + o)] = w.f[size_t(o * khw + k)];
    fid = weight({1, kh, kw, M}, std::move(f));
    attrs["multiplier"] = M / C;
    attrs["channels"] = C;
    emit("dwconv2d", {x.id, fid, weight({M}, bias)}, out, attrs);
  } else {
    // OHWI with I the group's input channels
    for (int64_t o = 0; o < M; ++o)
      for (int64_t i = 0; i < Cg; ++i)
        for (int64_t k = 0; k < khw; ++k)
          f[size_t((o * khw + k) * Cg + i)] = w.f[size_t((o * Cg + i) * khw + k)];
    fid = weight({M, kh, kw, Cg}, std::move(f));
    attrs["groups"] = g;
    attrs["group_in"] = Cg;
    attrs["group_out"] = M / g;
    emit("conv2d", {x.id, fid, weight({M}, bias)}, out, attrs);
  }
  define(n, Act{out_shape, out});
}

void Converter::batch_norm(const onnx::NodeProto& n) {
  const Act x = act(n, 0);
  const std::string& in = n.input(0);
  const bool after_conv = uses_[in] == 1 && owner_[x.id] == in && producer_.count(x.id) &&
                          (model_.nodes[producer_.at(x.id)].op == "conv2d" ||
                           model_.nodes[producer_.at(x.id)].op == "dwconv2d") &&
                          std::isinf(model_.nodes[producer_.at(x.id)].out_max);
  if (!after_conv) {
    throw Unsupported(
        "BatchNormalization is supported only right after a Conv whose output "
        "feeds nothing else (it is folded into that Conv's weights)");
  }
  if (attr_int(n, "training_mode", 0) != 0) throw Unsupported("training_mode = 1");
  for (int k = 1; k < n.output_size(); ++k) {
    if (!n.output(k).empty()) throw Unsupported("its running mean/var outputs are used");
  }
  Node& conv = model_.nodes[producer_.at(x.id)];
  const int64_t M = x.shape[1];
  const Constant& gamma = float_weight(n, 1, "scale");
  const Constant& beta = float_weight(n, 2, "B");
  const Constant& mean = float_weight(n, 3, "mean");
  const Constant& var = float_weight(n, 4, "var");
  for (const Constant* c : {&gamma, &beta, &mean, &var}) {
    if (c->numel() != M)
      throw Unsupported("its parameters are not [C] with C = " + std::to_string(M));
  }
  const float eps = attr_float(n, "epsilon", 1e-5f);
  auto& f = model_.values[conv.inputs[1]].data;
  auto& b = model_.values[conv.inputs[2]].data;
  const bool depthwise = conv.op == "dwconv2d";
  const size_t per_o = f.size() / size_t(M);
  for (int64_t o = 0; o < M; ++o) {
    const float s = gamma.f[size_t(o)] / std::sqrt(var.f[size_t(o)] + eps);
    b[size_t(o)] = (b[size_t(o)] - mean.f[size_t(o)]) * s + beta.f[size_t(o)];
    for (size_t k = 0; k < per_o; ++k)
      f[depthwise ? k * size_t(M) + size_t(o) : size_t(o) * per_o + k] *= s;
  }
  define(n, x);
}

void Converter::pool(const onnx::NodeProto& n, bool max) {
  const Act x = act(n, 0);
  if (x.shape.size() != 4) throw Unsupported("only 2-D pooling on 4-D NCHW input is supported");
  require_explicit_pads(n);
  if (n.output_size() > 1 && !n.output(1).empty()) {
    throw Unsupported("its Indices output is not supported");
  }
  const auto k = two(n, "kernel_shape", 1, 2);
  const auto stride = two(n, "strides", 1, 2);
  auto pads = two(n, "pads", 0, 4);
  const auto dil = two(n, "dilations", 1, 2);
  if (stride[0] < 1 || stride[1] < 1 || k[0] < 1 || k[1] < 1) {
    throw Unsupported("kernel and strides must be >= 1");
  }
  if (k[0] * k[1] == 1) throw Unsupported("a 1x1 pooling window is not supported by XNNPACK");
  if (max && attr_int(n, "storage_order", 0) != 0) throw Unsupported("storage_order = 1");
  if (!max && (dil[0] != 1 || dil[1] != 1)) throw Unsupported("dilations other than 1");
  if (!max && attr_int(n, "count_include_pad", 0) != 0 &&
      std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; })) {
    throw Unsupported(
        "count_include_pad = 1 with non-zero pads (XNNPACK averages over the "
        "input pixels only)");
  }
  const bool ceil_mode = attr_int(n, "ceil_mode", 0) != 0;
  std::vector<int64_t> out_shape = {x.shape[0], x.shape[1], 0, 0};
  for (int d = 0; d < 2; ++d) {
    const int64_t in = x.shape[size_t(2 + d)], ek = (k[size_t(d)] - 1) * dil[size_t(d)] + 1;
    const int64_t span = in + pads[size_t(d)] + pads[size_t(d + 2)] - ek;
    if (span < 0) throw Unsupported("the window is larger than the padded input");
    const int64_t floor_out = span / stride[size_t(d)] + 1;
    int64_t ceil_out = (span + stride[size_t(d)] - 1) / stride[size_t(d)] + 1;
    if ((ceil_out - 1) * stride[size_t(d)] >= in + pads[size_t(d)])
      --ceil_out;  // window in padding only
    out_shape[size_t(2 + d)] = floor_out;
    if (ceil_mode && ceil_out > floor_out) {
      if (!max) {
        throw Unsupported(
            "ceil_mode = 1 changes the output size of this AveragePool; only "
            "MaxPool emulates it");
      }
      // Extra end padding: XNNPACK's max pooling never picks a padding pixel.
      pads[size_t(d + 2)] += (ceil_out - 1) * stride[size_t(d)] + ek - (span + ek);
      out_shape[size_t(2 + d)] = ceil_out;
    }
  }
  const uint32_t out = value(out_shape);
  nlohmann::json attrs = {{"pads", xnn_pads(pads)}, {"kernel", k}, {"stride", stride}};
  if (max) attrs["dilation"] = dil;
  emit(max ? "maxpool2d" : "avgpool2d", {x.id}, out, attrs);
  define(n, Act{out_shape, out});
}

void Converter::global_avg(const onnx::NodeProto& n) {
  const Act x = act(n, 0);
  if (x.shape.size() != 4) throw Unsupported("only 4-D NCHW input is supported");
  const std::vector<int64_t> out_shape = {x.shape[0], x.shape[1], 1, 1};
  const uint32_t out = value(out_shape);
  emit("gavgpool2d", {x.id}, out, nlohmann::json::object());
  define(n, Act{out_shape, out});
}

}  // namespace nnport::xnn
