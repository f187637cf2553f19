// The benchmark report as one self-contained HTML page: inline CSS, an inline
// SVG chart computed here (so it shows with JavaScript off, in a mail client,
// from a CI artifact), no script and nothing fetched from the network.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "nnport/bench.h"

namespace nnport::bench {
namespace {

// Colorblind-safe (Okabe-Ito, yellow dropped: unreadable on white), then
// generated hues for the rare report with more backends.
constexpr const char* kPalette[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                    "#e69f00", "#56b4e9", "#8c564b", "#7f7f7f"};
constexpr int kPaletteSize = int(sizeof(kPalette) / sizeof(kPalette[0]));

// More dots than this per run only grow the page; a strided pick over the
// sorted samples keeps the quantiles the strip shows.
constexpr size_t kMaxDots = 2000;

// Chart geometry, in SVG user units (the page scales it to the window).
constexpr double kWidth = 1000, kPlotLeft = 250, kPlotRight = 960;
constexpr double kLegendH = 44, kRowH = 64, kAxisH = 52;

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Cut at max bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "\u2026";
}

// Every number goes through here: a NaN or inf never reaches the page.
std::string num(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
std::string ms(double v) { return num(v, 3); }
std::string mib(int64_t bytes) { return num(double(bytes) / (1024.0 * 1024.0), 1); }
// SVG coordinates: 2 decimals is sub-pixel; finite by construction, 0 if not.
std::string co(double v) { return num(std::isfinite(v) ? v : 0.0, 2); }

std::string color_for(int index) {
  if (index < kPaletteSize) return kPalette[index];
  // Golden-angle hues at fixed saturation/value.
  const double h = std::fmod(index * 137.508, 360.0) / 60.0, s = 0.65, v = 0.75;
  const double c = v * s, x = c * (1 - std::fabs(std::fmod(h, 2.0) - 1)), m = v - c;
  double r = 0, g = 0, b = 0;
  switch (int(h)) {
    case 0:
      r = c, g = x;
      break;
    case 1:
      r = x, g = c;
      break;
    case 2:
      g = c, b = x;
      break;
    case 3:
      g = x, b = c;
      break;
    case 4:
      r = x, b = c;
      break;
    default:
      r = c, b = x;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", int((r + m) * 255 + 0.5),
                int((g + m) * 255 + 0.5), int((b + m) * 255 + 0.5));
  return buf;
}

std::string threads_text(int threads) {
  return threads > 0 ? std::to_string(threads) : std::string("default");
}

// What the chart needs of one run's forward samples.
struct Dist {
  std::vector<double> sorted;  // finite samples only
  int64_t dropped = 0;         // non-finite samples (a broken timer), not drawn
  double p25 = 0, p50 = 0, p75 = 0, p99 = 0, robust_hi = 0;
};

Dist distribution(const std::vector<double>& samples) {
  Dist d;
  for (double x : samples) {
    if (std::isfinite(x))
      d.sorted.push_back(x);
    else
      ++d.dropped;
  }
  if (d.sorted.empty()) return d;
  std::sort(d.sorted.begin(), d.sorted.end());
  d.p25 = percentile_of_sorted(d.sorted, 25);
  d.p50 = percentile_of_sorted(d.sorted, 50);
  d.p75 = percentile_of_sorted(d.sorted, 75);
  d.p99 = percentile_of_sorted(d.sorted, 99);
  // p99.9 by the lower rank (not interpolated): one 1000x outlier in 1000
  // calls must not drag the axis along with it.
  const size_t lower = size_t(std::floor(0.999 * double(d.sorted.size() - 1)));
  d.robust_hi = std::max(d.p99, d.sorted[lower]);
  return d;
}

// The shared ms axis: nice ticks (1, 2, 5 x 10^k) over the data, clipped at
// the largest p99.9 when outliers would otherwise squash every box.
struct Axis {
  double lo = 0, hi = 1, step = 1;
  int decimals = 0;
  bool clipped = false;
  double clip_at = 0;
  double x(double v) const {
    const double t = (v - lo) / (hi - lo);
    return kPlotLeft + std::clamp(t, 0.0, 1.0) * (kPlotRight - kPlotLeft);
  }
};

double nice_step(double raw) {
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

Axis make_axis(const std::vector<Dist>& dists) {
  double data_lo = INFINITY, data_hi = -INFINITY, robust_hi = -INFINITY;
  for (const Dist& d : dists) {
    if (d.sorted.empty()) continue;
    data_lo = std::min(data_lo, d.sorted.front());
    data_hi = std::max(data_hi, d.sorted.back());
    robust_hi = std::max(robust_hi, d.robust_hi);
  }
  Axis a;
  double hi = data_hi;
  // Clip only when the outliers would take over a third of the axis.
  if (data_hi - data_lo > 1.5 * (robust_hi - data_lo)) {
    a.clipped = true;
    a.clip_at = robust_hi;
    hi = robust_hi;
  }
  double lo = data_lo, range = hi - lo;
  if (!(range > 0)) {  // one sample, or all equal: a window around the value
    range = std::max(std::fabs(lo) * 0.2, 1e-3);
    lo -= range / 2;
    hi += range / 2;
  } else {
    lo -= 0.05 * range;
    hi += 0.05 * range;
  }
  if (data_lo >= 0) lo = std::max(lo, 0.0);  // latencies are never negative
  a.step = nice_step((hi - lo) / 8);         // 5 to 10 ticks
  a.lo = std::floor(lo / a.step) * a.step;
  a.hi = std::ceil(hi / a.step) * a.step;
  if (!(a.hi > a.lo)) a.hi = a.lo + a.step;
  a.decimals = std::max(0, int(-std::floor(std::log10(a.step) + 1e-9)));
  return a;
}

void svg_legend(std::string& o, const std::vector<std::string>& backends,
                const std::vector<std::string>& colors) {
  double x = kPlotLeft;
  o += "<g class=\"legend\">";
  for (size_t i = 0; i < backends.size(); ++i) {
    o += "<rect x=\"" + co(x) + "\" y=\"12\" width=\"10\" height=\"10\" fill=\"" + colors[i] +
         "\"/><text x=\"" + co(x + 15) + "\" y=\"21\">" + esc(truncate_utf8(backends[i], 24)) +
         "</text>";
    x += 30 + 7.5 * double(std::min<size_t>(backends[i].size(), 24));
  }
  o += "<text class=\"key\" x=\"" + co(kPlotLeft) +
       "\" y=\"38\">box: p25\u2013p75 \u00b7 whisker: min\u2013max \u00b7 bar: median \u00b7 "
       "\u25c6: p99 \u00b7 dots: every call</text></g>";
}

void svg_row(std::string& o, const Run& run, const Dist& d, const Axis& a, const std::string& color,
             double y0) {
  o += "<g class=\"run\" data-backend=\"" + esc(run.backend) + "\" data-color=\"" + color + "\">";
  // Label column: backend, the configuration, the two numbers people quote.
  o += "<text class=\"name\" x=\"8\" y=\"" + co(y0 + 19) + "\">" +
       esc(truncate_utf8(run.backend, 28)) + "</text>";
  o += "<text class=\"conf\" x=\"8\" y=\"" + co(y0 + 35) + "\">" +
       esc(truncate_utf8(run.shape, 34)) + " \u00b7 b" + std::to_string(run.batch) + " \u00b7 t" +
       esc(threads_text(run.threads)) + " \u00b7 c" + std::to_string(run.concurrency) + "</text>";
  if (d.sorted.empty()) {
    o += "<text class=\"conf\" x=\"" + co(kPlotLeft) + "\" y=\"" + co(y0 + 36) +
         "\">no samples</text></g>";
    return;
  }
  o += "<text class=\"stat\" x=\"8\" y=\"" + co(y0 + 52) + "\">p50 " + ms(d.p50) +
       " ms \u00b7 p99 " + ms(d.p99) + " ms</text>";
  o += "<title>" + esc(run.backend) + " (" + esc(run.shape) +
       "): " + std::to_string(d.sorted.size()) + " calls, min " + ms(d.sorted.front()) + ", p25 " +
       ms(d.p25) + ", median " + ms(d.p50) + ", p75 " + ms(d.p75) + ", p99 " + ms(d.p99) +
       ", max " + ms(d.sorted.back()) + " ms</title>";

  const double box_top = y0 + 12, box_bot = y0 + 28, mid = (box_top + box_bot) / 2;
  const double strip = y0 + 45;
  // Whisker min..max (to the axis edge when clipped), then the box over it.
  o += "<line class=\"whisker\" x1=\"" + co(a.x(d.sorted.front())) + "\" x2=\"" +
       co(a.x(d.sorted.back())) + "\" y1=\"" + co(mid) + "\" y2=\"" + co(mid) + "\" stroke=\"" +
       color + "\"/>";
  // At least 2 units wide so all-equal samples still show a box.
  double bx0 = a.x(d.p25), bx1 = a.x(d.p75);
  if (bx1 - bx0 < 2) bx0 = (bx0 + bx1) / 2 - 1, bx1 = bx0 + 2;
  o += "<rect class=\"box\" x=\"" + co(bx0) + "\" y=\"" + co(box_top) + "\" width=\"" +
       co(bx1 - bx0) + "\" height=\"" + co(box_bot - box_top) + "\" fill=\"" + color + "\"/>";
  const double xm = a.x(d.p50), x99 = a.x(d.p99);
  o += "<line class=\"median\" x1=\"" + co(xm) + "\" x2=\"" + co(xm) + "\" y1=\"" +
       co(box_top - 4) + "\" y2=\"" + co(box_bot + 4) + "\"/>";
  o += "<path class=\"p99\" d=\"M" + co(x99) + " " + co(mid - 5) + "l4 5l-4 5l-4 -5z\"/>";

  // The strip: every call (or an even pick of them), jittered vertically by a
  // fixed sequence so the page is the same for the same report.
  const size_t n = d.sorted.size(), shown = std::min(n, kMaxDots);
  int64_t beyond = 0;
  for (double v : d.sorted) beyond += v > a.hi;
  o += "<g class=\"dots\" fill=\"" + color + "\">";
  for (size_t i = 0; i < shown; ++i) {
    const double v = d.sorted[shown == n ? i : i * (n - 1) / (shown - 1)];
    if (v > a.hi) continue;  // counted at the edge instead
    const double jitter = std::fmod(double(i) * 0.6180339887, 1.0) * 12 - 6;
    o += "<circle cx=\"" + co(a.x(v)) + "\" cy=\"" + co(strip + jitter) + "\" r=\"1.8\"/>";
  }
  o += "</g>";
  if (beyond > 0)
    o += "<text class=\"beyond\" x=\"" + co(kPlotRight + 4) + "\" y=\"" + co(mid + 4) + "\">+" +
         std::to_string(beyond) + "</text>";
  o += "</g>";
}

void svg_axis(std::string& o, const Axis& a, double top, double bottom) {
  o += "<g class=\"axis\">";
  for (int i = 0; i <= 100; ++i) {
    const double v = a.lo + a.step * i;
    if (v > a.hi + a.step * 1e-6) break;
    const double x = a.x(v);
    o += "<line class=\"grid\" x1=\"" + co(x) + "\" x2=\"" + co(x) + "\" y1=\"" + co(top) +
         "\" y2=\"" + co(bottom + 5) + "\"/><text x=\"" + co(x) + "\" y=\"" + co(bottom + 19) +
         "\" text-anchor=\"middle\">" + num(v, a.decimals) + "</text>";
  }
  o += "<line class=\"baseline\" x1=\"" + co(kPlotLeft) + "\" x2=\"" + co(kPlotRight) + "\" y1=\"" +
       co(bottom) + "\" y2=\"" + co(bottom) + "\"/>";
  o += "<text class=\"key\" x=\"" + co((kPlotLeft + kPlotRight) / 2) + "\" y=\"" + co(bottom + 40) +
       "\" text-anchor=\"middle\">latency per call, ms (forward: end to end)</text></g>";
}

void chart(std::string& o, const Report& r) {
  std::vector<Dist> dists;
  int64_t total = 0, dropped = 0;
  for (const Run& run : r.runs) {
    dists.push_back(distribution(run.forward_samples_ms));
    total += int64_t(dists.back().sorted.size());
    dropped += dists.back().dropped;
  }
  o += "<section id=\"chart\"><h2>Latency distribution</h2>\n";
  if (total == 0) {
    o += "<p class=\"empty\">No forward samples were recorded, so there is no chart; the "
         "tables below have what was measured.</p></section>\n";
    return;
  }
  // One color per backend, in order of first appearance.
  std::vector<std::string> backends, colors;
  for (const Run& run : r.runs)
    if (std::find(backends.begin(), backends.end(), run.backend) == backends.end()) {
      backends.push_back(run.backend);
      colors.push_back(color_for(int(colors.size())));
    }
  auto color_of = [&](const std::string& b) {
    return colors[size_t(std::find(backends.begin(), backends.end(), b) - backends.begin())];
  };
  const Axis a = make_axis(dists);
  const double rows_bottom = kLegendH + kRowH * double(r.runs.size());
  const double height = rows_bottom + kAxisH;
  // No xmlns: an HTML5 parser puts inline <svg> in the SVG namespace itself.
  o += "<svg class=\"chart\" width=\"" + co(kWidth) + "\" height=\"" + co(height) +
       "\" viewBox=\"0 0 " + co(kWidth) + " " + co(height) +
       "\" role=\"img\" aria-label=\"Latency distribution per run\">";
  svg_legend(o, backends, colors);
  // Grid under the rows, tick labels below them.
  for (size_t i = 0; i < r.runs.size(); ++i)
    if (i % 2 == 1)
      o += "<rect class=\"band\" x=\"0\" y=\"" + co(kLegendH + kRowH * double(i)) + "\" width=\"" +
           co(kWidth) + "\" height=\"" + co(kRowH) + "\"/>";
  svg_axis(o, a, kLegendH, rows_bottom);
  for (size_t i = 0; i < r.runs.size(); ++i)
    svg_row(o, r.runs[i], dists[i], a, color_of(r.runs[i].backend), kLegendH + kRowH * double(i));
  o += "</svg>\n";

  std::string notes;
  if (a.clipped) {
    int64_t beyond = 0;
    double max = 0;
    for (const Dist& d : dists)
      for (double v : d.sorted)
        if (v > a.hi) ++beyond, max = std::max(max, v);
    notes += "<p class=\"note\">Axis clipped at " + num(a.hi, a.decimals) +
             " ms: outliers would have squashed every box (the axis covers the largest p99.9, " +
             ms(a.clip_at) + " ms). " + std::to_string(beyond) +
             (beyond == 1 ? " call lies" : " calls lie") +
             " beyond it, counted as +N at the right edge; the slowest took " + ms(max) +
             " ms.</p>\n";
  }
  if (dropped > 0)
    notes += "<p class=\"note\">" + std::to_string(dropped) +
             " non-finite samples (not a number or infinite) were left out of the chart.</p>\n";
  o += notes + "</section>\n";
}

void row(std::string& o, std::string_view name, const std::string& a, const std::string& b) {
  o += "<tr><th>";
  o += name;
  o += "</th><td>" + a + "</td><td>" + b + "</td></tr>\n";
}

void steady_table(std::string& o, const Run& run, const std::vector<double>& percentiles) {
  const LatencyStats &e = run.execute, &f = run.forward;
  o += "<table class=\"steady\"><caption>Steady state (ms)</caption>\n"
       "<tr><th></th><th>execute<br><small>engine alone</small></th>"
       "<th>forward<br><small>end to end</small></th></tr>\n";
  // With no timed calls the zeros in LatencyStats mean nothing: print a dash.
  auto cell = [](const LatencyStats& s, double v) { return s.count > 0 ? ms(v) : "\u2014"; };
  row(o, "count", std::to_string(e.count), std::to_string(f.count));
  row(o, "mean", cell(e, e.mean_ms), cell(f, f.mean_ms));
  row(o, "min", cell(e, e.min_ms), cell(f, f.min_ms));
  row(o, "max", cell(e, e.max_ms), cell(f, f.max_ms));
  // The percentiles asked for, looked up by p in each (either may lack one).
  auto at = [](const LatencyStats& s, double p) -> std::string {
    for (const auto& [q, v] : s.percentiles_ms)
      if (q == p) return ms(v);
    return "\u2014";
  };
  for (double p : percentiles) {
    char name[32];
    std::snprintf(name, sizeof name, "p%g", p);
    row(o, name, at(e, p), at(f, p));
  }
  row(o, "stddev", cell(e, e.stddev_ms), cell(f, f.stddev_ms));
  row(o, "throughput (samples/s)", e.count > 0 ? num(e.throughput_per_s, 1) : "\u2014",
      f.count > 0 ? num(f.throughput_per_s, 1) : "\u2014");
  o += "</table>\n";
}

void run_section(std::string& o, const Run& run, size_t index, const std::string& color,
                 const std::vector<double>& percentiles) {
  o += "<section class=\"run\"><h3 style=\"border-left-color:" + color + "\">Run " +
       std::to_string(index + 1) + ": " + esc(run.backend) + "</h3>\n";
  o += "<p class=\"conf\">shape <code>" + esc(run.shape) + "</code> \u00b7 batch " +
       std::to_string(run.batch) + " \u00b7 threads " + esc(threads_text(run.threads)) +
       " \u00b7 concurrency " + std::to_string(run.concurrency) + "</p>\n";
  if (!run.stable)
    o += "<p class=\"warn\">Not stable: the last three of " + std::to_string(run.windows) +
         " windows never agreed; treat these numbers as noisy.</p>\n";
  else if (run.windows > 0)
    o += "<p class=\"conf\">Stable after " + std::to_string(run.windows) + " windows.</p>\n";
  o += "<div class=\"tables\"><table class=\"cold\"><caption>Cold start (ms)</caption>\n";
  if (run.convert_ms >= 0) o += "<tr><th>convert</th><td>" + ms(run.convert_ms) + "</td></tr>\n";
  o += "<tr><th>load</th><td>" + ms(run.load_ms) + "</td></tr>\n";
  o += "<tr><th>first inference</th><td>" + ms(run.first_inference_ms) + "</td></tr>\n";
  o += "</table>\n<table class=\"mem\"><caption>Memory (MiB)</caption>\n";
  o += "<tr><th>peak RSS</th><td>" + mib(run.peak_rss_bytes) + "</td></tr>\n";
  o += "<tr><th>RSS growth</th><td>" + mib(run.rss_growth_bytes) + "</td></tr>\n</table>\n";
  steady_table(o, run, percentiles);
  o += "</div></section>\n";
}

void environment(std::string& o, const Environment& e) {
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
    return s;
  };
  o += "<section id=\"env\"><h2>Environment</h2><table class=\"env\">\n";
  o += "<tr><th>nnport</th><td>" + esc(e.nnport_version) +
       (e.nnport_commit.empty() ? "" : " (" + esc(e.nnport_commit) + ")") + "</td></tr>\n";
  o += "<tr><th>backend</th><td>" + esc(e.backend) +
       (e.backend_version.empty() ? "" : " " + esc(e.backend_version)) + "</td></tr>\n";
  o += "<tr><th>CPU</th><td>" + esc(e.cpu_model) + "</td></tr>\n";
  o += "<tr><th>CPU flags</th><td>" + (e.cpu_flags.empty() ? "\u2014" : esc(join(e.cpu_flags))) +
       "</td></tr>\n";
  o += "<tr><th>usable CPUs</th><td>" + std::to_string(e.usable_cpus) + "</td></tr>\n";
  o += "<tr><th>load average (1 min)</th><td>" + num(e.load_average_1m, 2);
  // A busy machine explains noisy numbers better than any backend does.
  if (e.usable_cpus > 0 && e.load_average_1m >= double(e.usable_cpus))
    o += " <span class=\"warn\">busy: at least one runnable task per usable CPU</span>";
  o += "</td></tr>\n";
  if (!e.hostname_hash.empty())
    o += "<tr><th>host id</th><td><code>" + esc(e.hostname_hash) + "</code></td></tr>\n";
  o += "</table></section>\n";
}

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
  background:#fff;margin:24px auto;max-width:1040px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px;word-break:break-all}
h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:20px 0 4px;border-left:6px solid #888;padding-left:8px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.meta,.conf{color:#555;margin:2px 0}
.warn{color:#a40000;font-weight:600}
.note,.empty{color:#555;font-style:italic}
table{border-collapse:collapse;margin:6px 16px 6px 0}
caption{text-align:left;font-weight:600;padding:2px 0}
th,td{padding:2px 10px;border-bottom:1px solid #eee;text-align:right;
  font-variant-numeric:tabular-nums}
th{text-align:left;font-weight:500;color:#333}
table.env td{text-align:left}
.tables{display:flex;flex-wrap:wrap;align-items:flex-start}
svg.chart{max-width:100%;height:auto;font:12px system-ui,sans-serif}
svg .name{font-weight:600;font-size:13px}
svg .conf{fill:#555;font-size:11px}
svg .stat{fill:#222;font-size:11px}
svg .key{fill:#555;font-size:11px}
svg .band{fill:#f6f6f6}
svg .grid{stroke:#e2e2e2;stroke-width:1}
svg .baseline{stroke:#999;stroke-width:1}
svg .whisker{stroke-width:1.5}
svg .median{stroke:#111;stroke-width:2.5}
svg .p99{fill:#111}
svg .dots circle{fill-opacity:.45}
svg .beyond{fill:#a40000;font-size:11px;font-weight:600}
)";

}  // namespace

std::string report_html(const Report& r) {
  std::string o;
  o.reserve(16384);
  o += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  o += "<title>nnport bench: " + esc(r.target) + " (" + esc(r.created_utc) + ")</title>\n";
  o += "<style>" + std::string(kStyle) + "</style></head>\n<body>\n";
  o += "<h1>nnport bench: <code>" + esc(r.target) + "</code></h1>\n";
  o += "<p class=\"meta\">Created " + esc(r.created_utc) + " \u00b7 " +
       std::to_string(r.runs.size()) + (r.runs.size() == 1 ? " run" : " runs") +
       " \u00b7 report schema " + std::to_string(r.schema_version) + "</p>\n";
  environment(o, r.env);
  // The chart comes before the tables: it is what people compare at a glance.
  chart(o, r);
  o += "<section id=\"runs\"><h2>Runs</h2>\n";
  if (r.runs.empty()) o += "<p class=\"empty\">The report has no runs.</p>\n";
  std::vector<std::string> seen;
  for (size_t i = 0; i < r.runs.size(); ++i) {
    // Same color assignment as the chart: by first appearance of the backend.
    auto it = std::find(seen.begin(), seen.end(), r.runs[i].backend);
    if (it == seen.end()) it = seen.insert(seen.end(), r.runs[i].backend);
    run_section(o, r.runs[i], i, color_for(int(it - seen.begin())), r.percentiles);
  }
  o += "</section>\n</body></html>\n";
  return o;
}

}  // namespace nnport::bench
