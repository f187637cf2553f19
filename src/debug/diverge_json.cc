// diverge_report_json: the report in a form scripts (and bug reports) keep.
#include <cmath>

#include "nnport/diverge.h"

namespace nnport {
namespace {

Config number(double v) { return std::isfinite(v) ? Config(v) : Config(nullptr); }

Config check_json(const TensorCheck& c) {
  const OutputComparison& r = c.comparison;
  Config shape = Config::array();
  for (int64_t d : r.shape) shape.push_back(d);
  Config doc = {{"tensor", c.tensor},
                {"node", c.node},
                {"node_name", c.node_name},
                {"op_type", c.op_type},
                {"dtype", std::string(dtype_name(r.dtype))},
                {"shape", shape},
                {"max_abs_err", number(r.max_abs_err)},
                {"max_rel_err", number(r.max_rel_err)},
                {"cosine", number(r.cosine)},
                {"mismatches", r.mismatches},
                {"numel", r.numel},
                {"pass", r.pass},
                {"reason", r.reason}};
  return doc;
}

Config checks_json(const std::vector<TensorCheck>& checks) {
  Config list = Config::array();
  for (const auto& c : checks) list.push_back(check_json(c));
  return list;
}

}  // namespace

Config diverge_report_json(const DivergeReport& report) {
  Config steps = Config::array();
  for (const auto& s : report.steps)
    steps.push_back({{"step", s.index},
                     {"low", s.low},
                     {"high", s.high},
                     {"wanted", s.wanted},
                     {"cut", s.cut},
                     {"cut_name", s.cut_name},
                     {"cut_op", s.cut_op},
                     {"skipped", s.skipped},
                     {"tensors", s.tensors},
                     {"diverged", s.diverged},
                     {"worst_tensor", s.worst_tensor},
                     {"worst_abs_err", number(s.worst_abs_err)}});
  Config doc = {{"target", report.target},
                {"backend", report.backend},
                {"reference", report.reference},
                {"model", report.model},
                {"nodes", report.nodes},
                {"trials", report.trials},
                {"outputs_differ", report.outputs_differ},
                {"outputs", checks_json(report.outputs)},
                {"found", report.found},
                {"first_node", report.first_node},
                {"last_node", report.last_node},
                {"node_name", report.node_name},
                {"op_type", report.op_type},
                {"node_inputs", report.node_inputs},
                {"node_outputs", report.node_outputs},
                {"diverging", checks_json(report.diverging)},
                {"path", checks_json(report.path)},
                {"steps", steps},
                {"notes", report.notes},
                {"saved_dir", report.saved_dir}};
  return doc;
}

}  // namespace nnport
