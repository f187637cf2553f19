// Element types between the caller and OpenCV. OpenCV 4.6's dnn computes
// every layer in float32 (and has no int64 Mats), so the wrapper takes the
// model's declared input types and hands float32 to OpenCV, and gives each
// output back as the model declares it. A conversion that would change a
// value OpenCV computed is refused, never done silently (see below).
#ifndef NNPORT_BACKENDS_OPENCV_CV_DTYPE_H_
#define NNPORT_BACKENDS_OPENCV_CV_DTYPE_H_

#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {

// The types an input may have and an output be given back as: float32,
// float64, float16, int64, int32, int8, uint8, bool.
bool is_convertible(nnport_dtype dtype);

// The input as a float32 Mat of `sizes`: a header over t.data when t is
// float32 (valid while the caller's memory is), otherwise a converted copy.
// float64 is rounded to the nearest float32 (what OpenCV computes in anyway).
// Integers and bools must come out exactly: |v| <= 2^24 always does; a
// larger int32/int64 value that float32 cannot hold (2^24 + 1, ...) throws
// INVALID_ARGUMENT naming the input and the element, because OpenCV would
// compute with a neighbouring value (an index or a count off by one).
cv::Mat input_as_float(const nnport_tensor& t, const std::vector<int>& sizes);

// OpenCV's result (any depth; float32 in practice) as `dtype`'s bytes.
// float64 and float16 are exact widening / nearest rounding. An integer or
// bool output must hold integral values in the type's range (bool: 0 or 1):
// OpenCV computes them in float, and a value such as 2.5 or 300 for uint8
// means OpenCV computed something else than the model says (no wrap-around,
// no truncation). Rounding it would hide that, so such a value throws
// UNIMPLEMENTED naming the output, the element and the value.
std::vector<unsigned char> output_bytes(const cv::Mat& m, nnport_dtype dtype,
                                        const std::string& output_name);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_DTYPE_H_
