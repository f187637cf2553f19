#include "core/plugin_loader.h"

#include <dlfcn.h>

#include <cstddef>
#include <filesystem>

#include "core/log.h"
#include "core/printable.h"

namespace nnport::core {

namespace {

constexpr std::string_view kPrefix = "libnnport_backend_";
constexpr std::string_view kSuffix = ".so";
constexpr std::string_view kRebuild = "rebuild the plugin against this nnport";

}  // namespace

PluginLibrary::~PluginLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

std::string backend_name_from_file(const std::string& path) {
  std::string file = std::filesystem::path(path).filename().string();
  if (file.size() <= kPrefix.size() + kSuffix.size() || !file.starts_with(kPrefix) ||
      !file.ends_with(kSuffix)) {
    return "";
  }
  return file.substr(kPrefix.size(), file.size() - kPrefix.size() - kSuffix.size());
}

std::string plugin_file_name(const std::string& backend_name) {
  return std::string(kPrefix) + backend_name + std::string(kSuffix);
}

bool is_valid_backend_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status validate_backend(const nnport_backend* b, const std::string& path) {
  const std::string who = "plugin '" + path + "'";
  if (b->abi_version != NNPORT_PLUGIN_ABI_VERSION) {
    return unavailable(who + " was built for nnport plugin ABI " + std::to_string(b->abi_version) +
                       "; this nnport speaks ABI " + std::to_string(NNPORT_PLUGIN_ABI_VERSION) +
                       ": " + std::string(kRebuild));
  }
  // Every member of ABI 1 up to build_wrapper is present in a conforming
  // plugin; a smaller struct means a broken or foreign build.
  constexpr size_t kMinSize = offsetof(nnport_backend, build_wrapper) + sizeof(void*);
  if (b->struct_size < kMinSize) {
    return unavailable(who + " declares struct_size " + std::to_string(b->struct_size) +
                       ", but nnport plugin ABI " + std::to_string(NNPORT_PLUGIN_ABI_VERSION) +
                       " needs at least " + std::to_string(kMinSize) +
                       " bytes: " + std::string(kRebuild));
  }
  if (b->name == nullptr || !is_valid_backend_name(b->name)) {
    return unavailable(
        who + " has no valid backend name (" +
        (b->name == nullptr ? std::string("NULL") : "'" + core_internal::printable(b->name) + "'") +
        "): use letters, digits, '_' or '-'");
  }
  std::string missing;
  if (b->is_available == nullptr) missing += " is_available";
  if (b->version == nullptr) missing += " version";
  if (b->build_wrapper == nullptr) missing += " build_wrapper";
  if (!missing.empty()) {
    return unavailable(who + " (backend '" + b->name + "') leaves required functions NULL:" +
                       missing + ": fill them in and rebuild the plugin");
  }
  return {};
}

Status validate_wrapper_api(const nnport_wrapper_api* api) {
  if (api == nullptr) return internal_error("the plugin returned no wrapper API table");
  constexpr size_t kMinSize = offsetof(nnport_wrapper_api, destroy) + sizeof(void*);
  if (api->struct_size < kMinSize) {
    return internal_error("the plugin's wrapper API table declares struct_size " +
                          std::to_string(api->struct_size) + ", ABI " +
                          std::to_string(NNPORT_PLUGIN_ABI_VERSION) + " needs at least " +
                          std::to_string(kMinSize));
  }
  std::string missing;
  if (api->num_inputs == nullptr) missing += " num_inputs";
  if (api->input_info == nullptr) missing += " input_info";
  if (api->num_outputs == nullptr) missing += " num_outputs";
  if (api->output_info == nullptr) missing += " output_info";
  if (api->set_inputs == nullptr) missing += " set_inputs";
  if (api->execute == nullptr) missing += " execute";
  if (api->get_outputs == nullptr) missing += " get_outputs";
  if (api->destroy == nullptr) missing += " destroy";
  if (!missing.empty()) {
    return internal_error("the plugin's wrapper API table leaves required functions NULL:" +
                          missing);
  }
  return {};
}

Result<std::shared_ptr<PluginLibrary>> open_plugin(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return not_found("plugin file '" + path + "' does not exist: check the path");
  }
  dlerror();
  // RTLD_NODELETE: a plugin stays mapped after dlclose. The engines behind
  // plugins keep thread pools, registries and atexit handlers that may still
  // run at process exit; code unmapped under them crashes, and memory they
  // keep can no longer be traced to its library (LeakSanitizer).
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* why = dlerror();
    return unavailable("cannot load plugin '" + path + "': " + (why ? why : "dlopen failed") +
                       ": check that it is a shared library built for this platform and that "
                       "the libraries it needs are installed");
  }
  auto close = [&] { dlclose(handle); };
  dlerror();
  void* sym = dlsym(handle, NNPORT_PLUGIN_ENTRY_NAME);
  if (sym == nullptr) {
    close();
    return unavailable("plugin '" + path +
                       "' has no entry point '" NNPORT_PLUGIN_ENTRY_NAME
                       "': export it with NNPORT_DEFINE_PLUGIN (nnport/plugin_cpp.h) or define "
                       "NNPORT_PLUGIN_ENTRY with NNPORT_PLUGIN_EXPORT (nnport/plugin.h)");
  }
  auto entry = reinterpret_cast<nnport_backend_entry_fn>(sym);
  const nnport_backend* backend = nullptr;
  try {
    backend = entry(host());
  } catch (...) {
    close();
    return unavailable("plugin '" + path +
                       "': its entry point threw an exception across the plugin boundary: "
                       "fix the plugin (it must catch everything)");
  }
  if (backend == nullptr) {
    close();
    return unavailable("plugin '" + path +
                       "': its entry point returned no backend (it cannot work with this host; "
                       "see its log with NNPORT_LOG_LEVEL=debug)");
  }
  Status s = validate_backend(backend, path);
  if (!s.ok()) {
    close();
    return s;
  }
  log(NNPORT_LOG_DEBUG, "loaded plugin '" + path + "' (backend '" + backend->name + "')");
  return std::make_shared<PluginLibrary>(path, handle, backend);
}

}  // namespace nnport::core
