#include "apis/atomic_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <system_error>

#include "apis/signal_cleanup.h"

namespace nnport::apis {
namespace fs = std::filesystem;

namespace {

constexpr const char* kLockFile = ".nnport-lock";
constexpr const char* kTmpInfix = ".tmp-";
// Inside a holder (see commit): the folder being swapped, and the old work
// dir moved aside where RENAME_EXCHANGE is missing.
constexpr const char* kSwapSlot = "swap";
constexpr const char* kOldSlot = "old";

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

bool is_nonempty_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && !fs::is_empty(p, ec);
}

// The process umask, read without changing it where /proc allows.
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), 0, 8));
  mode_t m = ::umask(0);
  ::umask(m);
  return m;
}

// "<name>.tmp-XXXXXX" as mkdtemp makes it.
bool is_temporary_of(const std::string& entry, const std::string& target_name) {
  const std::string prefix = target_name + kTmpInfix;
  return entry.size() == prefix.size() + 6 && entry.compare(0, prefix.size(), prefix) == 0;
}

// A running convert's folder is empty only for the moment between mkdtemp
// and its lock; one that has been empty this long is a killed run's.
bool older_than_a_minute(const fs::path& p) {
  std::error_code ec;
  const auto modified = fs::last_write_time(p, ec);
  return !ec && fs::file_time_type::clock::now() - modified > std::chrono::minutes(1);
}

// Empty, or holding only the lock file under the name it is created with
// (create() renames it once locked): a convert killed in that instant.
bool holds_no_lock_yet(const fs::path& p) {
  std::error_code ec;
  for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename() != std::string(kLockFile) + ".new") return false;
  return !ec;
}

// Deletes a locked temporary folder with its lock file last: killed while
// deleting (a large old work dir takes a while), what is left is still
// recognisably a stale temporary that `clean` removes.
void remove_lock_last(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename() != kLockFile) fs::remove_all(it->path(), ec);
  fs::remove_all(dir, ec);
}

}  // namespace

fs::path work_dir_path(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec);
  if (ec) p = dir;
  p = p.lexically_normal();
  if (p.filename().empty() && p.has_parent_path()) p = p.parent_path();  // "work/" -> "work"
  return p;
}

Status check_target_dir(const fs::path& target, const ReplacePolicy& replace) {
  std::error_code ec;
  auto st = fs::symlink_status(target, ec);
  if (ec || !fs::exists(st)) return {};
  if (fs::is_symlink(st))
    return invalid_argument("work dir " + quoted(target) + " is a symlink (to " +
                            quoted(fs::read_symlink(target, ec)) +
                            "); nnport does not replace a folder through a link: give the real "
                            "path, or choose another --work-dir");
  if (!fs::is_directory(st))
    return invalid_argument("work dir " + quoted(target) +
                            " exists and is not a folder; choose another --work-dir");
  if (!is_nonempty_dir(target)) return {};
  if (!replace)
    return invalid_argument("work dir " + quoted(target) +
                            " exists and is not empty; pass --force to replace a work dir that "
                            "nnport wrote, or choose another --work-dir");
  return replace(target);
}

std::vector<fs::path> remove_stale_temporaries(const fs::path& target) {
  std::vector<fs::path> removed;
  std::error_code ec;
  const std::string name = target.filename().string();
  for (fs::directory_iterator it(target.parent_path(), ec), end; !ec && it != end;
       it.increment(ec)) {
    const fs::path p = it->path();
    if (!is_temporary_of(p.filename().string(), name) || !it->is_directory(ec) ||
        it->is_symlink(ec))
      continue;
    const fs::path lock = p / kLockFile;
    int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    bool stale = false;
    if (fd >= 0) {
      // The owner holds the lock until it commits or exits; a lock we can
      // take belongs to a process that is gone.
      stale = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
      // Killed between the two renames of a replace without RENAME_EXCHANGE:
      // the old work dir is back where it was, as if nothing had happened.
      if (stale && !fs::exists(fs::symlink_status(target, ec)) &&
          fs::is_directory(fs::symlink_status(p / kOldSlot, ec)))
        ::rename((p / kOldSlot).c_str(), target.c_str());
      if (stale) remove_lock_last(p);
      ::close(fd);
    } else if (errno == ENOENT && holds_no_lock_yet(p) && older_than_a_minute(p)) {
      // killed between mkdtemp and taking the lock, or before renaming it
      stale = fs::remove_all(p, ec) > 0;
    }
    if (stale && !fs::exists(p, ec)) removed.push_back(p);
  }
  return removed;
}

AtomicDir::~AtomicDir() {
  std::error_code ec;
  if (!committed_) {
    if (!tmp_.empty()) remove_lock_last(tmp_);
    for (auto it = created_parents_.rbegin(); it != created_parents_.rend(); ++it)
      fs::remove(*it, ec);  // only removes empty folders
  }
  release_lock();
  if (!tmp_.empty()) unregister_temporary(tmp_);
  for (const auto& p : created_parents_) unregister_temporary(p);
}

void AtomicDir::release_lock() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

Status AtomicDir::create(const fs::path& target) {
  target_ = work_dir_path(target.string());
  // Create missing parents one by one so a failure can undo exactly those.
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = target_.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    if (ec) break;  // cannot tell: create_directory below says why
    missing.push_back(p);
    if (p == p.root_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    const bool made = fs::create_directory(*it, ec);
    if (ec)
      return io_error("cannot create folder " + quoted(*it) + " for work dir " + quoted(target_) +
                      ": " + ec.message() + "; choose a writable --work-dir");
    if (!made) continue;  // another process made it just now: not ours to remove
    created_parents_.push_back(*it);
    register_temporary(*it, /*whole_tree=*/false);
  }
  std::string templ = target_.string() + kTmpInfix + "XXXXXX";
  if (mkdtemp(templ.data()) == nullptr)
    return io_error("cannot write work dir " + quoted(target_) +
                    ": creating a temporary folder beside it failed: " + std::strerror(errno) +
                    "; choose a writable --work-dir");
  tmp_ = templ;
  register_temporary(tmp_, /*whole_tree=*/true);
  // mkdtemp makes 0700; a work dir is as readable as any folder the user makes.
  ::chmod(tmp_.c_str(), 0777 & ~current_umask());
  // Locked under another name, then renamed: a lock file another nnport can
  // see is always held (an unlocked one means a killed run's folder).
  const fs::path lock = tmp_ / kLockFile;
  const fs::path unlocked = tmp_ / (std::string(kLockFile) + ".new");
  lock_fd_ = ::open(unlocked.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX) != 0 ||
      ::rename(unlocked.c_str(), lock.c_str()) != 0)
    return io_error("cannot lock temporary folder " + quoted(tmp_) + ": " + std::strerror(errno) +
                    "; choose a writable --work-dir");
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::write(lock_fd_, pid.data(), pid.size()) < 0) {
  }  // the pid is for people looking at the folder; the lock is what counts
  return {};
}

Status AtomicDir::commit(const ReplacePolicy& replace) {
  NNPORT_RETURN_IF_ERROR(check_target_dir(target_, replace));
  // The lock file must not end up in the work dir; the folder stays ours
  // (it is still registered and non-empty) until the rename.
  std::error_code ec;
  fs::remove(tmp_ / kLockFile, ec);
  // Replacing a work dir: the new folder moves into a second locked
  // temporary folder (the holder) and is swapped from there, so the old one
  // lands inside the holder: a SIGKILL at any moment leaves only folders
  // whose lock nobody holds, which `clean` and the next convert remove (or,
  // between the two renames of the fallback, put back: see
  // remove_stale_temporaries). Made before the signal lock, which its
  // creation and destruction take.
  AtomicDir holder;
  if (replace) {
    if (Status made = holder.create(target_); !made.ok())
      return io_error("cannot replace work dir " + quoted(target_) + ": " + made.message());
  }
  auto signals = lock_temporaries();  // a signal now waits until the rename is done
  // Replaces a missing or empty target folder atomically.
  if (::rename(tmp_.c_str(), target_.c_str()) == 0) {
    committed_ = true;
    return {};
  }
  const int err = errno;
  if ((err == ENOTEMPTY || err == EEXIST) && !replace) {
    // Another convert into the same work dir finished between the check
    // above and the rename: the error the check gives, not one that names
    // this temporary folder, which is removed on return.
    NNPORT_RETURN_IF_ERROR(check_target_dir(target_, replace));
  }
  if (!(err == ENOTEMPTY || err == EEXIST) || !replace)
    return io_error("cannot move " + quoted(tmp_) + " to work dir " + quoted(target_) + ": " +
                    std::strerror(err));

  const fs::path incoming = holder.path() / kSwapSlot;
  if (::rename(tmp_.c_str(), incoming.c_str()) != 0)
    return io_error("cannot replace work dir " + quoted(target_) + ": moving " + quoted(tmp_) +
                    " failed: " + std::strerror(errno));
  fs::path old;
  if (Status swapped =
          swap_into_place(incoming, target_, holder.path() / kOldSlot, SwapMethod::kExchange, &old);
      !swapped.ok()) {
    if (!fs::exists(target_, ec)) holder.committed_ = true;  // holds the old: clean puts it back
    return swapped;
  }
  committed_ = true;
  signals.unlock();
  // The policy allowed it before the swap; a file added since then (by
  // someone else, in that moment) must not be deleted unseen.
  if (Status still = replace(old); !still.ok()) {
    ::rename(old.c_str(), tmp_.c_str());  // kept where the message says, out of the holder
    unregister_temporary(tmp_);
    kept_old_ = "the old work dir changed while it was being replaced, so it was kept at '" +
                tmp_.string() + "': " + still.message();
  }
  return {};  // the holder's destructor deletes the old one
}

Status swap_into_place(const fs::path& incoming, const fs::path& target, const fs::path& aside,
                       SwapMethod method, fs::path* old) {
  if (method == SwapMethod::kExchange &&
      ::renameat2(AT_FDCWD, incoming.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    *old = incoming;
    return {};
  }
  // A file system without RENAME_EXCHANGE: move the old one aside first.
  if (::rename(target.c_str(), aside.c_str()) != 0)
    return io_error("cannot replace work dir " + quoted(target) +
                    ": moving it aside failed: " + std::strerror(errno));
  if (::rename(incoming.c_str(), target.c_str()) != 0) {
    const int err = errno;
    const std::string why =
        "cannot move the new work dir to " + quoted(target) + ": " + std::strerror(err);
    if (::rename(aside.c_str(), target.c_str()) != 0)  // put the old one back
      return io_error(why + "; the old work dir is at " + quoted(aside) + ": `nnport clean " +
                      target.string() + "` puts it back");
    return io_error(why);
  }
  *old = aside;
  return {};
}

}  // namespace nnport::apis
