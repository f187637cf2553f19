// Runs the nnport binary with arguments and captures what it said.
#ifndef NNPORT_TESTS_CLI_RUNNER_H_
#define NNPORT_TESTS_CLI_RUNNER_H_

#include <string>
#include <vector>

namespace nnport::test {

struct CliResult {
  int exit_code = -1;    // -1 when it did not exit normally
  int signal = 0;        // the signal that killed it, if any
  std::string out, err;  // stdout, stderr
};

CliResult run_cli(const std::vector<std::string>& args);

}  // namespace nnport::test

#endif  // NNPORT_TESTS_CLI_RUNNER_H_
