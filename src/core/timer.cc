// TimeCounter's state: one table of named timers behind a mutex, reached
// only while something is active (the header's inline check keeps the
// inactive path to one atomic load).
#include "nnport/timer.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>

#include "core/log.h"

namespace nnport {

namespace timer_detail {
std::atomic<bool> g_any_active{false};
}  // namespace timer_detail

namespace {

struct Settings {
  int64_t warmup = 1, log_interval = 1, batch_size = 1;
  std::string file;  // "": stderr
};

struct Timer {
  bool enabled = false;
  Settings settings;
  int64_t calls = 0;  // while enabled, warm-up included (MMDeploy's count)
  std::vector<double> samples;
  double sum = 0;            // of samples: the running mean in O(1)
  bool file_warned = false;  // a file that cannot be opened is reported once
};

struct State {
  std::mutex mu;
  std::map<std::string, Timer, std::less<>> timers;
  bool all = false;  // activate(""): names first seen later start enabled
  Settings all_settings;

  // Under mu, after any change to `enabled` or `all`.
  void update_flag() const {
    bool any = all;
    for (const auto& [name, t] : timers) any = any || t.enabled;
    timer_detail::g_any_active.store(any, std::memory_order_relaxed);
  }
};

State& state() {
  static State* s = new State;  // never destroyed: scopes may end during static destruction
  return *s;
}

void write_line(Timer& t, const std::string& name, const std::string& message) {
  if (t.settings.file.empty()) {
    const std::string line = "[nnport:info] " + message + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines do not interleave
    return;
  }
  // Opened per line, appended: nothing to close when the timer goes away.
  std::FILE* f = std::fopen(t.settings.file.c_str(), "a");
  if (f == nullptr) {
    if (!t.file_warned) {
      core::log(NNPORT_LOG_WARNING, "TimeCounter: cannot open '" + t.settings.file +
                                        "' to log timer '" + name + "'; its lines are lost");
    }
    t.file_warned = true;
    return;
  }
  std::fprintf(f, "%s\n", message.c_str());
  std::fclose(f);
}

// PrettyTable's centring, so the table reads like MMDeploy's.
std::string center(const std::string& text, size_t width) {
  const size_t excess = width - text.size();
  size_t left = excess / 2;
  if (excess % 2 == 1 && text.size() % 2 == 0) ++left;
  return std::string(left, ' ') + text + std::string(excess - left, ' ');
}

std::string fixed3(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.3f", v);
  return buf;
}

}  // namespace

Status TimeCounter::activate(std::string_view name, int64_t warmup, int64_t log_interval,
                             int64_t batch_size, std::string file) {
  auto bad = [&](const char* what, int64_t v, const char* need) {
    return invalid_argument("TimeCounter::activate('" + std::string(name) + "'): " + what + " is " +
                            std::to_string(v) + ", it must be " + need);
  };
  if (warmup < 0) return bad("warmup", warmup, ">= 0");
  if (log_interval < 1) return bad("log_interval", log_interval, ">= 1");
  if (batch_size < 1) return bad("batch_size", batch_size, ">= 1");
  Settings s{warmup, log_interval, batch_size, std::move(file)};
  State& st = state();
  std::lock_guard lock(st.mu);
  if (name.empty()) {
    // Like MMDeploy: every known timer takes these settings too.
    st.all = true;
    st.all_settings = s;
    for (auto& [n, t] : st.timers) {
      t.enabled = true;
      t.settings = s;
    }
  } else {
    Timer& t = st.timers[std::string(name)];
    t.enabled = true;
    t.settings = std::move(s);
  }
  st.update_flag();
  return {};
}

void TimeCounter::deactivate(std::string_view name) {
  State& st = state();
  std::lock_guard lock(st.mu);
  if (name.empty()) {
    st.all = false;
    for (auto& [n, t] : st.timers) t.enabled = false;
  } else {
    // Kept (not erased) while "all" is on, so it stays off instead of
    // coming back enabled on its next call.
    st.timers[std::string(name)].enabled = false;
  }
  st.update_flag();
}

void TimeCounter::reset(std::string_view name) {
  State& st = state();
  std::lock_guard lock(st.mu);
  if (name.empty()) {
    st.timers.clear();
    st.all = false;
    st.all_settings = {};
  } else if (auto it = st.timers.find(name); it != st.timers.end()) {
    st.timers.erase(it);
  }
  st.update_flag();
}

TimeCounter::ScopedActivation::ScopedActivation(std::string_view name, int64_t warmup,
                                                int64_t log_interval, int64_t batch_size,
                                                std::string file)
    : name_(name), status_(activate(name, warmup, log_interval, batch_size, std::move(file))) {}

TimeCounter::ScopedActivation::~ScopedActivation() {
  if (status_.ok()) deactivate(name_);
}

void TimeCounter::record_slow(std::string_view name, double ms) noexcept {
  try {
    State& st = state();
    std::lock_guard lock(st.mu);
    auto it = st.timers.find(name);
    if (it == st.timers.end()) {
      if (!st.all) return;
      it = st.timers.emplace(std::string(name), Timer{}).first;
      it->second.enabled = true;
      it->second.settings = st.all_settings;
    }
    Timer& t = it->second;
    if (!t.enabled) return;
    ++t.calls;
    if (t.calls <= t.settings.warmup) return;
    const double per_item = ms / double(t.settings.batch_size);
    t.samples.push_back(per_item);
    t.sum += per_item;
    const auto kept = int64_t(t.samples.size());
    if (kept % t.settings.log_interval != 0) return;
    const double mean = t.sum / double(kept);
    char buf[64];
    std::snprintf(buf, sizeof(buf), " times per count: %.3f ms, %.2f FPS", mean, 1000.0 / mean);
    write_line(t, it->first, "[" + it->first + "]-" + std::to_string(t.calls) + buf);
  } catch (...) {
    // Out of memory while timing: drop the sample rather than fail the call timed.
  }
}

bool TimeCounter::active(std::string_view name) {
  State& st = state();
  std::lock_guard lock(st.mu);
  auto it = st.timers.find(name);
  return it != st.timers.end() ? it->second.enabled : st.all;
}

int64_t TimeCounter::calls(std::string_view name) {
  State& st = state();
  std::lock_guard lock(st.mu);
  auto it = st.timers.find(name);
  return it != st.timers.end() ? it->second.calls : 0;
}

std::vector<double> TimeCounter::samples(std::string_view name) {
  State& st = state();
  std::lock_guard lock(st.mu);
  auto it = st.timers.find(name);
  return it != st.timers.end() ? it->second.samples : std::vector<double>{};
}

bench::LatencyStats TimeCounter::stats(std::string_view name) {
  return bench::summarize(samples(name), {50, 90, 99}, 1);
}

std::string TimeCounter::stats_table(std::string_view name) {
  const bench::LatencyStats s = stats(name);
  if (s.count == 0) {
    return "timer '" + std::string(name) +
           "' has no samples (not activated, or only warm-up calls so far)\n";
  }
  const double p50 = s.percentiles_ms[0].second, p90 = s.percentiles_ms[1].second,
               p99 = s.percentiles_ms[2].second;
  std::vector<std::vector<std::string>> rows = {{"Stats", "Latency/ms", "FPS"}};
  for (const auto& [label, ms] : std::vector<std::pair<std::string, double>>{{"Mean", s.mean_ms},
                                                                             {"Median", p50},
                                                                             {"Min", s.min_ms},
                                                                             {"Max", s.max_ms},
                                                                             {"P90", p90},
                                                                             {"P99", p99}}) {
    rows.push_back({label, fixed3(ms), fixed3(1000.0 / ms)});
  }
  size_t width[3] = {0, 0, 0};
  for (const auto& r : rows)
    for (size_t c = 0; c < 3; ++c) width[c] = std::max(width[c], r[c].size());
  std::string rule = "+";
  for (size_t w : width) rule += std::string(w + 2, '-') + "+";
  rule += "\n";
  std::string out = rule;
  for (size_t i = 0; i < rows.size(); ++i) {
    out += "|";
    for (size_t c = 0; c < 3; ++c) out += " " + center(rows[i][c], width[c]) + " |";
    out += "\n";
    if (i == 0) out += rule;
  }
  return out + rule;
}

void TimeCounter::print_stats(std::string_view name) {
  std::cout << stats_table(name) << std::flush;
}

}  // namespace nnport
