// An Ort::Env for programs that call ONNX Runtime directly (benchmarks, the
// conformance baseline), with telemetry off as nnport's plugin has it
// (backends/onnxruntime/ort_runtime.cc): the library reads the variable only
// when an env is created; without it the SDK's build writes
// /tmp/mat-debug-<pid>.log and a cache under HOME in every process.
#ifndef NNPORT_BENCH_ORT_PRIVATE_ENV_H_
#define NNPORT_BENCH_ORT_PRIVATE_ENV_H_

#include <onnxruntime_cxx_api.h>

#include <cstdlib>

namespace nnport::bench {

inline Ort::Env make_private_ort_env(OrtLoggingLevel level, const char* name) {
  ::setenv("ORT_DISABLE_TELEMETRY", "1", /*overwrite=*/1);
  return Ort::Env(level, name);
}

}  // namespace nnport::bench

#endif  // NNPORT_BENCH_ORT_PRIVATE_ENV_H_
