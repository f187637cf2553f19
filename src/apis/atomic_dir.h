// Folders written atomically: build in a temporary folder beside the target,
// then rename into place (DESIGN.md principle 6). Internal to src/apis.
#ifndef NNPORT_APIS_ATOMIC_DIR_H_
#define NNPORT_APIS_ATOMIC_DIR_H_

#include <filesystem>
#include <string>
#include <vector>

#include "nnport/status.h"

namespace nnport::apis {

// A temporary folder "<target>.tmp-XXXXXX"; removed on destruction unless
// commit() moved it into place.
class AtomicDir {
 public:
  AtomicDir() = default;
  AtomicDir(const AtomicDir&) = delete;
  AtomicDir& operator=(const AtomicDir&) = delete;
  ~AtomicDir();

  // Creates the target's missing parent folders (removed again on failure)
  // and the temporary folder. Errors name the folder and what to do.
  Status create(const std::filesystem::path& target);
  const std::filesystem::path& path() const { return tmp_; }

  // Rename the temporary folder to the target. An existing empty target
  // folder is replaced; a non-empty one only when overwrite, by swapping
  // the two atomically, then deleting the old content.
  Status commit(bool overwrite);

 private:
  std::filesystem::path target_, tmp_;
  std::vector<std::filesystem::path> created_parents_;  // deepest last
  bool committed_ = false;
};

// Refuse early (before any work) a target that commit() would refuse.
Status check_target_dir(const std::filesystem::path& target, bool overwrite);

}  // namespace nnport::apis

#endif  // NNPORT_APIS_ATOMIC_DIR_H_
