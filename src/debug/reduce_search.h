// Internal to libnnport: the search of `debug reduce` over sets of node
// indices, independent of what a trial is. Bisection first (the shortest
// failing prefix of the topological order, then the shortest failing suffix
// of that prefix: O(log N) trials for a fault in one node), then delta
// debugging (Zeller's ddmin: remove chunks of the kept nodes, halving the
// chunk size down to single nodes) until no single node can go.
#ifndef NNPORT_SRC_DEBUG_REDUCE_SEARCH_H_
#define NNPORT_SRC_DEBUG_REDUCE_SEARCH_H_

#include <cstdint>
#include <functional>
#include <vector>

namespace nnport::debug_internal {

using NodeSet = std::vector<int64_t>;  // sorted node indices

// Whether the piece made of these nodes still fails the same way.
// Called only with non-empty sets, never twice with the same set.
using FailsFn = std::function<bool(const NodeSet&)>;

// The smallest failing set found, starting from all `node_count` nodes
// (which must fail). fails() may stop the search early by returning false
// (a trial budget): the result still fails, but may not be minimal.
NodeSet reduce_nodes(int64_t node_count, const FailsFn& fails);

}  // namespace nnport::debug_internal

#endif  // NNPORT_SRC_DEBUG_REDUCE_SEARCH_H_
