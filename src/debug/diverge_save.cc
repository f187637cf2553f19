#include "debug/diverge_save.h"

#include <fstream>
#include <set>

#include "apis/atomic_dir.h"
#include "nnport/npy.h"
#include "nnport/onnx_model.h"
#include "onnx/graph_cut.h"

namespace nnport::debug_internal {
namespace fs = std::filesystem;

Status check_save_dir(const std::string& dir) {
  return apis::check_target_dir(apis::work_dir_path(dir), nullptr);
}

Result<std::string> save_diverging_prefix(const DivergeReport& report, const NamedTensors& inputs,
                                          const std::string& dir) {
  std::vector<std::string> outputs;
  for (const auto& d : report.diverging) outputs.push_back(d.tensor);
  if (outputs.empty()) return invalid_argument("nothing diverged: there is no prefix to save");
  const fs::path target = apis::work_dir_path(dir);
  apis::AtomicDir tmp;
  NNPORT_RETURN_IF_ERROR(tmp.create(target));
  const std::string prefix = (tmp.path() / "prefix.onnx").string();
  NNPORT_RETURN_IF_ERROR(onnx_internal::extract_prefix(report.model, prefix, outputs));
  NNPORT_ASSIGN_OR_RETURN(OnnxModelInfo described, inspect_onnx(prefix));

  std::error_code ec;
  fs::create_directories(tmp.path() / "inputs", ec);
  if (ec)
    return io_error("cannot create '" + (tmp.path() / "inputs").string() + "': " + ec.message());
  Config files = Config::object();
  std::set<std::string> used;
  for (const auto& in : described.inputs) {
    const Tensor* t = inputs.find(in.name);
    if (t == nullptr) return internal_error("no value for the prefix's input '" + in.name + "'");
    std::string stem = in.name;
    for (char& c : stem)
      if (c == '/' || c == '\\') c = '_';
    std::string file = "inputs/" + stem + ".npy";
    for (int n = 1; !used.insert(file).second; ++n)
      file = "inputs/" + stem + "_" + std::to_string(n) + ".npy";
    NNPORT_RETURN_IF_ERROR(write_npy((tmp.path() / file).string(), *t));
    files[in.name] = file;
  }
  Config doc = diverge_report_json(report);
  doc["saved"] = {{"model", "prefix.onnx"}, {"inputs", files}};
  {
    std::ofstream out(tmp.path() / "diverge.json");
    out << doc.dump(2, ' ', false, Config::error_handler_t::replace) << "\n";
    if (!out) return io_error("cannot write diverge.json in " + tmp.path().string());
  }
  NNPORT_RETURN_IF_ERROR(tmp.commit(nullptr));
  return target.string();
}

}  // namespace nnport::debug_internal
