// nnport: convert, run, verify and inspect ONNX deployments on any backend.
#include <exception>
#include <iostream>

#include "cli.h"
#include "nnport/apis.h"
#include "nnport/registry.h"

namespace {

using nnport::cli::Command;
using nnport::cli::GlobalOptions;

int run_main(int argc, char** argv) {
  // Before any thread exists: Ctrl-C or a kill during convert removes the
  // temporary work dir instead of leaving it behind.
  nnport::remove_temporaries_on_signals();
  CLI::App app{"nnport: deploy ONNX models to inference backends (MMDeploy's backend design)."};
  app.name("nnport");
  app.fallthrough();  // global options may follow the subcommand
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  nnport check-env\n"
      "  nnport convert configs/classification/classification_onnxruntime_static.py "
      "model.onnx --work-dir work\n"
      "  nnport run work --output-dir out\n"
      "  nnport verify work --reference onnxruntime\n"
      "Run `nnport <command> --help` for a command's options.\n"
      "Exit codes: 0 ok, 1 error (bad input, failed check or verify), 2 bad command line.");

  GlobalOptions g;
  app.add_option("--plugin", g.plugins,
                 "load a backend plugin file (libnnport_backend_<name>.so); repeatable")
      ->type_name("FILE");
  app.add_flag("-v,--verbose", g.verbose, "say more on stderr");

  std::vector<Command> commands = {
      nnport::cli::add_check_env_command(app, g), nnport::cli::add_config_command(app, g),
      nnport::cli::add_inspect_command(app, g),   nnport::cli::add_convert_command(app, g),
      nnport::cli::add_run_command(app, g),       nnport::cli::add_verify_command(app, g)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::string where;
    for (const auto& c : commands)
      if (c.app->parsed()) where = " " + c.app->get_name();
    std::cerr << "nnport" << where << ": error: " << e.what() << "\n"
              << "Run `nnport" << where << " --help` for usage." << std::endl;
    return nnport::cli::kExitUsage;
  }

  for (const auto& file : g.plugins) {
    auto loaded = nnport::Registry::global().load_plugin(file);
    if (!loaded.ok()) {
      g.plugin_errors.push_back({file, "", loaded.status().message()});
    } else if (g.verbose) {
      std::cerr << "nnport: loaded plugin " << file << " (backend '" << (*loaded)->name() << "')"
                << std::endl;
    }
  }
  for (const auto& c : commands)
    if (c.app->parsed()) return c.run();
  return nnport::cli::kExitUsage;  // unreachable: a subcommand is required
}

}  // namespace

int main(int argc, char** argv) {
  // Never crash: anything thrown (a bug, out of memory) becomes an error line.
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "nnport: error: internal error: " << e.what() << std::endl;
  } catch (...) {
    std::cerr << "nnport: error: internal error" << std::endl;
  }
  return nnport::cli::kExitError;
}
