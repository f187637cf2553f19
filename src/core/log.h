// The host's log: what plugins reach through nnport_host.log, and what the
// core itself uses. Lines go to stderr as "[nnport:<level>] message" when
// level >= NNPORT_LOG_LEVEL (debug, info, warning, error or a number;
// default warning).
#ifndef NNPORT_CORE_LOG_H_
#define NNPORT_CORE_LOG_H_

#include <string_view>

#include "nnport/plugin.h"

namespace nnport::core {

int log_threshold();
// Parses "debug" / "INFO" / "30"; returns fallback when text is unknown.
int parse_log_level(std::string_view text, int fallback);
void log(int level, std::string_view message);
// The nnport_host handed to every plugin's entry point.
const nnport_host* host();

}  // namespace nnport::core

#endif  // NNPORT_CORE_LOG_H_
