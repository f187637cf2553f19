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

CliProcess start_cli(const std::vector<std::string>& args, const CliEnv& how) {
  std::vector<std::string> full = {NNPORT_CLI_PATH};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The test's environment, with how.env's names replaced.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    bool replaced = false;
    for (const auto& mine : how.env)
      replaced = replaced || entry.compare(0, mine.find('=') + 1, mine, 0, mine.find('=') + 1) == 0;
    if (!replaced) env_strings.push_back(entry);
  }
  env_strings.insert(env_strings.end(), how.env.begin(), how.env.end());
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  CliProcess p;
  p.out_file = temp_file();
  p.err_file = temp_file();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, p.out_file.c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&fa, 2, p.err_file.c_str(), O_WRONLY | O_TRUNC, 0);
  if (!how.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, how.cwd.c_str());
  if (posix_spawn(&p.pid, argv[0], &fa, nullptr, argv.data(), envp.data()) != 0) p.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return p;
}

CliResult wait_cli(const CliProcess& p) {
  CliResult r;
  if (p.pid > 0) {
    int status = 0;
    ::waitpid(p.pid, &status, 0);
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  } else {
    r.err = std::string("posix_spawn failed for ") + NNPORT_CLI_PATH;
  }
  r.out = slurp(p.out_file);
  r.err += slurp(p.err_file);
  ::unlink(p.out_file.c_str());
  ::unlink(p.err_file.c_str());
  return r;
}

CliResult run_cli(const std::vector<std::string>& args, const CliEnv& how) {
  return wait_cli(start_cli(args, how));
}

}  // namespace nnport::test
