// Temporaries to remove when the process is ended by SIGINT, SIGTERM or
// SIGHUP (see remove_temporaries_on_signals in nnport/apis.h). Internal to
// src/apis.
#ifndef NNPORT_APIS_SIGNAL_CLEANUP_H_
#define NNPORT_APIS_SIGNAL_CLEANUP_H_

#include <filesystem>
#include <mutex>

namespace nnport::apis {

// A folder to delete on a signal: the whole tree, or only when empty (a
// parent folder that convert created).
void register_temporary(const std::filesystem::path& path, bool whole_tree);
void unregister_temporary(const std::filesystem::path& path);

// Held while a temporary becomes permanent (the rename of a commit), so a
// signal never deletes a folder that has just been moved into place.
std::unique_lock<std::mutex> lock_temporaries();

}  // namespace nnport::apis

#endif  // NNPORT_APIS_SIGNAL_CLEANUP_H_
