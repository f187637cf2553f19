// Cutting a model's main graph into a prefix or an arbitrary set of nodes
// (`nnport debug diverge` and `reduce`). A node's reads include the outer
// tensors its subgraphs (If/Loop/Scan bodies) use by name, so a cut never
// leaves a body pointing at a tensor the cut model lacks.
#include "onnx/graph_cut.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "nnport/did_you_mean.h"
#include "onnx/onnx_io.h"

namespace nnport::onnx_internal {
namespace {

using Names = std::vector<std::string>;
using NameSet = std::unordered_set<std::string>;

// Names a (sub)graph defines itself: its inputs, initializers and node outputs.
NameSet defined_in(const onnx::GraphProto& g) {
  NameSet defined;
  for (const auto& i : g.input()) defined.insert(i.name());
  for (const auto& t : g.initializer()) defined.insert(t.name());
  for (const auto& t : g.sparse_initializer()) defined.insert(t.values().name());
  for (const auto& n : g.node())
    for (const auto& o : n.output()) defined.insert(o);
  return defined;
}

void add_once(const std::string& name, Names& out, NameSet& seen) {
  if (!name.empty() && seen.insert(name).second) out.push_back(name);
}

void outer_reads_of_graph(const onnx::GraphProto& g, Names& out, NameSet& seen);

// What the subgraphs in a node's attributes read from enclosing scopes.
void outer_reads_of_attributes(const onnx::NodeProto& n, const NameSet& local, Names& out,
                               NameSet& seen) {
  for (const auto& a : n.attribute()) {
    std::vector<const onnx::GraphProto*> bodies;
    if (a.has_g()) bodies.push_back(&a.g());
    for (const auto& g : a.graphs()) bodies.push_back(&g);
    for (const onnx::GraphProto* body : bodies) {
      Names inner;
      NameSet inner_seen;
      outer_reads_of_graph(*body, inner, inner_seen);
      for (const auto& name : inner)
        if (!local.contains(name)) add_once(name, out, seen);
    }
  }
}

// The names a subgraph uses that it does not define.
void outer_reads_of_graph(const onnx::GraphProto& g, Names& out, NameSet& seen) {
  const NameSet local = defined_in(g);
  for (const auto& n : g.node()) {
    for (const auto& i : n.input())
      if (!local.contains(i)) add_once(i, out, seen);
    outer_reads_of_attributes(n, local, out, seen);
  }
}

// Everything a main-graph node reads: its inputs, then its bodies' outer names.
Names node_reads(const onnx::NodeProto& n) {
  Names reads;
  NameSet seen;
  for (const auto& i : n.input()) add_once(i, reads, seen);
  outer_reads_of_attributes(n, NameSet{}, reads, seen);
  return reads;
}

// The model, loaded, with weights inline (the cut model is written elsewhere,
// so external data files would be left behind).
Result<onnx::ModelProto> load_inline(const std::string& path, const std::string& what) {
  NNPORT_ASSIGN_OR_RETURN(onnx::ModelProto model, load_model(path));
  for (const auto& t : model.graph().initializer())
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
      return unimplemented(what + path + ": initializer '" + t.name() +
                           "' is stored as external data, which cutting does not handle yet: "
                           "save the model with its weights inline (onnx.load the model, then "
                           "onnx.save_model(m, path, save_as_external_data=False)) and retry");
  return model;
}

// Each tensor's type as the model declares or shape inference finds it.
std::unordered_map<std::string, onnx::TypeProto> known_types(const onnx::ModelProto& model,
                                                             const std::string& path) {
  onnx::ModelProto inferred = model;
  // A model inference cannot handle (custom ops) still has its declared types.
  if (!infer_shapes(inferred, path).ok()) inferred = model;
  std::unordered_map<std::string, onnx::TypeProto> types;
  const onnx::GraphProto& g = inferred.graph();
  for (const auto* list : {&g.input(), &g.output(), &g.value_info()})
    for (const auto& v : *list)
      if (v.has_type()) types[v.name()] = v.type();
  return types;
}

bool has_tensor_elem_type(const onnx::TypeProto& t) {
  return t.has_tensor_type() && t.tensor_type().elem_type() != onnx::TensorProto::UNDEFINED;
}

// The model with an empty main graph that keeps everything else (opsets,
// ir_version, metadata, local functions, graph name and doc).
onnx::ModelProto empty_copy(const onnx::ModelProto& model) {
  onnx::ModelProto cut = model;
  onnx::GraphProto* g = cut.mutable_graph();
  g->clear_node();
  g->clear_input();
  g->clear_output();
  g->clear_initializer();
  g->clear_sparse_initializer();
  g->clear_value_info();
  return cut;
}

// Copy into `cut` the initializers, graph inputs and value_info of `model`
// that the kept nodes need: initializers and inputs they read, value_info of
// tensors they make (except those in `skip`, which get their own entries).
void keep_used(const onnx::GraphProto& g, const NameSet& read, const NameSet& made,
               const NameSet& skip, onnx::GraphProto& cut) {
  for (const auto& i : g.input())
    if (read.contains(i.name())) *cut.add_input() = i;
  for (const auto& t : g.initializer())
    if (read.contains(t.name())) *cut.add_initializer() = t;
  for (const auto& t : g.sparse_initializer())
    if (read.contains(t.values().name())) *cut.add_sparse_initializer() = t;
  for (const auto& v : g.value_info())
    if (made.contains(v.name()) && !skip.contains(v.name())) *cut.add_value_info() = v;
}

// Names for messages: 'a', 'b', 'c' (and N more).
std::string quoted_list(const Names& names) {
  std::string s;
  const size_t shown = std::min<size_t>(names.size(), 8);
  for (size_t i = 0; i < shown; ++i) s += (i ? ", '" : "'") + names[i] + "'";
  if (names.size() > shown) s += " (and " + std::to_string(names.size() - shown) + " more)";
  return s;
}

// The typed graph outputs of a cut model; a tensor without a known element
// type is an error naming it.
Status set_outputs(const Names& outputs,
                   const std::unordered_map<std::string, onnx::TypeProto>& types,
                   onnx::GraphProto& cut, const std::string& what) {
  Names untyped;
  for (const auto& name : outputs) {
    onnx::ValueInfoProto* v = cut.add_output();
    v->set_name(name);
    auto it = types.find(name);
    if (it != types.end() && has_tensor_elem_type(it->second))
      *v->mutable_type() = it->second;
    else
      untyped.push_back(name);
  }
  if (!untyped.empty())
    return invalid_argument(what + "shape inference cannot tell the type of " +
                            quoted_list(untyped) +
                            " (a custom op, or a sequence/map value?): cut at another tensor, or "
                            "give the model value_info for it");
  return Status::ok_status();
}

Status check_and_save(const onnx::ModelProto& cut, const std::string& out_path,
                      const std::string& what) {
  NNPORT_RETURN_IF_ERROR(
      check_model(cut, out_path).with_context(what + "the cut model is invalid"));
  return save_model(cut, out_path);
}

// Positions of the main graph's node outputs (name -> node index).
std::unordered_map<std::string, int64_t> producers(const onnx::GraphProto& g) {
  std::unordered_map<std::string, int64_t> made;
  for (int64_t i = 0; i < g.node_size(); ++i)
    for (const auto& o : g.node(static_cast<int>(i)).output())
      if (!o.empty()) made[o] = i;
  return made;
}

Status check_node_indices(const onnx::GraphProto& g, const std::vector<int64_t>& indices,
                          const std::string& what) {
  if (indices.empty()) return invalid_argument(what + "no nodes to keep: give at least one");
  std::set<int64_t> seen;
  for (int64_t i : indices) {
    if (i < 0 || i >= g.node_size())
      return invalid_argument(
          what + "node index " + std::to_string(i) + " is out of range: the main graph has " +
          std::to_string(g.node_size()) + " nodes (0.." + std::to_string(g.node_size() - 1) + ")");
    if (!seen.insert(i).second)
      return invalid_argument(what + "node index " + std::to_string(i) + " is given twice");
  }
  return Status::ok_status();
}

// Boundary tensors of a node set in a loaded model.
Names boundary_of(const onnx::GraphProto& g, const std::vector<int64_t>& sorted_indices) {
  NameSet outside;  // what the model has without any node: inputs and initializers
  for (const auto& i : g.input()) outside.insert(i.name());
  for (const auto& t : g.initializer()) outside.insert(t.name());
  for (const auto& t : g.sparse_initializer()) outside.insert(t.values().name());
  NameSet made;
  for (int64_t i : sorted_indices)
    for (const auto& o : g.node(static_cast<int>(i)).output()) made.insert(o);
  Names boundary;
  NameSet seen;
  for (int64_t i : sorted_indices)
    for (const auto& r : node_reads(g.node(static_cast<int>(i))))
      if (!made.contains(r) && !outside.contains(r)) add_once(r, boundary, seen);
  return boundary;
}

Result<onnx::TensorProto> tensor_proto(const std::string& name, const Tensor& value) {
  if (!value.defined() || dtype_size(value.dtype()) == 0 || value.numel() < 0)
    return invalid_argument("the value given for '" + name + "' has no dtype or a dynamic shape");
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(static_cast<int32_t>(value.dtype()));  // DType values are ONNX's
  for (int64_t d : value.shape()) t.add_dims(d);
  t.set_raw_data(std::string(static_cast<const char*>(value.data()), value.nbytes()));
  return t;
}

onnx::ValueInfoProto value_info_like(const std::string& name, const Tensor& value) {
  onnx::ValueInfoProto v;
  v.set_name(name);
  auto* t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(static_cast<int32_t>(value.dtype()));
  auto* shape = t->mutable_shape();
  for (int64_t d : value.shape()) shape->add_dim()->set_dim_value(d);
  return v;
}

}  // namespace

Status extract_prefix(const std::string& in_path, const std::string& out_path,
                      const std::vector<std::string>& outputs) {
  const std::string what = "extract prefix of " + in_path + ": ";
  if (outputs.empty()) return invalid_argument(what + "no output tensors given: name at least one");
  NNPORT_ASSIGN_OR_RETURN(onnx::ModelProto model, load_inline(in_path, "extract prefix: "));
  const onnx::GraphProto& g = model.graph();
  const auto made_by = producers(g);

  NameSet graph_inputs, initializers, wanted;
  for (const auto& i : g.input()) graph_inputs.insert(i.name());
  for (const auto& t : g.initializer()) initializers.insert(t.name());
  for (const auto& name : outputs) {
    if (!wanted.insert(name).second)
      return invalid_argument(what + "output '" + name + "' is given twice");
    if (made_by.contains(name)) continue;
    if (initializers.contains(name))
      return invalid_argument(what + "'" + name +
                              "' is an initializer (a constant), not a tensor a node computes: "
                              "name a node's output");
    if (graph_inputs.contains(name))
      return invalid_argument(what + "'" + name +
                              "' is a graph input: a prefix ends at tensors nodes compute; "
                              "name a node's output");
    Names candidates;
    for (const auto& [tensor, node] : made_by) candidates.push_back(tensor);
    std::sort(candidates.begin(), candidates.end());
    return not_found(what + "no node of the main graph makes a tensor named '" + name + "'" +
                     did_you_mean(name, candidates) +
                     ": list the model's tensors with `nnport inspect --all`");
  }

  // Walk back from the outputs: the graph is topologically sorted, so one
  // reverse pass finds every node they depend on.
  NameSet needed(outputs.begin(), outputs.end());
  std::vector<bool> keep(g.node_size(), false);
  for (int i = g.node_size() - 1; i >= 0; --i) {
    const auto& n = g.node(i);
    const bool used = std::any_of(n.output().begin(), n.output().end(),
                                  [&](const std::string& o) { return needed.contains(o); });
    if (!used) continue;
    keep[i] = true;
    for (const auto& r : node_reads(n)) needed.insert(r);
  }

  onnx::ModelProto cut = empty_copy(model);
  NameSet made;
  for (int i = 0; i < g.node_size(); ++i) {
    if (!keep[i]) continue;
    *cut.mutable_graph()->add_node() = g.node(i);
    for (const auto& o : g.node(i).output()) made.insert(o);
  }
  keep_used(g, needed, made, wanted, *cut.mutable_graph());
  NNPORT_RETURN_IF_ERROR(
      set_outputs(outputs, known_types(model, in_path), *cut.mutable_graph(), what));
  return check_and_save(cut, out_path, what);
}

Status extract_subgraph(const std::string& in_path, const std::string& out_path,
                        const SubgraphSpec& spec) {
  const std::string what = "extract subgraph of " + in_path + ": ";
  NNPORT_ASSIGN_OR_RETURN(onnx::ModelProto model, load_inline(in_path, "extract subgraph: "));
  const onnx::GraphProto& g = model.graph();
  NNPORT_RETURN_IF_ERROR(check_node_indices(g, spec.node_indices, what));
  std::vector<int64_t> indices = spec.node_indices;
  std::sort(indices.begin(), indices.end());
  std::vector<bool> kept(g.node_size(), false);
  for (int64_t i : indices) kept[i] = true;

  const Names boundary = boundary_of(g, indices);
  Names missing;
  for (const auto& name : boundary)
    if (!spec.boundary_values.contains(name)) missing.push_back(name);
  if (!missing.empty())
    return invalid_argument(what + "the kept nodes read " + quoted_list(missing) +
                            ", which removed nodes compute, and no value was given for " +
                            (missing.size() == 1 ? "it" : "them") +
                            ": pass the full model's values of these tensors");

  // What kept and removed nodes make and read.
  NameSet made, read_by_kept, read_by_removed;
  for (int i = 0; i < g.node_size(); ++i) {
    NameSet& reads = kept[i] ? read_by_kept : read_by_removed;
    for (const auto& r : node_reads(g.node(i))) reads.insert(r);
    if (kept[i])
      for (const auto& o : g.node(i).output())
        if (!o.empty()) made.insert(o);
  }

  Names outputs;
  if (!spec.outputs.empty()) {
    NameSet seen;
    for (const auto& name : spec.outputs) {
      if (!made.contains(name))
        return invalid_argument(what + "output '" + name +
                                "' is not made by any kept node: name an output of a kept node");
      if (!seen.insert(name).second)
        return invalid_argument(what + "output '" + name + "' is given twice");
      outputs.push_back(name);
    }
  } else {
    NameSet model_outputs;
    for (const auto& o : g.output()) model_outputs.insert(o.name());
    for (int64_t i : indices)
      for (const auto& o : g.node(static_cast<int>(i)).output())
        if (!o.empty() &&
            (model_outputs.contains(o) || read_by_removed.contains(o) || !read_by_kept.contains(o)))
          outputs.push_back(o);
  }

  onnx::ModelProto cut = empty_copy(model);
  onnx::GraphProto& cg = *cut.mutable_graph();
  for (int64_t i : indices) *cg.add_node() = g.node(static_cast<int>(i));
  const NameSet output_set(outputs.begin(), outputs.end());
  keep_used(g, read_by_kept, made, output_set, cg);
  for (const auto& name : boundary) {
    const Tensor& value = *spec.boundary_values.find(name);
    if (spec.fold) {
      auto t = tensor_proto(name, value);
      if (!t.ok()) return t.status().with_context("extract subgraph of " + in_path);
      *cg.add_initializer() = std::move(*t);
    } else {
      if (!value.defined())
        return invalid_argument(what + "the value given for '" + name + "' has no dtype");
      *cg.add_input() = value_info_like(name, value);
    }
  }

  // Types: the full model's, then what inference finds from the cut model's
  // own (now concrete) inputs.
  auto types = known_types(model, in_path);
  for (const auto& [name, t] : known_types(cut, out_path))
    if (has_tensor_elem_type(t)) types[name] = t;
  NNPORT_RETURN_IF_ERROR(set_outputs(outputs, types, cg, what));
  return check_and_save(cut, out_path, what);
}

Result<std::vector<std::string>> boundary_tensors(const std::string& in_path,
                                                  const std::vector<int64_t>& node_indices) {
  const std::string what = "boundary tensors of " + in_path + ": ";
  NNPORT_ASSIGN_OR_RETURN(onnx::ModelProto model, load_model(in_path));
  NNPORT_RETURN_IF_ERROR(check_node_indices(model.graph(), node_indices, what));
  std::vector<int64_t> indices = node_indices;
  std::sort(indices.begin(), indices.end());
  return boundary_of(model.graph(), indices);
}

}  // namespace nnport::onnx_internal
