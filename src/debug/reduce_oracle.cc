// The failure oracle of `debug reduce`: each candidate runs in a child
// process (a backend that crashes or hangs there cannot end the search),
// which reports back one JSON verdict through its pipe.
#include "debug/reduce_oracle.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/child_process.h"
#include "debug/model_trial.h"
#include "nnport/config.h"

namespace nnport::debug_internal {
namespace {

using core_internal::ChildOutcome;

// The last `keep` bytes of a command's output, for messages.
std::string tail(const std::string& text, size_t keep = 1500) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  if (t.size() <= keep) return t;
  return "..." + t.substr(t.size() - keep);
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// `word` appears in `text` with no letter, digit or '_' right before or after it.
bool mentions(const std::string& text, const std::string& word) {
  if (word.empty()) return false;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !is_word_char(text[at - 1]);
    const size_t end = at + word.size();
    const bool ends = end == text.size() || !is_word_char(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

FailureKind kind_of_stage(TrialStage stage) {
  switch (stage) {
    case TrialStage::kConvert:
      return FailureKind::kConvert;
    case TrialStage::kLoad:
      return FailureKind::kLoad;
    default:
      return FailureKind::kRun;
  }
}

// The verdict of a target-vs-reference child: {"kind", "message", "max_abs_err",
// "inconclusive"}.
Config backend_verdict(const DeployInfo& target, const std::string& reference, double atol,
                       double rtol, const std::string& model, const NamedTensors& inputs,
                       const std::string& scratch_dir, Registry* registry) {
  TrialStage stage = TrialStage::kNone;
  auto outputs = run_on_target(target, model, scratch_dir, inputs, &stage, registry);
  if (!outputs.ok())
    return {{"kind", static_cast<int>(kind_of_stage(stage))},
            {"message", outputs.status().message()}};
  auto expected = run_on_reference(target, reference, model, inputs, registry);
  if (!expected.ok())
    return {{"kind", static_cast<int>(FailureKind::kNone)},
            {"inconclusive", "the reference '" + reference +
                                 "' cannot run this piece: " + expected.status().message()}};
  const std::vector<OutputComparison> rows = compare_outputs(*outputs, *expected, atol, rtol);
  const OutputComparison* worst = nullptr;
  for (const auto& r : rows) {
    if (r.pass) continue;
    // A reason (missing output, other shape) outranks any number.
    if (worst == nullptr || (!r.reason.empty() && worst->reason.empty()) ||
        (r.reason.empty() == worst->reason.empty() && r.max_abs_err > worst->max_abs_err))
      worst = &r;
  }
  if (worst == nullptr) return {{"kind", static_cast<int>(FailureKind::kNone)}};
  char numbers[160];
  std::snprintf(numbers, sizeof numbers, "max abs err %.6g, %lld of %lld elements differ",
                worst->max_abs_err, static_cast<long long>(worst->mismatches),
                static_cast<long long>(worst->numel));
  const std::string what = "output '" + worst->name +
                           "': " + (worst->reason.empty() ? std::string(numbers) : worst->reason);
  const double err = std::isfinite(worst->max_abs_err) ? worst->max_abs_err : -1;
  return {
      {"kind", static_cast<int>(FailureKind::kMismatch)}, {"message", what}, {"max_abs_err", err}};
}

TrialOutcome outcome_of_child(const Result<ChildOutcome>& child, double timeout_s) {
  TrialOutcome t;
  if (!child.ok()) {
    t.inconclusive = true;
    t.why_inconclusive = child.status().message();
    return t;
  }
  t.seconds = child->seconds;
  if (child->timed_out) {
    t.kind = FailureKind::kTimeout;
    t.message = core_internal::describe(*child, timeout_s);
    return t;
  }
  if (!child->exited) {
    t.kind = FailureKind::kCrash;
    t.signal = child->signal;
    t.message = core_internal::describe(*child, timeout_s);
    return t;
  }
  auto verdict = parse_json_document(child->output, "trial verdict");
  if (child->exit_code != 0 || !verdict.ok() || !verdict->is_object()) {
    // An exception out of the backend, or an exit() inside it.
    t.kind = FailureKind::kRun;
    t.message = "the trial process ended with " + core_internal::describe(*child, timeout_s) +
                (child->output.empty() ? "" : ": " + tail(child->output));
    return t;
  }
  t.kind = static_cast<FailureKind>(verdict->value("kind", 0));
  t.message = verdict->value("message", "");
  t.max_abs_err = verdict->value("max_abs_err", 0.0);
  t.why_inconclusive = verdict->value("inconclusive", "");
  t.inconclusive = !t.why_inconclusive.empty();
  return t;
}

}  // namespace

std::string shell_quote(const std::string& text) {
  std::string q = "'";
  for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string outcome_detail(const TrialOutcome& o) {
  if (o.inconclusive) return "inconclusive: " + o.why_inconclusive;
  const std::string kind = failure_kind_name(o.kind);
  switch (o.kind) {
    case FailureKind::kNone:
      return kind;
    case FailureKind::kMismatch: {
      char err[64];
      std::snprintf(err, sizeof err, "max abs err %.3g", o.max_abs_err);
      return kind + ", " + (o.max_abs_err >= 0 ? std::string(err) : o.message);
    }
    case FailureKind::kCrash:
    case FailureKind::kTimeout:
      return kind + ", " + o.message;
    default: {
      // The first line of the error is enough for a progress line.
      std::string first = o.message.substr(0, o.message.find('\n'));
      if (first.size() > 160) first = first.substr(0, 157) + "...";
      return kind + ": " + first;
    }
  }
}

FailureSignature signature_of(const std::string& message,
                              const std::vector<std::string>& node_names,
                              const std::vector<std::string>& op_types) {
  FailureSignature s;
  for (const auto& n : node_names)
    if (mentions(message, n) && std::find(s.nodes.begin(), s.nodes.end(), n) == s.nodes.end())
      s.nodes.push_back(n);
  for (const auto& op : op_types)
    if (mentions(message, op) && std::find(s.ops.begin(), s.ops.end(), op) == s.ops.end())
      s.ops.push_back(op);
  return s;
}

bool same_failure(const TrialOutcome& first, const FailureSignature& signature,
                  const TrialOutcome& now) {
  if (now.inconclusive || now.kind != first.kind || now.kind == FailureKind::kNone) return false;
  switch (now.kind) {
    case FailureKind::kCrash:
      return now.signal == first.signal;
    case FailureKind::kConvert:
    case FailureKind::kLoad:
    case FailureKind::kRun: {
      const auto& words = !signature.nodes.empty() ? signature.nodes : signature.ops;
      if (words.empty()) return true;
      return std::any_of(words.begin(), words.end(),
                         [&](const std::string& w) { return mentions(now.message, w); });
    }
    default:
      return true;
  }
}

FailureOracle FailureOracle::for_backend(const DeployInfo& target, const std::string& reference,
                                         double atol, double rtol, double timeout_s,
                                         Registry* registry) {
  FailureOracle o;
  o.target_ = target;
  o.reference_ = reference;
  o.atol_ = atol;
  o.rtol_ = rtol;
  o.timeout_s_ = timeout_s;
  o.registry_ = registry;
  return o;
}

Result<FailureOracle> FailureOracle::for_check(const std::string& command,
                                               const std::string& fail_regex, double timeout_s) {
  FailureOracle o;
  o.check_mode_ = true;
  o.command_ = command;
  o.fail_regex_ = fail_regex;
  o.timeout_s_ = timeout_s;
  if (!fail_regex.empty()) {
    try {
      o.regex_ = std::regex(fail_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return invalid_argument("--fail-regex '" + fail_regex +
                              "' is not a valid regular expression (ECMAScript): " + e.what());
    }
  }
  return o;
}

std::string FailureOracle::command_for(const std::string& model) const {
  const std::string quoted = shell_quote(model);
  std::string command = command_;
  const std::string placeholder = "{model}";
  if (command.find(placeholder) == std::string::npos) return command + " " + quoted;
  for (size_t at = command.find(placeholder); at != std::string::npos;
       at = command.find(placeholder, at + quoted.size()))
    command.replace(at, placeholder.size(), quoted);
  return command;
}

TrialOutcome FailureOracle::run(const std::string& model, const NamedTensors& inputs,
                                const std::string& scratch_dir) const {
  return check_mode_ ? run_check(model) : run_backend(model, inputs, scratch_dir);
}

TrialOutcome FailureOracle::run_backend(const std::string& model, const NamedTensors& inputs,
                                        const std::string& scratch_dir) const {
  auto child = core_internal::run_in_child(
      [&](int fd) {
        ::dup2(STDERR_FILENO, STDOUT_FILENO);  // a backend's chatter must not mix with --json
        const Config verdict = backend_verdict(target_, reference_, atol_, rtol_, model, inputs,
                                               scratch_dir, registry_);
        return core_internal::write_all(fd, verdict.dump()) ? 0 : 1;
      },
      timeout_s_);
  return outcome_of_child(child, timeout_s_);
}

TrialOutcome FailureOracle::run_check(const std::string& model) const {
  auto child = core_internal::run_shell(command_for(model), timeout_s_);
  TrialOutcome t;
  if (!child.ok()) {
    t.inconclusive = true;
    t.why_inconclusive = child.status().message();
    return t;
  }
  t.seconds = child->seconds;
  if (child->timed_out) {
    t.kind = FailureKind::kTimeout;
    t.message = core_internal::describe(*child, timeout_s_);
    return t;
  }
  if (child->ok()) return t;
  t.kind = FailureKind::kCheck;
  t.signal = child->signal;
  t.message = core_internal::describe(*child, timeout_s_) +
              (child->output.empty() ? "" : ": " + tail(child->output));
  if (!fail_regex_.empty() && !std::regex_search(child->output, regex_)) {
    t.inconclusive = true;
    t.why_inconclusive = "the check failed (" + core_internal::describe(*child, timeout_s_) +
                         ") but its output does not match --fail-regex '" + fail_regex_ + "'";
  }
  return t;
}

}  // namespace nnport::debug_internal
