// nnport run TARGET: one forward pass; prints and saves the outputs.
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "nnport/npy.h"
#include "saved_inputs.h"

namespace nnport::cli {
Command add_run_command(CLI::App& app, GlobalOptions& g) {
  struct Options {
    std::string target, backend, output_dir, device, save_inputs_dir;
    InputOptions inputs;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("run", "run a work dir or an .onnx model once on its backend");
  sub->add_option("TARGET", o->target,
                  "a work dir written by `nnport convert`, or an .onnx file (backend onnxruntime)")
      ->required();
  sub->add_option("--backend", o->backend,
                  "run on this backend instead (a work dir's ONNX file is used)");
  add_device_option(*sub, o->device);
  add_input_options(*sub, o->inputs);
  sub->add_option("-o,--output-dir", o->output_dir,
                  "write each output to DIR/<output name>.npy ('/' in a name becomes '_'; "
                  "names that collide get _1, _2, ...)")
      ->type_name("DIR");
  add_save_inputs_option(*sub, o->save_inputs_dir);
  sub->add_flag("--json", o->json, "print the inputs and outputs as one JSON document");
  sub->footer(
      "Prints each output's name, element type, shape, min/max/mean and first values.\n"
      "Random inputs: floats uniform in [-1, 1), integers 0..9, bools 0/1, seeded.\n"
      "Examples:\n"
      "  nnport run work/resnet18\n"
      "  nnport run model.onnx --input input=input.npy --output-dir out\n"
      "  nnport run model.onnx --save-inputs pinned && nnport run model.onnx --input-dir pinned\n"
      "  nnport run mobilenet_v2.onnx --shape input=4x3x224x224 --seed 7 --json");
  return {sub, [o, &g] {
            const char* cmd = "run";
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail(cmd, plugins);
            auto info = resolve_target(o->target, o->backend);
            if (!info.ok()) return fail(cmd, info.status());
            if (!o->device.empty()) info->device = o->device;
            verbose(g, cmd,
                    "backend " + info->backend + ", device " + info->device +
                        ", files: " + info->backend_files[0]);
            auto wrapper = build_wrapper_for(*info, o->target, !o->device.empty());
            if (!wrapper.ok()) return fail(cmd, wrapper.status());
            auto inputs = prepare_inputs(*wrapper, o->inputs);
            if (!inputs.ok()) return fail(cmd, inputs.status());
            if (!o->save_inputs_dir.empty()) {  // before the run: a crash is worth repeating
              Status saved = save_inputs(o->save_inputs_dir, inputs->tensors);
              if (!saved.ok()) return fail(cmd, saved);
            }
            auto outputs = forward_for(*wrapper, *info, o->target, inputs->tensors);
            if (!outputs.ok()) return fail(cmd, outputs.status());

            std::map<std::string, std::string> written;
            if (!o->output_dir.empty()) {
              std::error_code ec;
              std::filesystem::create_directories(o->output_dir, ec);
              if (ec)
                return fail(cmd, "cannot create output dir '" + o->output_dir +
                                     "': " + ec.message() + "; choose a writable --output-dir");
              std::vector<std::string> names;
              for (const auto& [name, t] : *outputs) names.push_back(name);
              std::vector<std::string> files = output_file_names(names);
              size_t k = 0;
              for (const auto& [name, t] : *outputs) {
                std::string path = (std::filesystem::path(o->output_dir) / files[k++]).string();
                Status s = write_npy(path, t);
                if (!s.ok()) return fail(cmd, s);
                written[name] = path;
              }
            }
            if (o->json) {
              Config ins = Config::array(), outs = Config::array();
              for (const auto& [name, t] : inputs->tensors)
                ins.push_back({{"name", name},
                               {"dtype", std::string(dtype_name(t.dtype()))},
                               {"shape", shape_json(t.shape())},
                               {"source", inputs->sources[name]}});
              for (const auto& [name, t] : *outputs) {
                TensorSummary s = summarize(t);
                Config first = Config::array();
                for (double v : s.first) first.push_back(number_json(v));
                outs.push_back(
                    {{"name", name},
                     {"dtype", std::string(dtype_name(t.dtype()))},
                     {"shape", shape_json(t.shape())},
                     {"min", number_json(s.min)},
                     {"max", number_json(s.max)},
                     {"mean", number_json(s.mean)},
                     {"non_finite", s.non_finite},
                     {"first", first},
                     {"file", written.count(name) ? Config(written[name]) : Config(nullptr)}});
              }
              Config doc = {{"target", o->target},
                            {"backend", info->backend},
                            {"device", info->device},
                            {"inputs", ins}};
              if (!o->save_inputs_dir.empty()) doc["saved_inputs"] = o->save_inputs_dir;
              doc["outputs"] = outs;
              print_json(doc);
              return kExitOk;
            }
            std::cout << "backend: " << info->backend << "  device: " << info->device << "\n";
            for (const auto& [name, t] : inputs->tensors)
              std::cout << "input  " << name << "  " << dtype_name(t.dtype()) << "  "
                        << format_shape(t.shape()) << "  from " << inputs->sources[name] << "\n";
            if (!o->save_inputs_dir.empty())
              std::cout << "saved the inputs in " << o->save_inputs_dir << "\n";
            for (const auto& [name, t] : *outputs) {
              TensorSummary s = summarize(t);
              std::cout << "output " << name << "  " << dtype_name(t.dtype()) << "  "
                        << format_shape(t.shape());
              if (s.numel == 0) {  // no values: nothing to summarize
                std::cout << "  empty (0 elements)\n";
              } else {
                std::cout << "  min " << format_number(s.min) << "  max " << format_number(s.max)
                          << "  mean " << format_number(s.mean);
                if (s.non_finite > 0) std::cout << "  non-finite " << s.non_finite;
                std::cout << "\n       first:";
                for (double v : s.first) std::cout << " " << format_number(v);
                if (s.numel > static_cast<int64_t>(s.first.size())) std::cout << " ...";
                std::cout << "\n";
              }
              if (written.count(name)) std::cout << "       wrote " << written[name] << "\n";
            }
            return kExitOk;
          }};
}

}  // namespace nnport::cli
