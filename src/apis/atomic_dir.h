// Folders written atomically: build in a temporary folder beside the target,
// then rename into place (DESIGN.md principle 6). Internal to src/apis.
#ifndef NNPORT_APIS_ATOMIC_DIR_H_
#define NNPORT_APIS_ATOMIC_DIR_H_

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "nnport/status.h"

namespace nnport::apis {

// Whether an existing, non-empty target folder may be replaced: ok = yes,
// else an error that says why not (what is in it). A null policy never
// replaces one.
using ReplacePolicy = std::function<Status(const std::filesystem::path& target)>;

// A temporary folder "<target>.tmp-XXXXXX", holding a locked ".nnport-lock"
// while this process works in it; removed on destruction (and by the
// signal handler of signal_cleanup.h) unless commit() moved it into place.
// Its mode follows the umask, like any folder a tool creates.
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

  // Rename the temporary folder to the target. A missing or empty target
  // is replaced; a non-empty one only when `replace` allows it, by swapping
  // the two atomically, then deleting the old content.
  Status commit(const ReplacePolicy& replace);
  // After a commit that replaced a folder: "" when the old one was deleted,
  // else why it was kept, and where (it changed while this one was built).
  const std::string& kept_old() const { return kept_old_; }

 private:
  void release_lock();
  std::filesystem::path target_, tmp_;
  std::vector<std::filesystem::path> created_parents_;  // deepest last
  std::string kept_old_;
  int lock_fd_ = -1;
  bool committed_ = false;
};

// How swap_into_place replaces a folder: one atomic exchange (falling back
// to kMoveAside where the file system cannot), or moving the old one aside
// first (two renames; tests use it to reach the fallback).
enum class SwapMethod { kExchange, kMoveAside };

// Puts `incoming` at `target` (which exists) and sets `old` to where the
// replaced folder now is: `incoming` after an exchange, `aside` otherwise.
// On failure `target` holds the old folder, or the error says where it is.
Status swap_into_place(const std::filesystem::path& incoming, const std::filesystem::path& target,
                       const std::filesystem::path& aside, SwapMethod method,
                       std::filesystem::path* old);

// A --work-dir as an absolute, normalized path without a trailing slash.
std::filesystem::path work_dir_path(const std::string& dir);

// Refuse early (before any work) a target that commit() would refuse.
Status check_target_dir(const std::filesystem::path& target, const ReplacePolicy& replace);

// Temporary folders of `target` left by nnport runs that were killed
// (SIGKILL, power loss): "<target>.tmp-XXXXXX" whose lock no process holds,
// or that are empty. Removes them and returns their paths; folders of a
// running nnport, and anything nnport cannot prove is its own, stay. A
// killed replace that had moved the old work dir aside (and not yet put the
// new one in its place) gets the old one back at `target` first.
std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& target);

}  // namespace nnport::apis

#endif  // NNPORT_APIS_ATOMIC_DIR_H_
