// Internal to the CLI: `nnport verify`'s per-output tolerances (--atol
// out0:1e-3 --atol 1e-5, Polygraphy's form) and how its error statistics
// (median, quantile, worst element) show in the table and JSON (verify_stats.cc).
#ifndef NNPORT_TOOLS_NNPORT_VERIFY_STATS_H_
#define NNPORT_TOOLS_NNPORT_VERIFY_STATS_H_

#include <string>
#include <vector>

#include "cli.h"

namespace nnport::cli {

// One --atol / --rtol entry: VALUE (the default for every output) or
// OUTPUT:VALUE. The split is at the last ':' (an output name may hold ':',
// a number never does); VALUE must be a finite number >= 0.
struct ToleranceEntry {
  std::string output;  // empty for the default
  double value = 0;
};
Result<ToleranceEntry> parse_tolerance_entry(const std::string& text);
// The validator of --atol / --rtol: parse_tolerance_entry's errors at parse time.
CLI::Validator tolerance_entry();
// The validator of --quantile: a number in [0, 1] (no nan).
CLI::Validator quantile_value();

// --atol / --rtol entries onto `defaults`. A second default, or a second
// entry for one output, is an error naming the option.
Result<Tolerances> tolerances_from(const std::vector<std::string>& atol,
                                   const std::vector<std::string>& rtol, Tolerances defaults);

// "atol 1e-05, rtol 0.001" plus "; y: atol 0.001" for each output of its own.
std::string tolerances_text(const Tolerances& t);

// "p99" for 0.99, "p99.9" for 0.999, "p50" for 0.5.
std::string quantile_label(double q);

// "[0, 3, 17, 2] (flat 221): 0.512 vs reference 0.498", or "" without one.
std::string worst_text(const OutputComparison& r);

// After the table: each compared output's full statistics (--stats), or
// only the worst element of those that failed on their values.
void print_stats(const std::vector<OutputComparison>& rows, bool all_statistics);

// The row's "atol", "rtol", "abs_err", "rel_err" and "worst" for --json
// (inf as the string "inf", like snr_db; null where not compared).
void add_stats_json(Config& row, const OutputComparison& r);

// "'y' (3/10 elements beyond atol 1e-05 / rtol 0.001; worst at [3]: 11 vs reference 2)".
std::string failed_values(const std::vector<OutputComparison>& rows);

}  // namespace nnport::cli

#endif  // NNPORT_TOOLS_NNPORT_VERIFY_STATS_H_
