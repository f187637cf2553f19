// Writing `debug reduce`'s folder through AtomicDir (src/apis/atomic_dir.h).
#include "debug/reduce_output.h"

#include <fstream>
#include <set>
#include <sstream>

#include "apis/atomic_dir.h"
#include "nnport/npy.h"

namespace nnport::debug_internal {
namespace fs = std::filesystem;
namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// ok when `dir` holds only what an earlier reduce wrote.
Status written_by_reduce(const fs::path& dir) {
  const std::string refuse =
      "--out " + quoted(dir) + " exists and was not written by `nnport debug reduce`";
  std::ifstream in(dir / "summary.json");
  std::stringstream text;
  text << in.rdbuf();
  auto summary = parse_json_document(text.str(), (dir / "summary.json").string());
  if (!in || !summary.ok() || !summary->is_object() || !summary->contains(kReduceMarker))
    return invalid_argument(refuse + " (no summary.json of it): choose another --out");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == "reduced.onnx" || name == "summary.json") continue;
    if (name == "inputs" && entry.is_directory()) {
      for (const auto& f : fs::directory_iterator(entry.path(), ec))
        if (f.path().extension() != ".npy")
          return invalid_argument(refuse + ": it also holds " + quoted(f.path()) +
                                  "; move that away or choose another --out");
      continue;
    }
    return invalid_argument(refuse + ": it also holds " + quoted(entry.path()) +
                            "; move that away or choose another --out");
  }
  return Status::ok_status();
}

}  // namespace

Status check_out_dir(const fs::path& dir, bool overwrite) {
  std::error_code ec;
  const auto st = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(st)) return Status::ok_status();
  if (fs::is_symlink(st) || !fs::is_directory(st))
    return invalid_argument("--out " + quoted(dir) +
                            " exists and is not a folder (or is a link): choose another --out");
  if (fs::directory_iterator(dir, ec) == fs::directory_iterator()) return Status::ok_status();
  if (!overwrite)
    return invalid_argument("--out " + quoted(dir) +
                            " exists and is not empty: pass --force to replace the result of an "
                            "earlier `nnport debug reduce`, or choose another --out");
  return written_by_reduce(dir);
}

std::map<std::string, std::string> input_files(const NamedTensors& inputs) {
  std::map<std::string, std::string> files;
  std::set<std::string> taken;
  for (const auto& [name, tensor] : inputs) {
    std::string stem = name.empty() ? "input" : name;
    for (char& c : stem)
      if (c == '/' || c == '\\') c = '_';
    if (stem[0] == '.') stem[0] = '_';
    std::string file = stem + ".npy";
    for (int i = 1; taken.contains(file); ++i) file = stem + "_" + std::to_string(i) + ".npy";
    taken.insert(file);
    files[name] = "inputs/" + file;
  }
  return files;
}

Status write_reduced(const fs::path& dir, const std::string& model, const NamedTensors& inputs,
                     Config summary, bool overwrite) {
  apis::AtomicDir out;
  NNPORT_RETURN_IF_ERROR(out.create(dir));
  std::error_code ec;
  fs::copy_file(model, out.path() / "reduced.onnx", ec);
  if (ec) return io_error("writing " + quoted(out.path() / "reduced.onnx") + ": " + ec.message());
  fs::create_directories(out.path() / "inputs", ec);
  const auto files = input_files(inputs);
  Config listed = Config::object();
  for (const auto& [name, tensor] : inputs) {
    NNPORT_RETURN_IF_ERROR(write_npy((out.path() / files.at(name)).string(), tensor));
    listed[name] = files.at(name);
  }
  summary[kReduceMarker] = 1;
  summary["inputs"] = listed;
  {
    std::ofstream json(out.path() / "summary.json");
    json << summary.dump(2) << "\n";
    if (!json.flush()) return io_error("writing " + quoted(out.path() / "summary.json"));
  }
  return out.commit(overwrite ? apis::ReplacePolicy(written_by_reduce) : apis::ReplacePolicy());
}

}  // namespace nnport::debug_internal
