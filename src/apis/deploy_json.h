// MMDeploy's SDK model package files: deploy.json and detail.json.
// Internal to src/apis.
#ifndef NNPORT_APIS_DEPLOY_JSON_H_
#define NNPORT_APIS_DEPLOY_JSON_H_

#include <filesystem>
#include <string>

#include "nnport/apis.h"

namespace nnport::apis {

inline constexpr const char* kDeployJson = "deploy.json";
inline constexpr const char* kDetailJson = "detail.json";

// deploy.json: {version, task, models: [...], customs: []} plus an "nnport"
// object with what run/verify need to rebuild the wrapper. Paths in it are
// relative to root (the work dir).
Config make_deploy_json(const DeployInfo& info, const std::string& root);
// detail.json: the resolved config that produced the work dir.
Config make_detail_json(const DeployInfo& info);
// Parse deploy.json text; paths become absolute under root.
Result<DeployInfo> parse_deploy_json(const std::string& text, const std::string& root,
                                     const std::string& origin);
// The same, for a document already parsed (with parse_json_document).
Result<DeployInfo> parse_deploy_json(const Config& doc, const std::string& root,
                                     const std::string& origin);

// The text of root/name (deploy.json, detail.json). A work dir is untrusted:
// the file must be a regular file inside root (a symlink out, a FIFO or
// /dev/zero is refused) of a sane size. kNotFound when it is absent.
Result<std::string> read_work_dir_file(const std::filesystem::path& root, const char* name);

// Write text to a file (plain write; the folder is temporary anyway).
Status write_text_file(const std::string& path, const std::string& text);

}  // namespace nnport::apis

#endif  // NNPORT_APIS_DEPLOY_JSON_H_
