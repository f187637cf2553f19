// A loaded nnport XNNPACK model, ready to run: one XNNPACK runtime per input
// shape (built on first use and cached, since XNNPACK fixes shapes at
// define time), NCHW <-> NHWC only at the model boundary.
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_WRAPPER_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_WRAPPER_H_

#include <memory>

#include "nnport/plugin_cpp.h"

namespace nnport::xnn {

std::unique_ptr<plugin::Wrapper> make_wrapper(const plugin::BuildArgs& args);

}  // namespace nnport::xnn

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_WRAPPER_H_
