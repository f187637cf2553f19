#include "nnport/did_you_mean.h"

#include <gtest/gtest.h>

namespace nnport {
namespace {

TEST(EditDistance, HandComputedCases) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // the textbook case
  EXPECT_EQ(edit_distance("conver", "convert"), 1u);
  EXPECT_EQ(edit_distance("verfy", "verify"), 1u);
  EXPECT_EQ(edit_distance("--work_dir", "--work-dir"), 0u);  // '_' == '-'
  EXPECT_EQ(edit_distance("ONNXRuntime", "onnxruntime"), 0u);
}

TEST(NearestName, PicksTheTypoTargetOrNothing) {
  const std::vector<std::string> commands = {"check-env", "config", "inspect",
                                             "convert",   "run",    "verify"};
  EXPECT_EQ(nearest_name("conver", commands), "convert");
  EXPECT_EQ(nearest_name("verfy", commands), "verify");
  EXPECT_EQ(nearest_name("chek-env", commands), "check-env");
  EXPECT_EQ(nearest_name("onnxruntme", {"onnxruntime", "minimal"}), "onnxruntime");
  EXPECT_EQ(nearest_name("tensorrt", {"onnxruntime", "minimal"}), "");  // not a typo of either
  EXPECT_EQ(nearest_name("", commands), "");
  EXPECT_EQ(nearest_name(std::string(10000, 'x'), commands), "");
  EXPECT_EQ(did_you_mean("conver", commands), " (did you mean 'convert'?)");
  EXPECT_EQ(did_you_mean("zzzzzzzz", commands), "");
}

TEST(NearestName, TiesGoToTheEarlierCandidate) {
  EXPECT_EQ(nearest_name("ab", {"ac", "ad"}), "ac");
  EXPECT_EQ(nearest_name("ab", {"ad", "ac"}), "ad");
}

}  // namespace
}  // namespace nnport
