#include "xnn_convert.h"

#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "xnn_onnx.h"

namespace nnport::xnn {
namespace {

using plugin::Error;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// An activation: its ONNX shape (NCHW for 4-D; -1 is the dynamic batch) and
// the XNNPACK value that holds it (NHWC for 4-D).
struct Act {
  std::vector<int64_t> shape;
  uint32_t id = kNone;
};

std::vector<int64_t> to_xnn_dims(const std::vector<int64_t>& s) {
  if (s.size() != 4) return s;
  return {s[0], s[2], s[3], s[1]};
}

int64_t product(const std::vector<int64_t>& d, size_t from = 0, size_t to = SIZE_MAX) {
  int64_t n = 1;
  for (size_t i = from; i < std::min(to, d.size()); ++i) n *= d[i];
  return n;
}

// NCHW and NHWC hold a 4-D tensor's elements in the same order when C == 1
// or H*W == 1: then a reshape needs no transpose.
bool same_order_as_nchw(const std::vector<int64_t>& s) {
  return s.size() != 4 || s[1] == 1 || s[2] * s[3] == 1;
}

// ONNX pads [top, left, bottom, right] -> XNNPACK's [top, right, bottom, left].
std::vector<int64_t> xnn_pads(const std::vector<int64_t>& p) { return {p[0], p[3], p[2], p[1]}; }

bool has_range(const std::string& op) {
  static const std::set<std::string> ops = {"conv2d",    "dwconv2d",   "fc",   "add",
                                            "mul",       "sub",        "div",  "avgpool2d",
                                            "maxpool2d", "gavgpool2d", "clamp"};
  return ops.count(op) != 0;
}

std::string node_label(const onnx::NodeProto& n, size_t index) {
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

  Conversion run() {
    const onnx::GraphProto& g = m_.graph();
    if (keep_going_) infer_shapes();
    for (const auto& n : g.node()) {
      for (const auto& in : n.input()) ++uses_[in];
      for (const auto& in : n.input()) readers_[in].push_back(&n);
    }
    for (const auto& out : g.output()) ++uses_[out.name()];
    std::set<std::string> init_names;
    for (const auto& t : g.initializer()) {
      init_names.insert(t.name());
      try {
        consts_[t.name()] = to_constant(t);
      } catch (const Unsupported& e) {
        unknown_[t.name()] = e.what();
      }
    }
    for (const auto& in : g.input()) {
      if (init_names.count(in.name()) == 0) add_input(in);
    }
    Conversion result;
    for (int i = 0; i < g.node_size(); ++i) {
      const auto& n = g.node(i);
      plugin::NodeSupport v;
      v.node_name = n.name();
      v.op_type =
          (n.domain().empty() || n.domain() == "ai.onnx" ? "" : n.domain() + "::") + n.op_type();
      try {
        lower(n);
        v.supported = true;
      } catch (const Unsupported& e) {
        if (!keep_going_) {
          throw Error(NNPORT_UNIMPLEMENTED, "xnnpack: cannot convert '" + path_ +
                                                "': " + node_label(n, size_t(i)) + ": " + e.what());
        }
        v.reason = e.what();
        mark_unknown(n);
      }
      result.verdicts.push_back(std::move(v));
    }
    if (!keep_going_) add_outputs();
    result.model = std::move(model_);
    return result;
  }

 private:
  // ---- graph boundary ----

  void add_input(const onnx::ValueInfoProto& in) {
    try {
      const auto& tt = in.type().tensor_type();
      if (tt.elem_type() != onnx::TensorProto::FLOAT) {
        throw Unsupported("has ONNX data type " + std::to_string(tt.elem_type()) +
                          "; this backend takes float32 inputs only");
      }
      Port port{in.name(), 0, {}, {}, false};
      for (int d = 0; d < tt.shape().dim_size(); ++d) {
        const auto& dim = tt.shape().dim(d);
        if (dim.has_dim_value() && dim.dim_value() > 0) {
          port.dims.push_back(dim.dim_value());
        } else if (d == 0) {
          port.dims.push_back(-1);
        } else {
          throw Unsupported("has a dynamic dim " + std::to_string(d) +
                            "; XNNPACK fixes shapes when it builds a runtime, so only dim 0 "
                            "(batch) may be dynamic: fix the others (input_shape in the deploy "
                            "config)");
        }
        port.dim_names.push_back(dim.dim_param());
      }
      if (port.dims.size() > 6) throw Unsupported("has rank > 6");
      port.value = value(port.dims);
      port.nchw = port.dims.size() == 4;
      acts_[in.name()] = Act{port.dims, port.value};
      model_.inputs.push_back(std::move(port));
    } catch (const Unsupported& e) {
      if (!keep_going_) {
        throw Error(NNPORT_UNIMPLEMENTED, "xnnpack: cannot convert '" + path_ + "': graph input '" +
                                              in.name() + "' " + e.what());
      }
      unknown_[in.name()] = "graph input '" + in.name() + "' " + e.what();
    }
  }

  void add_outputs() {
    std::set<uint32_t> seen;
    for (const auto& out : m_.graph().output()) {
      auto fail = [&](const std::string& why) {
        throw Error(NNPORT_UNIMPLEMENTED, "xnnpack: cannot convert '" + path_ +
                                              "': graph output '" + out.name() + "' " + why);
      };
      const auto it = acts_.find(out.name());
      if (it == acts_.end()) fail("is a constant or not computed by the graph");
      const Act& a = it->second;
      for (const Port& in : model_.inputs) {
        if (in.value == a.id) fail("is the graph input '" + in.name + "' passed through");
      }
      if (!seen.insert(a.id).second) fail("is the same tensor as another graph output");
      Port port{out.name(), a.id, a.shape, {}, a.shape.size() == 4};
      const auto& shape = out.type().tensor_type().shape();
      for (size_t d = 0; d < a.shape.size(); ++d) {
        port.dim_names.push_back(int(d) < shape.dim_size() ? shape.dim(int(d)).dim_param() : "");
      }
      model_.outputs.push_back(std::move(port));
    }
  }

  // check_model only: shapes for the outputs of nodes it cannot lower, so
  // later nodes still get a verdict of their own.
  void infer_shapes() {
    onnx::ModelProto copy = m_;
    try {
      onnx::shape_inference::InferShapes(copy);
    } catch (const std::exception&) {
      return;  // best effort
    }
    auto take = [&](const onnx::ValueInfoProto& vi) {
      std::vector<int64_t> dims;
      const auto& shape = vi.type().tensor_type().shape();
      for (int d = 0; d < shape.dim_size(); ++d) {
        const auto& dim = shape.dim(d);
        if (dim.has_dim_value() && dim.dim_value() > 0) {
          dims.push_back(dim.dim_value());
        } else if (d == 0) {
          dims.push_back(-1);
        } else {
          return;
        }
      }
      if (vi.type().tensor_type().has_shape()) inferred_[vi.name()] = dims;
    };
    for (const auto& vi : copy.graph().value_info()) take(vi);
    for (const auto& vi : copy.graph().output()) take(vi);
  }

  void mark_unknown(const onnx::NodeProto& n) {
    for (const auto& out : n.output()) {
      if (out.empty()) continue;
      const auto it = inferred_.find(out);
      if (it != inferred_.end()) {
        model_.values.push_back(Value{to_xnn_dims(it->second), {}, -1});
        acts_[out] = Act{it->second, uint32_t(model_.values.size() - 1)};
      } else {
        unknown_[out] = "its input '" + out + "' comes from the unsupported node '" + n.name() +
                        "' (" + n.op_type() + ")";
      }
    }
  }

  // ---- values ----

  uint32_t value(const std::vector<int64_t>& onnx_shape) {
    for (size_t d = 0; d < onnx_shape.size(); ++d) {
      if (onnx_shape[d] < 0 && d != 0) {
        throw Unsupported("its output " + dims_text(onnx_shape) +
                          " would have a dynamic dim other than the batch");
      }
      if (onnx_shape[d] == 0)
        throw Unsupported("its output " + dims_text(onnx_shape) + " is empty");
    }
    model_.values.push_back(Value{to_xnn_dims(onnx_shape), {}, -1});
    return uint32_t(model_.values.size() - 1);
  }

  uint32_t weight(std::vector<int64_t> dims, std::vector<float> data) {
    model_.values.push_back(Value{std::move(dims), std::move(data), -1});
    return uint32_t(model_.values.size() - 1);
  }

  const Act& act(const onnx::NodeProto& n, int k) {
    if (k >= n.input_size() || n.input(k).empty()) {
      throw Unsupported("input " + std::to_string(k) + " is missing");
    }
    const std::string& name = n.input(k);
    if (consts_.count(name)) {
      throw Unsupported("input '" + name +
                        "' is a constant where this backend needs a computed tensor (fold "
                        "constants first)");
    }
    if (unknown_.count(name)) throw Unsupported(unknown_.at(name));
    const auto it = acts_.find(name);
    if (it == acts_.end()) throw Unsupported("input '" + name + "' is produced by no earlier node");
    return it->second;
  }

  // A constant input (initializer or Constant node), or nullptr.
  const Constant* konst(const onnx::NodeProto& n, int k) {
    if (k >= n.input_size() || n.input(k).empty()) return nullptr;
    if (unknown_.count(n.input(k)) && !acts_.count(n.input(k))) {
      throw Unsupported(unknown_.at(n.input(k)));
    }
    const auto it = consts_.find(n.input(k));
    return it == consts_.end() ? nullptr : &it->second;
  }

  const Constant& float_weight(const onnx::NodeProto& n, int k, const char* what) {
    const Constant* c = konst(n, k);
    if (c == nullptr) {
      throw Unsupported(std::string(what) + " '" + (k < n.input_size() ? n.input(k) : "") +
                        "' is not a constant initializer; XNNPACK needs static weights");
    }
    if (!c->is_float) throw Unsupported(std::string(what) + " '" + n.input(k) + "' is not float32");
    return *c;
  }

  void define(const onnx::NodeProto& n, const Act& a) {
    acts_[n.output(0)] = a;
    owner_[a.id] = n.output(0);
  }

  void emit(const std::string& op, std::vector<uint32_t> in, uint32_t out, nlohmann::json attrs,
            float lo = -INFINITY, float hi = INFINITY) {
    model_.nodes.push_back(Node{op, std::move(in), {out}, std::move(attrs), lo, hi});
    producer_[out] = model_.nodes.size() - 1;
  }

  // Relu/Clip folded into the producer's output range when nothing else
  // reads the producer's output; false when it must stay a clamp node.
  bool fuse_range(const onnx::NodeProto& n, float lo, float hi) {
    const std::string& in = n.input(0);
    const Act a = acts_.at(in);
    if (uses_[in] != 1 || owner_[a.id] != in || !producer_.count(a.id)) return false;
    Node& p = model_.nodes[producer_.at(a.id)];
    if (!has_range(p.op)) return false;
    const float new_lo = std::max(p.out_min, lo), new_hi = std::min(p.out_max, hi);
    if (!(new_lo < new_hi)) return false;
    p.out_min = new_lo;
    p.out_max = new_hi;
    define(n, a);
    return true;
  }

  void clamp(const onnx::NodeProto& n, float lo, float hi) {
    if (!(lo < hi)) {
      throw Unsupported("its range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                        "] is empty; XNNPACK needs min < max");
    }
    const Act x = act(n, 0);
    if (fuse_range(n, lo, hi)) return;
    const uint32_t out = value(x.shape);
    emit("clamp", {x.id}, out, nlohmann::json::object(), lo, hi);
    define(n, Act{x.shape, out});
  }

  // ---- operators ----

  void lower(const onnx::NodeProto& n) {
    if (!n.domain().empty() && n.domain() != "ai.onnx") {
      throw Unsupported("custom domain '" + n.domain() + "' is not supported by this backend");
    }
    const std::string& op = n.op_type();
    if (op == "Conv") return conv(n);
    if (op == "BatchNormalization") return batch_norm(n);
    if (op == "Relu") return clamp(n, 0.0f, INFINITY);
    if (op == "Clip") return clip(n);
    if (op == "Sigmoid") return unary(n, "sigmoid");
    if (op == "HardSwish") return unary(n, "hardswish");
    if (op == "HardSigmoid") return hard_sigmoid(n);
    if (op == "Add") return binary(n, "add");
    if (op == "Mul") return binary(n, "mul");
    if (op == "Sub") return binary(n, "sub");
    if (op == "Div") return binary(n, "div");
    if (op == "MaxPool") return pool(n, true);
    if (op == "AveragePool") return pool(n, false);
    if (op == "GlobalAveragePool") return global_avg(n);
    if (op == "Flatten") return flatten(n);
    if (op == "Reshape") return reshape(n);
    if (op == "Gemm") return gemm(n);
    if (op == "MatMul") return matmul(n);
    if (op == "Softmax") return softmax(n);
    if (op == "Identity" || op == "Dropout") return alias(n);
    if (op == "Constant") return constant(n);
    static const std::set<std::string> missing = {"Concat", "Split",  "Transpose",
                                                  "Slice",  "Gather", "Pad"};
    if (missing.count(op)) {
      throw Unsupported("the XNNPACK snapshot this backend uses (2022-02-16) has no " + op +
                        " operator at subgraph level; run this model on another backend "
                        "(e.g. onnxruntime)");
    }
    throw Unsupported("op type '" + op +
                      "' is not supported by the xnnpack backend (docs/backends/xnnpack.md lists "
                      "the supported ops)");
  }

  void require_explicit_pads(const onnx::NodeProto& n) {
    const std::string auto_pad = attr_string(n, "auto_pad", "NOTSET");
    if (auto_pad != "NOTSET") {
      throw Unsupported("auto_pad = " + auto_pad +
                        " is not supported; only NOTSET with explicit pads (re-export with "
                        "explicit padding)");
    }
  }

  std::vector<int64_t> two(const onnx::NodeProto& n, const char* name, int64_t def, size_t count) {
    auto v = attr_ints(n, name, std::vector<int64_t>(count, def));
    if (v.size() != count) {
      throw Unsupported(std::string(name) + " has " + std::to_string(v.size()) +
                        " values; only 2-D (NCHW) operators are supported");
    }
    for (int64_t x : v) {
      if (x < 0) throw Unsupported(std::string(name) + " has a negative value");
    }
    return v;
  }

  static int64_t out_size(int64_t in, int64_t pad, int64_t k, int64_t s) {
    if (in + pad < k) throw Unsupported("the kernel is larger than the padded input");
    return (in + pad - k) / s + 1;
  }

  void conv(const onnx::NodeProto& n) {
    const Act x = act(n, 0);
    if (x.shape.size() != 4)
      throw Unsupported("only 2-D convolution on 4-D NCHW input is supported");
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

  void batch_norm(const onnx::NodeProto& n) {
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

  void clip(const onnx::NodeProto& n) {
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

  void unary(const onnx::NodeProto& n, const char* op) {
    const Act x = act(n, 0);
    const uint32_t out = value(x.shape);
    emit(op, {x.id}, out, nlohmann::json::object());
    define(n, Act{x.shape, out});
  }

  // max(0, min(1, alpha * x + beta)) as a multiply and an add clamped to [0, 1].
  void hard_sigmoid(const onnx::NodeProto& n) {
    const Act x = act(n, 0);
    const std::vector<int64_t> ones(x.shape.size(), 1);
    const uint32_t scaled = value(x.shape), out = value(x.shape);
    emit("mul", {x.id, weight(ones, {attr_float(n, "alpha", 0.2f)})}, scaled,
         nlohmann::json::object());
    emit("add", {scaled, weight(ones, {attr_float(n, "beta", 0.5f)})}, out,
         nlohmann::json::object(), 0.0f, 1.0f);
    define(n, Act{x.shape, out});
  }

  // An operand of a broadcasting binary op: an activation or a constant
  // (stored as a weight, padded to the output rank and in NHWC when 4-D).
  struct Operand {
    std::vector<int64_t> shape;
    const Act* a = nullptr;
    const Constant* c = nullptr;
  };

  Operand operand(const onnx::NodeProto& n, int k) {
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

  uint32_t operand_id(const Operand& o, size_t rank) {
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

  void binary(const onnx::NodeProto& n, const char* op) {
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

  void pool(const onnx::NodeProto& n, bool max) {
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

  void global_avg(const onnx::NodeProto& n) {
    const Act x = act(n, 0);
    if (x.shape.size() != 4) throw Unsupported("only 4-D NCHW input is supported");
    const std::vector<int64_t> out_shape = {x.shape[0], x.shape[1], 1, 1};
    const uint32_t out = value(out_shape);
    emit("gavgpool2d", {x.id}, out, nlohmann::json::object());
    define(n, Act{out_shape, out});
  }

  void reshape_to(const onnx::NodeProto& n, const Act& x, const std::vector<int64_t>& out_shape) {
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
  bool feeds_only_fc(const std::string& name) {
    const auto it = readers_.find(name);
    if (uses_[name] != 1 || it == readers_.end() || it->second.size() != 1) return false;
    const onnx::NodeProto& r = *it->second[0];
    if (r.input_size() < 2 || r.input(0) != name || !consts_.count(r.input(1))) return false;
    return (r.op_type() == "Gemm" && attr_int(r, "transA", 0) == 0) || r.op_type() == "MatMul";
  }

  // Reorders the K columns of an [N, K] filter from C, H, W to H, W, C when
  // A is a flatten of an NHWC tensor (see reshape_to).
  void match_rows(const std::string& a_name, std::vector<float>& f, int64_t N, int64_t K) {
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

  void flatten(const onnx::NodeProto& n) {
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

  void reshape(const onnx::NodeProto& n) {
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
      if (known <= 0 || total % known != 0)
        throw Unsupported("the shape does not divide the input");
      out[size_t(infer)] = total / known;
    }
    if ((dynamic ? product(out, 1) : product(out)) !=
        (dynamic ? product(x.shape, 1) : product(x.shape))) {
      throw Unsupported("shape " + dims_text(out) + " does not hold the input " +
                        dims_text(x.shape));
    }
    reshape_to(n, x, out);
  }

  void fully_connected(const onnx::NodeProto& n, const Act& a, std::vector<float> filter, int64_t N,
                       uint32_t bias) {
    std::vector<int64_t> out_shape = a.shape;
    out_shape.back() = N;
    const uint32_t out = value(out_shape);
    const int64_t K = a.shape.back();
    emit("fc", {a.id, weight({N, K}, std::move(filter)), bias}, out, nlohmann::json::object());
    define(n, Act{out_shape, out});
  }

  void gemm(const onnx::NodeProto& n) {
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

  void matmul(const onnx::NodeProto& n) {
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

  void softmax(const onnx::NodeProto& n) {
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

  void alias(const onnx::NodeProto& n) {
    for (int k = 1; k < n.output_size(); ++k) {
      if (!n.output(k).empty() && uses_[n.output(k)] > 0)
        throw Unsupported("its mask output is used");
    }
    if (n.op_type() == "Dropout" && n.input_size() > 2 && !n.input(2).empty()) {
      const Constant* t = konst(n, 2);
      if (t == nullptr || (t->is_float ? t->f[0] != 0 : t->i.empty() || t->i[0] != 0)) {
        throw Unsupported("training_mode is not a constant false");
      }
    }
    if (const Constant* c = konst(n, 0)) {
      consts_[n.output(0)] = *c;
      return;
    }
    const Act x = act(n, 0);
    acts_[n.output(0)] = x;
    // The alias takes over fusion rights only when the input has no other reader.
    if (uses_[n.input(0)] == 1 && owner_[x.id] == n.input(0)) owner_[x.id] = n.output(0);
  }

  void constant(const onnx::NodeProto& n) {
    Constant c;
    if (const auto* v = find_attr(n, "value")) {
      c = to_constant(v->t());
    } else if (const auto* vf = find_attr(n, "value_float")) {
      c.is_float = true;
      c.f = {vf->f()};
    } else if (const auto* vi = find_attr(n, "value_int")) {
      c.i = {vi->i()};
    } else if (const auto* vis = find_attr(n, "value_ints")) {
      c.i.assign(vis->ints().begin(), vis->ints().end());
      c.dims = {int64_t(c.i.size())};
    } else if (const auto* vfs = find_attr(n, "value_floats")) {
      c.is_float = true;
      c.f.assign(vfs->floats().begin(), vfs->floats().end());
      c.dims = {int64_t(c.f.size())};
    } else {
      throw Unsupported("only value, value_float(s) and value_int(s) constants are read");
    }
    consts_[n.output(0)] = std::move(c);
  }

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
  struct Chw {
    int64_t c, h, w;
  };
  std::map<std::string, Chw> hwc_rows_;  // flattened NHWC tensors -> their C, H, W
};

}  // namespace

Conversion convert_onnx(const std::string& onnx_path, bool keep_going) {
  const onnx::ModelProto model = load_onnx(onnx_path);
  return Converter(model, onnx_path, keep_going).run();
}

}  // namespace nnport::xnn
