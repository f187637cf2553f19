// The nesting bound shared by the config readers (kMaxConfigDepth).
#include <utility>
#include <vector>

#include "config/config_internal.h"

namespace nnport::config_detail {

int config_depth(const Config& v, int stop_after) {
  // An explicit stack: the tree measured may be the one too deep to recurse on.
  std::vector<std::pair<const Config*, int>> todo{{&v, 0}};
  int deepest = 0;
  while (!todo.empty()) {
    auto [node, depth] = todo.back();
    todo.pop_back();
    if (!node->is_structured()) continue;
    if (++depth > deepest) deepest = depth;
    if (deepest > stop_after) return deepest;
    for (const auto& child : *node) todo.emplace_back(&child, depth);
  }
  return deepest;
}

std::string too_deep_message() {
  return "lists and dicts nested more than " + std::to_string(kMaxConfigDepth) +
         " levels deep (nnport's limit; real deploy configs are fewer than 10 deep)";
}

}  // namespace nnport::config_detail
