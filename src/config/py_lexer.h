// Tokenizer for the Python-literal subset that deploy configs are written in.
// It knows Python's lexical rules (strings with prefixes and escapes, number
// forms, brackets spanning lines, comments, backslash continuation) so that
// errors point at the right line and column; what is allowed is decided by
// the parser.
#ifndef NNPORT_SRC_CONFIG_PY_LEXER_H_
#define NNPORT_SRC_CONFIG_PY_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nnport/status.h"

namespace nnport::config_detail {

enum class TokKind {
  kName,     // identifier or keyword
  kInt,      // int_value
  kFloat,    // float_value
  kString,   // text: the decoded value
  kBaseRef,  // {{_base_.a.b}}; text: the whole reference, normalized
  kOp,       // text: the operator or bracket
  kNewline,  // end of a logical line (outside brackets)
  kEnd,
  kError,  // text: the lexer's complete message; always the last token
};

struct Token {
  TokKind kind = TokKind::kEnd;
  std::string text;
  int64_t int_value = 0;
  double float_value = 0.0;
  int line = 1;
  int col = 1;  // 1-based, in bytes
};

// "ORIGIN:LINE:COL: MESSAGE" as an invalid-argument status.
Status syntax_error(const std::string& origin, int line, int col, std::string_view message);

// The standard complaint for a construct outside the subset.
Status not_allowed(const std::string& origin, int line, int col, std::string_view construct);

// Splits text into tokens ending with kEnd. A lexical error ends the list
// with a kError token instead, so that the parser reports an earlier error
// first (as Python's lazy tokenizer does); its text names origin, line, column.
std::vector<Token> tokenize(std::string_view text, const std::string& origin);

// Appends code point cp (at most U+10FFFF, not a surrogate) as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

// True when s is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace nnport::config_detail

#endif  // NNPORT_SRC_CONFIG_PY_LEXER_H_
