// The HTML report in a real browser: headless chromium renders a two-backend
// page (no network, scripts never needed), dumps its DOM and screenshots it;
// the test reads the DOM (the chart groups survived parsing, the hostile
// target stayed text) and decodes the PNG (each backend's box is painted, in
// its own row, the slower backend further right on the shared axis).
// chromium comes from scripts/setup.sh; NNPORT_SKIP_BROWSER_TEST=1 skips.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nnport/bench.h"

extern char** environ;

namespace nnport::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kWidth = 1200, kHeight = 900;
constexpr auto kTimeout = std::chrono::seconds(20);

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string find_chromium() {
  if (const char* own = std::getenv("NNPORT_CHROMIUM"); own && *own) return own;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    for (const char* name : {"chromium", "chromium-browser"})
      if (::access((fs::path(dir) / name).c_str(), X_OK) == 0) return fs::path(dir) / name;
  return "";
}

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3
};

uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// The PNGs chromium writes: 8-bit RGB or RGBA, not interlaced. Anything else
// fails the test with a reason rather than being guessed at.
bool decode_png(const std::string& file, Image& img, std::string& why) {
  const auto* d = reinterpret_cast<const uint8_t*>(file.data());
  if (file.size() < 8 || std::memcmp(d, "\x89PNG\r\n\x1a\n", 8) != 0)
    return why = "not a PNG", false;
  std::string idat;
  int color_type = -1;
  for (size_t at = 8; at + 12 <= file.size();) {
    const uint32_t len = be32(d + at);
    if (at + 12 + len > file.size()) return why = "truncated chunk", false;
    const std::string type(file, at + 4, 4);
    const uint8_t* c = d + at + 8;
    if (type == "IHDR") {
      img.width = int(be32(c));
      img.height = int(be32(c + 4));
      if (c[8] != 8 || (c[9] != 2 && c[9] != 6) || c[12] != 0)
        return why = "unsupported PNG format (depth " + std::to_string(c[8]) + ", color type " +
                     std::to_string(c[9]) + ", interlace " + std::to_string(c[12]) + ")",
               false;
      color_type = c[9];
    } else if (type == "IDAT") {
      idat.append(reinterpret_cast<const char*>(c), len);
    } else if (type == "IEND") {
      break;
    }
    at += 12 + len;
  }
  if (color_type < 0) return why = "no IHDR", false;
  const size_t bpp = color_type == 6 ? 4 : 3, stride = size_t(img.width) * bpp;
  std::vector<uint8_t> raw((stride + 1) * size_t(img.height));
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) !=
          Z_OK ||
      raw_len != raw.size())
    return why = "bad zlib stream", false;
  // Undo the per-line filters (PNG spec, section 9).
  std::vector<uint8_t> prev(stride, 0), line(stride);
  img.rgb.resize(size_t(img.width) * size_t(img.height) * 3);
  for (int y = 0; y < img.height; ++y) {
    const uint8_t* src = raw.data() + size_t(y) * (stride + 1);
    const uint8_t filter = src[0];
    for (size_t x = 0; x < stride; ++x) {
      const int a = x >= bpp ? line[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
      int pred = 0;
      switch (filter) {
        case 0:
          pred = 0;
          break;
        case 1:
          pred = a;
          break;
        case 2:
          pred = b;
          break;
        case 3:
          pred = (a + b) / 2;
          break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          return why = "bad filter " + std::to_string(filter), false;
      }
      line[x] = uint8_t(src[1 + x] + pred);
    }
    for (int x = 0; x < img.width; ++x)
      std::memcpy(&img.rgb[(size_t(y) * size_t(img.width) + size_t(x)) * 3], &line[size_t(x) * bpp],
                  3);
    prev.swap(line);
  }
  return true;
}

struct Rgb {
  int r, g, b;
};

Rgb parse_color(const std::string& hex) {  // "#rrggbb"
  const long v = std::strtol(hex.c_str() + 1, nullptr, 16);
  return {int(v >> 16 & 255), int(v >> 8 & 255), int(v & 255)};
}

// Pixels of exactly this color (+-2 for rounding), per screen row.
std::vector<int> rows_of(const Image& img, Rgb c) {
  std::vector<int> rows(size_t(img.height), 0);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const uint8_t* p = &img.rgb[(size_t(y) * size_t(img.width) + size_t(x)) * 3];
      rows[size_t(y)] +=
          std::abs(p[0] - c.r) <= 2 && std::abs(p[1] - c.g) <= 2 && std::abs(p[2] - c.b) <= 2;
    }
  return rows;
}

// Where a backend's box is on screen: rows with a solid run of its color wider
// than the legend swatch, and the mean x of those pixels.
struct Box {
  int top = -1, bottom = -1, rows = 0;
  double center_x = 0;
};

Box find_box(const Image& img, Rgb c) {
  const std::vector<int> rows = rows_of(img, c);
  Box b;
  double sum_x = 0, n = 0;
  for (int y = 0; y < img.height; ++y) {
    if (rows[size_t(y)] < 30) continue;
    if (b.top < 0) b.top = y;
    b.bottom = y;
    ++b.rows;
    for (int x = 0; x < img.width; ++x) {
      const uint8_t* p = &img.rgb[(size_t(y) * size_t(img.width) + size_t(x)) * 3];
      if (std::abs(p[0] - c.r) <= 2 && std::abs(p[1] - c.g) <= 2 && std::abs(p[2] - c.b) <= 2)
        sum_x += x, ++n;
    }
  }
  b.center_x = n > 0 ? sum_x / n : -1;
  return b;
}

// A reproducible two-backend report: onnxruntime around 5 ms, xnnpack around
// 12 ms, so the second box must sit right of the first on the shared axis.
Report report() {
  Report rep;
  rep.target = "/tmp/<script>alert(1)</script>&\"m'.onnx";
  rep.created_utc = "2024-05-01T12:00:00Z";
  rep.env.nnport_version = "0.1.0";
  rep.env.backend = "onnxruntime";
  rep.env.cpu_model = "Test CPU";
  rep.env.usable_cpus = 2;
  rep.percentiles = {50, 90, 99};
  for (auto [backend, center] : {std::pair{"onnxruntime", 5.0}, std::pair{"xnnpack", 12.0}}) {
    Run run;
    run.backend = backend;
    run.shape = "input=1x3x224x224";
    for (int i = 0; i < 200; ++i)  // a spread of +-1.5 ms, one slow call
      run.forward_samples_ms.push_back(center - 1.5 + 3.0 * ((i * 37) % 200) / 200.0);
    run.forward_samples_ms.push_back(center + 2.5);
    run.forward = run.execute = summarize(run.forward_samples_ms, rep.percentiles, 1);
    rep.runs.push_back(run);
  }
  return rep;
}

struct Chromium {
  int exit_code = -1;
  bool timed_out = false;
  std::string dom, log;
};

// chromium in its own process group (its helpers too), killed as a group on
// timeout and once it is done, so nothing outlives the test.
Chromium run_chromium(const std::string& exe, const fs::path& dir, const fs::path& page) {
  const std::vector<std::string> args = {
      exe,
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-extensions",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--mute-audio",
      "--hide-scrollbars",
      "--force-color-profile=srgb",  // colors as written, for the pixel check
      "--force-device-scale-factor=1",
      "--user-data-dir=" + (dir / "profile").string(),
      "--window-size=" + std::to_string(kWidth) + "," + std::to_string(kHeight),
      "--screenshot=" + (dir / "shot.png").string(),
      "--dump-dom",
      "file://" + page.string(),
  };
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string out = (dir / "dom.html").string(), err = (dir / "chromium.log").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  Chromium r;
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, exe.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    r.log = "posix_spawn " + exe + ": " + std::strerror(rc);
    return r;
  }
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      r.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(-pid, SIGKILL);  // helpers left in the group, if any
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.dom = slurp(out);
  r.log = slurp(err);
  return r;
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

std::string tail(const std::string& s, size_t n = 2000) {
  return s.size() > n ? "..." + s.substr(s.size() - n) : s;
}

TEST(ReportHtmlBrowser, ChromiumRendersOneBoxPerBackendOnTheSharedAxis) {
  if (const char* skip = std::getenv("NNPORT_SKIP_BROWSER_TEST"); skip && std::string(skip) == "1")
    GTEST_SKIP() << "NNPORT_SKIP_BROWSER_TEST=1";
  const std::string exe = find_chromium();
  ASSERT_FALSE(exe.empty())
      << "chromium not found on PATH: the HTML report's browser test needs it. Run "
         "scripts/setup.sh (it installs chromium), or set NNPORT_SKIP_BROWSER_TEST=1 to skip.";

  std::string tmpl = (fs::temp_directory_path() / "nnport_html_browser_XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const fs::path dir = tmpl, page = dir / "report.html";
  const Report rep = report();
  std::ofstream(page, std::ios::binary) << report_html(rep);
  // Keep the evidence when something fails; otherwise leave nothing behind.
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      if (::testing::Test::HasFailure()) {
        std::fprintf(stderr, "browser test artifacts kept in %s\n", dir.c_str());
        fs::remove_all(dir / "profile");
      } else {
        fs::remove_all(dir);
      }
    }
  } cleanup{dir};
  const Chromium c = run_chromium(exe, dir, page);

  ASSERT_FALSE(c.timed_out) << "chromium took over 20 s\n" << tail(c.log);
  ASSERT_EQ(c.exit_code, 0) << tail(c.log);

  // The DOM after parsing: both chart groups in order, the hostile target
  // still text (escaped), and no script element anywhere.
  ASSERT_NE(c.dom.find("<svg"), std::string::npos) << tail(c.dom);
  EXPECT_EQ(count(c.dom, "<g class=\"run\""), 2u);
  EXPECT_LT(c.dom.find("data-backend=\"onnxruntime\""), c.dom.find("data-backend=\"xnnpack\""));
  EXPECT_EQ(count(c.dom, "<script"), 0u);
  EXPECT_NE(c.dom.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(count(c.dom, "<circle"), 2u * 201u);

  // The colors the page gave each backend, as the browser saw them.
  const std::regex color_re("data-backend=\"([^\"]+)\" data-color=\"(#[0-9a-f]{6})\"");
  std::vector<std::pair<std::string, std::string>> colors;
  for (std::sregex_iterator it(c.dom.begin(), c.dom.end(), color_re), end; it != end; ++it)
    colors.emplace_back((*it)[1], (*it)[2]);
  ASSERT_EQ(colors.size(), 2u);

  Image img;
  std::string why;
  ASSERT_TRUE(decode_png(slurp(dir / "shot.png"), img, why)) << why << "\n" << tail(c.log);
  ASSERT_EQ(img.width, kWidth);
  ASSERT_EQ(img.height, kHeight);

  // Each backend's box: painted in its color, about 16 px tall (the SVG's box
  // height at scale 1), wide enough to be the box and not the legend swatch.
  std::vector<Box> boxes;
  for (const auto& [backend, color] : colors) {
    const Box b = find_box(img, parse_color(color));
    EXPECT_GE(b.rows, 10) << backend << " (" << color << "): its box is not on screen";
    EXPECT_LE(b.bottom - b.top, 30) << backend << ": rows of its color spread over the page";
    boxes.push_back(b);
  }
  // Side by side: one row each, in report order, not overlapping; and on the
  // shared axis the slower backend (xnnpack, ~12 ms) sits right of ~5 ms.
  EXPECT_LT(boxes[0].bottom, boxes[1].top);
  EXPECT_LT(boxes[0].center_x + 100, boxes[1].center_x)
      << boxes[0].center_x << " vs " << boxes[1].center_x;
  // The counter does not match just anything: magenta is nowhere on the page.
  int magenta = 0;
  for (int n : rows_of(img, {255, 0, 255})) magenta += n;
  EXPECT_EQ(magenta, 0);
}

}  // namespace
}  // namespace nnport::bench
