// --cpu-peak of nnport_bench_engines: this CPU's clock (a chain of dependent
// integer adds, one per cycle) and the fp32 FMA throughput of one core and
// of all (independent vfmadd231ps chains, 256- and 512-bit), for
// docs/performance.md's achieved-vs-peak GFLOP/s.
#include "cpu_peak.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include "bench_util.h"

namespace nnport::bench_util {
namespace {

using Clock = std::chrono::steady_clock;

// Cycles per second from a chain of dependent adds (one per cycle on any
// x86 core since the P6); the best of several tries, so preemption by the
// hypervisor or other work does not lower it.
double measure_clock_hz() {
  constexpr long kIters = 2'000'000;  // x 100 adds
  double best = 0;
  for (int rep = 0; rep < 15; ++rep) {
    long x = 0;
    const auto t0 = Clock::now();
    for (long i = 0; i < kIters; ++i) {
      asm volatile(
          ".rept 100\n\t"
          "addq $1, %0\n\t"
          ".endr"
          : "+r"(x));
    }
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    best = std::max(best, 100.0 * kIters / s);
  }
  return best;
}

// fp32 FLOP/s of one thread: 12 independent vfmadd231ps chains (enough to
// cover a 4-cycle latency on 3 pipes), in asm so that nothing but the FMAs
// and the loop counter runs; registers zeroed first (no denormals). Best of
// several tries.
#define NNPORT_FMA_LOOP(XOR, REG)                                                                  \
  asm volatile(".irp r,1,2,4,5,6,7,8,9,10,11,12,13,14,15\n\t" XOR " %%" REG "\\r, %%" REG          \
               "\\r, %%" REG                                                                       \
               "\\r\n\t"                                                                           \
               ".endr\n"                                                                           \
               "1:\n\t"                                                                            \
               ".irp r,4,5,6,7,8,9,10,11,12,13,14,15\n\t"                                          \
               "vfmadd231ps %%" REG "1, %%" REG "2, %%" REG                                        \
               "\\r\n\t"                                                                           \
               ".endr\n\t"                                                                         \
               "dec %0\n\t"                                                                        \
               "jnz 1b"                                                                            \
               : "+r"(n)                                                                           \
               :                                                                                   \
               : "xmm1", "xmm2", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", \
                 "xmm12", "xmm13", "xmm14", "xmm15", "cc")

template <int kWidth>
__attribute__((target("avx512f,fma"))) void fma_loop(long n) {
  if constexpr (kWidth == 16)
    NNPORT_FMA_LOOP("vpxord", "zmm");  // vxorps on zmm needs AVX512DQ
  else
    NNPORT_FMA_LOOP("vxorps", "ymm");
}

// Aggregate FLOP/s of `threads` threads, one pinned to each CPU, started
// together; best of several tries.
template <int kWidth>
double measure_fma_flops(int threads) {
  constexpr long kIters = 20'000'000;
  double best = 0;
  for (int rep = 0; rep < 20; ++rep) {
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&go, t] {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(t, &set);
        pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        while (!go.load()) {
        }
        fma_loop<kWidth>(kIters);
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // all pinned and waiting
    const auto t0 = Clock::now();
    go = true;
    for (auto& th : pool) th.join();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    best = std::max(best, 2.0 * kWidth * 12 * kIters * threads / s);
  }
  return best;
}
#undef NNPORT_FMA_LOOP

}  // namespace

int run_cpu_peak(const std::string& json_path) {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("fma")) {
    std::cerr << "nnport_bench_engines: --cpu-peak needs AVX-512F and FMA\n";
    return 1;
  }
  // The clock before and after: it drifts with the host's load.
  const double hz0 = measure_clock_hz();
  const double f256 = measure_fma_flops<8>(1), f512 = measure_fma_flops<16>(1);
  const int cpus = int(std::thread::hardware_concurrency());
  const double f512_all = measure_fma_flops<16>(cpus);
  const double hz = std::max(hz0, measure_clock_hz());
  std::printf("CPU: %s (family %s, model %s), %d CPUs\n", cpu_field("model name").c_str(),
              cpu_field("cpu family").c_str(), cpu_field("model").c_str(), cpus);
  std::printf("clock (dependent adds): %.3f GHz; /proc/cpuinfo says %s MHz\n", hz / 1e9,
              cpu_field("cpu MHz").c_str());
  std::printf(
      "one thread, fp32 FMA: 256-bit %.1f GFLOP/s = %.1f FLOP/cycle; 512-bit %.1f GFLOP/s "
      "= %.1f FLOP/cycle\n",
      f256 / 1e9, f256 / hz, f512 / 1e9, f512 / hz);
  std::printf("%d threads, 512-bit fp32 FMA: %.1f GFLOP/s (%.2fx one thread)\n", cpus,
              f512_all / 1e9, f512_all / f512);
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << "{\"cpu_model\": \"" << cpu_field("model name")
        << "\", \"cpu_family\": " << cpu_field("cpu family")
        << ", \"cpu_model_number\": " << cpu_field("model")
        << ", \"cpuinfo_mhz\": " << cpu_field("cpu MHz") << ", \"cpus\": " << cpus
        << ", \"clock_hz\": " << hz << ", \"fma256_flops\": " << f256
        << ", \"fma512_flops\": " << f512 << ", \"fma512_flops_all_cpus\": " << f512_all << "}\n";
  }
  return 0;
}

}  // namespace nnport::bench_util
