// Defines an XNNPACK subgraph from nnport's XNNPACK model for one batch
// size (XNNPACK fixes every shape at define time).
#ifndef NNPORT_BACKENDS_XNNPACK_XNN_SUBGRAPH_H_
#define NNPORT_BACKENDS_XNNPACK_XNN_SUBGRAPH_H_

#include <xnnpack.h>

#include <functional>
#include <memory>
#include <string>

#include "xnn_format.h"

namespace nnport::xnn {

// xnn_initialize once per process; NNPORT_UNAVAILABLE when it fails (e.g. a
// CPU without the instructions XNNPACK needs).
void ensure_initialized();
// Same, as a yes/no with the reason (for is_available).
bool initialized(std::string* why);

// "xnn_status_invalid_parameter (2)" for error messages.
std::string status_text(xnn_status status);

using SubgraphPtr = std::unique_ptr<xnn_subgraph, decltype(&xnn_delete_subgraph)>;

// Every value gets the id of its index, all below the count handed to
// xnn_create_subgraph, so model inputs and outputs are valid external ids.
// batch replaces the dynamic dims (-1). weights gives a static value's data.
// A definition XNNPACK refuses is NNPORT_INVALID_ARGUMENT naming the node,
// with `what` (the file) in the message.
SubgraphPtr define_subgraph(const Model& model, int64_t batch,
                            const std::function<const float*(uint32_t value)>& weights,
                            const std::string& what);

}  // namespace nnport::xnn

#endif  // NNPORT_BACKENDS_XNNPACK_XNN_SUBGRAPH_H_
