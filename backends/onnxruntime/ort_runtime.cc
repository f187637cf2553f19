#include "ort_runtime.h"

#include <dlfcn.h>
#include <link.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "nnport/plugin_cpp.h"

namespace nnport::ort {
namespace {

constexpr const char* kLibraryName = "libonnxruntime.so.1";
constexpr const char* kLibraryEnv = "NNPORT_ONNXRUNTIME_LIBRARY";

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

Runtime load() {
  Runtime rt;
  const char* env_path = std::getenv(kLibraryEnv);
  const std::string wanted = env_path != nullptr && env_path[0] != '\0' ? env_path : kLibraryName;
  // RTLD_GLOBAL is not needed: every call goes through the OrtApi table.
  // The handle is never closed: sessions and the Env live in the library.
  void* handle = dlopen(wanted.c_str(), RTLD_NOW | RTLD_LOCAL);
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

// ORT's log lines go through the host's logger, like the plugin's own.
void ORT_API_CALL log_to_host(void*, OrtLoggingLevel severity, const char*, const char*,
                              const char*, const char* message) {
  nnport_log_level level = NNPORT_LOG_ERROR;
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

Ort::Env& env() {
  require_runtime();
  static Ort::Env* e = new Ort::Env(ORT_LOGGING_LEVEL_WARNING, "nnport", log_to_host, nullptr);
  return *e;
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
