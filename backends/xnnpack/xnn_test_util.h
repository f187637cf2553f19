// The xnnpack tests' own helpers; the rest comes from tests/support.
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_TEST_UTIL_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_TEST_UTIL_H_

#include <string>
#include <vector>

#include "backend_test_util.h"
#include "nnport/status.h"

namespace nnport::xnn_test {

std::string testdata(const std::string& file);  // backends/xnnpack/testdata/<file>

// The xnnpack files converted from onnx into a fresh folder (the returned
// status carries the converter's error).
Result<std::vector<std::string>> convert(const std::string& onnx, const std::string& cfg = "{}");

}  // namespace nnport::xnn_test

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_TEST_UTIL_H_
