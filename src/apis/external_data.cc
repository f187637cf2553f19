#include "apis/external_data.h"

#include <system_error>

#include "apis/confined_path.h"

namespace nnport::apis {
namespace fs = std::filesystem;

Result<std::vector<ExternalDataFile>> check_external_data(
    const std::string& model_path, const std::vector<std::string>& locations) {
  using Escape = ConfinedPath::Escape;
  std::vector<ExternalDataFile> files;
  const fs::path folder = fs::absolute(model_path).lexically_normal().parent_path();
  for (const auto& location : locations) {
    const std::string what = "model " + model_path + ": external data '" + location + "'";
    const ConfinedPath c = confine(folder, location);
    switch (c.escape) {
      case Escape::kNone:
        break;
      case Escape::kEmpty:
      case Escape::kNul:
      case Escape::kAbsolute:
        return invalid_argument(
            what + " is " +
            (c.escape == Escape::kAbsolute ? "an absolute path" : "empty or holds a NUL") +
            ", which is unsafe: a model's data files must lie in its own folder; re-save the "
            "model with a relative location");
      case Escape::kDotDot:
        return invalid_argument(what + " leaves the model's folder '" + folder.string() +
                                "', which is unsafe; move the data file beside the model and "
                                "re-save it with a relative location");
      case Escape::kSymlink:
        return invalid_argument(what + " is a symlink " +
                                (c.real.empty() ? std::string("that cannot be resolved")
                                                : "to '" + c.real.string() + "'") +
                                ", outside the model's folder, which is unsafe; copy the file "
                                "itself beside the model");
    }
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
