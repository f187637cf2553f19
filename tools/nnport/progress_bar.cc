#include "progress_bar.h"

#include <algorithm>
#include <iostream>

namespace nnport::cli {

namespace {
constexpr size_t kLineWidth = 100;  // every line the same width: a shorter one wipes a longer one
}  // namespace

std::string progress_line(double fraction, const std::string& text, size_t width) {
  constexpr int kBar = 24;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int filled = static_cast<int>(fraction * kBar);
  std::string line = "\r[" + std::string(size_t(filled), '#') +
                     std::string(size_t(kBar - filled), '.') + "] " +
                     std::to_string(static_cast<int>(fraction * 100)) + "%  " + text;
  line.resize(width + 1, ' ');  // "\r" + width characters
  return line;
}

void draw_progress_bar(double fraction, const std::string& text) {
  std::cerr << progress_line(fraction, text, kLineWidth) << std::flush;
}

void clear_progress_bar() {
  std::cerr << "\r" << std::string(kLineWidth, ' ') << "\r" << std::flush;
}

}  // namespace nnport::cli
