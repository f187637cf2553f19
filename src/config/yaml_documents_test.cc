// YAML merge keys ("<<", YAML 1.1) are applied the way PyYAML (and so
// mmengine) applies them, and a second document is refused, not dropped.
// Expected trees are PyYAML 6's yaml.safe_load of the same text.
#include <gtest/gtest.h>

#include <string>

#include "nnport/config.h"

namespace nnport {
namespace {

struct YamlCase {
  const char* name;
  std::string text;
  const char* want;   // the tree as JSON, when error is nullptr
  const char* error;  // the expected message prefix, or nullptr when it parses
};

void PrintTo(const YamlCase& c, std::ostream* os) { *os << c.name; }

class YamlDocumentTest : public ::testing::TestWithParam<YamlCase> {};

TEST_P(YamlDocumentTest, Reads) {
  const YamlCase& c = GetParam();
  auto r = parse_config_text(c.text, "yaml", "cfg.yaml");
  if (c.error == nullptr) {
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->dump(), Config::parse(c.want).dump());  // dump: key order counts
    return;
  }
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind(c.error, 0), 0u) << r.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    MergeKeys, YamlDocumentTest,
    ::testing::Values(
        YamlCase{"own_key_overrides", "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n",
                 R"({"base": {"x": 1, "y": 2}, "c": {"x": 1, "y": 3}})", nullptr},
        YamlCase{"list_earlier_wins",
                 "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  w: 0\n",
                 R"({"a": {"x": 1, "y": 1}, "b": {"y": 2, "z": 2},
                     "c": {"y": 1, "z": 2, "x": 1, "w": 0}})",
                 nullptr},
        YamlCase{"chained", "d: &d {p: 1}\ne: &e {<<: *d, q: 2}\nf: {<<: *e, r: 3}\n",
                 R"({"d": {"p": 1}, "e": {"p": 1, "q": 2}, "f": {"p": 1, "q": 2, "r": 3}})",
                 nullptr},
        YamlCase{"inline_mapping", "c:\n  <<: {x: 1}\n  y: 2\n", R"({"c": {"x": 1, "y": 2}})",
                 nullptr},
        YamlCase{"quoted_is_a_plain_key", "c: {\"<<\": 1}\n", R"({"c": {"<<": 1}})", nullptr},
        YamlCase{"not_a_mapping", "c:\n  <<: 5\n", nullptr,
                 "cfg.yaml:2:7: a merge key '<<' takes a mapping"},
        YamlCase{"list_item_not_a_mapping", "a: &a {x: 1}\nc:\n  <<: [*a, 1]\n", nullptr,
                 "cfg.yaml:3:12: a merge key '<<' takes a list of mappings"},
        YamlCase{"two_merge_keys", "a: &a {x: 1}\nc:\n  <<: *a\n  <<: *a\n", nullptr,
                 "cfg.yaml:4:3: a second merge key '<<' (first on line 3)"},
        YamlCase{"own_duplicate_after_merge", "a: &a {x: 1}\nc:\n  <<: *a\n  x: 2\n  x: 3\n",
                 nullptr, "cfg.yaml:5:3: duplicate key 'x' (first on line 4)"},
        YamlCase{"merges_itself", "a: &a\n  <<: *a\n", nullptr,
                 "cfg.yaml:1:4: lists and dicts nested more than 100 levels deep"}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Documents, YamlDocumentTest,
    ::testing::Values(
        YamlCase{"explicit_start_and_end", "---\na: 1\n...\n", R"({"a": 1})", nullptr},
        YamlCase{"second_document", "a: 1\n---\nb: 2\n", nullptr,
                 "cfg.yaml:2:1: a second YAML document starts here; a config is one document"},
        YamlCase{"empty_second_document", "a: 1\n---\n", nullptr,
                 "cfg.yaml:2:1: a second YAML document"},
        // fuzz_config: after this text yaml-cpp's parser returns empty
        // documents forever (YAML::LoadAll ran out of memory on it); 5:4 is
        // the "," after the stray "}".
        YamlCase{"junk_after_a_flow_mapping", "{\n  a\": 1,\n    \"b\": {\n    }\n  },\n", nullptr,
                 "cfg.yaml:5:4: a second YAML document starts here"},
        YamlCase{"both_marked", "---\na: 1\n--- \nb: 2\n", nullptr,
                 "cfg.yaml:3:1: a second YAML document"}),
    [](const auto& info) { return std::string(info.param.name); });

// Merge keys nest like aliases: 8 levels of mappings that each merge the
// level below 10 times expand a 2 KB file to 10^8 values. Refused once past
// 1M values (a real config has hundreds; the bound was 4M, which under the
// fuzzers' AddressSanitizer would take about 2 GB).
TEST(YamlAliasBomb, RefusedPastAMillionValues) {
  std::string text = "m0: &m0 {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7}\n";
  for (int i = 1; i < 8; ++i) {
    const std::string prev = std::to_string(i - 1), me = std::to_string(i);
    text += "m" + me + ": &m" + me + " {";
    for (int j = 0; j < 10; ++j)
      text += (j ? ", c" : "c") + std::to_string(j) + ": {<<: *m" + prev + "}";
    text += "}\n";
  }
  auto r = parse_config_text(text, "yaml", "bomb.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(
      r.status().message().find("document is too large (aliases expand to more than 1M values)"),
      std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace nnport
