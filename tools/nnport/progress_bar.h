// Internal to the CLI: the one-line progress bar that long commands (bench,
// calibrate, conformance) redraw on stderr when it is a terminal.
#ifndef NNPORT_TOOLS_NNPORT_PROGRESS_BAR_H_
#define NNPORT_TOOLS_NNPORT_PROGRESS_BAR_H_

#include <string>

namespace nnport::cli {

// "\r[#########...............]  37%  <text>", cut to and padded to `width`
// characters so a shorter line wipes a longer one.
std::string progress_line(double fraction, const std::string& text, size_t width);

// Writes progress_line to stderr and flushes; clear_progress_bar wipes it.
void draw_progress_bar(double fraction, const std::string& text);
void clear_progress_bar();

}  // namespace nnport::cli

#endif  // NNPORT_TOOLS_NNPORT_PROGRESS_BAR_H_
