// Internal to libnnport: the failure oracle of `debug reduce` — run one
// candidate model in a child process (on the target backend against the
// reference, or through the user's check command), say how it failed, and
// whether that is the same failure as the full model's.
#ifndef NNPORT_SRC_DEBUG_REDUCE_ORACLE_H_
#define NNPORT_SRC_DEBUG_REDUCE_ORACLE_H_

#include <regex>
#include <string>
#include <vector>

#include "nnport/apis.h"
#include "nnport/reduce.h"
#include "nnport/registry.h"
#include "nnport/tensor.h"

namespace nnport::debug_internal {

struct TrialOutcome {
  FailureKind kind = FailureKind::kNone;
  std::string message;     // the error, the check's output, or which output mismatched
  int signal = 0;          // kCrash (and a check command killed by a signal)
  double max_abs_err = 0;  // kMismatch: the worst output's
  // The trial says nothing about the failure: the reference could not run
  // the piece, or the check's output did not match --fail-regex.
  bool inconclusive = false;
  std::string why_inconclusive;
  double seconds = 0;
};

// One line for progress output: "mismatch, max abs err 0.49",
// "crash, killed by signal 11 (SIGSEGV)", "conversion error: ...".
std::string outcome_detail(const TrialOutcome& outcome);

// What a failure's message names: the model's node names and op types that
// appear in it as whole words. A candidate's error must name one of the
// same nodes (or, when no node is named, one of the same op types).
struct FailureSignature {
  std::vector<std::string> nodes, ops;
};
FailureSignature signature_of(const std::string& message,
                              const std::vector<std::string>& node_names,
                              const std::vector<std::string>& op_types);
bool same_failure(const TrialOutcome& first, const FailureSignature& signature,
                  const TrialOutcome& now);

class FailureOracle {
 public:
  // The target backend (converting with target's deploy config) against a
  // reference backend's outputs.
  static FailureOracle for_backend(const DeployInfo& target, const std::string& reference,
                                   double atol, double rtol, double timeout_s, Registry* registry);
  // A shell command; "{model}" is replaced by the candidate's quoted path.
  static Result<FailureOracle> for_check(const std::string& command, const std::string& fail_regex,
                                         double timeout_s);

  // Run `model` with `inputs` (picked by name); scratch_dir must exist and
  // is the backend's to write in.
  TrialOutcome run(const std::string& model, const NamedTensors& inputs,
                   const std::string& scratch_dir) const;

  // The command line run for `model`.
  std::string command_for(const std::string& model) const;

 private:
  TrialOutcome run_backend(const std::string& model, const NamedTensors& inputs,
                           const std::string& scratch_dir) const;
  TrialOutcome run_check(const std::string& model) const;

  bool check_mode_ = false;
  DeployInfo target_;
  std::string reference_;
  double atol_ = 0, rtol_ = 0, timeout_s_ = 0;
  Registry* registry_ = nullptr;
  std::string command_, fail_regex_;
  std::regex regex_;
};

// "'path'" for /bin/sh, with embedded quotes escaped.
std::string shell_quote(const std::string& text);

}  // namespace nnport::debug_internal

#endif  // NNPORT_SRC_DEBUG_REDUCE_ORACLE_H_
