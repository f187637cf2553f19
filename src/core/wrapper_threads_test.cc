// Several threads calling forward: the host serializes the calls on one
// wrapper of a backend that does not declare its wrappers thread-safe, and
// lets them run at once on separate wrappers and on a backend that does.
// The test backends (testdata/testconcurrent.cc) report how many calls
// overlapped; the serial one fails a call that overlaps inside a wrapper.
// Also run under ThreadSanitizer (scripts/tsan.sh).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <mutex>
#include <thread>

#include "core_test_util.h"
#include "nnport/registry.h"

namespace nnport {
namespace {

constexpr int kThreads = 4;
constexpr int kCallsPerThread = 20;

std::string threads_plugin(const std::string& name) {
  return std::string(NNPORT_TEST_PLUGIN_DIR) + "/threads/libnnport_backend_" + name + ".so";
}

struct Peaks {
  int64_t overlap = 0, wrapper_overlap = 0;
  int failures = 0;
  std::string first_error;
};

// Each thread t runs kCallsPerThread forwards with x = t * 1000 + i on
// wrappers[t % wrappers.size()] and checks y = x + 1 (its own answer, not
// another thread's).
Peaks hammer(std::vector<Wrapper*> wrappers) {
  std::mutex mu;
  Peaks peaks;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Wrapper& w = *wrappers[t % wrappers.size()];
      for (int i = 0; i < kCallsPerThread; ++i) {
        const float x = static_cast<float>(t * 1000 + i);
        Tensor xt = Tensor::empty(DType::kFloat32, {1});
        xt.data_as<float>()[0] = x;
        NamedTensors in;
        in.set("x", std::move(xt));
        auto out = w.forward(in);
        std::lock_guard lock(mu);
        if (!out.ok()) {
          if (peaks.failures++ == 0) peaks.first_error = out.status().message();
          continue;
        }
        const float y = out->find("y")->data_as<float>()[0];
        if (y != x + 1.0f && peaks.failures++ == 0)
          peaks.first_error = "thread " + std::to_string(t) + " got y " + std::to_string(y) +
                              " for x " + std::to_string(x);
        peaks.overlap = std::max(peaks.overlap, out->find("overlap")->data_as<int64_t>()[0]);
        peaks.wrapper_overlap =
            std::max(peaks.wrapper_overlap, out->find("wrapper_overlap")->data_as<int64_t>()[0]);
      }
    });
  }
  for (auto& th : threads) th.join();
  return peaks;
}

class WrapperThreadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = dir_ / "model.any";
    std::ofstream(model_) << "any file\n";
    for (auto [name, m] :
         {std::pair{"testserial", &serial_}, std::pair{"testparallel", &parallel_}}) {
      auto loaded = registry_.load_plugin(threads_plugin(name));
      ASSERT_TRUE(loaded.ok()) << loaded.status().message();
      *m = *loaded;
    }
  }
  Wrapper build(const BackendManager& m) {
    auto w = m.build_wrapper({model_});
    EXPECT_TRUE(w.ok()) << w.status().message();
    return std::move(*w);
  }

  testing_util::TempDir dir_;
  std::string model_;
  Registry registry_{false};
  const BackendManager* serial_ = nullptr;
  const BackendManager* parallel_ = nullptr;
};

TEST_F(WrapperThreadsTest, TheDeclarationReachesManagerAndWrapper) {
  EXPECT_FALSE(serial_->wrapper_thread_safe()) << "kThreadSafe left out means not thread-safe";
  EXPECT_TRUE(parallel_->wrapper_thread_safe());
  EXPECT_FALSE(build(*serial_).thread_safe());
  EXPECT_TRUE(build(*parallel_).thread_safe());
}

TEST_F(WrapperThreadsTest, SharedWrapperOfASerialBackendNeverOverlaps) {
  Wrapper w = build(*serial_);
  Peaks p = hammer({&w});
  EXPECT_EQ(p.failures, 0) << p.first_error;
  EXPECT_EQ(p.wrapper_overlap, 1);
  EXPECT_EQ(p.overlap, 1);
}

TEST_F(WrapperThreadsTest, SeparateWrappersOfASerialBackendRunAtOnce) {
  std::vector<Wrapper> ws;
  for (int t = 0; t < kThreads; ++t) ws.push_back(build(*serial_));
  std::vector<Wrapper*> ptrs;
  for (auto& w : ws) ptrs.push_back(&w);
  Peaks p = hammer(ptrs);
  EXPECT_EQ(p.failures, 0) << p.first_error;
  EXPECT_EQ(p.wrapper_overlap, 1);
  EXPECT_GE(p.overlap, 2) << "no lock shared between wrappers";
}

TEST_F(WrapperThreadsTest, SharedWrapperOfAThreadSafeBackendRunsAtOnce) {
  Wrapper w = build(*parallel_);
  Peaks p = hammer({&w});
  EXPECT_EQ(p.failures, 0) << p.first_error;
  EXPECT_GE(p.wrapper_overlap, 2);
  EXPECT_GE(p.overlap, 2);
}

// An older plugin's struct ends before wrapper_thread_safe: whatever lies
// past its struct_size is not read, and its wrappers are serialized, even
// when (as here) the code behind them could run at once.
TEST_F(WrapperThreadsTest, APluginWithoutTheMemberIsNotThreadSafe) {
  // testparallel's own struct, read through its entry point (never unloaded).
  void* lib = dlopen(threads_plugin("testparallel").c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  auto entry = reinterpret_cast<nnport_backend_entry_fn>(dlsym(lib, NNPORT_PLUGIN_ENTRY_NAME));
  ASSERT_NE(entry, nullptr);
  const nnport_host host{NNPORT_PLUGIN_ABI_VERSION, sizeof(nnport_host), nullptr};
  nnport_backend old = *entry(&host);
  ASSERT_EQ(old.wrapper_thread_safe, 1u);
  old.struct_size = offsetof(nnport_backend, wrapper_thread_safe);
  BackendManager manager(&old, "old.so");
  EXPECT_FALSE(manager.wrapper_thread_safe());
  Wrapper w = build(manager);
  EXPECT_FALSE(w.thread_safe());
  Peaks p = hammer({&w});
  EXPECT_EQ(p.failures, 0) << p.first_error;
  EXPECT_EQ(p.wrapper_overlap, 1);

  old.struct_size = sizeof(nnport_backend);  // the same plugin, new enough
  EXPECT_TRUE(BackendManager(&old, "new.so").wrapper_thread_safe());
}

}  // namespace
}  // namespace nnport
