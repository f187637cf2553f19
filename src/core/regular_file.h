// Refusing paths that are not regular files (FIFOs, devices, sockets,
// folders) before opening them: opening a FIFO blocks until a writer comes,
// and reading /dev/zero never ends.
#pragma once

#include <string>

namespace nnport::core_internal {

// What `path` is when it is there but is not a regular file (symlinks are
// followed): "a FIFO", "a folder", "a character device", "a block device",
// "a socket" or "a special file". Empty when it is a regular file, or
// when it cannot be looked at (missing, no permission): the open that follows
// reports those with its own words.
std::string non_regular_kind(const std::string& path);

}  // namespace nnport::core_internal
