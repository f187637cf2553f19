// backend_config keys of the xnnpack backend (docs/backends/xnnpack.md) and
// the thread guard: this snapshot's pthreadpool spin-waits, so more threads
// than usable CPUs stall every operator to the scheduler tick.
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_OPTIONS_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_OPTIONS_H_

#include <string>

namespace nnport::xnn {

inline constexpr int kMaxThreads = 256;      // anything above is a typo, not a machine
inline constexpr int kDefaultThreadCap = 4;  // default: usable CPUs, at most this many

struct Options {
  int num_threads = 0;  // 0: not given; the default applies (threads_to_use)
};

// Reads deploy_cfg["backend_config"] when its type is "xnnpack" (or absent).
// A bad value is plugin::Error(NNPORT_INVALID_ARGUMENT) naming key, value
// and the allowed range; an unknown key is logged as a warning.
Options parse_options(const std::string& deploy_cfg_json);

// CPUs this process may run on (sched_getaffinity), at least 1.
int usable_cpus();

// The thread count to run with: num_threads, or min(usable CPUs, 4) when not
// given; clamped to the usable CPUs with a logged warning.
int threads_to_use(const Options& options);

}  // namespace nnport::xnn

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_OPTIONS_H_
