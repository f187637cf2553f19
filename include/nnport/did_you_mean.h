// "did you mean ...?": the nearest of a set of known names to a mistyped one,
// for commands, options, backend names and config keys alike.
#ifndef NNPORT_DID_YOU_MEAN_H_
#define NNPORT_DID_YOU_MEAN_H_

#include <string>
#include <string_view>
#include <vector>

#include "nnport/export.h"

namespace nnport {

// Levenshtein distance, case-insensitive, '_' and '-' counted as equal (so
// `--work_dir` is 0 away from `--work-dir`).
NNPORT_API size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `given`, or "" when none is close enough to be a
// typo (distance above max(2, length / 3)). Ties go to the earlier candidate,
// so a caller lists its names in the order it prefers them.
NNPORT_API std::string nearest_name(std::string_view given,
                                    const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" or "" — for the end of an error message.
NNPORT_API std::string did_you_mean(std::string_view given,
                                    const std::vector<std::string>& candidates);

}  // namespace nnport

#endif  // NNPORT_DID_YOU_MEAN_H_
