// debug_reduce (nnport/reduce.h): check the options, establish that the
// full model fails, then let the search (reduce_search.h) ask the oracle
// (reduce_oracle.h) about cut pieces (graph_cut.h) fed the full model's
// values (reduce_values.h), and write the smallest failing piece
// (reduce_output.h). This process never runs a backend itself: every
// backend call happens in a child.
#include "nnport/reduce.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "core/child_process.h"
#include "debug/reduce_oracle.h"
#include "debug/reduce_output.h"
#include "debug/reduce_search.h"
#include "debug/reduce_values.h"
#include "nnport/apis.h"
#include "nnport/did_you_mean.h"
#include "nnport/manager.h"
#include "nnport/onnx_model.h"
#include "onnx/graph_cut.h"

namespace nnport {

const char* failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNone:
      return "passes";
    case FailureKind::kConvert:
      return "conversion error";
    case FailureKind::kLoad:
      return "load error";
    case FailureKind::kRun:
      return "run error";
    case FailureKind::kCrash:
      return "crash";
    case FailureKind::kTimeout:
      return "timeout";
    case FailureKind::kMismatch:
      return "mismatch";
    case FailureKind::kCheck:
      return "check failed";
  }
  return "unknown";
}

namespace {
using namespace debug_internal;  // NOLINT: the reduce room's pieces
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A private folder for candidates and values, removed when the reduce ends.
class ScratchDir {
 public:
  Status create() {
    std::string templ = (fs::temp_directory_path() / "nnport-reduce-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr)
      return io_error("cannot create a scratch folder in " + fs::temp_directory_path().string() +
                      ": check TMPDIR and the free space");
    path_ = templ;
    return Status::ok_status();
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Status check_options(const ReduceOptions& o) {
  const bool backend_mode = !o.backend.empty() || !o.deploy_cfg.empty();
  if (backend_mode == !o.check_command.empty())
    return invalid_argument(std::string(backend_mode
                                            ? "give either a backend (--backend / --deploy-cfg) or "
                                              "--check, not both"
                                            : "say what fails: --backend BACKEND (compared with "
                                              "--reference) or --check COMMAND"));
  if (!o.fail_regex.empty() && o.check_command.empty())
    return invalid_argument("--fail-regex needs --check COMMAND");
  if (!(o.timeout_s > 0)) return invalid_argument("the trial timeout must be > 0 seconds");
  if (!(o.atol >= 0) || !(o.rtol >= 0)) return invalid_argument("atol and rtol must be >= 0");
  if (o.max_trials < 1) return invalid_argument("max trials must be >= 1");
  if (o.reference.empty()) return invalid_argument("the reference backend is empty");
  return Status::ok_status();
}

// The target as `nnport convert` would see it: the deploy config (file, or
// {backend_config: {type: B}}) with the cfg-options on top.
Result<DeployInfo> target_of(const std::string& model, const ReduceOptions& o) {
  DeployInfo t;
  if (!o.deploy_cfg.empty()) {
    NNPORT_ASSIGN_OR_RETURN(t.deploy_cfg, load_config(o.deploy_cfg, o.cfg_options));
    t.deploy_cfg_path = o.deploy_cfg;
  } else {
    t.deploy_cfg = Config{{"backend_config", Config{{"type", o.backend}}}};
    for (const auto& option : o.cfg_options)
      NNPORT_RETURN_IF_ERROR(apply_cfg_option(t.deploy_cfg, option));
  }
  auto named = get_backend_name(t.deploy_cfg);
  if (!o.backend.empty() && named.ok() && *named != o.backend)
    return invalid_argument("--backend " + o.backend + " but " + o.deploy_cfg +
                            " is for backend '" + *named +
                            "': drop --backend, or give that backend's deploy config");
  if (o.backend.empty() && !named.ok()) return named.status().with_context(o.deploy_cfg);
  t.backend = o.backend.empty() ? *named : o.backend;
  t.deploy_cfg["backend_config"]["type"] = t.backend;
  t.task = get_task(t.deploy_cfg);
  t.device = o.device.empty() ? "cpu" : o.device;
  t.ir_files = {model};
  return t;
}

DeployInfo reference_target(const std::string& model, const std::string& reference) {
  DeployInfo t;
  t.backend = reference;
  t.deploy_cfg = Config{{"backend_config", Config{{"type", reference}}}};
  t.ir_files = {model};
  return t;
}

// Whether the backends exist and run here — asked in a child, since loading
// a plugin may start an engine.
Status probe_backends(const std::vector<std::pair<std::string, std::string>>& backends,
                      Registry* registry) {
  auto child = core_internal::run_in_child(
      [&](int fd) {
        ::dup2(STDERR_FILENO, STDOUT_FILENO);
        Registry& reg = registry != nullptr ? *registry : Registry::global();
        for (const auto& [role, name] : backends) {
          auto found = reg.find(name);
          std::string why;
          std::string error;
          if (!found.ok())
            error = found.status().message();
          else if (!(*found)->is_available(false, &why))
            error = "backend '" + name + "' is not available here" +
                    (why.empty() ? "" : ": " + why) + "; run `nnport check-env`";
          if (!error.empty()) {
            core_internal::write_all(fd, role + error);
            return 3;
          }
        }
        return 0;
      },
      120);
  if (!child.ok()) return child.status();
  if (child->ok()) return Status::ok_status();
  if (child->exited && child->exit_code == 3) return unavailable(child->output);
  return internal_error("looking up the backends ended with " +
                        core_internal::describe(*child, 120) + ": " + child->output);
}

Result<NamedTensors> full_inputs(const OnnxModelInfo& info, const ReduceOptions& o) {
  std::vector<std::string> names;
  for (const auto& i : info.inputs) names.push_back(i.name);
  for (const auto& [name, tensor] : o.inputs)
    if (std::find(names.begin(), names.end(), name) == names.end())
      return invalid_argument("the model has no input '" + name + "'" + did_you_mean(name, names) +
                              "; its inputs: " + (names.empty() ? std::string("none") : [&] {
                                std::string s;
                                for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
                                return s;
                              }()));
  for (const auto& [name, shape] : o.shapes)
    if (std::find(names.begin(), names.end(), name) == names.end())
      return invalid_argument("--shape for '" + name + "', which the model has no input of" +
                              did_you_mean(name, names));
  return make_inputs(info.inputs, o.inputs, o.shapes, o.seed);
}

// Nodes that compute from weights alone (Constant, an Identity of an
// initializer as exporters write to share weights, ...). A kept node that
// reads their output keeps them too, so a weight stays a constant in every
// piece: a backend that needs constant weights must not fail on a piece
// merely because a bias became a graph input.
class ConstantProducers {
 public:
  explicit ConstantProducers(const OnnxModelInfo& info) : info_(info) {
    std::set<std::string> constant(info.initializer_names.begin(), info.initializer_names.end());
    for (size_t i = 0; i < info.nodes.size(); ++i) {
      const auto& n = info.nodes[i];
      for (const auto& o : n.outputs) producer_[o] = static_cast<int64_t>(i);
      const bool from_weights = std::all_of(n.inputs.begin(), n.inputs.end(), [&](const auto& in) {
        return in.empty() || constant.contains(in);
      });
      if (!from_weights) continue;
      constant_nodes_.insert(static_cast<int64_t>(i));
      constant.insert(n.outputs.begin(), n.outputs.end());
    }
  }
  // `nodes` plus the constant nodes whose outputs they read (transitively).
  NodeSet close(const NodeSet& nodes) const {
    std::set<int64_t> kept(nodes.begin(), nodes.end());
    std::vector<int64_t> todo(nodes.begin(), nodes.end());
    while (!todo.empty()) {
      const int64_t i = todo.back();
      todo.pop_back();
      for (const auto& in : info_.nodes[i].inputs) {
        auto it = producer_.find(in);
        if (it == producer_.end() || !constant_nodes_.contains(it->second)) continue;
        if (kept.insert(it->second).second) todo.push_back(it->second);
      }
    }
    return {kept.begin(), kept.end()};
  }
  bool is_constant(int64_t node) const { return constant_nodes_.contains(node); }

 private:
  const OnnxModelInfo& info_;
  std::map<std::string, int64_t> producer_;
  std::set<int64_t> constant_nodes_;
};

// A piece's outputs: what its kept nodes make that the model outputs, that
// removed nodes read, or that nothing reads — as extract_subgraph's default,
// but never a weight (a constant node's output), which some backends refuse
// as a graph output. Empty: leave it to extract_subgraph.
std::vector<std::string> piece_outputs(const OnnxModelInfo& info, const NodeSet& nodes,
                                       const ConstantProducers& constants) {
  std::set<std::string> model_outputs, read_by_kept, read_by_removed;
  for (const auto& o : info.outputs) model_outputs.insert(o.name);
  const std::set<int64_t> kept(nodes.begin(), nodes.end());
  for (size_t i = 0; i < info.nodes.size(); ++i)
    for (const auto& in : info.nodes[i].inputs)
      (kept.contains(static_cast<int64_t>(i)) ? read_by_kept : read_by_removed).insert(in);
  std::vector<std::string> outputs;
  for (int64_t i : nodes) {
    if (constants.is_constant(i)) continue;
    for (const auto& o : info.nodes[i].outputs)
      if (!o.empty() &&
          (model_outputs.contains(o) || read_by_removed.contains(o) || !read_by_kept.contains(o)))
        outputs.push_back(o);
  }
  return outputs;
}

Config summary_json(const std::string& model, const ReduceOptions& o, const ReduceReport& r,
                    const DeployInfo* target) {
  Config s = Config::object();
  s["model"] = model;
  if (target != nullptr) {
    s["backend"] = target->backend;
    s["backend_config"] = target->deploy_cfg.value("backend_config", Config::object());
    s["reference"] = o.reference;
    s["atol"] = o.atol;
    s["rtol"] = o.rtol;
  } else {
    s["check"] = o.check_command;
    s["fail_regex"] = o.fail_regex;
  }
  s["failure"] = failure_kind_name(r.kind);
  s["message"] = r.message;
  s["reduced_message"] = r.reduced_message;
  s["nodes_before"] = r.nodes_before;
  s["nodes_after"] = r.nodes_after;
  s["kept_nodes"] = r.kept_nodes;
  s["reduced_inputs"] = r.reduced_inputs;
  s["fold"] = o.fold;
  s["seed"] = o.seed;
  s["trials"] = r.trials;
  s["stopped_early"] = r.stopped_early;
  s["seconds"] = r.seconds;
  return s;
}

}  // namespace

Result<ReduceReport> debug_reduce(const std::string& model_arg, const ReduceOptions& o,
                                  const ReduceProgress& progress, Registry* registry) {
  const auto start = Clock::now();
  NNPORT_RETURN_IF_ERROR(check_options(o));
  NNPORT_ASSIGN_OR_RETURN(OnnxModelInfo info, inspect_onnx(model_arg));
  if (!info.external_data_files.empty())
    return unimplemented(model_arg +
                         " keeps its weights in external data files, which reduce cannot cut "
                         "yet: save it with the weights inline (onnx.save_model(m, path, "
                         "save_as_external_data=False)) and reduce that file");
  if (info.nodes.empty()) return invalid_argument(model_arg + " has no nodes: nothing to reduce");
  const std::string model = fs::absolute(model_arg).lexically_normal().string();
  const bool check_mode = !o.check_command.empty();

  DeployInfo target;
  if (!check_mode) {
    NNPORT_ASSIGN_OR_RETURN(target, target_of(model, o));
  }
  const fs::path out_dir =
      fs::absolute(o.out_dir.empty() ? fs::path(model_arg).stem().string() + ".reduced" : o.out_dir)
          .lexically_normal();
  NNPORT_RETURN_IF_ERROR(check_out_dir(out_dir, o.overwrite));
  FailureOracle oracle;
  if (check_mode) {
    NNPORT_ASSIGN_OR_RETURN(oracle,
                            FailureOracle::for_check(o.check_command, o.fail_regex, o.timeout_s));
  } else {
    oracle = FailureOracle::for_backend(target, o.reference, o.atol, o.rtol, o.timeout_s, registry);
  }
  std::vector<std::pair<std::string, std::string>> backends;
  if (!check_mode) backends.emplace_back("", target.backend);
  backends.emplace_back("reference: ", o.reference);
  NNPORT_RETURN_IF_ERROR(probe_backends(backends, registry));
  NNPORT_ASSIGN_OR_RETURN(NamedTensors inputs, full_inputs(info, o));

  ScratchDir scratch;
  NNPORT_RETURN_IF_ERROR(scratch.create());
  BoundaryValues values(model, reference_target(model, o.reference), o.reference, inputs,
                        scratch.path().string(), o.timeout_s, registry);

  ReduceReport report;
  report.model = model_arg;
  report.nodes_before = static_cast<int64_t>(info.nodes.size());
  auto trial = [&](const std::string& path, const NamedTensors& feed) {
    ++report.trials;
    const fs::path dir = scratch.path() / ("trial-" + std::to_string(report.trials));
    std::error_code ec;
    fs::create_directories(dir, ec);
    TrialOutcome outcome = oracle.run(path, feed, dir.string());
    fs::remove_all(dir, ec);
    return outcome;
  };
  auto tell = [&](int64_t nodes, bool fails, const TrialOutcome& t, const std::string& detail) {
    if (!progress) return;
    ReduceTrial line;
    line.number = report.trials;
    line.nodes = nodes;
    line.fails = fails;
    line.kind = t.kind;
    line.detail = detail;
    line.seconds = t.seconds;
    progress(line);
  };

  // The full model first: it must fail, and how it fails is what every
  // candidate must repeat.
  const TrialOutcome first = trial(model, inputs);
  tell(report.nodes_before, first.kind != FailureKind::kNone && !first.inconclusive, first,
       outcome_detail(first));
  if (first.inconclusive) {
    if (check_mode)
      return invalid_argument(
          "the full model fails the check, but not the "
          "way --fail-regex says: " +
          first.why_inconclusive + "; its output: " + first.message +
          "\nfix the check command, or change --fail-regex to match this "
          "failure");
    return unavailable(first.why_inconclusive);
  }
  report.kind = first.kind;
  report.message = first.message;
  if (first.kind == FailureKind::kNone) {
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return report;  // nothing to reduce
  }
  report.full_model_fails = true;

  std::vector<std::string> node_names, op_types;
  for (const auto& n : info.nodes) {
    node_names.push_back(n.name);
    if (std::find(op_types.begin(), op_types.end(), n.op_type) == op_types.end())
      op_types.push_back(n.op_type);
  }
  const FailureSignature signature = signature_of(first.message, node_names, op_types);

  NodeSet best_nodes;
  for (int64_t i = 0; i < report.nodes_before; ++i) best_nodes.push_back(i);
  std::string best_model = model;
  NamedTensors best_feed = inputs;
  TrialOutcome best_outcome = first;

  const ConstantProducers constants(info);
  auto fails_closed = [&](const NodeSet& nodes) {
    if (report.trials >= o.max_trials) {
      report.stopped_early = true;
      return false;
    }
    const int64_t count = static_cast<int64_t>(nodes.size());
    auto skip = [&](const Status& why) {
      ++report.trials;
      tell(count, false, TrialOutcome{}, "skipped: " + why.message());
      return false;
    };
    auto boundary = onnx_internal::boundary_tensors(model, nodes);
    if (!boundary.ok()) return skip(boundary.status());
    auto boundary_values = values.get(*boundary);
    if (!boundary_values.ok()) return skip(boundary_values.status());
    onnx_internal::SubgraphSpec spec;
    spec.node_indices = nodes;
    spec.boundary_values = *boundary_values;
    spec.fold = o.fold;
    spec.outputs = piece_outputs(info, nodes, constants);
    const std::string path =
        (scratch.path() / ("candidate-" + std::to_string(report.trials + 1) + ".onnx")).string();
    if (Status cut = onnx_internal::extract_subgraph(model, path, spec); !cut.ok())
      return skip(cut);
    NamedTensors feed = inputs;
    if (!o.fold)
      for (const auto& [name, value] : *boundary_values) feed.set(name, value);
    const TrialOutcome outcome = trial(path, feed);
    const bool same = same_failure(first, signature, outcome);
    std::string detail = outcome_detail(outcome);
    if (!same && outcome.kind != FailureKind::kNone && !outcome.inconclusive)
      detail = "fails differently (" + detail + ")";
    tell(count, same, outcome, detail);
    std::error_code ec;
    if (!same || count >= static_cast<int64_t>(best_nodes.size())) {
      fs::remove(path, ec);
      return same;
    }
    if (best_model != model) fs::remove(best_model, ec);
    best_nodes = nodes;
    best_model = path;
    best_feed = std::move(feed);
    best_outcome = outcome;
    return true;
  };
  std::map<NodeSet, bool> seen;  // different asked sets may close to the same one
  auto fails = [&](const NodeSet& asked) {
    const NodeSet nodes = constants.close(asked);
    if (auto it = seen.find(nodes); it != seen.end()) return it->second;
    const bool result = fails_closed(nodes);
    if (!report.stopped_early) seen[nodes] = result;
    return result;
  };
  reduce_nodes(report.nodes_before, fails);

  // What the reduced model is and needs.
  NNPORT_ASSIGN_OR_RETURN(OnnxModelInfo reduced, inspect_onnx(best_model));
  NamedTensors reduced_inputs;
  for (const auto& i : reduced.inputs) {
    const Tensor* value = best_feed.find(i.name);
    if (value == nullptr)
      return internal_error("no value for the reduced model's input '" + i.name + "'");
    reduced_inputs.set(i.name, *value);
    report.reduced_inputs.push_back(i.name);
  }
  report.nodes_after = static_cast<int64_t>(best_nodes.size());
  for (int64_t i : best_nodes)
    report.kept_nodes.push_back(info.nodes[i].name + " (" + info.nodes[i].op_type + ")");
  // The message names the candidate's scratch path: name the written file.
  report.reduced_message = best_outcome.message;
  const std::string written = (out_dir / "reduced.onnx").string();
  for (size_t at = report.reduced_message.find(best_model); at != std::string::npos;
       at = report.reduced_message.find(best_model, at + written.size()))
    report.reduced_message.replace(at, best_model.size(), written);
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  NNPORT_RETURN_IF_ERROR(write_reduced(
      out_dir, best_model, reduced_inputs,
      summary_json(model_arg, o, report, check_mode ? nullptr : &target), o.overwrite));
  report.out_dir = out_dir.string();
  report.reduced_model = (out_dir / "reduced.onnx").string();
  return report;
}

}  // namespace nnport
