// make_plan: the fp16 pass's decisions, from the ONNX schemas. A node's type
// constraints say which of its inputs and outputs follow the data type (they
// become float16 with it) and which are fixed to float32 (Resize's scales,
// QuantizeLinear's scale); shape inference supplies the original types.
#include <algorithm>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "onnx/defs/schema.h"
#include "onnx/onnx_io.h"
#include "quantize/fp16_plan.h"

namespace nnport::quantize::fp16_internal {
namespace {

using Formals = std::vector<onnx::OpSchema::FormalParameter>;

int32_t elem_of(const onnx::TypeProto& t) {
  if (t.value_case() == onnx::TypeProto::kTensorType) return t.tensor_type().elem_type();
  if (t.value_case() == onnx::TypeProto::VALUE_NOT_SET) return 0;
  return kNonTensor;
}

bool is_onnx_domain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

bool is_op(const onnx::NodeProto& n, const char* op) {
  return n.op_type() == op && is_onnx_domain(n.domain());
}

const onnx::AttributeProto* attr(const onnx::NodeProto& n, const char* name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

// The element type a Constant's attribute gives its output.
int32_t constant_elem(const onnx::NodeProto& n) {
  for (const auto& a : n.attribute()) {
    if (a.name() == "value") return a.t().data_type();
    if (a.name() == "sparse_value") return a.sparse_tensor().values().data_type();
    if (a.name() == "value_float" || a.name() == "value_floats") return kFloat;
    if (a.name() == "value_int" || a.name() == "value_ints") return onnx::TensorProto::INT64;
    if (a.name() == "value_string" || a.name() == "value_strings") return onnx::TensorProto::STRING;
  }
  return 0;
}

bool has_subgraph(const onnx::NodeProto& n) {
  for (const auto& a : n.attribute())
    if (a.has_g() || a.graphs_size() > 0) return true;
  return false;
}

// Every name a subgraph (and its subgraphs) reads or outputs.
void collect_reads(const onnx::GraphProto& g, std::unordered_set<std::string>& out) {
  for (const auto& n : g.node()) {
    for (const auto& i : n.input()) out.insert(i);
    for (const auto& a : n.attribute()) {
      if (a.has_g()) collect_reads(a.g(), out);
      for (const auto& sg : a.graphs()) collect_reads(sg, out);
    }
  }
  for (const auto& o : g.output()) out.insert(o.name());
}

// The type string of actual input/output i ("T", "tensor(float)"); null
// past the formals (a variadic last formal covers the rest).
const std::string* formal_type(const Formals& formals, int i) {
  if (i < static_cast<int>(formals.size())) return &formals[i].GetTypeStr();
  if (!formals.empty() && formals.back().GetOption() == onnx::OpSchema::Variadic)
    return &formals.back().GetTypeStr();
  return nullptr;
}

const onnx::OpSchema::TypeConstraintParam* constraint(const onnx::OpSchema& s,
                                                      const std::string& type_str) {
  for (const auto& c : s.typeConstraintParams())
    if (c.type_param_str == type_str) return &c;
  return nullptr;
}

bool allows_half(const onnx::OpSchema& s, const std::string& type_str) {
  const auto* c = constraint(s, type_str);
  if (c == nullptr) return type_str == "tensor(float16)";
  for (const auto& t : c->allowed_type_strs)
    if (t == "tensor(float16)") return true;
  return false;
}

bool is_float_type(int64_t t) {
  return t == onnx::TensorProto::FLOAT || t == onnx::TensorProto::FLOAT16 ||
         t == onnx::TensorProto::DOUBLE || t == onnx::TensorProto::BFLOAT16;
}

// Inputs that are sizes, coordinates or thresholds rather than data: float16
// would change the result's shape or which boxes are picked. Beyond these,
// every input whose schema type is plain tensor(float) counts too.
bool exact_input(const onnx::NodeProto& n, const onnx::OpSchema* s, int slot, int64_t opset) {
  if (is_op(n, "Resize") && opset >= 11 && slot == 1) return true;  // roi
  if (is_op(n, "RoiAlign") && slot == 1) return true;               // rois
  if (is_op(n, "Range")) return true;                               // start, limit, delta
  if (is_op(n, "Cast")) {                                           // to an integer or bool
    const auto* to = attr(n, "to");
    return to != nullptr && !is_float_type(to->i());
  }
  if (s == nullptr) return false;
  const std::string* t = formal_type(s->inputs(), slot);
  return t != nullptr && *t == "tensor(float)";
}

class Planner {
 public:
  Planner(const onnx::ModelProto& model, const Fp16Options& options)
      : model_(model), g_(model.graph()), options_(options) {
    for (const auto& op : model.opset_import())
      opsets_[is_onnx_domain(op.domain()) ? "" : op.domain()] = op.version();
  }

  Result<Plan> run(const std::string& path) {
    if (opsets_[""] < 7)
      return invalid_argument("fp16: " + path + ": " +
                              (opsets_[""] == 0
                                   ? std::string("no ai.onnx opset import")
                                   : "ai.onnx opset " + std::to_string(opsets_[""]) +
                                         " is below 7 (Cast's 'to' was a string then)") +
                              "; re-export with opset 7 or newer");
    NNPORT_RETURN_IF_ERROR(learn_types(path));
    const int n = g_.node_size();
    schemas_.resize(n);
    for (int i = 0; i < n; ++i) schemas_[i] = find_schema(g_.node(i));
    unify_types();
    plan_.modes.resize(n);
    plan_.wants.resize(n);
    plan_.half_out.resize(n);
    plan_.set_dtype.assign(n, false);
    for (int i = 0; i < n; ++i) plan_.modes[i] = mode_of(i);
    collect_values();
    for (int i = 0; i < n; ++i) decide_node(i);
    propagate_exact();
    return std::move(plan_);
  }

 private:
  Status learn_types(const std::string& path) {
    // Inference on a copy without the float weights' data (only types are
    // needed); small ones stay, as Resize's scales give its output shape.
    onnx::ModelProto copy;
    copy.set_ir_version(model_.ir_version());
    *copy.mutable_opset_import() = model_.opset_import();
    *copy.mutable_functions() = model_.functions();
    onnx::GraphProto& cg = *copy.mutable_graph();
    cg.set_name(g_.name());
    *cg.mutable_node() = g_.node();
    *cg.mutable_input() = g_.input();
    *cg.mutable_output() = g_.output();
    *cg.mutable_value_info() = g_.value_info();
    *cg.mutable_sparse_initializer() = g_.sparse_initializer();
    for (const auto& t : g_.initializer()) {
      onnx::TensorProto& c = *cg.add_initializer();
      if (t.data_type() != kFloat || t.float_data_size() + t.raw_data().size() / 4 <= 64) {
        c = t;
        continue;
      }
      c.set_name(t.name());
      c.set_data_type(t.data_type());
      *c.mutable_dims() = t.dims();
    }
    NNPORT_RETURN_IF_ERROR(onnx_internal::infer_shapes(copy, path));
    const onnx::GraphProto& ig = copy.graph();
    for (const auto& t : ig.initializer()) elem_[t.name()] = t.data_type();
    for (const auto& t : ig.sparse_initializer()) elem_[t.values().name()] = kNonTensor;
    for (const auto* list : {&ig.input(), &ig.output(), &ig.value_info()})
      for (const auto& v : *list) {
        types_[v.name()] = v.type();
        if (int32_t e = elem_of(v.type()); e != 0 && !elem_.count(v.name())) elem_[v.name()] = e;
      }
    for (const auto& n : ig.node())
      if (is_op(n, "Constant") && n.output_size() == 1)
        if (int32_t e = constant_elem(n); e != 0) elem_[n.output(0)] = e;
    return Status::ok_status();
  }

  const onnx::OpSchema* find_schema(const onnx::NodeProto& n) const {
    const std::string domain = is_onnx_domain(n.domain()) ? "" : n.domain();
    const auto it = opsets_.find(domain);
    if (it == opsets_.end()) return nullptr;
    return onnx::OpSchemaRegistry::Schema(n.op_type(), static_cast<int>(it->second), domain);
  }

  int32_t elem(const std::string& name) const {
    const auto it = elem_.find(name);
    return it == elem_.end() ? 0 : it->second;
  }

  // Inference leaves values after a custom op untyped; a value sharing a
  // type parameter with a typed one has its type (Add(untyped, float)).
  void unify_types() {
    for (bool changed = true; changed;) {
      changed = false;
      for (int i = 0; i < g_.node_size(); ++i) {
        const onnx::OpSchema* s = schemas_[i];
        if (s == nullptr) continue;
        const auto& node = g_.node(i);
        std::map<std::string, int32_t> bound;
        auto each_slot = [&](auto&& fn) {
          for (int k = 0; k < node.input_size(); ++k)
            if (const auto* t = formal_type(s->inputs(), k); t && !node.input(k).empty())
              fn(*t, node.input(k));
          for (int k = 0; k < node.output_size(); ++k)
            if (const auto* t = formal_type(s->outputs(), k); t && !node.output(k).empty())
              fn(*t, node.output(k));
        };
        each_slot([&](const std::string& t, const std::string& name) {
          if (constraint(*s, t) != nullptr && elem(name) > 0) bound.emplace(t, elem(name));
        });
        each_slot([&](const std::string& t, const std::string& name) {
          const auto b = bound.find(t);
          if (b != bound.end() && elem(name) == 0) {
            elem_[name] = b->second;
            changed = true;
          }
        });
      }
    }
  }

  Mode mode_of(int i) const {
    const auto& n = g_.node(i);
    const auto listed = [](const std::vector<std::string>& list, const std::string& s) {
      return std::find(list.begin(), list.end(), s) != list.end();
    };
    bool non_tensor = false;
    for (const auto* names : {&n.input(), &n.output()})
      for (const auto& v : *names) non_tensor = non_tensor || elem(v) == kNonTensor;
    if (listed(options_.op_block_list, n.op_type()) ||
        (!n.name().empty() && listed(options_.node_block_list, n.name())) ||
        schemas_[i] == nullptr || has_subgraph(n) || non_tensor)
      return Mode::kBlocked;
    if (is_op(n, "Constant") && n.output_size() == 1 && elem(n.output(0)) == kFloat)
      return Mode::kFlexible;
    if (is_op(n, "Cast") && n.output_size() == 1 && elem(n.output(0)) == kFloat)
      return Mode::kFlexible;
    return Mode::kConvert;
  }

  // The float32 values in graph order, with their producers and readers.
  void collect_values() {
    auto add = [&](const std::string& name) -> FloatValue* {
      if (name.empty() || elem(name) != kFloat || plan_.values.count(name)) return nullptr;
      plan_.order.push_back(name);
      FloatValue& v = plan_.values[name];
      if (const auto t = types_.find(name); t != types_.end()) v.type = t->second;
      return &v;
    };
    // An initializer also listed as an input (old exporters) is a weight:
    // converted like one, its input entry following, whatever keep_io_types.
    for (const auto& t : g_.initializer())
      if (FloatValue* v = add(t.name())) v->initializer = true;
    for (const auto& in : g_.input())
      if (FloatValue* v = add(in.name())) v->graph_input = true;
    for (int i = 0; i < g_.node_size(); ++i)
      for (int k = 0; k < g_.node(i).output_size(); ++k)
        if (FloatValue* v = add(g_.node(i).output(k))) {
          v->producer = i;
          v->output = k;
        }
    for (const auto& out : g_.output())
      if (auto it = plan_.values.find(out.name()); it != plan_.values.end())
        it->second.graph_output = true;
    for (int i = 0; i < g_.node_size(); ++i) {
      const auto& n = g_.node(i);
      for (int k = 0; k < n.input_size(); ++k)
        if (auto it = plan_.values.find(n.input(k)); it != plan_.values.end())
          it->second.uses.push_back({i, k});
      if (!has_subgraph(n)) continue;
      std::unordered_set<std::string> reads;
      for (const auto& a : n.attribute()) {
        if (a.has_g()) collect_reads(a.g(), reads);
        for (const auto& sg : a.graphs()) collect_reads(sg, reads);
      }
      for (const auto& name : reads)
        if (auto it = plan_.values.find(name); it != plan_.values.end())
          it->second.uses.push_back({i, -1});
    }
  }

  void decide_node(int i) {
    const auto& n = g_.node(i);
    const onnx::OpSchema* s = schemas_[i];
    const Mode mode = plan_.modes[i];
    const int64_t opset = opsets_[""];
    auto& wants = plan_.wants[i];
    wants.assign(n.input_size(), Want::kAny);
    for (int k = 0; k < n.input_size(); ++k) {
      if (elem(n.input(k)) != kFloat) continue;
      const bool exact = exact_input(n, s, k, opset);
      if (mode == Mode::kBlocked) {
        wants[k] = exact ? Want::kExact : Want::kFloat;
      } else if (exact) {
        wants[k] = Want::kExact;
      } else if (mode == Mode::kFlexible || is_op(n, "Cast")) {
        wants[k] = Want::kAny;  // a Cast reads either type
      } else {
        const std::string* t = formal_type(s->inputs(), k);
        wants[k] = t != nullptr && allows_half(*s, *t) ? Want::kHalf : Want::kFloat;
      }
    }
    auto& half = plan_.half_out[i];
    half.assign(n.output_size(), false);
    if (mode != Mode::kConvert) return;
    for (int k = 0; k < n.output_size(); ++k) {
      const std::string* t = formal_type(s->outputs(), k);
      if (elem(n.output(k)) != kFloat || t == nullptr || constraint(*s, *t) == nullptr ||
          !allows_half(*s, *t))
        continue;
      bool from_input = false;  // the type parameter follows a (float) input
      for (int j = 0; j < n.input_size(); ++j) {
        const std::string* ti = formal_type(s->inputs(), j);
        from_input = from_input || (!n.input(j).empty() && ti != nullptr && *ti == *t);
      }
      if (from_input) {
        half[k] = true;
      } else if (is_op(n, "ConstantOfShape") || s->attributes().count("dtype")) {
        half[k] = true;  // an attribute gives the type: rewrite it
        plan_.set_dtype[i] = true;
      }
    }
  }

  // A node whose float outputs are read only by kExact inputs stays float32
  // and its own inputs become kExact: size and box computations stay exact.
  void propagate_exact() {
    for (bool changed = true; changed;) {
      changed = false;
      for (int i = g_.node_size() - 1; i >= 0; --i) {
        const auto& n = g_.node(i);
        Mode& mode = plan_.modes[i];
        if (mode != Mode::kConvert && !(mode == Mode::kFlexible && is_op(n, "Cast"))) continue;
        int read = 0;
        bool only_exact = true;
        for (const auto& o : n.output()) {
          const auto it = plan_.values.find(o);
          if (it == plan_.values.end()) continue;
          only_exact = only_exact && !it->second.graph_output;
          for (const Use& u : it->second.uses) {
            ++read;
            only_exact = only_exact && u.slot >= 0 && plan_.wants[u.node][u.slot] == Want::kExact;
          }
        }
        if (read == 0 || !only_exact) continue;
        mode = Mode::kExact;
        plan_.set_dtype[i] = false;
        std::fill(plan_.half_out[i].begin(), plan_.half_out[i].end(), false);
        for (int k = 0; k < n.input_size(); ++k)
          if (elem(n.input(k)) == kFloat) plan_.wants[i][k] = Want::kExact;
        changed = true;
      }
    }
  }

  const onnx::ModelProto& model_;
  const onnx::GraphProto& g_;
  const Fp16Options& options_;
  std::map<std::string, int64_t> opsets_;
  std::unordered_map<std::string, int32_t> elem_;
  std::unordered_map<std::string, onnx::TypeProto> types_;
  std::vector<const onnx::OpSchema*> schemas_;
  Plan plan_;
};

}  // namespace

Result<Plan> make_plan(const onnx::ModelProto& model, const Fp16Options& options,
                       const std::string& path) {
  return Planner(model, options).run(path);
}

}  // namespace nnport::quantize::fp16_internal
