#include "apis/external_data.h"

#include <system_error>

#include "apis/confined_path.h"

namespace nnport::apis {
namespace fs = std::filesystem;

Result<std::vector<ExternalDataFile>> check_external_data(
    const std::string& model_path, const std::vector<std::string>& locations) {
  std::vector<ExternalDataFile> files;
  const fs::path folder = fs::absolute(model_path).lexically_normal().parent_path();
  for (const auto& location : locations) {
    const std::string what = "model " + model_path + ": external data '" + location + "'";
    const ConfinedPath c = confine(folder, location);
    if (c.escape != ConfinedPath::Escape::kNone)
      return invalid_argument(what + " " +
                              why_outside(c, "the model's folder '" + folder.string() + "'") +
                              ", which is unsafe: a model's data files must lie in its own "
                              "folder; copy them beside the model and re-save it with relative "
                              "locations");
    std::error_code ec;
    const fs::file_status st = fs::status(c.path, ec);
    if (!fs::exists(st))
      return not_found(what + ": no file " + c.path.string() +
                       ": copy the model's data files with it (they are part of the model)");
    if (!fs::is_regular_file(st))
      return invalid_argument(what + ": " + c.path.string() + " is not a regular file");
    files.push_back({c.path, c.relative});
  }
  return files;
}

}  // namespace nnport::apis
