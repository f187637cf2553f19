#include "config/py_lexer.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace nnport::config_detail {
namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit_in_base(char c, int base) {
  if (base == 16) return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  return c >= '0' && c < static_cast<char>('0' + base);
}

// Operators longest first, so "**=" wins over "**" and "*".
constexpr std::string_view kOps[] = {
    "**=", "//=", "<<=", ">>=", "...", "**", "//", "<<", ">>", "<=", ">=", "==",
    "!=",  "->",  "+=",  "-=",  "*=",  "/=", "%=", "&=", "|=", "^=", "@=", ":=",
    "+",   "-",   "*",   "/",   "%",   "@",  "&",  "|",  "^",  "~",  "<",  ">",
    "(",   ")",   "[",   "]",   "{",   "}",  ",",  ":",  ".",  ";",  "=",
};

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& origin) : src_(text), origin_(origin) {}

  std::vector<Token> run() {
    Status st = scan();
    if (!st.ok()) push_simple(TokKind::kError, st.message(), line_, col_);
    return std::move(out_);
  }

 private:
  Status scan() {
    while (true) {
      NNPORT_RETURN_IF_ERROR(skip_blanks());
      if (pos_ >= src_.size()) break;
      char c = src_[pos_];
      if (c == '\n') {
        if (brackets_.empty() && !out_.empty() && out_.back().kind != TokKind::kNewline) {
          push_simple(TokKind::kNewline, "", line_, col_);
        }
        if (brackets_.empty()) at_line_start_ = true;
        advance(1);
        continue;
      }
      const int line = line_, col = col_;
      if (at_line_start_ && brackets_.empty() && col != 1) {
        return syntax_error(origin_, line, col,
                            "unexpected indentation (a config statement starts in column 1)");
      }
      at_line_start_ = false;
      Status st;
      if (is_name_start(c)) {
        st = lex_name_or_prefixed_string();
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && pos_ + 1 < src_.size() &&
                  std::isdigit(static_cast<unsigned char>(src_[pos_ + 1])))) {
        st = lex_number();
      } else if (c == '\'' || c == '"') {
        st = lex_string(false, line, col);
      } else if (c == '{' && try_lex_base_ref()) {
        continue;
      } else {
        st = lex_op();
      }
      NNPORT_RETURN_IF_ERROR(st);
    }
    if (!brackets_.empty()) {
      const Open& o = brackets_.back();
      return syntax_error(origin_, o.line, o.col, std::string("'") + o.c + "' was never closed");
    }
    if (!out_.empty() && out_.back().kind != TokKind::kNewline)
      push_simple(TokKind::kNewline, "", line_, col_);
    push_simple(TokKind::kEnd, "", line_, col_);
    return {};
  }
  struct Open {
    char c;
    int line, col;
  };

  void advance(size_t n) {
    for (size_t i = 0; i < n && pos_ < src_.size(); ++i, ++pos_) {
      if (src_[pos_] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
    }
  }
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  void push_simple(TokKind kind, std::string text, int line, int col) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.line = line;
    t.col = col;
    out_.push_back(std::move(t));
  }

  // Spaces, tabs, carriage returns, comments and backslash continuations.
  Status skip_blanks() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        advance(1);
      } else if (c == '#') {
        while (pos_ < src_.size() && src_[pos_] != '\n') advance(1);
      } else if (c == '\\') {
        size_t n = 1;
        if (peek(1) == '\r') ++n;
        if (peek(n) != '\n') {
          return syntax_error(origin_, line_, col_,
                              "unexpected character after line continuation character '\\'");
        }
        advance(n + 1);
      } else {
        break;
      }
    }
    return {};
  }

  Status lex_name_or_prefixed_string() {
    const int line = line_, col = col_;
    size_t end = pos_;
    while (end < src_.size() && is_name_char(src_[end])) ++end;
    std::string name(src_.substr(pos_, end - pos_));
    const char next = end < src_.size() ? src_[end] : '\0';
    if ((next == '\'' || next == '"') && name.size() <= 2) {
      std::string lower;
      for (char ch : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower.find('f') != std::string::npos &&
          (lower == "f" || lower == "rf" || lower == "fr")) {
        return not_allowed(origin_, line, col, "an f-string");
      }
      if (lower == "b" || lower == "rb" || lower == "br") {
        return syntax_error(origin_, line, col,
                            "bytes literals are not supported in a config; use a str");
      }
      if (lower == "r" || lower == "u") {
        advance(name.size());
        return lex_string(lower == "r", line, col);
      }
    }
    advance(name.size());
    push_simple(TokKind::kName, std::move(name), line, col);
    return {};
  }

  Status lex_number() {
    const int line = line_, col = col_;
    size_t p = pos_;
    auto digits = [&](int base) {
      // Digits with single underscores between them; returns false on a bad underscore.
      bool any = false;
      while (p < src_.size()) {
        if (is_digit_in_base(src_[p], base)) {
          any = true;
          ++p;
        } else if (src_[p] == '_' && any && p + 1 < src_.size() &&
                   is_digit_in_base(src_[p + 1], base)) {
          ++p;
        } else {
          break;
        }
      }
      return any;
    };
    auto strip = [](std::string_view s) {
      std::string r;
      for (char ch : s)
        if (ch != '_') r += ch;
      return r;
    };
    bool is_float = false;
    int base = 10;
    if (src_[p] == '0' && p + 1 < src_.size() && std::strchr("xXoObB", src_[p + 1]) != nullptr &&
        src_[p + 1] != '\0') {
      const char k = static_cast<char>(std::tolower(static_cast<unsigned char>(src_[p + 1])));
      base = k == 'x' ? 16 : k == 'o' ? 8 : 2;
      p += 2;
      if (p < src_.size() && src_[p] == '_') ++p;  // Python allows 0x_ff
      if (!digits(base))
        return syntax_error(origin_, line, col,
                            "invalid number literal: no digits after the base prefix");
    } else {
      bool int_part = digits(10);
      if (p < src_.size() && src_[p] == '.') {
        is_float = true;
        ++p;
        if (p < src_.size() && std::isdigit(static_cast<unsigned char>(src_[p])))
          digits(10);
        else if (!int_part)
          return syntax_error(origin_, line, col, "invalid number literal");
      }
      if (p < src_.size() && (src_[p] == 'e' || src_[p] == 'E')) {
        is_float = true;
        ++p;
        if (p < src_.size() && (src_[p] == '+' || src_[p] == '-')) ++p;
        if (!digits(10))
          return syntax_error(origin_, line, col, "invalid number literal: exponent has no digits");
      }
    }
    if (p < src_.size() && (src_[p] == 'j' || src_[p] == 'J')) {
      return syntax_error(origin_, line, col, "complex numbers are not supported in a config");
    }
    if (p < src_.size() && (is_name_char(src_[p]) || src_[p] == '.')) {
      return syntax_error(
          origin_, line, col,
          "invalid number literal '" + std::string(src_.substr(pos_, p - pos_ + 1)) + "'");
    }
    const std::string lit(src_.substr(pos_, p - pos_));
    const std::string clean = strip(lit);
    Token t;
    t.line = line;
    t.col = col;
    t.text = lit;
    if (is_float) {
      errno = 0;
      char* end = nullptr;
      double v = std::strtod(clean.c_str(), &end);
      if (std::isinf(v))
        return syntax_error(origin_, line, col, "float literal " + lit + " is out of range");
      t.kind = TokKind::kFloat;
      t.float_value = v;
    } else {
      std::string_view body = clean;
      if (base != 10) body.remove_prefix(2);
      if (base == 10 && body.size() > 1 && body[0] == '0' &&
          body.find_first_not_of('0') != std::string_view::npos) {
        return syntax_error(
            origin_, line, col,
            "leading zeros in decimal integer literals are not permitted; use 0o for octal");
      }
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v, base);
      if (ec != std::errc() || ptr != body.data() + body.size()) {
        return syntax_error(origin_, line, col,
                            "integer literal " + lit + " is out of range (64-bit signed)");
      }
      t.kind = TokKind::kInt;
      t.int_value = v;
    }
    advance(p - pos_);
    out_.push_back(std::move(t));
    return {};
  }

  // At a quote; line/col are where the literal (with its prefix) begins.
  Status lex_string(bool raw, int line, int col) {
    const char q = src_[pos_];
    const bool triple = peek(1) == q && peek(2) == q;
    advance(triple ? 3 : 1);
    std::string value;
    while (true) {
      if (pos_ >= src_.size()) {
        return syntax_error(
            origin_, line, col,
            triple ? "unterminated triple-quoted string literal" : "unterminated string literal");
      }
      char c = src_[pos_];
      if (c == q && (!triple || (peek(1) == q && peek(2) == q))) {
        advance(triple ? 3 : 1);
        break;
      }
      if (c == '\n' && !triple)
        return syntax_error(origin_, line, col, "unterminated string literal");
      if (c != '\\') {
        value += c;
        advance(1);
        continue;
      }
      // Backslash escapes.
      const int eline = line_, ecol = col_;
      char e = peek(1);
      if (e == '\0' && pos_ + 1 >= src_.size()) {
        advance(1);
        continue;  // reported as unterminated on the next turn
      }
      if (raw) {
        // Raw strings keep the backslash; it still protects a quote or a newline.
        value += c;
        value += e;
        advance(2);
        continue;
      }
      advance(2);
      switch (e) {
        case '\n':
          break;
        case '\\':
          value += '\\';
          break;
        case '\'':
          value += '\'';
          break;
        case '"':
          value += '"';
          break;
        case 'a':
          value += '\a';
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case 'n':
          value += '\n';
          break;
        case 'r':
          value += '\r';
          break;
        case 't':
          value += '\t';
          break;
        case 'v':
          value += '\v';
          break;
        case 'x':
        case 'u':
        case 'U': {
          const int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (int i = 0; i < n; ++i) {
            char h = peek();
            if (!std::isxdigit(static_cast<unsigned char>(h))) {
              return syntax_error(origin_, eline, ecol,
                                  std::string("truncated \\") + e + " escape: needs " +
                                      std::to_string(n) + " hex digits");
            }
            cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h))
                                                     ? h - '0'
                                                     : std::tolower(static_cast<unsigned char>(h)) -
                                                           'a' + 10);
            advance(1);
          }
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return syntax_error(origin_, eline, ecol,
                                "escape names an invalid code point (surrogate or past U+10FFFF)");
          }
          append_utf8(value, cp);
          break;
        }
        case 'N':
          return syntax_error(origin_, eline, ecol,
                              "\\N{...} escapes are not supported in a config");
        default:
          if (e >= '0' && e <= '7') {
            uint32_t cp = static_cast<uint32_t>(e - '0');
            for (int i = 0; i < 2 && peek() >= '0' && peek() <= '7'; ++i) {
              cp = cp * 8 + static_cast<uint32_t>(peek() - '0');
              advance(1);
            }
            append_utf8(value, cp);
          } else {
            value += '\\';  // Python keeps unknown escapes as written
            value += e;
          }
      }
    }
    if (!is_valid_utf8(value))
      return syntax_error(origin_, line, col, "string literal is not valid UTF-8");
    Token t;
    t.kind = TokKind::kString;
    t.text = std::move(value);
    t.line = line;
    t.col = col;
    out_.push_back(std::move(t));
    return {};
  }

  // {{ _base_.a.b }} (mmengine's base-variable reference); false if not one.
  bool try_lex_base_ref() {
    size_t p = pos_;
    if (src_.substr(p, 2) != "{{") return false;
    p += 2;
    while (p < src_.size() && (src_[p] == ' ' || src_[p] == '\t')) ++p;
    if (src_.substr(p, 7) != "_base_.") return false;
    p += 7;
    size_t start = p;
    while (p < src_.size() && (is_name_char(src_[p]) || src_[p] == '.')) ++p;
    if (p == start) return false;
    std::string path(src_.substr(start, p - start));
    while (p < src_.size() && (src_[p] == ' ' || src_[p] == '\t')) ++p;
    if (src_.substr(p, 2) != "}}") return false;
    p += 2;
    push_simple(TokKind::kBaseRef, "{{_base_." + path + "}}", line_, col_);
    advance(p - pos_);
    return true;
  }

  Status lex_op() {
    const int line = line_, col = col_;
    for (std::string_view op : kOps) {
      if (src_.substr(pos_, op.size()) != op) continue;
      if (op.size() == 1 && std::string_view("([{").find(op[0]) != std::string_view::npos) {
        if (brackets_.size() >= 200)
          return syntax_error(origin_, line, col, "too many nested brackets (more than 200)");
        brackets_.push_back({op[0], line, col});
      } else if (op.size() == 1 && std::string_view(")]}").find(op[0]) != std::string_view::npos) {
        if (brackets_.empty())
          return syntax_error(origin_, line, col, std::string("unmatched '") + op[0] + "'");
        const Open o = brackets_.back();
        const char want = o.c == '(' ? ')' : o.c == '[' ? ']' : '}';
        if (op[0] != want) {
          return syntax_error(origin_, line, col,
                              std::string("closing '") + op[0] + "' does not match opening '" +
                                  o.c + "' at line " + std::to_string(o.line) + ", column " +
                                  std::to_string(o.col));
        }
        brackets_.pop_back();
      }
      advance(op.size());
      push_simple(TokKind::kOp, std::string(op), line, col);
      return {};
    }
    const unsigned char uc = static_cast<unsigned char>(src_[pos_]);
    std::string shown =
        uc >= 0x20 && uc < 0x7F ? std::string("'") + src_[pos_] + "'" : "byte 0x" + [uc] {
          const char* hex = "0123456789ABCDEF";
          return std::string{hex[uc >> 4], hex[uc & 15]};
        }();
    return syntax_error(origin_, line, col, "unexpected character " + shown);
  }

  std::string_view src_;
  const std::string& origin_;
  size_t pos_ = 0;
  int line_ = 1, col_ = 1;
  bool at_line_start_ = true;
  std::vector<Open> brackets_;
  std::vector<Token> out_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view text, const std::string& origin) {
  return Lexer(text, origin).run();
}

}  // namespace nnport::config_detail
