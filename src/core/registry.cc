#include "nnport/registry.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/child_process.h"
#include "core/log.h"
#include "core/plugin_loader.h"
#include "nnport/backend_names.h"
#include "nnport/did_you_mean.h"

namespace nnport {

namespace fs = std::filesystem;

namespace {

void anchor() {}  // an address inside libnnport, for dladdr

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.string();
}

// What a probe child writes when the plugin loaded and answered; an exit
// code 0 without it means the plugin itself ended the process.
constexpr std::string_view kProbeOk = "probe ok";

// Runs in the probe child: load the plugin and make the calls check-env
// makes. A plugin that fails to load cleanly is not the probe's business:
// the load in the caller reports it as usual.
int probe_child(const std::string& path, int fd) {
  // What the plugin and the host's log say here is said again by the load
  // in the caller: silence it once.
  if (const int null_fd = ::open("/dev/null", O_WRONLY); null_fd >= 0) {
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
  }
  auto lib = core::open_plugin(path);
  if (lib.ok()) {
    BackendManager manager((*lib)->backend(), path, *lib);
    std::string why;
    (void)manager.is_available(false, &why);
    (void)manager.version();
    (void)manager.check_env();  // is_available, version, check_env_extra
  }
  return core_internal::write_all(fd, std::string(kProbeOk)) ? 0 : 1;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string s;
  for (const auto& i : items) {
    if (!s.empty()) s += sep;
    s += i;
  }
  return s;
}

}  // namespace

struct Registry::Impl {
  mutable std::mutex mu;
  std::vector<std::string> dirs;
  std::vector<std::unique_ptr<BackendManager>> managers;  // stable addresses
  std::map<std::string, const BackendManager*> loaded;    // canonical path -> manager
  std::map<std::string, Status> failed;                   // canonical path -> why
  std::vector<PluginFailure> failures;
  std::vector<std::string> extra_names;  // names plugins added, in load order
  double probe_timeout_s = 0;            // > 0: probe() each plugin before loading it

  void add_dir(const std::string& dir) {
    if (dir.empty()) return;
    std::string c = canonical(dir);
    if (std::find(dirs.begin(), dirs.end(), c) == dirs.end()) dirs.push_back(c);
  }

  const BackendManager* by_name(std::string_view name) const {
    for (const auto& m : managers) {
      if (m->name() == name) return m.get();
    }
    return nullptr;
  }

  Status fail(const std::string& path, Status why) {
    std::string name = core::backend_name_from_file(path);
    if (name.empty()) name = fs::path(path).stem().string();
    failures.push_back({path, name, why.message()});
    failed.emplace(canonical(path), why);
    // Recorded (failures()) and returned: whoever asked reports it once.
    core::log(NNPORT_LOG_DEBUG, why.message());
    return why;
  }

  // With probing on: loads the plugin in a child first. A failure when it
  // crashed, hung or ended the child; ok when it loaded (or failed to load
  // cleanly, which the load here reports).
  Status probe(const std::string& path) {
    auto outcome =
        core_internal::run_in_child([&](int fd) { return probe_child(path, fd); }, probe_timeout_s);
    if (!outcome.ok()) {  // no child (fork failed): load as without probing
      core::log(NNPORT_LOG_WARNING, "cannot probe plugin '" + path + "' in a child process (" +
                                        outcome.status().message() + "); loading it directly");
      return {};
    }
    if (outcome->ok() && outcome->output == kProbeOk) return {};
    const std::string who = "plugin '" + path + "'";
    const std::string fix = "; it was skipped: fix the plugin or remove the file";
    if (outcome->timed_out) {
      char limit[32];
      std::snprintf(limit, sizeof limit, "%g", probe_timeout_s);
      return unavailable(who + " hung while loading (no answer within " + limit + " s)" + fix);
    }
    if (!outcome->exited) {
      const char* abbrev = sigabbrev_np(outcome->signal);
      return unavailable(who + " crashed while loading (signal " + std::to_string(outcome->signal) +
                         (abbrev != nullptr ? std::string(", SIG") + abbrev : std::string()) + ")" +
                         fix);
    }
    return unavailable(who + " ended the process while loading (exit code " +
                       std::to_string(outcome->exit_code) + ")" + fix);
  }

  Result<const BackendManager*> load(const std::string& path) {
    const std::string key = canonical(path);
    if (auto it = loaded.find(key); it != loaded.end()) return it->second;
    if (auto it = failed.find(key); it != failed.end()) return it->second;
    if (probe_timeout_s > 0) {
      std::error_code ec;
      if (fs::is_regular_file(path, ec)) {
        Status probed = probe(path);
        if (!probed.ok()) return fail(path, probed);
      }
    }
    auto lib = core::open_plugin(path);
    if (!lib.ok()) {
      if (lib.status().code() == Code::kNotFound) return lib.status();  // no file: no failure
      return fail(path, lib.status());
    }
    const nnport_backend* backend = (*lib)->backend();
    if (const BackendManager* other = by_name(backend->name)) {
      return fail(
          path, invalid_argument("plugin '" + path + "': duplicate backend name '" + backend->name +
                                 "', already loaded from '" + other->plugin_path() +
                                 "': the first one wins; remove one of them"));
    }
    managers.push_back(std::make_unique<BackendManager>(backend, path, *lib));
    const BackendManager* m = managers.back().get();
    loaded.emplace(key, m);
    if (!is_known(m->name())) {
      extra_names.push_back(m->name());
      core::log(NNPORT_LOG_INFO, "plugin '" + path + "' adds backend name '" + m->name() + "'");
    }
    return m;
  }

  bool is_known(std::string_view name) const {
    for (auto n : backend_names::kBuiltin) {
      if (n == name) return true;
    }
    return std::find(extra_names.begin(), extra_names.end(), name) != extra_names.end();
  }

  std::vector<std::string> known() const {
    std::vector<std::string> names(backend_names::kBuiltin.begin(), backend_names::kBuiltin.end());
    names.insert(names.end(), extra_names.begin(), extra_names.end());
    return names;
  }

  // Plugin files in one folder, sorted so loading order is stable.
  static std::vector<std::string> plugin_files(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::string file = it->path().string();
      if (!core::backend_name_from_file(file).empty()) files.push_back(file);
    }
    std::sort(files.begin(), files.end());
    return files;
  }
};

std::string Registry::default_plugin_dir() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&anchor), &info) == 0 || info.dli_fname == nullptr) {
    return "";
  }
  // The library sits in <prefix>/lib (NNPORT_PLUGIN_SUBDIR is lib/nnport/plugins),
  // and the build tree mirrors that.
  fs::path lib = canonical(info.dli_fname);
  return (lib.parent_path() / "nnport" / "plugins").string();
}

Registry::Registry() : Registry(true) {}

Registry::Registry(bool search_default_dirs) : impl_(std::make_unique<Impl>()) {
  if (!search_default_dirs) return;
  impl_->add_dir(default_plugin_dir());
  if (const char* env = std::getenv("NNPORT_PLUGIN_PATH")) {
    std::string_view rest = env;
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      impl_->add_dir(std::string(rest.substr(0, colon)));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
}

Registry::~Registry() = default;

Registry& Registry::global() {
  // Never destroyed: plugins stay loaded until the process exits, so no
  // engine is unloaded while its threads or static objects still run.
  static Registry* registry = new Registry();
  return *registry;
}

Result<const BackendManager*> Registry::load_plugin(const std::string& path) {
  std::lock_guard lock(impl_->mu);
  return impl_->load(path);
}

void Registry::add_search_dir(const std::string& dir) {
  std::lock_guard lock(impl_->mu);
  impl_->add_dir(dir);
}

void Registry::set_probe_timeout(double timeout_s) {
  std::lock_guard lock(impl_->mu);
  impl_->probe_timeout_s = timeout_s > 0 ? timeout_s : 0;
}

std::vector<std::string> Registry::search_dirs() const {
  std::lock_guard lock(impl_->mu);
  return impl_->dirs;
}

Result<const BackendManager*> Registry::find(std::string_view name) {
  std::lock_guard lock(impl_->mu);
  if (const BackendManager* m = impl_->by_name(name)) return m;
  const std::string n(name);
  const std::string file = core::is_valid_backend_name(n) ? core::plugin_file_name(n) : "";
  std::vector<std::string> reasons;
  if (!file.empty()) {
    for (const auto& dir : impl_->dirs) {
      std::string path = (fs::path(dir) / file).string();
      std::error_code ec;
      if (!fs::exists(path, ec)) continue;
      auto m = impl_->load(path);
      if (const BackendManager* found = impl_->by_name(name)) return found;
      reasons.push_back(m.ok() ? "'" + path + "' registers backend '" + (*m)->name() + "', not '" +
                                     n + "'"
                               : m.status().message());
    }
  }
  const std::string dirs = impl_->dirs.empty() ? "(no plugin folders)" : join(impl_->dirs, ", ");
  if (!reasons.empty()) {
    return unavailable("backend '" + n +
                       "' is installed but cannot be used: " + join(reasons, "; "));
  }
  if (!file.empty() && impl_->is_known(name)) {
    return unavailable("backend '" + n + "' is not installed: no " + file + " in " + dirs +
                       "; build or install its plugin, add its folder to NNPORT_PLUGIN_PATH, "
                       "or pass the file with --plugin");
  }
  return invalid_argument("unknown backend '" + n + "'" + did_you_mean(n, impl_->known()) +
                          "; known backends: " + join(impl_->known(), ", ") +
                          (file.empty() ? std::string()
                                        : "; a third-party backend is found as " + file + " in " +
                                              dirs + " or NNPORT_PLUGIN_PATH"));
}

std::vector<const BackendManager*> Registry::list() {
  std::lock_guard lock(impl_->mu);
  for (const auto& dir : impl_->dirs) {
    for (const auto& path : Impl::plugin_files(dir)) (void)impl_->load(path);
  }
  std::vector<const BackendManager*> out;
  for (const auto& name : impl_->known()) {
    if (const BackendManager* m = impl_->by_name(name)) out.push_back(m);
  }
  return out;
}

const std::vector<PluginFailure>& Registry::failures() const { return impl_->failures; }

std::vector<std::string> Registry::known_names() const {
  std::lock_guard lock(impl_->mu);
  return impl_->known();
}

bool Registry::is_known(std::string_view name) const {
  std::lock_guard lock(impl_->mu);
  return impl_->is_known(name);
}

}  // namespace nnport
