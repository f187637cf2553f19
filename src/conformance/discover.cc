// Finding the suite's tests: folders that hold a model.onnx, grouped by
// their parent folder, filtered by a regex on the name.
#include <algorithm>
#include <filesystem>
#include <regex>

#include "nnport/conformance.h"

namespace nnport::conformance {
namespace fs = std::filesystem;

namespace {

bool is_test_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "model.onnx", ec);
}

std::vector<fs::path> sorted_subdirs(const fs::path& dir) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec)) dirs.push_back(it->path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

void add_group(const fs::path& group_dir, std::vector<TestCase>& tests) {
  for (const auto& d : sorted_subdirs(group_dir))
    if (is_test_dir(d))
      tests.push_back({d.filename().string(), group_dir.filename().string(), d.string()});
}

}  // namespace

std::string_view status_name(TestStatus status) {
  switch (status) {
    case TestStatus::kPass:
      return "pass";
    case TestStatus::kFail:
      return "fail";
    case TestStatus::kError:
      return "error";
    case TestStatus::kSkip:
      return "skip";
  }
  return "error";
}

Result<std::vector<TestCase>> discover(const std::string& suite, const std::string& filter) {
  std::regex re;
  try {
    re = std::regex(filter, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return invalid_argument("--filter '" + filter + "' is not a valid regular expression (" +
                            e.what() + "); e.g. --filter '^test_(relu|add)$'");
  }
  std::error_code ec;
  const fs::path root = fs::path(suite).lexically_normal();
  if (!fs::exists(root, ec))
    return not_found("suite '" + suite + "' does not exist; install Debian's libonnx-testdata (" +
                     kDefaultSuite + ") or pass --suite DIR");
  if (!fs::is_directory(root, ec))
    return invalid_argument("suite '" + suite +
                            "' is not a folder; pass the folder that holds the test folders "
                            "(each with a model.onnx)");

  std::vector<TestCase> tests;
  const fs::path canonical = fs::weakly_canonical(root, ec);
  const fs::path root_for_name = root.filename().empty() ? root.parent_path() : root;
  if (is_test_dir(root)) {
    tests.push_back({root_for_name.filename().string(),
                     root_for_name.parent_path().filename().string(), root.string()});
  } else if (canonical == fs::weakly_canonical(kDefaultSuite, ec)) {
    for (const char* g : kDefaultGroups) add_group(root / g, tests);
  } else {
    add_group(root_for_name, tests);
    for (const auto& d : sorted_subdirs(root))
      if (!is_test_dir(d)) add_group(d, tests);
  }
  if (tests.empty())
    return not_found("suite '" + suite +
                     "' holds no tests: no folder in it (or one level deeper) has a model.onnx");

  std::vector<TestCase> kept;
  for (auto& t : tests)
    if (filter.empty() || std::regex_search(t.name, re) ||
        std::regex_search(t.group + "/" + t.name, re))
      kept.push_back(std::move(t));
  if (kept.empty())
    return not_found("--filter '" + filter + "' matches none of the " +
                     std::to_string(tests.size()) + " tests in '" + suite +
                     "' (it is matched against the test name, e.g. test_add, and group/name, "
                     "e.g. node/test_add)");
  return kept;
}

}  // namespace nnport::conformance
