#include "ort_runtime.h"

#include <dlfcn.h>
#include <link.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string_view>

#include "nnport/plugin_cpp.h"

namespace nnport::ort {
namespace {

constexpr const char* kLibraryName = "libonnxruntime.so.1";
constexpr const char* kLibraryEnv = "NNPORT_ONNXRUNTIME_LIBRARY";

// Builds of ONNX Runtime with 1DS telemetry (the npm/PyPI ones for Linux)
// start it when the first OrtEnv is created: a device id and an event
// database under $XDG_CACHE_HOME or ~/.cache/Microsoft/DeveloperTools/,
// /tmp/mat-debug-<pid>.log, and ':memory:.ses' in the working directory
// when that cache is not writable. OrtApi::DisableTelemetryEvents comes too
// late for all of that (it needs the env) and only drops the per-session
// events. The library reads this variable when the env is created and
// latches it for the life of the process; "1" creates no uploader, no
// device id, no cache and no log. docs/backends/onnxruntime.md, "Privacy".
constexpr const char* kTelemetryEnv = "ORT_DISABLE_TELEMETRY";

std::string loaded_path(void* handle, const std::string& fallback) {
  link_map* map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && map->l_name != nullptr &&
      map->l_name[0] != '\0') {
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(map->l_name, ec);
    return ec ? std::string(map->l_name) : canonical.string();
  }
  return fallback;
}

// Where the plugin's RUNPATH ($ORIGIN/../..) points: the library folder of
// the build or install tree this plugin sits in. glibc applies a RUNPATH
// only when the plugin itself calls dlopen; a dlopen interposed by a
// preloaded or linked-in library (AddressSanitizer's, a profiler's) is
// looked up from that library instead and misses it.
std::string at_the_runpath(const std::string& name) {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&at_the_runpath), &info) == 0 || info.dli_fname == nullptr)
    return name;
  return (std::filesystem::path(info.dli_fname).parent_path().parent_path().parent_path() / name)
      .string();
}

Runtime load() {
  Runtime rt;
  // Before the library is loaded, let alone an env created; overwrites a
  // user's "0": nnport never lets the runtime collect or upload anything.
  ::setenv(kTelemetryEnv, "1", /*overwrite=*/1);
  const char* env_path = std::getenv(kLibraryEnv);
  const std::string wanted = env_path != nullptr && env_path[0] != '\0' ? env_path : kLibraryName;
  // RTLD_GLOBAL is not needed: every call goes through the OrtApi table.
  // The handle is never closed: sessions and the Env live in the library.
  void* handle = dlopen(wanted.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr && wanted.find('/') == std::string::npos) {
    const char* why = dlerror();
    const std::string first = why != nullptr ? why : "unknown error";
    handle = dlopen(at_the_runpath(wanted).c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      rt.error = "onnxruntime: cannot load " + wanted + " (" + first +
                 "); run scripts/fetch_onnxruntime.sh and rebuild/reinstall nnport, or set " +
                 kLibraryEnv + " to the library's path";
      return rt;
    }
  }
  if (handle == nullptr) {
    const char* why = dlerror();
    rt.error = "onnxruntime: cannot load " + wanted + " (" + (why ? why : "unknown error") +
               "); run scripts/fetch_onnxruntime.sh and rebuild/reinstall nnport, or set " +
               kLibraryEnv + " to the library's path";
    return rt;
  }
  rt.library_path = loaded_path(handle, wanted);
  using GetApiBaseFn = const OrtApiBase* (*)();
  auto get_api_base = reinterpret_cast<GetApiBaseFn>(dlsym(handle, "OrtGetApiBase"));
  if (get_api_base == nullptr) {
    rt.error = "onnxruntime: " + rt.library_path +
               " has no OrtGetApiBase symbol; it is not an ONNX Runtime library";
    return rt;
  }
  const OrtApiBase* base = get_api_base();
  const char* version = base != nullptr ? base->GetVersionString() : nullptr;
  rt.version = version != nullptr ? version : "unknown";
  rt.api = base != nullptr ? base->GetApi(ORT_API_VERSION) : nullptr;
  if (rt.api == nullptr) {
    rt.error = "onnxruntime: " + rt.library_path + " is ONNX Runtime " + rt.version +
               ", which does not serve C API version " + std::to_string(ORT_API_VERSION) +
               " (nnport needs ONNX Runtime >= 1." + std::to_string(ORT_API_VERSION) +
               "); run scripts/fetch_onnxruntime.sh";
    return rt;
  }
  Ort::InitApi(rt.api);
  rt.ok = true;
  return rt;
}

}  // namespace

const Runtime& runtime() {
  static const Runtime rt = load();  // thread-safe, once
  return rt;
}

const Runtime& require_runtime() {
  const Runtime& rt = runtime();
  if (!rt.ok) throw plugin::Error(NNPORT_UNAVAILABLE, rt.error);
  return rt;
}

namespace {

// ORT's message without its "<source>:<line> <function> [ONNXRuntimeError] :
// <code> : <NAME> : " header and trailing whitespace.
std::string plain_message(const char* message) {
  std::string m = message != nullptr ? message : "";
  constexpr std::string_view kHeader = "[ONNXRuntimeError] : ";
  if (const size_t h = m.find(kHeader); h != std::string::npos) {
    size_t at = h + kHeader.size();
    for (int i = 0; i < 2 && at != std::string::npos; ++i) {
      at = m.find(" : ", at);
      if (at != std::string::npos) at += 3;
    }
    if (at != std::string::npos) m = m.substr(at);
  }
  while (!m.empty() && std::isspace(static_cast<unsigned char>(m.back()))) m.pop_back();
  return m;
}

// Set while a CaptureErrors lives on this thread.
thread_local std::string* captured_errors = nullptr;

// ORT's log lines go through the host's logger, like the plugin's own;
// errors are captured instead while a CaptureErrors is active.
void ORT_API_CALL log_to_host(void*, OrtLoggingLevel severity, const char*, const char*,
                              const char*, const char* message) {
  if (captured_errors != nullptr && severity >= ORT_LOGGING_LEVEL_ERROR) {
    *captured_errors += std::string(captured_errors->empty() ? "" : "; ") + plain_message(message);
    return;
  }
  // ORT logs an error and also returns it, and the plugin passes what it
  // returns on as the error: at info level the log does not say it twice.
  nnport_log_level level = NNPORT_LOG_INFO;
  switch (severity) {
    case ORT_LOGGING_LEVEL_VERBOSE:
      level = NNPORT_LOG_DEBUG;
      break;
    case ORT_LOGGING_LEVEL_INFO:
      level = NNPORT_LOG_INFO;
      break;
    case ORT_LOGGING_LEVEL_WARNING:
      level = NNPORT_LOG_WARNING;
      break;
    default:
      break;
  }
  plugin::log(level, std::string("onnxruntime: ") + (message != nullptr ? message : ""));
}

}  // namespace

CaptureErrors::CaptureErrors() : previous_(captured_errors) { captured_errors = &text_; }

CaptureErrors::~CaptureErrors() { captured_errors = previous_; }

namespace {

Ort::Env* create_env() {
  try {
    auto* e = new Ort::Env(ORT_LOGGING_LEVEL_WARNING, "nnport", log_to_host, nullptr);
    // The variable set in load() already stopped the telemetry; this also
    // drops the per-session events (model file and graph names) in the case
    // the variable cannot cover: a host that created an ORT env of its own
    // before loading nnport's plugin (ORT's env is one per process).
    e->DisableTelemetryEvents();
    return e;
  } catch (const Ort::Exception& ex) {
    rethrow(ex, "creating the ONNX Runtime environment");
  }
}

}  // namespace

Ort::Env& env() {
  require_runtime();
  static Ort::Env* e = create_env();  // thread-safe, once; a failure retries next call
  return *e;
}

bool telemetry_disabled() {
  const char* v = std::getenv(kTelemetryEnv);
  return v != nullptr && (std::string(v) == "1" || std::string(v) == "true");  // what ORT accepts
}

std::vector<std::string> available_providers() {
  require_runtime();
  return Ort::GetAvailableProviders();
}

void rethrow(const Ort::Exception& e, const std::string& context) {
  nnport_code code = NNPORT_INTERNAL;
  switch (e.GetOrtErrorCode()) {
    case ORT_INVALID_ARGUMENT:
    case ORT_INVALID_PROTOBUF:
    case ORT_INVALID_GRAPH:
      code = NNPORT_INVALID_ARGUMENT;
      break;
    case ORT_NO_SUCHFILE:
      code = NNPORT_NOT_FOUND;
      break;
    case ORT_NOT_IMPLEMENTED:
      code = NNPORT_UNIMPLEMENTED;
      break;
    default:
      break;
  }
  throw plugin::Error(code, "onnxruntime: " + context + ": " + e.what());
}

}  // namespace nnport::ort
