#include "xnn_options.h"

#include <sched.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "nnport/plugin_config.h"

namespace nnport::xnn {

using nlohmann::json;

Options parse_options(const std::string& deploy_cfg_json) {
  Options opts;
  const json cfg = plugin::parse_deploy_config("xnnpack", deploy_cfg_json);
  const json* own = plugin::own_backend_config("xnnpack", cfg);
  if (own == nullptr) return opts;
  const json& bc = *own;
  for (const auto& [key, v] : bc.items()) {
    if (key == "type" || key == "common_config" || key == "model_inputs") continue;
    if (key == "num_threads") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > kMaxThreads) {
        plugin::bad_config_value("xnnpack", key, v,
                                 "expected an integer from 1 to " + std::to_string(kMaxThreads) +
                                     " (or leave the key out for the default, min(usable CPUs, " +
                                     std::to_string(kDefaultThreadCap) + "))");
      }
      opts.num_threads = v.get<int>();
    } else {
      plugin::log(NNPORT_LOG_WARNING, "xnnpack: ignoring unknown backend_config key '" + key +
                                          "' (see docs/backends/xnnpack.md for the keys)");
    }
  }
  return opts;
}

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

int threads_to_use(const Options& options) {
  const int cpus = usable_cpus();
  if (options.num_threads == 0) return std::min(cpus, kDefaultThreadCap);
  if (options.num_threads > cpus) {
    // pthreadpool spin-waits: two threads sharing one CPU stall each
    // operator to a scheduler tick (10-100x slower), so never oversubscribe.
    plugin::log(NNPORT_LOG_WARNING,
                "xnnpack: backend_config.num_threads = " + std::to_string(options.num_threads) +
                    " exceeds the " + std::to_string(cpus) +
                    " CPUs this process may use (sched_getaffinity); using " +
                    std::to_string(cpus) + " threads, since XNNPACK's thread pool spin-waits");
    return cpus;
  }
  return options.num_threads;
}

}  // namespace nnport::xnn
