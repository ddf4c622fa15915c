#include "telemetry/metric_math.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <utility>

namespace hr::telemetry {

struct MathExpression::Node {
  enum class Op { kAdd, kSub, kMul, kDiv, kPow, kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr };
  enum class Kind { kNumber, kId, kString, kKeyword, kNegate, kNot, kBinary, kCall, kArray };
  Kind kind = Kind::kNumber;
  double number = 0;
  std::string text;  // the id, string, keyword or function name
  Op op = Op::kAdd;
  std::vector<std::unique_ptr<Node>> children;
  std::size_t position = 0;  // 1-based character where the node starts
};

namespace {

using Node = MathExpression::Node;
using NodeKind = MathExpression::Node::Kind;
using BinaryOp = MathExpression::Node::Op;

Status Invalid(std::string message) { return Status(ErrorCode::kValidation, std::move(message)); }

// ---------------------------------------------------------------------------------------
// Functions: name and number of arguments.

struct FunctionSpec {
  std::string_view name;
  int min_args;
  int max_args;
};

constexpr FunctionSpec kFunctions[] = {
    {"ABS", 1, 1},
    {"AVG", 1, 1},
    {"CEIL", 1, 1},
    {"DATAPOINT_COUNT", 1, 1},
    {"DIFF", 1, 1},
    {"FILL", 2, 2},
    {"FIRST", 1, 1},
    {"FLOOR", 1, 1},
    {"IF", 2, 3},
    {"LAST", 1, 1},
    {"LOG", 1, 1},
    {"LOG10", 1, 1},
    {"MAX", 1, 1},
    {"METRICS", 0, 1},
    {"METRIC_COUNT", 1, 1},
    {"MIN", 1, 1},
    {"PERIOD", 1, 1},
    {"RATE", 1, 1},
    {"REMOVE_EMPTY", 1, 1},
    {"RUNNING_SUM", 1, 1},
    {"SERVICE_QUOTA", 1, 1},
    {"STDDEV", 1, 1},
    {"SUM", 1, 1},
    {"TIME_SERIES", 1, 1},
};

const FunctionSpec* FindFunction(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Tokens.

enum class Tok {
  kNumber,
  kName,
  kString,
  kOp,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kEnd
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
  double number = 0;
  std::size_t position = 0;  // 1-based
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }

constexpr std::string_view kLeftCurly = "\xE2\x80\x9C";   // “
constexpr std::string_view kRightCurly = "\xE2\x80\x9D";  // ”

std::string At(std::size_t position) { return " at character " + std::to_string(position); }

StatusOr<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const std::size_t position = i + 1;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token token;
    token.position = position;
    if (IsDigit(c) || (c == '.' && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      std::size_t j = i;
      while (j < text.size() && IsDigit(text[j])) ++j;
      if (j < text.size() && text[j] == '.') {
        ++j;
        while (j < text.size() && IsDigit(text[j])) ++j;
      }
      if (j < text.size() && (text[j] == 'e' || text[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < text.size() && (text[k] == '+' || text[k] == '-')) ++k;
        if (k < text.size() && IsDigit(text[k])) {
          while (k < text.size() && IsDigit(text[k])) ++k;
          j = k;
        }
      }
      if (j < text.size() && (IsNameChar(text[j]) || text[j] == '.')) {
        return Invalid("Syntax error" + At(position) + ": invalid number '" +
                       std::string(text.substr(i, j + 1 - i)) + "'");
      }
      double value = 0;
      auto [end, ec] = std::from_chars(text.data() + i, text.data() + j, value);
      if (ec != std::errc() || end != text.data() + j || !std::isfinite(value)) {
        return Invalid("Syntax error" + At(position) + ": invalid number '" +
                       std::string(text.substr(i, j - i)) + "'");
      }
      token.kind = Tok::kNumber;
      token.number = value;
      token.text = std::string(text.substr(i, j - i));
      i = j;
    } else if (IsNameStart(c)) {
      std::size_t j = i;
      while (j < text.size() && IsNameChar(text[j])) ++j;
      token.kind = Tok::kName;
      token.text = std::string(text.substr(i, j - i));
      i = j;
    } else if (c == '"' || text.substr(i, kLeftCurly.size()) == kLeftCurly) {
      std::size_t j = i + (c == '"' ? 1 : kLeftCurly.size());
      std::size_t close = std::string_view::npos;
      std::size_t close_size = 0;
      for (std::size_t k = j; k < text.size(); ++k) {
        if (text[k] == '"') {
          close = k;
          close_size = 1;
          break;
        }
        if (text.substr(k, kRightCurly.size()) == kRightCurly) {
          close = k;
          close_size = kRightCurly.size();
          break;
        }
      }
      if (close == std::string_view::npos) {
        return Invalid("Syntax error" + At(position) + ": unterminated string");
      }
      token.kind = Tok::kString;
      token.text = std::string(text.substr(j, close - j));
      i = close + close_size;
    } else {
      const std::string_view two = text.substr(i, 2);
      if (two == "==" || two == "!=" || two == "<=" || two == ">=" || two == "&&" || two == "||") {
        token.kind = Tok::kOp;
        token.text = std::string(two);
        i += 2;
      } else if (c == '+' || c == '-' || c == '*' || c == '/' || c == '^' || c == '<' || c == '>' ||
                 c == '!') {
        token.kind = Tok::kOp;
        token.text = std::string(1, c);
        ++i;
      } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
        token.kind = c == '('   ? Tok::kLParen
                     : c == ')' ? Tok::kRParen
                     : c == '[' ? Tok::kLBracket
                     : c == ']' ? Tok::kRBracket
                                : Tok::kComma;
        token.text = std::string(1, c);
        ++i;
      } else {
        return Invalid("Syntax error" + At(position) + ": unexpected character '" +
                       std::string(1, c) + "'");
      }
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.kind = Tok::kEnd;
  end.position = text.size() + 1;
  tokens.push_back(std::move(end));
  return tokens;
}

// ---------------------------------------------------------------------------------------
// Parser: recursive descent over the precedence levels of the header.

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  StatusOr<std::unique_ptr<Node>> ParseAll() {
    HR_ASSIGN_OR_RETURN(auto node, ParseOr());
    if (Peek().kind != Tok::kEnd) return Unexpected();
    return node;
  }

 private:
  static constexpr int kMaxDepth = 200;

  const Token& Peek() const { return tokens_[next_]; }
  const Token& Take() { return tokens_[next_++]; }
  bool PeekOp(std::string_view op) const { return Peek().kind == Tok::kOp && Peek().text == op; }
  bool PeekName(std::string_view name) const {
    return Peek().kind == Tok::kName && Peek().text == name;
  }

  Status Unexpected() const {
    const Token& t = Peek();
    if (t.kind == Tok::kEnd)
      return Invalid("Syntax error" + At(t.position) + ": unexpected end of expression");
    return Invalid("Syntax error" + At(t.position) + ": unexpected '" + t.text + "'");
  }

  static std::unique_ptr<Node> MakeBinary(BinaryOp op, std::unique_ptr<Node> l,
                                          std::unique_ptr<Node> r, std::size_t position) {
    auto node = std::make_unique<Node>();
    node->kind = NodeKind::kBinary;
    node->op = op;
    node->position = position;
    node->children.push_back(std::move(l));
    node->children.push_back(std::move(r));
    return node;
  }

  StatusOr<std::unique_ptr<Node>> ParseOr() {
    if (++depth_ > kMaxDepth) return Invalid("The expression is nested too deeply");
    HR_ASSIGN_OR_RETURN(auto left, ParseAnd());
    while (PeekOp("||") || PeekName("OR")) {
      const std::size_t position = Take().position;
      HR_ASSIGN_OR_RETURN(auto right, ParseAnd());
      left = MakeBinary(BinaryOp::kOr, std::move(left), std::move(right), position);
    }
    --depth_;
    return left;
  }

  StatusOr<std::unique_ptr<Node>> ParseAnd() {
    HR_ASSIGN_OR_RETURN(auto left, ParseNot());
    while (PeekOp("&&") || PeekName("AND")) {
      const std::size_t position = Take().position;
      HR_ASSIGN_OR_RETURN(auto right, ParseNot());
      left = MakeBinary(BinaryOp::kAnd, std::move(left), std::move(right), position);
    }
    return left;
  }

  StatusOr<std::unique_ptr<Node>> ParseNot() {
    if (PeekOp("!") || PeekName("NOT")) {
      if (++depth_ > kMaxDepth) return Invalid("The expression is nested too deeply");
      const std::size_t position = Take().position;
      HR_ASSIGN_OR_RETURN(auto operand, ParseNot());
      --depth_;
      auto node = std::make_unique<Node>();
      node->kind = NodeKind::kNot;
      node->position = position;
      node->children.push_back(std::move(operand));
      return node;
    }
    return ParseComparison();
  }

  StatusOr<std::unique_ptr<Node>> ParseComparison() {
    HR_ASSIGN_OR_RETURN(auto left, ParseAdditive());
    while (Peek().kind == Tok::kOp) {
      const std::string& op = Peek().text;
      BinaryOp kind;
      if (op == "==")
        kind = BinaryOp::kEq;
      else if (op == "!=")
        kind = BinaryOp::kNe;
      else if (op == "<")
        kind = BinaryOp::kLt;
      else if (op == "<=")
        kind = BinaryOp::kLe;
      else if (op == ">")
        kind = BinaryOp::kGt;
      else if (op == ">=")
        kind = BinaryOp::kGe;
      else
        break;
      const std::size_t position = Take().position;
      HR_ASSIGN_OR_RETURN(auto right, ParseAdditive());
      left = MakeBinary(kind, std::move(left), std::move(right), position);
    }
    return left;
  }

  StatusOr<std::unique_ptr<Node>> ParseAdditive() {
    HR_ASSIGN_OR_RETURN(auto left, ParseMultiplicative());
    while (PeekOp("+") || PeekOp("-")) {
      const BinaryOp kind = Peek().text == "+" ? BinaryOp::kAdd : BinaryOp::kSub;
      const std::size_t position = Take().position;
      HR_ASSIGN_OR_RETURN(auto right, ParseMultiplicative());
      left = MakeBinary(kind, std::move(left), std::move(right), position);
    }
    return left;
  }

  StatusOr<std::unique_ptr<Node>> ParseMultiplicative() {
    HR_ASSIGN_OR_RETURN(auto left, ParseUnary());
    while (PeekOp("*") || PeekOp("/")) {
      const BinaryOp kind = Peek().text == "*" ? BinaryOp::kMul : BinaryOp::kDiv;
      const std::size_t position = Take().position;
      HR_ASSIGN_OR_RETURN(auto right, ParseUnary());
      left = MakeBinary(kind, std::move(left), std::move(right), position);
    }
    return left;
  }

  StatusOr<std::unique_ptr<Node>> ParseUnary() {
    if (PeekOp("-") || PeekOp("+")) {
      if (++depth_ > kMaxDepth) return Invalid("The expression is nested too deeply");
      const bool negate = Peek().text == "-";
      const std::size_t position = Take().position;
      HR_ASSIGN_OR_RETURN(auto operand, ParseUnary());
      --depth_;
      if (!negate) return operand;
      auto node = std::make_unique<Node>();
      node->kind = NodeKind::kNegate;
      node->position = position;
      node->children.push_back(std::move(operand));
      return node;
    }
    return ParsePower();
  }

  StatusOr<std::unique_ptr<Node>> ParsePower() {
    HR_ASSIGN_OR_RETURN(auto base, ParsePrimary());
    if (PeekOp("^")) {
      if (++depth_ > kMaxDepth) return Invalid("The expression is nested too deeply");
      const std::size_t position = Take().position;
      HR_ASSIGN_OR_RETURN(auto exponent, ParseUnary());  // right-associative; 2^-1 is 0.5
      --depth_;
      return MakeBinary(BinaryOp::kPow, std::move(base), std::move(exponent), position);
    }
    return base;
  }

  // Comma-separated expressions up to `close`, which is consumed.
  Status ParseList(Tok close, std::vector<std::unique_ptr<Node>>& out) {
    if (Peek().kind == close) {
      Take();
      return Status::Ok();
    }
    while (true) {
      HR_ASSIGN_OR_RETURN(auto item, ParseOr());
      out.push_back(std::move(item));
      if (Peek().kind == Tok::kComma) {
        Take();
        continue;
      }
      if (Peek().kind == close) {
        Take();
        return Status::Ok();
      }
      return Unexpected();
    }
  }

  StatusOr<std::unique_ptr<Node>> ParsePrimary() {
    const Token& t = Peek();
    auto node = std::make_unique<Node>();
    node->position = t.position;
    switch (t.kind) {
      case Tok::kNumber:
        node->kind = NodeKind::kNumber;
        node->number = Take().number;
        return node;
      case Tok::kString:
        node->kind = NodeKind::kString;
        node->text = Take().text;
        return node;
      case Tok::kLParen: {
        Take();
        HR_ASSIGN_OR_RETURN(auto inner, ParseOr());
        if (Peek().kind != Tok::kRParen) return Unexpected();
        Take();
        return inner;
      }
      case Tok::kLBracket: {
        Take();
        node->kind = NodeKind::kArray;
        HR_RETURN_IF_ERROR(ParseList(Tok::kRBracket, node->children));
        if (node->children.empty()) {
          return Invalid("Syntax error" + At(node->position) + ": empty array");
        }
        return node;
      }
      case Tok::kName: {
        const std::string name = Take().text;
        node->text = name;
        if (Peek().kind == Tok::kLParen) {
          const FunctionSpec* spec = FindFunction(name);
          if (spec == nullptr) {
            return Invalid("Unknown function " + name + At(node->position));
          }
          Take();
          node->kind = NodeKind::kCall;
          HR_RETURN_IF_ERROR(ParseList(Tok::kRParen, node->children));
          const int n = static_cast<int>(node->children.size());
          if (n < spec->min_args || n > spec->max_args) {
            std::string expected = std::to_string(spec->min_args);
            if (spec->max_args != spec->min_args) {
              expected += (spec->max_args == spec->min_args + 1 ? " or " : " to ") +
                          std::to_string(spec->max_args);
            }
            return Invalid(name + " takes " + expected + " argument" +
                           (spec->max_args == 1 ? "" : "s") + ", not " + std::to_string(n) +
                           At(node->position));
          }
          return node;
        }
        if (name[0] >= 'a' && name[0] <= 'z') {
          node->kind = NodeKind::kId;
          return node;
        }
        if (name == "REPEAT" || name == "LINEAR") {
          node->kind = NodeKind::kKeyword;
          return node;
        }
        if (FindFunction(name) != nullptr) {
          return Invalid("Syntax error" + At(node->position) + ": " + name +
                         " must be called, as " + name + "(...)");
        }
        return Invalid("Unrecognized name " + name + At(node->position) +
                       " (ids start with a lowercase letter; functions are called in uppercase)");
      }
      default:
        return Unexpected();
    }
  }

  std::vector<Token> tokens_;
  std::size_t next_ = 0;
  int depth_ = 0;
};

// Strings only as METRICS' argument, REPEAT/LINEAR only as FILL's second; collects the ids.
Status Check(const Node& node, const Node* parent, std::size_t index,
             std::vector<std::string>& references, bool& calls_metrics) {
  switch (node.kind) {
    case NodeKind::kString:
      if (parent == nullptr || parent->kind != NodeKind::kCall || parent->text != "METRICS") {
        return Invalid("A string is accepted only as the argument of METRICS()" +
                       At(node.position));
      }
      break;
    case NodeKind::kKeyword:
      if (parent == nullptr || parent->kind != NodeKind::kCall || parent->text != "FILL" ||
          index != 1) {
        return Invalid(node.text + " is accepted only as the second argument of FILL()" +
                       At(node.position));
      }
      break;
    case NodeKind::kId:
      if (std::find(references.begin(), references.end(), node.text) == references.end()) {
        references.push_back(node.text);
      }
      break;
    case NodeKind::kCall:
      if (node.text == "METRICS") {
        calls_metrics = true;
        if (!node.children.empty() && node.children[0]->kind != NodeKind::kString) {
          return Invalid("The argument of METRICS() must be a string" +
                         At(node.children[0]->position));
        }
      }
      break;
    default:
      break;
  }
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    HR_RETURN_IF_ERROR(Check(*node.children[i], &node, i, references, calls_metrics));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// Evaluation helpers.

bool IsArithmetic(BinaryOp op) {
  return op == BinaryOp::kAdd || op == BinaryOp::kSub || op == BinaryOp::kMul ||
         op == BinaryOp::kDiv || op == BinaryOp::kPow;
}

std::string_view OpName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kPow:
      return "^";
    case BinaryOp::kEq:
      return "==";
    case BinaryOp::kNe:
      return "!=";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kOr:
      return "OR";
  }
  return "?";
}

double Apply(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd:
      return a + b;
    case BinaryOp::kSub:
      return a - b;
    case BinaryOp::kMul:
      return a * b;
    case BinaryOp::kDiv:
      return b == 0 ? std::nan("") : a / b;
    case BinaryOp::kPow:
      return std::pow(a, b);
    case BinaryOp::kEq:
      return a == b ? 1 : 0;
    case BinaryOp::kNe:
      return a != b ? 1 : 0;
    case BinaryOp::kLt:
      return a < b ? 1 : 0;
    case BinaryOp::kLe:
      return a <= b ? 1 : 0;
    case BinaryOp::kGt:
      return a > b ? 1 : 0;
    case BinaryOp::kGe:
      return a >= b ? 1 : 0;
    case BinaryOp::kAnd:
      return (a != 0 && b != 0) ? 1 : 0;
    case BinaryOp::kOr:
      return (a != 0 || b != 0) ? 1 : 0;
  }
  return std::nan("");
}

std::string_view TypeName(const MathValue& v) {
  if (std::holds_alternative<double>(v)) return "a scalar";
  if (std::holds_alternative<MathSeries>(v)) return "a time series";
  return "an array of time series";
}

std::optional<double> ValueAt(const TimeSeries& ts, Timestamp at) {
  auto it = std::lower_bound(ts.timestamps.begin(), ts.timestamps.end(), at);
  if (it == ts.timestamps.end() || *it != at) return std::nullopt;
  return ts.values[static_cast<std::size_t>(it - ts.timestamps.begin())];
}

// The sorted union of the members' timestamps.
std::vector<Timestamp> UnionTimestamps(const std::vector<const TimeSeries*>& all) {
  std::vector<Timestamp> out;
  for (const TimeSeries* ts : all) {
    std::vector<Timestamp> merged;
    merged.reserve(out.size() + ts->timestamps.size());
    std::set_union(out.begin(), out.end(), ts->timestamps.begin(), ts->timestamps.end(),
                   std::back_inserter(merged));
    out = std::move(merged);
  }
  return out;
}

void Push(TimeSeries& ts, Timestamp at, double value) {
  ts.timestamps.push_back(at);
  ts.values.push_back(value);
}

// An operand of a point-wise operation: a scalar or a series.
struct Operand {
  double scalar = 0;
  const TimeSeries* series = nullptr;
};

TimeSeries Combine(BinaryOp op, const Operand& l, const Operand& r) {
  TimeSeries out;
  if (l.series != nullptr && r.series != nullptr) {
    const TimeSeries& a = *l.series;
    const TimeSeries& b = *r.series;
    std::size_t i = 0, j = 0;
    const bool intersect = IsArithmetic(op);
    while (i < a.timestamps.size() || j < b.timestamps.size()) {
      const bool has_a = i < a.timestamps.size();
      const bool has_b = j < b.timestamps.size();
      if (has_a && has_b && a.timestamps[i] == b.timestamps[j]) {
        Push(out, a.timestamps[i], Apply(op, a.values[i], b.values[j]));
        ++i;
        ++j;
      } else if (has_a && (!has_b || a.timestamps[i] < b.timestamps[j])) {
        if (!intersect) Push(out, a.timestamps[i], Apply(op, a.values[i], 0));
        ++i;
      } else {
        if (!intersect) Push(out, b.timestamps[j], Apply(op, 0, b.values[j]));
        ++j;
      }
    }
    return out;
  }
  const TimeSeries& ts = l.series != nullptr ? *l.series : *r.series;
  out.timestamps = ts.timestamps;
  out.values.reserve(ts.values.size());
  for (double v : ts.values) {
    out.values.push_back(l.series != nullptr ? Apply(op, v, r.scalar) : Apply(op, l.scalar, v));
  }
  return out;
}

enum class Aggregate { kSum, kAvg, kMax, kMin, kStddev, kCount };

std::optional<Aggregate> AggregateOf(std::string_view name) {
  if (name == "SUM") return Aggregate::kSum;
  if (name == "AVG") return Aggregate::kAvg;
  if (name == "MAX") return Aggregate::kMax;
  if (name == "MIN") return Aggregate::kMin;
  if (name == "STDDEV") return Aggregate::kStddev;
  if (name == "DATAPOINT_COUNT") return Aggregate::kCount;
  return std::nullopt;
}

// `members`: how many values there should be (AVG counts the missing ones as 0).
double Reduce(Aggregate kind, const std::vector<double>& values, std::size_t members) {
  if (kind == Aggregate::kCount) return static_cast<double>(values.size());
  double sum = 0;
  for (double v : values) sum += v;
  if (kind == Aggregate::kSum) return sum;
  if (kind == Aggregate::kAvg)
    return members == 0 ? std::nan("") : sum / static_cast<double>(members);
  if (values.empty()) return std::nan("");
  if (kind == Aggregate::kMax) return *std::max_element(values.begin(), values.end());
  if (kind == Aggregate::kMin) return *std::min_element(values.begin(), values.end());
  const double mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size()));
}

// The period grid of [start, end) phased on `anchor`.
StatusOr<std::vector<Timestamp>> Grid(const MathEnvironment& env, Timestamp anchor) {
  std::vector<Timestamp> grid;
  if (env.end <= env.start) return grid;
  const std::int64_t p =
      env.period > Duration::Zero() ? env.period.nanos() : Duration::Seconds(60).nanos();
  const std::int64_t diff = (anchor - env.start).nanos();
  std::int64_t k = diff / p;
  if (diff % p < 0) --k;
  const Timestamp first = anchor - Duration::Nanos(k * p);
  if (first >= env.end) return grid;
  const std::int64_t count = ((env.end - first).nanos() + p - 1) / p;
  if (count > static_cast<std::int64_t>(MathExpression::kMaxDatapoints)) {
    return Invalid("The expression would produce " + std::to_string(count) +
                   " datapoints, more than the maximum of " +
                   std::to_string(MathExpression::kMaxDatapoints));
  }
  grid.reserve(static_cast<std::size_t>(count));
  for (Timestamp t = first; t < env.end; t += Duration::Nanos(p)) grid.push_back(t);
  return grid;
}

// ---------------------------------------------------------------------------------------

class Evaluator {
 public:
  explicit Evaluator(const MathEnvironment& environment) : env_(environment) {}

  bool dropped() const { return dropped_; }

  StatusOr<MathValue> Eval(const Node& node) {
    switch (node.kind) {
      case NodeKind::kNumber:
        return MathValue(node.number);
      case NodeKind::kId: {
        const MathValue* value = env_.lookup ? env_.lookup(node.text) : nullptr;
        if (value == nullptr) {
          return Invalid("Unrecognized identifier " + node.text + At(node.position));
        }
        return *value;
      }
      case NodeKind::kString:
      case NodeKind::kKeyword:
        return Invalid("Unexpected " + node.text + At(node.position));  // Check() prevents it
      case NodeKind::kNegate: {
        HR_ASSIGN_OR_RETURN(MathValue v, Eval(*node.children[0]));
        return MapValues(std::move(v), [](double x) { return -x; });
      }
      case NodeKind::kNot: {
        HR_ASSIGN_OR_RETURN(MathValue v, Eval(*node.children[0]));
        return MapValues(std::move(v), [](double x) { return x == 0 ? 1.0 : 0.0; });
      }
      case NodeKind::kBinary: {
        HR_ASSIGN_OR_RETURN(MathValue l, Eval(*node.children[0]));
        HR_ASSIGN_OR_RETURN(MathValue r, Eval(*node.children[1]));
        return Binary(node, l, r);
      }
      case NodeKind::kArray: {
        std::vector<MathSeries> members;
        for (const auto& child : node.children) {
          HR_ASSIGN_OR_RETURN(MathValue v, Eval(*child));
          if (auto* s = std::get_if<MathSeries>(&v)) {
            members.push_back(std::move(*s));
          } else if (auto* a = std::get_if<std::vector<MathSeries>>(&v)) {
            for (auto& m : *a) members.push_back(std::move(m));
          } else {
            return Invalid("An array holds time series, not " + std::string(TypeName(v)) +
                           At(child->position));
          }
        }
        return MathValue(std::move(members));
      }
      case NodeKind::kCall:
        return Call(node);
    }
    return Invalid("Unsupported expression");
  }

  // Drops the non-finite points of a computed series, remembering that it did.
  TimeSeries Clean(TimeSeries ts) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < ts.values.size(); ++i) {
      if (!std::isfinite(ts.values[i])) continue;
      ts.timestamps[kept] = ts.timestamps[i];
      ts.values[kept] = ts.values[i];
      ++kept;
    }
    if (kept != ts.values.size()) dropped_ = true;
    ts.timestamps.resize(kept);
    ts.values.resize(kept);
    ts.source.reset();
    return ts;
  }

  // A computed series; an array member keeps its input's id and label.
  MathSeries Computed(TimeSeries ts, const MathSeries* like = nullptr) {
    MathSeries out;
    if (like != nullptr) {
      out.id = like->id;
      out.label = like->label;
    }
    out.series = Clean(std::move(ts));
    return out;
  }

  // A scalar at every period of [start, end) (TIME_SERIES, and a scalar final result).
  StatusOr<TimeSeries> Constant(double value) {
    HR_ASSIGN_OR_RETURN(std::vector<Timestamp> grid, Grid(env_, env_.start));
    TimeSeries ts;
    ts.values.assign(grid.size(), value);
    ts.timestamps = std::move(grid);
    return Clean(std::move(ts));
  }

 private:
  template <typename F>
  MathValue MapValues(MathValue v, F f) {
    if (auto* d = std::get_if<double>(&v)) return MathValue(f(*d));
    auto map_series = [&](const MathSeries& s) {
      TimeSeries ts = s.series;
      for (double& x : ts.values) x = f(x);
      return Computed(std::move(ts), &s);
    };
    if (auto* s = std::get_if<MathSeries>(&v)) {
      MathSeries out = map_series(*s);
      out.id.clear();
      out.label.clear();
      return MathValue(std::move(out));
    }
    std::vector<MathSeries> out;
    for (const auto& m : std::get<std::vector<MathSeries>>(v)) out.push_back(map_series(m));
    return MathValue(std::move(out));
  }

  static Operand OperandOf(const MathValue& v) {
    Operand o;
    if (auto* d = std::get_if<double>(&v)) o.scalar = *d;
    if (auto* s = std::get_if<MathSeries>(&v)) o.series = &s->series;
    return o;
  }
  static Operand OperandOf(const MathSeries& s) {
    Operand o;
    o.series = &s.series;
    return o;
  }

  StatusOr<MathValue> Binary(const Node& node, const MathValue& l, const MathValue& r) {
    const BinaryOp op = node.op;
    const auto* la = std::get_if<std::vector<MathSeries>>(&l);
    const auto* ra = std::get_if<std::vector<MathSeries>>(&r);
    if (la == nullptr && ra == nullptr) {
      if (std::holds_alternative<double>(l) && std::holds_alternative<double>(r)) {
        return MathValue(Apply(op, std::get<double>(l), std::get<double>(r)));
      }
      return MathValue(Computed(Combine(op, OperandOf(l), OperandOf(r))));
    }
    std::vector<MathSeries> out;
    if (la != nullptr && ra != nullptr) {
      if (la->size() != ra->size()) {
        return Invalid("The arrays on both sides of " + std::string(OpName(op)) +
                       " have different sizes (" + std::to_string(la->size()) + " and " +
                       std::to_string(ra->size()) + ")" + At(node.position));
      }
      for (std::size_t i = 0; i < la->size(); ++i) {
        out.push_back(Computed(Combine(op, OperandOf((*la)[i]), OperandOf((*ra)[i])), &(*la)[i]));
      }
    } else if (la != nullptr) {
      const Operand other = OperandOf(r);
      for (const auto& m : *la) out.push_back(Computed(Combine(op, OperandOf(m), other), &m));
    } else {
      const Operand other = OperandOf(l);
      for (const auto& m : *ra) out.push_back(Computed(Combine(op, other, OperandOf(m)), &m));
    }
    return MathValue(std::move(out));
  }

  static Status ArgType(const Node& call, std::size_t index, std::string_view expected,
                        const MathValue& got) {
    return Invalid("Argument " + std::to_string(index + 1) + " of " + call.text + " must be " +
                   std::string(expected) + ", not " + std::string(TypeName(got)) +
                   At(call.children[index]->position));
  }

  StatusOr<MathValue> Call(const Node& node) {
    const std::string& name = node.text;
    if (name == "METRICS") {
      std::vector<MathSeries> out;
      const std::string filter = node.children.empty() ? "" : node.children[0]->text;
      for (const auto& m : env_.metrics) {
        if (m.id.find(filter) != std::string::npos) out.push_back(m);
      }
      return MathValue(std::move(out));
    }
    if (name == "IF") return If(node);
    if (name == "FILL") return Fill(node);

    HR_ASSIGN_OR_RETURN(MathValue arg, Eval(*node.children[0]));
    auto* series = std::get_if<MathSeries>(&arg);
    auto* array = std::get_if<std::vector<MathSeries>>(&arg);

    if (auto kind = AggregateOf(name)) {
      if (series != nullptr) {
        return MathValue(Reduce(*kind, series->series.values, series->series.values.size()));
      }
      if (array == nullptr)
        return ArgType(node, 0, "a time series or an array of time series", arg);
      std::vector<const TimeSeries*> all;
      for (const auto& m : *array) all.push_back(&m.series);
      TimeSeries ts;
      std::vector<std::size_t> cursor(all.size(), 0);
      std::vector<double> present;
      for (Timestamp t : UnionTimestamps(all)) {
        present.clear();
        for (std::size_t i = 0; i < all.size(); ++i) {
          const TimeSeries& m = *all[i];
          if (cursor[i] < m.timestamps.size() && m.timestamps[cursor[i]] == t) {
            present.push_back(m.values[cursor[i]++]);
          }
        }
        Push(ts, t, Reduce(*kind, present, all.size()));
      }
      return MathValue(Computed(std::move(ts)));
    }
    if (name == "ABS" || name == "CEIL" || name == "FLOOR" || name == "LOG" || name == "LOG10") {
      auto f = [&name](double x) {
        if (name == "ABS") return std::fabs(x);
        if (name == "CEIL") return std::ceil(x);
        if (name == "FLOOR") return std::floor(x);
        if (name == "LOG") return std::log(x);
        return std::log10(x);
      };
      return MapValues(std::move(arg), f);
    }
    if (name == "DIFF" || name == "RATE" || name == "RUNNING_SUM") {
      auto apply = [&](const MathSeries& s) {
        const TimeSeries& in = s.series;
        TimeSeries ts;
        double running = 0;
        for (std::size_t i = 0; i < in.values.size(); ++i) {
          if (name == "RUNNING_SUM") {
            running += in.values[i];
            Push(ts, in.timestamps[i], running);
          } else if (i > 0) {
            const double delta = in.values[i] - in.values[i - 1];
            const double seconds = (in.timestamps[i] - in.timestamps[i - 1]).seconds();
            Push(ts, in.timestamps[i],
                 name == "DIFF" ? delta : Apply(BinaryOp::kDiv, delta, seconds));
          }
        }
        return Computed(std::move(ts), &s);
      };
      if (series != nullptr) {
        MathSeries out = apply(*series);
        out.id.clear();
        out.label.clear();
        return MathValue(std::move(out));
      }
      if (array == nullptr)
        return ArgType(node, 0, "a time series or an array of time series", arg);
      std::vector<MathSeries> out;
      for (const auto& m : *array) out.push_back(apply(m));
      return MathValue(std::move(out));
    }
    if (name == "METRIC_COUNT") {
      if (array == nullptr) return ArgType(node, 0, "an array of time series", arg);
      return MathValue(static_cast<double>(array->size()));
    }
    if (name == "FIRST" || name == "LAST") {
      if (array == nullptr) return ArgType(node, 0, "an array of time series", arg);
      if (array->empty()) return MathValue(MathSeries{});
      MathSeries out = name == "FIRST" ? array->front() : array->back();
      out.series.source.reset();
      out.period.reset();
      return MathValue(std::move(out));
    }
    if (name == "REMOVE_EMPTY") {
      if (array == nullptr) return ArgType(node, 0, "an array of time series", arg);
      std::vector<MathSeries> out;
      for (auto& m : *array) {
        if (!m.series.values.empty()) out.push_back(std::move(m));
      }
      return MathValue(std::move(out));
    }
    if (name == "TIME_SERIES") {
      const auto* d = std::get_if<double>(&arg);
      if (d == nullptr) return ArgType(node, 0, "a scalar", arg);
      HR_ASSIGN_OR_RETURN(TimeSeries ts, Constant(*d));
      MathSeries out;
      out.series = std::move(ts);
      return MathValue(std::move(out));
    }
    if (name == "PERIOD") {
      if (series == nullptr || !series->period.has_value()) {
        return Invalid("The argument of PERIOD must be a metric, not the result of an expression" +
                       At(node.children[0]->position));
      }
      return MathValue(series->period->seconds());
    }
    if (name == "SERVICE_QUOTA") {
      if (series == nullptr || !series->series.source.has_value()) {
        return Invalid(
            "The argument of SERVICE_QUOTA must be a usage metric (the id of a "
            "metric query), not " +
            std::string(series == nullptr ? TypeName(arg) : "the result of an expression") +
            At(node.children[0]->position));
      }
      const MetricId& metric = *series->series.source;
      std::optional<double> quota =
          env_.service_quota ? env_.service_quota(metric) : std::optional<double>();
      if (!quota.has_value()) {
        return Invalid("SERVICE_QUOTA: the metric " + metric.ns + " " + metric.name + " of " +
                       series->id + " is not a usage metric with a service quota");
      }
      TimeSeries ts;
      ts.timestamps = series->series.timestamps;
      ts.values.assign(ts.timestamps.size(), *quota);
      MathSeries out;
      out.series = Clean(std::move(ts));
      return MathValue(std::move(out));
    }
    return Invalid("Unknown function " + name + At(node.position));  // the table prevents it
  }

  StatusOr<MathValue> If(const Node& node) {
    HR_ASSIGN_OR_RETURN(MathValue cond, Eval(*node.children[0]));
    HR_ASSIGN_OR_RETURN(MathValue a, Eval(*node.children[1]));
    std::optional<MathValue> b;
    if (node.children.size() > 2) {
      HR_ASSIGN_OR_RETURN(b, Eval(*node.children[2]));
    }
    if (std::holds_alternative<std::vector<MathSeries>>(cond)) {
      return ArgType(node, 0, "a time series or a scalar", cond);
    }
    if (std::holds_alternative<std::vector<MathSeries>>(a)) {
      return ArgType(node, 1, "a time series or a scalar", a);
    }
    if (b.has_value() && std::holds_alternative<std::vector<MathSeries>>(*b)) {
      return ArgType(node, 2, "a time series or a scalar", *b);
    }
    if (const auto* c = std::get_if<double>(&cond)) {
      if (*c != 0) return a;
      if (b.has_value()) return *b;
      return MathValue(MathSeries{});
    }
    const TimeSeries& condition = std::get<MathSeries>(cond).series;
    TimeSeries ts;
    for (std::size_t i = 0; i < condition.timestamps.size(); ++i) {
      const Timestamp t = condition.timestamps[i];
      if (condition.values[i] != 0) {
        if (const auto* d = std::get_if<double>(&a)) {
          Push(ts, t, *d);
        } else {
          Push(ts, t, ValueAt(std::get<MathSeries>(a).series, t).value_or(0));
        }
      } else if (b.has_value()) {
        if (const auto* d = std::get_if<double>(&*b)) {
          Push(ts, t, *d);
        } else if (auto v = ValueAt(std::get<MathSeries>(*b).series, t)) {
          Push(ts, t, *v);
        }
      }
    }
    return MathValue(Computed(std::move(ts)));
  }

  StatusOr<MathValue> Fill(const Node& node) {
    HR_ASSIGN_OR_RETURN(MathValue target, Eval(*node.children[0]));
    const Node& how = *node.children[1];
    enum class Mode { kValue, kSeries, kRepeat, kLinear } mode = Mode::kValue;
    double value = 0;
    MathValue filler;
    if (how.kind == NodeKind::kKeyword) {
      mode = how.text == "REPEAT" ? Mode::kRepeat : Mode::kLinear;
    } else {
      HR_ASSIGN_OR_RETURN(filler, Eval(how));
      if (const auto* d = std::get_if<double>(&filler)) {
        value = *d;
      } else if (std::holds_alternative<MathSeries>(filler)) {
        mode = Mode::kSeries;
      } else {
        return ArgType(node, 1, "a scalar, a time series, REPEAT or LINEAR", filler);
      }
    }
    auto fill = [&](const MathSeries& s) -> StatusOr<MathSeries> {
      const TimeSeries& in = s.series;
      HR_ASSIGN_OR_RETURN(std::vector<Timestamp> grid,
                          Grid(env_, in.timestamps.empty() ? env_.start : in.timestamps.front()));
      std::vector<Timestamp> all;
      all.reserve(grid.size() + in.timestamps.size());
      std::set_union(grid.begin(), grid.end(), in.timestamps.begin(), in.timestamps.end(),
                     std::back_inserter(all));
      TimeSeries ts;
      std::size_t next = 0;  // the first actual point at or after the current timestamp
      for (Timestamp t : all) {
        while (next < in.timestamps.size() && in.timestamps[next] < t) ++next;
        if (next < in.timestamps.size() && in.timestamps[next] == t) {
          Push(ts, t, in.values[next]);
          continue;
        }
        switch (mode) {
          case Mode::kValue:
            Push(ts, t, value);
            break;
          case Mode::kSeries:
            if (auto v = ValueAt(std::get<MathSeries>(filler).series, t)) Push(ts, t, *v);
            break;
          case Mode::kRepeat:
            if (next > 0) Push(ts, t, in.values[next - 1]);
            break;
          case Mode::kLinear:
            if (next > 0 && next < in.timestamps.size()) {
              const Timestamp t0 = in.timestamps[next - 1];
              const Timestamp t1 = in.timestamps[next];
              const double v0 = in.values[next - 1];
              const double v1 = in.values[next];
              const double elapsed = static_cast<double>((t - t0).nanos());
              const double span = static_cast<double>((t1 - t0).nanos());
              Push(ts, t, v0 + (v1 - v0) * elapsed / span);
            }
            break;
        }
      }
      return Computed(std::move(ts), &s);
    };
    if (const auto* s = std::get_if<MathSeries>(&target)) {
      HR_ASSIGN_OR_RETURN(MathSeries out, fill(*s));
      out.id.clear();
      out.label.clear();
      return MathValue(std::move(out));
    }
    const auto* array = std::get_if<std::vector<MathSeries>>(&target);
    if (array == nullptr) {
      return ArgType(node, 0, "a time series or an array of time series", target);
    }
    std::vector<MathSeries> out;
    for (const auto& m : *array) {
      HR_ASSIGN_OR_RETURN(MathSeries filled, fill(m));
      out.push_back(std::move(filled));
    }
    return MathValue(std::move(out));
  }

  const MathEnvironment& env_;
  bool dropped_ = false;
};

}  // namespace

StatusOr<MathExpression> MathExpression::Parse(std::string_view text) {
  if (text.size() > kMaxLength) {
    return Invalid("The expression is " + std::to_string(text.size()) +
                   " characters long; the maximum is " + std::to_string(kMaxLength));
  }
  HR_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  if (tokens.size() == 1) return Invalid("The expression is empty");
  Parser parser(std::move(tokens));
  HR_ASSIGN_OR_RETURN(std::unique_ptr<Node> root, parser.ParseAll());
  MathExpression expression;
  HR_RETURN_IF_ERROR(Check(*root, nullptr, 0, expression.references_, expression.calls_metrics_));
  expression.root_ = std::move(root);
  return expression;
}

StatusOr<TimeSeries> ConstantSeries(double value, const MathEnvironment& environment) {
  Evaluator evaluator(environment);
  return evaluator.Constant(value);
}

StatusOr<MathResult> MathExpression::Evaluate(const MathEnvironment& environment) const {
  Evaluator evaluator(environment);
  HR_ASSIGN_OR_RETURN(MathValue value, evaluator.Eval(*root_));
  MathResult result;
  result.value = std::move(value);
  result.dropped_non_numeric = evaluator.dropped();
  return result;
}

}  // namespace hr::telemetry
