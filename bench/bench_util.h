// Small pieces the benchmark programs in bench/ share: option lists, the
// test models' folder, medians, /proc/cpuinfo fields, JSON strings.
#ifndef NNPORT_BENCH_BENCH_UTIL_H_
#define NNPORT_BENCH_BENCH_UTIL_H_

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nnport::bench_util {

// "a,b,,c" -> {"a", "b", "c"}
inline std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// NNPORT_MODELS_DIR, else <source>/tests/models/out.
inline std::string models_dir() {
  const char* env = std::getenv("NNPORT_MODELS_DIR");
  return env != nullptr && env[0] != '\0' ? env : NNPORT_SOURCE_DIR "/tests/models/out";
}

// The upper median (no interpolation); 0 when empty.
inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// The value of the first /proc/cpuinfo line starting with key, or "".
inline std::string cpu_field(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0 && line.find(':') != std::string::npos)
      return line.substr(line.find(':') + 2);
  return "";
}

// Inside a JSON string: quotes and backslashes escaped, newlines as \n,
// other control characters dropped.
inline std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace nnport::bench_util

#endif  // NNPORT_BENCH_BENCH_UTIL_H_
