// `nnport verify`'s per-output tolerances and error statistics: parsing
// --atol / --rtol entries, and the lines and JSON that show the statistics.
#include "verify_stats.h"

#include <cmath>
#include <cstdlib>
#include <iostream>

#include "verify_goals.h"

namespace nnport::cli {
namespace {

// A finite number >= 0, the whole of `text`.
bool tolerance_value(const std::string& text, double& value) {
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(value) && value >= 0;
}

std::string elements_beyond(const OutputComparison& r) {
  return std::to_string(r.mismatches) + "/" + std::to_string(r.numel) + " elements beyond atol " +
         format_number(r.atol) + " / rtol " + format_number(r.rtol);
}

std::string stats_line(const ErrorStats& s, double q) {
  return "max " + format_number(s.max) + "  mean " + format_number(s.mean) + "  median " +
         format_number(s.median) + "  " + quantile_label(q) + " " + format_number(s.quantile);
}

Config stats_json(const ErrorStats& s) {
  return {{"max", metric_json(s.max)},
          {"mean", metric_json(s.mean)},
          {"median", metric_json(s.median)},
          {"quantile", metric_json(s.quantile)}};
}

}  // namespace

Result<ToleranceEntry> parse_tolerance_entry(const std::string& text) {
  ToleranceEntry e;
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    if (!tolerance_value(text, e.value))
      return invalid_argument("'" + text +
                              "' is not a tolerance: expected a finite number >= 0 (1e-5) or "
                              "OUTPUT:NUMBER (out0:1e-3)");
    return e;
  }
  e.output = text.substr(0, colon);
  const std::string value = text.substr(colon + 1);
  if (e.output.empty() || !tolerance_value(value, e.value))
    return invalid_argument("'" + text +
                            "' is not a tolerance: expected OUTPUT:NUMBER (out0:1e-3, split at "
                            "the last ':') with a finite number >= 0, or a NUMBER alone");
  return e;
}

CLI::Validator tolerance_entry() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        auto e = parse_tolerance_entry(s);
        return e.ok() ? "" : e.status().message();
      },
      "");  // the option's type name says it
}

CLI::Validator quantile_value() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        const double q = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !(q >= 0 && q <= 1))
          return "expected a number from 0 to 1 (0.99 for the 99th percentile), got '" + s + "'";
        return "";
      },
      "");
}

Result<Tolerances> tolerances_from(const std::vector<std::string>& atol,
                                   const std::vector<std::string>& rtol, Tolerances defaults) {
  for (const auto* entries : {&atol, &rtol}) {
    const bool is_atol = entries == &atol;
    const std::string flag = is_atol ? "--atol" : "--rtol";
    double& fallback = is_atol ? defaults.atol : defaults.rtol;
    auto& per_output = is_atol ? defaults.atol_of : defaults.rtol_of;
    bool default_given = false;
    for (const auto& text : *entries) {
      NNPORT_ASSIGN_OR_RETURN(ToleranceEntry e, parse_tolerance_entry(text));
      if (e.output.empty()) {
        if (default_given)
          return invalid_argument(flag + " " + text +
                                  ": the default is given twice; give one bare value and "
                                  "OUTPUT:VALUE for the others");
        default_given = true;
        fallback = e.value;
      } else if (!per_output.emplace(e.output, e.value).second) {
        return invalid_argument(flag + " " + text + ": output '" + e.output + "' is given twice");
      }
    }
  }
  return defaults;
}

std::string tolerances_text(const Tolerances& t) {
  std::string s = "atol " + format_number(t.atol) + ", rtol " + format_number(t.rtol);
  std::vector<std::string> own;
  std::map<std::string, std::vector<std::string>> by_output;
  for (const auto& [name, v] : t.atol_of) by_output[name].push_back("atol " + format_number(v));
  for (const auto& [name, v] : t.rtol_of) by_output[name].push_back("rtol " + format_number(v));
  for (const auto& [name, parts] : by_output) own.push_back(name + ": " + join(parts, ", "));
  return own.empty() ? s : s + "; " + join(own, "; ");
}

std::string quantile_label(double q) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "p%.6g", q * 100);
  return buf;
}

std::string worst_text(const OutputComparison& r) {
  if (r.worst_index < 0) return "";
  return format_shape(r.worst_position) + " (flat " + std::to_string(r.worst_index) +
         "): " + format_number(r.worst_value) + " vs reference " + format_number(r.worst_ref_value);
}

void print_stats(const std::vector<OutputComparison>& rows, bool all_statistics) {
  for (const auto& r : rows) {
    if (!compared(r) || r.worst_index < 0) continue;
    if (!all_statistics) {
      if (r.mismatches > 0) std::cout << "worst of " << r.name << ": " << worst_text(r) << "\n";
      continue;
    }
    std::cout << r.name << " (" << elements_beyond(r) << ")\n"
              << "  abs err  " << stats_line(r.abs_err, r.quantile) << "\n"
              << "  rel err  " << stats_line(r.rel_err, r.quantile) << "\n"
              << "  worst    " << worst_text(r) << "\n";
  }
}

void add_stats_json(Config& row, const OutputComparison& r) {
  row["atol"] = r.atol;
  row["rtol"] = r.rtol;
  row["abs_err"] = compared(r) ? stats_json(r.abs_err) : Config(nullptr);
  row["rel_err"] = compared(r) ? stats_json(r.rel_err) : Config(nullptr);
  if (!compared(r) || r.worst_index < 0) {
    row["worst"] = nullptr;
    return;
  }
  row["worst"] = {{"index", r.worst_index},
                  {"position", shape_json(r.worst_position)},
                  {"value", metric_json(r.worst_value)},
                  {"reference", metric_json(r.worst_ref_value)}};
}

std::string failed_values(const std::vector<OutputComparison>& rows) {
  std::vector<std::string> failed;
  for (const auto& r : rows)
    if (compared(r) && !r.pass)
      failed.push_back("'" + r.name + "' (" + elements_beyond(r) + "; worst at " + worst_text(r) +
                       ")");
  return join(failed, ", ");
}

}  // namespace nnport::cli
