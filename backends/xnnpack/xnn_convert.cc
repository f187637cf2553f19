#include "xnn_convert.h"

#include <onnx/shape_inference/implementation.h>

#include "xnn_converter.h"

namespace nnport::xnn {

using plugin::Error;

Conversion Converter::run() {
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

// ---- graph boundary ----
void Converter::add_input(const onnx::ValueInfoProto& in) {
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

void Converter::add_outputs() {
  std::set<uint32_t> seen;
  for (const auto& out : m_.graph().output()) {
    auto fail = [&](const std::string& why) {
      throw Error(NNPORT_UNIMPLEMENTED, "xnnpack: cannot convert '" + path_ + "': graph output '" +
                                            out.name() + "' " + why);
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
void Converter::infer_shapes() {
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

void Converter::mark_unknown(const onnx::NodeProto& n) {
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
uint32_t Converter::value(const std::vector<int64_t>& onnx_shape) {
  for (size_t d = 0; d < onnx_shape.size(); ++d) {
    if (onnx_shape[d] < 0 && d != 0) {
      throw Unsupported("its output " + dims_text(onnx_shape) +
                        " would have a dynamic dim other than the batch");
    }
    if (onnx_shape[d] == 0) throw Unsupported("its output " + dims_text(onnx_shape) + " is empty");
  }
  model_.values.push_back(Value{to_xnn_dims(onnx_shape), {}, -1});
  return uint32_t(model_.values.size() - 1);
}

uint32_t Converter::weight(std::vector<int64_t> dims, std::vector<float> data) {
  model_.values.push_back(Value{std::move(dims), std::move(data), -1});
  return uint32_t(model_.values.size() - 1);
}

const Act& Converter::act(const onnx::NodeProto& n, int k) {
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
const Constant* Converter::konst(const onnx::NodeProto& n, int k) {
  if (k >= n.input_size() || n.input(k).empty()) return nullptr;
  if (unknown_.count(n.input(k)) && !acts_.count(n.input(k))) {
    throw Unsupported(unknown_.at(n.input(k)));
  }
  const auto it = consts_.find(n.input(k));
  return it == consts_.end() ? nullptr : &it->second;
}

const Constant& Converter::float_weight(const onnx::NodeProto& n, int k, const char* what) {
  const Constant* c = konst(n, k);
  if (c == nullptr) {
    throw Unsupported(std::string(what) + " '" + (k < n.input_size() ? n.input(k) : "") +
                      "' is not a constant initializer; XNNPACK needs static weights");
  }
  if (!c->is_float) throw Unsupported(std::string(what) + " '" + n.input(k) + "' is not float32");
  return *c;
}

void Converter::define(const onnx::NodeProto& n, const Act& a) {
  acts_[n.output(0)] = a;
  owner_[a.id] = n.output(0);
}

void Converter::emit(const std::string& op, std::vector<uint32_t> in, uint32_t out,
                     nlohmann::json attrs, float lo, float hi) {
  model_.nodes.push_back(Node{op, std::move(in), {out}, std::move(attrs), lo, hi});
  producer_[out] = model_.nodes.size() - 1;
}

// Relu/Clip folded into the producer's output range when nothing else
// reads the producer's output; false when it must stay a clamp node.
bool Converter::fuse_range(const onnx::NodeProto& n, float lo, float hi) {
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

void Converter::clamp(const onnx::NodeProto& n, float lo, float hi) {
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
void Converter::lower(const onnx::NodeProto& n) {
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

void Converter::require_explicit_pads(const onnx::NodeProto& n) {
  const std::string auto_pad = attr_string(n, "auto_pad", "NOTSET");
  if (auto_pad != "NOTSET") {
    throw Unsupported("auto_pad = " + auto_pad +
                      " is not supported; only NOTSET with explicit pads (re-export with "
                      "explicit padding)");
  }
}

std::vector<int64_t> Converter::two(const onnx::NodeProto& n, const char* name, int64_t def,
                                    size_t count) {
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

void Converter::alias(const onnx::NodeProto& n) {
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

void Converter::constant(const onnx::NodeProto& n) {
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

Conversion convert_onnx(const std::string& onnx_path, bool keep_going) {
  const onnx::ModelProto model = load_onnx(onnx_path);
  return Converter(model, onnx_path, keep_going).run();
}

}  // namespace nnport::xnn
