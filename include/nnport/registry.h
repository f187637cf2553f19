// The backend registry: finds, loads and names backend plugins.
//
// Discovery, in order: the install's plugin folder (<prefix>/lib/nnport/plugins,
// found relative to libnnport), each folder in NNPORT_PLUGIN_PATH (':'-separated),
// and files given to load_plugin (the CLI's --plugin FILE). A plugin file is
// libnnport_backend_<name>.so; find(name) loads only that one, list() loads all.
#ifndef NNPORT_REGISTRY_H_
#define NNPORT_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nnport/export.h"
#include "nnport/manager.h"
#include "nnport/status.h"

namespace nnport {

struct PluginFailure {
  std::string path;    // the plugin file
  std::string name;    // the backend name from its file name
  std::string reason;  // the loader's reason (dlerror, ABI versions, no entry point)
};

class NNPORT_API Registry {
 public:
  Registry();  // searches the default folders; loads nothing yet
  // search_default_dirs false: only add_search_dir / load_plugin (tests,
  // embedders that want full control). NNPORT_PLUGIN_PATH is then ignored too.
  explicit Registry(bool search_default_dirs);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  static Registry& global();

  // Load one plugin file now (--plugin). An error names the file and why;
  // a plugin built for another ABI version names both versions.
  Result<const BackendManager*> load_plugin(const std::string& path);
  void add_search_dir(const std::string& dir);

  // Probe each plugin file in a child process before loading it here, so
  // that a plugin whose loading (its initializers, entry point) or whose
  // is_available / version / check_env_extra crashes, hangs past timeout_s
  // or ends the process is recorded as a failure ("crashed while loading
  // (signal 11, SIGSEGV); it was skipped") and never loaded in this process.
  // Costs one fork and one extra dlopen per plugin; check-env turns it on.
  // 0 (the default): load in this process only. Applies to later loads.
  void set_probe_timeout(double timeout_s);

  // The backend with this name, loading its plugin on demand. An unknown
  // name is an error that lists the known names; a name that is known but
  // has no plugin here is kUnavailable.
  Result<const BackendManager*> find(std::string_view name);

  // Every plugin found, loaded (failures recorded, the others keep working).
  std::vector<const BackendManager*> list();
  const std::vector<PluginFailure>& failures() const;

  // The folders searched, in order (the install's plugin folder first).
  std::vector<std::string> search_dirs() const;
  // <dir of libnnport.so>/nnport/plugins, or "" when it cannot be located.
  static std::string default_plugin_dir();

  // Built-in names, then names added by loaded plugins.
  std::vector<std::string> known_names() const;
  bool is_known(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nnport

#endif  // NNPORT_REGISTRY_H_
