// convert_to_fp16: carries out make_plan's decisions on the model. Every
// float32 value gets the type its producer now makes; a reader that wants
// the other type reads a Cast of it (one per value and type), and a graph
// output keeps its name and the io type through a renamed producer.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/log.h"
#include "nnport/tensor.h"
#include "onnx/rewrites/graph_names.h"
#include "quantize/fp16_model.h"
#include "quantize/fp16_plan.h"

namespace nnport::quantize {
namespace {

using namespace fp16_internal;  // NOLINT: the plan's vocabulary, in this file only

static_assert(std::endian::native == std::endian::little, "raw_data is little-endian");

// onnxconverter_common's clamp: sign and finiteness survive the rounding.
uint16_t clamped_half(float x, const Fp16Options& o, int64_t* clamped) {
  const float lo = o.min_positive_val, hi = o.max_finite_val;
  float y = x;
  if (x > 0 && x < lo) y = lo;
  if (x < 0 && x > -lo) y = -lo;
  if (x > hi && std::isfinite(x)) y = hi;
  if (x < -hi && std::isfinite(x)) y = -hi;
  *clamped += y != x && !std::isnan(x);
  return float_to_half(y);
}

void set_half_data(onnx::TensorProto& t, const std::vector<float>& values, const Fp16Options& o,
                   int64_t* clamped) {
  std::string raw(values.size() * 2, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    const uint16_t h = clamped_half(values[i], o, clamped);
    std::memcpy(raw.data() + 2 * i, &h, 2);
  }
  t.clear_float_data();
  t.set_raw_data(std::move(raw));
  t.set_data_type(kHalf);
}

struct Counts {
  int half_nodes = 0;  // nodes that now write float16
  int casts = 0;
  int copies = 0;
  int64_t clamped = 0;
};

class Rewriter {
 public:
  Rewriter(onnx::ModelProto& model, const Plan& plan, const Fp16Options& options,
           const std::string& path)
      : g_(*model.mutable_graph()), plan_(plan), options_(options), path_(path) {
    io_ = options.keep_io_types ? kFloat : kHalf;
    collect_names(g_);
    for (int i = 0; i < g_.initializer_size(); ++i) initializers_[g_.initializer(i).name()] = i;
  }

  Status run(Counts* counts) {
    nodes_.reserve(g_.node_size());
    for (auto& n : *g_.mutable_node()) nodes_.push_back(std::move(n));
    after_.resize(nodes_.size());
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (plan_.set_dtype[i]) NNPORT_RETURN_IF_ERROR(set_half_dtype(nodes_[i]));
      const auto& half = plan_.half_out[i];
      counts_.half_nodes += std::find(half.begin(), half.end(), true) != half.end();
    }
    for (const std::string& name : plan_.order)
      NNPORT_RETURN_IF_ERROR(rewrite_value(name, plan_.values.at(name)));
    g_.clear_node();
    for (auto& n : prefix_) *g_.add_node() = std::move(n);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      *g_.add_node() = std::move(nodes_[i]);
      for (auto& n : after_[i]) *g_.add_node() = std::move(n);
    }
    update_types();
    *counts = counts_;
    return Status::ok_status();
  }

 private:
  void collect_names(const onnx::GraphProto& g) {
    for (const auto* list : {&g.input(), &g.output(), &g.value_info()})
      for (const auto& v : *list) taken_.insert(v.name());
    for (const auto& t : g.initializer()) taken_.insert(t.name());
    for (const auto& n : g.node()) {
      taken_.insert(n.name());
      for (const auto& o : n.output()) taken_.insert(o);
      for (const auto& a : n.attribute()) {
        if (a.has_g()) collect_names(a.g());
        for (const auto& sg : a.graphs()) collect_names(sg);
      }
    }
  }

  std::string fresh(const std::string& base) {
    std::string name = base;
    for (int i = 1; taken_.count(name); ++i) name = base + "_" + std::to_string(i);
    taken_.insert(name);
    return name;
  }

  static const char* suffix(int32_t type) { return type == kHalf ? "_fp16" : "_fp32"; }

  onnx::NodeProto make_cast(const std::string& from, const std::string& to, int32_t type) {
    onnx::NodeProto n;
    n.set_op_type("Cast");
    n.set_name(fresh(to + "_cast"));
    n.add_input(from);
    n.add_output(to);
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name("to");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(type);
    ++counts_.casts;
    return n;
  }

  Status convert_tensor(onnx::TensorProto& t, const std::string& what) {
    if (t.data_type() != kFloat) return Status::ok_status();
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
      return invalid_argument("fp16: " + path_ + ": " + what +
                              " is stored in external data; load it into the model " +
                              "(onnx.load with load_external_data=True) before converting");
    std::vector<float> values(t.float_data().begin(), t.float_data().end());
    if (!t.raw_data().empty()) {
      values.resize(t.raw_data().size() / 4);
      std::memcpy(values.data(), t.raw_data().data(), values.size() * 4);
    }
    set_half_data(t, values, options_, &counts_.clamped);
    return Status::ok_status();
  }

  // A Constant (float value) or Cast (to=FLOAT) made to give float16.
  Status make_half(onnx::NodeProto& n) {
    for (auto& a : *n.mutable_attribute()) {
      const std::string what = "node '" + n.name() + "' (" + n.op_type() + ")";
      if (a.name() == "to") a.set_i(kHalf);
      if (a.name() == "value") NNPORT_RETURN_IF_ERROR(convert_tensor(*a.mutable_t(), what));
      if (a.name() == "sparse_value")
        NNPORT_RETURN_IF_ERROR(convert_tensor(*a.mutable_sparse_tensor()->mutable_values(), what));
      if (a.name() == "value_float" || a.name() == "value_floats") {
        std::vector<float> values(a.floats().begin(), a.floats().end());
        if (a.name() == "value_float") values = {a.f()};
        onnx::TensorProto t;
        if (a.name() == "value_floats") t.add_dims(static_cast<int64_t>(values.size()));
        set_half_data(t, values, options_, &counts_.clamped);
        a.Clear();
        a.set_name("value");
        a.set_type(onnx::AttributeProto::TENSOR);
        *a.mutable_t() = std::move(t);
      }
    }
    return Status::ok_status();
  }

  // ConstantOfShape's value, or the dtype of RandomNormal, EyeLike, ...
  Status set_half_dtype(onnx::NodeProto& n) {
    const bool cos = n.op_type() == "ConstantOfShape";
    for (auto& a : *n.mutable_attribute()) {
      if (cos && a.name() == "value") return make_half(n);
      if (!cos && a.name() == "dtype") {
        a.set_i(kHalf);
        return Status::ok_status();
      }
    }
    onnx::AttributeProto* a = n.add_attribute();
    if (cos) {  // absent: a float32 zero
      a->set_name("value");
      a->set_type(onnx::AttributeProto::TENSOR);
      a->mutable_t()->add_dims(1);
      a->mutable_t()->set_data_type(kHalf);
      a->mutable_t()->set_raw_data(std::string(2, '\0'));
    } else {
      a->set_name("dtype");
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(kHalf);
    }
    return Status::ok_status();
  }

  static bool half_wanted(Want w) { return w == Want::kHalf; }
  static bool float_wanted(Want w) { return w == Want::kFloat || w == Want::kExact; }
  Want want(const Use& u) const { return u.slot < 0 ? Want::kFloat : plan_.wants[u.node][u.slot]; }

  Status rewrite_value(const std::string& name, const FloatValue& v) {
    const int p = v.producer;
    auto& place = p >= 0 ? after_[p] : prefix_;
    const bool flexible = v.initializer || (p >= 0 && plan_.modes[p] == Mode::kFlexible);
    std::map<int32_t, std::string> at;  // type -> the name that holds it
    int32_t produced = kFloat;
    if (flexible) {
      bool half = v.graph_output && io_ == kHalf, full = v.graph_output && io_ == kFloat;
      for (const Use& u : v.uses) {
        half = half || half_wanted(want(u));
        full = full || float_wanted(want(u));
      }
      produced = half && full && v.graph_output ? io_ : half ? kHalf : kFloat;
      at[produced] = name;
      if (half && full) {  // both kinds read it: keep it twice
        const int32_t other = produced == kHalf ? kFloat : kHalf;
        NNPORT_ASSIGN_OR_RETURN(at[other], copy_of(name, v, other));
      }
      if (produced == kHalf) NNPORT_RETURN_IF_ERROR(to_half(name, v));
    } else {
      if (v.graph_input) produced = io_;
      if (p >= 0 && plan_.modes[p] == Mode::kConvert && plan_.half_out[p][v.output])
        produced = kHalf;
      at[produced] = name;
      if (v.graph_output && produced != io_ && p >= 0) {
        const std::string inner = fresh(name + suffix(produced));
        nodes_[p].set_output(v.output, inner);
        at[produced] = inner;
        place.push_back(make_cast(inner, name, io_));
        at[io_] = name;
      }
    }
    for (const Use& u : v.uses) {
      const Want w = want(u);
      std::string source = at[produced];
      if (w != Want::kAny) {
        const int32_t type = half_wanted(w) ? kHalf : kFloat;
        if (!at.count(type)) {
          at[type] = fresh(name + (type == kHalf ? "_to_fp16" : "_to_fp32"));
          place.push_back(make_cast(at[produced], at[type], type));
        }
        source = at[type];
      }
      if (u.slot >= 0) {
        nodes_[u.node].set_input(u.slot, source);
      } else if (source != name) {  // read inside If/Loop/Scan bodies
        for (auto& a : *nodes_[u.node].mutable_attribute()) {
          if (a.has_g()) rename_body(*a.mutable_g(), name, source);
          for (auto& sg : *a.mutable_graphs()) rename_body(sg, name, source);
        }
      }
    }
    for (const auto& [type, held] : at) {
      final_[held] = type;
      if (held != name) added_.emplace_back(held, &v);
    }
    return Status::ok_status();
  }

  static void rename_body(onnx::GraphProto& body, const std::string& from, const std::string& to) {
    onnx_internal::rename_uses(body, from, to);
    for (auto& out : *body.mutable_output())
      if (out.name() == from) out.set_name(to);
  }

  // A second initializer or producer node, in the other type.
  Result<std::string> copy_of(const std::string& name, const FloatValue& v, int32_t type) {
    const std::string copy = fresh(name + suffix(type));
    ++counts_.copies;
    if (v.initializer) {
      onnx::TensorProto t = g_.initializer(initializers_.at(name));
      t.set_name(copy);
      if (type == kHalf) NNPORT_RETURN_IF_ERROR(convert_tensor(t, "initializer '" + name + "'"));
      *g_.add_initializer() = std::move(t);
    } else {
      onnx::NodeProto n = nodes_[v.producer];
      n.set_name(fresh(n.name().empty() ? copy : n.name() + suffix(type)));
      n.set_output(0, copy);
      if (type == kHalf) NNPORT_RETURN_IF_ERROR(make_half(n));
      counts_.half_nodes += type == kHalf;
      after_[v.producer].push_back(std::move(n));
    }
    return copy;
  }

  Status to_half(const std::string& name, const FloatValue& v) {
    if (v.initializer)
      return convert_tensor(*g_.mutable_initializer(initializers_.at(name)),
                            "initializer '" + name + "'");
    ++counts_.half_nodes;
    return make_half(nodes_[v.producer]);
  }

  void update_types() {
    const auto set_elem = [](onnx::ValueInfoProto& vi, int32_t type) {
      vi.mutable_type()->mutable_tensor_type()->set_elem_type(type);
    };
    for (auto* list : {g_.mutable_input(), g_.mutable_output(), g_.mutable_value_info()})
      for (auto& vi : *list)
        if (auto it = final_.find(vi.name()); it != final_.end()) set_elem(vi, it->second);
    for (const auto& [held, v] : added_) {
      onnx::ValueInfoProto* vi = g_.add_value_info();
      vi->set_name(held);
      *vi->mutable_type() = v->type;
      set_elem(*vi, final_.at(held));
    }
  }

  onnx::GraphProto& g_;
  const Plan& plan_;
  const Fp16Options& options_;
  const std::string& path_;
  int32_t io_;
  std::unordered_set<std::string> taken_;
  std::unordered_map<std::string, int> initializers_;
  std::vector<onnx::NodeProto> nodes_, prefix_;
  std::vector<std::vector<onnx::NodeProto>> after_;
  std::unordered_map<std::string, int32_t> final_;  // name -> its element type now
  std::vector<std::pair<std::string, const FloatValue*>> added_;
  Counts counts_;
};

}  // namespace

Status convert_to_fp16(onnx::ModelProto& model, const Fp16Options& options,
                       const std::string& path) {
  // Checked first so that an error leaves the model as it was.
  for (const auto& t : model.graph().initializer())
    if (t.data_type() == kFloat && t.data_location() == onnx::TensorProto::EXTERNAL)
      return invalid_argument("fp16: " + path + ": initializer '" + t.name() +
                              "' is stored in external data; load it into the model " +
                              "(onnx.load(..., load_external_data=True)) before converting");
  NNPORT_ASSIGN_OR_RETURN(Plan plan, fp16_internal::make_plan(model, options, path));
  Counts counts;
  NNPORT_RETURN_IF_ERROR(Rewriter(model, plan, options, path).run(&counts));
  core::log(NNPORT_LOG_INFO, "fp16: " + path + ": " + std::to_string(counts.half_nodes) + " of " +
                                 std::to_string(plan.modes.size()) + " nodes in float16, " +
                                 std::to_string(counts.casts) + " Casts added, " +
                                 std::to_string(counts.copies) + " values kept in both types, " +
                                 std::to_string(counts.clamped) + " weights clamped");
  return Status::ok_status();
}

}  // namespace nnport::quantize
