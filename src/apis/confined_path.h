// A relative path from an untrusted file (deploy.json, a model's external
// data location) resolved under a folder, and whether it stays inside it.
// Internal to src/apis.
#ifndef NNPORT_APIS_CONFINED_PATH_H_
#define NNPORT_APIS_CONFINED_PATH_H_

#include <filesystem>
#include <string>

namespace nnport::apis {

struct ConfinedPath {
  enum class Escape { kNone, kEmpty, kNul, kAbsolute, kDotDot, kSymlink };
  Escape escape = Escape::kNone;
  std::filesystem::path path;      // base / rel, normalized (when not kEmpty / kAbsolute)
  std::filesystem::path relative;  // path relative to base
  std::filesystem::path real;      // path with symlinks resolved (kSymlink: where it points)
};

// kNul: holds a NUL character (the system would read a shorter path);
// kDotDot: ".." climbs out of base; kSymlink: a symlink on the way points
// out of base, or cannot be resolved (a loop; `real` is then empty). A path
// that does not exist yet is judged by what exists of it.
ConfinedPath confine(const std::filesystem::path& base, const std::string& rel);

// Why c is not inside, for a message: "is absolute", "leaves the work dir
// '/w'", "is a symlink to '/etc/passwd', outside the work dir", ... where
// `base_name` is "the work dir '/w'". "" when c.escape is kNone.
std::string why_outside(const ConfinedPath& c, const std::string& base_name);

}  // namespace nnport::apis

#endif  // NNPORT_APIS_CONFINED_PATH_H_
