// MMDeploy's TimeCounter: named timers, all off until activated. Every
// Wrapper::execute() is timed under its backend name; TimeCounter::Scope and
// TimeCounter::record time anything else. docs/timer.md documents the API.
//
//   nnport::TimeCounter::ScopedActivation on("onnxruntime", /*warmup=*/10);
//   for (...) wrapper.forward(inputs);
//   nnport::TimeCounter::print_stats("onnxruntime");
//
// While nothing is active a timed scope costs one relaxed atomic load and a
// branch: no clock read, no lock, no lookup.
#ifndef NNPORT_TIMER_H_
#define NNPORT_TIMER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nnport/bench.h"
#include "nnport/export.h"
#include "nnport/status.h"

namespace nnport {

namespace timer_detail {
// True while any timer (or all) is active; written under the counter's lock.
NNPORT_API extern std::atomic<bool> g_any_active;
}  // namespace timer_detail

class NNPORT_API TimeCounter {
 public:
  // Turns on the timer `name` ("" = every name, also names first seen later).
  // The first `warmup` calls are not kept; a call's time is divided by
  // batch_size; every log_interval kept samples one line
  //   [<name>]-<calls> times per count: <mean> ms, <fps> FPS
  // is appended to `file`, or without one written to stderr as an info line
  // (whatever NNPORT_LOG_LEVEL says: activating is the request for it).
  // Calls and samples so far stay; reset() drops them. Activating a name
  // again replaces its settings.
  static Status activate(std::string_view name = "", int64_t warmup = 1, int64_t log_interval = 1,
                         int64_t batch_size = 1, std::string file = "");
  // Turns off `name` ("" = every name, and the "all" activation); its
  // samples stay for print_stats.
  static void deactivate(std::string_view name = "");
  // Forgets `name` ("" = everything, activations included).
  static void reset(std::string_view name = "");

  // MMDeploy's `with TimeCounter.activate(...)`: on for the guard's life.
  class NNPORT_API ScopedActivation {
   public:
    explicit ScopedActivation(std::string_view name = "", int64_t warmup = 1,
                              int64_t log_interval = 1, int64_t batch_size = 1,
                              std::string file = "");
    ~ScopedActivation();  // deactivate(name), when activation succeeded
    ScopedActivation(const ScopedActivation&) = delete;
    ScopedActivation& operator=(const ScopedActivation&) = delete;
    const Status& status() const { return status_; }  // activate's answer

   private:
    std::string name_;
    Status status_;
  };

  // Times its own life under `name`, which must outlive the scope.
  class Scope {
   public:
    explicit Scope(std::string_view name) noexcept : name_(name) {
      if (active()) start_ = std::chrono::steady_clock::now();
    }
    ~Scope() {
      if (start_ != std::chrono::steady_clock::time_point{}) finish();
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    void cancel() noexcept { start_ = {}; }  // this call is not recorded (it failed)

   private:
    void finish() noexcept {
      const auto end = std::chrono::steady_clock::now();
      record(name_, std::chrono::duration<double, std::milli>(end - start_).count());
    }
    std::string_view name_;
    std::chrono::steady_clock::time_point start_{};
  };

  // One call of `ms` milliseconds under `name`: counted, kept after warm-up
  // (divided by batch_size), logged; nothing when `name` is not active.
  static void record(std::string_view name, double ms) noexcept {
    if (active()) record_slow(name, ms);
  }

  // Anything active at all: the hot path's only check.
  static bool active() noexcept {
    return timer_detail::g_any_active.load(std::memory_order_relaxed);
  }
  static bool active(std::string_view name);

  static int64_t calls(std::string_view name);  // counted while active, warm-up included
  static std::vector<double> samples(std::string_view name);  // kept, ms per item, in order
  // Mean, min, max and percentiles 50, 90, 99 of the kept samples.
  static bench::LatencyStats stats(std::string_view name);
  // Stats | Latency/ms | FPS with rows Mean, Median, Min, Max, P90, P99
  // (3 decimals; FPS = 1000 / latency), or a line saying there are no samples.
  static std::string stats_table(std::string_view name);
  static void print_stats(std::string_view name);  // stats_table to stdout

 private:
  static void record_slow(std::string_view name, double ms) noexcept;
};

}  // namespace nnport

#endif  // NNPORT_TIMER_H_
