#include "apis/external_data.h"

#include <system_error>

namespace nnport::apis {
namespace fs = std::filesystem;

Result<std::vector<ExternalDataFile>> check_external_data(
    const std::string& model_path, const std::vector<std::string>& locations) {
  std::vector<ExternalDataFile> files;
  std::error_code ec;
  const fs::path folder = fs::absolute(model_path).lexically_normal().parent_path();
  const fs::path real_folder = fs::weakly_canonical(folder, ec);
  for (const auto& location : locations) {
    const std::string what = "model " + model_path + ": external data '" + location + "'";
    const fs::path loc(location);
    if (location.empty() || loc.is_absolute())
      return invalid_argument(what + " is " + (location.empty() ? "empty" : "an absolute path") +
                              ", which is unsafe: a model's data files must lie in its own folder; "
                              "re-save the model with a relative location");
    const fs::path source = (folder / loc).lexically_normal();
    const fs::path lexical = source.lexically_relative(folder);
    if (lexical.empty() || *lexical.begin() == "..")
      return invalid_argument(what + " leaves the model's folder '" + folder.string() +
                              "', which is unsafe; move the data file beside the model and "
                              "re-save it with a relative location");
    const fs::file_status st = fs::status(source, ec);
    if (!fs::exists(st))
      return not_found(what + ": no file " + source.string() +
                       ": copy the model's data files with it (they are part of the model)");
    const fs::path real = fs::weakly_canonical(source, ec);
    const fs::path followed = real.lexically_relative(real_folder);
    if (followed.empty() || *followed.begin() == "..")
      return invalid_argument(what + " is a symlink to '" + real.string() +
                              "', outside the model's folder, which is unsafe; copy the file "
                              "itself beside the model");
    if (!fs::is_regular_file(st))
      return invalid_argument(what + ": " + source.string() + " is not a regular file");
    files.push_back({source, lexical});
  }
  return files;
}

}  // namespace nnport::apis
