// `nnport debug reduce`: shrink an ONNX model to the smallest subgraph that
// still fails the way the full model does — a conversion error, a crash of
// the backend, outputs that differ from a reference backend's, or a user's
// own check command failing. Every trial runs in a child process with a time
// limit, so a backend that crashes or hangs never ends the search.
#ifndef NNPORT_REDUCE_H_
#define NNPORT_REDUCE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nnport/export.h"
#include "nnport/registry.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport {

// How a model (or a piece of it) fails.
enum class FailureKind {
  kNone,      // it passes
  kConvert,   // the backend's to_backend returned an error
  kLoad,      // building the backend's wrapper from the converted files failed
  kRun,       // forward() returned an error
  kCrash,     // the backend ended its process with a signal (SIGSEGV, SIGABRT, ...)
  kTimeout,   // the trial ran past ReduceOptions::timeout_s
  kMismatch,  // outputs differ from the reference beyond atol / rtol
  kCheck,     // the --check command exited non-zero (and matched --fail-regex)
};
// "passes", "conversion error", "load error", "run error", "crash", "timeout",
// "mismatch", "check failed".
NNPORT_API const char* failure_kind_name(FailureKind kind);

struct ReduceOptions {
  // What fails: a backend (`backend`, checked against `reference`), or a
  // shell command (`check_command`). Exactly one of backend and
  // check_command.
  std::string backend;
  // The backend's deploy config: a file (.py/.json/.yaml; its
  // backend_config.type must be `backend` when both are given; without
  // `backend` it names the backend), else {backend_config: {type: backend}};
  // then cfg_options ("backend_config.key=value") on top.
  std::string deploy_cfg;
  std::vector<std::string> cfg_options;
  std::string device = "cpu";
  // Runs ONNX files: compared with in mismatch checks, and computes the
  // values the reduced model's inputs get (with check_command too).
  std::string reference = "onnxruntime";
  // `/bin/sh -c` command; "{model}" is replaced by the candidate's path
  // (shell-quoted); without "{model}" the path is appended as the last
  // argument. A non-zero exit means the candidate fails; with fail_regex
  // (ECMAScript, searched in stdout+stderr) the output must match too.
  std::string check_command;
  std::string fail_regex;

  std::string out_dir;  // default: "<model stem>.reduced" in the current folder
  // Replace an existing out_dir only if an earlier `debug reduce` wrote it.
  bool overwrite = false;
  // Boundary tensors become initializers holding the full model's values
  // instead of graph inputs (trials run the folded pieces too).
  bool fold = false;

  // The full model's inputs: given ones by name, the rest seeded random
  // data (make_inputs), dynamic dims from `shapes`.
  NamedTensors inputs;
  std::map<std::string, Shape> shapes;
  uint64_t seed = 0;
  double atol = 1e-5, rtol = 1e-3;  // mismatch tolerance (numpy.allclose)
  double timeout_s = 120;           // per trial; > 0
  int max_trials = 500;             // the search stops there and keeps its best so far
};

// One trial of the search, for progress lines.
struct ReduceTrial {
  int number = 0;      // 1, 2, ... (the full model's own trial is 1)
  int64_t nodes = 0;   // nodes in the candidate
  bool fails = false;  // fails the same way as the full model
  FailureKind kind = FailureKind::kNone;
  std::string detail;  // "max abs err 0.5", "killed by signal 11 (SIGSEGV)", the error, ...
  double seconds = 0;
};
using ReduceProgress = std::function<void(const ReduceTrial&)>;

struct ReduceReport {
  std::string model;              // as given
  bool full_model_fails = false;  // false: nothing to reduce (out_dir not written)
  FailureKind kind = FailureKind::kNone;
  std::string message;          // the full model's failure, as first seen
  std::string reduced_message;  // the reduced model's failure
  int64_t nodes_before = 0, nodes_after = 0;
  std::vector<std::string> kept_nodes;      // "name (OpType)", in graph order
  std::vector<std::string> reduced_inputs;  // the reduced model's graph inputs
  std::string out_dir;                      // absolute, when written
  std::string reduced_model;                // out_dir/reduced.onnx
  int trials = 0;
  bool stopped_early = false;  // max_trials reached: the result is smaller but may not be minimal
  double seconds = 0;
};

// Establish that `model` fails (a passing model is a report with
// full_model_fails false, not an error), then bisect over prefixes and
// suffixes of its topological order and remove nodes one chunk at a time
// (delta debugging) while the piece still fails the same way: the same
// kind, the same signal for a crash, the same node or op named by a
// conversion/load/run error. Writes out_dir atomically: reduced.onnx,
// inputs/<name>.npy (every input it needs, the full model's values),
// summary.json. Bad options (neither or both of backend and check_command,
// an unknown or unavailable backend, a missing model) are errors before any
// trial runs. The calling thread forks for every backend run: call it
// before starting engine threads of your own.
NNPORT_API Result<ReduceReport> debug_reduce(const std::string& model, const ReduceOptions& options,
                                             const ReduceProgress& progress = {},
                                             Registry* registry = nullptr);

}  // namespace nnport

#endif  // NNPORT_REDUCE_H_
