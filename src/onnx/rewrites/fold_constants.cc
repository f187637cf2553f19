// fold_constants: evaluates, once, the top-graph nodes whose inputs are all
// constant (initializers that are not graph inputs, Constant nodes, outputs
// of nodes folded before) and stores each result as an initializer; then
// drops the nodes and initializers nothing reads any more. Exporters leave
// such subgraphs around Reshape (Shape -> Gather -> Unsqueeze -> Concat) and
// some backends (OpenCV DNN, TensorRT's parser) want the shape constant.
//
// Shape reads only its input's shape: ONNX shape inference (on a copy, so
// the model gains no value_info) gives the static dims. When some dims are
// dynamic (a batch dim), Shape's output is kept as a partial value and the
// data-movement ops (Gather, Slice, Squeeze, Unsqueeze, Concat, Reshape,
// Identity) carry it along; a result whose elements are all static folds.
//
// Left alone: ops outside the small evaluator below, element types other
// than float/int64/int32/bool, nodes in other domains or with subgraphs,
// results over kMaxFoldedBytes, and nodes that produce a graph output (the
// output keeps its producing node, so the graph's interface is unchanged and
// no Identity-of-initializer is needed). Models below IR 4 are left as they
// are: there every initializer must also be a graph input.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "onnx/onnx_io.h"
#include "onnx/onnx_pass.h"
#include "onnx/rewrites/constant_eval.h"
#include "onnx/rewrites/graph_names.h"

namespace nnport::onnx_internal {
namespace {

using namespace constant_eval;  // NOLINT: the evaluator's vocabulary

// ---- the graph ---------------------------------------------------------------

// Constant's value as a TensorProto; nullopt for sparse or string values.
std::optional<TP> constant_tensor(const onnx::NodeProto& n) {
  if (n.attribute_size() != 1) return std::nullopt;
  const onnx::AttributeProto& a = n.attribute(0);
  TP t;
  if (a.name() == "value") {
    t = a.t();
  } else if (a.name() == "value_float") {
    t.set_data_type(TP::FLOAT);
    t.add_float_data(a.f());
  } else if (a.name() == "value_floats") {
    t.set_data_type(TP::FLOAT);
    t.add_dims(a.floats_size());
    for (float x : a.floats()) t.add_float_data(x);
  } else if (a.name() == "value_int") {
    t.set_data_type(TP::INT64);
    t.add_int64_data(a.i());
  } else if (a.name() == "value_ints") {
    t.set_data_type(TP::INT64);
    t.add_dims(a.ints_size());
    for (int64_t x : a.ints()) t.add_int64_data(x);
  } else {
    return std::nullopt;
  }
  return t;
}

// Static-or-not dims (-1: unknown) of every value shape inference types.
std::unordered_map<std::string, Dims> inferred_dims(const onnx::ModelProto& model,
                                                    const std::string& path) {
  onnx::ModelProto copy = model;
  std::unordered_map<std::string, Dims> dims;
  // Without inference only the declared shapes are known: still usable.
  (void)infer_shapes(copy, path);
  auto add = [&](const onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
    Dims d;
    for (const auto& dim : v.type().tensor_type().shape().dim())
      d.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value() : -1);
    dims[v.name()] = std::move(d);
  };
  const onnx::GraphProto& g = copy.graph();
  for (const auto& v : g.input()) add(v);
  for (const auto& v : g.value_info()) add(v);
  for (const auto& v : g.output()) add(v);
  return dims;
}

// Shape (start/end since opset 15) of dims that may be partly unknown.
std::optional<Value> eval_shape(const onnx::NodeProto& n, const Dims& dims) {
  const int64_t rank = static_cast<int64_t>(dims.size());
  auto clamp = [&](int64_t x) { return std::clamp<int64_t>(x < 0 ? x + rank : x, 0, rank); };
  const int64_t start = clamp(int_attr(n, "start", 0)), end = clamp(int_attr(n, "end", rank));
  Value out = make_value(TP::INT64, {std::max<int64_t>(end - start, 0)});
  for (int64_t d = start; d < end; ++d) {
    out.i[d - start] = dims[d] >= 0 ? dims[d] : kUnknown;
    out.partial = out.partial || dims[d] < 0;
  }
  return out;
}

// Every name a node's subgraphs read (their own names too: over-counting
// only keeps more).
void count_subgraph_uses(const onnx::GraphProto& g, std::unordered_map<std::string, int>& uses) {
  for (const auto& node : g.node()) {
    for (const auto& in : node.input()) ++uses[in];
    for (const auto& a : node.attribute()) {
      if (a.has_g()) count_subgraph_uses(a.g(), uses);
      for (const auto& sub : a.graphs()) count_subgraph_uses(sub, uses);
    }
  }
  for (const auto& out : g.output()) ++uses[out.name()];
}

void count_node_uses(const onnx::NodeProto& node, std::unordered_map<std::string, int>& uses,
                     int delta) {
  for (const auto& in : node.input())
    if (!in.empty()) uses[in] += delta;
  if (delta > 0)
    for (const auto& a : node.attribute()) {
      if (a.has_g()) count_subgraph_uses(a.g(), uses);
      for (const auto& sub : a.graphs()) count_subgraph_uses(sub, uses);
    }
}

}  // namespace

Status fold_constants(onnx::ModelProto& model, const std::string& path) {
  if (model.ir_version() < 4) return Status::ok_status();  // see the top of this file
  onnx::GraphProto& g = *model.mutable_graph();
  const Ctx ctx{ai_onnx_opset(model)};
  const std::unordered_map<std::string, Dims> dims = inferred_dims(model, path);
  std::set<std::string> graph_inputs, graph_outputs;
  for (const auto& v : g.input()) graph_inputs.insert(v.name());
  for (const auto& v : g.output()) graph_outputs.insert(v.name());

  // Constants by name: initializers and Constant values stay protos until a
  // node needs their data (weights are never decoded for nothing).
  std::unordered_map<std::string, const TP*> protos;
  std::unordered_map<std::string, std::optional<Value>> values;  // nullopt: undecodable
  std::unordered_map<std::string, Value> partials;               // partial Shape data
  std::deque<TP> constant_values;  // Constant nodes' values (stable addresses)
  for (const TP& t : g.initializer())
    if (!graph_inputs.contains(t.name())) protos[t.name()] = &t;  // an input may be overridden
  auto value_of = [&](const std::string& name) -> const Value* {
    auto it = values.find(name);
    if (it == values.end()) {
      auto p = protos.find(name);
      if (p == protos.end()) return nullptr;
      it = values.emplace(name, decode(*p->second)).first;
    }
    return it->second ? &*it->second : nullptr;
  };

  std::vector<bool> folded(g.node_size(), false);
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& node = g.node(i);
    if (!is_onnx_op(node, node.op_type().c_str()) || has_subgraph(node)) continue;
    if (node.output_size() != 1 || node.output(0).empty()) continue;
    const std::string& out = node.output(0);
    if (graph_outputs.contains(out)) continue;  // the output keeps its node

    if (node.op_type() == "Constant") {
      auto t = constant_tensor(node);
      if (!t) continue;
      t->set_name(out);
      constant_values.push_back(std::move(*t));
      protos[out] = &constant_values.back();
      folded[i] = true;
      continue;
    }
    std::optional<Value> result;
    if (node.op_type() == "Shape") {
      if (node.input_size() != 1) continue;
      const std::string& x = node.input(0);
      if (auto p = protos.find(x); p != protos.end()) {  // no need to decode a weight
        result = eval_shape(node, Dims(p->second->dims().begin(), p->second->dims().end()));
      } else if (auto v = values.find(x); v != values.end() && v->second) {
        result = eval_shape(node, v->second->dims);
      } else if (auto d = dims.find(x); d != dims.end()) {
        result = eval_shape(node, d->second);
      }
    } else if (const Op* op = find_op(node)) {
      // Names first, data second: a weight is decoded only for a node that folds.
      auto partial_ok = [&](int k) {
        return op->moves_data && (k == 0 || node.op_type() == "Concat") &&
               partials.contains(node.input(k));
      };
      bool constant = true;
      for (int k = 0; k < node.input_size() && constant; ++k) {
        const std::string& name = node.input(k);
        constant = name.empty() || protos.contains(name) || values.contains(name) || partial_ok(k);
      }
      std::vector<const Value*> in;
      for (int k = 0; k < node.input_size() && constant; ++k) {
        const std::string& name = node.input(k);
        if (name.empty()) {
          in.push_back(nullptr);  // an omitted optional input
        } else if (const Value* v = value_of(name)) {
          in.push_back(v);
        } else if (partial_ok(k)) {
          in.push_back(&partials.at(name));
        } else {
          constant = false;  // a constant this pass cannot read
        }
      }
      if (constant) result = op->eval(node, in, ctx);
    }
    if (!result) continue;
    if (result->partial) {
      if (std::find(result->i.begin(), result->i.end(), kUnknown) != result->i.end()) {
        partials[out] = std::move(*result);  // the node stays; readers may pick static dims
        continue;
      }
      result->partial = false;
    }
    if (size_of(*result) * element_bytes(result->type) > kMaxFoldedBytes) continue;
    values[out] = std::move(*result);
    folded[i] = true;
  }

  // Who still reads what: kept nodes (and their subgraphs) and graph outputs.
  std::unordered_map<std::string, int> uses;
  for (int i = 0; i < g.node_size(); ++i)
    if (!folded[i]) count_node_uses(g.node(i), uses, +1);
  for (const auto& name : graph_outputs) ++uses[name];
  // Nodes nothing reads any more (a Shape whose static dims all folded),
  // latest first so that chains go in one sweep.
  std::vector<bool> dead(g.node_size(), false);
  for (int i = g.node_size() - 1; i >= 0; --i) {
    const onnx::NodeProto& node = g.node(i);
    if (folded[i] || !is_onnx_op(node, node.op_type().c_str()) || has_subgraph(node) ||
        node.output_size() == 0)
      continue;
    bool read = false;
    for (const auto& o : node.output()) read = read || (!o.empty() && uses[o] > 0);
    if (read) continue;
    dead[i] = true;
    count_node_uses(node, uses, -1);
  }

  // Rebuild: kept nodes in order, read initializers, then folded results.
  std::set<std::string> defined(graph_inputs.begin(), graph_inputs.end());
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  std::vector<TP> new_initializers;
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& node = g.node(i);
    if (dead[i]) continue;
    if (!folded[i]) {
      *nodes.Add() = node;
      for (const auto& o : node.output()) defined.insert(o);
      continue;
    }
    const std::string& out = node.output(0);
    if (uses[out] <= 0) continue;
    defined.insert(out);
    if (node.op_type() == "Constant")
      new_initializers.push_back(*protos.at(out));  // its value as it was written
    else
      new_initializers.push_back(encode(*values.at(out), out));
  }
  auto* inits = g.mutable_initializer();
  for (int k = inits->size() - 1; k >= 0; --k) {
    const std::string& name = inits->Get(k).name();
    if (graph_inputs.contains(name) || uses[name] > 0)
      defined.insert(name);
    else
      inits->DeleteSubrange(k, 1);
  }
  // `protos` points into the old nodes and initializers: no use past here.
  g.mutable_node()->Swap(&nodes);
  for (TP& t : new_initializers) *inits->Add() = std::move(t);
  for (int k = g.value_info_size() - 1; k >= 0; --k)
    if (!defined.contains(g.value_info(k).name())) g.mutable_value_info()->DeleteSubrange(k, 1);
  return Status::ok_status();
}

}  // namespace nnport::onnx_internal
