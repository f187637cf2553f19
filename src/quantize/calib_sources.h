// Internal to src/quantize: the three kinds of calibration source behind
// open_calib_data, and the check every sample's tensors pass.
#ifndef NNPORT_SRC_QUANTIZE_CALIB_SOURCES_H_
#define NNPORT_SRC_QUANTIZE_CALIB_SOURCES_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "nnport/config.h"
#include "nnport/status.h"
#include "nnport/tensor.h"
#include "nnport/wrapper.h"
#include "quantize/calib_data.h"

namespace nnport::quantize::detail {

// `tensor` against model input `info`: dtype, rank, static dims (< 0 free).
// `where` names the file (and dataset) in the message.
Status check_sample_tensor(const Tensor& tensor, const TensorInfo& info, const std::string& where);

// Opened by open_calib_data once it knows the kind. `path` exists.
Result<std::unique_ptr<CalibSource>> open_npy_folder(const std::filesystem::path& path,
                                                     const std::vector<TensorInfo>& inputs);
Result<std::unique_ptr<CalibSource>> open_hdf5_file(const std::filesystem::path& path,
                                                    const std::vector<TensorInfo>& inputs);
// `images`: the folder's image files, sorted by name, at least one.
Result<std::unique_ptr<CalibSource>> open_image_folder(const std::filesystem::path& path,
                                                       std::vector<std::filesystem::path> images,
                                                       const std::vector<TensorInfo>& inputs,
                                                       const Config& deploy_cfg);

// By extension: .png, .jpg, .jpeg in any case.
bool is_image_file(const std::filesystem::path& path);

// The forms open_calib_data takes, for the end of an error message.
std::string calib_data_forms_hint();

}  // namespace nnport::quantize::detail

#endif  // NNPORT_SRC_QUANTIZE_CALIB_SOURCES_H_
