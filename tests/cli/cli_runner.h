// Runs the nnport binary with arguments and captures what it said.
#ifndef NNPORT_TESTS_CLI_RUNNER_H_
#define NNPORT_TESTS_CLI_RUNNER_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace nnport::test {

struct CliResult {
  int exit_code = -1;    // -1 when it did not exit normally
  int signal = 0;        // the signal that killed it, if any
  std::string out, err;  // stdout, stderr
};

// Where and how the child runs; the defaults inherit the test's.
struct CliEnv {
  std::string cwd;               // working folder; "" = the test's
  std::vector<std::string> env;  // NAME=VALUE set (or replaced) in the child's environment
};

CliResult run_cli(const std::vector<std::string>& args, const CliEnv& how = {});

// For tests that signal a running nnport: start it, then wait for it.
struct CliProcess {
  pid_t pid = -1;
  std::string out_file, err_file;
};
CliProcess start_cli(const std::vector<std::string>& args, const CliEnv& how = {});
CliResult wait_cli(const CliProcess& process);

}  // namespace nnport::test

#endif  // NNPORT_TESTS_CLI_RUNNER_H_
