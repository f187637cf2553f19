// Opening one plugin file: dlopen, the entry point, and the checks that make
// the returned nnport_backend safe to call (ABI version, struct size,
// required members).
#ifndef NNPORT_CORE_PLUGIN_LOADER_H_
#define NNPORT_CORE_PLUGIN_LOADER_H_

#include <memory>
#include <string>

#include "nnport/plugin.h"
#include "nnport/status.h"

namespace nnport::core {

// A loaded plugin library; dlclose when the last reference goes. Wrappers
// and adopted output tensors hold a reference so plugin code outlives them.
class PluginLibrary {
 public:
  PluginLibrary(std::string path, void* handle, const nnport_backend* backend)
      : path_(std::move(path)), handle_(handle), backend_(backend) {}
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const std::string& path() const { return path_; }
  const nnport_backend* backend() const { return backend_; }

 private:
  std::string path_;
  void* handle_;
  const nnport_backend* backend_;
};

// Errors: kNotFound when the file does not exist; kUnavailable when it
// cannot be loaded or is not a usable plugin. Messages name the file.
Result<std::shared_ptr<PluginLibrary>> open_plugin(const std::string& path);

// Checks an nnport_backend / nnport_wrapper_api from a plugin; the message
// says what is wrong (used by open_plugin and build_wrapper).
Status validate_backend(const nnport_backend* backend, const std::string& path);
Status validate_wrapper_api(const nnport_wrapper_api* api);

// libnnport_backend_<name>.so -> <name>; "" when the file name has another form.
std::string backend_name_from_file(const std::string& path);
std::string plugin_file_name(const std::string& backend_name);
// Letters, digits, '_' and '-': safe in a file name.
bool is_valid_backend_name(std::string_view name);

}  // namespace nnport::core

#endif  // NNPORT_CORE_PLUGIN_LOADER_H_
