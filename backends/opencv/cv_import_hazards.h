// Graphs OpenCV 4.6's ONNX importer crashes on (SIGSEGV, not an exception),
// found before it loads them so that conversion fails or avoids them
// instead of taking the process down.
//
// CELU as ONNX expands it, Mul(alpha, Elu(Div(x, alpha))): OpenCV fuses this
// pattern into its Celu layer and reads alpha from Constant nodes only; when
// either alpha is an initializer (which the rewrite fold_constants makes of
// every Constant node) the importer crashes. Found on the ONNX test
// test_celu_expanded after fold_constants; checked by hand with the two
// alphas as Constant nodes (imports), as initializers, one of each, shared or
// separate (crash), and with the Mul's operands swapped (no fusion, imports).
#ifndef NNPORT_BACKENDS_OPENCV_CV_IMPORT_HAZARDS_H_
#define NNPORT_BACKENDS_OPENCV_CV_IMPORT_HAZARDS_H_

#include <optional>
#include <string>

#include "nnport/onnx_model.h"
#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {

// The first such CELU pattern with an initializer alpha, described with its
// node names for an error message; nullopt when the model has none.
std::optional<std::string> find_celu_with_initializer_alpha(const OnnxModelInfo& info);

// Throws plugin::Error(NNPORT_UNIMPLEMENTED) naming model_path and the
// pattern when the model has one of the graphs above.
void require_no_import_hazard(const OnnxModelInfo& info, const std::string& model_path);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_IMPORT_HAZARDS_H_
