// nnport convert DEPLOY_CFG MODEL.onnx --work-dir DIR: the backend's files
// plus deploy.json and detail.json, written atomically.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli.h"

namespace nnport::cli {

Command add_convert_command(CLI::App& app, GlobalOptions& g) {
  struct Options {
    std::string deploy_cfg, model, work_dir, device = "cpu", calib_data;
    std::vector<std::string> cfg_options;
    bool force = false, json = false, no_load_check = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub =
      app.add_subcommand("convert", "convert an ONNX model into a work dir for a backend");
  sub->add_option("DEPLOY_CFG", o->deploy_cfg,
                  "deploy config; backend_config.type names the backend")
      ->required();
  sub->add_option("MODEL", o->model, "the .onnx model")->required();
  sub->add_option("--work-dir", o->work_dir, "the folder to write (created; parents too)")
      ->required()
      ->type_name("DIR");
  sub->add_option("--device", o->device, "device for the backend")->capture_default_str();
  add_cfg_options_option(*sub, o->cfg_options);
  sub->add_option("--calib-data", o->calib_data,
                  "calibration data for backend_config.precision='int8': a folder with one "
                  "subfolder of 0.npy, 1.npy, ... per model input, a folder of images, or "
                  "MMDeploy's HDF5 calibration file")
      ->type_name("PATH");
  sub->add_flag("--force", o->force,
                "replace an existing work dir that nnport wrote (never any other folder)");
  sub->add_flag("--no-load-check", o->no_load_check,
                "skip loading the converted files once on the backend (for models too large to "
                "load twice); deploy.json records that it was skipped");
  sub->add_flag("--json", o->json, "print what was written as one JSON document");
  sub->footer(
      "Checks first: ONNX's checker (topological order, defined inputs, known ops,\n"
      "initializer sizes), external data inside the model's folder; then the backend\n"
      "must load the converted files on --device. Any failure writes nothing.\n"
      "Writes into DIR.tmp-XXXXXX beside DIR and renames it into place, so a failure\n"
      "or a Ctrl-C leaves no work dir behind. DIR holds the ONNX file (onnx_config.save_file,\n"
      "default end2end.onnx) and its external data files, the backend's files, and\n"
      "MMDeploy's deploy.json and detail.json. --force replaces only a work dir that\n"
      "nnport wrote (its deploy.json lists every file in it) or an empty folder.\n"
      "Examples:\n"
      "  nnport convert configs/classification/classification_onnxruntime_static.py "
      "resnet18.onnx --work-dir work/resnet18\n"
      "  nnport convert deploy.py model.onnx --work-dir work --force --json\n"
      "  nnport convert configs/classification/classification_onnxruntime-int8_static.py "
      "resnet18.onnx --work-dir work/r18-int8 --calib-data samples/\n"
      "int8 (backend_config.precision='int8') calibrates on --calib-data, checks the int8\n"
      "model against fp32 on held-back samples and writes quantization.json; see\n"
      "docs/quantization.md.");
  return {sub, [o, &g] {
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail("convert", plugins);
            ConvertOptions opts;
            opts.device = o->device;
            opts.cfg_options = o->cfg_options;
            opts.overwrite = o->force;
            opts.load_check = !o->no_load_check;
            opts.calib_data = o->calib_data;
            opts.log_level = g.verbose ? NNPORT_LOG_DEBUG : NNPORT_LOG_INFO;
            auto info = convert(o->deploy_cfg, o->model, o->work_dir, opts);
            if (!info.ok()) return fail("convert", info.status());
            for (const auto& w : info->warnings)
              std::cerr << "nnport convert: warning: " << w << "\n";
            namespace fs = std::filesystem;
            auto rel = [&](const std::string& f) {
              return fs::path(f).lexically_relative(info->work_dir).generic_string();
            };
            std::vector<std::string> files;
            for (const auto& f : info->ir_files) files.push_back(rel(f));
            for (const auto& f : info->data_files) files.push_back(rel(f));
            for (const auto* list : {&info->backend_files, &info->extra_files})
              for (const auto& f : *list)
                if (std::find(files.begin(), files.end(), rel(f)) == files.end())
                  files.push_back(rel(f));
            files.push_back("deploy.json");
            files.push_back("detail.json");
            if (o->json) {
              Config backend_files = Config::array();
              for (const auto& f : info->backend_files) backend_files.push_back(rel(f));
              print_json({{"work_dir", info->work_dir},
                          {"backend", info->backend},
                          {"precision", info->precision},
                          {"files", files},
                          {"backend_files", backend_files},
                          {"inputs", info->input_names},
                          {"outputs", info->output_names},
                          {"load_checked", info->load_checked},
                          {"warnings", info->warnings}});
              return kExitOk;
            }
            std::cout << "converted " << o->model << " for " << info->backend
                      << (info->precision == "FP32" ? "" : " (" + info->precision + ")") << " into "
                      << info->work_dir << ":\n";
            for (const auto& f : files) std::cout << "  " << f << "\n";
            return kExitOk;
          }};
}

}  // namespace nnport::cli
