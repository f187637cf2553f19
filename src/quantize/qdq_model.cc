#include "quantize/qdq_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "onnx/onnx_io.h"
#include "onnx/rewrites/constant_eval.h"
#include "onnx/rewrites/graph_names.h"
#include "quantize/qdq_emit.h"
#include "quantize/qdq_graph.h"

namespace nnport::quantize {
namespace {

namespace ce = onnx_internal::constant_eval;
using onnx_internal::is_onnx_op;

// kCompute: own output range, fused into a QLinear* kernel.
// kMove: moves data; its output shares its input's scale and zero point.
enum class Role { kNone, kCompute, kMove };

Role role_of(const onnx::NodeProto& node) {
  static const std::map<std::string, Role> roles = {
      {"Conv", Role::kCompute},        {"Gemm", Role::kCompute},
      {"MatMul", Role::kCompute},      {"Add", Role::kCompute},
      {"Mul", Role::kCompute},         {"Concat", Role::kCompute},
      {"AveragePool", Role::kCompute}, {"GlobalAveragePool", Role::kCompute},
      {"MaxPool", Role::kMove},        {"Reshape", Role::kMove},
      {"Flatten", Role::kMove},        {"Transpose", Role::kMove},
      {"Squeeze", Role::kMove},        {"Unsqueeze", Role::kMove}};
  if (!node.domain().empty() && node.domain() != "ai.onnx") return Role::kNone;
  auto it = roles.find(node.op_type());
  return it == roles.end() ? Role::kNone : it->second;
}

float float_attr(const onnx::NodeProto& node, const char* name, float fallback) {
  for (const auto& a : node.attribute())
    if (a.name() == name && a.type() == onnx::AttributeProto::FLOAT) return a.f();
  return fallback;
}

// Which inputs a quantized `node` reads how, or why it cannot be quantized.
std::optional<Slots> slots_of(const onnx::NodeProto& node, const GraphIndex& gi, std::string& why) {
  Slots s;
  const std::string& op = node.op_type();
  auto weight_ok = [&](int slot, size_t rank_min) {
    if (node.input_size() <= slot) return false;
    auto w = float_constant(gi.initializer(node.input(slot)));
    if (!w || w->dims.size() < rank_min) {
      why = "its weights are not a float initializer nnport can read";
      return false;
    }
    return true;
  };
  if (op == "Conv") {
    if (!weight_ok(1, 3)) return std::nullopt;
    if (node.input_size() > 2 && !node.input(2).empty() &&
        !float_constant(gi.initializer(node.input(2)))) {
      why = "its bias is not a float initializer nnport can read";
      return std::nullopt;
    }
    s = {{0}, 1, 0, node.input_size() > 2 && !node.input(2).empty() ? 2 : -1};
  } else if (op == "Gemm") {
    if (ce::int_attr(node, "transA", 0) != 0 || float_attr(node, "alpha", 1) != 1.f ||
        float_attr(node, "beta", 1) != 1.f) {
      why = "Gemm with transA or alpha/beta other than 1";
      return std::nullopt;
    }
    if (!weight_ok(1, 2)) return std::nullopt;
    s = {{0}, 1, ce::int_attr(node, "transB", 0) != 0 ? 0 : 1, -1};
    if (node.input_size() > 2 && !node.input(2).empty()) {
      auto c = float_constant(gi.initializer(node.input(2)));
      if (!c || c->dims.size() != 1) {
        why = "its bias is not a 1-D float initializer";
        return std::nullopt;
      }
      s.bias = 2;
    }
  } else if (op == "MatMul") {
    auto w = float_constant(gi.initializer(node.input(1)));
    if (gi.initializer(node.input(0)) != nullptr) {
      why = "its first input is a constant";
      return std::nullopt;
    }
    if (w) {
      s = {{0}, 1, w->dims.size() == 2 ? 1 : -1, -1};
    } else {
      s.activations = {0, 1};
    }
  } else if (op == "Add" || op == "Mul") {
    s.activations = {0, 1};
  } else if (op == "Concat") {
    for (int i = 0; i < node.input_size(); ++i) s.activations.push_back(i);
  } else {
    s.activations = {0};
  }
  return s;
}

// Whether tensor `t` can be a uint8 activation at all.
bool quantizable(const std::string& t, const GraphIndex& gi,
                 const std::map<std::string, Range>& ranges) {
  if (!gi.is_float(t) || gi.graph_outputs.contains(t)) return false;
  if (const TP* init = gi.initializer(t)) return float_constant(init).has_value();
  return ranges.contains(t);
}

Range constant_range(const ce::Value& v) {
  Range r;
  for (float x : v.f)
    if (std::isfinite(x)) r.min = std::min(r.min, x), r.max = std::max(r.max, x);
  return r;
}

// Clip's bound at input `slot` (opset >= 11) or attribute (opset 6);
// nullopt when it is not a constant.
std::optional<float> clip_bound(const onnx::NodeProto& clip, int slot, const char* attr,
                                float fallback, const onnx::GraphProto& g, const GraphIndex& gi) {
  for (const auto& a : clip.attribute())
    if (a.name() == attr) return a.f();
  if (clip.input_size() <= slot || clip.input(slot).empty()) return fallback;
  const std::string& name = clip.input(slot);
  if (auto v = float_constant(gi.initializer(name)); v && v->f.size() == 1) return v->f[0];
  auto p = gi.producer.find(name);
  if (p == gi.producer.end() || !is_onnx_op(g.node(p->second), "Constant")) return std::nullopt;
  for (const auto& a : g.node(p->second).attribute())
    if (a.name() == "value" && a.t().data_type() == TP::FLOAT) {
      auto v = ce::decode(a.t());
      if (v && v->f.size() == 1) return v->f[0];
    }
  return std::nullopt;
}

}  // namespace

std::string node_label(const onnx::NodeProto& node, int index) {
  return node.name().empty() ? "#" + std::to_string(index) + " " + node.op_type() : node.name();
}

std::vector<std::string> float_activations(const onnx::ModelProto& model) {
  const GraphIndex gi(model.graph());
  std::vector<std::string> out;
  for (const auto& v : model.graph().input())
    if (gi.is_float(v.name()) && !gi.initializer(v.name())) out.push_back(v.name());
  for (const auto& n : model.graph().node()) {
    if (is_onnx_op(n, "Constant")) continue;
    for (const auto& o : n.output())
      if (!o.empty() && gi.is_float(o)) out.push_back(o);
  }
  return out;
}

Result<QdqResult> quantize_qdq(onnx::ModelProto& model, const std::map<std::string, Range>& ranges,
                               const QdqOptions& options, const std::string& path) {
  const int64_t opset = onnx_internal::ai_onnx_opset(model);
  if (opset < 13)
    return invalid_argument(path +
                            ": int8 quantization needs opset >= 13 (per-channel "
                            "DequantizeLinear); the model has opset " +
                            std::to_string(opset) + ": convert it to opset 13 first");
  onnx::GraphProto& g = *model.mutable_graph();
  GraphIndex gi(g);
  const int n = g.node_size();
  QdqResult result;
  result.nodes.resize(n);
  std::vector<std::optional<Slots>> slots(n);
  std::vector<bool> removed(n, false);

  auto blocked = [&](int i) {
    const auto& node = g.node(i);
    if (options.float_nodes.contains(i)) return std::string("kept in float (fallback)");
    if (options.op_block_list.contains(node.op_type())) return std::string("op_block_list");
    if (!node.name().empty() && options.node_block_list.contains(node.name()))
      return std::string("node_block_list");
    return std::string();
  };

  // 1. Which compute nodes could be quantized on their own.
  for (int i = 0; i < n; ++i) {
    const auto& node = g.node(i);
    result.nodes[i] = {i, node.name(), node.op_type(), false, "", {}};
    const Role role = role_of(node);
    if (role == Role::kNone) continue;
    std::string why = blocked(i);
    if (why.empty()) slots[i] = slots_of(node, gi, why);
    if (!slots[i]) result.nodes[i].why = why;
  }

  // 2. Fold Relu / Clip(lo <= 0) into a quantizable producer's output range.
  for (int i = 0; i < n; ++i) {
    const auto& act = g.node(i);
    const bool relu = is_onnx_op(act, "Relu"), clip = is_onnx_op(act, "Clip");
    if ((!relu && !clip) || act.input_size() < 1 || act.output_size() != 1 || !blocked(i).empty())
      continue;
    const std::string x = act.input(0), y = act.output(0);
    auto p = gi.producer.find(x);
    if (p == gi.producer.end() || !slots[p->second] || role_of(g.node(p->second)) != Role::kCompute)
      continue;
    if (gi.readers[x].size() != 1 || gi.graph_outputs.contains(x) || gi.graph_outputs.contains(y))
      continue;
    auto r = ranges.find(y);
    if (r == ranges.end()) continue;
    if (clip) {
      auto lo = clip_bound(act, 1, "min", -std::numeric_limits<float>::infinity(), g, gi);
      auto hi = clip_bound(act, 2, "max", std::numeric_limits<float>::infinity(), g, gi);
      // The quantizer clips to the calibrated range, which must lie inside [lo, hi].
      if (!lo || !hi || *lo > 0 || r->second.min < *lo || r->second.max > *hi) continue;
    }
    removed[i] = true;
    result.nodes[i].why = "folded into " + node_label(g.node(p->second), p->second);
    for (std::string& o : *g.mutable_node(p->second)->mutable_output())
      if (o == x) o = y;
    gi.producer[y] = p->second;
    gi.producer.erase(x);
    onnx_internal::erase_value_info(g, x);
  }

  // 3. Decide, in graph order: a node is quantized when all its activation
  // inputs can be; a data-movement node only when its input is quantized.
  std::unordered_set<std::string> quantized;  // tensors with a Q/DQ pair
  auto producer_quantized = [&](const std::string& t) {
    auto p = gi.producer.find(t);
    return p != gi.producer.end() && result.nodes[p->second].quantized;
  };
  for (int i = 0; i < n; ++i)
    result.nodes[i].outputs.assign(g.node(i).output().begin(), g.node(i).output().end());
  for (int i = 0; i < n; ++i) {
    if (removed[i] || !slots[i]) continue;
    const auto& node = g.node(i);
    bool ok = true;
    for (int s : slots[i]->activations)
      ok = ok && s < node.input_size() && quantizable(node.input(s), gi, ranges);
    if (ok && role_of(node) == Role::kMove)
      ok = producer_quantized(node.input(0)) || gi.graph_inputs.contains(node.input(0));
    result.nodes[i].quantized = ok;
    if (!ok) result.nodes[i].why = "an input has no calibrated float range";
  }
  // A tensor gets a Q/DQ pair when a quantized node writes or reads it as an
  // activation (and it can be quantized at all).
  for (int i = 0; i < n; ++i) {
    if (removed[i] || !result.nodes[i].quantized) continue;
    const auto& node = g.node(i);
    for (int s : slots[i]->activations) quantized.insert(node.input(s));
    for (const auto& o : node.output())
      if (quantizable(o, gi, ranges)) quantized.insert(o);
  }

  // 4. Parameters, in graph order (a moved tensor takes its input's).
  std::unordered_map<std::string, QuantParams> params;
  auto add_params = [&](const std::string& t, Range range, const std::string& from) {
    QuantParams q = from.empty() ? uint8_params(range) : params.at(from);
    params[t] = q;
    result.tensors.push_back({t, range, q, from, ""});
  };
  for (const auto& v : g.input())
    if (quantized.contains(v.name()) && !gi.initializer(v.name()))
      add_params(v.name(), ranges.at(v.name()), "");
  for (const auto& t : g.initializer())
    if (quantized.contains(t.name())) add_params(t.name(), constant_range(*float_constant(&t)), "");
  for (int i = 0; i < n; ++i) {
    if (removed[i]) continue;
    const auto& node = g.node(i);
    for (const auto& o : node.output()) {
      if (!quantized.contains(o)) continue;
      if (result.nodes[i].quantized && role_of(node) == Role::kMove)
        add_params(o, ranges.contains(o) ? ranges.at(o) : Range{}, node.input(0));
      else
        add_params(o, ranges.at(o), "");
    }
  }

  // 5. Emit.
  QdqEmitter emit(g, gi, options, params);
  for (const auto& v : g.input())
    if (quantized.contains(v.name()) && !gi.initializer(v.name())) emit.quantize_tensor(v.name());
  for (const auto& t : g.initializer())
    if (quantized.contains(t.name())) emit.quantize_constant(t.name());
  for (int i = 0; i < n; ++i) {
    if (removed[i]) continue;
    onnx::NodeProto node = g.node(i);
    if (result.nodes[i].quantized) NNPORT_RETURN_IF_ERROR(emit.quantize_weights(node, *slots[i]));
    for (std::string& in : *node.mutable_input()) in = emit.reader_name(in);
    emit.add(std::move(node));
    for (const auto& o : g.node(i).output())
      if (quantized.contains(o)) emit.quantize_tensor(o);
  }
  emit.finish();
  for (auto& t : result.tensors) t.dequantized = emit.reader_name(t.name);
  return result;
}

}  // namespace nnport::quantize
