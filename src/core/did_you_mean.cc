#include "nnport/did_you_mean.h"

#include <algorithm>
#include <cctype>

namespace nnport {
namespace {

char fold(char c) {
  if (c == '_') return '-';
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  // Two rows of the dynamic-programming table are enough.
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = prev[j - 1] + (fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string nearest_name(std::string_view given, const std::vector<std::string>& candidates) {
  // Names of thousands of characters are not typos; do not spend time on them.
  if (given.empty() || given.size() > 256) return "";
  const size_t limit = std::max<size_t>(2, given.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    if (c.size() > given.size() + limit || c.size() + limit < given.size()) continue;
    const size_t d = edit_distance(given, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view given, const std::vector<std::string>& candidates) {
  std::string n = nearest_name(given, candidates);
  return n.empty() ? "" : " (did you mean '" + n + "'?)";
}

}  // namespace nnport
