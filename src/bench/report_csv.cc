// The report as CSV: one row per run, the columns of the JSON's runs
// flattened (execute_* and forward_*), for spreadsheets and pandas.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "bench/report_fields.h"
#include "nnport/bench.h"

namespace nnport::bench {
namespace {

std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string num(double v) {
  if (!std::isfinite(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void stats_header(std::ostringstream& out, const std::string& prefix,
                  const std::vector<double>& percentiles) {
  for (const char* k : {"count", "mean_ms", "min_ms", "max_ms", "stddev_ms"})
    out << "," << prefix << k;
  for (double p : percentiles) out << "," << prefix << percentile_key(p);
  out << "," << prefix << "throughput_per_s";
}

void stats_row(std::ostringstream& out, const LatencyStats& s) {
  out << "," << s.count << "," << num(s.mean_ms) << "," << num(s.min_ms) << "," << num(s.max_ms)
      << "," << num(s.stddev_ms);
  for (const auto& [p, v] : s.percentiles_ms) out << "," << num(v);
  out << "," << num(s.throughput_per_s);
}

}  // namespace

std::string report_csv(const Report& r) {
  std::ostringstream out;
  out << "backend,shape,batch,threads,concurrency,convert_ms,load_ms,first_inference_ms";
  stats_header(out, "execute_", r.percentiles);
  stats_header(out, "forward_", r.percentiles);
  out << ",stable,windows,peak_rss_bytes,rss_growth_bytes\n";
  for (const Run& run : r.runs) {
    out << field(run.backend) << "," << field(run.shape) << "," << run.batch << "," << run.threads
        << "," << run.concurrency << "," << (run.convert_ms < 0 ? "" : num(run.convert_ms)) << ","
        << num(run.load_ms) << "," << num(run.first_inference_ms);
    stats_row(out, run.execute);
    stats_row(out, run.forward);
    out << "," << (run.stable ? "true" : "false") << "," << run.windows << "," << run.peak_rss_bytes
        << "," << run.rss_growth_bytes << "\n";
  }
  return out.str();
}

}  // namespace nnport::bench
