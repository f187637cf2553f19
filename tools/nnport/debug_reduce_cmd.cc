// nnport debug reduce MODEL.onnx: the smallest subgraph that still fails the
// way the full model does (nnport/reduce.h does the work).
#include <iostream>

#include "cli.h"
#include "nnport/did_you_mean.h"
#include "nnport/npy.h"
#include "nnport/onnx_model.h"
#include "nnport/reduce.h"

namespace nnport::cli {
namespace {

constexpr double kDefaultAtol = 1e-5;  // verify's defaults
constexpr double kDefaultRtol = 1e-3;

struct Options {
  std::string model, backend, reference = "onnxruntime", check, fail_regex, out, deploy_cfg, device;
  std::vector<std::string> cfg_options;
  InputOptions inputs;
  double atol = kDefaultAtol, rtol = kDefaultRtol, timeout = 120;
  int max_trials = 500;
  bool fold = false, force = false, json = false;
};

// --input NAME=FILE.npy (FILE.npy alone for a one-input model) and --shape
// NAME=SHAPE, read without a backend; names are checked by debug_reduce.
Status read_inputs(const Options& o, ReduceOptions& r) {
  std::vector<std::string> names;
  if (!o.inputs.inputs.empty()) {
    NNPORT_ASSIGN_OR_RETURN(OnnxModelInfo info, inspect_onnx(o.model));
    for (const auto& i : info.inputs) names.push_back(i.name);
  }
  for (const auto& arg : o.inputs.inputs) {
    const auto eq = arg.find('=');
    std::string name, file;
    if (eq == std::string::npos && names.size() == 1) {
      name = names[0];
      file = arg;
    } else if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
      return invalid_argument("--input '" + arg + "': expected NAME=FILE.npy");
    } else {
      name = arg.substr(0, eq);
      file = arg.substr(eq + 1);
    }
    if (std::find(names.begin(), names.end(), name) == names.end())
      return invalid_argument("--input " + arg + ": the model has no input '" + name +
                              "'; its inputs: " + join(names, ", ") + did_you_mean(name, names));
    if (r.inputs.contains(name)) return invalid_argument("--input '" + name + "' is given twice");
    NNPORT_ASSIGN_OR_RETURN(Tensor t, read_npy(file));
    r.inputs.set(name, std::move(t));
  }
  for (const auto& arg : o.inputs.shapes) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
      return invalid_argument("--shape '" + arg + "': expected NAME=SHAPE, e.g. input=1x3x224x224");
    auto shape = parse_shape(arg.substr(eq + 1));
    if (!shape.ok()) return invalid_argument("--shape " + arg + ": " + shape.status().message());
    r.shapes[arg.substr(0, eq)] = *shape;
  }
  return Status::ok_status();
}

void print_progress(const ReduceTrial& t) {
  std::cerr << "trial " << t.number << ": " << t.nodes << (t.nodes == 1 ? " node" : " nodes")
            << " -> " << (t.fails ? "fails (" + t.detail + ")" : t.detail) << std::endl;
}

Config report_json(const ReduceReport& r) {
  return {{"model", r.model},
          {"full_model_fails", r.full_model_fails},
          {"failure", failure_kind_name(r.kind)},
          {"message", r.message},
          {"reduced_message", r.reduced_message},
          {"nodes_before", r.nodes_before},
          {"nodes_after", r.nodes_after},
          {"kept_nodes", r.kept_nodes},
          {"reduced_inputs", r.reduced_inputs},
          {"out_dir", r.out_dir},
          {"reduced_model", r.reduced_model},
          {"trials", r.trials},
          {"stopped_early", r.stopped_early},
          {"seconds", number_json(r.seconds)}};
}

void print_report(const ReduceReport& r) {
  if (!r.full_model_fails) {
    std::cout << r.model << " passes (" << r.nodes_before
              << " nodes): nothing to reduce. Check --atol/--rtol, the inputs, or the "
                 "--check command if you expected a failure.\n";
    return;
  }
  std::cout << "failure: " << failure_kind_name(r.kind) << "\n"
            << "  full model:    " << r.message << "\n"
            << "  reduced model: " << r.reduced_message << "\n"
            << "nodes: " << r.nodes_before << " -> " << r.nodes_after << " (" << r.trials
            << " trials, " << format_number(r.seconds) << " s)"
            << (r.stopped_early ? "; stopped at --max-trials: smaller, but maybe not minimal" : "")
            << "\n";
  std::cout << "kept nodes:\n";
  for (const auto& n : r.kept_nodes) std::cout << "  " << n << "\n";
  std::cout << "written: " << r.reduced_model << "\n";
  if (!r.reduced_inputs.empty())
    std::cout << "  inputs (" << join(r.reduced_inputs, ", ") << ") in " << r.out_dir
              << "/inputs, listed in summary.json\n";
}

}  // namespace

Command add_debug_reduce_command(CLI::App& debug, GlobalOptions& g) {
  auto o = std::make_shared<Options>();
  CLI::App* sub = debug.add_subcommand(
      "reduce", "shrink a failing model to the smallest subgraph that still fails the same way");
  sub->add_option("MODEL", o->model, "the .onnx model that fails")->required();
  sub->add_option("--backend", o->backend,
                  "the backend that fails on it: a conversion error, a crash, or outputs that "
                  "differ from --reference");
  sub->add_option("--reference", o->reference,
                  "backend whose outputs are right; it also computes the values the reduced "
                  "model's inputs get (with --check too)")
      ->capture_default_str();
  sub->add_option("--check", o->check,
                  "a shell command that fails (non-zero exit) on a bad model; {model} is "
                  "replaced by the candidate's path (appended when absent)")
      ->type_name("CMD");
  sub->add_option("--fail-regex", o->fail_regex,
                  "with --check: the command's output (stdout+stderr) must also match this "
                  "regular expression (ECMAScript) to count as the failure")
      ->type_name("RE");
  sub->add_option("--out", o->out, "output folder (default: <model stem>.reduced)")
      ->type_name("DIR");
  sub->add_flag("--force", o->force, "replace --out if an earlier `debug reduce` wrote it");
  sub->add_flag("--fold", o->fold,
                "make the values the removed nodes computed constants of the reduced model "
                "instead of inputs");
  sub->add_option("--deploy-cfg", o->deploy_cfg,
                  "the backend's deploy config (.py/.json/.yaml), as for `nnport convert`; "
                  "default {backend_config: {type: BACKEND}}")
      ->type_name("CFG");
  add_cfg_options_option(*sub, o->cfg_options,
                         "override a deploy config key, e.g. backend_config.perturb_op=Relu");
  sub->add_option("--device", o->device, "the backend's device (default cpu)")->type_name("DEVICE");
  add_input_options(*sub, o->inputs);
  sub->add_option("--atol", o->atol, "absolute tolerance of the mismatch check (>= 0)")
      ->capture_default_str()
      ->check(non_negative_number());
  sub->add_option("--rtol", o->rtol, "relative tolerance of the mismatch check (>= 0)")
      ->capture_default_str()
      ->check(non_negative_number());
  sub->add_option("--timeout", o->timeout, "seconds one trial may take (it is killed then)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-trials", o->max_trials, "stop the search after this many trials")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_flag("--json", o->json, "print the result as one JSON document");
  sub->footer(
      "Give what fails: --backend BACKEND (its failure: conversion error, load or run error,\n"
      "crash, timeout, or a mismatch with --reference beyond --atol/--rtol) or --check CMD.\n"
      "The full model runs first; if it passes there is nothing to reduce (exit 0). Then\n"
      "the search bisects the topological order (shortest failing prefix, then suffix) and\n"
      "removes nodes chunk by chunk while the piece still fails the same way: same kind,\n"
      "same signal for a crash, the same node or op named in an error. Each trial runs in a\n"
      "child process (a crash never ends the search); one progress line per trial on\n"
      "stderr. Tensors the kept nodes read from removed ones become inputs fed the full\n"
      "model's values (from --reference), or constants with --fold.\n"
      "Writes DIR/reduced.onnx, DIR/inputs/<input>.npy, DIR/summary.json.\n"
      "Exit 0: reduced (or the model passes); 1: an error.\n"
      "Examples:\n"
      "  nnport debug reduce model.onnx --backend xnnpack\n"
      "  nnport debug reduce model.onnx --backend faulty --cfg-options "
      "backend_config.perturb_node=relu2 --out small\n"
      "  nnport debug reduce model.onnx --deploy-cfg configs/_base_/backends/opencv.py\n"
      "  nnport debug reduce model.onnx --check './my_check.sh {model}' --fail-regex 'Resize'\n"
      "  nnport debug reduce model.onnx --backend opencv --fold --input input=x.npy --json");
  return {sub, [o, &g] {
            const char* cmd = "debug reduce";
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail(cmd, plugins);
            if (o->backend.empty() && o->deploy_cfg.empty() && o->check.empty()) {
              fail(cmd,
                   "say what fails: --backend BACKEND (compared with --reference) or "
                   "--check COMMAND");
              return kExitUsage;
            }
            if (!o->check.empty() && (!o->backend.empty() || !o->deploy_cfg.empty())) {
              fail(cmd, "give either --backend (or --deploy-cfg) or --check, not both");
              return kExitUsage;
            }
            ReduceOptions r;
            r.backend = o->backend;
            r.reference = o->reference;
            r.check_command = o->check;
            r.fail_regex = o->fail_regex;
            r.out_dir = o->out;
            r.overwrite = o->force;
            r.fold = o->fold;
            r.deploy_cfg = o->deploy_cfg;
            r.cfg_options = o->cfg_options;
            if (!o->device.empty()) r.device = o->device;
            r.seed = o->inputs.seed;
            r.atol = o->atol;
            r.rtol = o->rtol;
            r.timeout_s = o->timeout;
            r.max_trials = o->max_trials;
            if (Status s = read_inputs(*o, r); !s.ok()) return fail(cmd, s);
            auto report = debug_reduce(o->model, r, print_progress);
            if (!report.ok()) return fail(cmd, report.status());
            if (o->json)
              print_json(report_json(*report));
            else
              print_report(*report);
            return kExitOk;
          }};
}

}  // namespace nnport::cli
