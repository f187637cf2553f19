// The signals that end a process politely (Ctrl-C, kill, a closed terminal)
// are handled by a thread of their own: a signal handler may not delete
// folders, a thread may. The thread removes the registered temporaries,
// then lets the signal end the process as it would have.
#include "apis/signal_cleanup.h"

#include <pthread.h>
#include <signal.h>

#include <thread>
#include <utility>
#include <vector>

#include "nnport/apis.h"

namespace nnport::apis {
namespace fs = std::filesystem;
namespace {

struct Temporaries {
  std::mutex mutex;
  std::vector<std::pair<fs::path, bool>> paths;  // (path, whole tree), in creation order
};

Temporaries& temporaries() {
  static auto* t = new Temporaries;  // never destroyed: the signal thread may outlive main
  return *t;
}

void remove_all_registered() {
  Temporaries& t = temporaries();
  std::lock_guard<std::mutex> lock(t.mutex);
  std::error_code ec;
  // Newest first: a temporary folder before the parent folders made for it.
  for (auto it = t.paths.rbegin(); it != t.paths.rend(); ++it) {
    if (it->second)
      fs::remove_all(it->first, ec);
    else
      fs::remove(it->first, ec);  // only removes an empty folder
  }
  t.paths.clear();
}

// The three, less any the process was started ignoring: `nohup` ignores
// SIGHUP and a shell's background job SIGINT, and a blocked signal is
// queued even when ignored, so waiting for it would end the process.
sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current {};
    if (sigaction(sig, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
    sigaddset(&set, sig);
  }
  return set;
}

}  // namespace

void register_temporary(const fs::path& path, bool whole_tree) {
  Temporaries& t = temporaries();
  std::lock_guard<std::mutex> lock(t.mutex);
  t.paths.emplace_back(path, whole_tree);
}

void unregister_temporary(const fs::path& path) {
  Temporaries& t = temporaries();
  std::lock_guard<std::mutex> lock(t.mutex);
  std::erase_if(t.paths, [&](const auto& p) { return p.first == path; });
}

std::unique_lock<std::mutex> lock_temporaries() {
  return std::unique_lock<std::mutex>(temporaries().mutex);
}

}  // namespace nnport::apis

namespace nnport {

void remove_temporaries_on_signals() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set = apis::handled_signals();
    // Blocked here, so every thread started later (engine thread pools)
    // inherits the mask and only the waiting thread receives them.
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) return;
      apis::remove_all_registered();
      // End the process by the signal itself, so the exit status says so.
      signal(sig, SIG_DFL);
      pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
      raise(sig);
    }).detach();
  });
}

}  // namespace nnport
