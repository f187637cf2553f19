// The --force rule: nnport replaces only a folder it wrote itself. Internal
// to src/apis.
#ifndef NNPORT_APIS_OWNED_WORK_DIR_H_
#define NNPORT_APIS_OWNED_WORK_DIR_H_

#include <filesystem>

#include "nnport/status.h"

namespace nnport::apis {

// ok when `dir` is a work dir that nnport wrote: its deploy.json carries
// nnport's marker (the "nnport" object with its version) and every file in
// it is one that deploy.json lists (or detail.json). Otherwise an error
// that names the folder, why, and some of what is in it — so `--force` on a
// project folder, a home or "." never deletes anything.
Status check_owned_work_dir(const std::filesystem::path& dir);

}  // namespace nnport::apis

#endif  // NNPORT_APIS_OWNED_WORK_DIR_H_
