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
// check-env's time limit per plugin probe (NNPORT_PLUGIN_PROBE_TIMEOUT, default 10 s).
double check_env_probe_timeout();
Command add_config_command(CLI::App& app, GlobalOptions& g);
Command add_convert_command(CLI::App& app, GlobalOptions& g);
Command add_run_command(CLI::App& app, GlobalOptions& g);
Command add_verify_command(CLI::App& app, GlobalOptions& g);
Command add_inspect_command(CLI::App& app, GlobalOptions& g);
Command add_clean_command(CLI::App& app, GlobalOptions& g);
Command add_check_model_command(CLI::App& app, GlobalOptions& g);
Command add_bench_command(CLI::App& app, GlobalOptions& g);
Command add_calibrate_command(CLI::App& app, GlobalOptions& g);
Command add_conformance_command(CLI::App& app, GlobalOptions& g);
// `nnport debug` and its subcommands (each one Command: they run alone).
std::vector<Command> add_debug_commands(CLI::App& app, GlobalOptions& g);
Command add_debug_diverge_command(CLI::App& debug, GlobalOptions& g);
Command add_debug_reduce_command(CLI::App& debug, GlobalOptions& g);

// ---- Command line ----

// Before parsing: `nnport help [COMMAND]` becomes `--help` / `COMMAND --help`,
// and a first word that is no command is refused with the nearest one
// ("unknown command 'conver' — did you mean 'convert'?"). Returns that
// message ("" when the line may be parsed).
std::string rewrite_help_and_check_command(const CLI::App& app, std::vector<std::string>& args);
// CLI11's error, or "unknown option '--work_dir' (did you mean '--work-dir'?)"
// when the line holds an option that neither `sub` (may be null) nor the
// top-level app knows.
std::string describe_parse_error(const CLI::App& app, const CLI::App* sub,
                                 const std::vector<std::string>& args, const CLI::Error& error);

// `--cfg-options KEY=VALUE`: exactly one value per use, repeatable, so it
// never swallows the positional arguments after it (`--cfg-options a=1 CFG`).
CLI::Option* add_cfg_options_option(CLI::App& sub, std::vector<std::string>& cfg_options,
                                    const std::string& help =
                                        "override a config key: a.b=value "
                                        "(a Python literal, else a string)");
// Validators for numeric options: a bad value is a usage error naming the option.
CLI::Validator non_negative_number();  // finite and >= 0 (no nan, inf, -1)
CLI::Validator whole_number();         // 0 .. 2^64-1, digits only (no -1)

// --device DEVICE of run/verify: overrides the work dir's recorded device.
void add_device_option(CLI::App& sub, std::string& device);

// ---- Errors ----

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
  std::string input_dir;            // --input-dir: a --save-inputs folder (saved_inputs.h)
  std::vector<std::string> shapes;  // NAME=1x3x224x224
  uint64_t seed = 0;
};
void add_input_options(CLI::App& sub, InputOptions& o);
struct PreparedInputs {
  NamedTensors tensors;
  std::map<std::string, std::string> sources;  // name -> file path or "random (seed N)"
};
// Checks every name first (unknown --input / --shape names, an input given
// by two of --input, --input-dir and --shape; with --input-dir every input
// must come from a file), then reads the files, makes the rest, then
// Wrapper::check_inputs.
Result<PreparedInputs> prepare_inputs(const Wrapper& wrapper, const InputOptions& o);
// The same for a model's inputs, without a wrapper's element-type check.
Result<PreparedInputs> prepare_inputs(const std::vector<TensorInfo>& infos, const InputOptions& o);

// The wrapper of run/verify for a resolved target (device already chosen).
// The registry's own errors (unknown or unavailable backend) pass as they
// are; an engine's error is wrapped with what nnport was doing and what to
// try: "building the wrapper for work dir 'W' on backend 'B' (device 'D')".
// `device_overridden`: --device was given, so the hint names the device.
Result<Wrapper> build_wrapper_for(const DeployInfo& info, const std::string& target,
                                  bool device_overridden);
// Wrapper::forward with an engine's error wrapped the same way.
Result<NamedTensors> forward_for(Wrapper& wrapper, const DeployInfo& info,
                                 const std::string& target, const NamedTensors& inputs);

// Output files of `run --output-dir`: "<name>.npy" with '/' and '\\' made '_',
// made unique ("a_b.npy", "a_b_1.npy") in the outputs' order.
std::vector<std::string> output_file_names(const std::vector<std::string>& output_names);

// Formatting.
std::string join(const std::vector<std::string>& items, const std::string& sep);
std::string format_number(double v);
std::string format_shape(const Shape& shape);  // [1, 3, 224, 224]
Config shape_json(const Shape& shape);
Config number_json(double v);  // null for NaN / inf (JSON has neither)

}  // namespace nnport::cli

#endif  // NNPORT_TOOLS_CLI_H_
