#include "apis/atomic_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace nnport::apis {
namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

bool is_nonempty_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && !fs::is_empty(p, ec);
}

}  // namespace

Status check_target_dir(const fs::path& target, bool overwrite) {
  std::error_code ec;
  auto st = fs::symlink_status(target, ec);
  if (ec || !fs::exists(st)) return {};
  if (!fs::is_directory(st))
    return invalid_argument("work dir " + quoted(target) +
                            " exists and is not a folder; choose another --work-dir");
  if (!overwrite && is_nonempty_dir(target))
    return invalid_argument("work dir " + quoted(target) +
                            " exists and is not empty; pass --force to replace it, or choose "
                            "another --work-dir");
  return {};
}

AtomicDir::~AtomicDir() {
  std::error_code ec;
  if (!tmp_.empty() && !committed_) fs::remove_all(tmp_, ec);
  if (!committed_)
    for (auto it = created_parents_.rbegin(); it != created_parents_.rend(); ++it)
      fs::remove(*it, ec);  // only removes empty folders
}

Status AtomicDir::create(const fs::path& target) {
  target_ = fs::absolute(target).lexically_normal();
  if (target_.filename().empty()) target_ = target_.parent_path();
  // Create missing parents one by one so a failure can undo exactly those.
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = target_.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.root_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!fs::create_directory(*it, ec) && ec)
      return io_error("cannot create folder " + quoted(*it) + " for work dir " + quoted(target_) +
                      ": " + ec.message() + "; choose a writable --work-dir");
    created_parents_.push_back(*it);
  }
  std::string templ = target_.string() + ".tmp-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr)
    return io_error("cannot write work dir " + quoted(target_) +
                    ": creating a temporary folder beside it failed: " + std::strerror(errno) +
                    "; choose a writable --work-dir");
  tmp_ = templ;
  return {};
}

Status AtomicDir::commit(bool overwrite) {
  NNPORT_RETURN_IF_ERROR(check_target_dir(target_, overwrite));
  // Replaces a missing or empty target folder atomically.
  if (::rename(tmp_.c_str(), target_.c_str()) == 0) {
    committed_ = true;
    return {};
  }
  int err = errno;
  if (!(err == ENOTEMPTY || err == EEXIST) || !overwrite)
    return io_error("cannot move " + quoted(tmp_) + " to work dir " + quoted(target_) + ": " +
                    std::strerror(err));
  // Swap the new folder with the old one in one step, then delete the old.
  if (::renameat2(AT_FDCWD, tmp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
    committed_ = true;
    std::error_code ec;
    fs::remove_all(tmp_, ec);  // now holds the old work dir
    return {};
  }
  // A file system without RENAME_EXCHANGE: move the old one aside first.
  std::string old = target_.string() + ".old-XXXXXX";
  if (mkdtemp(old.data()) == nullptr || ::rename(target_.c_str(), old.c_str()) != 0)
    return io_error("cannot replace work dir " + quoted(target_) + ": " + std::strerror(errno));
  if (::rename(tmp_.c_str(), target_.c_str()) != 0) {
    err = errno;
    ::rename(old.c_str(), target_.c_str());  // put the old one back
    return io_error("cannot move " + quoted(tmp_) + " to work dir " + quoted(target_) + ": " +
                    std::strerror(err));
  }
  committed_ = true;
  std::error_code ec;
  fs::remove_all(old, ec);
  return {};
}

}  // namespace nnport::apis
