// The search of `debug reduce` on predicates whose minimal failing sets are
// known: one faulty node, two nodes that fail only together, a budget.
#include "debug/reduce_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace nnport::debug_internal {
namespace {

bool has(const NodeSet& s, int64_t node) { return std::binary_search(s.begin(), s.end(), node); }

TEST(ReduceSearch, OneFaultyNodeTakesLogarithmicTrials) {
  for (int64_t faulty : {0, 1, 37, 62, 99}) {
    int trials = 0;
    std::set<NodeSet> asked;
    const NodeSet result = reduce_nodes(100, [&](const NodeSet& s) {
      ++trials;
      EXPECT_TRUE(asked.insert(s).second) << "a set asked twice";
      EXPECT_FALSE(s.empty());
      return has(s, faulty);
    });
    EXPECT_EQ(result, NodeSet{faulty});
    // Two binary searches over 100 nodes: at most 2 * ceil(log2(100)) = 14.
    EXPECT_LE(trials, 14) << "faulty node " << faulty;
  }
}

TEST(ReduceSearch, TwoNodesThatFailOnlyTogetherBothStay) {
  const NodeSet result = reduce_nodes(40, [](const NodeSet& s) { return has(s, 5) && has(s, 30); });
  EXPECT_EQ(result, (NodeSet{5, 30}));
}

TEST(ReduceSearch, ResultIsOneMinimal) {
  // Fails when it holds at least three even nodes: any three evens will do.
  auto fails = [](const NodeSet& s) {
    return std::count_if(s.begin(), s.end(), [](int64_t n) { return n % 2 == 0; }) >= 3;
  };
  const NodeSet result = reduce_nodes(25, fails);
  EXPECT_TRUE(fails(result));
  EXPECT_EQ(result.size(), 3u);
  for (size_t i = 0; i < result.size(); ++i) {  // no single node can go
    NodeSet smaller = result;
    smaller.erase(smaller.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(fails(smaller));
  }
}

TEST(ReduceSearch, ABudgetStopsTheSearchWithAFailingSet) {
  int trials = 0;
  NodeSet last_failing;
  const NodeSet result = reduce_nodes(64, [&](const NodeSet& s) {
    if (++trials > 3) return false;  // the budget: no more answers
    const bool fails = has(s, 10);
    if (fails) last_failing = s;
    return fails;
  });
  EXPECT_TRUE(has(result, 10));
  EXPECT_EQ(result, last_failing.empty() ? result : last_failing);
  EXPECT_GT(result.size(), 1u);  // not minimal: the budget ran out first
}

TEST(ReduceSearch, SingleNodeModel) {
  int trials = 0;
  EXPECT_EQ(reduce_nodes(1, [&](const NodeSet&) { return ++trials, true; }), NodeSet{0});
  EXPECT_EQ(trials, 0);  // the only set is the full model, already known to fail
}

}  // namespace
}  // namespace nnport::debug_internal
