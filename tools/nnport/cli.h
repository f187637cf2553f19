// Shared pieces of the nnport CLI: global options, errors, output helpers.
#ifndef NNPORT_TOOLS_CLI_H_
#define NNPORT_TOOLS_CLI_H_

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nnport/apis.h"
#include "nnport/config.h"
#include "nnport/status.h"
#include "nnport/tensor.h"
#include "nnport/wrapper.h"

namespace nnport::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // bad input, failed check, failed verify
inline constexpr int kExitUsage = 2;  // the command line itself (CLI11's errors)

struct GlobalOptions {
  std::vector<std::string> plugins;  // --plugin FILE
  bool verbose = false;
  // Filled by main before a command runs: --plugin files that failed to load.
  std::vector<PluginFailure> plugin_errors;
};

// A subcommand and what runs it once parsed.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_check_env_command(CLI::App& app, GlobalOptions& g);
Command add_config_command(CLI::App& app, GlobalOptions& g);
Command add_convert_command(CLI::App& app, GlobalOptions& g);
Command add_run_command(CLI::App& app, GlobalOptions& g);
Command add_verify_command(CLI::App& app, GlobalOptions& g);
Command add_inspect_command(CLI::App& app, GlobalOptions& g);

// "nnport <cmd>: error: <message>" on stderr; returns kExitError.
int fail(const std::string& cmd, const Status& status);
int fail(const std::string& cmd, const std::string& message);
// --plugin files that failed, as one error (commands other than check-env stop on it).
Status plugin_load_status(const GlobalOptions& g);
// "nnport <cmd>: <message>" on stderr when -v.
void verbose(const GlobalOptions& g, const std::string& cmd, const std::string& message);

// One JSON document on stdout, 2-space indent.
void print_json(const Config& doc);

// Inputs of run/verify: files, shapes for dynamic dims, seed for the rest.
struct InputOptions {
  std::vector<std::string> inputs;  // NAME=FILE.npy (or FILE.npy for a one-input model)
  std::vector<std::string> shapes;  // NAME=1x3x224x224
  uint64_t seed = 0;
};
void add_input_options(CLI::App& sub, InputOptions& o);
struct PreparedInputs {
  NamedTensors tensors;
  std::map<std::string, std::string> sources;  // name -> file path or "random (seed N)"
};
// Reads the files, makes the rest, then Wrapper::check_inputs.
Result<PreparedInputs> prepare_inputs(const Wrapper& wrapper, const InputOptions& o);

// Formatting.
std::string format_number(double v);
std::string format_dims(const TensorInfo& info);  // [batch, 3, 224, 224]
std::string format_shape(const Shape& shape);     // [1, 3, 224, 224]
Config shape_json(const Shape& shape);
Config number_json(double v);  // null for NaN / inf (JSON has neither)

}  // namespace nnport::cli

#endif  // NNPORT_TOOLS_CLI_H_
