// nnport calibrate MODEL.onnx --calib-data PATH --out FILE.h5: turn an npy
// folder, an image folder or an HDF5 file into MMDeploy's calibration HDF5
// file, checked against the model's inputs, for reuse by int8 quantization.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "nnport/onnx_model.h"
#include "progress_bar.h"
#include "quantize/calib_data.h"

namespace nnport::cli {
namespace {

namespace fs = std::filesystem;

// An existing --out stays unless --force, and --force replaces only a file.
Status check_out(const std::string& out, bool force) {
  std::error_code ec;
  const fs::path p(out);
  const fs::file_status st = fs::symlink_status(p, ec);
  if (fs::is_directory(fs::status(p, ec)))
    return invalid_argument("--out '" + out + "' is a folder; name a file, e.g. " +
                            (p / "calib.h5").string());
  if (fs::exists(st)) {
    if (!fs::is_regular_file(st))
      return invalid_argument("--out '" + out +
                              "' exists and is not a regular file; choose another --out");
    if (!force)
      return invalid_argument("--out '" + out +
                              "' exists; pass --force to replace it, or choose another --out");
  }
  const fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(parent, ec))
    return not_found("the folder of --out '" + out + "' does not exist; create '" +
                     parent.string() + "' first");
  return Status();
}

}  // namespace

Command add_calibrate_command(CLI::App& app, GlobalOptions& g) {
  struct Options {
    std::string model, calib_data, out, deploy_cfg;
    bool force = false, json = false, no_progress = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "calibrate", "write int8 calibration data (MMDeploy's HDF5) from npy files or images");
  sub->add_option("MODEL", o->model, "the .onnx model whose inputs the data must fit")->required();
  sub->add_option("--calib-data", o->calib_data,
                  "an npy folder (PATH/<input name>/0.npy, 1.npy, ...), a folder of PNG/JPEG "
                  "images, or an HDF5 file (calib_data/end2end/<input name>/<i>)")
      ->type_name("PATH")
      ->required();
  sub->add_option("--out", o->out, "the HDF5 file to write")->type_name("FILE.h5")->required();
  sub->add_option("--config", o->deploy_cfg,
                  "deploy config whose calib_config.image says how to resize and normalize "
                  "images (size, mean, std, to_rgb)")
      ->type_name("DEPLOY_CFG");
  sub->add_flag("--force", o->force, "replace an existing --out file");
  sub->add_flag("--json", o->json, "print {out, samples, inputs, source} as one JSON line");
  sub->add_flag("--no-progress", o->no_progress, "no progress bar (none off a terminal anyway)");
  sub->footer(
      "Every sample is checked against the model's inputs (dtype, rank, static dims) and\n"
      "written to calib_data/end2end/<input name>/<i>, MMDeploy's layout. The file appears\n"
      "complete or not at all; an existing --out is kept unless --force.\n"
      "Images need a model with one float32 N x C x H x W input (C = 1 or 3); see\n"
      "docs/calibration-data.md for calib_config.image.\n"
      "Examples:\n"
      "  nnport calibrate model.onnx --calib-data calib_npy/ --out calib.h5\n"
      "  nnport calibrate resnet18.onnx --calib-data images/ --out calib.h5 --config deploy.py");
  return {sub, [o, &g] {
            const std::string cmd = "calibrate";
            Status plugins = plugin_load_status(g);
            if (!plugins.ok()) return fail(cmd, plugins);
            Status out_ok = check_out(o->out, o->force);
            if (!out_ok.ok()) return fail(cmd, out_ok);
            auto model = inspect_onnx(o->model);
            if (!model.ok()) return fail(cmd, model.status());
            Config cfg = Config::object();
            if (!o->deploy_cfg.empty()) {
              auto loaded = load_config(o->deploy_cfg);
              if (!loaded.ok()) return fail(cmd, loaded.status());
              cfg = std::move(*loaded);
            }
            auto source = quantize::open_calib_data(o->calib_data, model->inputs, cfg);
            if (!source.ok()) return fail(cmd, source.status());
            verbose(g, cmd, "reading " + (*source)->describe());

            const bool bar = !o->no_progress && isatty(STDERR_FILENO);
            std::function<void(size_t, size_t)> progress;
            if (bar)
              progress = [](size_t done, size_t total) {
                draw_progress_bar(total ? double(done) / double(total) : 1.0,
                                  std::to_string(done) + "/" + std::to_string(total) + " samples");
              };
            Status written = quantize::write_calib_hdf5(**source, model->inputs, o->out, progress);
            if (bar) clear_progress_bar();
            if (!written.ok()) return fail(cmd, written);

            std::vector<std::string> names, quoted;
            for (const auto& info : model->inputs) {
              names.push_back(info.name);
              quoted.push_back("'" + info.name + "'");
            }
            const size_t samples = (*source)->size();
            if (o->json) {
              Config doc = {{"out", o->out},
                            {"samples", samples},
                            {"inputs", names},
                            {"source", (*source)->describe()}};
              std::cout << doc.dump(-1, ' ', false, Config::error_handler_t::replace) << std::endl;
            } else {
              std::cout << "wrote " << o->out << ": " << samples << " sample"
                        << (samples == 1 ? "" : "s") << " of input"
                        << (names.size() == 1 ? " " : "s ") << join(quoted, ", ") << " from "
                        << (*source)->describe() << "\n";
            }
            return kExitOk;
          }};
}

}  // namespace nnport::cli
