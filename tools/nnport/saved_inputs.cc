// `--save-inputs DIR` / `--input-dir DIR`: pin the data of a run or a
// comparison so that it can be repeated exactly, on this machine or another.
#include "saved_inputs.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

#include "cli.h"
#include "nnport/config.h"
#include "nnport/did_you_mean.h"
#include "nnport/npy.h"

namespace nnport::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kManifestKey = "nnport_saved_inputs";

Result<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot read '" + path.string() + "'");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A file name that stays inside the folder: no separator, not "." or "..".
bool plain_file_name(const std::string& file) {
  return !file.empty() && file != "." && file != ".." &&
         file.find_first_of("/\\") == std::string::npos && file.find('\0') == std::string::npos;
}

// (name, file) of each input the manifest lists, in its order.
Result<std::vector<std::pair<std::string, std::string>>> read_manifest(const fs::path& dir) {
  const fs::path path = dir / kInputsManifest;
  NNPORT_ASSIGN_OR_RETURN(std::string text, read_text(path));
  auto doc = parse_json_document(text, path.string());
  const std::string what = "'" + path.string() + "' is not a manifest of --save-inputs";
  if (!doc.ok()) return invalid_argument(what + ": " + doc.status().message());
  if (!doc->is_object() || !doc->contains(kManifestKey) || !(*doc)["inputs"].is_array())
    return invalid_argument(what + " (no \"" + kManifestKey + "\" and \"inputs\" list)");
  std::vector<std::pair<std::string, std::string>> entries;
  std::set<std::string> names, files;  // sets, not a scan of entries: 100,000 inputs happen
  for (const auto& e : (*doc)["inputs"]) {
    if (!e.is_object() || !e.contains("name") || !e["name"].is_string() || !e.contains("file") ||
        !e["file"].is_string())
      return invalid_argument(what + ": each input needs a \"name\" and a \"file\"");
    std::string name = e["name"], file = e["file"];
    if (!plain_file_name(file))
      return invalid_argument(what + ": file '" + file + "' of input '" + name +
                              "' is not a plain file name in that folder");
    if (!names.insert(name).second || !files.insert(file).second)
      return invalid_argument(what + ": input '" + name + "' or file '" + file +
                              "' is listed twice");
    entries.emplace_back(name, file);
  }
  return entries;
}

// An earlier save: only plain files, and either a manifest listing all of
// them or the marker of an unfinished save beside .npy files (and
// write_npy's temporaries "X.npy.tmp.PID.N" of a killed one).
bool holds_only_a_save(const fs::path& dir, const std::vector<fs::path>& entries) {
  std::set<std::string> ours = {kInputsManifest, kUnfinishedMarker};
  const bool unfinished = fs::exists(dir / kUnfinishedMarker);
  if (!unfinished) {
    auto manifest = read_manifest(dir);
    if (!manifest.ok()) return false;
    for (const auto& [name, file] : *manifest) ours.insert(file);
  }
  for (const auto& e : entries) {
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(e, ec))) return false;
    const std::string file = e.filename().string();
    if (ours.count(file)) continue;
    const bool npy = file.size() > 4 && file.compare(file.size() - 4, 4, ".npy") == 0;
    if (unfinished && (npy || file.find(".npy.tmp.") != std::string::npos)) continue;
    return false;
  }
  return true;
}

Status write_manifest(const fs::path& dir, const NamedTensors& inputs,
                      const std::vector<std::string>& files) {
  Config list = Config::array();
  size_t k = 0;
  for (const auto& [name, t] : inputs)
    list.push_back({{"name", name},
                    {"file", files[k++]},
                    {"dtype", std::string(dtype_name(t.dtype()))},
                    {"shape", shape_json(t.shape())}});
  const Config doc = {{kManifestKey, 1}, {"inputs", list}};
  const fs::path path = dir / kInputsManifest, tmp = dir / (std::string(kInputsManifest) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << doc.dump(2, ' ', false, Config::error_handler_t::replace) << "\n";
    out.flush();
    if (!out) return invalid_argument("cannot write '" + tmp.string() + "'");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return invalid_argument("cannot write '" + path.string() + "': " + ec.message());
  return {};
}

}  // namespace

void add_save_inputs_option(CLI::App& sub, std::string& dir) {
  sub.add_option("--save-inputs", dir,
                 "write the inputs used into DIR (NAME.npy each, and inputs.json) so that "
                 "--input-dir DIR repeats the run exactly; DIR must be new, empty or an earlier "
                 "save")
      ->type_name("DIR");
}

Status save_inputs(const std::string& dir_arg, const NamedTensors& inputs) {
  const fs::path dir(dir_arg);
  const std::string where = "--save-inputs '" + dir_arg + "': ";
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    return invalid_argument(where + "exists and is not a folder: choose a new folder");
  std::vector<fs::path> entries;
  if (fs::is_directory(dir, ec))
    for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path());
  if (!entries.empty() && !holds_only_a_save(dir, entries)) {
    std::vector<std::string> names;
    for (const auto& e : entries) names.push_back("'" + e.filename().string() + "'");
    if (names.size() > 5) names.resize(5), names.push_back("...");
    return invalid_argument(
        where + "the folder is not empty and is not an earlier --save-inputs (" +
        join(names, ", ") + "): choose a new or empty folder; nothing was written");
  }
  fs::create_directories(dir, ec);
  if (ec)
    return invalid_argument(where + "cannot create the folder: " + ec.message() +
                            "; choose a writable one");
  // Marker first: until the manifest is in place the folder reads as unfinished.
  std::ofstream(dir / kUnfinishedMarker) << "nnport is writing inputs here\n";
  if (!fs::exists(dir / kUnfinishedMarker))
    return invalid_argument(where + "cannot write into the folder; choose a writable one");
  for (const auto& e : entries)
    if (e.filename() != kUnfinishedMarker) fs::remove(e, ec);
  std::vector<std::string> names;
  for (const auto& [name, t] : inputs) names.push_back(name);
  const std::vector<std::string> files = output_file_names(names);
  size_t k = 0;
  for (const auto& [name, t] : inputs) {
    Status s = write_npy((dir / files[k++]).string(), t);
    if (!s.ok()) return s.with_context(where + "input '" + name + "'");
  }
  NNPORT_RETURN_IF_ERROR(write_manifest(dir, inputs, files));
  fs::remove(dir / kUnfinishedMarker, ec);
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> saved_input_files(
    const std::string& dir_arg, const std::vector<std::string>& input_names) {
  const fs::path dir(dir_arg);
  const std::string where = "--input-dir '" + dir_arg + "': ";
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return not_found(where + "no such folder; give the folder --save-inputs wrote");
  if (fs::exists(dir / kUnfinishedMarker, ec))
    return invalid_argument(where +
                            "an unfinished --save-inputs (it was interrupted): save the "
                            "inputs again");
  const std::string list = join(input_names, ", ");
  auto unknown = [&](const std::string& what, const std::string& name) {
    return invalid_argument(where + what + " names no input of the model" +
                            did_you_mean(name, input_names) + "; the model's inputs are " + list);
  };
  std::vector<std::pair<std::string, std::string>> found;
  if (fs::exists(dir / kInputsManifest, ec)) {
    NNPORT_ASSIGN_OR_RETURN(auto entries, read_manifest(dir));
    const std::set<std::string_view> known(input_names.begin(), input_names.end());
    for (const auto& [name, file] : entries) {
      if (known.count(name) == 0)
        return unknown("input '" + name + "' of " + kInputsManifest, name);
      found.emplace_back(name, (dir / file).string());
    }
  } else {  // a folder of NAME.npy, e.g. a test model's inputs/
    const std::vector<std::string> files = output_file_names(input_names);
    std::set<std::string> matched;
    for (size_t i = 0; i < input_names.size(); ++i)
      if (fs::exists(dir / files[i], ec)) {
        found.emplace_back(input_names[i], (dir / files[i]).string());
        matched.insert(files[i]);
      }
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string file = e.path().filename().string();
      if (e.path().extension() == ".npy" && !matched.count(file))
        return unknown("file '" + file + "'", e.path().stem().string());
    }
  }
  if (found.empty())
    return not_found(where + "holds no input file (" + kInputsManifest + " or NAME.npy for " +
                     list + ")");
  return found;
}

}  // namespace nnport::cli
