// Internal to the CLI: `nnport verify`'s accuracy goals (--metric NAME
// [--min X] [--k K]) and how the table and JSON show them (verify_goals.cc).
#ifndef NNPORT_TOOLS_NNPORT_VERIFY_GOALS_H_
#define NNPORT_TOOLS_NNPORT_VERIFY_GOALS_H_

#include <string>
#include <vector>

#include "cli.h"

namespace nnport::cli {

inline std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// False when the values were never compared (shape, element type, missing).
inline bool compared(const OutputComparison& r) { return r.reason.empty(); }

// --metric NAME [--min X] [--k K], repeatable: each --min / --k belongs to
// the --metric before it on the command line (CLI11's parse order says which).
struct GoalOptions {
  std::vector<std::string> metrics, mins, ks;
  CLI::Option *metric = nullptr, *min = nullptr, *k = nullptr;
};

Result<std::vector<MetricGoal>> goals_from(const CLI::App& sub, const GoalOptions& o);
std::string goal_text(const MetricGoal& g);
Config metric_json(double v);
void print_goal_table(const std::vector<OutputComparison>& rows,
                      const std::vector<MetricGoal>& goals);
Config metrics_json(const OutputComparison& r);
std::string missed_goals(const std::vector<OutputComparison>& rows);

}  // namespace nnport::cli

#endif  // NNPORT_TOOLS_NNPORT_VERIFY_GOALS_H_
