// NumPy .npy files (format versions 1.0-3.0, little-endian, C order).
#ifndef NNPORT_NPY_H_
#define NNPORT_NPY_H_

#include <string>

#include "nnport/export.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport {

// A file that is not an .npy, a Fortran-order or big-endian array, an
// unsupported dtype or a truncated body is an error naming the file and what
// is wrong.
NNPORT_API Result<Tensor> read_npy(const std::string& path);
// Written atomically (temporary file, then rename).
NNPORT_API Status write_npy(const std::string& path, const Tensor& tensor);

}  // namespace nnport

#endif  // NNPORT_NPY_H_
