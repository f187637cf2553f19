#include "bench/environment.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>

namespace nnport::bench {
namespace {

// The flags that decide which kernels an engine can use; the full list is
// hundreds of words nobody compares.
const std::set<std::string>& interesting_flags() {
  static const std::set<std::string> flags = {
      "sse4_2",   "avx",      "avx2",        "fma",         "f16c",        "avx512f",
      "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni",
      "amx_tile", "amx_int8", "amx_bf16",    "asimd",       "sve"};
  return flags;
}

}  // namespace

Environment machine_environment() {
  Environment env;
  env.nnport_version = NNPORT_VERSION;
  env.nnport_commit = NNPORT_COMMIT;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  bool have_flags = false;
  while (std::getline(cpuinfo, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (env.cpu_model.empty() && key == "model name") env.cpu_model = value;
    if (!have_flags && (key == "flags" || key == "Features")) {
      std::istringstream words(value);
      for (std::string w; words >> w;)
        if (interesting_flags().count(w)) env.cpu_flags.push_back(w);
      have_flags = true;
    }
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  env.usable_cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
  double load[1] = {0};
  if (getloadavg(load, 1) == 1) env.load_average_1m = load[0];
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>{}(host));
    env.hostname_hash = std::string(hex).substr(0, 8);
  }
  return env;
}

int64_t current_rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * int64_t(sysconf(_SC_PAGESIZE));
}

int64_t peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return int64_t(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace nnport::bench
