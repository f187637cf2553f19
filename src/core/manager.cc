#include "nnport/manager.h"

#include <cstddef>
#include <filesystem>

#include "core/log.h"
#include "core/printable.h"
#include "core/sinks.h"
#include "core/wrapper_impl.h"

namespace nnport {

namespace {

using core::plugin_error;

std::vector<const char*> c_strings(const std::vector<std::string>& items) {
  std::vector<const char*> out;
  out.reserve(items.size() + 1);
  for (const auto& s : items) out.push_back(s.c_str());
  out.push_back(nullptr);  // never NULL data, even when empty
  return out;
}

}  // namespace

BackendManager::BackendManager(const nnport_backend* backend, std::string plugin_path,
                               std::shared_ptr<void> library)
    : backend_(backend),
      name_(backend != nullptr && backend->name != nullptr ? backend->name : ""),
      description_(core_internal::printable(
          backend != nullptr && backend->description != nullptr ? backend->description : "")),
      plugin_path_(std::move(plugin_path)),
      library_(std::move(library)) {}

uint32_t BackendManager::backend_file_count() const {
  // 0 is read as the common case: one file.
  return backend_->backend_file_count == 0 ? 1 : backend_->backend_file_count;
}

bool BackendManager::is_available(bool with_custom_ops, std::string* why) const {
  core::StringSink reason;
  int ok = backend_->is_available(with_custom_ops ? 1 : 0, reason.get());
  if (ok == 0 && why != nullptr) {
    *why = reason.text.empty() ? name_ + " is not available (the plugin gave no reason)"
                               : core_internal::printable(reason.text);
  }
  return ok != 0;
}

Result<std::string> BackendManager::version() const {
  core::StringSink out, err;
  int rc = backend_->version(out.get(), err.get());
  if (rc != NNPORT_OK) return plugin_error(name_, "version", rc, err.text);
  return core_internal::printable(out.text);
}

std::vector<std::string> BackendManager::check_env() const {
  std::vector<std::string> lines;
  std::string why;
  if (!is_available(false, &why)) {
    lines.push_back(name_ + ":\tNone");
    core::log(NNPORT_LOG_DEBUG, name_ + " is not available: " + why);
  } else {
    auto v = version();
    if (v.ok()) {
      lines.push_back(name_ + ":\t" + *v);
    } else {
      lines.push_back(name_ + ":\tCheckFailed");
      core::log(NNPORT_LOG_WARNING, v.status().message());
    }
  }
  if (backend_->check_env_extra != nullptr) {
    core::ListSink extra;
    core::StringSink err;
    int rc = backend_->check_env_extra(extra.get(), err.get());
    if (rc == NNPORT_OK) {
      for (const auto& item : extra.items) lines.push_back(core_internal::printable(item));
    } else {
      core::log(NNPORT_LOG_WARNING, plugin_error(name_, "check_env_extra", rc, err.text).message());
    }
  }
  return lines;
}

Result<std::vector<std::string>> BackendManager::to_backend(
    const std::vector<std::string>& ir_files, const std::string& work_dir,
    const std::string& deploy_cfg_json, int log_level, const std::string& device) const {
  const std::string ctx = name_ + ": convert failed";
  if (ir_files.empty()) return invalid_argument(ctx + ": no IR files given");
  std::error_code ec;
  if (!std::filesystem::is_directory(work_dir, ec)) {
    return not_found(ctx + ": work dir '" + work_dir + "' is not a folder: create it first");
  }
  if (backend_->to_backend == nullptr) return ir_files;  // the IR files are the backend files
  auto files = c_strings(ir_files);
  core::ListSink out;
  core::StringSink err;
  int rc = backend_->to_backend(files.data(), ir_files.size(), work_dir.c_str(),
                                deploy_cfg_json.empty() ? "{}" : deploy_cfg_json.c_str(), log_level,
                                device.c_str(), out.get(), err.get());
  if (rc != NNPORT_OK) return plugin_error(name_, "convert", rc, err.text);
  if (out.items.empty()) return internal_error(ctx + ": the plugin returned no backend files");
  return std::move(out.items);
}

bool BackendManager::has_check_model() const {
  // Appended after ABI 1's first members: only a plugin whose struct covers
  // the member has it (an older plugin's struct ends before it).
  constexpr size_t kEnd = offsetof(nnport_backend, check_model) + sizeof(backend_->check_model);
  return backend_->struct_size >= kEnd && backend_->check_model != nullptr;
}

bool BackendManager::wrapper_thread_safe() const {
  // Appended after check_model: a plugin whose struct ends before it is
  // treated as not thread-safe, the safe default.
  constexpr size_t kEnd =
      offsetof(nnport_backend, wrapper_thread_safe) + sizeof(backend_->wrapper_thread_safe);
  return backend_->struct_size >= kEnd && backend_->wrapper_thread_safe != 0;
}

Result<std::optional<std::vector<NodeSupport>>> BackendManager::check_model(
    const std::string& onnx_path, const std::string& deploy_cfg_json) const {
  if (!has_check_model()) return std::optional<std::vector<NodeSupport>>();
  struct Collect {
    std::vector<NodeSupport> nodes;
    static void add(void* ctx, const nnport_node_support* n) {
      if (n == nullptr) return;
      auto str = [](const char* p) { return std::string(p != nullptr ? p : ""); };
      static_cast<Collect*>(ctx)->nodes.push_back(NodeSupport{
          n->index, str(n->node_name), str(n->op_type), n->supported != 0, str(n->reason)});
    }
  } collect;
  nnport_node_sink sink{&collect, &Collect::add};
  core::StringSink err;
  int rc = backend_->check_model(onnx_path.c_str(),
                                 deploy_cfg_json.empty() ? "{}" : deploy_cfg_json.c_str(), &sink,
                                 err.get());
  if (rc != NNPORT_OK) return plugin_error(name_, "check_model", rc, err.text);
  return std::optional<std::vector<NodeSupport>>(std::move(collect.nodes));
}

Result<Wrapper> BackendManager::build_wrapper(const std::vector<std::string>& backend_files,
                                              const std::string& device,
                                              const std::vector<std::string>& input_names,
                                              const std::vector<std::string>& output_names,
                                              const std::string& deploy_cfg_json) const {
  if (backend_files.size() != backend_file_count()) {
    return invalid_argument(name_ + ": build_wrapper failed: it takes " +
                            std::to_string(backend_file_count()) + " backend file(s), " +
                            std::to_string(backend_files.size()) + " given");
  }
  auto files = c_strings(backend_files);
  auto ins = c_strings(input_names);
  auto outs = c_strings(output_names);
  nnport_wrapper* handle = nullptr;
  const nnport_wrapper_api* api = nullptr;
  core::StringSink err;
  int rc = backend_->build_wrapper(files.data(), backend_files.size(), device.c_str(), ins.data(),
                                   input_names.size(), outs.data(), output_names.size(),
                                   deploy_cfg_json.empty() ? "{}" : deploy_cfg_json.c_str(),
                                   &handle, &api, err.get());
  if (rc != NNPORT_OK) return plugin_error(name_, "build_wrapper", rc, err.text);
  if (handle == nullptr) {
    return internal_error(name_ + ": build_wrapper failed: the plugin returned no wrapper");
  }
  auto wrapper =
      core::make_wrapper(name_, backend_file_count(), library_, handle, api, wrapper_thread_safe());
  if (wrapper.ok() && !output_names.empty() && wrapper->output_names() != output_names) {
    // The ABI promises forward's order is the order asked for.
    std::string got;
    for (const auto& n : wrapper->output_names()) got += (got.empty() ? "" : ", ") + n;
    std::string want;
    for (const auto& n : output_names) want += (want.empty() ? "" : ", ") + n;
    return internal_error(name_ + ": build_wrapper failed: outputs [" + want +
                          "] were asked for, the plugin's wrapper gives [" + got + "]");
  }
  return wrapper;
}

}  // namespace nnport
