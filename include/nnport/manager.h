// A backend manager: one per backend, wrapping a loaded plugin (MMDeploy's
// BaseBackendManager). Obtained from the Registry.
#ifndef NNPORT_MANAGER_H_
#define NNPORT_MANAGER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnport/export.h"
#include "nnport/plugin.h"
#include "nnport/status.h"
#include "nnport/wrapper.h"

namespace nnport {

// One node's verdict from BackendManager::check_model.
struct NodeSupport {
  int64_t index = 0;      // position in the main graph
  std::string node_name;  // "" when unnamed
  std::string op_type;
  bool supported = false;
  std::string reason;  // why not; "" when supported
};

class NNPORT_API BackendManager {
 public:
  // backend must already be validated (the Registry does that); library, when
  // given, is kept alive by this manager and by every wrapper it builds.
  BackendManager(const nnport_backend* backend, std::string plugin_path,
                 std::shared_ptr<void> library = nullptr);

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::string& plugin_path() const { return plugin_path_; }
  uint32_t backend_file_count() const;

  // Cheap: never initializes a device. When false and why is given, *why says why.
  bool is_available(bool with_custom_ops = false, std::string* why = nullptr) const;
  Result<std::string> version() const;
  // MMDeploy's format: "<name>:\t<version>", "None" when unavailable,
  // "CheckFailed" when the check itself failed; then any extra lines.
  std::vector<std::string> check_env() const;

  // Backend files written into work_dir (which must exist), in the order
  // build_wrapper takes them. deploy_cfg_json: the merged deploy config.
  Result<std::vector<std::string>> to_backend(const std::vector<std::string>& ir_files,
                                              const std::string& work_dir,
                                              const std::string& deploy_cfg_json,
                                              int log_level = NNPORT_LOG_INFO,
                                              const std::string& device = "cpu") const;

  // Per node of the ONNX model, whether to_backend would take it, without
  // writing anything. std::nullopt when the plugin cannot tell (it has no
  // check_model: an older plugin or one that does not say): try converting.
  Result<std::optional<std::vector<NodeSupport>>> check_model(
      const std::string& onnx_path, const std::string& deploy_cfg_json = "{}") const;
  bool has_check_model() const;

  // Whether one wrapper of this backend may run forward on several threads
  // at once (the plugin declares it; older plugins cannot and are not). The
  // wrappers of a backend that does not serialize their calls themselves.
  bool wrapper_thread_safe() const;

  Result<Wrapper> build_wrapper(const std::vector<std::string>& backend_files,
                                const std::string& device = "cpu",
                                const std::vector<std::string>& input_names = {},
                                const std::vector<std::string>& output_names = {},
                                const std::string& deploy_cfg_json = "{}") const;

 private:
  const nnport_backend* backend_;
  std::string name_, description_, plugin_path_;
  std::shared_ptr<void> library_;
};

}  // namespace nnport

#endif  // NNPORT_MANAGER_H_
