// What a benchmark report says about the machine and the process: the CPU,
// the cores this process may use, the load, and its resident memory.
#ifndef NNPORT_SRC_BENCH_ENVIRONMENT_H_
#define NNPORT_SRC_BENCH_ENVIRONMENT_H_

#include <cstdint>

#include "nnport/bench.h"

namespace nnport::bench {

// nnport's version and commit, the CPU, usable CPUs, load average, a hash
// of the host name (the backend fields are the caller's).
Environment machine_environment();

int64_t current_rss_bytes();  // /proc/self/statm; 0 when unreadable
int64_t peak_rss_bytes();     // getrusage's ru_maxrss: the process's high-water mark

}  // namespace nnport::bench

#endif  // NNPORT_SRC_BENCH_ENVIRONMENT_H_
