// The metric names, their default goals, labels and the check of a goal list
// (include/nnport/metrics.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <utility>

#include "nnport/did_you_mean.h"
#include "nnport/metrics.h"

namespace nnport {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"cosine", "snr", "topk"};
  return names;
}

double default_metric_min(std::string_view metric) {
  if (metric == "cosine") return 0.99;
  if (metric == "snr") return 20.0;
  if (metric == "topk") return 0.98;
  return std::numeric_limits<double>::quiet_NaN();
}

std::string metric_label(const MetricGoal& goal) {
  if (goal.metric == "topk") return "top-" + std::to_string(goal.k);
  return goal.metric;
}

Status check_metric_goals(const std::vector<MetricGoal>& goals) {
  std::set<std::pair<std::string, int>> seen;
  for (const MetricGoal& g : goals) {
    const auto& names = metric_names();
    if (std::find(names.begin(), names.end(), g.metric) == names.end())
      return invalid_argument("unknown metric '" + g.metric + "'" + did_you_mean(g.metric, names) +
                              ": the metrics are cosine, snr, topk");
    const std::string what = "metric " + g.metric + ": ";
    if (g.metric == "topk" && g.k < 1)
      return invalid_argument(what + "k " + std::to_string(g.k) + " must be >= 1");
    if (g.metric != "topk" && g.k != 1)
      return invalid_argument(what + "k " + std::to_string(g.k) +
                              " is topk's (the top-1 class among the reference's top k): leave it "
                              "out for " +
                              g.metric);
    if (!std::isfinite(g.min))
      return invalid_argument(what + "min " + number(g.min) + " must be a finite number");
    if (g.metric == "cosine" && (g.min < -1 || g.min > 1))
      return invalid_argument(what + "min " + number(g.min) +
                              " is outside [-1, 1], the range of a cosine similarity");
    if (g.metric == "topk" && (g.min < 0 || g.min > 1))
      return invalid_argument(
          what + "min " + number(g.min) +
          " is outside [0, 1]: it is the share of rows that agree (0.98 = 98 %)");
    if (!seen.insert({g.metric, g.k}).second)
      return invalid_argument("metric " + metric_label(g) +
                              " has two goals: give one goal per metric (and k)");
  }
  return {};
}

}  // namespace nnport
