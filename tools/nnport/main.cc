// nnport: convert, run, verify and inspect ONNX deployments on any backend.
#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli.h"
#include "nnport/apis.h"
#include "nnport/did_you_mean.h"
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
      "Run `nnport <command> --help` (or `nnport help <command>`) for a command's options.\n"
      "Exit codes: 0 ok, 1 error (bad input, failed check or verify), 2 bad command line.");
  app.set_version_flag("--version", std::string("nnport ") + NNPORT_VERSION,
                       "print the version and exit");

  GlobalOptions g;
  app.add_option("--plugin", g.plugins,
                 "load a backend plugin file (libnnport_backend_<name>.so); repeatable")
      ->type_name("FILE");
  app.add_flag("-v,--verbose", g.verbose, "say more on stderr");

  std::vector<Command> commands = {
      nnport::cli::add_check_env_command(app, g), nnport::cli::add_config_command(app, g),
      nnport::cli::add_inspect_command(app, g),   nnport::cli::add_convert_command(app, g),
      nnport::cli::add_run_command(app, g),       nnport::cli::add_verify_command(app, g),
      nnport::cli::add_clean_command(app, g),     nnport::cli::add_check_model_command(app, g),
      nnport::cli::add_bench_command(app, g),     nnport::cli::add_calibrate_command(app, g)};
  commands.push_back(nnport::cli::add_conformance_command(app, g));
  for (auto& c : nnport::cli::add_debug_commands(app, g)) commands.push_back(std::move(c));
  // Listed in --help; `nnport help [COMMAND]` is rewritten to `--help` before parsing.
  app.add_subcommand("help", "show this help, or a command's: nnport help COMMAND");

  std::vector<std::string> args(argv + 1, argv + argc);
  if (auto usage = nnport::cli::rewrite_help_and_check_command(app, args); !usage.empty()) {
    std::cerr << "nnport: error: " << usage << "\nRun `nnport --help` for usage." << std::endl;
    return nnport::cli::kExitUsage;
  }
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::string where;
    const CLI::App* sub = nullptr;
    for (const auto& c : commands)
      if (c.app->parsed()) {
        where.clear();  // "debug reduce": the whole path of a nested command
        for (const CLI::App* a = c.app; a != nullptr && a != &app; a = a->get_parent())
          where = " " + a->get_name() + where;
        sub = c.app;
      }
    std::string message = nnport::cli::describe_parse_error(app, sub, args, e);
    std::cerr << "nnport" << where << ": error: " << message << "\n"
              << "Run `nnport" << where << " --help` for usage." << std::endl;
    return nnport::cli::kExitUsage;
  }

  // -v shows the library's and the plugins' info lines too.
  if (g.verbose && std::getenv("NNPORT_LOG_LEVEL") == nullptr)
    ::setenv("NNPORT_LOG_LEVEL", "info", 1);

  // check-env must outlive a plugin that crashes or hangs while loading.
  if (app.got_subcommand("check-env"))
    nnport::Registry::global().set_probe_timeout(nnport::cli::check_env_probe_timeout());
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
