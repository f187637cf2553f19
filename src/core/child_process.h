// Running work in a child process with a time limit, so that a crash, a
// hang or an abort() there (a backend's, a user's command's) cannot end the
// caller: `debug reduce` trials, `conformance` tests.
#pragma once

#include <functional>
#include <string>

#include "nnport/status.h"

namespace nnport::core_internal {

struct ChildOutcome {
  bool exited = false;  // ended by exit(): exit_code is set
  int exit_code = -1;
  int signal = 0;          // ended by this signal (0: it exited)
  bool timed_out = false;  // killed (SIGKILL) when the time limit passed
  std::string output;      // what it wrote to its pipe (fn's fd, or the command's stdout+stderr)
  double seconds = 0;      // wall time
  bool ok() const { return exited && exit_code == 0; }
};

// "exit code 3", "killed by signal 11 (SIGSEGV)", "timed out after 10 s".
std::string describe(const ChildOutcome& outcome, double timeout_s);

// Fork; the child runs fn(fd) — fd is a pipe back to the caller, whose bytes
// land in outcome.output — and ends with _exit(fn's return value), so no
// static destructor or atexit handler of the caller runs twice. An exception
// out of fn is written to the pipe and ends the child with exit code 70.
// The child is the leader of its own process group; at the time limit
// (timeout_s > 0) the whole group is killed. The child gets a copy of the
// caller's memory, but only the calling thread: fn must not wait on locks
// other threads may hold at the fork (start no backend before it if the
// caller runs engine threads).
Result<ChildOutcome> run_in_child(const std::function<int(int fd)>& fn, double timeout_s);

// `/bin/sh -c command` with stdin from /dev/null; stdout and stderr together
// land in outcome.output (the first max_output bytes; the rest is read and
// dropped so the command never blocks on a full pipe).
Result<ChildOutcome> run_shell(const std::string& command, double timeout_s,
                               size_t max_output = 1 << 20);

// Write all of `bytes` to fd (retrying short writes); false on an error.
bool write_all(int fd, const std::string& bytes);

}  // namespace nnport::core_internal
