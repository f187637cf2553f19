// A backend for the concurrency tests, written with plugin_cpp.h: it sees
// when calls overlap.
//   input:   x (float32, [1]);  outputs: y = x + 1 (float32, [1]),
//   overlap         (int64, [1]): how many executes of this plugin, on any
//                   wrapper, were running at once during this call (>= 1);
//   wrapper_overlap (int64, [1]): the same on this wrapper, counted from
//                   set_inputs to the end of get_outputs.
// Each execute sleeps a few milliseconds so that calls that may overlap do.
// TESTCONCURRENT_THREAD_SAFE 0 ("testserial"): not thread-safe; two calls
// at once on one wrapper make it fail ("overlapping calls"). 1
// ("testparallel"): kThreadSafe, each thread's call state kept per thread.
// The model file is any file (not read).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "nnport/plugin_cpp.h"

#ifndef TESTCONCURRENT_THREAD_SAFE
#define TESTCONCURRENT_THREAD_SAFE 0
#endif

namespace {

using nnport::plugin::Error;

std::atomic<int64_t> g_executing{0};  // executes running now, all wrappers

void raise_to(std::atomic<int64_t>& peak, int64_t value) {
  int64_t seen = peak.load();
  while (seen < value && !peak.compare_exchange_weak(seen, value)) {
  }
}

// What one call carries from set_inputs to get_outputs.
struct CallState {
  float x = 0;
  bool bound = false;
  int64_t overlap = 0, wrapper_overlap = 0;
};

class ConcurrentWrapper : public nnport::plugin::Wrapper {
 public:
  const std::vector<nnport::plugin::TensorInfo>& inputs() const override { return inputs_; }
  const std::vector<nnport::plugin::TensorInfo>& outputs() const override { return outputs_; }

  void set_inputs(nnport::plugin::InputView in) override {
    enter();
    CallState& s = state();
    s = CallState{};
    s.x = *static_cast<const float*>(in[0].data);
    s.bound = true;
  }
  void execute() override {
    CallState& s = state();
    if (!s.bound) throw Error(NNPORT_INTERNAL, "execute before set_inputs on this thread");
    std::atomic<int64_t> peak{++g_executing};
    raise_to(peak_in_wrapper_, in_wrapper_.load());
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    raise_to(peak, g_executing.load());
    raise_to(peak_in_wrapper_, in_wrapper_.load());
    --g_executing;
    s.overlap = peak.load();
    s.wrapper_overlap = peak_in_wrapper_.load();
    check_alone();
  }
  void get_outputs(nnport_output* out, size_t count) override {
    CallState& s = state();
    if (count != 3) throw Error(NNPORT_INTERNAL, "expected 3 outputs");
    float y = s.x + 1.0f;
    nnport::plugin::give_vector(&out[0], "y", NNPORT_DTYPE_FLOAT32, {1}, bytes(&y, sizeof y));
    nnport::plugin::give_vector(&out[1], "overlap", NNPORT_DTYPE_INT64, {1},
                                bytes(&s.overlap, sizeof s.overlap));
    nnport::plugin::give_vector(&out[2], "wrapper_overlap", NNPORT_DTYPE_INT64, {1},
                                bytes(&s.wrapper_overlap, sizeof s.wrapper_overlap));
    s.bound = false;
    --in_wrapper_;
  }

 private:
  static std::vector<unsigned char> bytes(const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    return {b, b + n};
  }
  void enter() {
    raise_to(peak_in_wrapper_, ++in_wrapper_);
    check_alone();
  }
  // The serial backend promises nothing: a second call inside it is the
  // host's fault, and must fail the test.
  void check_alone() const {
    if (!TESTCONCURRENT_THREAD_SAFE && peak_in_wrapper_.load() > 1)
      throw Error(NNPORT_INTERNAL, "overlapping calls on one wrapper of a serial backend");
  }
  CallState& state() {
    if (!TESTCONCURRENT_THREAD_SAFE) return shared_;
    // Per thread, per wrapper: what a thread-safe plugin must do.
    thread_local std::map<const ConcurrentWrapper*, CallState> per_thread;
    return per_thread[this];
  }

  std::vector<nnport::plugin::TensorInfo> inputs_ = {{"x", NNPORT_DTYPE_FLOAT32, {1}, {}}};
  std::vector<nnport::plugin::TensorInfo> outputs_ = {
      {"y", NNPORT_DTYPE_FLOAT32, {1}, {}},
      {"overlap", NNPORT_DTYPE_INT64, {1}, {}},
      {"wrapper_overlap", NNPORT_DTYPE_INT64, {1}, {}}};
  std::atomic<int64_t> in_wrapper_{0}, peak_in_wrapper_{0};
  CallState shared_;
};

struct ConcurrentBackend : nnport::plugin::BackendDefaults {
#if TESTCONCURRENT_THREAD_SAFE
  static constexpr const char* kName = "testparallel";
  static constexpr bool kThreadSafe = true;
#else
  static constexpr const char* kName = "testserial";  // kThreadSafe left out: the default
#endif
  static constexpr const char* kDescription = "test backend: sees overlapping calls";
  static bool is_available(bool, std::string&) { return true; }
  static std::string version() { return "1.0"; }
  static std::unique_ptr<nnport::plugin::Wrapper> build_wrapper(const nnport::plugin::BuildArgs&) {
    return std::make_unique<ConcurrentWrapper>();
  }
};

}  // namespace

NNPORT_DEFINE_PLUGIN(ConcurrentBackend)
