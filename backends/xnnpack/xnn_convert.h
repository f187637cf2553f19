// onnx2xnnpack: lowers an ONNX graph (NCHW) to nnport's XNNPACK model
// (NHWC, weights in XNNPACK's layout). The same walk serves to_backend and
// check_model, so the rules for what is supported live in one place.
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_CONVERT_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_CONVERT_H_

#include <string>
#include <vector>

#include "nnport/plugin_cpp.h"
#include "xnn_format.h"

namespace nnport::xnn {

struct Conversion {
  Model model;
  std::vector<plugin::NodeSupport> verdicts;  // one per ONNX node, in graph order
};

// keep_going = false (to_backend): the first node, input or output that
// cannot be mapped throws plugin::Error(NNPORT_UNIMPLEMENTED) naming it, its
// op type and why. keep_going = true (check_model): every node gets a
// verdict and nothing throws except an unreadable model.
Conversion convert_onnx(const std::string& onnx_path, bool keep_going);

}  // namespace nnport::xnn

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_CONVERT_H_
