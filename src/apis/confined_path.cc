#include "apis/confined_path.h"

#include <system_error>

namespace nnport::apis {
namespace fs = std::filesystem;

namespace {

bool leaves(const fs::path& relative) {
  return relative.empty() || relative == "." || *relative.begin() == "..";
}

}  // namespace

ConfinedPath confine(const fs::path& base, const std::string& rel) {
  using Escape = ConfinedPath::Escape;
  ConfinedPath c;
  if (rel.empty()) {
    c.escape = Escape::kEmpty;
    return c;
  }
  if (rel.find('\0') != std::string::npos) {
    c.escape = Escape::kNul;
    return c;
  }
  if (fs::path(rel).is_absolute()) {
    c.escape = Escape::kAbsolute;
    return c;
  }
  c.path = (base / rel).lexically_normal();
  c.relative = c.path.lexically_relative(base);
  if (leaves(c.relative)) {
    c.escape = Escape::kDotDot;
    return c;
  }
  std::error_code ec;
  c.real = fs::weakly_canonical(c.path, ec);
  if (ec) c.real.clear();  // a symlink loop
  if (ec || leaves(c.real.lexically_relative(fs::weakly_canonical(base, ec))))
    c.escape = Escape::kSymlink;
  return c;
}

std::string why_outside(const ConfinedPath& c, const std::string& base_name) {
  switch (c.escape) {
    case ConfinedPath::Escape::kNone:
      return "";
    case ConfinedPath::Escape::kEmpty:
      return "is empty";
    case ConfinedPath::Escape::kNul:
      return "holds a NUL character";
    case ConfinedPath::Escape::kAbsolute:
      return "is an absolute path";
    case ConfinedPath::Escape::kDotDot:
      return "leaves " + base_name;
    case ConfinedPath::Escape::kSymlink:
      return c.real.empty() ? "is a symlink that cannot be resolved (a loop?)"
                            : "is a symlink to '" + c.real.string() + "', outside " + base_name;
  }
  return "";
}

}  // namespace nnport::apis
