// Everything outside the .py subset, and every syntax error, is an error
// value naming file, line and column; nothing is executed, nothing crashes.
#include <gtest/gtest.h>

#include <string>

#include "nnport/config.h"

namespace nnport {
namespace {

struct ErrorCase {
  std::string src;
  int line;
  int col;
  const char* what;  // a substring of the message
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << "source: " << c.src; }

class PyErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(PyErrorTest, ReportsFileLineColumn) {
  const ErrorCase& c = GetParam();
  auto r = parse_config_text(c.src, "py", "dir/t.py");
  ASSERT_FALSE(r.ok()) << "parsed: " << r->dump();
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  const std::string& m = r.status().message();
  const std::string where =
      "dir/t.py:" + std::to_string(c.line) + ":" + std::to_string(c.col) + ": ";
  EXPECT_EQ(m.rfind(where, 0), 0u) << m;
  EXPECT_NE(m.find(c.what), std::string::npos) << m;
}

// Constructs that would make a config code rather than data.
INSTANTIATE_TEST_SUITE_P(
    Disallowed, PyErrorTest,
    ::testing::Values(
        ErrorCase{"import os", 1, 1,
                  "import is not allowed in a config: configs are data, not code"},
        ErrorCase{"from os import path", 1, 1, "import is not allowed"},
        ErrorCase{"x = 1\nimport os\n", 2, 1, "import is not allowed"},
        ErrorCase{"x = foo(1)", 1, 5, "a call to 'foo' is not allowed"},
        ErrorCase{"x = __import__('os')", 1, 5, "a call to '__import__' is not allowed"},
        ErrorCase{"print(1)", 1, 1, "a call to 'print' is not allowed"},
        ErrorCase{"x = dict(a=1).get('a')", 1, 14, "attribute access is not allowed"},
        ErrorCase{"x = os.path", 1, 7, "attribute access is not allowed"},
        ErrorCase{"x.y = 1", 1, 2, "attribute access is not allowed"},
        ErrorCase{"a = [1]\nx = a[0]", 2, 6, "a subscript is not allowed"},
        ErrorCase{"x = [1][0]", 1, 8, "a subscript is not allowed"},
        ErrorCase{"x = 'abc'[0]", 1, 10, "a subscript is not allowed"},
        ErrorCase{"x = [i for i in range(3)]", 1, 8, "a comprehension is not allowed"},
        ErrorCase{"x = {k: 1 for k in 'ab'}", 1, 11, "a comprehension is not allowed"},
        ErrorCase{"x = dict(a for a in b)", 1, 12, "a comprehension is not allowed"},
        ErrorCase{"x = (\n  i\n  for i in y)", 3, 3, "a comprehension is not allowed"},
        ErrorCase{"x = lambda: 1", 1, 5, "a lambda is not allowed"},
        ErrorCase{"x = 1 if True else 2", 1, 7, "a conditional expression is not allowed"},
        ErrorCase{"x = f'{y}'", 1, 5, "an f-string is not allowed"},
        ErrorCase{"x = rf'{y}'", 1, 5, "an f-string is not allowed"},
        ErrorCase{"def f():\n    pass\n", 1, 1, "a function definition is not allowed"},
        ErrorCase{"class A:\n    pass\n", 1, 1, "a class definition is not allowed"},
        ErrorCase{"if True:\n    x = 1\n", 1, 1, "an 'if' statement is not allowed"},
        ErrorCase{"for i in []:\n    pass\n", 1, 1, "a loop is not allowed"},
        ErrorCase{"while 1:\n    pass\n", 1, 1, "a loop is not allowed"},
        ErrorCase{"with open('f') as f:\n    pass\n", 1, 1, "a 'with' statement is not allowed"},
        ErrorCase{"try:\n    x = 1\nexcept: pass\n", 1, 1, "a 'try' statement is not allowed"},
        ErrorCase{"assert x", 1, 1, "'assert' is not allowed"},
        ErrorCase{"del x", 1, 1, "'del' is not allowed"},
        ErrorCase{"@dec\ndef f(): pass", 1, 1, "a decorator is not allowed"},
        ErrorCase{"x = 1 < 2", 1, 7, "a comparison is not allowed"},
        ErrorCase{"x = 1 == 2", 1, 7, "a comparison is not allowed"},
        ErrorCase{"x = 1 and 2", 1, 7, "a boolean operator ('and') is not allowed"},
        ErrorCase{"x = not 1", 1, 5, "a boolean operator ('not') is not allowed"},
        ErrorCase{"x = 1 | 2", 1, 7, "a bitwise operator ('|') is not allowed"},
        ErrorCase{"x += 1", 1, 3, "an augmented assignment ('+=') is not allowed"},
        ErrorCase{"x: int = 1", 1, 2, "an annotated assignment is not allowed"},
        ErrorCase{"x, y = 1, 2", 1, 2, "a tuple-unpacking assignment is not allowed"},
        ErrorCase{"a = 1\nx = a = 2", 2, 7, "a chained assignment is not allowed"},
        ErrorCase{"x = dict(**base)", 1, 10, "unpacking ('**') is not allowed"},
        ErrorCase{"x = {**base}", 1, 6, "unpacking ('**') is not allowed"},
        ErrorCase{"x = [*a]", 1, 6, "unpacking ('*') is not allowed"},
        ErrorCase{"x = {1, 2}", 1, 5, "a set literal (use a list) is not allowed"},
        ErrorCase{"x = (yield 1)", 1, 6, "'yield' is not allowed"},
        ErrorCase{"b = 1\nx = (b := 1)", 2, 8, "an assignment expression is not allowed"},
        ErrorCase{"x = ...", 1, 5, "Ellipsis is not allowed"},
        ErrorCase{"x = dict(a=1)(2)", 1, 5, "a call to 'dict' is not allowed"}));

// Syntax and evaluation errors.
INSTANTIATE_TEST_SUITE_P(
    Syntax, PyErrorTest,
    ::testing::Values(
        ErrorCase{"x = 'abc", 1, 5, "unterminated string literal"},
        ErrorCase{"x = 'abc\ny = 1", 1, 5, "unterminated string literal"},
        ErrorCase{"a = 1\nx = '''abc\n\n", 2, 5, "unterminated triple-quoted string literal"},
        ErrorCase{"x = [1, 2", 1, 5, "'[' was never closed"},
        ErrorCase{"x = dict(\n  a=[1,\n  2)\n", 3, 4,
                  "closing ')' does not match opening '[' at line 2, column 5"},
        ErrorCase{"x = 1)", 1, 6, "unmatched ')'"},
        ErrorCase{"x =", 1, 4, "expected a value after 'x ='"},
        ErrorCase{"x = \ny = 2", 1, 5, "expected a value after 'x ='"},
        ErrorCase{"x = dict(a=)", 1, 12, "expected a value, got ')'"},
        ErrorCase{"x = [1 2]", 1, 8, "unexpected number 2 in a list"},
        ErrorCase{"x = {'a' 1}", 1, 10, "expected ':'"},
        ErrorCase{"x = (1 2)", 1, 8, "expected ',' or ')'"},
        ErrorCase{"x = 1 2", 1, 7, "unexpected number 2 after the value"},
        ErrorCase{"x", 1, 2, "expected '=' after 'x'"},
        ErrorCase{"1 = x", 1, 1, "expected NAME = value"},
        ErrorCase{"True = 1", 1, 1, "cannot assign to True"},
        ErrorCase{"x = 1\n  y = 2", 2, 3, "unexpected indentation"},
        ErrorCase{"x = y", 1, 5, "name 'y' is not defined"},
        ErrorCase{"x = dict(a=1, a=2)", 1, 15, "keyword argument 'a' repeated"},
        ErrorCase{"x = dict([1])", 1, 10,
                  "dict() accepts a dict as its positional argument, got list"},
        ErrorCase{"x = dict(a=1, {})", 1, 15, "positional argument follows keyword argument"},
        ErrorCase{"x = {1.5: 'a'}", 1, 6, "a dict key must be a string or an integer, got float"},
        ErrorCase{"x = {(1, 2): 'a'}", 1, 6, "a dict key must be a string or an integer, got list"},
        ErrorCase{"x = 1 / 0", 1, 7, "division by zero"},
        ErrorCase{"x = 5 % 0", 1, 7, "modulo by zero"},
        ErrorCase{"x = 1 << 64", 1, 7, "out of range"},
        ErrorCase{"x = 1 << -1", 1, 7, "negative shift count"},
        ErrorCase{"x = 2 ** 64", 1, 7, "out of range"},
        ErrorCase{"x = 9223372036854775807 + 1", 1, 25, "out of range"},
        ErrorCase{"x = 99999999999999999999", 1, 5, "out of range (64-bit signed)"},
        ErrorCase{"x = 1e999", 1, 5, "float literal 1e999 is out of range"},
        ErrorCase{"x = 1e308 * 10", 1, 11, "float result of '*' is out of range"},
        ErrorCase{"x = 012", 1, 5, "leading zeros"},
        ErrorCase{"x = 1j", 1, 5, "complex numbers are not supported"},
        ErrorCase{"x = 0x", 1, 5, "no digits after the base prefix"},
        ErrorCase{"x = 1__0", 1, 5, "invalid number literal"},
        ErrorCase{"x = 1e", 1, 5, "exponent has no digits"},
        ErrorCase{"x = 'a' + 1", 1, 9, "unsupported operand types for +: 'str' and 'int'"},
        ErrorCase{"x = [1] - [1]", 1, 9, "unsupported operand types for -: 'list' and 'list'"},
        ErrorCase{"x = 1.5 << 1", 1, 9, "unsupported operand types for <<: 'float' and 'int'"},
        ErrorCase{"x = -'a'", 1, 5, "bad operand type for unary -: 'str'"},
        ErrorCase{"x = 'a' * 10000000", 1, 9, "too large"},
        ErrorCase{"x = $", 1, 5, "unexpected character '$'"},
        ErrorCase{"x = 1 \\ 2", 1, 7, "after line continuation character"},
        ErrorCase{"x = '\\x4'", 1, 6, "truncated \\x escape"},
        ErrorCase{"x = '\\ud800'", 1, 6, "invalid code point"},
        ErrorCase{"x = '\\N{DASH}'", 1, 6, "\\N{...} escapes are not supported"},
        ErrorCase{"x = b'abc'", 1, 5, "bytes literals are not supported"},
        ErrorCase{"x = '\xff'", 1, 5, "not valid UTF-8"},
        ErrorCase{"x = 1\n\xe2\x80\x9c = 2", 2, 1, "unexpected character byte 0xE2"},
        // The parser's depth limit (kMaxConfigDepth) comes before the lexer's 200 brackets.
        ErrorCase{std::string("x = ") + std::string(201, '['), 1, 104,
                  "nested more than 100 levels deep"},
        ErrorCase{std::string("x = ") + std::string(300, '-') + "1", 1, 204, "nested too deeply"}));

TEST(PyErrors, HugeExpansionThroughNamesIsRefused) {
  std::string src = "a0 = [0] * 1000\n";
  for (int i = 1; i < 40; ++i) {
    // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on a chain of string +.
    const std::string prev = std::to_string(i - 1);
    src.append("a")
        .append(std::to_string(i))
        .append(" = [a")
        .append(prev)
        .append(", a")
        .append(prev)
        .append("]\n");
  }
  auto r = parse_config_text(src, "py", "bomb.py");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("too large"), std::string::npos) << r.status().message();
}

TEST(PyErrors, UnknownFormatIsAnError) {
  auto r = parse_config_text("x = 1", "toml", "t.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown format 'toml'"), std::string::npos);
}

}  // namespace
}  // namespace nnport
