#include "xnn_test_util.h"

#include <filesystem>

namespace nnport::xnn_test {

std::string testdata(const std::string& file) {
  return std::string(NNPORT_XNN_TESTDATA) + "/" + file;
}

Result<std::vector<std::string>> convert(const std::string& onnx, const std::string& cfg) {
  std::string why;
  const BackendManager* xnn = backend_test::backend("xnnpack", &why);
  if (xnn == nullptr) return Status(Code::kUnavailable, why);
  const std::string tag = std::filesystem::path(onnx).parent_path().filename().string();
  return xnn->to_backend({onnx}, backend_test::fresh_dir(tag), cfg);
}

}  // namespace nnport::xnn_test
