#include "apis/owned_work_dir.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "apis/deploy_json.h"

namespace nnport::apis {
namespace fs = std::filesystem;
namespace {

constexpr size_t kShown = 5;  // entries named in the message

std::string list_some(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > kShown) s += " and " + std::to_string(names.size() - kShown) + " more";
  return s;
}

// What the folder holds, for the message, sorted (list_some names the first).
std::vector<std::string> top_entries(const fs::path& dir) {
  constexpr size_t kCounted = 100000;  // enough to say "and N more" of any real folder
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end && names.size() < kCounted;
       it.increment(ec))
    names.push_back(it->path().filename().string() + (it->is_directory(ec) ? "/" : ""));
  std::sort(names.begin(), names.end());
  return names;
}

Status refuse(const fs::path& dir, const std::string& why, const std::vector<std::string>& shown) {
  return invalid_argument("--force refused: '" + dir.string() + "' " + why + " (it holds " +
                          list_some(shown) +
                          "); --force replaces only a work dir that nnport wrote, or an empty "
                          "folder: choose another --work-dir, or move those files away yourself");
}

}  // namespace

Status check_owned_work_dir(const fs::path& dir) {
  std::error_code ec;
  auto text = read_work_dir_file(dir, kDeployJson);
  if (!text.ok())
    return refuse(dir,
                  text.status().code() == Code::kNotFound
                      ? "is not a work dir written by nnport: it has no deploy.json"
                      : "has a deploy.json nnport cannot read: " + text.status().message(),
                  top_entries(dir));
  auto parsed = parse_json_document(*text, (dir / kDeployJson).string());
  const Config d = parsed.ok() ? std::move(parsed).value() : Config();
  if (!d.is_object() || !d.contains("nnport") || !d["nnport"].is_object() ||
      !d["nnport"].contains("version"))
    return refuse(dir, "has a deploy.json that nnport did not write (no \"nnport\" marker)",
                  top_entries(dir));
  auto info = parse_deploy_json(d, dir.string(), (dir / kDeployJson).string());
  if (!info.ok())
    return refuse(dir, "has a deploy.json nnport cannot read: " + info.status().message(),
                  top_entries(dir));

  std::set<fs::path> expected = {dir / kDeployJson, dir / kDetailJson};
  for (const auto* list :
       {&info->ir_files, &info->backend_files, &info->data_files, &info->extra_files})
    for (const auto& f : *list) expected.insert(fs::path(f).lexically_normal());
  std::set<fs::path> folders;  // folders that hold an expected file
  for (const auto& f : expected)
    for (fs::path p = f.parent_path(); p != dir && p.has_relative_path(); p = p.parent_path())
      folders.insert(p);

  std::vector<std::string> unexpected;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path p = it->path().lexically_normal();
    const bool is_folder = it->is_directory(ec) && !it->is_symlink(ec);
    if (is_folder ? folders.count(p) : expected.count(p)) continue;
    unexpected.push_back(p.lexically_relative(dir).generic_string() + (is_folder ? "/" : ""));
    if (is_folder) it.disable_recursion_pending();  // one name for a whole foreign folder
  }
  if (ec)
    return refuse(dir, "cannot be listed completely (" + ec.message() + ")", top_entries(dir));
  if (!unexpected.empty()) {
    std::sort(unexpected.begin(), unexpected.end());
    return refuse(dir, "holds files that its deploy.json does not list", unexpected);
  }
  return {};
}

}  // namespace nnport::apis
