#include "quantize/lower_precision.h"

#include <filesystem>

#include "apis/deploy_json.h"
#include "onnx/onnx_io.h"
#include "quantize/calib_data.h"
#include "quantize/fp16_model.h"
#include "quantize/model_runner.h"
#include "quantize/quant_options.h"
#include "quantize/quantize_int8.h"

namespace nnport::quantize {
namespace {

namespace fs = std::filesystem;

constexpr const char* kReportFile = "quantization.json";

// --calib-data, else calib_config.calib_file (MMDeploy's: in the work dir).
Result<std::string> calib_data_path(const QuantOptions& q, const LowerArgs& a) {
  if (!a.calib_data.empty()) return a.calib_data;
  if (q.create_calib)
    return invalid_argument(
        "calib_config.create_calib=True writes the calibration data given with --calib-data "
        "into the work dir as '" +
        q.calib_file + "': pass --calib-data PATH");
  if (!q.calib_file.empty()) {
    fs::path p(q.calib_file);
    if (p.is_relative()) p = fs::path(a.work_dir) / p;
    std::error_code ec;
    if (!fs::exists(p, ec))
      return not_found("calib_config.calib_file: '" + p.string() +
                       "' does not exist (a relative calib_file is read from the work dir, as "
                       "MMDeploy does); pass --calib-data PATH instead");
    return p.string();
  }
  return invalid_argument(
      "precision='int8' needs calibration data: pass --calib-data PATH (a folder with one "
      "subfolder of 0.npy, 1.npy, ... per model input, a folder of images, or MMDeploy's HDF5 "
      "calibration file), or set calib_config.calib_file; docs/quantization.md shows each");
}

Status check_calib_file_name(const std::string& name) {
  const fs::path p(name);
  if (name.empty() || p.has_parent_path() || name == "." || name == ".." ||
      name == apis::kDeployJson || name == apis::kDetailJson || name == kReportFile)
    return invalid_argument("calib_config.calib_file = '" + name +
                            "': a calibration file kept in the work dir must have a plain file "
                            "name, not one nnport writes itself (e.g. 'calib_data.h5'); or give "
                            "an absolute path");
  return Status::ok_status();
}

Result<Lowered> lower_int8(const Config& cfg, const LowerArgs& a, Registry& registry,
                           onnx::ModelProto model, Lowered out) {
  NNPORT_ASSIGN_OR_RETURN(QuantOptions q, parse_quant_options(cfg));
  NNPORT_ASSIGN_OR_RETURN(const BackendManager* ort, registry.find("onnxruntime"));
  std::string why;
  if (!ort->is_available(false, &why))
    return unavailable(
        "int8 calibration runs the fp32 model on onnxruntime, which is not "
        "available here: " +
        why + "; run `nnport check-env`");
  NNPORT_ASSIGN_OR_RETURN(std::string calib_path, calib_data_path(q, a));
  NNPORT_ASSIGN_OR_RETURN(auto source, open_calib_data(calib_path, a.inputs, cfg));
  if (q.create_calib) {
    NNPORT_RETURN_IF_ERROR(check_calib_file_name(q.calib_file));
    const std::string file = (fs::path(a.out_dir) / q.calib_file).string();
    NNPORT_RETURN_IF_ERROR(write_calib_hdf5(*source, a.inputs, file));
    out.extra_files.push_back(file);
  } else if (a.calib_data.empty() && fs::path(q.calib_file).is_relative()) {
    // Read from the work dir this conversion replaces (--force): the new
    // one keeps it, so the same command works again.
    NNPORT_RETURN_IF_ERROR(check_calib_file_name(q.calib_file));
    const fs::path file = fs::path(a.out_dir) / q.calib_file;
    std::error_code ec;
    fs::copy_file(calib_path, file, ec);
    if (ec)
      return io_error("cannot copy the calibration file '" + calib_path + "' to '" + file.string() +
                      "': " + ec.message() + "; check the free disk space");
    out.extra_files.push_back(file.string());
  }
  NNPORT_RETURN_IF_ERROR(prepare_for_int8(model, a.model_path));
  ModelRunner runner(*ort, a.out_dir);
  NNPORT_ASSIGN_OR_RETURN(Int8Model m, quantize_int8(model, *source, q, runner, a.model_path));

  const fs::path stem = fs::path(a.ir_path).stem();
  out.model_path = (fs::path(a.out_dir) / (stem.string() + ".int8.onnx")).string();
  NNPORT_RETURN_IF_ERROR(onnx_internal::save_model(m.model, out.model_path));
  const std::string report = (fs::path(a.out_dir) / kReportFile).string();
  NNPORT_RETURN_IF_ERROR(apis::write_text_file(report, m.report.dump(2) + "\n"));
  out.extra_files.push_back(out.model_path);
  out.extra_files.push_back(report);
  for (auto& n : m.notes) out.notes.push_back(std::move(n));
  return out;
}

}  // namespace

Result<Lowered> lower_precision(const Config& cfg, const LowerArgs& a, Registry& registry) {
  Lowered out;
  out.model_path = a.ir_path;
  NNPORT_ASSIGN_OR_RETURN(out.precision, precision_of(cfg));
  if (out.precision == "fp32") return out;
  NNPORT_ASSIGN_OR_RETURN(onnx::ModelProto model, onnx_internal::load_model(a.ir_path));
  if (out.precision == "int8") return lower_int8(cfg, a, registry, std::move(model), out);

  NNPORT_ASSIGN_OR_RETURN(Fp16Options f, parse_fp16_options(get_backend_config(cfg)));
  NNPORT_RETURN_IF_ERROR(convert_to_fp16(model, f, a.model_path));
  const fs::path stem = fs::path(a.ir_path).stem();
  out.model_path = (fs::path(a.out_dir) / (stem.string() + ".fp16.onnx")).string();
  NNPORT_RETURN_IF_ERROR(onnx_internal::save_model(model, out.model_path));
  out.extra_files.push_back(out.model_path);
  return out;
}

}  // namespace nnport::quantize
