// Text a plugin hands the host (versions, descriptions, check-env lines) is
// printed to a terminal: control characters in it could move the cursor,
// retitle the window or fake other lines, so they are shown escaped.
#pragma once

#include <string>
#include <string_view>

namespace nnport::core_internal {

// `text` with every control character (below 0x20 other than tab, and 0x7f)
// written as \xNN. Other bytes, UTF-8 included, are kept.
std::string printable(std::string_view text);

}  // namespace nnport::core_internal
