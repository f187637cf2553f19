#include "core/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>

namespace nnport::core_internal {
namespace {

constexpr int kExitException = 70;  // sysexits' EX_SOFTWARE

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Read the pipe until EOF or the deadline, then reap the child (killing its
// group first when the deadline passed).
ChildOutcome collect(pid_t pid, int fd, double timeout_s, size_t max_output) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  ChildOutcome outcome;
  char buffer[65536];
  for (;;) {
    int wait_ms = -1;
    if (timeout_s > 0) {
      const double left = timeout_s - std::chrono::duration<double>(clock::now() - start).count();
      if (left <= 0) {
        outcome.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(left * 1000) + 1;
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // the deadline is checked at the top
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child (and whatever it started) closed the pipe
    const size_t room = max_output - std::min(max_output, outcome.output.size());
    outcome.output.append(buffer, std::min(room, static_cast<size_t>(n)));
  }
  ::close(fd);
  // The child may have closed its pipe without ending yet: wait for it, but
  // never past the deadline.
  int status = 0;
  for (;;) {
    if (outcome.timed_out) ::kill(-pid, SIGKILL);
    const pid_t done = ::waitpid(pid, &status, outcome.timed_out ? 0 : WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (done == 0) {
      if (timeout_s > 0 && std::chrono::duration<double>(clock::now() - start).count() >= timeout_s)
        outcome.timed_out = true;
      else
        ::usleep(2000);
    }
  }
  if (outcome.timed_out) {
    outcome.exited = false;
    outcome.signal = SIGKILL;
  } else if (WIFEXITED(status)) {
    outcome.exited = true;
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  }
  outcome.seconds = std::chrono::duration<double>(clock::now() - start).count();
  return outcome;
}

}  // namespace

bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string describe(const ChildOutcome& outcome, double timeout_s) {
  if (outcome.timed_out) {
    char text[64];
    std::snprintf(text, sizeof text, "timed out after %g s", timeout_s);
    return text;
  }
  if (outcome.exited) return "exit code " + std::to_string(outcome.exit_code);
  const char* name = sigabbrev_np(outcome.signal);
  return "killed by signal " + std::to_string(outcome.signal) +
         (name != nullptr ? std::string(" (SIG") + name + ")" : std::string());
}

namespace {

// Fork with a pipe back; the child leads its own process group and runs
// in_child(write end), which must not return (it ends with _exit). The
// caller reads the pipe until EOF or the deadline.
Result<ChildOutcome> spawn(const std::function<void(int fd)>& in_child, double timeout_s,
                           size_t max_output) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return io_error(errno_text("creating a pipe"));
  const pid_t pid = ::fork();
  if (pid < 0) {
    const Status error = io_error(errno_text("starting a child process"));
    ::close(fds[0]);
    ::close(fds[1]);
    return error;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::close(fds[0]);
    in_child(fds[1]);
    ::_exit(127);  // in_child ends the child itself
  }
  ::setpgid(pid, pid);  // also here: no race with the kill at the deadline
  ::close(fds[1]);
  return collect(pid, fds[0], timeout_s, max_output);
}

}  // namespace

Result<ChildOutcome> run_in_child(const std::function<int(int fd)>& fn, double timeout_s) {
  return spawn(
      [&](int fd) {
        int code = kExitException;
        try {
          code = fn(fd);
        } catch (const std::exception& e) {
          write_all(fd, std::string("exception: ") + e.what());
        } catch (...) {
          write_all(fd, "exception of an unknown type");
        }
        ::_exit(code);
      },
      timeout_s, static_cast<size_t>(-1));
}

Result<ChildOutcome> run_shell(const std::string& command, double timeout_s, size_t max_output) {
  return spawn(
      [&](int fd) {
        const int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
        ::dup2(fd, STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copies
        ::dup2(fd, STDERR_FILENO);
        // Signals the caller blocks (remove_temporaries_on_signals) stay
        // blocked across exec: unblock them for the command.
        sigset_t all;
        sigfillset(&all);
        ::sigprocmask(SIG_UNBLOCK, &all, nullptr);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
      },
      timeout_s, max_output);
}

}  // namespace nnport::core_internal
