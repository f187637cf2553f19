// debug_diverge: bisection over the model's nodes with prefixes converted by
// the target backend itself (include/nnport/diverge.h says why).
#include "nnport/diverge.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "debug/diverge_save.h"
#include "debug/isolated_trial.h"
#include "nnport/onnx_model.h"
#include "onnx/graph_cut.h"

namespace nnport {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxTriesPerStep = 8;  // cuts tried around a wanted one that cannot be converted
constexpr size_t kMaxPathTensors = 48;

// The file the target's backend converted: the lowered model of an int8 /
// fp16 work dir (the backend never saw the fp32 IR), else the IR.
Result<std::string> converted_model(const DeployInfo& info) {
  if (info.ir_files.size() != 1)
    return unimplemented("the target has " + std::to_string(info.ir_files.size()) +
                         " ONNX files; debug diverge cuts a single model");
  if (info.precision != "FP32")
    for (const auto& f : info.extra_files)
      if (f.ends_with(".int8.onnx") || f.ends_with(".fp16.onnx")) return f;
  return info.ir_files[0];
}

// What bisection needs to know about the graph.
struct Graph {
  std::vector<OnnxNodeInfo> nodes;
  std::unordered_map<std::string, int64_t> producer;  // tensor -> node making it
  std::unordered_map<std::string, int64_t>
      last_use;                    // tensor -> last node reading it (N: an output)
  std::set<std::string> computed;  // tensors that depend on a graph input (not weights alone)

  explicit Graph(const OnnxModelInfo& info) : nodes(info.nodes) {
    const auto n = static_cast<int64_t>(nodes.size());
    for (const auto& in : info.inputs) computed.insert(in.name);
    for (int64_t i = 0; i < n; ++i) {
      bool from_inputs = false;
      for (const auto& in : nodes[i].inputs) {
        if (!in.empty()) last_use[in] = i;
        from_inputs = from_inputs || computed.count(in) != 0;
      }
      for (const auto& out : nodes[i].outputs) {
        if (!out.empty()) producer.emplace(out, i);
        if (!out.empty() && from_inputs) computed.insert(out);
      }
    }
    for (const auto& out : info.outputs) last_use[out.name] = n;
  }

  // The tensors compared at a cut after node `cut`: that node's outputs,
  // then the earlier nodes' outputs that later nodes (or the graph's
  // outputs) still read. A tensor of these that parts means some node up
  // to the cut parts.
  // Tensors made from weights alone (Constant nodes, shape arithmetic on
  // initializers) are left out: they cannot part, and backends refuse them
  // as outputs.
  std::vector<std::string> live_at(int64_t cut) const {
    std::vector<std::string> live;
    for (const auto& out : nodes[cut].outputs)
      if (computed.count(out) != 0) live.push_back(out);
    for (int64_t k = 0; k < cut; ++k)
      for (const auto& out : nodes[k].outputs) {
        auto it = last_use.find(out);
        if (computed.count(out) != 0 && it != last_use.end() && it->second > cut)
          live.push_back(out);
      }
    return live;
  }
  // A cut after a node that only computes from weights shows nothing new.
  bool worth_cutting(int64_t cut) const {
    for (const auto& out : nodes[cut].outputs)
      if (computed.count(out) != 0) return true;
    return false;
  }

  // From a graph input to `tensor` along each node's first computed input.
  std::vector<std::string> path_to(const std::string& tensor) const {
    std::vector<std::string> path = {tensor};
    for (auto it = producer.find(tensor); it != producer.end();) {
      const OnnxNodeInfo& node = nodes[it->second];
      auto next = producer.end();
      for (const auto& in : node.inputs)
        if (computed.count(in) != 0) {
          path.push_back(in);
          next = producer.find(in);
          break;
        }
      it = next;
    }
    std::reverse(path.begin(), path.end());
    return path;
  }
};

TensorCheck check_of(const Graph& graph, const OutputComparison& c) {
  TensorCheck check;
  check.tensor = c.name;
  check.comparison = c;
  if (auto it = graph.producer.find(c.name); it != graph.producer.end()) {
    check.node = it->second;
    check.node_name = graph.nodes[it->second].name;
    check.op_type = graph.nodes[it->second].op_type;
  }
  return check;
}

// A scratch folder, removed at the end when nnport made it.
class Scratch {
 public:
  static Result<Scratch> make(const std::string& given) {
    Scratch s;
    if (!given.empty()) {
      std::error_code ec;
      fs::create_directories(given, ec);
      if (ec) return io_error("cannot create scratch folder '" + given + "': " + ec.message());
      s.path_ = given;
      return s;
    }
    std::string tmpl = (fs::temp_directory_path() / "nnport-diverge-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr)
      return io_error("cannot create a temporary folder in " + fs::temp_directory_path().string());
    s.path_ = tmpl;
    s.owned_ = true;
    return s;
  }
  Scratch() = default;
  Scratch(Scratch&& o) noexcept : path_(std::move(o.path_)), owned_(o.owned_) { o.owned_ = false; }
  ~Scratch() {
    std::error_code ec;
    if (owned_) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool owned_ = false;
};

// The outcome of one cut.
struct CutResult {
  bool converted = false;
  std::string why_not;                   // when not converted
  std::vector<OutputComparison> checks;  // when converted
  bool diverged() const {
    return std::any_of(checks.begin(), checks.end(), [](const auto& c) { return !c.pass; });
  }
};

class Bisection {
 public:
  Bisection(const DeployInfo& info, std::string model, const Graph& graph,
            const NamedTensors& inputs, const DivergeOptions& options, const Scratch& scratch,
            DivergeReport& report, Registry* registry)
      : info_(info),
        model_(std::move(model)),
        graph_(graph),
        inputs_(inputs),
        options_(options),
        scratch_(scratch),
        report_(report),
        registry_(registry) {}

  // Cut after node `cut` with `outputs` compared (model itself when cut < 0).
  Result<CutResult> evaluate(int64_t cut, const std::vector<std::string>& outputs) {
    const std::string dir =
        (fs::path(scratch_.path()) / ("trial-" + std::to_string(++trials_))).string();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return io_error("cannot create '" + dir + "': " + ec.message());
    std::string model = model_;
    if (cut >= 0) {
      model = (fs::path(dir) / "prefix.onnx").string();
      Status cut_ok = onnx_internal::extract_prefix(model_, model, outputs);
      if (!cut_ok.ok()) {
        fs::remove_all(dir, ec);
        return CutResult{false, "cannot cut the model there: " + cut_ok.message(), {}};
      }
    }
    ++report_.trials;
    NNPORT_ASSIGN_OR_RETURN(debug_internal::IsolatedTrial trial,
                            debug_internal::run_isolated(info_, options_.reference, model, dir,
                                                         inputs_, options_.timeout_s, registry_));
    fs::remove_all(dir, ec);
    CutResult result;
    if (!trial.ok) {
      result.why_not = trial.reference_failed
                           ? "the reference " + options_.reference + " failed: " + trial.message
                           : std::string(debug_internal::stage_name(trial.stage)) + " on " +
                                 info_.backend + " failed: " + trial.message;
      return result;
    }
    result.converted = true;
    result.checks = compare_outputs(trial.target, trial.reference, options_.atol, options_.rtol,
                                    options_.goals);
    return result;
  }

  // Narrow (low, high] — node low agrees, node high's cut parts — to one node.
  Status run(int64_t high, CutResult high_result) {
    int64_t low = -1;
    while (high - low > 1) {
      DivergeStep step;
      step.index = static_cast<int>(report_.steps.size()) + 1;
      step.low = low;
      step.high = high;
      step.wanted = low + (high - low) / 2;
      CutResult at;
      bool any_worth = false;
      for (int64_t c : candidates(step.wanted, low, high)) {
        if (!graph_.worth_cutting(c)) continue;
        any_worth = true;
        if (static_cast<int>(step.skipped.size()) >= kMaxTriesPerStep) break;
        if (auto known = unconvertible_.find(c); known != unconvertible_.end()) {
          at = CutResult{false, known->second, {}};  // tried in an earlier step
        } else {
          NNPORT_ASSIGN_OR_RETURN(at, evaluate(c, graph_.live_at(c)));
          if (!at.converted) unconvertible_[c] = at.why_not;
        }
        if (at.converted) {
          step.cut = c;
          step.cut_name = graph_.nodes[c].name;
          step.cut_op = graph_.nodes[c].op_type;
          break;
        }
        step.skipped.push_back("node " + std::to_string(c) + " " + node_label(c) + ": " +
                               first_line(at.why_not));
      }
      if (!any_worth) {  // only weight-only nodes between: they cannot part
        low = high - 1;
        break;
      }
      if (step.cut >= 0) {
        step.tensors = static_cast<int64_t>(at.checks.size());
        step.diverged = at.diverged();
        worst_of(at.checks, step);
        if (step.diverged) {
          high = step.cut;
          high_result = std::move(at);
        } else {
          low = step.cut;
        }
      }
      report_.steps.push_back(step);
      if (options_.on_step) options_.on_step(step);
      if (step.cut < 0) {
        report_.notes.push_back("no cut after nodes " + std::to_string(low + 1) + ".." +
                                std::to_string(high - 1) + " could be converted for " +
                                info_.backend + ", so the first diverging node is one of nodes " +
                                std::to_string(low + 1) + ".." + std::to_string(high));
        break;
      }
    }
    report_.first_node = low + 1;
    report_.last_node = high;
    report_.found = high - low == 1;
    for (const auto& c : high_result.checks)
      if (!c.pass) report_.diverging.push_back(check_of(graph_, c));
    if (report_.found) {
      const OnnxNodeInfo& node = graph_.nodes[high];
      report_.node_name = node.name;
      report_.op_type = node.op_type;
      report_.node_inputs = node.inputs;
      report_.node_outputs = node.outputs;
      for (const auto& d : report_.diverging)
        if (d.node >= 0 && d.node < high)
          report_.notes.push_back("tensor '" + d.tensor + "' (node " + std::to_string(d.node) +
                                  ") agreed when the model was cut before node " +
                                  std::to_string(high) + " but not with it: " + info_.backend +
                                  " computes it differently when that node follows (a fusion)");
    }
    return Status();
  }

  // The error along the path from a graph input to the first diverging
  // tensor, from one more prefix with those tensors as outputs.
  Status trace_path() {
    if (report_.diverging.empty()) return Status();
    std::string first = report_.diverging.front().tensor;
    for (const auto& d : report_.diverging)
      if (d.node == report_.last_node) {
        first = d.tensor;
        break;
      }
    std::vector<std::string> path;
    for (const auto& t : graph_.path_to(first))
      if (graph_.producer.count(t) != 0) path.push_back(t);  // graph inputs agree by definition
    if (path.size() > kMaxPathTensors)
      path.erase(path.begin(), path.end() - static_cast<std::ptrdiff_t>(kMaxPathTensors));
    if (path.empty()) return Status();
    NNPORT_ASSIGN_OR_RETURN(CutResult at, evaluate(report_.last_node, path));
    if (!at.converted) {
      report_.notes.push_back("the path's tensors could not be compared in one model: " +
                              first_line(at.why_not));
      return Status();
    }
    for (const auto& c : at.checks) report_.path.push_back(check_of(graph_, c));
    return Status();
  }

 private:
  // Nearest first, every node in (low, high): weight-only ones are dropped
  // by the caller without a trial, and at most kMaxTriesPerStep convert.
  static std::vector<int64_t> candidates(int64_t wanted, int64_t low, int64_t high) {
    std::vector<int64_t> out;
    for (int64_t d = 0;; ++d) {
      const bool up = wanted + d<high, down = d> 0 && wanted - d > low;
      if (!up && !down && d > 0) break;  // both ends of the range reached
      if (up) out.push_back(wanted + d);
      if (down) out.push_back(wanted - d);
    }
    return out;
  }

  std::string node_label(int64_t c) const {
    return "'" + graph_.nodes[c].name + "' (" + graph_.nodes[c].op_type + ")";
  }
  static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
  static void worst_of(const std::vector<OutputComparison>& checks, DivergeStep& step) {
    for (const auto& c : checks)
      if (step.worst_tensor.empty() || c.max_abs_err > step.worst_abs_err || !c.reason.empty()) {
        step.worst_tensor = c.name;
        step.worst_abs_err = c.max_abs_err;
        if (!c.reason.empty()) break;
      }
  }

  const DeployInfo& info_;
  std::string model_;
  const Graph& graph_;
  const NamedTensors& inputs_;
  const DivergeOptions& options_;
  const Scratch& scratch_;
  DivergeReport& report_;
  Registry* registry_;
  int trials_ = 0;
  std::map<int64_t, std::string> unconvertible_;  // cut -> why it did not convert
};

}  // namespace

Result<DivergeReport> debug_diverge(const std::string& target, const DivergeOptions& options,
                                    Registry* registry) {
  NNPORT_RETURN_IF_ERROR(check_metric_goals(options.goals));
  if (options.reference.empty()) return invalid_argument("no reference backend given");
  NNPORT_ASSIGN_OR_RETURN(DeployInfo info, resolve_target(target, options.backend));
  if (!options.save_dir.empty())
    NNPORT_RETURN_IF_ERROR(debug_internal::check_save_dir(options.save_dir));
  if (!options.device.empty()) info.device = options.device;
  NNPORT_ASSIGN_OR_RETURN(std::string model, converted_model(info));
  NNPORT_ASSIGN_OR_RETURN(OnnxModelInfo described, inspect_onnx(model));
  if (described.nodes.empty()) return invalid_argument("model '" + model + "' has no nodes");

  // Inputs: the given ones (names checked), the rest seeded random.
  for (const auto& [name, tensor] : options.inputs) {
    bool known = false;
    std::vector<std::string> names;
    for (const auto& in : described.inputs) {
      known = known || in.name == name;
      names.push_back(in.name);
    }
    if (!known) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "'" : ", '") + n + "'";
      return invalid_argument("input '" + name + "' is not an input of " + model +
                              "; its inputs: " + list);
    }
  }
  NNPORT_ASSIGN_OR_RETURN(NamedTensors inputs, make_inputs(described.inputs, options.inputs,
                                                           options.shapes, options.seed));

  DivergeReport report;
  report.target = target;
  report.backend = info.backend;
  report.reference = options.reference;
  report.model = model;
  report.nodes = static_cast<int64_t>(described.nodes.size());
  NNPORT_ASSIGN_OR_RETURN(Scratch scratch, Scratch::make(options.scratch_dir));
  const Graph graph(described);
  Bisection bisection(info, model, graph, inputs, options, scratch, report, registry);

  // The whole model first: nothing to find when its outputs agree.
  NNPORT_ASSIGN_OR_RETURN(CutResult whole, bisection.evaluate(-1, {}));
  if (!whole.converted)
    return Status(Code::kInvalidArgument,
                  "the whole model cannot be compared: " + whole.why_not +
                      "; when the backend fails on the model itself, `nnport debug reduce` "
                      "finds the smallest graph that fails");
  for (const auto& c : whole.checks) report.outputs.push_back(check_of(graph, c));
  report.outputs_differ = whole.diverged();
  if (!report.outputs_differ) return report;

  // The last node's cut is the whole model: it parts.
  NNPORT_RETURN_IF_ERROR(bisection.run(report.nodes - 1, std::move(whole)));
  NNPORT_RETURN_IF_ERROR(bisection.trace_path());
  if (!options.save_dir.empty()) {
    NNPORT_ASSIGN_OR_RETURN(
        report.saved_dir, debug_internal::save_diverging_prefix(report, inputs, options.save_dir));
  }
  return report;
}

}  // namespace nnport
