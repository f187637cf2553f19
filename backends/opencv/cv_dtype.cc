#include "cv_dtype.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>

#include "nnport/tensor.h"

namespace nnport::cv_backend {
namespace {

using plugin::Error;

std::string type_name(nnport_dtype dtype) {
  return std::string(dtype_name(static_cast<DType>(dtype)));
}

// OpenCV's Mat depth for the types it can convert itself (not int64).
int cv_depth(nnport_dtype dtype) {
  switch (dtype) {
    case NNPORT_DTYPE_FLOAT32:
      return CV_32F;
    case NNPORT_DTYPE_FLOAT64:
      return CV_64F;
    case NNPORT_DTYPE_FLOAT16:
      return CV_16F;
    case NNPORT_DTYPE_INT32:
      return CV_32S;
    case NNPORT_DTYPE_INT8:
      return CV_8S;
    case NNPORT_DTYPE_UINT8:
    case NNPORT_DTYPE_BOOL:  // one byte, 0 or 1
      return CV_8U;
    default:
      return -1;
  }
}

// 2^24: every integer up to it in magnitude is a float32.
constexpr int64_t kExactInFloat = int64_t{1} << 24;

template <typename Int>
cv::Mat ints_as_float(const nnport_tensor& t, const std::vector<int>& sizes) {
  cv::Mat out(static_cast<int>(sizes.size()), sizes.data(), CV_32F);
  const auto* in = static_cast<const Int*>(t.data);
  auto* f = out.ptr<float>();
  for (size_t i = 0; i < out.total(); ++i) {
    const int64_t v = in[i];
    if (v > kExactInFloat || v < -kExactInFloat) {
      throw Error(NNPORT_INVALID_ARGUMENT,
                  "opencv: input '" + std::string(t.name) + "' element " + std::to_string(i) +
                      " is " + std::to_string(v) + ", which float32 cannot hold exactly; OpenCV " +
                      "computes in float32, so " + type_name(static_cast<nnport_dtype>(t.dtype)) +
                      " inputs must lie within +-2^24 (16777216) on this backend. Use another "
                      "backend such as onnxruntime for larger values");
    }
    f[i] = static_cast<float>(v);
  }
  return out;
}

[[noreturn]] void not_representable(const std::string& output_name, nnport_dtype dtype, size_t i,
                                    double v) {
  std::ostringstream value;
  value.precision(9);
  value << v;
  throw Error(NNPORT_UNIMPLEMENTED,
              "opencv: output '" + output_name + "' is declared " + type_name(dtype) +
                  ", but OpenCV computed " + value.str() + " at element " + std::to_string(i) +
                  ", which is not a valid " + type_name(dtype) +
                  " value: OpenCV computes every layer in float32 and does not reproduce this "
                  "op's integer semantics. nnport does not round it into one; run this model "
                  "on another backend such as onnxruntime");
}

template <typename Int>
std::vector<unsigned char> floats_as_ints(const cv::Mat& f32, nnport_dtype dtype,
                                          const std::string& output_name, double lo, double hi) {
  std::vector<unsigned char> bytes(f32.total() * sizeof(Int));
  auto* out = reinterpret_cast<Int*>(bytes.data());
  const auto* f = f32.ptr<float>();
  for (size_t i = 0; i < f32.total(); ++i) {
    const double v = f[i];
    // hi is exclusive: 2^63 itself is a float, one past int64's largest.
    if (!(v >= lo && v < hi) || std::floor(v) != v) not_representable(output_name, dtype, i, v);
    out[i] = static_cast<Int>(v);
  }
  return bytes;
}

}  // namespace

bool is_convertible(nnport_dtype dtype) {
  return dtype == NNPORT_DTYPE_INT64 || cv_depth(dtype) >= 0;
}

cv::Mat input_as_float(const nnport_tensor& t, const std::vector<int>& sizes) {
  const auto dtype = static_cast<nnport_dtype>(t.dtype);
  const int dims = static_cast<int>(sizes.size());
  switch (dtype) {
    case NNPORT_DTYPE_FLOAT32:
      return cv::Mat(dims, sizes.data(), CV_32F, t.data);
    case NNPORT_DTYPE_INT64:
      return ints_as_float<int64_t>(t, sizes);
    case NNPORT_DTYPE_INT32:
      return ints_as_float<int32_t>(t, sizes);
    default:
      break;
  }
  const int depth = cv_depth(dtype);
  if (depth < 0) {
    throw Error(NNPORT_UNIMPLEMENTED, "opencv: input '" + std::string(t.name) + "' is " +
                                          type_name(dtype) +
                                          ", which the opencv backend cannot convert to float32");
  }
  cv::Mat out;
  cv::Mat(dims, sizes.data(), depth, t.data).convertTo(out, CV_32F);
  return out;
}

std::vector<unsigned char> output_bytes(const cv::Mat& m, nnport_dtype dtype,
                                        const std::string& output_name) {
  cv::Mat f32 = m.isContinuous() ? m : m.clone();
  if (f32.depth() != CV_32F) f32.convertTo(f32, CV_32F);
  switch (dtype) {
    case NNPORT_DTYPE_INT64:
      return floats_as_ints<int64_t>(f32, dtype, output_name, -0x1p63, 0x1p63);
    case NNPORT_DTYPE_INT32:
      return floats_as_ints<int32_t>(f32, dtype, output_name, -0x1p31, 0x1p31);
    case NNPORT_DTYPE_INT8:
      return floats_as_ints<int8_t>(f32, dtype, output_name, -128, 128);
    case NNPORT_DTYPE_UINT8:
      return floats_as_ints<uint8_t>(f32, dtype, output_name, 0, 256);
    case NNPORT_DTYPE_BOOL:
      return floats_as_ints<uint8_t>(f32, dtype, output_name, 0, 2);
    default:
      break;
  }
  const int depth = cv_depth(dtype);
  if (depth < 0) {
    throw Error(NNPORT_INTERNAL, "opencv: output '" + output_name + "' is declared " +
                                     type_name(dtype) + ", which the opencv backend cannot give");
  }
  cv::Mat typed;
  f32.convertTo(typed, depth);  // float32 itself: a copy
  std::vector<unsigned char> bytes(typed.total() * typed.elemSize());
  if (!bytes.empty()) std::memcpy(bytes.data(), typed.data, bytes.size());
  return bytes;
}

}  // namespace nnport::cv_backend
