// What the xnnpack backend refuses, and how: each case names the input,
// the expected status code and words the message must contain.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "xnn_test_util.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;

struct BadConvert {
  const char* name;
  const char* onnx;  // in testdata/
  const char* cfg_fields;
  Code code;
  std::vector<const char*> words;
};

class XnnBadConvert : public ::testing::TestWithParam<BadConvert> {};

TEST_P(XnnBadConvert, FailsClearly) {
  const BadConvert& c = GetParam();
  auto files = xnn_test::convert(xnn_test::testdata(c.onnx),
                                 backend_test::backend_config("xnnpack", c.cfg_fields));
  ASSERT_FALSE(files.ok()) << c.name;
  EXPECT_EQ(files.status().code(), c.code) << files.status().message();
  for (const char* w : c.words) {
    EXPECT_NE(files.status().message().find(w), std::string::npos)
        << "'" << w << "' not in: " << files.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, XnnBadConvert,
    ::testing::Values(BadConvert{"dilations",
                                 "bad_dilations.onnx",
                                 "",
                                 Code::kUnimplemented,
                                 {"the_conv", "(Conv)", "dilations [2, 2]"}},
                      BadConvert{"auto_pad",
                                 "bad_auto_pad.onnx",
                                 "",
                                 Code::kUnimplemented,
                                 {"the_conv", "(Conv)", "auto_pad = SAME_UPPER"}},
                      BadConvert{"dynamic_weight",
                                 "bad_dynamic_weight.onnx",
                                 "",
                                 Code::kUnimplemented,
                                 {"the_conv", "(Conv)", "weight 'w' is not a constant"}},
                      BadConvert{"flatten_hw",
                                 "bad_flatten.onnx",
                                 "",
                                 Code::kUnimplemented,
                                 {"the_flatten", "(Flatten)", "transpose"}},
                      BadConvert{"threads_0",
                                 "ops_mix.onnx",
                                 "\"num_threads\": 0",
                                 Code::kInvalidArgument,
                                 {"num_threads = 0", "from 1 to"}},
                      BadConvert{"threads_10000",
                                 "ops_mix.onnx",
                                 "\"num_threads\": 10000",
                                 Code::kInvalidArgument,
                                 {"num_threads = 10000"}},
                      BadConvert{"threads_text",
                                 "ops_mix.onnx",
                                 "\"num_threads\": \"four\"",
                                 Code::kInvalidArgument,
                                 {"num_threads = \"four\""}}),
    [](const auto& info) { return std::string(info.param.name); });

// A good file, converted once, to damage in several ways.
std::string good_file() {
  static const std::string file = [] {
    auto files = xnn_test::convert(xnn_test::testdata("ops_mix.onnx"));
    return files.ok() ? (*files)[0] : std::string();
  }();
  return file;
}

std::string damaged(const std::string& tag, size_t keep_bytes, size_t patch_at, uint32_t patch) {
  const std::string out = backend_test::fresh_dir(tag) + "/ops_mix.xnnpack";
  std::ifstream in(good_file(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes.resize(std::min(bytes.size(), keep_bytes));
  if (patch_at != SIZE_MAX && patch_at + 4 <= bytes.size())
    std::memcpy(&bytes[patch_at], &patch, 4);
  std::ofstream(out, std::ios::binary) << bytes;
  return out;
}

struct BadBuild {
  const char* name;
  std::string file;
  const char* cfg_fields;
  Code code;
  std::vector<const char*> words;
};

TEST(XnnBadBuild, FailsClearly) {
  BACKEND_TEST_REQUIRE(xnn, "xnnpack");
  ASSERT_FALSE(good_file().empty());
  const size_t full = fs::file_size(good_file());
  const std::vector<BadBuild> table = {
      {"truncated",
       damaged("trunc", full - 100, SIZE_MAX, 0),
       "",
       Code::kInvalidArgument,
       {"ops_mix.xnnpack", "truncated", "convert the ONNX model again"}},
      {"truncated_prefix",
       damaged("trunc2", 20, SIZE_MAX, 0),
       "",
       Code::kInvalidArgument,
       {"prefix"}},
      {"other_version",
       damaged("ver", full, 8, 99),
       "",
       Code::kInvalidArgument,
       {"format version is 99", "reads version 1", "convert the ONNX model again"}},
      {"foreign_onnx",
       xnn_test::testdata("ops_mix.onnx"),
       "",
       Code::kInvalidArgument,
       {"ops_mix.onnx", "magic bytes"}},
      {"missing", "/nonexistent/model.xnnpack", "", Code::kNotFound, {"does not exist"}},
      {"threads_0", good_file(), "\"num_threads\": 0", Code::kInvalidArgument, {"num_threads = 0"}},
      {"threads_10000",
       good_file(),
       "\"num_threads\": 10000",
       Code::kInvalidArgument,
       {"num_threads = 10000"}},
  };
  for (const auto& c : table) {
    auto w = xnn->build_wrapper({c.file}, "cpu", {}, {},
                                backend_test::backend_config("xnnpack", c.cfg_fields));
    ASSERT_FALSE(w.ok()) << c.name;
    EXPECT_EQ(w.status().code(), c.code) << c.name << ": " << w.status().message();
    for (const char* word : c.words) {
      EXPECT_NE(w.status().message().find(word), std::string::npos)
          << c.name << ": '" << word << "' not in: " << w.status().message();
    }
  }
}

// The good file with its JSON header changed by `edit` (the weights kept,
// the layout fields rewritten), as a hostile or hand-edited file would be.
std::string edited(const std::string& tag, const std::function<void(nlohmann::json&)>& edit) {
  std::ifstream in(good_file(), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  uint64_t header_size = 0, blob_offset = 0, blob_size = 0;
  std::memcpy(&header_size, &bytes[16], 8);
  std::memcpy(&blob_offset, &bytes[24], 8);
  std::memcpy(&blob_size, &bytes[32], 8);
  nlohmann::json header = nlohmann::json::parse(bytes.substr(40, header_size));
  edit(header);
  const std::string text = header.dump();
  const uint64_t new_size = text.size(), new_offset = (40 + new_size + 63) / 64 * 64;
  std::string out = bytes.substr(0, 40) + text;
  out.resize(new_offset, '\0');
  out += bytes.substr(blob_offset, blob_size);
  std::memcpy(&out[16], &new_size, 8);
  std::memcpy(&out[24], &new_offset, 8);
  const std::string file = backend_test::fresh_dir(tag) + "/edited.xnnpack";
  std::ofstream(file, std::ios::binary) << out;
  return file;
}

struct BadGraph {
  const char* name;
  std::function<void(nlohmann::json&)> edit;
  std::vector<const char*> words;
};

// XNNPACK trusts declared shapes: each inconsistency must be refused before
// it reaches XNNPACK (else it would read or write out of bounds).
// ops_mix: node 0 conv2d [b,9,9,4] -> value 1 [b,9,9,8] with filter value 2
// [8,3,3,4]; node 11 reshape -> value 21 [b,16]; node 12 fc -> value 23 [b,5];
// value 18 is add's [1,1,1,16] weight; value 24 fc's filter.
TEST(XnnBadBuild, InconsistentGraphsAreRefused) {
  BACKEND_TEST_REQUIRE(xnn, "xnnpack");
  ASSERT_FALSE(good_file().empty());
  using nlohmann::json;
  const std::vector<BadGraph> table = {
      {"conv_output_too_small",
       [](json& h) {
         h["values"][1]["dims"] = {-1, 1, 1, 8};
       },
       {"node #0 (conv2d)", "its output is [1, 1, 1, 8], expected [1, 9, 9, 8]"}},
      {"filter_smaller_than_kernel",
       [](json& h) {
         h["nodes"][0]["attrs"]["kernel"] = {5, 5};
       },
       {"node #0 (conv2d)", "its filter is [8, 3, 3, 4], expected [8, 5, 5, 4]"}},
      {"stride_not_a_number",
       [](json& h) {
         h["nodes"][0]["attrs"]["stride"] = {"a", 1};
       },
       {"node #0 (conv2d)", "out of range"}},
      {"read_before_write",
       [](json& h) { std::swap(h["nodes"][0], h["nodes"][1]); },
       {"node #0 (conv2d)", "before anything produces it"}},
      {"reshape_changes_count",
       [](json& h) {
         h["values"][21]["dims"] = {-1, 32};
       },
       {"node #11 (reshape)", "reshapes [1, 1, 1, 16] to [1, 32]"}},
      {"fc_output_too_large",
       [](json& h) {
         h["values"][23]["dims"] = {-1, 6};
       },
       {"node #12 (fc)", "does not hold"}},
      {"no_broadcast",
       [](json& h) {
         h["values"][18]["dims"] = {1, 1, 1, 3};
       },
       {"node #9 (add)", "do not broadcast"}},
      {"huge_value",
       [](json& h) {
         h["values"][12]["dims"] = {-1, 100000, 100000, 8};
       },
       {"more than 2^31 elements"}},
      {"output_is_a_weight", [](json& h) { h["outputs"][0]["value"] = 24; }, {"prob"}},
      {"dead_value",  // the output points at another value: node 13's result is unread
       [](json& h) { h["outputs"][0]["value"] = 23; },
       {"node #13 (softmax)", "nothing reads"}},
      {"port_shape",
       [](json& h) {
         h["inputs"][0]["dims"] = {-1, 4, 9, 8};
       },
       {"port 'x' [-1, 4, 9, 8] does not match its value #0 [-1, 9, 9, 4]"}},
      {"value_written_twice",
       [](json& h) { h["nodes"][1]["out"] = {1}; },
       {"node #1 (conv2d)", "already defined"}},
  };
  for (const auto& c : table) {
    const std::string file = edited(c.name, c.edit);
    auto w = xnn->build_wrapper({file});
    ASSERT_FALSE(w.ok()) << c.name;
    EXPECT_EQ(w.status().code(), Code::kInvalidArgument) << c.name << ": " << w.status().message();
    for (const char* word : c.words) {
      EXPECT_NE(w.status().message().find(word), std::string::npos)
          << c.name << ": '" << word << "' not in: " << w.status().message();
    }
  }
  // The unedited header, rewritten the same way, still loads.
  auto same = xnn->build_wrapper({edited("unchanged", [](json&) {})});
  EXPECT_TRUE(same.ok()) << same.status().message();
}

// More threads than usable CPUs are clamped (the spin-wait guard), not refused.
TEST(XnnBadBuild, ThreadsAboveTheCpuCountStillRun) {
  BACKEND_TEST_REQUIRE(xnn, "xnnpack");
  auto w = xnn->build_wrapper({good_file()}, "cpu", {}, {},
                              backend_test::backend_config("xnnpack", "\"num_threads\": 200"));
  ASSERT_TRUE(w.ok()) << w.status().message();
}

}  // namespace
}  // namespace nnport
