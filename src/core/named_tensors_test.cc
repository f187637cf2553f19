// NamedTensors keeps insertion order and replaces in place, below and above
// the size where it starts its hash index (tensor.cc), through copies and
// moves. Each tensor carries its own mark (one float) so that a lookup that
// returns the wrong entry shows.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "nnport/tensor.h"

namespace nnport {
namespace {

Tensor marked(float mark) {
  Tensor t = Tensor::empty(DType::kFloat32, {1});
  t.data_as<float>()[0] = mark;
  return t;
}

float mark_of(const NamedTensors& nt, std::string_view name) {
  const Tensor* t = nt.find(name);
  return t == nullptr ? -1.0f : t->data_as<float>()[0];
}

// 0, 7, 14, ... mod 1009: every number below 1009 once, not in sorted order.
std::vector<int> scrambled(int n) {
  std::vector<int> order;
  for (int i = 0; i < n; ++i) order.push_back((i * 7) % 1009);
  return order;
}

TEST(NamedTensorsIndex, EveryNameFoundAfterEachSetAcrossTheIndexThreshold) {
  NamedTensors nt;
  for (int i = 0; i < 40; ++i) {  // the index starts at 16 names
    nt.set("t" + std::to_string(i), marked(static_cast<float>(i)));
    ASSERT_EQ(nt.size(), static_cast<size_t>(i + 1));
    for (int k = 0; k <= i; ++k)
      ASSERT_EQ(mark_of(nt, "t" + std::to_string(k)), static_cast<float>(k))
          << "after " << i + 1 << " sets, name t" << k;
    EXPECT_EQ(nt.find("t" + std::to_string(i + 1)), nullptr);
    EXPECT_FALSE(nt.contains("t"));  // a prefix of every name is not a name
  }
}

TEST(NamedTensorsIndex, ManyNamesKeepInsertionOrderAndReplaceInPlace) {
  const std::vector<int> order = scrambled(1009);
  NamedTensors nt;
  for (int v : order) nt.set("in" + std::to_string(v), marked(static_cast<float>(v)));
  ASSERT_EQ(nt.size(), 1009u);
  std::vector<std::string> expected;
  for (int v : order) expected.push_back("in" + std::to_string(v));
  EXPECT_EQ(nt.names(), expected);

  // Replace every third one: same place, new value, no new entry.
  for (size_t i = 0; i < order.size(); i += 3)
    nt.set("in" + std::to_string(order[i]), marked(10000.0f + static_cast<float>(order[i])));
  ASSERT_EQ(nt.size(), 1009u);
  EXPECT_EQ(nt.names(), expected);
  for (size_t i = 0; i < order.size(); ++i) {
    const float want = static_cast<float>(order[i]) + (i % 3 == 0 ? 10000.0f : 0.0f);
    ASSERT_EQ(nt[i].first, expected[i]);
    ASSERT_EQ(nt[i].second.data_as<float>()[0], want) << expected[i];
    ASSERT_EQ(mark_of(nt, expected[i]), want) << expected[i];
  }
  EXPECT_EQ(nt.find("in1009"), nullptr);
  EXPECT_EQ(nt.find("in"), nullptr);
  EXPECT_EQ(nt.find(""), nullptr);
}

TEST(NamedTensorsIndex, FindGivesTheEntryItself) {
  NamedTensors nt;
  for (int i = 0; i < 20; ++i) nt.set("t" + std::to_string(i), marked(static_cast<float>(i)));
  Tensor* t = nt.find("t17");
  ASSERT_NE(t, nullptr);
  *t = marked(-5.0f);  // written through find: visible by position too
  EXPECT_EQ(nt[17].second.data_as<float>()[0], -5.0f);
  EXPECT_EQ(nt.size(), 20u);
}

TEST(NamedTensorsIndex, OddNamesAreDistinct) {
  NamedTensors nt;
  const std::vector<std::string> names = {
      "", "a", std::string("a\0b", 3), "a/b", "a_b", "A", " a", "scores:0", "é", "a\n"};
  for (int round = 0; round < 2; ++round)  // second round: above the index threshold
    for (size_t i = 0; i < names.size(); ++i)
      nt.set(names[i] + (round ? "#" : ""), marked(static_cast<float>(round * 100 + i)));
  ASSERT_EQ(nt.size(), 2 * names.size());
  for (int round = 0; round < 2; ++round)
    for (size_t i = 0; i < names.size(); ++i)
      EXPECT_EQ(mark_of(nt, names[i] + (round ? "#" : "")), static_cast<float>(round * 100 + i))
          << "name #" << i << " round " << round;
  EXPECT_EQ(nt.find(std::string_view("a\0c", 3)), nullptr);  // differs after the NUL
  EXPECT_EQ(mark_of(nt, std::string_view("a\0b#", 4)), 102.0f);
}

TEST(NamedTensorsIndex, CopiesAndMovesKeepTheirOwnIndex) {
  NamedTensors original;
  for (int i = 0; i < 100; ++i)
    original.set("t" + std::to_string(i), marked(static_cast<float>(i)));
  NamedTensors copy = original;
  copy.set("t5", marked(500.0f));     // replaces in the copy only
  copy.set("extra", marked(777.0f));  // appends to the copy only
  EXPECT_EQ(mark_of(original, "t5"), 5.0f);
  EXPECT_EQ(original.find("extra"), nullptr);
  EXPECT_EQ(mark_of(copy, "t5"), 500.0f);
  EXPECT_EQ(mark_of(copy, "extra"), 777.0f);
  EXPECT_EQ(copy[100].first, "extra");

  NamedTensors moved = std::move(copy);
  EXPECT_EQ(mark_of(moved, "t99"), 99.0f);
  EXPECT_EQ(mark_of(moved, "extra"), 777.0f);
  moved.set("t0", marked(-1.5f));
  EXPECT_EQ(moved[0].second.data_as<float>()[0], -1.5f);
  EXPECT_EQ(moved.size(), 101u);

  NamedTensors assigned;
  assigned.set("old", marked(1.0f));
  assigned = original;  // the old entry and its index entry are gone
  EXPECT_EQ(assigned.find("old"), nullptr);
  EXPECT_EQ(mark_of(assigned, "t42"), 42.0f);
  EXPECT_EQ(assigned.size(), 100u);
}

}  // namespace
}  // namespace nnport
