// `nnport verify`'s accuracy goals: reading --metric/--min/--k, the table
// and JSON that show each goal's value, and the summary of missed goals.
#include "verify_goals.h"

#include <cmath>

namespace nnport::cli {
namespace {

// A goal's cell: "0.9987", or "0.95 (missed by 0.04)", or "n/a" without a value.
std::string metric_cell(const MetricValue& v) {
  if (std::isnan(v.value)) return "n/a";
  std::string s = format_number(v.value);
  if (!v.pass) s += " (missed by " + format_number(v.missed_by()) + ")";
  return s;
}

std::string unit(const MetricValue& v) { return v.metric == "snr" ? " dB" : ""; }

}  // namespace

Result<std::vector<MetricGoal>> goals_from(const CLI::App& sub, const GoalOptions& o) {
  std::vector<MetricGoal> goals;
  std::vector<bool> min_given, k_given;
  size_t mi = 0, ni = 0, ki = 0;
  for (const CLI::Option* opt : sub.parse_order()) {
    if (opt != o.metric && opt != o.min && opt != o.k) continue;
    if (opt == o.metric) {
      goals.push_back({o.metrics.at(mi++), std::nan(""), 1});
      min_given.push_back(false);
      k_given.push_back(false);
      continue;
    }
    const bool is_min = opt == o.min;
    const std::string flag = is_min ? "--min" : "--k";
    const std::string text = is_min ? o.mins.at(ni++) : o.ks.at(ki++);
    if (goals.empty())
      return invalid_argument(flag + " " + text +
                              " comes before any --metric: put it after the --metric it is for "
                              "(--metric topk --k 5 --min 0.9)");
    MetricGoal& g = goals.back();
    const std::string of = " (of --metric " + g.metric + ")";
    std::vector<bool>& given = is_min ? min_given : k_given;
    if (given.back()) return invalid_argument(flag + " given twice" + of);
    given.back() = true;
    char* end = nullptr;
    if (is_min) {
      g.min = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || std::isnan(g.min))
        return invalid_argument("--min '" + text + "'" + of + " is not a number");
      continue;
    }
    if (g.metric != "topk")
      return invalid_argument("--k " + text + of + " is topk's: give it after --metric topk");
    long k = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || k < 1 || k > 1000000)
      return invalid_argument("--k '" + text + "'" + of +
                              " must be a whole number from 1 to 1000000");
    g.k = static_cast<int>(k);
  }
  for (size_t i = 0; i < goals.size(); ++i)
    if (!min_given[i]) goals[i].min = default_metric_min(goals[i].metric);
  Status ok = check_metric_goals(goals);
  if (!ok.ok()) return ok;
  return goals;
}

// "cosine >= 0.99", "top-5 >= 0.98", "snr >= 20 dB".
std::string goal_text(const MetricGoal& g) {
  return metric_label(g) + " >= " + format_number(g.min) + (g.metric == "snr" ? " dB" : "");
}

// NaN: null (no value); +-inf (SNR of identical outputs): the strings "inf", "-inf".
Config metric_json(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return number_json(v);
}

// The table with goals: max errors for reference, then cosine, SNR and one
// column per top-k goal; a goal's header carries its min.
void print_goal_table(const std::vector<OutputComparison>& rows,
                      const std::vector<MetricGoal>& goals) {
  // Columns: cosine, snr, then the topk goals; goal_of[c] is the goal index or -1.
  std::vector<std::string> heads = {"cosine", "snr dB"};
  std::vector<int> goal_of = {-1, -1};
  for (size_t g = 0; g < goals.size(); ++g) {
    if (goals[g].metric == "topk") {
      heads.push_back(goal_text(goals[g]));
      goal_of.push_back(static_cast<int>(g));
    } else {
      size_t c = goals[g].metric == "cosine" ? 0 : 1;
      heads[c] = goal_text(goals[g]);
      goal_of[c] = static_cast<int>(g);
    }
  }
  auto cell = [&](const OutputComparison& r, size_t c) {
    if (goal_of[c] >= 0) return metric_cell(r.metrics[goal_of[c]]);
    double v = c == 0 ? r.cosine : r.snr_db;
    return std::isnan(v) ? std::string("n/a") : format_number(v);
  };
  size_t w = 8;
  for (const auto& r : rows) w = std::max(w, r.name.size() + 2);
  std::vector<size_t> widths;
  for (size_t c = 0; c < heads.size(); ++c) {
    size_t cw = heads[c].size() + 2;
    for (const auto& r : rows)
      if (compared(r)) cw = std::max(cw, cell(r, c).size() + 2);
    widths.push_back(std::max<size_t>(cw, 12));
  }
  std::cout << pad("output", w) << pad("shape", 20) << pad("max abs err", 14)
            << pad("max rel err", 14);
  for (size_t c = 0; c < heads.size(); ++c) std::cout << pad(heads[c], widths[c]);
  std::cout << "result\n";
  for (const auto& r : rows) {
    std::cout << pad(r.name, w) << pad(format_shape(r.shape), 20);
    if (!compared(r)) {
      std::cout << "FAIL  (" << r.reason << ")\n";
      continue;
    }
    std::cout << pad(format_number(r.max_abs_err), 14) << pad(format_number(r.max_rel_err), 14);
    for (size_t c = 0; c < heads.size(); ++c) std::cout << pad(cell(r, c), widths[c]);
    std::cout << (r.pass ? "PASS" : "FAIL");
    // Metrics without a value say why, once per reason: "(top-1, snr: 1 NaN value(s) ...)".
    std::vector<std::pair<std::string, std::vector<std::string>>> why;
    for (const auto& v : r.metrics) {
      if (v.reason.empty()) continue;
      auto it =
          std::find_if(why.begin(), why.end(), [&](const auto& w) { return w.first == v.reason; });
      if (it == why.end()) it = why.insert(why.end(), {v.reason, {}});
      it->second.push_back(metric_label({v.metric, v.min, v.k}));
    }
    for (const auto& [reason, labels] : why)
      std::cout << "  (" << join(labels, ", ") << ": " << reason << ")";
    std::cout << "\n";
  }
}

Config metrics_json(const OutputComparison& r) {
  Config list = Config::array();
  for (const auto& v : r.metrics)
    list.push_back({{"metric", v.metric},
                    {"k", v.k},
                    {"label", metric_label({v.metric, v.min, v.k})},
                    {"value", metric_json(v.value)},
                    {"min", v.min},
                    {"pass", v.pass},
                    {"missed_by",
                     v.pass || std::isnan(v.value) ? Config(nullptr) : metric_json(v.missed_by())},
                    {"reason", v.reason}});
  return list;
}

// "'output' top-1 0.5 < 0.98, 'b' snr has no value: 2 NaN value(s) in ...".
std::string missed_goals(const std::vector<OutputComparison>& rows) {
  std::vector<std::string> missed;
  for (const auto& r : rows)
    for (const auto& v : r.metrics)
      if (!v.pass)
        missed.push_back("'" + r.name + "' " + metric_label({v.metric, v.min, v.k}) + " " +
                         (v.reason.empty() ? format_number(v.value) + unit(v) + " < " +
                                                 format_number(v.min) + unit(v)
                                           : "has no value: " + v.reason));
  return join(missed, ", ");
}

}  // namespace nnport::cli
