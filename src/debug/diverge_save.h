// Internal to libnnport: `debug diverge --save DIR`, what a user attaches
// to a bug report — the smallest prefix that parts, its inputs, the report.
#ifndef NNPORT_SRC_DEBUG_DIVERGE_SAVE_H_
#define NNPORT_SRC_DEBUG_DIVERGE_SAVE_H_

#include <string>

#include "nnport/diverge.h"

namespace nnport::debug_internal {

// Refuse a DIR that exists and is not empty (before any work is done).
Status check_save_dir(const std::string& dir);

// DIR/prefix.onnx (the model cut after the diverging node, its diverging
// tensors the outputs), DIR/inputs/<input>.npy ('/' in names made '_';
// diverge.json maps names to files), DIR/diverge.json. Written into a
// temporary folder beside DIR and renamed into place. Returns DIR, absolute.
Result<std::string> save_diverging_prefix(const DivergeReport& report, const NamedTensors& inputs,
                                          const std::string& dir);

}  // namespace nnport::debug_internal

#endif  // NNPORT_SRC_DEBUG_DIVERGE_SAVE_H_
