#include "wire/shape_validator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include "base/iso_time.h"

namespace hr::wire {
namespace {

namespace json = boost::json;

// The constraints a value can break, as bits, and the order AWS lists them in.
enum Violation : unsigned {
  kMax = 1u << 0,
  kMin = 1u << 1,
  kPattern = 1u << 2,
  kEnum = 1u << 3,
};
constexpr Violation kInMessageOrder[] = {kMax, kMin, kPattern, kEnum};

// Nesting deeper than this is not validated. No model comes close; it bounds the recursion a
// hostile body can cause.
constexpr int kMaxDepth = 32;

std::string_view View(json::string_view s) { return {s.data(), s.size()}; }

bool IsNumber(ShapeType type) {
  return type == ShapeType::kInteger || type == ShapeType::kLong || type == ShapeType::kDouble ||
         type == ShapeType::kFloat;
}

std::size_t CodePoints(std::string_view utf8) {
  return std::count_if(utf8.begin(), utf8.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

std::size_t DecodedSize(std::string_view base64) {
  std::size_t padding = 0;
  while (padding < 2 && padding < base64.size() && base64[base64.size() - 1 - padding] == '=') {
    ++padding;
  }
  std::size_t bytes = base64.size() * 3 / 4;
  return bytes > padding ? bytes - padding : 0;
}

unsigned BoundViolations(double value, const Shape& shape) {
  unsigned broken = 0;
  if (shape.max.present && value > shape.max.value) broken |= kMax;
  if (shape.min.present && value < shape.min.value) broken |= kMin;
  return broken;
}

unsigned StringViolations(std::string_view s, const Shape& shape, const ServiceModel& model) {
  unsigned broken = BoundViolations(static_cast<double>(CodePoints(s)), shape);
  if (shape.pattern != kNone && !model.patterns[shape.pattern].FullMatch(s)) broken |= kPattern;
  auto allowed = model.EnumValuesOf(shape);
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
    broken |= kEnum;
  }
  return broken;
}

// kInteger is 32 bits, kLong 64.
bool Fits(std::int64_t n, ShapeType type) {
  return type == ShapeType::kLong || (n >= std::numeric_limits<std::int32_t>::min() &&
                                      n <= std::numeric_limits<std::int32_t>::max());
}

// The integer in `value` if it is a JSON integer that fits `type`.
std::optional<std::int64_t> JsonInteger(const json::value& value, ShapeType type) {
  std::int64_t n;
  if (value.is_int64()) {
    n = value.get_int64();
  } else if (value.is_uint64() &&
             value.get_uint64() <= std::uint64_t{std::numeric_limits<std::int64_t>::max()}) {
    n = static_cast<std::int64_t>(value.get_uint64());
  } else {
    return std::nullopt;
  }
  return Fits(n, type) ? std::optional<std::int64_t>(n) : std::nullopt;
}

// The number `text` spells, if it is all a number of `type`.
std::optional<double> TextNumber(std::string_view text, ShapeType type) {
  const char* end = text.data() + text.size();
  if (type == ShapeType::kDouble || type == ShapeType::kFloat) {
    double d;
    auto [ptr, ec] = std::from_chars(text.data(), end, d);
    return ec == std::errc() && ptr == end ? std::optional<double>(d) : std::nullopt;
  }
  std::int64_t n;
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || ptr != end || !Fits(n, type)) return std::nullopt;
  return static_cast<double>(n);
}

// --- Type mismatches, worded like AWS's JSON deserializer ---

std::string_view JavaTypeName(ShapeType type) {
  switch (type) {
    case ShapeType::kString: return "a String";
    case ShapeType::kInteger: return "an Integer";
    case ShapeType::kLong: return "a Long";
    case ShapeType::kBoolean: return "a Boolean";
    case ShapeType::kDouble: return "a Double";
    case ShapeType::kFloat: return "a Float";
    case ShapeType::kBlob: return "a ByteBuffer";
    case ShapeType::kTimestamp: return "a Date";
    case ShapeType::kList:
    case ShapeType::kMap:
    case ShapeType::kStructure: break;
  }
  return "";
}

std::string_view TokenName(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string: return "STRING_VALUE";
    case json::kind::int64:
    case json::kind::uint64: return "NUMBER_VALUE";
    case json::kind::double_: return "DECIMAL_VALUE";
    case json::kind::bool_: return value.get_bool() ? "TRUE_VALUE" : "FALSE_VALUE";
    default: return "";
  }
}

std::string JsonMismatch(const json::value& value, ShapeType expected) {
  if (value.is_array()) return "Start of list found where not expected";
  if (value.is_object()) return "Start of structure or map found where not expected.";
  if (expected == ShapeType::kStructure || expected == ShapeType::kList ||
      expected == ShapeType::kMap) {
    return "Expected null";
  }
  std::string message(TokenName(value));
  message += " can not be converted to ";
  message += JavaTypeName(expected);
  return message;
}

std::string TextMismatch(ShapeType expected) {
  std::string message = "STRING_VALUE can not be converted to ";
  message += JavaTypeName(expected);
  return message;
}

// --- Values as Java's toString prints them ---

void AppendInteger(std::string& out, std::uint64_t n, bool negative) {
  std::array<char, 24> digits;
  auto end = std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr;
  if (negative) out += '-';
  out.append(digits.data(), end);
}

// Double.toString: plain notation with at least one decimal in [1e-3, 1e7), else "1.0E7".
void AppendJavaDouble(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  std::array<char, 64> buffer;
  char* first = buffer.data();
  double magnitude = std::fabs(d);
  if (d == 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    char* end = std::to_chars(first, first + buffer.size(), d, std::chars_format::fixed).ptr;
    out.append(first, end);
    if (std::find(first, end, '.') == end) out += ".0";
    return;
  }
  char* end = std::to_chars(first, first + buffer.size(), d, std::chars_format::scientific).ptr;
  char* e = std::find(first, end, 'e');
  out.append(first, e);
  if (std::find(first, e, '.') == e) out += ".0";
  out += 'E';
  int exponent = 0;
  std::from_chars(e + 1 + (e[1] == '+'), end, exponent);
  AppendInteger(out, static_cast<std::uint64_t>(std::abs(exponent)), exponent < 0);
}

// Java's toString of `value` as the service deserialised it into `shape` (null: unknown),
// so that an integer sent for a double prints as "2.0", as AWS prints it.
void AppendJava(std::string& out, const json::value& value, const Shape* shape,
                const ServiceModel& model) {
  const bool floating = shape && (shape->type == ShapeType::kDouble || shape->type == ShapeType::kFloat);
  const Shape* element =
      shape && shape->element != kNone ? &model.shape(shape->element) : nullptr;
  if (floating && value.is_number()) {
    AppendJavaDouble(out, value.to_number<double>());
    return;
  }
  switch (value.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case json::kind::int64: {
      std::int64_t n = value.get_int64();
      AppendInteger(out, n < 0 ? 0 - static_cast<std::uint64_t>(n) : n, n < 0);
      break;
    }
    case json::kind::uint64: AppendInteger(out, value.get_uint64(), false); break;
    case json::kind::double_: AppendJavaDouble(out, value.get_double()); break;
    case json::kind::string: out += View(value.get_string()); break;
    case json::kind::array: {
      out += '[';
      const char* separator = "";
      for (const json::value& item : value.get_array()) {
        out += std::exchange(separator, ", ");
        AppendJava(out, item, element, model);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      const char* separator = "";
      for (const json::key_value_pair& entry : value.get_object()) {
        out += std::exchange(separator, ", ");
        out += View(entry.key());
        out += '=';
        AppendJava(out, entry.value(), shape && shape->type == ShapeType::kMap ? element : nullptr,
                   model);
      }
      out += '}';
      break;
    }
  }
}

// --- Constraint texts ---

unsigned DeclaredConstraints(const Shape& shape) {
  return (shape.max.present ? kMax : 0u) | (shape.min.present ? kMin : 0u) |
         (shape.pattern != kNone ? kPattern : 0u) | (shape.enum_values.count > 0 ? kEnum : 0u);
}

void AppendConstraint(std::string& out, Violation violation, const Shape& shape,
                      const ServiceModel& model) {
  std::string_view measure = IsNumber(shape.type) ? "value" : "length";
  switch (violation) {
    case kMax:
      out += "Member must have ";
      out += measure;
      out += " less than or equal to ";
      out += shape.max.text;
      break;
    case kMin:
      out += "Member must have ";
      out += measure;
      out += " greater than or equal to ";
      out += shape.min.text;
      break;
    case kPattern:
      out += "Member must satisfy regular expression pattern: ";
      out += model.patterns[shape.pattern].text();
      break;
    case kEnum: {
      out += "Member must satisfy enum value set: [";
      const char* separator = "";
      for (std::string_view value : model.EnumValuesOf(shape)) {
        out += std::exchange(separator, ", ");
        out += value;
      }
      out += ']';
      break;
    }
  }
}

// "[<every constraint of shape>, Member must not be null]", as AWS judges a collection's items.
void AppendConstraintList(std::string& out, const Shape& shape, const ServiceModel& model,
                          bool not_null) {
  out += '[';
  const char* separator = "";
  unsigned declared = DeclaredConstraints(shape);
  for (Violation violation : kInMessageOrder) {
    if ((declared & violation) == 0) continue;
    out += std::exchange(separator, ", ");
    AppendConstraint(out, violation, shape, model);
  }
  if (not_null) {
    out += separator;
    out += "Member must not be null";
  }
  out += ']';
}

// Where the walk is, kept without allocating and spelled out only when an error names it.
class Path {
 public:
  bool full() const { return depth_ == kMaxDepth; }
  // REQUIRES: !full() for each Push.
  void Push(std::string_view member) { segments_[depth_++] = {member, 0}; }
  void PushElement(std::size_t number) { segments_[depth_++] = {{}, number}; }
  void PushKey(std::string_view key) { segments_[depth_++] = {key, kKeySegment}; }
  void Pop() { --depth_; }

  // "member.sub", "list.3.member.sub", "map.KEY.member.sub".
  void AppendTo(std::string& out) const {
    for (int i = 0; i < depth_; ++i) {
      const Segment& segment = segments_[i];
      if (i > 0) out += '.';
      if (segment.number == 0) {
        out += segment.name;
        continue;
      }
      if (segment.number == kKeySegment) {
        out += segment.name;
      } else {
        AppendInteger(out, segment.number, false);
      }
      out += ".member";
    }
  }

 private:
  static constexpr std::size_t kKeySegment = std::numeric_limits<std::size_t>::max();
  struct Segment {
    std::string_view name;
    std::size_t number;  // 0: a member; N: the Nth list element; kKeySegment: a map entry
  };
  std::array<Segment, kMaxDepth> segments_;
  int depth_ = 0;
};

// The value an error quotes: JSON from the body, or text from the URI, query or headers.
struct Quoted {
  const json::value* json = nullptr;
  std::string_view text;
  const Shape* shape = nullptr;  // the shape `json` is quoted as
};

std::optional<std::string_view> FindParam(std::span<const RequestParam> params,
                                          std::string_view name) {
  for (const RequestParam& param : params) {
    if (param.name == name) return param.value;
  }
  return std::nullopt;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  auto same = [&](char x, char y) { return lower(x) == lower(y); };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same);
}

std::optional<std::string_view> FindHeader(std::span<const RequestParam> headers,
                                           std::string_view name) {
  for (const RequestParam& header : headers) {
    if (EqualsIgnoringCase(header.name, name)) return header.value;
  }
  return std::nullopt;
}

// One validation of one request. Each walking method returns false when a type mismatch ends
// the walk (the mismatch is then in mismatch_).
class Walk {
 public:
  Walk(const ServiceModel& model, const RequestView& request) : model_(model), request_(request) {}

  std::optional<ValidationFailure> Run(const Shape& input) {
    for (const Member& member : model_.MembersOf(input)) {
      path_.Push(member.path_name);
      bool ok = TopLevelMember(member, model_.shape(member.shape));
      path_.Pop();
      if (!ok) return ValidationFailure{ValidationFailure::Kind::kTypeMismatch, *mismatch_};
    }
    if (errors_ == 0) return std::nullopt;
    std::string message = std::to_string(errors_);
    message += errors_ == 1 ? " validation error detected: " : " validation errors detected: ";
    message += text_;
    return ValidationFailure{ValidationFailure::Kind::kConstraintViolation, std::move(message)};
  }

 private:
  bool TopLevelMember(const Member& member, const Shape& shape) {
    const json::value* body = request_.body;
    switch (member.location) {
      case Location::kBody:
        if (body == nullptr || body->is_null()) return Json(nullptr, shape, member.required);
        if (!body->is_object()) return Mismatch(JsonMismatch(*body, ShapeType::kStructure));
        return Json(body->get_object().if_contains(member.wire_name), shape, member.required);
      case Location::kPayload:
        return shape.type != ShapeType::kStructure || Json(body, shape, member.required);
      case Location::kUri:
        return Text(FindParam(request_.labels, member.wire_name), shape, member.required);
      case Location::kQuery:
        if (shape.type == ShapeType::kList) return QueryList(member, shape);
        return Text(FindParam(request_.query, member.wire_name), shape, member.required);
      case Location::kHeader:
        return Text(FindHeader(request_.headers, member.wire_name), shape, member.required);
    }
    return true;
  }

  bool Json(const json::value* value, const Shape& shape, bool required) {
    if (value == nullptr || value->is_null()) {
      if (required) ReportNull(shape);
      return true;
    }
    unsigned broken = 0;
    if (!OwnViolations(*value, shape, broken)) return false;
    Report(Quoted{value, {}, &shape}, shape, broken);
    if (path_.full()) return true;
    switch (shape.type) {
      case ShapeType::kStructure: return Structure(value->get_object(), shape);
      case ShapeType::kList: return Elements(value->get_array(), *value, shape);
      case ShapeType::kMap: return Entries(value->get_object(), *value, shape);
      default: return true;
    }
  }

  // Type-checks `value` against `shape` and sets `broken` to the constraints of `shape` itself
  // that it breaks (not those of anything nested in it).
  bool OwnViolations(const json::value& value, const Shape& shape, unsigned& broken) {
    switch (shape.type) {
      case ShapeType::kString:
        if (!value.is_string()) break;
        broken = StringViolations(View(value.get_string()), shape, model_);
        return true;
      case ShapeType::kInteger:
      case ShapeType::kLong: {
        std::optional<std::int64_t> n = JsonInteger(value, shape.type);
        if (!n) break;
        broken = BoundViolations(static_cast<double>(*n), shape);
        return true;
      }
      case ShapeType::kDouble:
      case ShapeType::kFloat:
        if (!value.is_number()) break;
        broken = BoundViolations(value.to_number<double>(), shape);
        return true;
      case ShapeType::kBoolean:
        if (!value.is_bool()) break;
        return true;
      case ShapeType::kBlob:
        if (!value.is_string()) break;
        broken = BoundViolations(static_cast<double>(DecodedSize(View(value.get_string()))), shape);
        return true;
      case ShapeType::kTimestamp:
        if (!value.is_number() && !value.is_string()) break;
        // Epoch seconds beyond what a Timestamp holds (or 1e400, read as infinity).
        if (value.is_number() && !TimestampFromUnixSeconds(value.to_number<double>())) break;
        return true;
      case ShapeType::kList:
        if (!value.is_array()) break;
        broken = BoundViolations(static_cast<double>(value.get_array().size()), shape);
        return true;
      case ShapeType::kMap:
        if (!value.is_object()) break;
        broken = BoundViolations(static_cast<double>(value.get_object().size()), shape);
        return true;
      case ShapeType::kStructure:
        if (!value.is_object()) break;
        return true;
    }
    return Mismatch(JsonMismatch(value, shape.type));
  }

  bool Structure(const json::object& object, const Shape& shape) {
    for (const Member& member : model_.MembersOf(shape)) {
      path_.Push(member.path_name);
      bool ok = Json(object.if_contains(member.wire_name), model_.shape(member.shape),
                     member.required);
      path_.Pop();
      if (!ok) return false;
    }
    return true;
  }

  bool Elements(const json::array& items, const json::value& list, const Shape& shape) {
    const Shape& element = model_.shape(shape.element);
    if (element.type == ShapeType::kStructure) {
      for (std::size_t i = 0; i < items.size(); ++i) {
        path_.PushElement(i + 1);
        bool ok = Json(&items[i], element, /*required=*/true);
        path_.Pop();
        if (!ok) return false;
      }
      return true;
    }
    bool any_broken = false;
    for (const json::value& item : items) {
      unsigned broken = 0;
      if (!item.is_null() && !OwnViolations(item, element, broken)) return false;
      any_broken |= item.is_null() || broken != 0;
    }
    if (any_broken) ReportItems(list, shape, "Member must satisfy constraint: ", element, true);
    return true;
  }

  bool Entries(const json::object& entries, const json::value& map, const Shape& shape) {
    const Shape& key = model_.shape(shape.key);
    bool any_key_broken = std::any_of(entries.begin(), entries.end(), [&](const auto& entry) {
      return StringViolations(View(entry.key()), key, model_) != 0;
    });
    if (any_key_broken) ReportItems(map, shape, "Map keys must satisfy constraint: ", key, false);

    const Shape& value = model_.shape(shape.element);
    if (value.type == ShapeType::kStructure) {
      for (const json::key_value_pair& entry : entries) {
        path_.PushKey(View(entry.key()));
        bool ok = Json(&entry.value(), value, /*required=*/true);
        path_.Pop();
        if (!ok) return false;
      }
      return true;
    }
    bool any_value_broken = false;
    for (const json::key_value_pair& entry : entries) {
      unsigned broken = 0;
      if (!entry.value().is_null() && !OwnViolations(entry.value(), value, broken)) return false;
      any_value_broken |= entry.value().is_null() || broken != 0;
    }
    if (any_value_broken) {
      ReportItems(map, shape, "Map value must satisfy constraint: ", value, true);
    }
    return true;
  }

  // A member read from the URI, query string or headers: text, parsed per its shape.
  bool Text(std::optional<std::string_view> text, const Shape& shape, bool required) {
    if (!text) {
      if (required) ReportNull(shape);
      return true;
    }
    unsigned broken = 0;
    if (shape.type == ShapeType::kString) {
      broken = StringViolations(*text, shape, model_);
    } else if (IsNumber(shape.type)) {
      std::optional<double> n = TextNumber(*text, shape.type);
      if (!n) return Mismatch(TextMismatch(shape.type));
      broken = BoundViolations(*n, shape);
    } else if (shape.type == ShapeType::kBoolean && *text != "true" && *text != "false") {
      return Mismatch(TextMismatch(shape.type));
    }
    Report(Quoted{nullptr, *text}, shape, broken);
    return true;
  }

  // A list in the query string: one parameter per item. Rare (UntagResource's TagKeys), so it
  // is read into JSON and judged like a body list.
  bool QueryList(const Member& member, const Shape& shape) {
    json::array items;
    for (const RequestParam& param : request_.query) {
      if (param.name == member.wire_name) items.emplace_back(json::string_view(param.value));
    }
    if (items.empty()) return Json(nullptr, shape, member.required);
    json::value list(std::move(items));
    return Json(&list, shape, member.required);
  }

  bool Mismatch(std::string message) {
    mismatch_ = std::move(message);
    return false;
  }

  void Report(const Quoted& value, const Shape& shape, unsigned broken) {
    for (Violation violation : kInMessageOrder) {
      if ((broken & violation) == 0) continue;
      BeginError(&value, shape.sensitive);
      AppendConstraint(text_, violation, shape, model_);
    }
  }

  void ReportNull(const Shape& shape) {
    BeginError(nullptr, shape.sensitive);
    text_ += "Member must not be null";
  }

  // One error for a list or map whose keys or items break `item`'s constraints.
  void ReportItems(const json::value& whole, const Shape& shape, std::string_view lead,
                   const Shape& item, bool not_null) {
    Quoted quoted{&whole, {}, &shape};
    BeginError(&quoted, shape.sensitive);
    text_ += lead;
    AppendConstraintList(text_, item, model_, not_null);
  }

  // "Value 'v' at 'path' failed to satisfy constraint: ", "Value null at ...", "Value at ...".
  void BeginError(const Quoted* value, bool sensitive) {
    if (errors_++ > 0) text_ += "; ";
    text_ += "Value ";
    if (!sensitive && value == nullptr) text_ += "null ";
    if (!sensitive && value != nullptr) {
      text_ += '\'';
      if (value->json != nullptr) {
        AppendJava(text_, *value->json, value->shape, model_);
      } else {
        text_ += value->text;
      }
      text_ += "' ";
    }
    text_ += "at '";
    path_.AppendTo(text_);
    text_ += "' failed to satisfy constraint: ";
  }

  const ServiceModel& model_;
  const RequestView& request_;
  Path path_;
  int errors_ = 0;
  std::string text_;  // the errors so far, "; "-separated
  std::optional<std::string> mismatch_;
};

}  // namespace

std::optional<ValidationFailure> ValidateInput(const ServiceModel& model,
                                               const Operation& operation,
                                               const RequestView& request) {
  if (operation.input == kNone) return std::nullopt;
  return Walk(model, request).Run(model.shape(operation.input));
}

}  // namespace hr::wire
