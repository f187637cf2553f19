// Graphs OpenCV 4.6 crashes on (SIGSEGV, not an exception) when importing
// or running them, found before it loads them so that conversion fails or
// avoids them instead of taking the process down.
//
// CELU as ONNX expands it, Mul(alpha, Elu(Div(x, alpha))): OpenCV fuses this
// pattern into its Celu layer and reads alpha from Constant nodes only; when
// either alpha is an initializer (which the rewrite fold_constants makes of
// every Constant node) the importer crashes. Found on the ONNX test
// test_celu_expanded after fold_constants; checked by hand with the two
// alphas as Constant nodes (imports), as initializers, one of each, shared or
// separate (crash), and with the Mul's operands swapped (no fusion, imports).
//
// Dropout's mask output (output 1) read by the graph: OpenCV's Dropout layer
// has one output, so the mask is memory it never writes. The ONNX tests
// test_dropout_default_mask crash; the other *_mask tests return arbitrary
// values (4e21, 1e-38, a different one each run).
#ifndef NNPORT_BACKENDS_OPENCV_CV_CRASH_PATTERNS_H_
#define NNPORT_BACKENDS_OPENCV_CV_CRASH_PATTERNS_H_

#include <optional>
#include <string>
#include <vector>

#include "nnport/onnx_model.h"
#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {

struct CrashPattern {
  size_t node = 0;          // index in info.nodes of the node OpenCV fails on
  std::string description;  // the nodes and what about them, for messages
  std::string why;          // what OpenCV does with it and what to do instead
};

// The first CELU pattern above with an initializer alpha (node: its Mul).
std::optional<CrashPattern> find_celu_with_initializer_alpha(const OnnxModelInfo& info);

// The first Dropout whose mask output is a graph output or another node's
// input (node: the Dropout).
std::optional<CrashPattern> find_dropout_mask_read(const OnnxModelInfo& info);

// Every pattern above that the model has (for check_model).
std::vector<CrashPattern> find_crash_patterns(const OnnxModelInfo& info);

// Throws plugin::Error(NNPORT_UNIMPLEMENTED) naming model_path and the
// first pattern when the model has one of the graphs above.
void require_no_crash_pattern(const OnnxModelInfo& info, const std::string& model_path);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_CRASH_PATTERNS_H_
