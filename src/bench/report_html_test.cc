// The HTML report as text: self-contained, escaped, one chart group per run,
// hand-computed medians, and no NaN/inf in the SVG for awkward samples.
// report_html_browser_test.cc checks what a browser makes of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <string>

#include "nnport/bench.h"

namespace nnport::bench {
namespace {

Run make_run(std::string backend, std::vector<double> samples) {
  Run r;
  r.backend = std::move(backend);
  r.shape = "input=1x3x224x224";
  r.threads = 4;
  r.load_ms = 12.5;
  r.first_inference_ms = 30.25;
  r.forward_samples_ms = samples;
  r.forward = summarize(samples, {50, 90, 99}, 1);
  r.execute = summarize(samples, {50, 90, 99}, 1);
  r.peak_rss_bytes = 64ll << 20;
  r.rss_growth_bytes = 3ll << 19;  // 1.5 MiB
  return r;
}

Report two_runs() {
  Report rep;
  rep.target = "/models/<script>alert(1)</script>&\"x'.onnx";
  rep.created_utc = "2024-05-01T12:00:00Z";
  rep.env.nnport_version = "0.1.0";
  rep.env.nnport_commit = "abc1234";
  rep.env.backend = "onnxruntime";
  rep.env.backend_version = "1.17.1";
  rep.env.cpu_model = "Intel<R> Xeon & \"Gold\"";
  rep.env.cpu_flags = {"avx2", "avx512f"};
  rep.env.usable_cpus = 2;
  rep.env.load_average_1m = 0.5;
  rep.percentiles = {50, 90, 99};
  // Medians by hand: sorted {1, 2, 3, 4, 10} -> 3; {1, 2, 3, 4} -> 2.5.
  rep.runs.push_back(make_run("onnxruntime", {10, 1, 4, 3, 2}));
  rep.runs.push_back(make_run("xnnpack", {4, 1, 3, 2}));
  rep.runs[0].convert_ms = 850;
  return rep;
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The <svg>...</svg> of the page, "" when there is none.
std::string svg_of(const std::string& page) {
  const size_t a = page.find("<svg"), b = page.find("</svg>");
  if (a == std::string::npos || b == std::string::npos) return "";
  return page.substr(a, b + 6 - a);
}

// The i-th <g class="run"> group of the chart.
std::string run_group(const std::string& svg, size_t i) {
  size_t at = 0;
  for (size_t k = 0; k <= i; ++k) {
    at = svg.find("<g class=\"run\"", k == 0 ? 0 : at + 1);
    if (at == std::string::npos) return "";
  }
  const size_t next = svg.find("<g class=\"run\"", at + 1);
  return svg.substr(at, (next == std::string::npos ? svg.size() : next) - at);
}

// No NaN/inf as a word, and every numeric attribute parses as a finite number.
void expect_finite_svg(const std::string& svg) {
  const std::string l = lower(svg);
  EXPECT_FALSE(std::regex_search(l, std::regex("\\bnan\\b"))) << svg;
  EXPECT_FALSE(std::regex_search(l, std::regex("\\binf(inity)?\\b"))) << svg;
  EXPECT_EQ(l.find("n/a"), std::string::npos) << svg;
  const std::regex attr(" (x|y|x1|x2|y1|y2|cx|cy|r|width|height)=\"([^\"]*)\"");
  size_t checked = 0;
  for (std::sregex_iterator it(svg.begin(), svg.end(), attr), end; it != end; ++it, ++checked) {
    const std::string v = (*it)[2];
    char* stop = nullptr;
    const double d = std::strtod(v.c_str(), &stop);
    EXPECT_TRUE(stop != v.c_str() && *stop == '\0' && std::isfinite(d))
        << (*it)[1] << "=\"" << v << "\"";
  }
  EXPECT_GT(checked, 10u);
}

TEST(ReportHtml, IsSelfContained) {
  const std::string page = report_html(two_runs());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("//"), std::string::npos);  // no protocol-relative URL either
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("href="), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(lower(page).find("<script"), std::string::npos);  // not even inline
  EXPECT_EQ(page.find("<iframe"), std::string::npos);
  EXPECT_NE(page.find("<style>"), std::string::npos);
  EXPECT_NE(page.find("</html>"), std::string::npos);
}

TEST(ReportHtml, EscapesEveryReportString) {
  Report rep = two_runs();
  rep.runs[1].backend = "x<b>&'q\"";
  rep.runs[1].shape = "in<put>=1";
  const std::string page = report_html(rep);
  const std::string target = "/models/&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;x&#39;.onnx";
  EXPECT_NE(page.find("<code>" + target + "</code>"), std::string::npos);
  EXPECT_NE(page.find("<title>nnport bench: " + target), std::string::npos);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.find("Intel&lt;R&gt; Xeon &amp; &quot;Gold&quot;"), std::string::npos);
  EXPECT_EQ(page.find("Intel<R>"), std::string::npos);
  EXPECT_NE(page.find("data-backend=\"x&lt;b&gt;&amp;&#39;q&quot;\""), std::string::npos);
  EXPECT_EQ(page.find("x<b>"), std::string::npos);
  EXPECT_EQ(page.find("in<put>"), std::string::npos);
  EXPECT_NE(page.find("in&lt;put&gt;=1"), std::string::npos);
}

TEST(ReportHtml, OneChartGroupPerRunWithItsBackendAndColor) {
  const std::string svg = svg_of(report_html(two_runs()));
  ASSERT_FALSE(svg.empty());
  EXPECT_EQ(count(svg, "<g class=\"run\""), 2u);
  const std::string g0 = run_group(svg, 0), g1 = run_group(svg, 1);
  EXPECT_EQ(g0.rfind("<g class=\"run\" data-backend=\"onnxruntime\"", 0), 0u) << g0;
  EXPECT_EQ(g1.rfind("<g class=\"run\" data-backend=\"xnnpack\"", 0), 0u) << g1;
  EXPECT_NE(g0.find(">onnxruntime</text>"), std::string::npos);
  EXPECT_NE(g1.find(">xnnpack</text>"), std::string::npos);
  // Distinct colors, and the legend names both.
  const std::regex color("data-color=\"(#[0-9a-f]{6})\"");
  std::smatch m0, m1;
  ASSERT_TRUE(std::regex_search(g0, m0, color));
  ASSERT_TRUE(std::regex_search(g1, m1, color));
  EXPECT_NE(m0[1].str(), m1[1].str());
  EXPECT_NE(svg.find("fill=\"" + m0[1].str() + "\"/><text x=\"265.00\" y=\"21\">onnxruntime"),
            std::string::npos);
  EXPECT_EQ(count(svg, "<circle"), 5u + 4u);  // every call a dot
}

TEST(ReportHtml, PrintsTheHandComputedMedians) {
  const std::string page = report_html(two_runs());
  const std::string svg = svg_of(page);
  // sorted {1, 2, 3, 4, 10}: median 3; p99 at rank 3.96: 4 + 0.96 * 6 = 9.76.
  EXPECT_NE(run_group(svg, 0).find("p50 3.000 ms \u00b7 p99 9.760 ms"), std::string::npos);
  // sorted {1, 2, 3, 4}: median 2.5; p99 at rank 2.97: 3 + 0.97 * 1 = 3.97.
  EXPECT_NE(run_group(svg, 1).find("p50 2.500 ms \u00b7 p99 3.970 ms"), std::string::npos);
  // And in the run's table, from LatencyStats.
  EXPECT_NE(page.find("<tr><th>p50</th><td>3.000</td><td>3.000</td></tr>"), std::string::npos);
  EXPECT_NE(page.find("<tr><th>p50</th><td>2.500</td><td>2.500</td></tr>"), std::string::npos);
}

TEST(ReportHtml, TablesCarryColdStartMemoryAndStability) {
  Report rep = two_runs();
  rep.runs[1].windows = 7;
  rep.runs[1].stable = false;
  const std::string page = report_html(rep);
  EXPECT_EQ(count(page, "<tr><th>convert</th><td>850.000</td></tr>"), 1u);  // run 2: -1
  EXPECT_EQ(count(page, "<tr><th>load</th><td>12.500</td></tr>"), 2u);
  EXPECT_EQ(count(page, "<tr><th>first inference</th><td>30.250</td></tr>"), 2u);
  EXPECT_EQ(count(page, "<tr><th>peak RSS</th><td>64.0</td></tr>"), 2u);
  EXPECT_EQ(count(page, "<tr><th>RSS growth</th><td>1.5</td></tr>"), 2u);
  EXPECT_NE(page.find("Not stable: the last three of 7 windows"), std::string::npos);
  // 5 calls in 20 ms: 250/s; 4 calls in 10 ms: 400/s.
  EXPECT_NE(page.find("<td>250.0</td><td>250.0</td>"), std::string::npos);
  EXPECT_NE(page.find("<td>400.0</td><td>400.0</td>"), std::string::npos);
  for (const char* s : {"nnport</th><td>0.1.0 (abc1234)", "onnxruntime 1.17.1", "avx2 avx512f",
                        "usable CPUs</th><td>2<", "2024-05-01T12:00:00Z"})
    EXPECT_NE(page.find(s), std::string::npos) << s;
}

TEST(ReportHtml, NoSamplesSaysSoInsteadOfAChart) {
  Report rep = two_runs();
  for (bench::Run& r : rep.runs) r.forward_samples_ms.clear(), r.forward = r.execute = {};
  const std::string page = report_html(rep);
  EXPECT_EQ(page.find("<svg"), std::string::npos);
  EXPECT_NE(page.find("No forward samples were recorded"), std::string::npos);
  EXPECT_EQ(lower(page).find("nan"), std::string::npos);

  rep.runs.clear();
  const std::string none = report_html(rep);
  EXPECT_NE(none.find("The report has no runs."), std::string::npos);
  EXPECT_EQ(none.find("<svg"), std::string::npos);
}

TEST(ReportHtml, OneRunWithoutSamplesBesideOneWith) {
  Report rep = two_runs();
  rep.runs[1].forward_samples_ms.clear();
  const std::string svg = svg_of(report_html(rep));
  EXPECT_EQ(count(svg, "<g class=\"run\""), 2u);
  EXPECT_NE(run_group(svg, 1).find(">no samples</text>"), std::string::npos);
  expect_finite_svg(svg);
}

TEST(ReportHtml, OneSampleAndAllEqualDrawFiniteBoxes) {
  Report rep = two_runs();
  rep.runs[0].forward_samples_ms = {7.25};
  rep.runs[1].forward_samples_ms = {7.25, 7.25, 7.25};
  const std::string svg = svg_of(report_html(rep));
  expect_finite_svg(svg);
  EXPECT_NE(run_group(svg, 0).find("p50 7.250 ms \u00b7 p99 7.250 ms"), std::string::npos);
  // A zero-width box is widened to 2 units so it shows.
  EXPECT_EQ(count(svg, "width=\"2.00\" height=\"16.00\""), 2u);
  // The axis still has several distinct ticks around the value.
  EXPECT_GE(count(svg, "text-anchor=\"middle\">7."), 3u);
}

TEST(ReportHtml, HugeOutlierClipsTheAxisAndSaysSo) {
  Report rep = two_runs();
  std::vector<double> s;
  for (int i = 0; i < 999; ++i) s.push_back(10 + 0.01 * (i % 100));
  s.push_back(1e6);  // one stall of 17 minutes
  rep.runs[0].forward_samples_ms = s;
  rep.runs[1].forward_samples_ms = {9, 10, 11, std::nan(""), INFINITY};
  const std::string page = report_html(rep);
  const std::string svg = svg_of(page);
  expect_finite_svg(svg);
  EXPECT_NE(page.find("Axis clipped at "), std::string::npos);
  EXPECT_NE(page.find("1 call lies beyond it"), std::string::npos);
  EXPECT_NE(page.find("the slowest took 1000000.000 ms"), std::string::npos);
  EXPECT_NE(run_group(svg, 0).find(">+1</text>"), std::string::npos);
  EXPECT_NE(page.find("2 non-finite samples"), std::string::npos);
  // The axis ends near 11 ms, not near 1e6: no tick label beyond 100.
  const std::regex tick("text-anchor=\"middle\">([0-9.]+)</text>");
  int ticks = 0;
  for (std::sregex_iterator it(svg.begin(), svg.end(), tick), end; it != end; ++it, ++ticks)
    EXPECT_LT(std::stod((*it)[1]), 100) << (*it)[1];
  EXPECT_GE(ticks, 3);
}

TEST(ReportHtml, ManySamplesAreThinnedToAFixedNumberOfDots) {
  Report rep = two_runs();
  std::vector<double> s;
  for (int i = 0; i < 10000; ++i) s.push_back(5 + (i % 997) * 0.001);
  rep.runs[0].forward_samples_ms = s;
  const std::string svg = svg_of(report_html(rep));
  EXPECT_EQ(count(run_group(svg, 0), "<circle"), 2000u);
  expect_finite_svg(svg);
}

TEST(ReportHtml, SameBackendTwiceSharesOneColorAndLegendEntry) {
  Report rep = two_runs();
  rep.runs[1].backend = "onnxruntime";
  rep.runs[1].concurrency = 4;
  const std::string svg = svg_of(report_html(rep));
  const std::regex color("data-color=\"(#[0-9a-f]{6})\"");
  std::smatch m0, m1;
  const std::string g0 = run_group(svg, 0), g1 = run_group(svg, 1);
  ASSERT_TRUE(std::regex_search(g0, m0, color));
  ASSERT_TRUE(std::regex_search(g1, m1, color));
  EXPECT_EQ(m0[1].str(), m1[1].str());
  EXPECT_EQ(count(svg, "<rect x="), 1u);  // one legend swatch
  EXPECT_NE(g1.find("\u00b7 c4</text>"), std::string::npos);
}

}  // namespace
}  // namespace nnport::bench
