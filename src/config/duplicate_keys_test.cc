// A key written twice in one dict of a .json or .yaml config (or a work dir's
// JSON) is an error naming the file, the key and both lines: silently keeping
// the last one hides a typo or a bad merge of two edits.
#include <gtest/gtest.h>

#include <string>

#include "nnport/config.h"

namespace nnport {
namespace {

struct DuplicateCase {
  const char* name;
  const char* format;
  std::string text;
  const char* error;  // the whole expected message prefix; nullptr when it parses
};

void PrintTo(const DuplicateCase& c, std::ostream* os) { *os << c.name; }

class DuplicateKeyTest : public ::testing::TestWithParam<DuplicateCase> {};

TEST_P(DuplicateKeyTest, RefusedNamingKeyAndBothLines) {
  const DuplicateCase& c = GetParam();
  auto r = parse_config_text(c.text, c.format, std::string("cfg.") + c.format);
  if (c.error == nullptr) {
    EXPECT_TRUE(r.ok()) << r.status().message();
    return;
  }
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind(c.error, 0), 0u) << r.status().message();
}

// Lines and columns counted by hand in each text.
INSTANTIATE_TEST_SUITE_P(
    Readers, DuplicateKeyTest,
    ::testing::Values(DuplicateCase{"json_top", "json", "{\"a\": 1,\n \"b\": 2,\n \"a\": 3}",
                                    "cfg.json:3:2: duplicate key 'a' (first on line 1)"},
                      DuplicateCase{"json_nested", "json",
                                    "{\"model\": {\n  \"x\": 1,\n  \"x\": 2}}",
                                    "cfg.json:3:3: duplicate key 'model.x' (first on line 2)"},
                      DuplicateCase{"json_in_list", "json",
                                    R"({"l": [{"a": 1}, {"a": 1, "a": 2}]})",
                                    "cfg.json:1:27: duplicate key 'l.1.a' (first on line 1)"},
                      DuplicateCase{"json_escaped_same_key", "json", R"({"a": 1, "\u0061": 2})",
                                    "cfg.json:1:10: duplicate key 'a' (first on line 1)"},
                      DuplicateCase{"json_colon_in_string_value", "json",
                                    "{\"s\": \"x\\\":\",\n\"t\": 1,\n\"t\": 2}",
                                    "cfg.json:3:1: duplicate key 't' (first on line 2)"},
                      DuplicateCase{"json_sibling_dicts_may_share_keys", "json",
                                    R"({"a": {"x": 1}, "b": {"x": 2}})", nullptr},
                      DuplicateCase{"yaml_top", "yaml", "a: 1\nb: 2\na: 3\n",
                                    "cfg.yaml:3:1: duplicate key 'a' (first on line 1)"},
                      DuplicateCase{"yaml_nested", "yaml", "model:\n  x: 1\n  x: 2\n",
                                    "cfg.yaml:3:3: duplicate key 'x' (first on line 2)"},
                      DuplicateCase{"yaml_flow", "yaml", "{a: 1, a: 2}",
                                    "cfg.yaml:1:8: duplicate key 'a' (first on line 1)"},
                      DuplicateCase{"yaml_quoted_and_plain", "yaml", "a: 1\n\"a\": 2\n",
                                    "cfg.yaml:2:1: duplicate key 'a' (first on line 1)"},
                      DuplicateCase{"yaml_different_texts", "yaml", "1: x\n01: y\n", nullptr}),
    [](const auto& info) { return std::string(info.param.name); });

// A work dir's deploy.json is read through parse_json_document: the same rule.
TEST(DuplicateKey, JsonDocumentRefusesToo) {
  auto r = parse_json_document("{\"models\": [],\n\"models\": []}", "w/deploy.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.status().message().rfind("w/deploy.json:2:1: duplicate key 'models' (first on line 1)", 0),
      0u)
      << r.status().message();
}

}  // namespace
}  // namespace nnport
