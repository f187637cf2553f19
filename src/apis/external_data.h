// A model's external data files (its weights beside the .onnx, as every
// model over 2 GB has them): checked before convert copies them into the
// work dir. Internal to src/apis.
#ifndef NNPORT_APIS_EXTERNAL_DATA_H_
#define NNPORT_APIS_EXTERNAL_DATA_H_

#include <filesystem>
#include <string>
#include <vector>

#include "nnport/status.h"

namespace nnport::apis {

struct ExternalDataFile {
  std::filesystem::path source;    // the file read, absolute
  std::filesystem::path location;  // relative to the model's folder, as the model names it
};

// Each location (OnnxModelInfo::external_data_files) must be relative, stay
// inside the model's folder after "..", and symlinks resolved, and be an
// existing regular file. A model file is untrusted: a location such as
// "/etc/shadow" or "../../secret" would otherwise be copied into a work dir.
Result<std::vector<ExternalDataFile>> check_external_data(
    const std::string& model_path, const std::vector<std::string>& locations);

}  // namespace nnport::apis

#endif  // NNPORT_APIS_EXTERNAL_DATA_H_
