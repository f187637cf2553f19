#include "core/log.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace nnport::core {

namespace {

std::string_view level_name(int level) {
  if (level >= NNPORT_LOG_ERROR) return "error";
  if (level >= NNPORT_LOG_WARNING) return "warning";
  if (level >= NNPORT_LOG_INFO) return "info";
  return "debug";
}

void host_log(int level, const char* message) { log(level, message != nullptr ? message : ""); }

}  // namespace

int parse_log_level(std::string_view text, int fallback) {
  std::string t;
  for (char c : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "debug") return NNPORT_LOG_DEBUG;
  if (t == "info") return NNPORT_LOG_INFO;
  if (t == "warning" || t == "warn") return NNPORT_LOG_WARNING;
  if (t == "error") return NNPORT_LOG_ERROR;
  int v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc() && p == t.data() + t.size() && !t.empty()) return v;
  return fallback;
}

int log_threshold() {
  static const int threshold = [] {
    const char* env = std::getenv("NNPORT_LOG_LEVEL");
    return env != nullptr ? parse_log_level(env, NNPORT_LOG_WARNING) : NNPORT_LOG_WARNING;
  }();
  return threshold;
}

void log(int level, std::string_view message) {
  if (level < log_threshold()) return;
  std::string line = "[nnport:" + std::string(level_name(level)) + "] ";
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines do not interleave
}

const nnport_host* host() {
  static const nnport_host h = {NNPORT_PLUGIN_ABI_VERSION, sizeof(nnport_host), &host_log};
  return &h;
}

}  // namespace nnport::core
