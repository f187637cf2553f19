// Which ONNX op types OpenCV 4.6's ONNX importer knows: a static table,
// measured by importing every single-op model of the ONNX node test suite
// (/usr/share/libonnx-testdata/data/node) into OpenCV 4.6.0. It is not asked
// of the OpenCV library at run time (OpenCV has no API for it); another
// OpenCV version may know more or fewer ops.
#ifndef NNPORT_BACKENDS_OPENCV_CV_OP_TABLE_H_
#define NNPORT_BACKENDS_OPENCV_CV_OP_TABLE_H_

#include <string_view>

namespace nnport::cv_backend {

enum class OpSupport {
  kUnknown,      // the importer has no layer for it: "Can't create layer"
  kYes,          // imported in the tests as exported
  kConstInputs,  // known, but the importer needs some inputs to be constants
                 // (initializers), or a particular form (opset, attributes)
};

// For an op of the default ONNX domain.
OpSupport opencv_op_support(std::string_view op_type);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_OP_TABLE_H_
