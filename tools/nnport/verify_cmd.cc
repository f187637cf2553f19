// nnport verify TARGET --reference onnxruntime: same inputs through the
// target's backend and a reference backend; numbers, not pictures.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "nnport/npy.h"
#include "saved_inputs.h"
#include "verify_goals.h"
#include "verify_stats.h"

namespace nnport::cli {
namespace {

// The reference backend's outputs on the same inputs.
Result<NamedTensors> run_reference(const DeployInfo& info, const std::string& backend,
                                   const NamedTensors& inputs) {
  auto reference = build_reference_wrapper(info, backend);
  if (!reference.ok()) return reference.status().with_context("reference " + backend);
  // An fp16 work dir takes float16 inputs; its fp32 reference float32.
  const NamedTensors cast = cast_float_inputs(inputs, reference->input_infos());
  Status ok = reference->check_inputs(cast);
  if (!ok.ok()) return ok.with_context("reference " + backend);
  auto outputs = reference->forward(cast);
  if (!outputs.ok()) return outputs.status().with_context("reference " + backend);
  return outputs;
}

// DIR/<output name>.npy for each output: outputs saved by the framework
// itself (e.g. PyTorch's), so the check does not trust any backend.
Result<NamedTensors> read_expected(const std::string& dir, const NamedTensors& outputs) {
  NamedTensors expected;
  for (const auto& [name, tensor] : outputs) {
    std::string path = (std::filesystem::path(dir) / (name + ".npy")).string();
    if (!std::filesystem::exists(path))
      return not_found("expected output '" + name + "': no file " + path +
                       ": save the reference output under the output's name");
    NNPORT_ASSIGN_OR_RETURN(Tensor t, read_npy(path));
    expected.set(name, std::move(t));
  }
  return expected;
}

}  // namespace

Command add_verify_command(CLI::App& app, GlobalOptions& g) {
  struct Options {
    std::string target, backend, reference, expected_dir, device, save_inputs_dir;
    InputOptions inputs;
    std::vector<std::string> atol, rtol;  // [OUTPUT:]NUMBER entries (verify_stats.h)
    double quantile = 0.99;
    bool json = false, stats = false;
    GoalOptions goals;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "verify", "compare a target's outputs with a reference backend's (exit 0 only if all pass)");
  sub->add_option("TARGET", o->target, "a work dir written by `nnport convert`, or an .onnx file")
      ->required();
  sub->add_option("--reference", o->reference,
                  "backend that runs the target's ONNX file as the reference, e.g. onnxruntime");
  sub->add_option("--expected", o->expected_dir,
                  "compare with DIR/<output name>.npy instead (e.g. the framework's own outputs)")
      ->type_name("DIR");
  sub->add_option("--backend", o->backend, "run the target on this backend instead");
  add_device_option(*sub, o->device);
  add_input_options(*sub, o->inputs);
  auto one_each = [&](const char* name, std::vector<std::string>& to, const char* type,
                      const std::string& help) {
    return sub->add_option(name, to, help)
        ->type_name(type)
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  };
  add_save_inputs_option(*sub, o->save_inputs_dir);
  const Tolerances defaults;
  one_each("--atol", o->atol, "[OUTPUT:]X",
           "absolute tolerance >= 0 (default " + format_number(defaults.atol) +
               "); OUTPUT:X for one output (split at the last ':'); repeatable")
      ->check(tolerance_entry());
  one_each("--rtol", o->rtol, "[OUTPUT:]X",
           "relative tolerance >= 0 (default " + format_number(defaults.rtol) +
               "); OUTPUT:X for one output; repeatable")
      ->check(tolerance_entry());
  sub->add_option("--quantile", o->quantile,
                  "the quantile of the errors to show besides max, mean and median")
      ->type_name("Q")
      ->capture_default_str()
      ->check(quantile_value());
  sub->add_flag("--stats", o->stats,
                "print every output's error statistics (max, mean, median, quantile of the "
                "absolute and relative error) and its worst element");
  o->goals.metric = one_each("--metric", o->goals.metrics, "NAME",
                             "judge by an accuracy goal instead of atol/rtol: cosine, snr (dB) or "
                             "topk; repeatable");
  o->goals.min = one_each("--min", o->goals.mins, "X",
                          "the goal of the --metric before it (default: cosine 0.99, snr 20, "
                          "topk 0.98)");
  o->goals.k = one_each("--k", o->goals.ks, "K", "k of the --metric topk before it (default 1)");
  sub->add_flag("--json", o->json, "print the comparison as one JSON document");
  sub->footer(
      "An element passes when |out - ref| <= atol + rtol * |ref| (numpy.allclose; NaN\n"
      "matches NaN). Per output: max abs error, max rel error |out - ref| / |ref|, the\n"
      "median and --quantile of the abs error, the number of elements that fail, PASS or\n"
      "FAIL; the worst element of an output that fails. Exit 0 if every output passes,\n"
      "else 1. --atol out0:1e-3 --atol 1e-5: 1e-3 for out0, 1e-5 for the others.\n"
      "Give exactly one of --reference BACKEND and --expected DIR.\n"
      "With --metric (for fp16 / int8 models) an output passes when it meets every goal:\n"
      "  cosine  sum(out*ref) / sqrt(sum(out^2) * sum(ref^2))       default --min 0.99\n"
      "  snr     10*log10(sum(ref^2) / sum((out-ref)^2)), in dB     default --min 20\n"
      "  topk    share of rows (all axes but the last) whose top-1 class is among\n"
      "          the reference's top K                              default --min 0.98\n"
      "Each --min / --k belongs to the --metric before it.\n"
      "Examples:\n"
      "  nnport verify work/resnet18 --reference onnxruntime\n"
      "  nnport verify work --reference onnxruntime --input input=x.npy --atol 1e-4 --json\n"
      "  nnport verify work --reference onnxruntime --atol boxes:1e-3 --atol 1e-5 --stats\n"
      "  nnport verify work --reference onnxruntime --save-inputs pinned\n"
      "  nnport verify work --reference onnxruntime --input-dir pinned\n"
      "  nnport verify work --input input=x.npy --expected pytorch_outputs/ --atol 1e-4\n"
      "  nnport verify int8_work --reference onnxruntime --metric cosine --min 0.999 \\\n"
      "      --metric topk --k 5 --min 0.99");
  return {sub, [o, &g, sub] {
            const char* cmd = "verify";
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail(cmd, plugins);
            if (o->reference.empty() == o->expected_dir.empty()) {  // a command-line error
              fail(cmd, "give one reference: --reference BACKEND or --expected DIR");
              return kExitUsage;
            }
            auto tolerances = tolerances_from(o->atol, o->rtol, Tolerances{});
            if (!tolerances.ok()) {  // a command-line error
              fail(cmd, tolerances.status());
              return kExitUsage;
            }
            auto goals = goals_from(*sub, o->goals);
            if (!goals.ok()) {  // a command-line error too
              fail(cmd, goals.status());
              return kExitUsage;
            }
            const bool with_goals = !goals->empty();
            auto info = resolve_target(o->target, o->backend);
            if (!info.ok()) return fail(cmd, info.status());
            if (!o->device.empty()) info->device = o->device;
            auto wrapper = build_wrapper_for(*info, o->target, !o->device.empty());
            if (!wrapper.ok()) return fail(cmd, wrapper.status());
            std::vector<std::string> output_names;
            for (const auto& info : wrapper->output_infos()) output_names.push_back(info.name);
            Status known = check_tolerances(*tolerances, output_names);
            if (!known.ok()) return fail(cmd, known);
            auto inputs = prepare_inputs(*wrapper, o->inputs);
            if (!inputs.ok()) return fail(cmd, inputs.status());
            if (!o->save_inputs_dir.empty()) {  // before the run: a crash is worth repeating
              Status saved = save_inputs(o->save_inputs_dir, inputs->tensors);
              if (!saved.ok()) return fail(cmd, saved);
            }
            if (!o->expected_dir.empty())  // stored outputs only match the inputs that made them
              for (const auto& [name, source] : inputs->sources)
                if (source.rfind("random", 0) == 0)
                  return fail(cmd, "--expected compares with saved outputs, so input '" + name +
                                       "' must be the file that produced them: add --input " +
                                       name + "=FILE.npy");
            auto outputs = forward_for(*wrapper, *info, o->target, inputs->tensors);
            if (!outputs.ok()) return fail(cmd, outputs.status());
            const std::string reference_label =
                o->expected_dir.empty() ? o->reference : "files in " + o->expected_dir;
            auto expected = o->expected_dir.empty()
                                ? run_reference(*info, o->reference, inputs->tensors)
                                : read_expected(o->expected_dir, *outputs);
            if (!expected.ok()) return fail(cmd, expected.status());

            auto rows = compare_outputs(*outputs, *expected, *tolerances, *goals, o->quantile);
            bool all = !rows.empty();
            for (const auto& r : rows) all = all && r.pass;
            if (o->json) {
              Config outs = Config::array();
              for (const auto& r : rows) {
                Config row = {{"name", r.name},
                              {"dtype", std::string(dtype_name(r.dtype))},
                              {"shape", shape_json(r.shape)},
                              {"reference_dtype", std::string(dtype_name(r.ref_dtype))},
                              {"reference_shape", shape_json(r.ref_shape)},
                              {"max_abs_err", compared(r) ? number_json(r.max_abs_err) : nullptr},
                              {"max_rel_err", compared(r) ? number_json(r.max_rel_err) : nullptr},
                              {"mismatches", r.mismatches},
                              {"numel", r.numel}};
                add_stats_json(row, r);
                if (with_goals) {  // without goals the document stays as it always was
                  row["cosine"] = metric_json(r.cosine);
                  row["snr_db"] = metric_json(r.snr_db);
                  row["metrics"] = metrics_json(r);
                }
                row["pass"] = r.pass;
                row["reason"] = r.reason;
                outs.push_back(std::move(row));
              }
              Config doc = {{"target", o->target},      {"backend", info->backend},
                            {"device", info->device},   {"reference", reference_label},
                            {"atol", tolerances->atol}, {"rtol", tolerances->rtol},
                            {"quantile", o->quantile}};
              if (!o->save_inputs_dir.empty()) doc["saved_inputs"] = o->save_inputs_dir;
              if (with_goals) {
                Config list = Config::array();
                for (const auto& goal : *goals)
                  list.push_back({{"metric", goal.metric},
                                  {"k", goal.k},
                                  {"label", metric_label(goal)},
                                  {"min", goal.min}});
                doc["goals"] = list;
              }
              doc["pass"] = all;
              doc["outputs"] = outs;
              print_json(doc);
            } else if (with_goals) {
              std::vector<std::string> texts;
              for (const auto& goal : *goals) texts.push_back(goal_text(goal));
              std::cout << "backend " << info->backend << " vs reference " << reference_label
                        << "  (goals: " << join(texts, ", ") << ")\n";
              print_goal_table(rows, *goals);
              if (o->stats) print_stats(rows, true);
              std::cout << (all ? "PASS" : "FAIL") << ": " << rows.size() << " output(s)\n";
            } else {
              std::cout << "backend " << info->backend << " vs reference " << reference_label
                        << "  (" << tolerances_text(*tolerances) << ")\n";
              const std::string q = quantile_label(o->quantile) + " abs err";
              size_t w = 8;
              for (const auto& r : rows) w = std::max(w, r.name.size() + 2);
              std::cout << pad("output", w) << pad("shape", 20) << pad("max abs err", 14)
                        << pad("max rel err", 14) << pad("median abs err", 16)
                        << pad(q, std::max<size_t>(14, q.size() + 2)) << pad("mismatches", 16)
                        << "result\n";
              for (const auto& r : rows) {
                if (!compared(r)) {  // no numbers to show: say why instead
                  std::cout << pad(r.name, w) << pad(format_shape(r.shape), 20) << "FAIL  ("
                            << r.reason << ")\n";
                  continue;
                }
                std::cout << pad(r.name, w) << pad(format_shape(r.shape), 20)
                          << pad(format_number(r.max_abs_err), 14)
                          << pad(format_number(r.max_rel_err), 14)
                          << pad(format_number(r.abs_err.median), 16)
                          << pad(format_number(r.abs_err.quantile),
                                 std::max<size_t>(14, q.size() + 2))
                          << pad(std::to_string(r.mismatches) + "/" + std::to_string(r.numel), 16)
                          << (r.pass ? "PASS" : "FAIL");
                if (!r.reason.empty()) std::cout << "  (" << r.reason << ")";
                std::cout << "\n";
              }
              print_stats(rows, o->stats);
              std::cout << (all ? "PASS" : "FAIL") << ": " << rows.size() << " output(s)\n";
            }
            if (!all) {
              for (const auto& r : rows)
                if (!compared(r))
                  return fail(cmd, "output '" + r.name + "' cannot be compared with " +
                                       reference_label + ": " + r.reason);
              if (with_goals)
                return fail(cmd, "outputs miss their accuracy goals: " + missed_goals(rows));
              return fail(cmd, "outputs differ from the reference beyond their tolerances: " +
                                   failed_values(rows));
            }
            return kExitOk;
          }};
}

}  // namespace nnport::cli
