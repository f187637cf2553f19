// Internal to libnnport: calibration inputs for int8 quantization, read one
// sample at a time (never all at once), from one of three sources:
//  1. MMDeploy's HDF5 file: datasets calib_data/end2end/<input name>/<i>;
//  2. a folder with one subfolder per model input holding 0.npy, 1.npy, ...;
//  3. a folder of images (PNG/JPEG), resized and normalized by the deploy
//     config's calib_config.image keys (docs/calibration-data.md lists them).
// Every sample holds every model input with the model's dtype, rank and
// static dims; anything else is an error naming the file.
#ifndef NNPORT_SRC_QUANTIZE_CALIB_DATA_H_
#define NNPORT_SRC_QUANTIZE_CALIB_DATA_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nnport/config.h"
#include "nnport/export.h"
#include "nnport/status.h"
#include "nnport/tensor.h"
#include "nnport/wrapper.h"

namespace nnport::quantize {

class CalibSource {
 public:
  virtual ~CalibSource() = default;
  virtual size_t size() const = 0;  // number of samples, >= 1
  // Sample `index` (< size()): one tensor per model input, in model input
  // order, checked against the model's inputs (dtype, rank, static dims).
  virtual Result<NamedTensors> read(size_t index) = 0;
  // "HDF5 file calib.h5 (64 samples)", for messages and reports.
  virtual std::string describe() const = 0;
};

// Opens PATH, telling the three kinds apart (HDF5 by its signature, a folder
// of folders, a folder of images). `inputs` are the model's inputs (from
// inspect_onnx); `deploy_cfg` is the merged deploy config (calib_config.image
// for images). Checks what can be checked without reading every sample:
// an empty source, a missing input, a gap in the numbering, every HDF5
// dataset's type and shape (metadata only), and sample 0 of a folder (read
// once more by read(0)). Errors say what is wrong, with which file, and what
// to do.
NNPORT_API Result<std::unique_ptr<CalibSource>> open_calib_data(
    const std::string& path, const std::vector<TensorInfo>& inputs, const Config& deploy_cfg);

// Writes every sample of `source` to PATH in MMDeploy's layout
// (calib_data/end2end/<input name>/<i>), through a temporary file and a
// rename: PATH is complete or untouched (an existing file is replaced only
// when every sample was written; refusing one is the caller's choice). The
// temporary goes on SIGINT/SIGTERM/SIGHUP too (remove_temporaries_on_signals).
// `progress(done, total)` may be empty.
NNPORT_API Status write_calib_hdf5(CalibSource& source, const std::vector<TensorInfo>& inputs,
                                   const std::string& path,
                                   const std::function<void(size_t, size_t)>& progress = {});

}  // namespace nnport::quantize

#endif  // NNPORT_SRC_QUANTIZE_CALIB_DATA_H_
