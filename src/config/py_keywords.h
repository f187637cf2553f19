// The Python keywords a config may not use, and what to call each in an
// error ("import is not allowed in a config").
#ifndef NNPORT_SRC_CONFIG_PY_KEYWORDS_H_
#define NNPORT_SRC_CONFIG_PY_KEYWORDS_H_

#include <functional>
#include <map>
#include <string>

namespace nnport::config_detail {

const std::map<std::string, std::string, std::less<>>& keyword_constructs();

}  // namespace nnport::config_detail

#endif  // NNPORT_SRC_CONFIG_PY_KEYWORDS_H_
