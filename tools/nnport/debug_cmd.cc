// nnport debug: when a backend disagrees with a reference, where and why —
// `debug diverge` (the first tensor that parts) and `debug reduce` (the
// smallest graph that still fails). One file per subcommand.
#include "cli.h"

namespace nnport::cli {

std::vector<Command> add_debug_commands(CLI::App& app, GlobalOptions& g) {
  CLI::App* debug = app.add_subcommand(
      "debug",
      "when a backend's outputs are wrong: find the first diverging tensor (diverge), "
      "shrink the model to the smallest failing graph (reduce)");
  debug->require_subcommand(1);
  std::vector<Command> commands;
  commands.push_back(add_debug_diverge_command(*debug, g));
  commands.push_back(add_debug_reduce_command(*debug, g));
  return commands;
}

}  // namespace nnport::cli
