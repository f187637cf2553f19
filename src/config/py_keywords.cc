#include "config/py_keywords.h"

namespace nnport::config_detail {

// Python keywords and what to call them in an error.
const std::map<std::string, std::string, std::less<>>& keyword_constructs() {
  static const std::map<std::string, std::string, std::less<>> kMap = {
      {"import", "import"},
      {"from", "import"},
      {"def", "a function definition"},
      {"class", "a class definition"},
      {"if", "an 'if' statement"},
      {"elif", "an 'if' statement"},
      {"else", "an 'if' statement"},
      {"for", "a loop"},
      {"while", "a loop"},
      {"with", "a 'with' statement"},
      {"try", "a 'try' statement"},
      {"except", "a 'try' statement"},
      {"finally", "a 'try' statement"},
      {"return", "'return'"},
      {"del", "'del'"},
      {"global", "'global'"},
      {"nonlocal", "'nonlocal'"},
      {"assert", "'assert'"},
      {"raise", "'raise'"},
      {"pass", "'pass'"},
      {"break", "'break'"},
      {"continue", "'continue'"},
      {"yield", "'yield'"},
      {"async", "'async'"},
      {"await", "'await'"},
      {"lambda", "a lambda"},
      {"not", "a boolean operator ('not')"},
      {"and", "a boolean operator ('and')"},
      {"or", "a boolean operator ('or')"},
      {"in", "a comparison ('in')"},
      {"is", "a comparison ('is')"},
  };
  return kMap;
}

}  // namespace nnport::config_detail
