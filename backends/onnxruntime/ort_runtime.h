// Loading ONNX Runtime at run time. The plugin does not link the library:
// it dlopens libonnxruntime.so.1 on first use, so a missing or too old
// library is an honest "not available" with the loader's reason instead of
// a plugin that fails to load. Every ORT call then goes through the OrtApi
// table (ORT_API_MANUAL_INIT), never through a link-time symbol.
#ifndef NNPORT_BACKENDS_ONNXRUNTIME_ORT_RUNTIME_H_
#define NNPORT_BACKENDS_ONNXRUNTIME_ORT_RUNTIME_H_

#ifndef ORT_API_MANUAL_INIT
#define ORT_API_MANUAL_INIT
#endif
#include <onnxruntime_cxx_api.h>

#include <string>
#include <vector>

namespace nnport::ort {

// The runtime library as loaded (or why it could not be).
struct Runtime {
  bool ok = false;
  std::string error;         // set when !ok: names the library and the reason
  std::string library_path;  // the file the loader found
  std::string version;       // OrtApiBase::GetVersionString()
  const OrtApi* api = nullptr;
};

// Loads the library and initializes the C++ API once per process; cheap on
// later calls. Never creates an environment or a session. The library is
// NNPORT_ONNXRUNTIME_LIBRARY when set, else libonnxruntime.so.1 found through
// the plugin's rpath (<prefix>/lib), LD_LIBRARY_PATH and the system paths.
const Runtime& runtime();

// runtime() or throw plugin::Error(NNPORT_UNAVAILABLE, ...).
const Runtime& require_runtime();

// The process-wide Ort::Env, created on first use and never destroyed (its
// destructor would run after the library's own at exit). ORT's telemetry is
// off: runtime() sets ORT_DISABLE_TELEMETRY=1 before loading the library and
// env() calls DisableTelemetryEvents. Every session, and every ORT call that
// may log (e.g. appending an execution provider), must come after env():
// before it ORT has no default logger and fails with "Attempt to use
// DefaultLogger but none has been registered".
Ort::Env& env();

// True when ORT_DISABLE_TELEMETRY is "1" in this process (runtime() sets it).
bool telemetry_disabled();

// While one lives, ORT's error-level log lines on this thread are collected
// here instead of going to the host's log: ORT logs the reason of some
// failures (e.g. why a provider library did not load) and returns only a
// generic status.
class CaptureErrors {
 public:
  CaptureErrors();
  ~CaptureErrors();
  CaptureErrors(const CaptureErrors&) = delete;
  CaptureErrors& operator=(const CaptureErrors&) = delete;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string* previous_;
};

// Execution providers compiled into the library (not all usable here: a GPU
// provider also needs its provider library and a device).
std::vector<std::string> available_providers();

// Rethrows an ORT exception as plugin::Error with context first
// ("onnxruntime: <context>: <ORT's message>") and ORT's code mapped to
// nnport's (invalid argument/graph -> NNPORT_INVALID_ARGUMENT, no such file
// -> NNPORT_NOT_FOUND, not implemented -> NNPORT_UNIMPLEMENTED, else
// NNPORT_INTERNAL).
[[noreturn]] void rethrow(const Ort::Exception& e, const std::string& context);

}  // namespace nnport::ort

#endif  // NNPORT_BACKENDS_ONNXRUNTIME_ORT_RUNTIME_H_
