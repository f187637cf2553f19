#include "cli_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

extern char** environ;

namespace nnport::test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_file() {
  std::string t = "/tmp/nnport_cli_test_XXXXXX";
  int fd = ::mkstemp(t.data());
  if (fd >= 0) ::close(fd);
  return t;
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> full = {NNPORT_CLI_PATH};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::string out = temp_file(), err = temp_file();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_TRUNC, 0);
  CliResult r;
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  } else {
    r.err = "posix_spawn failed for " + full[0];
  }
  posix_spawn_file_actions_destroy(&fa);
  r.out = slurp(out);
  r.err += slurp(err);
  ::unlink(out.c_str());
  ::unlink(err.c_str());
  return r;
}

}  // namespace nnport::test
