#include "config/py_parser.h"

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config_internal.h"
#include "config/py_arith.h"
#include "config/py_keywords.h"
#include "config/py_lexer.h"

namespace nnport::config_detail {
namespace {

// Bounds the parser's recursion through operator chains ("- - - 1",
// "2 ** 2 ** 2"); bracket nesting is bounded by kMaxConfigDepth.
constexpr int kMaxExprDepth = 200;
// Names may be referenced many times; bound what the config can expand to.
constexpr size_t kMaxValues = size_t{1} << 20;

size_t count_values(const Config& v) {
  size_t n = 1;
  if (v.is_string()) n += v.get_ref<const std::string&>().size() / 16;
  if (v.is_structured())
    for (const auto& item : v) n += count_values(item);
  return n;
}

class Parser {
 public:
  Parser(std::vector<Token> toks, const std::string& origin)
      : t_(std::move(toks)), origin_(origin) {}

  Result<Config> module() {
    Config out = Config::object();
    nesting_ = 1;  // the module's own dict is the config's first level
    while (cur().kind != TokKind::kEnd) {
      if (accept_newline_or_semicolon()) continue;
      NNPORT_RETURN_IF_ERROR(statement(out));
    }
    return out;
  }

  Result<Config> single_value() {
    NNPORT_ASSIGN_OR_RETURN(Config v, expr_list());
    while (cur().kind == TokKind::kNewline) ++i_;
    if (cur().kind != TokKind::kEnd) return unexpected("after the value");
    return v;
  }

 private:
  const Token& cur() const { return t_[i_]; }
  const Token& next() const { return t_[i_ + 1 < t_.size() ? i_ + 1 : i_]; }
  bool is_op(std::string_view op) const { return cur().kind == TokKind::kOp && cur().text == op; }
  bool accept_op(std::string_view op) {
    if (!is_op(op)) return false;
    ++i_;
    return true;
  }
  bool accept_newline_or_semicolon() {
    if (cur().kind == TokKind::kNewline || is_op(";")) {
      ++i_;
      return true;
    }
    return false;
  }
  // At a lexical error token, the lexer's message wins: nothing before it was wrong.
  Status err(const Token& at, std::string_view msg) const {
    if (at.kind == TokKind::kError) return invalid_argument(at.text);
    return syntax_error(origin_, at.line, at.col, msg);
  }
  Status disallowed(const Token& at, std::string_view construct) const {
    return not_allowed(origin_, at.line, at.col, construct);
  }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case TokKind::kNewline:
        return "end of line";
      case TokKind::kEnd:
        return "end of input";
      case TokKind::kString:
        return "a string";
      case TokKind::kInt:
      case TokKind::kFloat:
        return "number " + t.text;
      default:
        return "'" + t.text + "'";
    }
  }
  Status unexpected(std::string_view where) const {
    return err(cur(), "unexpected " + describe(cur()) + " " + std::string(where));
  }
  Status charge(size_t values, const Token& at) {
    budget_ += values;
    if (budget_ > kMaxValues)
      return err(at, "config is too large (it expands to more than 1M values)");
    return {};
  }

  // NAME = value, with everything else named precisely.
  Status statement(Config& out) {
    const Token& first = cur();
    if (first.kind == TokKind::kString) {  // a docstring: parse and drop it
      NNPORT_ASSIGN_OR_RETURN(Config ignored, expr());
      (void)ignored;
      if (!accept_newline_or_semicolon()) return unexpected("after a docstring");
      return {};
    }
    if (first.kind != TokKind::kName) {
      if (first.kind == TokKind::kOp && first.text == "@") return disallowed(first, "a decorator");
      return err(first, "expected NAME = value, got " + describe(first) +
                            "; a config is a sequence of assignments");
    }
    if (auto it = keyword_constructs().find(first.text); it != keyword_constructs().end()) {
      return disallowed(first, it->second);
    }
    const Token& after = next();
    if (after.kind == TokKind::kOp) {
      const std::string& op = after.text;
      if (op == "(") return disallowed(first, "a call to '" + first.text + "'");
      if (op == ".") return disallowed(after, "attribute access");
      if (op == "[") return disallowed(after, "a subscript");
      if (op == ":") return disallowed(after, "an annotated assignment");
      if (op == ",") return disallowed(after, "a tuple-unpacking assignment");
      if (op.size() >= 2 && op.back() == '=' && op != "==" && op != "<=" && op != ">=" &&
          op != "!=") {
        return disallowed(after, "an augmented assignment ('" + op + "')");
      }
    }
    if (after.kind != TokKind::kOp || after.text != "=") {
      return err(after, "expected '=' after '" + first.text + "', got " + describe(after) +
                            "; a config is a sequence of NAME = value assignments");
    }
    if (first.text == "True" || first.text == "False" || first.text == "None") {
      return err(first, "cannot assign to " + first.text);
    }
    i_ += 2;
    if (cur().kind == TokKind::kNewline || cur().kind == TokKind::kEnd || is_op(";")) {
      return err(cur(), "expected a value after '" + first.text + " ='");
    }
    NNPORT_ASSIGN_OR_RETURN(Config value, expr_list());
    // Brackets are bounded while parsing; a name referenced inside brackets
    // can still nest deeper ("b = [[a]]").
    if (config_depth(value, kMaxConfigDepth) + 1 > kMaxConfigDepth) {
      return err(first, "'" + first.text + "': " + too_deep_message());
    }
    if (is_op("=")) return disallowed(cur(), "a chained assignment");
    if (!accept_newline_or_semicolon() && cur().kind != TokKind::kEnd)
      return unexpected("after the value");
    if (first.text.rfind("__", 0) != 0) {
      // ordered_json's operator[] searches linearly: index the module's keys.
      auto [slot, fresh] = module_keys_.try_emplace(first.text, out.size());
      if (fresh) {
        append_new_key(out, first.text, value);
      } else {
        object_items(out)[slot->second].second = value;
      }
    }
    const size_t size = count_values(value);
    names_[first.text] = Named{std::move(value), size};
    return {};
  }

  // expr (',' expr)* [','] — a bare tuple when there is a comma.
  Result<Config> expr_list() {
    NNPORT_ASSIGN_OR_RETURN(Config first, expr());
    if (!is_op(",")) return first;
    Config tuple = Config::array();
    tuple.push_back(std::move(first));
    while (accept_op(",")) {
      if (cur().kind == TokKind::kNewline || cur().kind == TokKind::kEnd || is_op(";") ||
          is_op("="))
        break;
      NNPORT_ASSIGN_OR_RETURN(Config item, expr());
      tuple.push_back(std::move(item));
    }
    return tuple;
  }

  // One expression; a following operator outside the subset is named.
  Result<Config> expr() {
    if (++depth_ > kMaxExprDepth)
      return err(cur(), "expression nested too deeply (more than 200 levels)");
    auto r = shift();
    --depth_;
    if (!r.ok()) return r;
    const Token& t = cur();
    if (t.kind == TokKind::kName) {
      if (t.text == "if") return disallowed(t, "a conditional expression");
      if (t.text == "for" || t.text == "async") return disallowed(t, "a comprehension");
      if (auto it = keyword_constructs().find(t.text); it != keyword_constructs().end()) {
        return disallowed(t, it->second);
      }
    } else if (t.kind == TokKind::kOp) {
      static const std::map<std::string, std::string, std::less<>> kOps = {
          {"<", "a comparison"},
          {">", "a comparison"},
          {"<=", "a comparison"},
          {">=", "a comparison"},
          {"==", "a comparison"},
          {"!=", "a comparison"},
          {"|", "a bitwise operator ('|')"},
          {"&", "a bitwise operator ('&')"},
          {"^", "a bitwise operator ('^')"},
          {"@", "matrix multiplication ('@')"},
          {":=", "an assignment expression"},
      };
      if (auto it = kOps.find(t.text); it != kOps.end()) return disallowed(t, it->second);
    }
    return r;
  }

  template <class Next>
  Result<Config> binary_level(std::initializer_list<std::string_view> ops, Next next_level) {
    NNPORT_ASSIGN_OR_RETURN(Config lhs, (this->*next_level)());
    while (cur().kind == TokKind::kOp) {
      bool match = false;
      for (auto op : ops) match = match || cur().text == op;
      if (!match) break;
      const Token op_tok = cur();
      ++i_;
      NNPORT_ASSIGN_OR_RETURN(Config rhs, (this->*next_level)());
      auto r = binary_op(op_tok.text, lhs, rhs);
      if (!r.ok()) return err(op_tok, r.status().message());
      lhs = std::move(r).value();
      if (lhs.is_structured() || lhs.is_string())
        NNPORT_RETURN_IF_ERROR(charge(count_values(lhs), op_tok));
    }
    return lhs;
  }
  Result<Config> shift() { return binary_level({"<<", ">>"}, &Parser::arith); }
  Result<Config> arith() { return binary_level({"+", "-"}, &Parser::term); }
  Result<Config> term() { return binary_level({"*", "/", "//", "%"}, &Parser::factor); }

  Result<Config> factor() {
    if (is_op("-") || is_op("+") || is_op("~")) {
      const Token op_tok = cur();
      ++i_;
      if (++depth_ > kMaxExprDepth)
        return err(op_tok, "expression nested too deeply (more than 200 levels)");
      auto operand = factor();
      --depth_;
      if (!operand.ok()) return operand;
      auto r = unary_op(op_tok.text, *operand);
      if (!r.ok()) return err(op_tok, r.status().message());
      return r;
    }
    return power();
  }

  Result<Config> power() {
    NNPORT_ASSIGN_OR_RETURN(Config base, primary());
    if (!is_op("**")) return base;
    const Token op_tok = cur();
    ++i_;
    if (++depth_ > kMaxExprDepth)
      return err(op_tok, "expression nested too deeply (more than 200 levels)");
    auto exponent = factor();
    --depth_;
    if (!exponent.ok()) return exponent;
    auto r = binary_op("**", base, *exponent);
    if (!r.ok()) return err(op_tok, r.status().message());
    return r;
  }

  // An atom followed by no trailer: calls, attributes and subscripts are refused.
  Result<Config> primary() {
    const Token start = cur();
    Result<Config> value = Config();
    if (start.kind == TokKind::kName && start.text == "dict" && next().kind == TokKind::kOp &&
        next().text == "(") {
      i_ += 2;
      value = nested(start, &Parser::dict_call);
    } else {
      value = atom();
    }
    if (!value.ok()) return value;
    if (is_op("(")) {
      if (start.kind == TokKind::kName) return disallowed(start, "a call to '" + start.text + "'");
      return disallowed(cur(), "a call");
    }
    if (is_op(".")) return disallowed(cur(), "attribute access");
    if (is_op("[")) return disallowed(cur(), "a subscript");
    return value;
  }

  Result<Config> atom() {
    const Token t = cur();
    switch (t.kind) {
      case TokKind::kInt:
        ++i_;
        return Config(t.int_value);
      case TokKind::kFloat:
        ++i_;
        return Config(t.float_value);
      case TokKind::kBaseRef:
        ++i_;
        return Config(t.text);  // resolved after the bases load
      case TokKind::kString: {
        std::string s;
        while (cur().kind == TokKind::kString) s += t_[i_++].text;  // implicit concatenation
        return Config(std::move(s));
      }
      case TokKind::kName:
        return name(t);
      case TokKind::kOp:
        if (t.text == "(") return nested(t, &Parser::paren);
        if (t.text == "[") return nested(t, &Parser::list);
        if (t.text == "{") return nested(t, &Parser::braces);
        if (t.text == "*" || t.text == "**") return disallowed(t, "unpacking ('" + t.text + "')");
        if (t.text == "...") return disallowed(t, "Ellipsis");
        return err(t, "expected a value, got " + describe(t));
      default:
        return err(t, "expected a value, got " + describe(t));
    }
  }

  Result<Config> name(const Token& t) {
    if (t.text == "True" || t.text == "False") {
      ++i_;
      return Config(t.text == "True");
    }
    if (t.text == "None") {
      ++i_;
      return Config(nullptr);
    }
    if (auto it = keyword_constructs().find(t.text); it != keyword_constructs().end()) {
      return disallowed(t, it->second);
    }
    if (next().kind == TokKind::kOp && next().text == "(")
      return disallowed(t, "a call to '" + t.text + "'");
    if (next().kind == TokKind::kOp && next().text == ".")
      return disallowed(next(), "attribute access");
    if (next().kind == TokKind::kOp && next().text == "[") return disallowed(next(), "a subscript");
    auto it = names_.find(t.text);
    if (it == names_.end()) {
      return err(t, "name '" + t.text +
                        "' is not defined; a config may only refer to names assigned "
                        "earlier in the same file");
    }
    ++i_;
    NNPORT_RETURN_IF_ERROR(charge(it->second.size, t));
    return it->second.value;
  }

  // One level of brackets (at token at): past kMaxConfigDepth is an error,
  // before the recursion it would cost.
  Result<Config> nested(const Token& at, Result<Config> (Parser::*body)()) {
    if (nesting_ >= kMaxConfigDepth) return err(at, too_deep_message());
    ++nesting_;
    auto r = (this->*body)();
    --nesting_;
    return r;
  }

  // Just after an opening bracket: a 'for' at this bracket level makes a
  // comprehension, refused before its loop variable looks undefined.
  Status refuse_comprehension() const {
    int level = 0;
    for (size_t j = i_; j < t_.size() && t_[j].kind != TokKind::kEnd; ++j) {
      const Token& t = t_[j];
      if (t.kind == TokKind::kOp && (t.text == "(" || t.text == "[" || t.text == "{")) ++level;
      if (t.kind == TokKind::kOp && (t.text == ")" || t.text == "]" || t.text == "}")) {
        if (level-- == 0) return {};
      }
      if (level == 0 && t.kind == TokKind::kName && t.text == "for")
        return disallowed(t, "a comprehension");
    }
    return {};
  }

  // After '(': (), (x), (x,), (x, y, ...).
  Result<Config> paren() {
    ++i_;
    NNPORT_RETURN_IF_ERROR(refuse_comprehension());
    if (accept_op(")")) return Config::array();
    NNPORT_ASSIGN_OR_RETURN(Config first, expr());
    if (accept_op(")")) return first;
    if (!is_op(",")) return unexpected("in parentheses; expected ',' or ')'");
    Config tuple = Config::array();
    tuple.push_back(std::move(first));
    NNPORT_RETURN_IF_ERROR(items_until(")", tuple));
    return tuple;
  }

  Result<Config> list() {
    ++i_;
    NNPORT_RETURN_IF_ERROR(refuse_comprehension());
    Config out = Config::array();
    if (accept_op("]")) return out;
    NNPORT_ASSIGN_OR_RETURN(Config first, expr());
    out.push_back(std::move(first));
    if (accept_op("]")) return out;
    if (!is_op(",")) return unexpected("in a list; expected ',' or ']'");
    NNPORT_RETURN_IF_ERROR(items_until("]", out));
    return out;
  }

  // At ',' after the first item: (',' expr)* [','] CLOSE.
  Status items_until(std::string_view close, Config& out) {
    while (accept_op(",")) {
      if (accept_op(close)) return {};
      NNPORT_ASSIGN_OR_RETURN(Config item, expr());
      out.push_back(std::move(item));
    }
    if (accept_op(close)) return {};
    return unexpected("; expected ',' or '" + std::string(close) + "'");
  }

  Result<Config> braces() {
    const Token open = cur();
    ++i_;
    NNPORT_RETURN_IF_ERROR(refuse_comprehension());
    Config out = Config::object();
    if (accept_op("}")) return out;
    while (true) {
      if (is_op("**")) return disallowed(cur(), "unpacking ('**')");
      const Token key_tok = cur();
      NNPORT_ASSIGN_OR_RETURN(Config key, expr());
      if (is_op(",") || is_op("}")) return disallowed(open, "a set literal (use a list)");
      if (!accept_op(":")) return unexpected("in a dict; expected ':'");
      NNPORT_ASSIGN_OR_RETURN(std::string k, key_string(key, key_tok));
      NNPORT_ASSIGN_OR_RETURN(Config value, expr());
      out[k] = std::move(value);
      if (accept_op("}")) return out;
      if (!accept_op(",")) return unexpected("in a dict; expected ',' or '}'");
      if (accept_op("}")) return out;
    }
  }

  Result<std::string> key_string(const Config& key, const Token& at) const {
    if (key.is_string()) return key.get<std::string>();
    if (key.is_number_integer()) return key.dump();
    return err(at, "a dict key must be a string or an integer, got " + py_type_name(key));
  }

  // After 'dict(': an optional dict positional argument, then keywords.
  Result<Config> dict_call() {
    NNPORT_RETURN_IF_ERROR(refuse_comprehension());
    Config out = Config::object();
    bool seen_keyword = false, seen_positional = false;
    std::vector<std::string> keywords;
    while (!accept_op(")")) {
      const Token arg = cur();
      if (is_op("**") || is_op("*")) return disallowed(arg, "unpacking ('" + arg.text + "')");
      if (arg.kind == TokKind::kName && next().kind == TokKind::kOp && next().text == "=") {
        for (const auto& k : keywords)
          if (k == arg.text)
            return err(arg, "keyword argument '" + arg.text + "' repeated in dict()");
        keywords.push_back(arg.text);
        i_ += 2;
        NNPORT_ASSIGN_OR_RETURN(Config value, expr());
        out[arg.text] = std::move(value);
        seen_keyword = true;
      } else {
        if (seen_keyword) return err(arg, "positional argument follows keyword argument in dict()");
        if (seen_positional) return err(arg, "dict() takes at most one positional argument");
        NNPORT_ASSIGN_OR_RETURN(Config positional, expr());
        if (!positional.is_object()) {
          return err(arg, "dict() accepts a dict as its positional argument, got " +
                              py_type_name(positional));
        }
        out = std::move(positional);
        seen_positional = true;
      }
      if (accept_op(")")) break;
      if (!accept_op(",")) return unexpected("in a dict() call; expected ',' or ')'");
    }
    return out;
  }

  std::vector<Token> t_;
  const std::string& origin_;
  size_t i_ = 0;
  int depth_ = 0;    // expression recursion
  int nesting_ = 0;  // open brackets, plus the module's dict
  size_t budget_ = 0;
  struct Named {
    Config value;
    size_t size;  // count_values(value), charged on each reference
  };
  std::map<std::string, Named, std::less<>> names_;
  std::unordered_map<std::string, size_t> module_keys_;  // key -> position in the module dict
};

}  // namespace

Result<Config> parse_py_module(std::string_view text, const std::string& origin) {
  return Parser(tokenize(text, origin), origin).module();
}

Result<Config> parse_py_value(std::string_view text, const std::string& origin) {
  std::vector<Token> toks = tokenize(text, origin);
  if (toks.back().kind == TokKind::kEnd &&
      (toks.size() == 1 || (toks.size() == 2 && toks[0].kind == TokKind::kNewline))) {
    return syntax_error(origin, 1, 1, "expected a value, got nothing");
  }
  return Parser(std::move(toks), origin).single_value();
}

}  // namespace nnport::config_detail
