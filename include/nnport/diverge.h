// nnport debug diverge: the first tensor where a backend's values part from
// a reference backend's. The model is cut at a node (the prefix that
// computes everything up to it, its live tensors made outputs), the prefix
// is converted with the target backend's own to_backend — a real converted
// model, not a debug build — and run on both backends with the same inputs;
// bisection over the nodes' (topological) order needs O(log N) conversions,
// and never holds all of the model's tensors at once.
#ifndef NNPORT_DIVERGE_H_
#define NNPORT_DIVERGE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nnport/apis.h"
#include "nnport/config.h"
#include "nnport/export.h"
#include "nnport/metrics.h"
#include "nnport/registry.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport {

// One bisection step: the model cut after node `cut` (its nodes 0..cut kept).
struct DivergeStep {
  int index = 0;                     // 1, 2, ...
  int64_t low = -1, high = 0;        // the range left before this step: node low agrees, high parts
  int64_t wanted = 0;                // the cut bisection asked for
  int64_t cut = -1;                  // the cut used (-1: none could be converted in the range)
  std::string cut_name, cut_op;      // that node's name and op type
  std::vector<std::string> skipped;  // "node 12 'Conv_12': <why it could not be converted>"
  int64_t tensors = 0;               // tensors compared at the cut
  bool diverged = false;
  std::string worst_tensor;  // the tensor with the largest error at the cut
  double worst_abs_err = 0;
};

// One tensor compared: which node made it and how far the target is from
// the reference.
struct TensorCheck {
  std::string tensor;
  int64_t node = -1;  // index of the node that makes it (-1: a graph input)
  std::string node_name, op_type;
  OutputComparison comparison;  // comparison.name == tensor
};

struct DivergeOptions {
  std::string backend;                    // for an .onnx TARGET (default onnxruntime)
  std::string reference = "onnxruntime";  // runs the same ONNX prefixes
  // A tensor agrees when every element meets |t - r| <= atol + rtol * |r|,
  // or, with goals, when it meets every goal (cosine, snr, topk).
  double atol = 1e-5, rtol = 1e-3;
  std::vector<MetricGoal> goals;
  NamedTensors inputs;                  // given inputs; the rest seeded random
  std::map<std::string, Shape> shapes;  // for dynamic dims of random inputs
  uint64_t seed = 0;
  std::string device;      // "" = the target's
  double timeout_s = 600;  // per trial (a conversion and two runs, in a child process)
  // Write the smallest failing prefix (prefix.onnx), its inputs
  // (inputs/*.npy) and diverge.json here (created; must not exist or be empty).
  std::string save_dir;
  // Scratch space for the prefixes' conversions ("" = a temporary folder,
  // removed at the end).
  std::string scratch_dir;
  std::function<void(const DivergeStep&)> on_step;  // progress, after each step
};

struct DivergeReport {
  std::string target, backend, reference, model;  // model: the ONNX file that was cut
  int64_t nodes = 0;
  int trials = 0;                    // conversions made (each a prefix, the full model included)
  bool outputs_differ = false;       // the full model's outputs part (false: nothing to find)
  std::vector<TensorCheck> outputs;  // the full model's outputs
  // The first diverging node: its inputs agree with the reference, an
  // output does not. found is false when the cuts around it could not be
  // converted; first_node/last_node then bound where it is.
  bool found = false;
  int64_t first_node = -1, last_node = -1;
  std::string node_name, op_type;
  std::vector<std::string> node_inputs, node_outputs;
  std::vector<TensorCheck> diverging;  // node's outputs (or the tensors at the bad cut) that part
  std::vector<TensorCheck> path;       // tensors from a graph input to the first diverging one
  std::vector<DivergeStep> steps;
  std::vector<std::string> notes;  // what the user should know (moved cuts, untyped tensors)
  std::string saved_dir;           // where save_dir's files went
};

// TARGET: a work dir (the model its backend converted is cut, its deploy
// config converts each prefix) or an .onnx file with options.backend.
NNPORT_API Result<DivergeReport> debug_diverge(const std::string& target,
                                               const DivergeOptions& options,
                                               Registry* registry = nullptr);

// The report as JSON (`nnport debug diverge --json`, the saved diverge.json):
// numbers that are NaN or infinite become null.
NNPORT_API Config diverge_report_json(const DivergeReport& report);

}  // namespace nnport

#endif  // NNPORT_DIVERGE_H_
