#include "progress_bar.h"

#include <gtest/gtest.h>

namespace nnport::cli {
namespace {

TEST(ProgressBar, HalfWayIsHalfTheBarPaddedToTheWidth) {
  const std::string line = progress_line(0.5, "12/24 samples", 60);
  EXPECT_EQ(line.size(), 61u);  // "\r" + 60
  EXPECT_EQ(line.substr(0, 46), "\r[############............] 50%  12/24 samples");
  EXPECT_EQ(line.find_first_not_of(' ', 46), std::string::npos);
}

TEST(ProgressBar, OutOfRangeIsClampedAndLongTextCut) {
  EXPECT_EQ(progress_line(1.7, "", 40).substr(0, 32), "\r[########################] 100%");
  EXPECT_EQ(progress_line(-1, "", 40).substr(0, 30), "\r[........................] 0%");
  const std::string long_text(300, 'x');
  EXPECT_EQ(progress_line(0.25, long_text, 50).size(), 51u);
}

}  // namespace
}  // namespace nnport::cli
