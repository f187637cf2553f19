// mmengine's merge rules, case by case, with hand-written expectations.
#include <gtest/gtest.h>

#include <string>

#include "nnport/config.h"

namespace nnport {
namespace {

struct MergeCase {
  const char* name;
  const char* base;
  const char* child;
  const char* want;   // expected JSON (order checked), or nullptr for an error
  const char* error;  // substring of the error
};

void PrintTo(const MergeCase& c, std::ostream* os) { *os << c.name; }

class MergeTest : public ::testing::TestWithParam<MergeCase> {};

TEST_P(MergeTest, FollowsMmengine) {
  const MergeCase& c = GetParam();
  auto r = merge_config(Config::parse(c.base), Config::parse(c.child));
  if (c.want == nullptr) {
    ASSERT_FALSE(r.ok()) << r->dump();
    EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
    return;
  }
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->dump(), Config::parse(c.want).dump());
}

INSTANTIATE_TEST_SUITE_P(
    Rules, MergeTest,
    ::testing::Values(
        MergeCase{"recursive", R"({"a":{"x":1,"y":2},"k":0})", R"({"a":{"y":3,"z":4}})",
                  R"({"a":{"x":1,"y":3,"z":4},"k":0})", ""},
        MergeCase{"deep", R"({"a":{"b":{"c":1,"d":2}}})", R"({"a":{"b":{"d":5}}})",
                  R"({"a":{"b":{"c":1,"d":5}}})", ""},
        MergeCase{"new keys go last", R"({"b":1,"a":2})", R"({"c":3,"a":4})",
                  R"({"b":1,"a":4,"c":3})", ""},
        MergeCase{"list replaces", R"({"a":[1,2,3]})", R"({"a":[4]})", R"({"a":[4]})", ""},
        MergeCase{"list of dicts replaces", R"({"a":[{"x":1,"y":2}]})", R"({"a":[{"x":5}]})",
                  R"({"a":[{"x":5}]})", ""},
        MergeCase{"scalar replaces dict", R"({"a":{"x":1}})", R"({"a":5})", R"({"a":5})", ""},
        MergeCase{"null replaces dict", R"({"a":{"x":1}})", R"({"a":null})", R"({"a":null})", ""},
        MergeCase{"delete replaces", R"({"a":{"x":1,"y":2}})", R"({"a":{"_delete_":true,"z":1}})",
                  R"({"a":{"z":1}})", ""},
        MergeCase{"delete false merges", R"({"a":{"x":1}})", R"({"a":{"_delete_":false,"y":2}})",
                  R"({"a":{"x":1,"y":2}})", ""},
        MergeCase{"delete nested", R"({"a":{"b":{"x":1},"c":1}})",
                  R"({"a":{"b":{"_delete_":true,"y":2}}})", R"({"a":{"b":{"y":2},"c":1}})", ""},
        MergeCase{"delete without base key", R"({})",
                  R"({"a":{"_delete_":true,"x":{"_delete_":true,"y":1}}})",
                  R"({"a":{"x":{"y":1}}})", ""},
        MergeCase{"delete over non-dict", R"({"a":1})", R"({"a":{"_delete_":true,"x":1}})",
                  R"({"a":{"x":1}})", ""},
        MergeCase{"dict over int", R"({"a":1})", R"({"a":{"x":1}})", nullptr,
                  "'a' is a dict in the child config but a int in its base (1); add _delete_=True"},
        MergeCase{"dict over list, nested", R"({"a":{"b":[1]}})", R"({"a":{"b":{"x":1}}})", nullptr,
                  "'a.b' is a dict in the child config but a list in its base"}));

}  // namespace
}  // namespace nnport
