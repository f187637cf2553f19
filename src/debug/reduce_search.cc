// Bisection, then ddmin, over node sets (see reduce_search.h).
#include "debug/reduce_search.h"

#include <algorithm>
#include <map>

namespace nnport::debug_internal {
namespace {

NodeSet range(int64_t first, int64_t last) {  // [first, last]
  NodeSet s;
  for (int64_t i = first; i <= last; ++i) s.push_back(i);
  return s;
}

// fails() once per set.
class Memo {
 public:
  explicit Memo(const FailsFn& fails) : fails_(fails) {}
  bool operator()(const NodeSet& s) {
    if (s.empty()) return false;
    auto [it, fresh] = seen_.try_emplace(s, false);
    if (fresh) it->second = fails_(s);
    return it->second;
  }

 private:
  const FailsFn& fails_;
  std::map<NodeSet, bool> seen_;
};

// Zeller & Hildebrandt's ddmin, complements only: a 1-minimal failing subset
// of `s` (no single node can be removed).
NodeSet ddmin(NodeSet s, Memo& fails) {
  size_t chunks = 2;
  while (s.size() >= 2) {
    const size_t n = std::min(chunks, s.size());
    bool reduced = false;
    for (size_t c = 0; c < n && !reduced; ++c) {
      const size_t begin = s.size() * c / n, end = s.size() * (c + 1) / n;
      NodeSet rest(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(begin));
      rest.insert(rest.end(), s.begin() + static_cast<std::ptrdiff_t>(end), s.end());
      if (fails(rest)) {
        s = std::move(rest);
        chunks = std::max<size_t>(n - 1, 2);
        reduced = true;
      }
    }
    if (reduced) continue;
    if (n >= s.size()) break;
    chunks = std::min(n * 2, s.size());
  }
  return s;
}

}  // namespace

NodeSet reduce_nodes(int64_t node_count, const FailsFn& fails) {
  if (node_count <= 0) return {};
  Memo memo(fails);
  // The shortest failing prefix [0, last]: the full model fails.
  int64_t lo = 0, hi = node_count - 1;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (memo(range(0, mid)))
      hi = mid;
    else
      lo = mid + 1;
  }
  const int64_t last = hi;
  // The shortest failing suffix [first, last] of that prefix.
  lo = 0;
  hi = last;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (memo(range(mid, last)))
      lo = mid;
    else
      hi = mid - 1;
  }
  return ddmin(range(lo, last), memo);
}

}  // namespace nnport::debug_internal
