// Latency statistics: percentiles, mean, spread, throughput, and the
// stability rule over measurement windows.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "nnport/bench.h"

namespace nnport::bench {

double percentile_of_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * double(sorted.size() - 1);
  const size_t lo = size_t(std::floor(rank));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (rank - double(lo)) * (sorted[hi] - sorted[lo]);
}

LatencyStats summarize(std::vector<double> samples_ms, const std::vector<double>& percentiles,
                       int64_t batch, double wall_s) {
  LatencyStats s;
  s.count = int64_t(samples_ms.size());
  if (samples_ms.empty()) return s;
  std::sort(samples_ms.begin(), samples_ms.end());
  const double n = double(samples_ms.size());
  const double sum = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0);
  s.mean_ms = sum / n;
  s.min_ms = samples_ms.front();
  s.max_ms = samples_ms.back();
  double sq = 0;
  for (double x : samples_ms) sq += (x - s.mean_ms) * (x - s.mean_ms);
  s.stddev_ms = std::sqrt(sq / n);
  for (double p : percentiles)
    s.percentiles_ms.emplace_back(p, percentile_of_sorted(samples_ms, p));
  const double seconds = wall_s > 0 ? wall_s : sum / 1000.0;
  s.throughput_per_s = seconds > 0 ? n * double(batch) / seconds : 0;
  return s;
}

bool last_three_agree(const std::vector<Window>& windows, double pct) {
  if (windows.size() < 3) return false;
  const auto last = windows.end() - 3;
  auto within = [&](auto field) {
    double avg = 0;
    for (auto it = last; it != windows.end(); ++it) avg += field(*it) / 3.0;
    if (!(avg > 0)) return false;
    for (auto it = last; it != windows.end(); ++it)
      if (std::fabs(field(*it) - avg) > avg * pct / 100.0) return false;
    return true;
  };
  return within([](const Window& w) { return w.mean_ms; }) &&
         within([](const Window& w) { return w.throughput_per_s; });
}

}  // namespace nnport::bench
