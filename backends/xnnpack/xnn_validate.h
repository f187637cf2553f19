// A loaded XNNPACK model file is checked for consistency before XNNPACK
// sees it: XNNPACK's 2022 subgraph API trusts the declared shapes (it sizes
// buffers by them and reads static weights by the operator's parameters), so
// a hostile or corrupted file whose shapes disagree would make it read or
// write out of bounds. This infers each node's output shape from its inputs
// and attributes and refuses any disagreement.
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_VALIDATE_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_VALIDATE_H_

#include <string>

#include "xnn_format.h"

namespace nnport::xnn {

// Empty when the model is consistent, else what is wrong (naming the node).
// Checks value sizes, the order of definition (every input produced before
// it is read, each value produced once), each op's arity and attributes,
// weights' shapes against the op's parameters, and output shapes, for the
// dynamic batch set to 1 and to 2.
std::string find_inconsistency(const Model& model);

}  // namespace nnport::xnn

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_VALIDATE_H_
