// nnport_bench_engines --cpu-peak: the clock and fp32 FMA peak of this CPU.
#ifndef NNPORT_BENCH_CPU_PEAK_H_
#define NNPORT_BENCH_CPU_PEAK_H_

#include <string>

namespace nnport::bench_util {

// Prints the CPU, its measured clock and FMA FLOP/s (one thread 256/512-bit,
// all CPUs 512-bit); also writes them as JSON to json_path when given.
// 1 (with a message) on a CPU without AVX-512F and FMA.
int run_cpu_peak(const std::string& json_path);

}  // namespace nnport::bench_util

#endif  // NNPORT_BENCH_CPU_PEAK_H_
