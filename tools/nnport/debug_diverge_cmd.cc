// nnport debug diverge TARGET --reference BACKEND: the first node whose
// output on the target's backend parts from the reference's.
#include <cmath>
#include <iostream>

#include "cli.h"
#include "nnport/diverge.h"
#include "nnport/onnx_model.h"
#include "verify_goals.h"

namespace nnport::cli {
namespace {

std::string node_text(int64_t index, const std::string& name, const std::string& op) {
  return "node " + std::to_string(index) + (name.empty() ? "" : " '" + name + "'") + " (" + op +
         ")";
}

std::string error_text(const OutputComparison& c) {
  if (!compared(c)) return c.reason;
  return "max abs err " + format_number(c.max_abs_err) + ", " + std::to_string(c.mismatches) + "/" +
         std::to_string(c.numel) + " elements off";
}

void print_step(const DivergeStep& s) {
  std::cerr << "step " << s.index << ": nodes " << s.low + 1 << ".." << s.high << " left\n";
  for (const auto& skipped : s.skipped)
    std::cerr << "  cannot cut after " << skipped << " (moving the cut)\n";
  if (s.cut < 0) {
    std::cerr << "  no cut in range could be converted" << std::endl;
    return;
  }
  std::cerr << "  cut after " << node_text(s.cut, s.cut_name, s.cut_op) << ": " << s.tensors
            << " tensor(s), worst '" << s.worst_tensor << "' max abs err "
            << format_number(s.worst_abs_err) << " -> " << (s.diverged ? "parts" : "agrees")
            << std::endl;
}

void print_checks(const std::vector<TensorCheck>& checks) {
  size_t w = 8;
  for (const auto& c : checks) w = std::max(w, c.tensor.size() + 2);
  std::cout << "  " << pad("tensor", w) << pad("node", 28) << pad("max abs err", 14)
            << pad("max rel err", 14) << pad("mismatches", 16) << "result\n";
  for (const auto& c : checks) {
    const OutputComparison& r = c.comparison;
    std::string node = c.node < 0 ? "input" : std::to_string(c.node) + " " + c.op_type;
    std::cout << "  " << pad(c.tensor, w) << pad(node, 28);
    if (!compared(r)) {
      std::cout << "FAIL  (" << r.reason << ")\n";
      continue;
    }
    std::cout << pad(format_number(r.max_abs_err), 14) << pad(format_number(r.max_rel_err), 14)
              << pad(std::to_string(r.mismatches) + "/" + std::to_string(r.numel), 16)
              << (r.pass ? "agrees" : "PARTS") << "\n";
  }
}

void print_report(const DivergeReport& r) {
  if (!r.outputs_differ) {
    std::cout << "nothing diverges: every output of " << r.backend << " agrees with " << r.reference
              << " on these inputs\n";
    return;
  }
  if (r.found) {
    std::cout << "first diverging node: " << node_text(r.last_node, r.node_name, r.op_type)
              << "\n  its inputs agree with " << r.reference << ": " << join(r.node_inputs, ", ")
              << "\n";
    for (const auto& d : r.diverging)
      std::cout << "  output '" << d.tensor << "' parts: " << error_text(d.comparison) << "\n";
  } else {
    std::cout << "the first diverging node lies between node " << r.first_node << " and node "
              << r.last_node << " (the cuts between them could not be converted)\n";
  }
  if (!r.path.empty()) {
    std::cout << "error along the path from the input:\n";
    print_checks(r.path);
  }
  for (const auto& n : r.notes) std::cout << "note: " << n << "\n";
  std::cout << r.trials << " conversion(s) of " << r.nodes << " nodes";
  if (!r.saved_dir.empty()) std::cout << "; prefix model and inputs saved in " << r.saved_dir;
  std::cout << "\n";
}

}  // namespace

Command add_debug_diverge_command(CLI::App& debug, GlobalOptions& g) {
  struct Options {
    std::string target, backend, reference = "onnxruntime", device, save;
    InputOptions inputs;
    double atol = 1e-5, rtol = 1e-3, timeout = 600;
    bool json = false;
    GoalOptions goals;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = debug.add_subcommand(
      "diverge",
      "find the first tensor whose value on the target's backend parts from the "
      "reference's (exit 0 only when nothing diverges)");
  sub->add_option("TARGET", o->target, "a work dir written by `nnport convert`, or an .onnx file")
      ->required();
  sub->add_option("--reference", o->reference, "backend that runs the same ONNX prefixes")
      ->capture_default_str();
  sub->add_option("--backend", o->backend, "the backend for an .onnx TARGET (default onnxruntime)");
  add_device_option(*sub, o->device);
  add_input_options(*sub, o->inputs);
  sub->add_option("--atol", o->atol, "absolute tolerance (>= 0)")
      ->capture_default_str()
      ->check(non_negative_number());
  sub->add_option("--rtol", o->rtol, "relative tolerance (>= 0)")
      ->capture_default_str()
      ->check(non_negative_number());
  auto one_each = [&](const char* name, std::vector<std::string>& to, const char* type,
                      const char* help) {
    return sub->add_option(name, to, help)
        ->type_name(type)
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  };
  o->goals.metric = one_each("--metric", o->goals.metrics, "NAME",
                             "judge tensors by a goal instead of atol/rtol: cosine, snr or topk");
  o->goals.min = one_each("--min", o->goals.mins, "X", "the goal of the --metric before it");
  o->goals.k = one_each("--k", o->goals.ks, "K", "k of the --metric topk before it");
  sub->add_option("--save", o->save,
                  "write the failing prefix (prefix.onnx), its inputs and diverge.json here, "
                  "for a bug report (a new or empty folder)")
      ->type_name("DIR");
  sub->add_option("--timeout", o->timeout, "seconds per trial (a conversion and two runs)")
      ->capture_default_str()
      ->check(non_negative_number());
  sub->add_flag("--json", o->json, "print the report as one JSON document");
  sub->footer(
      "How: the model is cut after a node (the prefix computing everything up to it, the\n"
      "tensors later nodes still need made outputs), the prefix is converted with the\n"
      "backend's own converter and run on both backends; bisection needs about log2(nodes)\n"
      "conversions. The first diverging node is the one whose inputs agree and whose\n"
      "output does not. A cut the backend cannot convert moves to the nearest one that\n"
      "converts (the steps say so). Each trial runs in a child process: a backend crash\n"
      "skips that cut. One progress line per step on stderr.\n"
      "Exit 0 when the outputs agree (nothing to find), 1 when they part (the report says\n"
      "where) or on an error.\n"
      "Examples:\n"
      "  nnport debug diverge work/resnet18_xnnpack --reference onnxruntime\n"
      "  nnport debug diverge model.onnx --backend opencv --input input=x.npy --atol 1e-4\n"
      "  nnport debug diverge work --save bug-report/ --json > diverge.json");
  return {sub, [o, &g, sub] {
            const char* cmd = "debug diverge";
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail(cmd, plugins);
            auto goals = goals_from(*sub, o->goals);
            if (!goals.ok()) {
              fail(cmd, goals.status());
              return kExitUsage;
            }
            DivergeOptions options;
            options.backend = o->backend;
            options.reference = o->reference;
            options.atol = o->atol;
            options.rtol = o->rtol;
            options.goals = *goals;
            options.device = o->device;
            options.save_dir = o->save;
            options.timeout_s = o->timeout;
            options.seed = o->inputs.seed;
            // The inputs, read and checked against the model's before any work.
            auto info = resolve_target(o->target, o->backend);
            if (!info.ok()) return fail(cmd, info.status());
            if (info->ir_files.empty())
              return fail(cmd, "target '" + o->target + "' has no ONNX file to cut");
            auto described = inspect_onnx(info->ir_files[0]);
            if (!described.ok()) return fail(cmd, described.status());
            auto inputs = prepare_inputs(described->inputs, o->inputs);
            if (!inputs.ok()) return fail(cmd, inputs.status());
            options.inputs = inputs->tensors;
            options.on_step = print_step;

            auto report = debug_diverge(o->target, options);
            if (!report.ok()) return fail(cmd, report.status());
            if (o->json)
              print_json(diverge_report_json(*report));
            else
              print_report(*report);
            return report->outputs_differ ? kExitError : kExitOk;
          }};
}

}  // namespace nnport::cli
